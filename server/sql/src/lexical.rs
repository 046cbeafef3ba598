//! A tolerant token stream with byte ranges, for what must work on half-typed SQL: completion
//! contexts, semantic tokens, and the token patterns the checks look for (a placeholder compared
//! with a column).
//!
//! sqlparser's tokenizer stops at the first token that never ends (an unterminated string or
//! comment); the text before it is still tokenized, and the rest becomes one [`TokenKind::Unknown`]
//! token, so the caller always gets a token stream that covers the text.

use std::ops::Range;

use compact_str::CompactString;
use schemals_catalog::Engine;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use crate::text::PositionMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A reserved word of SQL (`SELECT`, `FROM`, `AND`...), unquoted.
    Keyword,
    /// Any other word: a table, column, alias, function or type name, quoted or not.
    Identifier,
    Number,
    String,
    Comment,
    /// `:name`, as one token.
    Placeholder,
    /// Operators and punctuation: `=`, `(`, `,`, `.`, `::`...
    Punct,
    /// The rest of a text that could not be tokenized (after an unterminated string or comment).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlToken {
    pub kind: TokenKind,
    /// Byte offsets in the SQL text.
    pub range: Range<usize>,
    /// A word's name as the database sees it (PostgreSQL folds unquoted words to lower case), a
    /// placeholder's name without the colon, or the token's text. Held inline up to 24 bytes: the
    /// tokens of every query are kept with its analysis.
    pub value: CompactString,
    /// Whether a word was written in quotes.
    pub quoted: bool,
}

impl SqlToken {
    /// Whether the token is the keyword `word` (compared without case).
    pub fn is_keyword(&self, word: &str) -> bool {
        self.kind == TokenKind::Keyword && self.value.eq_ignore_ascii_case(word)
    }

    pub fn is_punct(&self, text: &str) -> bool {
        self.kind == TokenKind::Punct && self.value == text
    }
}

/// Words shown as keywords and never offered as names. sqlparser's own keyword list holds hundreds
/// of words that are ordinary column names (`name`, `type`, `year`), so a short list of its own.
pub const RESERVED: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "BETWEEN",
    "BY",
    "CALL",
    "CASE",
    "CAST",
    "CONFLICT",
    "CROSS",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DO",
    "ELSE",
    "END",
    "EXCEPT",
    "EXISTS",
    "FALSE",
    "FETCH",
    "FOR",
    "FROM",
    "FULL",
    "GROUP",
    "HAVING",
    "ILIKE",
    "IN",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "JOIN",
    "LATERAL",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NATURAL",
    "NOT",
    "NOTHING",
    "NULL",
    "NULLS",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "OVER",
    "PARTITION",
    "RECURSIVE",
    "REPLACE",
    "RETURNING",
    "RIGHT",
    "SELECT",
    "SET",
    "TABLE",
    "THEN",
    "TRUE",
    "UNION",
    "UPDATE",
    "USING",
    "VALUES",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

pub fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// The tokens of `sql`, comments included, whitespace left out. Never fails.
pub fn tokenize(sql: &str, engine: Engine) -> Vec<SqlToken> {
    let dialect: &dyn Dialect = match engine {
        Engine::Postgresql => &PostgreSqlDialect {},
        Engine::Mysql => &MySqlDialect {},
    };
    let map = PositionMap::new(sql);
    let (tokenized_len, raw) = match Tokenizer::new(dialect, sql).tokenize_with_location() {
        Ok(tokens) => (sql.len(), tokens),
        Err(error) => {
            let stop = map.offset(error.location).unwrap_or(0).min(sql.len());
            // The tokenizer reports where the broken token starts; everything before it tokenizes.
            let prefix = &sql[..stop];
            match Tokenizer::new(dialect, prefix).tokenize_with_location() {
                Ok(tokens) => (stop, tokens),
                Err(_) => (0, Vec::new()),
            }
        }
    };
    let mut prefix_map = PositionMap::new(&sql[..tokenized_len]);
    let ranges = prefix_map.index_tokens(&raw);
    let placeholders = crate::placeholders::find(sql, engine);
    let pg = engine == Engine::Postgresql;

    let mut out: Vec<SqlToken> = Vec::with_capacity(raw.len());
    // Placeholders and tokens are both in text order: one cursor walks the placeholders, so
    // thousands of `:name`s cost linear time, not tokens times placeholders.
    let mut next_placeholder = 0;
    for (token, range) in raw.iter().zip(ranges) {
        if range.start >= range.end {
            continue;
        }
        while placeholders
            .get(next_placeholder)
            .is_some_and(|p| p.range.end <= range.start)
        {
            next_placeholder += 1;
        }
        if let Some(p) = placeholders
            .get(next_placeholder)
            .filter(|p| p.range.start <= range.start && range.end <= p.range.end)
        {
            if out.last().is_some_and(|t| t.range == p.range) {
                continue;
            }
            out.push(SqlToken {
                kind: TokenKind::Placeholder,
                range: p.range.clone(),
                value: p.name.as_str().into(),
                quoted: false,
            });
            continue;
        }
        let text = &sql[range.clone()];
        let (kind, value, quoted) = match &token.token {
            Token::Word(word) => {
                let quoted = word.quote_style.is_some();
                if !quoted && is_reserved(&word.value) {
                    (
                        TokenKind::Keyword,
                        word.value.to_ascii_uppercase().into(),
                        false,
                    )
                } else if pg && !quoted {
                    (
                        TokenKind::Identifier,
                        word.value.to_lowercase().into(),
                        quoted,
                    )
                } else {
                    (TokenKind::Identifier, word.value.as_str().into(), quoted)
                }
            }
            Token::Number(..) => (TokenKind::Number, text.into(), false),
            Token::Whitespace(Whitespace::SingleLineComment { .. })
            | Token::Whitespace(Whitespace::MultiLineComment(_)) => {
                (TokenKind::Comment, text.into(), false)
            }
            Token::Whitespace(_) | Token::EOF => continue,
            Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::TripleSingleQuotedByteStringLiteral(_)
            | Token::TripleDoubleQuotedByteStringLiteral(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_)
            | Token::TripleSingleQuotedRawStringLiteral(_)
            | Token::TripleDoubleQuotedRawStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::QuoteDelimitedStringLiteral(_)
            | Token::NationalQuoteDelimitedStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_) => (TokenKind::String, text.into(), false),
            _ => (TokenKind::Punct, text.into(), false),
        };
        out.push(SqlToken {
            kind,
            range,
            value,
            quoted,
        });
    }
    if tokenized_len < sql.len() {
        let start = out
            .last()
            .map_or(tokenized_len, |t| t.range.end.max(tokenized_len));
        let rest = sql[start..].trim_start();
        let start = sql.len() - rest.len();
        if start < sql.len() {
            out.push(SqlToken {
                kind: TokenKind::Unknown,
                range: start..sql.len(),
                value: rest.into(),
                quoted: false,
            });
        }
    }
    // Kept with the query's analysis for the session: without the growth's spare capacity.
    out.shrink_to_fit();
    out
}

/// The token index ranges of the statements of a token stream: split at `;` outside parentheses.
pub fn statements(tokens: &[SqlToken]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i64;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Punct {
            continue;
        }
        match token.value.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            ";" if depth <= 0 => {
                out.push(start..i);
                start = i + 1;
                depth = 0;
            }
            _ => {}
        }
    }
    out.push(start..tokens.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        tokenize(sql, Engine::Postgresql)
            .into_iter()
            .map(|t| (t.kind, &sql[t.range]))
            .collect()
    }

    #[test]
    fn placeholders_are_one_token_and_broken_text_is_covered() {
        use TokenKind::*;
        assert_eq!(
            kinds("SELECT name FROM é WHERE id = :id::int -- x"),
            [
                (Keyword, "SELECT"),
                (Identifier, "name"),
                (Keyword, "FROM"),
                (Identifier, "é"),
                (Keyword, "WHERE"),
                (Identifier, "id"),
                (Punct, "="),
                (Placeholder, ":id"),
                (Punct, "::"),
                (Identifier, "int"),
                (Comment, "-- x"),
            ]
        );
        assert_eq!(
            kinds("SELECT 'open"),
            [(Keyword, "SELECT"), (Unknown, "'open")]
        );
    }
}
