//! What `analyze` says of each statement: kind, whether it returns rows, result column names.

use schemals_sql::{OutputColumns, StatementKind};

use crate::check::{Target, nth_range};

fn output(names: &[&str], complete: bool) -> Option<(Vec<String>, bool)> {
    Some((names.iter().map(|n| n.to_string()).collect(), complete))
}

/// The names and completeness of a result, without the column sources.
fn shape(output: &Option<OutputColumns>) -> Option<(Vec<String>, bool)> {
    output.as_ref().map(|o| (o.names.clone(), o.complete))
}

#[test]
fn select_output_names() {
    let analysis = Target::Pg.analyze(
        "SELECT id, name, ST_X(geom) AS longitude, ST_Y(geom) AS \"Latitude\", e.geom::text FROM events e",
    );
    let [statement] = analysis.statements.as_slice() else {
        panic!("{:?}", analysis.statements)
    };
    assert_eq!(statement.kind, StatementKind::Query);
    assert_eq!(statement.returns_rows, Some(true));
    assert_eq!(
        shape(&statement.output),
        output(&["id", "name", "longitude", "Latitude", "geom"], true)
    );
}

#[test]
fn star_expands_catalog_columns() {
    let analysis = Target::Pg.analyze("SELECT * FROM notes");
    assert_eq!(
        shape(&analysis.statements[0].output),
        output(&["id", "content", "owner"], true)
    );
    let analysis = Target::Pg.analyze("SELECT * FROM searchuser(:q)");
    assert_eq!(shape(&analysis.statements[0].output), output(&[], false));
}

#[test]
fn dml_returns_rows_only_with_returning() {
    let sql = "INSERT INTO notes (content) VALUES (:c); UPDATE notes SET owner = :o RETURNING id; DELETE FROM notes";
    let analysis = Target::Pg.analyze(sql);
    let summary: Vec<_> = analysis
        .statements
        .iter()
        .map(|s| (s.kind, s.returns_rows, &sql[s.range.clone()]))
        .collect();
    assert_eq!(
        summary,
        [
            (
                StatementKind::Insert,
                Some(false),
                "INSERT INTO notes (content) VALUES (:c)"
            ),
            (
                StatementKind::Update,
                Some(true),
                "UPDATE notes SET owner = :o RETURNING id"
            ),
            (StatementKind::Delete, Some(false), "DELETE FROM notes"),
        ]
    );
    assert_eq!(shape(&analysis.statements[1].output), output(&["id"], true));
}

#[test]
fn unparsed_statement_is_listed() {
    let analysis = Target::Pg.analyze("SELECT 1; SELECT * FROM; SELECT 2");
    let kinds: Vec<_> = analysis.statements.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StatementKind::Query,
            StatementKind::Unparsed,
            StatementKind::Query
        ]
    );
}

#[test]
fn table_references_with_ranges() {
    let sql = "SELECT * FROM public.orders o JOIN \"UserProfiles\" u ON true JOIN evnts ON true";
    let analysis = Target::Pg.analyze(sql);
    let tables: Vec<_> = analysis
        .tables
        .iter()
        .map(|t| (t.range.clone(), t.resolved.clone()))
        .collect();
    assert_eq!(
        tables,
        [
            (
                nth_range(sql, "public.orders", 0),
                Some(("public".to_owned(), "orders".to_owned()))
            ),
            (
                nth_range(sql, "\"UserProfiles\"", 0),
                Some(("public".to_owned(), "UserProfiles".to_owned()))
            ),
            (nth_range(sql, "evnts", 0), None),
        ]
    );
}

#[test]
fn result_columns_know_their_catalog_column_through_aliases_and_ctes() {
    let analysis = Target::Pg.analyze(
        "WITH recent AS (SELECT n.id AS note_id, content FROM notes n) SELECT note_id, r.content, 1 AS one FROM recent r",
    );
    let output = analysis.statements[0].output.clone().expect("rows");
    let sources: Vec<Option<String>> = output
        .sources
        .iter()
        .map(|s| {
            s.as_ref()
                .map(|s| format!("{}.{}.{}", s.schema, s.table, s.column))
        })
        .collect();
    assert_eq!(output.names, ["note_id", "content", "one"]);
    assert_eq!(
        sources,
        [
            Some("public.notes.id".to_owned()),
            Some("public.notes.content".to_owned()),
            None
        ]
    );
}

#[test]
fn format_keeps_placeholders_and_casts_and_refuses_comments() {
    use schemals_catalog::Engine;
    assert_eq!(
        schemals_sql::format(
            "select id,name from events where name = :name and id > :min::int;",
            Engine::Postgresql,
            true
        )
        .as_deref(),
        Some("SELECT\n  id,\n  name\nFROM\n  events\nWHERE\n  name = :name AND id > :min::INT;")
    );
    assert_eq!(
        schemals_sql::format("select  id from  t where a=:a", Engine::Mysql, false).as_deref(),
        Some("SELECT id FROM t WHERE a = :a")
    );
    assert_eq!(
        schemals_sql::format("select id -- why\nfrom t", Engine::Postgresql, true),
        None
    );
    assert_eq!(
        schemals_sql::format("select from where", Engine::Postgresql, true),
        None
    );
}
