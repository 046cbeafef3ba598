//! `:name` placeholders, found by a small scanner of its own rather than by sqlparser's tokenizer,
//! so that they are found in text the tokenizer rejects (an unterminated string further down, a
//! half-typed statement) as well.
//!
//! The scanner skips what the database would not read as code: string literals (with backslash
//! escapes in MySQL and in PostgreSQL `E'...'`), quoted identifiers (`"x"`, `` `x` `` in MySQL),
//! comments (`--`, `#` in MySQL, `/* */`, nested in PostgreSQL) and PostgreSQL dollar-quoted bodies
//! (`$$...$$`, `$tag$...$tag$`). A placeholder is one colon, not part of a `::` cast, followed by a
//! name (a letter or `_`, then letters, digits and `_`).

use schemals_catalog::Engine;

use crate::Placeholder;

pub(crate) fn find(sql: &str, engine: Engine) -> Vec<Placeholder> {
    let pg = engine == Engine::Postgresql;
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' => {
                let escapes = if pg {
                    is_escape_string_prefix(bytes, i)
                } else {
                    true
                };
                i = skip_quoted(bytes, i, b'\'', escapes);
            }
            b'"' => i = skip_quoted(bytes, i, b'"', !pg),
            b'`' if !pg => i = skip_quoted(bytes, i, b'`', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let is_comment = pg || sql[i + 2..].chars().next().is_some_and(char::is_whitespace);
                if is_comment {
                    i = skip_line(bytes, i);
                } else {
                    i += 2;
                }
            }
            b'#' if !pg => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i, pg),
            b'$' if pg => i = skip_dollar_quoted(sql, i),
            b':' => {
                if bytes.get(i + 1) == Some(&b':') {
                    // A `::` cast; a third colon would start nothing either.
                    i += 2;
                    while bytes.get(i) == Some(&b':') {
                        i += 1;
                    }
                    continue;
                }
                let name_len = name_length(&sql[i + 1..]);
                if name_len > 0 {
                    let end = i + 1 + name_len;
                    found.push(Placeholder {
                        name: sql[i + 1..end].to_owned(),
                        range: i..end,
                    });
                    i = end;
                } else {
                    i += 1;
                }
            }
            _ if is_word_byte(b) => {
                // Skip a whole word, so that `E'` and `$` inside names are seen in context.
                while i < bytes.len() && (is_word_byte(bytes[i]) || (pg && bytes[i] == b'$')) {
                    i += 1;
                }
                if pg && bytes.get(i) == Some(&b'\'') && is_escape_string_prefix(bytes, i) {
                    i = skip_quoted(bytes, i, b'\'', true);
                }
            }
            _ => i += 1,
        }
    }
    found
}

/// Letters, digits, `_` and any byte of a non-ASCII character.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether the quote at `quote` opens a PostgreSQL escape string: `E'...'` with the `E` not part of
/// a longer word.
fn is_escape_string_prefix(bytes: &[u8], quote: usize) -> bool {
    if quote == 0 || !matches!(bytes[quote - 1], b'E' | b'e') {
        return false;
    }
    quote == 1 || !is_word_byte(bytes[quote - 2]) && bytes[quote - 2] != b'$'
}

/// The length in bytes of the placeholder name at the start of `rest`.
fn name_length(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_alphabetic() || c == '_' => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(rest.len(), |(i, _)| i)
}

/// Skips a quoted token opened at `start`, where a doubled quote stands for itself; with
/// `backslash`, a backslash escapes the next byte. Returns the offset after the closing quote, or
/// the end of the text.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8, backslash: bool) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_line(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| start + p + 1)
}

fn skip_block_comment(bytes: &[u8], start: usize, nested: bool) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            if depth == 0 || nested {
                depth += 1;
            }
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Skips a dollar-quoted body opened at `start` (`$$` or `$tag$`). A `$` that opens no quote (`$1`,
/// a lone `$`) is skipped alone.
fn skip_dollar_quoted(sql: &str, start: usize) -> usize {
    let rest = &sql[start + 1..];
    let tag_len = if rest.starts_with('$') {
        0
    } else {
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        let starts_like_name = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_');
        if len == 0 || !starts_like_name || !rest[len..].starts_with('$') {
            return start + 1;
        }
        len
    };
    let delimiter = &sql[start..start + tag_len + 2];
    let body = start + delimiter.len();
    sql[body..]
        .find(delimiter)
        .map_or(sql.len(), |p| body + p + delimiter.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str, engine: Engine) -> Vec<String> {
        find(sql, engine)
            .into_iter()
            .map(|p| {
                assert_eq!(&sql[p.range.clone()], format!(":{}", p.name));
                p.name
            })
            .collect()
    }

    #[test]
    fn skips_what_is_not_code() {
        let pg = Engine::Postgresql;
        assert_eq!(
            names("a = :a AND b = ':b' AND \"c:c\" = :d", pg),
            ["a", "d"]
        );
        assert_eq!(names("x = :startDate::date", pg), ["startDate"]);
        assert_eq!(names("x::text, y:::z", pg), Vec::<String>::new());
        assert_eq!(
            names("-- :old\nx = :new /* :c /* :n */ :c2 */ :e", pg),
            ["new", "e"]
        );
        assert_eq!(names("$$ :a $$ :b $f$ :c $$ :d $f$ :e", pg), ["b", "e"]);
        assert_eq!(names("$1 = :a AND x$y = :b", pg), ["a", "b"]);
        assert_eq!(names("E'\\' :a' = :b AND e'x' = 'a\\' :c", pg), ["b", "c"]);
        assert_eq!(names("`:a` = :b", pg), ["a", "b"]);

        let my = Engine::Mysql;
        assert_eq!(
            names("`x:a` = :b # :c\n AND \"d:\\\" :e\" = :f", my),
            ["b", "f"]
        );
        assert_eq!(names("'it\\'s :a' = :b /* :c /* */ :d", my), ["b", "d"]);
        assert_eq!(names("5--:a\n-- :b\n:c", my), ["a", "c"]);
        assert_eq!(names("@v := :x", my), ["x"]);
        assert_eq!(names("$$ :a $$", my), ["a"]);
    }

    #[test]
    fn unterminated_tokens_end_the_scan() {
        assert_eq!(names(":a 'unterminated :b", Engine::Postgresql), ["a"]);
        assert_eq!(names(":a /* :b", Engine::Postgresql), ["a"]);
        assert_eq!(names(":a $x$ :b", Engine::Postgresql), ["a"]);
        assert_eq!(names("x = :", Engine::Postgresql), Vec::<String>::new());
        assert_eq!(names("x = :café", Engine::Postgresql), ["café"]);
    }
}
