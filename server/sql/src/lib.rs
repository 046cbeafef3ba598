//! Analysis of the SQL text of one custom query (`a.handler.inlineSql("...")` or a file named by
//! `a.handler.sqlReference(...)`) against a database catalog.
//!
//! Architecture invariant: this crate knows nothing of TypeScript, LSP or the schema model. It takes
//! a SQL text, the engine and optionally a catalog, and answers plain data whose ranges are byte
//! offsets into that SQL text; the caller maps them back into the host file with its own source map.
//! [`analyze`] never fails and never panics: broken SQL gives diagnostics, never an error.
//!
//! For editor features on half-typed SQL, where a parse gives nothing: [`lexical`] (a tolerant token
//! stream with byte ranges, `:name` placeholders as one token), [`context`] (the clause, the word
//! being typed, the tables, aliases and CTEs of the statement around a cursor) and [`format()`]
//! (reformatting that refuses whenever it could lose anything).
//!
//! # What it reports
//!
//! | code | severity | when |
//! | --- | --- | --- |
//! | `sql-empty-statement` | Error | the text is empty or only whitespace (Amplify refuses it at deploy) |
//! | `sql-syntax-error` | Error | the text certainly is not valid SQL (see below) |
//! | `sql-unsupported-syntax` | Warning | schemals' parser cannot read a statement that may still be valid |
//! | `sql-unknown-table` | Error (Warning for a MySQL name that differs only in case) | a table, or a qualifier such as `e.` in `e.name`, that does not exist |
//! | `sql-unknown-column` | Error | a column that no table in scope has |
//! | `sql-not-analyzed` | Information | a statement too long or too deeply nested to analyze |
//!
//! Unknown tables and columns are reported only when a catalog is given.
//!
//! # No false alarms
//!
//! A diagnostic on valid SQL is as bad as a crash, so the analysis stays quiet whenever it cannot be
//! sure. sqlparser is not the database: it rejects some SQL that PostgreSQL or MySQL accept (for
//! example `ROWS FROM (...)`). The policy for a statement sqlparser cannot parse:
//!
//! - `sql-syntax-error` (Error) only when the text is wrong whatever the parser:
//!   - a token that never ends: string literal, quoted identifier, block comment, dollar-quoted body;
//!   - parentheses or brackets that do not balance;
//!   - a statement that stops where more must follow (`SELECT * FROM`, `WHERE id = ;`);
//!   - a comma followed by `)`, another comma or a clause keyword (`SELECT a, FROM t`);
//!   - a clause keyword, `AND`/`OR` or a comparison operator where an expression or a name must
//!     start (`WHERE id = = 1`, `FROM WHERE`);
//!   - `SELECT` or `INSERT` where the previous statement should have ended (a missing `;`);
//!   - a statement that does not start with an SQL keyword (`SELEC * FROM t`);
//! - otherwise `sql-unsupported-syntax` (Warning), with sqlparser's message and a note that the
//!   database may accept the statement.
//!
//! Either way the statement that did not parse gets no table or column checks; the other
//! statements of the text are still analyzed (the text is split at top-level `;`).
//!
//! Table and column checks are quiet wherever the columns in scope are not all known: set-returning
//! and other table functions in `FROM` (`searchuser(:q)`, `generate_series`, `unnest`,
//! `JSON_TABLE`), `VALUES`, subqueries whose select list cannot be named (`SELECT count(*) + 1`),
//! system catalogs (`pg_catalog`, `information_schema`, unqualified `pg_*`, MySQL `mysql`,
//! `performance_schema`, `sys`), tables of another MySQL database, schemas the catalog does not
//! know, and anything the analysis does not model. Unqualified names that are not columns are let
//! through when they are select-list aliases (in ORDER BY, GROUP BY, HAVING, DISTINCT ON), whole-row
//! references to a table (`row_to_json(t)`), keywords used as values (`DEFAULT`, `CURRENT_DATE`,
//! `CURRENT_USER`), bare keywords in function arguments (`TIMESTAMPDIFF(MONTH, a, b)`), system
//! columns (`ctid`, `xmin`, MySQL `_rowid`) or MySQL variables (`@v`). Messages suggest the closest
//! name when one looks like a typo of the other.
//!
//! # Placeholders
//!
//! `:name` placeholders are bound by name by Amplify at run time. They are found by a scanner of
//! this crate that skips string literals, quoted identifiers, comments and dollar-quoted bodies and
//! never takes a `::type` cast for a placeholder; sqlparser accepts `:name` wherever an expression
//! goes, so the SQL is parsed as written.

use std::ops::Range;

use schemals_catalog::{Catalog, CatalogIndex, Engine};

pub mod context;
pub mod lexical;
mod parse;
mod placeholders;
mod resolve;
mod text;

/// Diagnostic codes, stable: users and editors filter on them.
pub mod codes {
    pub const EMPTY_STATEMENT: &str = "sql-empty-statement";
    pub const SYNTAX_ERROR: &str = "sql-syntax-error";
    pub const UNSUPPORTED_SYNTAX: &str = "sql-unsupported-syntax";
    pub const UNKNOWN_TABLE: &str = "sql-unknown-table";
    pub const UNKNOWN_COLUMN: &str = "sql-unknown-column";
    pub const NOT_ANALYZED: &str = "sql-not-analyzed";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// The lower-case name used in fixtures and CLI output: `error`, `warning`, `info`, `hint`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlDiagnostic {
    /// Byte offsets in the SQL text.
    pub range: Range<usize>,
    pub severity: Severity,
    /// One of [`codes`].
    pub code: &'static str,
    pub message: String,
}

/// A `:name` placeholder, bound by Amplify to the GraphQL argument of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name without the colon.
    pub name: String,
    /// Byte offsets covering `:name`.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementKind {
    /// `SELECT`, `WITH ... SELECT`, `VALUES`, `TABLE x`.
    Query,
    Insert,
    Update,
    Delete,
    /// `CALL proc(...)`.
    Call,
    /// Any other statement sqlparser understands (DDL, `SET`, ...).
    Other,
    /// A statement sqlparser could not parse (or that was too long to parse).
    Unparsed,
}

/// One statement of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementInfo {
    /// Byte offsets from the statement's first token to its last, without the `;`.
    pub range: Range<usize>,
    pub kind: StatementKind,
    /// Whether running it gives rows (a `SELECT`, or DML with `RETURNING`), which Amplify returns as
    /// an array of objects, or a driver summary (DML without `RETURNING`). `None` when unknown
    /// (`CALL`, other statements, unparsed statements).
    pub returns_rows: Option<bool>,
    /// The names of the result columns, when the statement returns rows.
    pub output: Option<OutputColumns>,
}

/// The result columns of a row-returning statement; Amplify maps them to GraphQL fields by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputColumns {
    /// Names as the database reports them (PostgreSQL: unquoted names folded to lower case).
    pub names: Vec<String>,
    /// Parallel to `names`: the catalog column each result column passes through unchanged (a
    /// plain column reference, through aliases, CTEs and derived tables), which gives its type and
    /// nullability; `None` for expressions and anything not resolved in the catalog.
    pub sources: Vec<Option<ColumnSource>>,
    /// False when some columns could not be named (an expression without alias, `*` over a table
    /// function, a table missing from the catalog): `names` is then only part of the result.
    pub complete: bool,
}

/// A column of a catalog table, names as stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ColumnSource {
    pub schema: String,
    pub table: String,
    pub column: String,
}

/// A table named in the text (in `FROM`, `JOIN`, or as the target of `INSERT`/`UPDATE`/`DELETE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    /// Byte offsets covering the whole written name (`public.orders`).
    pub range: Range<usize>,
    /// The written name's parts, normalized (PostgreSQL folds unquoted parts to lower case).
    pub parts: Vec<String>,
    /// The catalog table it resolves to, as `(schema, name)`; `None` when there is no catalog, the
    /// name is a CTE or a table created earlier in the text, or it does not resolve.
    pub resolved: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SqlAnalysis {
    /// Sorted by range start.
    pub diagnostics: Vec<SqlDiagnostic>,
    /// In text order, comments and literals excluded.
    pub placeholders: Vec<Placeholder>,
    /// In text order.
    pub statements: Vec<StatementInfo>,
    /// In the order the analysis met them.
    pub tables: Vec<TableRef>,
}

impl SqlAnalysis {
    /// The distinct placeholder names, in order of first use.
    pub fn placeholder_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.placeholders {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
        names
    }
}

/// Analyzes one SQL text: placeholders, syntax, and, with a catalog, tables and columns.
///
/// `engine` picks the dialect; pass the catalog's engine when there is one. Never panics; every
/// range is a byte range of `sql` on character boundaries.
pub fn analyze(
    sql: &str,
    engine: Engine,
    catalog: Option<(&Catalog, &CatalogIndex)>,
) -> SqlAnalysis {
    let mut analysis = SqlAnalysis {
        placeholders: placeholders::find(sql, engine),
        ..SqlAnalysis::default()
    };
    if sql.trim().is_empty() {
        analysis.diagnostics.push(SqlDiagnostic {
            range: 0..sql.len(),
            severity: Severity::Error,
            code: codes::EMPTY_STATEMENT,
            message: "@sql directive 'statement' argument must not be empty.".to_owned(),
        });
        return analysis;
    }
    // The parser and the analysis are written not to panic; this is the last line of defence, so
    // that a bug costs the SQL checks of one text instead of the whole server.
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parse::check(sql, engine, catalog)
    }));
    if let Ok((diagnostics, statements, tables)) = checked {
        analysis.diagnostics = diagnostics;
        analysis.statements = statements;
        analysis.tables = tables;
    }
    analysis
        .diagnostics
        .sort_by_key(|d| (d.range.start, d.range.end));
    analysis
}

/// The text of a SQL text reformatted: one statement after another, `pretty` across lines with
/// two-space indents (sqlparser's pretty printer), else on one line each. `None` when formatting
/// could lose or change anything: a comment (the printer drops comments), a statement that does
/// not parse, or a printed form that does not parse back to the same statements.
pub fn format(sql: &str, engine: Engine, pretty: bool) -> Option<String> {
    use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
    use sqlparser::parser::Parser;
    let dialect: &dyn Dialect = match engine {
        Engine::Postgresql => &PostgreSqlDialect {},
        Engine::Mysql => &MySqlDialect {},
    };
    let tokens = lexical::tokenize(sql, engine);
    // Comments would be lost; very long texts are not worth sqlparser's recursion.
    if tokens.len() > 10_000
        || tokens.iter().any(|t| {
            matches!(
                t.kind,
                lexical::TokenKind::Comment | lexical::TokenKind::Unknown
            )
        })
    {
        return None;
    }
    let parse = |text: &str| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Parser::parse_sql(dialect, text).ok()
        }))
        .ok()
        .flatten()
    };
    let statements = parse(sql).filter(|s| !s.is_empty())?;
    let printed: Vec<String> = statements
        .iter()
        .map(|s| {
            if pretty {
                format!("{s:#}")
            } else {
                format!("{s}")
            }
        })
        .collect();
    let separator = if pretty { ";\n" } else { "; " };
    let mut text = printed.join(separator);
    if sql.trim_end().ends_with(';') {
        text.push(';');
    }
    // The printed text must read back as the same statements.
    let again = parse(&text)?;
    let same = again.len() == statements.len()
        && again
            .iter()
            .zip(&statements)
            .all(|(a, b)| a.to_string() == b.to_string());
    same.then_some(text)
}
