//! A large file parsed in pieces, so that no whole tree-sitter tree is ever held.
//!
//! The tree-sitter tree of a 300 KB schema file takes about 12 MB while it is copied. What makes
//! such a file large is a long object or array literal (the thousand models of `schema.sql.ts`,
//! the pairs of `renameModels`). The file is parsed with the inside of each such literal left out
//! (tree-sitter's included ranges), then the inside in groups of entries, each as a literal of its
//! own; their entries become the literal's children. A syntax error inside a group's entries stays
//! there (the literal and its ancestors are marked); where the
//! outer parse has an error, a group's delimiters do not hold, or a literal turns out to be
//! something else (a block), the whole file is parsed instead. For a text without syntax errors the
//! pieces give what a whole parse gives (the tests and the fuzz target compare them).

use std::ops::Range;

use super::{AtNode, HAS_ERROR, LANGUAGE, NONE, NodeData, copy_plain, copy_subtree};

/// A `{...}` or `[...]` whose inside is parsed apart, in groups of entries.
#[derive(Debug)]
struct Literal {
    open: usize,
    close: usize,
    brace: bool,
    /// The inside split after top-level commas: consecutive, together the whole inside.
    groups: Vec<Range<usize>>,
}

/// The nodes of `text` (parsed as [`super::Tree::parse`] would) from pieces: literals with more
/// than `large` bytes inside, and no such literal in them, are parsed in groups of about `group`
/// bytes. `None` when the text has no such literal or a piece does not parse cleanly.
pub(super) fn parse(text: &str, large: usize, group: usize) -> Option<Vec<NodeData>> {
    let literals = large_literals(text, large, group)?;
    // In order and apart, as the included ranges must be; the scan finds only such.
    if literals.is_empty() || literals.windows(2).any(|w| w[1].open <= w[0].close) {
        return None;
    }
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&LANGUAGE).ok()?;
    let ranges = outside(text, &literals);
    parser.set_included_ranges(&ranges).ok()?;
    let outer = parser.parse(text, None)?;
    if outer.root_node().has_error() {
        return None;
    }
    parser.set_included_ranges(&[]).ok()?;

    let object = LANGUAGE.id_for_node_kind("object", true);
    let array = LANGUAGE.id_for_node_kind("array", true);
    // About one node per two bytes of TypeScript; trimmed at the end.
    let mut nodes = Vec::with_capacity(text.len() / 2);
    let mut next = 0usize;
    copy_subtree(
        outer.root_node(),
        0,
        &mut nodes,
        &mut |node, index, nodes| {
            let Some(literal) = literals.get(next) else {
                return Some(AtNode::Descend);
            };
            if node.start_byte() != literal.open || node.end_byte() != literal.close + 1 {
                return Some(AtNode::Descend);
            }
            // The left-out inside leaves `{}` or `[]`: an object or array, or not the literal meant.
            if node.kind_id() != if literal.brace { object } else { array }
                || node.child_count() != 2
            {
                return None;
            }
            next += 1;
            let mut previous = NONE;
            let mut link = |nodes: &mut Vec<NodeData>, child: usize| {
                nodes[child].parent = index;
                if previous != NONE {
                    nodes[previous as usize].next_sibling = child as u32;
                }
                previous = child as u32;
            };
            let at = nodes.len();
            copy_plain(node.child(0)?, 0, nodes)?;
            link(nodes, at);
            for group in &literal.groups {
                let (opening, closing) = if literal.brace {
                    ("({", "})")
                } else {
                    ("([", "])")
                };
                let wrapped = format!("{opening}{}{closing}", text.get(group.clone())?);
                let parsed = parser.parse(&wrapped, None)?;
                let inner = group_literal(&parsed, node.kind_id(), wrapped.len())?;
                // A syntax error stays inside its group's entries, as in the editor: the literal
                // and its ancestors are marked, and the file is not parsed a second time whole.
                if inner.has_error() {
                    let mut at = index;
                    while at != NONE {
                        nodes[at as usize].flags |= HAS_ERROR;
                        at = nodes[at as usize].parent;
                    }
                }
                // Offsets in `wrapped` are two past those in the file.
                let offset = u32::try_from(group.start.checked_sub(2)?).ok()?;
                let mut cursor = inner.walk();
                let children: Vec<_> = inner.children(&mut cursor).collect();
                for child in &children[1..children.len() - 1] {
                    let at = nodes.len();
                    copy_plain(*child, offset, nodes)?;
                    link(nodes, at);
                }
            }
            let at = nodes.len();
            copy_plain(node.child(1)?, 0, nodes)?;
            link(nodes, at);
            Some(AtNode::ChildrenAppended)
        },
    )?;
    if next != literals.len() {
        return None;
    }
    nodes.shrink_to_fit();
    Some(nodes)
}

/// The literal of a group's parse, `({...})` or `([...])`: one statement of one parenthesized
/// expression of the literal alone, spanning all but the parentheses, each delimiter written (not
/// supplied by error recovery). Errors are allowed only inside the literal's entries.
fn group_literal(
    parsed: &tree_sitter::Tree,
    kind: u16,
    len: usize,
) -> Option<tree_sitter::Node<'_>> {
    let root = parsed.root_node();
    let statement = root.child(0)?;
    let parenthesized = statement.child(0)?;
    let inner = parenthesized.child(1)?;
    let written =
        |n: Option<tree_sitter::Node<'_>>| n.is_some_and(|n| !n.is_missing() && !n.is_error());
    let delimited = written(parenthesized.child(0))
        && written(parenthesized.child(2))
        && written(inner.child(0))
        && inner
            .child_count()
            .checked_sub(1)
            .is_some_and(|last| written(inner.child(last)));
    (root.child_count() == 1
        && statement.kind() == "expression_statement"
        && statement.child_count() == 1
        && parenthesized.kind() == "parenthesized_expression"
        && parenthesized.child_count() == 3
        && inner.kind_id() == kind
        && !inner.is_error()
        && inner.byte_range() == (1..len - 1)
        && delimited)
        .then_some(inner)
}

/// The included ranges of the outer parse: everything but the literals' insides.
fn outside(text: &str, literals: &[Literal]) -> Vec<tree_sitter::Range> {
    let mut ranges = Vec::with_capacity(literals.len() + 1);
    let mut point = tree_sitter::Point { row: 0, column: 0 };
    let mut at = 0usize;
    let mut advance = |to: usize, point: &mut tree_sitter::Point| {
        let bytes = text.as_bytes().get(at..to).unwrap_or_default();
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                point.row += bytes.iter().filter(|&&b| b == b'\n').count();
                point.column = bytes.len() - last - 1;
            }
            None => point.column += bytes.len(),
        }
        at = to;
        *point
    };
    let mut start = (0usize, point);
    for literal in literals {
        let end = advance(literal.open + 1, &mut point);
        ranges.push(tree_sitter::Range {
            start_byte: start.0,
            end_byte: literal.open + 1,
            start_point: start.1,
            end_point: end,
        });
        start = (literal.close, advance(literal.close, &mut point));
    }
    let end = advance(text.len(), &mut point);
    ranges.push(tree_sitter::Range {
        start_byte: start.0,
        end_byte: text.len(),
        start_point: start.1,
        end_point: end,
    });
    ranges
}

/// An open bracket while scanning, with the commas directly inside it.
struct Open {
    at: usize,
    bracket: u8,
    commas: Vec<usize>,
    /// Whether a large literal is inside it: only the innermost large literals are split.
    holds_large: bool,
}

/// The innermost literals with more than `large` bytes inside, in order, their insides split
/// after commas into groups of at least `group` bytes. A light scan: strings, templates,
/// comments and regular expressions are skipped, and brackets matched. `None` where they do not
/// match (or a `/` was taken for the wrong one of division and a regular expression).
fn large_literals(text: &str, large: usize, group: usize) -> Option<Vec<Literal>> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut found = Vec::new();
    // The last byte of code seen, for telling a regular expression from a division.
    let mut last = b'(';
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'\'' | b'"' => i = skip_string(bytes, i)?,
            b'`' => i = skip_template(bytes, i + 1, &mut stack)?,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map(|n| i + 2 + n + 2)?;
                continue;
            }
            b'/' if b"(,=:[!&|?{};+-*%<>~^".contains(&last) => i = skip_regex(bytes, i)?,
            b'(' | b'[' | b'{' => {
                stack.push(Open {
                    at: i,
                    bracket: b,
                    commas: Vec::new(),
                    holds_large: false,
                });
                i += 1;
            }
            b')' | b']' | b'}' => {
                let open = stack.pop()?;
                let expected = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if open.bracket == b'$' && b == b'}' {
                    // The end of a template's `${...}`: back to the template's text. A large
                    // literal inside it is inside the literals around the template too.
                    if open.holds_large
                        && let Some(outer) = stack.last_mut()
                    {
                        outer.holds_large = true;
                    }
                    i = skip_template(bytes, i + 1, &mut stack)?;
                    last = b'`';
                    continue;
                }
                if open.bracket != expected {
                    return None;
                }
                let is_large = i - open.at - 1 > large;
                if is_large && !open.holds_large && open.bracket != b'(' {
                    found.push(Literal {
                        open: open.at,
                        close: i,
                        brace: open.bracket == b'{',
                        groups: groups(open.at + 1, i, &open.commas, group),
                    });
                }
                if (is_large || open.holds_large)
                    && let Some(outer) = stack.last_mut()
                {
                    outer.holds_large = true;
                }
                i += 1;
            }
            b',' => {
                if let Some(open) = stack.last_mut() {
                    open.commas.push(i);
                }
                i += 1;
            }
            _ => i += 1,
        }
        last = b;
    }
    if !stack.is_empty() {
        return None;
    }
    // Found as they close: inner before outer, but the innermost do not nest.
    found.sort_by_key(|l| l.open);
    Some(found)
}

/// `start..end` split after commas into runs of at least `group` bytes.
fn groups(start: usize, end: usize, commas: &[usize], group: usize) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut from = start;
    for &comma in commas {
        if comma + 1 - from >= group {
            groups.push(from..comma + 1);
            from = comma + 1;
        }
    }
    groups.push(from..end);
    groups
}

/// The index after the string literal starting at `i`.
fn skip_string(bytes: &[u8], i: usize) -> Option<usize> {
    let quote = bytes[i];
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' => return None,
            c if c == quote => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The index after a template's text from `i` (just after its opening backquote, or after a
/// `${...}`): after the closing backquote, or after the next `${`, pushed as an open bracket.
fn skip_template(bytes: &[u8], mut i: usize, stack: &mut Vec<Open>) -> Option<usize> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                stack.push(Open {
                    at: i + 1,
                    bracket: b'$',
                    commas: Vec::new(),
                    holds_large: false,
                });
                return Some(i + 2);
            }
            _ => i += 1,
        }
    }
    None
}

/// The index after the regular expression starting at `i`.
fn skip_regex(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut in_class = false;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'\n' => return None,
            b'[' => {
                in_class = true;
                j += 1;
            }
            b']' => {
                in_class = false;
                j += 1;
            }
            b'/' if !in_class => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}
