//! The schema model after an edit inside the SQL of one `inlineSql` string, without evaluating
//! the project again.
//!
//! Typing SQL is the commonest edit of a data schema, and evaluating a large `resource.ts` again
//! costs more than every check of the edited query together. An edit that stays between the
//! quotes of a string literal written as the argument of `inlineSql` can only change that call's
//! SQL: the literal's value goes nowhere else, and the text around it, hence its syntax and every
//! other value, is the same. The model is then the previous one with that SQL read again and the
//! file's later spans moved by the edit's length.

use crate::{Node, Tree};

use crate::eval::string_value;
use crate::field;
use crate::model::{FileId, Handler, SchemaModel, TypeDef};
use crate::shift::{Moved, Shift};

/// The model of `file` changed from `old_text` to `new_text` (parsed as `new_tree`), if the edit
/// stayed inside the SQL of one `inlineSql` string literal of `previous` (the model of the old
/// text); `None` when the project must be evaluated again.
pub fn patch_sql_string_edit(
    previous: &SchemaModel,
    file: FileId,
    old_text: &str,
    new_text: &str,
    new_tree: &Tree,
) -> Option<SchemaModel> {
    let (start, new_end) = changed_bytes(old_text, new_text)?;
    let delta = isize::try_from(new_text.len()).ok()? - isize::try_from(old_text.len()).ok()?;

    // The string literal around the change, in the new tree.
    let covering = new_tree
        .root_node()
        .descendant_for_byte_range(start, new_end)?;
    let literal = std::iter::successors(Some(covering), Node::parent)
        .find(|n| matches!(n.kind(), "string" | "template_string"))?;
    let range = literal.byte_range();
    let raw = new_text.get(range.clone())?;
    let quote = raw.chars().next()?;
    if literal.has_error()
        || !matches!(quote, '"' | '\'' | '`')
        || raw.len() < 2
        || !raw.ends_with(quote)
        || start <= range.start
        || new_end >= range.end
    {
        return None;
    }
    let mut cursor = literal.walk();
    if literal
        .named_children(&mut cursor)
        .any(|part| part.kind() == "template_substitution")
    {
        return None;
    }
    if !is_inline_sql_argument(literal, new_text) {
        return None;
    }

    // The same literal before the edit (the text around the change is the same, so it has the
    // same quotes; it must have held no other expression), and the one handler that read it.
    let old_range = range.start..range.end.checked_add_signed(-delta)?;
    if !is_plain_literal(old_text.get(old_range.clone())?, quote) {
        return None;
    }
    let reads_literal = |handler: &Handler| match handler {
        Handler::InlineSql { argument, .. } => argument
            .as_ref()
            .is_some_and(|a| a.file == file && a.range == old_range),
        _ => false,
    };
    let reader = handlers(previous).position(reads_literal)?;
    // A literal read twice (a helper called for two queries) is left to a whole evaluation.
    if handlers(previous).skip(reader + 1).any(reads_literal) {
        return None;
    }

    let mut model = previous.clone();
    model.shift(&Moved {
        file,
        // The closing quote: everything from it on moved; nothing between the quotes but the
        // SQL itself was read.
        from: old_range.end - 1,
        delta,
    });
    if let Some(Handler::InlineSql { sql, .. }) = handlers_mut(&mut model).nth(reader) {
        *sql = Some(string_value(literal, new_text, file).0);
    }
    Some(model)
}

/// Every handler of every operation, in the model's order.
fn handlers(model: &SchemaModel) -> impl Iterator<Item = &Handler> {
    model
        .schemas
        .iter()
        .flat_map(|schema| &schema.entries)
        .filter_map(|entry| match &entry.def {
            TypeDef::Operation(op) => op.handlers.as_ref(),
            _ => None,
        })
        .flatten()
}

/// [`handlers`], to change them.
fn handlers_mut(model: &mut SchemaModel) -> impl Iterator<Item = &mut Handler> {
    model
        .schemas
        .iter_mut()
        .flat_map(|schema| &mut schema.entries)
        .filter_map(|entry| match &mut entry.def {
            TypeDef::Operation(op) => op.handlers.as_mut(),
            _ => None,
        })
        .flatten()
}

/// The bytes an edit changed: their start, and their end in the new text; `None` when the texts
/// are equal.
fn changed_bytes(old: &str, new: &str) -> Option<(usize, usize)> {
    if old == new {
        return None;
    }
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let mut prefix = common_prefix(old_bytes, new_bytes);
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    // No longer than the shorter text after the prefix: the slices are that long.
    let mut suffix = common_suffix(&old_bytes[prefix..], &new_bytes[prefix..]);
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some((prefix, new.len() - suffix))
}

/// Chunks compared as slices (a vectorized `memcmp`) until one differs, then bytes: a byte at a
/// time was 0.5 ms of every keystroke in a 400 KB file.
const CHUNK: usize = 256;

/// How many bytes `a` and `b` start with in common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + CHUNK <= len && a[at..at + CHUNK] == b[at..at + CHUNK] {
        at += CHUNK;
    }
    at + a[at..len]
        .iter()
        .zip(&b[at..len])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes `a` and `b` end with in common.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut from = len;
    while from >= CHUNK && a[from - CHUNK..from] == b[from - CHUNK..from] {
        from -= CHUNK;
    }
    len - from
        + a[..from]
            .iter()
            .rev()
            .zip(b[..from].iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
}

/// Whether `literal` is the first argument of a call of a method named `inlineSql`, whose value
/// then goes nowhere but into that call's handler.
fn is_inline_sql_argument(literal: Node<'_>, text: &str) -> bool {
    let Some(arguments) = literal.parent().filter(|p| p.kind() == "arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment");
    if first != Some(literal) {
        return false;
    }
    arguments
        .parent()
        .filter(|call| call.kind() == "call_expression")
        .and_then(|call| call.child_by_field_id(field::function()))
        .filter(|function| function.kind() == "member_expression")
        .and_then(|function| function.child_by_field_id(field::property()))
        .and_then(|property| text.get(property.byte_range()))
        == Some("inlineSql")
}

/// Whether `raw`, which starts and ends with `quote`, is one literal: no unescaped `quote` (nor
/// `${` in a template) between its quotes.
fn is_plain_literal(raw: &str, quote: char) -> bool {
    let Some(inner) = raw
        .strip_prefix(quote)
        .and_then(|rest| rest.strip_suffix(quote))
    else {
        return false;
    };
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '$' if quote == '`' && chars.peek() == Some(&'{') => return false,
            c if c == quote => return false,
            _ => {}
        }
    }
    // A backslash just before the closing quote escaped it: the literal went on.
    inner.chars().rev().take_while(|&c| c == '\\').count() % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::changed_bytes;

    /// A byte at a time, as the chunked comparison must find.
    fn naive(old: &str, new: &str) -> Option<(usize, usize)> {
        if old == new {
            return None;
        }
        let mut prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let longest = old.len().min(new.len()) - prefix;
        let mut suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(longest)
            .take_while(|(a, b)| a == b)
            .count();
        while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix)
        {
            suffix -= 1;
        }
        Some((prefix, new.len() - suffix))
    }

    #[test]
    fn the_changed_bytes_are_those_a_byte_by_byte_comparison_finds() {
        // Texts around chunk sizes, with repeats (an edit inside a run of equal characters) and
        // multi-byte characters, edited at every kind of place.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap_or(0)
        };
        let pieces = ["a", "aaaa", "é", "x", "\n", "€", "ab"];
        for _ in 0..3_000 {
            let length = next(1_200);
            let mut old = String::new();
            while old.len() < length {
                old.push_str(pieces[next(pieces.len())]);
            }
            let boundaries: Vec<usize> = (0..=old.len())
                .filter(|&i| old.is_char_boundary(i))
                .collect();
            let mut start = boundaries[next(boundaries.len())];
            let mut end = boundaries[next(boundaries.len())];
            if start > end {
                std::mem::swap(&mut start, &mut end);
            }
            let mut inserted = String::new();
            for _ in 0..next(4) {
                inserted.push_str(pieces[next(pieces.len())]);
            }
            let new = format!("{}{inserted}{}", &old[..start], &old[end..]);
            assert_eq!(
                changed_bytes(&old, &new),
                naive(&old, &new),
                "{old:?} -> {new:?}"
            );
        }
    }
}
