//! A live read that finds what the snapshot says is the same catalog, statement descriptions
//! aside: the language server then keeps the snapshot (and its descriptions).

use schemals_catalog::Catalog;

fn catalog(column: &str, statements: &str) -> Catalog {
    Catalog::from_json(&format!(
        r#"{{"format": 1, "engine": "postgresql", "database": "app", "search_path": ["public"],
  "tables": [{{"schema": "public", "name": "notes", "kind": "table", "primary_key": ["id"],
    "columns": [
      {{"name": "id", "ordinal": 1, "data_type": "integer", "udt_name": "int4", "nullable": false}},
      {{"name": "{column}", "ordinal": 2, "data_type": "text", "udt_name": "text", "nullable": true}}]}}],
  "statements": [{statements}]}}"#
    ))
    .expect("catalog")
}

#[test]
fn statement_descriptions_do_not_make_another_catalog() {
    let described =
        r#"{"key": "k1", "columns": [{"name": "id", "data_type": "integer", "nullable": false}]}"#;
    let snapshot = catalog("content", described);
    let live = catalog("content", "");
    assert_eq!((snapshot.statements.len(), live.statements.len()), (1, 0));
    assert!(snapshot.same_objects_as(&live));
    assert!(live.same_objects_as(&snapshot));
    assert_ne!(snapshot, live);
}

#[test]
fn a_changed_column_makes_another_catalog() {
    assert!(!catalog("content", "").same_objects_as(&catalog("body", "")));
}
