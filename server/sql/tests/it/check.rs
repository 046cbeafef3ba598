//! The fixture format and the one `check` helper.
//!
//! A fixture is SQL text with annotation lines under the line they annotate:
//!
//! ```text
//! SELECT nme FROM events
//! --     ^^^ error[sql-unknown-column]: Column "nme" does not exist in "events"
//! ```
//!
//! An annotation line is `--`, spaces, carets under the range (one caret per character), a space,
//! then `severity[code]: message`. Annotation lines are removed before the analysis; every other
//! line is SQL, `--` comments included. A fixture without annotations asserts that there is no
//! diagnostic. On a mismatch the assertion shows the fixture as it should read.

use std::ops::Range;
use std::sync::OnceLock;

use schemals_catalog::{Catalog, CatalogIndex, Engine};
use schemals_sql::{SqlAnalysis, SqlDiagnostic, analyze};

pub struct TestCatalog {
    pub catalog: Catalog,
    pub index: CatalogIndex,
}

fn load(text: &str) -> TestCatalog {
    let catalog = Catalog::from_json(text).expect("the fixture catalog is valid");
    let index = CatalogIndex::new(&catalog);
    TestCatalog { catalog, index }
}

pub fn pg_catalog() -> &'static TestCatalog {
    static CATALOG: OnceLock<TestCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| load(include_str!("../fixtures/pg.json")))
}

pub fn mysql_catalog() -> &'static TestCatalog {
    static CATALOG: OnceLock<TestCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| load(include_str!("../fixtures/mysql.json")))
}

/// Where a fixture runs.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// PostgreSQL against `fixtures/pg.json`.
    Pg,
    /// MySQL against `fixtures/mysql.json`.
    My,
    /// PostgreSQL without a catalog.
    PgBare,
    /// MySQL without a catalog.
    MyBare,
}

impl Target {
    pub fn engine(self) -> Engine {
        match self {
            Target::Pg | Target::PgBare => Engine::Postgresql,
            Target::My | Target::MyBare => Engine::Mysql,
        }
    }

    pub fn analyze(self, sql: &str) -> SqlAnalysis {
        let catalog = match self {
            Target::Pg => Some(pg_catalog()),
            Target::My => Some(mysql_catalog()),
            Target::PgBare | Target::MyBare => None,
        };
        analyze(sql, self.engine(), catalog.map(|c| (&c.catalog, &c.index)))
    }
}

/// Checks a PostgreSQL fixture against the PostgreSQL test catalog.
#[track_caller]
pub fn check(fixture: &str) {
    check_with(Target::Pg, fixture);
}

/// Checks a MySQL fixture against the MySQL test catalog.
#[track_caller]
pub fn check_mysql(fixture: &str) {
    check_with(Target::My, fixture);
}

#[track_caller]
pub fn check_with(target: Target, fixture: &str) {
    let fixture = fixture.strip_prefix('\n').unwrap_or(fixture);
    let sql = strip_annotations(fixture);
    let analysis = target.analyze(&sql);
    for d in &analysis.diagnostics {
        assert!(
            sql.is_char_boundary(d.range.start) && sql.is_char_boundary(d.range.end),
            "{d:?} is not on character boundaries"
        );
    }
    let expected = normalize(fixture);
    let actual = render(&sql, &analysis.diagnostics);
    assert_eq!(
        actual, expected,
        "\n--- fixture as analyzed ({target:?}) ---\n{actual}\n--- end ---"
    );
}

fn is_annotation(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("--") else {
        return false;
    };
    let rest = rest.trim_start_matches(' ');
    let carets = rest.len() - rest.trim_start_matches('^').len();
    carets > 0 && rest[carets..].starts_with(' ') && rest.contains('[') && rest.contains("]: ")
}

/// The SQL text of a fixture: its lines without the annotation lines.
pub fn strip_annotations(fixture: &str) -> String {
    let mut sql = String::new();
    for line in fixture.split_inclusive('\n') {
        if !is_annotation(line.trim_end_matches(['\n', '\r'])) {
            sql.push_str(line);
        }
    }
    sql
}

fn normalize(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_owned()
}

/// The SQL with one annotation line under each diagnostic's first line.
fn render(sql: &str, diagnostics: &[SqlDiagnostic]) -> String {
    let mut out = String::new();
    let mut line_start = 0;
    let mut sorted: Vec<&SqlDiagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.range.start, d.range.end));
    for line in sql.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        out.push_str(content.trim_end());
        out.push('\n');
        let line_end = line_start + content.len();
        for d in &sorted {
            let starts_here = d.range.start >= line_start
                && (d.range.start < line_end
                    || (d.range.start == line_end && line_start + line.len() == line_end));
            if !starts_here {
                continue;
            }
            out.push_str(&annotation(sql, line_start, line_end, d));
            out.push('\n');
        }
        line_start += line.len();
    }
    if sql.is_empty() || sql.ends_with('\n') {
        // Diagnostics at the very end of the text (an empty text).
        for d in &sorted {
            if d.range.start >= sql.len() && !sql.is_empty() {
                out.push_str(&annotation(sql, sql.len(), sql.len(), d));
                out.push('\n');
            }
        }
    }
    normalize(&out)
}

fn annotation(sql: &str, line_start: usize, line_end: usize, d: &SqlDiagnostic) -> String {
    let column = sql[line_start..d.range.start].chars().count();
    let end = d.range.end.min(line_end).max(d.range.start);
    let width = sql[d.range.start..end].chars().count().max(1);
    let indent = column.saturating_sub(2);
    let mut text = format!(
        "--{}{} {}[{}]: {}",
        " ".repeat(indent),
        "^".repeat(width),
        d.severity.name(),
        d.code,
        d.message
    );
    if column < 2 {
        text.push_str(&format!(" (at column {column})"));
    }
    if d.range.end > line_end {
        text.push_str(&format!(" (to byte {})", d.range.end));
    }
    text
}

/// The byte range of the `n`th (0-based) occurrence of `needle` in `haystack`.
pub fn nth_range(haystack: &str, needle: &str, n: usize) -> Range<usize> {
    let start = haystack
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", n + 1))
        .0;
    start..start + needle.len()
}
