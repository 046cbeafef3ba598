//! Placeholders as `analyze` reports them.

use schemals_catalog::Engine;
use schemals_sql::analyze;

fn found(sql: &str, engine: Engine) -> Vec<(String, &str)> {
    analyze(sql, engine, None)
        .placeholders
        .into_iter()
        .map(|p| {
            let text = &sql[p.range.clone()];
            (p.name, text)
        })
        .collect()
}

#[test]
fn placeholders_in_every_position() {
    let sql = "SELECT ST_MakePoint(:long, :lat) FROM t WHERE a = :x AND b IN (:a, :b) AND d > :d::date LIMIT :n";
    let names: Vec<String> = found(sql, Engine::Postgresql)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["long", "lat", "x", "a", "b", "d", "n"]);
}

#[test]
fn ranges_cover_the_colon_and_name_after_non_ascii_text() {
    let sql = "SELECT 'café — 東京' AS s, :startDate::date";
    assert_eq!(
        found(sql, Engine::Postgresql),
        [("startDate".to_owned(), ":startDate")]
    );
}

#[test]
fn comments_literals_and_quoted_names_hold_no_placeholders() {
    let sql = "-- WHERE owner = :old\nSELECT \":q\", ':s', $$ :d $$, $f$ :e $f$ /* :c */ FROM t WHERE x = :live";
    assert_eq!(
        found(sql, Engine::Postgresql),
        [("live".to_owned(), ":live")]
    );
    let sql = "# :old\nSELECT `:q`, \":s\", ':s2' FROM t WHERE x = :live -- :c";
    assert_eq!(found(sql, Engine::Mysql), [("live".to_owned(), ":live")]);
}

#[test]
fn placeholders_are_found_in_broken_sql() {
    let sql = "SELECT * FROM t WHERE a = :a AND b = 'unterminated :b";
    assert_eq!(found(sql, Engine::Postgresql), [("a".to_owned(), ":a")]);
}

#[test]
fn distinct_names_in_order() {
    let analysis = analyze("SELECT :b, :a, :b", Engine::Postgresql, None);
    assert_eq!(analysis.placeholder_names(), ["b", "a"]);
}
