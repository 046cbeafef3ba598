//! Tokenizing, splitting into statements, parsing, and the syntax diagnostics.

use std::ops::Range;

use schemals_catalog::{Catalog, CatalogIndex, Engine};
use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::resolve::Analyzer;
use crate::text::PositionMap;
use crate::{Severity, SqlDiagnostic, StatementInfo, StatementKind, TableRef, codes};

/// sqlparser's own limit on nested expressions and queries; deeper text fails to parse with
/// "recursion limit exceeded". 50 is sqlparser's default and keeps its recursive descent well within
/// a 2 MiB thread stack.
const RECURSION_LIMIT: usize = 50;

/// Statements with more significant tokens are not parsed. sqlparser builds left-deep trees for
/// long operator chains (`a + b + c ...`, `UNION` chains) and walks and drops them recursively: about
/// 20,000 chained operators overflow a 2 MiB stack in a debug build. Handler SQL is a few hundred
/// tokens.
const MAX_STATEMENT_TOKENS: usize = 10_000;

type Checked = (Vec<SqlDiagnostic>, Vec<StatementInfo>, Vec<TableRef>);

/// A statement's token index range and what parsing it gave.
type Parsed = (Range<usize>, Result<Vec<Statement>, ParseFailure>);

pub(crate) fn check(
    sql: &str,
    engine: Engine,
    catalog: Option<(&Catalog, &CatalogIndex)>,
) -> Checked {
    let dialect: &dyn Dialect = match engine {
        Engine::Postgresql => &PostgreSqlDialect {},
        Engine::Mysql => &MySqlDialect {},
    };
    let mut map = PositionMap::new(sql);
    let mut diagnostics = Vec::new();

    let tokens = match Tokenizer::new(dialect, sql).tokenize_with_location() {
        Ok(tokens) => tokens,
        Err(error) => {
            let start = map.offset(error.location).unwrap_or(0);
            diagnostics.push(SqlDiagnostic {
                range: char_range(sql, start),
                severity: Severity::Error,
                code: codes::SYNTAX_ERROR,
                message: clean_message(&error.message),
            });
            return (diagnostics, Vec::new(), Vec::new());
        }
    };
    let ranges = map.index_tokens(&tokens);
    let pieces = split(&tokens);

    let mut parsed: Vec<Parsed> = pieces
        .iter()
        .map(|piece| {
            let result = parse_piece(dialect, &tokens[piece.clone()]);
            (piece.clone(), result)
        })
        .collect();

    // A statement with `;` inside (a MySQL `BEGIN ... END` block) fails when split; if the whole text
    // parses, that reading wins.
    if parsed.len() > 1 && parsed.iter().any(|(_, r)| r.is_err()) {
        let whole = significant_bounds(&tokens, 0..tokens.len());
        if let Some(whole) = whole
            && let Ok(statements) = parse_piece(dialect, &tokens[whole.clone()])
        {
            parsed = vec![(whole, Ok(statements))];
        }
    }

    let mut analyzer = Analyzer::new(engine, catalog, &map);
    let mut infos = Vec::new();
    for (piece, result) in parsed {
        let Some(bounds) = significant_bounds(&tokens, piece.clone()) else {
            continue;
        };
        let range = ranges[bounds.start].start..ranges[bounds.end - 1].end;
        match result {
            Ok(statements) => {
                let single = statements.len() == 1;
                for statement in &statements {
                    let summary = analyzer.statement(statement);
                    infos.push(StatementInfo {
                        range: if single {
                            range.clone()
                        } else {
                            statement_range(statement, &map).unwrap_or(range.clone())
                        },
                        kind: summary.kind,
                        returns_rows: summary.returns_rows,
                        output: summary.output,
                    });
                }
            }
            Err(failure) => {
                diagnostics.push(failure_diagnostic(
                    failure,
                    &tokens[bounds.clone()],
                    &ranges[bounds.clone()],
                    &map,
                    sql,
                ));
                infos.push(StatementInfo {
                    range,
                    kind: StatementKind::Unparsed,
                    returns_rows: None,
                    output: None,
                });
            }
        }
    }
    let (analysis_diagnostics, tables) = analyzer.finish();
    diagnostics.extend(analysis_diagnostics);
    (diagnostics, infos, tables)
}

enum ParseFailure {
    TooLong(usize),
    Parser(ParserError),
}

fn parse_piece(
    dialect: &dyn Dialect,
    tokens: &[TokenWithSpan],
) -> Result<Vec<Statement>, ParseFailure> {
    let significant = tokens.iter().filter(|t| is_significant(&t.token)).count();
    if significant > MAX_STATEMENT_TOKENS {
        return Err(ParseFailure::TooLong(significant));
    }
    Parser::new(dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens.to_vec())
        .parse_statements()
        .map_err(ParseFailure::Parser)
}

fn is_significant(token: &Token) -> bool {
    !matches!(token, Token::Whitespace(_) | Token::EOF)
}

/// Token index ranges of the statements: split at `;` outside parentheses, each without its `;`.
fn split(tokens: &[TokenWithSpan]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut depth = 0i64;
    for (i, token) in tokens.iter().enumerate() {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth <= 0 => {
                pieces.push(start..i);
                start = i + 1;
                depth = 0;
            }
            _ => {}
        }
    }
    pieces.push(start..tokens.len());
    pieces.retain(|piece| {
        tokens[piece.clone()]
            .iter()
            .any(|t| is_significant(&t.token))
    });
    pieces
}

/// The first and last significant tokens of `piece`, as a token index range.
fn significant_bounds(tokens: &[TokenWithSpan], piece: Range<usize>) -> Option<Range<usize>> {
    let first = piece.clone().find(|&i| is_significant(&tokens[i].token))?;
    let last = piece.rev().find(|&i| is_significant(&tokens[i].token))?;
    Some(first..last + 1)
}

fn statement_range(statement: &Statement, map: &PositionMap) -> Option<Range<usize>> {
    use sqlparser::ast::Spanned;
    map.range(statement.span())
}

fn failure_diagnostic(
    failure: ParseFailure,
    tokens: &[TokenWithSpan],
    ranges: &[Range<usize>],
    map: &PositionMap,
    sql: &str,
) -> SqlDiagnostic {
    let whole = ranges.first().map_or(0, |r| r.start)..ranges.last().map_or(0, |r| r.end);
    let error = match failure {
        ParseFailure::TooLong(count) => {
            return SqlDiagnostic {
                range: ranges.first().cloned().unwrap_or(whole),
                severity: Severity::Information,
                code: codes::NOT_ANALYZED,
                message: format!(
                    "This statement is too long for schemals to analyze ({count} tokens; the limit is {MAX_STATEMENT_TOKENS})"
                ),
            };
        }
        ParseFailure::Parser(ParserError::RecursionLimitExceeded) => {
            return SqlDiagnostic {
                range: ranges.first().cloned().unwrap_or(whole),
                severity: Severity::Information,
                code: codes::NOT_ANALYZED,
                message: "This statement is nested too deeply for schemals to analyze".to_owned(),
            };
        }
        ParseFailure::Parser(ParserError::ParserError(message))
        | ParseFailure::Parser(ParserError::TokenizerError(message)) => message,
    };
    let (message, location) = split_location(&error);

    // The offending token: the one starting at the reported location; without a location the parser
    // ran out of tokens, so the last token of the statement.
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| is_significant(&tokens[i].token))
        .collect();
    let found = message.rsplit_once("found: ").map(|(_, found)| found);
    let offending = location.and_then(|location| {
        let k = significant
            .iter()
            .position(|&i| tokens[i].span.start == location)?;
        // Some messages point after the token they name (`SELECT a, FROM t`).
        let names = |k: usize| {
            found.is_some_and(|f| {
                tokens[significant[k]]
                    .token
                    .to_string()
                    .eq_ignore_ascii_case(f)
            })
        };
        Some(if !names(k) && k > 0 && names(k - 1) {
            k - 1
        } else {
            k
        })
    });
    let at_end = location.is_none() || message.ends_with("found: EOF");
    let range = match (offending, location) {
        (Some(k), _) => placeholder_range(tokens, ranges, significant[k]),
        (None, Some(location)) if !at_end => map
            .offset(location)
            .map_or_else(|| whole.clone(), |start| char_range(sql, start)),
        _ => significant
            .last()
            .map_or(whole.clone(), |&i| placeholder_range(tokens, ranges, i)),
    };

    let certain = at_end
        || !parentheses_balance(tokens)
        || starts_without_keyword(tokens, &significant)
        || offending.is_some_and(|k| {
            dangling_comma(tokens, &significant, k)
                || impossible_token(&message, &tokens[significant[k]].token)
        });
    if let Some(k) = offending
        && let Token::Word(word) = &tokens[significant[k]].token
        && let Some(keyword) = misspelled_keyword(word)
    {
        return SqlDiagnostic {
            range,
            severity: Severity::Error,
            code: codes::SYNTAX_ERROR,
            message: format!(
                "syntax error at or near \"{}\"; did you mean {keyword}?",
                word.value
            ),
        };
    }
    if certain {
        SqlDiagnostic {
            range,
            severity: Severity::Error,
            code: codes::SYNTAX_ERROR,
            message,
        }
    } else {
        SqlDiagnostic {
            range,
            severity: Severity::Warning,
            code: codes::UNSUPPORTED_SYNTAX,
            message: format!(
                "schemals' SQL parser cannot read this statement ({message}); the database may still accept it"
            ),
        }
    }
}

/// Splits sqlparser's " at Line: 3, Column: 7" suffix off a message.
fn split_location(message: &str) -> (String, Option<Location>) {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    if let Some(at) = message.rfind(" at Line: ") {
        let rest = &message[at + " at Line: ".len()..];
        if let Some((line, column)) = rest.split_once(", Column: ")
            && let (Ok(line), Ok(column)) = (line.parse(), column.parse())
        {
            return (
                clean_message(&message[..at]),
                Some(Location { line, column }),
            );
        }
    }
    (clean_message(message), None)
}

fn clean_message(message: &str) -> String {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    let message = message.trim().trim_end_matches('.');
    match message.strip_prefix("Expected an expression") {
        Some(rest) => format!("Expected: an expression{rest}"),
        None => message.to_owned(),
    }
}

/// The range of token `i`, widened to the whole placeholder when it is the name or the colon of a
/// `:name` (sqlparser reads a placeholder as two tokens).
fn placeholder_range(tokens: &[TokenWithSpan], ranges: &[Range<usize>], i: usize) -> Range<usize> {
    let mut range = ranges[i].clone();
    let adjacent = |a: usize, b: usize| ranges[a].end == ranges[b].start;
    match tokens[i].token {
        Token::Word(_) if i > 0 && tokens[i - 1].token == Token::Colon && adjacent(i - 1, i) => {
            let before_colon =
                i >= 2 && tokens[i - 2].token == Token::Colon && adjacent(i - 2, i - 1);
            if !before_colon {
                range.start = ranges[i - 1].start;
            }
        }
        Token::Colon
            if i + 1 < tokens.len()
                && matches!(tokens[i + 1].token, Token::Word(_))
                && adjacent(i, i + 1) =>
        {
            range.end = ranges[i + 1].end;
        }
        _ => {}
    }
    range
}

/// A token that can stand where sqlparser stopped in neither database: a clause keyword or a
/// comparison where an expression or a name must start, or a new statement where the previous one
/// should have ended (a missing `;`).
fn impossible_token(message: &str, token: &Token) -> bool {
    let keyword = match token {
        Token::Word(w) if w.quote_style.is_none() => w.keyword,
        _ => Keyword::NoKeyword,
    };
    if message.starts_with("Expected: end of statement") {
        return matches!(keyword, Keyword::SELECT | Keyword::INSERT);
    }
    if !(message.starts_with("Expected: an expression")
        || message.starts_with("Expected: identifier")
        || message.starts_with("Expected: table name"))
    {
        return false;
    }
    matches!(
        token,
        Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::RParen
            | Token::Comma
            | Token::SemiColon
    ) || matches!(
        keyword,
        Keyword::AND
            | Keyword::OR
            | Keyword::AS
            | Keyword::BY
            | Keyword::ELSE
            | Keyword::END
            | Keyword::EXCEPT
            | Keyword::FROM
            | Keyword::GROUP
            | Keyword::HAVING
            | Keyword::INTERSECT
            | Keyword::INTO
            | Keyword::JOIN
            | Keyword::LIMIT
            | Keyword::ON
            | Keyword::ORDER
            | Keyword::RETURNING
            | Keyword::SELECT
            | Keyword::THEN
            | Keyword::UNION
            | Keyword::WHEN
            | Keyword::WHERE
    )
}

/// The clause keyword an unquoted word that stopped the parser is a typo of (`LIMT`, `WHRE`).
/// A word the parser could not place that is one or two edits from a clause keyword is a
/// misspelling in every database, so it is reported as an error.
fn misspelled_keyword(word: &sqlparser::tokenizer::Word) -> Option<&'static str> {
    const CLAUSES: &[&str] = &[
        "SELECT",
        "FROM",
        "WHERE",
        "GROUP",
        "ORDER",
        "HAVING",
        "LIMIT",
        "OFFSET",
        "UNION",
        "JOIN",
        "INNER",
        "LEFT",
        "RIGHT",
        "OUTER",
        "RETURNING",
        "VALUES",
        "SET",
        "INTO",
        "UPDATE",
        "DELETE",
        "INSERT",
    ];
    if word.quote_style.is_some() || word.keyword != Keyword::NoKeyword {
        return None;
    }
    let upper = word.value.to_ascii_uppercase();
    let limit = if upper.len() >= 6 { 2 } else { 1 };
    if upper.len() < 3 {
        return None;
    }
    CLAUSES
        .iter()
        .map(|k| (crate::resolve::edit_distance(&upper, k), *k))
        .filter(|(d, _)| *d > 0 && *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The range of the character starting at `start` (empty at the end of the text).
fn char_range(sql: &str, start: usize) -> Range<usize> {
    let start = start.min(sql.len());
    let len = sql[start..].chars().next().map_or(0, char::len_utf8);
    start..start + len
}

fn parentheses_balance(tokens: &[TokenWithSpan]) -> bool {
    let mut parens = 0i64;
    let mut brackets = 0i64;
    for token in tokens {
        match token.token {
            Token::LParen => parens += 1,
            Token::RParen => parens -= 1,
            Token::LBracket => brackets += 1,
            Token::RBracket => brackets -= 1,
            _ => {}
        }
        if parens < 0 || brackets < 0 {
            return false;
        }
    }
    parens == 0 && brackets == 0
}

/// Every statement of both databases starts with a keyword; a statement starting with another word
/// is a typo (`SELEC`). sqlparser's keyword list holds every statement keyword but these.
fn starts_without_keyword(tokens: &[TokenWithSpan], significant: &[usize]) -> bool {
    const OTHER_STATEMENT_WORDS: &[&str] = &[
        "binlog",
        "checkpoint",
        "help",
        "move",
        "resignal",
        "signal",
        "stop",
        "uninstall",
        "xa",
    ];
    significant
        .first()
        .is_some_and(|&i| match &tokens[i].token {
            Token::Word(w) => {
                w.quote_style.is_none()
                    && w.keyword == Keyword::NoKeyword
                    && !OTHER_STATEMENT_WORDS.contains(&w.value.to_ascii_lowercase().as_str())
            }
            _ => false,
        })
}

/// A comma directly followed by `)`, `,`, or a keyword that starts a clause: `SELECT a, FROM t`.
fn dangling_comma(tokens: &[TokenWithSpan], significant: &[usize], offending: usize) -> bool {
    if offending == 0 || tokens[significant[offending - 1]].token != Token::Comma {
        return false;
    }
    match &tokens[significant[offending]].token {
        Token::RParen | Token::Comma | Token::SemiColon => true,
        Token::Word(w) if w.quote_style.is_none() => matches!(
            w.keyword,
            Keyword::FROM
                | Keyword::WHERE
                | Keyword::GROUP
                | Keyword::HAVING
                | Keyword::ORDER
                | Keyword::LIMIT
                | Keyword::OFFSET
                | Keyword::UNION
                | Keyword::EXCEPT
                | Keyword::INTERSECT
                | Keyword::RETURNING
                | Keyword::VALUES
                | Keyword::SET
                | Keyword::ON
                | Keyword::USING
                | Keyword::JOIN
                | Keyword::WINDOW
        ),
        _ => false,
    }
}
