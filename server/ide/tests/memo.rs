//! The memo the language server keeps between snapshots gives the same model and diagnostics as
//! evaluating and checking from scratch, through edits of either file and a change of catalog.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemals_catalog::{Catalog, StatementDescription, statement_key};
use schemals_ide::{
    AnalysisMemo, Diagnostic, IndexedCatalog, Project, ProjectFile, check_project,
    check_project_memoized,
};
use schemals_syntax::dump::dump;

const GENERATED: &str = r#"import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
    database: {
        identifier: "ID1",
        engine: "postgresql",
        connectionUri: secret("SQL_CONNECTION_STRING")
    }
}).schema({
    "notes": a.model({
        "id": a.integer().required(),
        "content": a.string()
    }).identifier([
        "id"
    ])
});
"#;

fn catalog(second_column: &str) -> IndexedCatalog {
    let json = format!(
        r#"{{"format": 1, "engine": "postgresql", "database": "app", "search_path": ["public"],
  "tables": [{{"schema": "public", "name": "notes", "kind": "table", "primary_key": ["id"],
    "columns": [
      {{"name": "id", "ordinal": 1, "data_type": "integer", "udt_name": "int4", "nullable": false}},
      {{"name": "{second_column}", "ordinal": 2, "data_type": "text", "udt_name": "text", "nullable": true}}]}}]}}"#
    );
    IndexedCatalog::new(Catalog::from_json(&json).expect("catalog"))
}

fn project(sql: &str) -> Project {
    project_with(sql, GENERATED)
}

fn project_with(sql: &str, generated: &str) -> Project {
    let root = PathBuf::from("/memo");
    let resource = format!(
        "import {{ a, defineData }} from '@aws-amplify/backend';\n\
         import {{ schema as generated }} from './schema.sql';\n\
         const schema = generated\n  .authorization((allow) => [allow.authenticated()])\n  .addToSchema({{\n\
         \x20   first: a.query().returns(a.json()).handler(a.handler.inlineSql(\"{sql}\")),\n\
         \x20   second: a.query().returns(a.json()).handler(a.handler.inlineSql(\"SELECT id FROM notes\")),\n\
         \x20 }});\n\
         export const data = defineData({{ schema }});\n"
    );
    let mut project = Project::new(root.clone());
    let data = root.join("amplify/data");
    for (name, text) in [
        ("resource.ts", resource.as_str()),
        ("schema.sql.ts", generated),
    ] {
        project.add(ProjectFile::typescript(
            data.join(name),
            Arc::from(text),
            None,
        ));
    }
    project
}

/// The codes and message of the diagnostics of a memoized check, after asserting that checking
/// from scratch finds exactly the same.
fn memoized(sql: &str, catalog: &IndexedCatalog, memo: &AnalysisMemo) -> Vec<(String, String)> {
    let project = project(sql);
    let model = project.evaluate_memoized(memo);
    let found = check_project_memoized(&project, &model, Some(catalog), memo);
    let fresh = check_project(&project, &model, Some(catalog));
    assert_eq!(found, fresh, "memoized and fresh checks differ for {sql:?}");
    found
        .iter()
        .filter(|d: &&Diagnostic| d.path.ends_with(Path::new("resource.ts")))
        .map(|d| (d.code.to_owned(), d.message.clone()))
        .collect()
}

#[test]
fn memoized_checks_follow_edits_and_catalog_changes() {
    let memo = AnalysisMemo::default();
    let with_content = catalog("content");
    let unknown = |message: &str| vec![("sql-unknown-column".to_owned(), message.to_owned())];

    assert_eq!(
        memoized("SELECT id, content FROM notes", &with_content, &memo),
        []
    );
    // The edited query is analysed again; the unchanged one comes from the memo.
    assert_eq!(
        memoized("SELECT id, contnt FROM notes", &with_content, &memo),
        unknown("Column \"contnt\" does not exist in \"notes\"; did you mean \"content\"?")
    );
    // Back to the first text: the memo does not keep a stale answer for it.
    assert_eq!(
        memoized("SELECT id, content FROM notes", &with_content, &memo),
        []
    );
    // Another catalog (the column renamed in the database): every query is analysed against it.
    let renamed = catalog("body");
    assert_eq!(
        memoized("SELECT id, content FROM notes", &renamed, &memo),
        unknown("Column \"content\" does not exist in \"notes\"")
    );
    assert_eq!(memoized("SELECT id, body FROM notes", &renamed, &memo), []);
}

/// What the live database says of a statement, as the language server adds it to the catalog
/// in use.
fn described(sql: &str, refused: Option<&str>) -> StatementDescription {
    StatementDescription {
        key: statement_key(sql),
        columns: Vec::new(),
        parameters: Vec::new(),
        error: refused.map(str::to_owned),
        error_offset: None,
        // SQLSTATE undefined_function: the text's fault.
        error_code: refused.map(|_| "42883".to_owned()),
    }
}

#[test]
fn descriptions_added_to_the_catalog_in_use_are_checked_with_the_memo_kept() {
    let memo = AnalysisMemo::default();
    let sql = "SELECT id, content FROM notes";
    let plain = catalog("content");
    assert_eq!(memoized(sql, &plain, &memo), []);

    let refused = plain.with_descriptions(
        vec![described(sql, Some("function nosuch() does not exist"))],
        |_| true,
    );
    // The objects are shared, not copied.
    assert!(Arc::ptr_eq(&plain.catalog, &refused.catalog));
    let refusal = vec![(
        "sql-database-refused".to_owned(),
        "The database refused this statement: function nosuch() does not exist".to_owned(),
    )];
    assert_eq!(memoized(sql, &refused, &memo), refusal);

    // A newer description of the same text replaces the older; one the project no longer uses
    // is dropped when asked.
    let other = "SELECT 2";
    let granted =
        refused.with_descriptions(vec![described(sql, None), described(other, None)], |_| true);
    assert_eq!(memoized(sql, &granted, &memo), []);
    assert!(granted.statement(other).is_some());
    let pruned = granted.with_descriptions(Vec::new(), |d| d.key != statement_key(other));
    assert!(pruned.statement(other).is_none());
    assert_eq!(pruned.statement(sql).map(|d| d.error.clone()), Some(None));
}

#[test]
fn memoized_evaluation_follows_edits_of_either_file() {
    let memo = AnalysisMemo::default();
    let same_model = |project: &Project| {
        let memoized = dump(&project.evaluate_memoized(&memo));
        let fresh = dump(&project.evaluate());
        assert_eq!(memoized, fresh);
        memoized
    };
    let first = same_model(&project("SELECT id FROM notes"));
    // An edit of resource.ts: the generated file's state is reused.
    let edited = same_model(&project("SELECT id, content FROM notes"));
    assert_ne!(first, edited);
    assert!(edited.contains("SELECT id, content FROM notes"), "{edited}");
    // An edit of the generated file: evaluated again, its new field is in the model.
    let with_title = GENERATED.replace(
        "\"content\": a.string()",
        "\"content\": a.string(),\n        \"title\": a.string()",
    );
    let widened = same_model(&project_with("SELECT id FROM notes", &with_title));
    assert!(widened.contains("title"), "{widened}");
    assert!(!first.contains("title"), "{first}");
    // And back: the model is the first one again, not the last kept.
    assert_eq!(same_model(&project("SELECT id FROM notes")), first);
}

#[test]
fn a_kept_file_is_evaluated_without_its_tree() {
    let memo = AnalysisMemo::default();
    let first = project("SELECT id FROM notes");
    let expected = dump(&first.evaluate_memoized(&memo));
    let generated = first.file_id(&PathBuf::from("/memo/amplify/data/schema.sql.ts"));
    let generated = generated.expect("schema.sql.ts is in the project");
    assert!(memo.keeps_evaluation_of(&first.file(generated).path, GENERATED));

    // The language server drops the tree of the closed generated file; the next evaluation
    // takes its kept state and does not parse it again.
    let mut second = project("SELECT id FROM notes");
    second.forget_tree(generated);
    assert_eq!(dump(&second.evaluate_memoized(&memo)), expected);
    assert!(second.file(generated).parsed_tree().is_none());
    assert!(!second.file(generated).has_syntax_error());

    // Without the kept state (another memo), the tree is parsed again on demand.
    let mut third = project("SELECT id FROM notes");
    third.forget_tree(generated);
    assert_eq!(
        dump(&third.evaluate_memoized(&AnalysisMemo::default())),
        expected
    );
    assert!(third.file(generated).parsed_tree().is_some());
}

#[test]
fn a_file_evaluated_ahead_is_taken_by_the_project_evaluation() {
    let expected = dump(&project("SELECT id FROM notes").evaluate());
    let mut whole = project("SELECT id FROM notes");
    let path = PathBuf::from("/memo/amplify/data/schema.sql.ts");
    let generated = whole
        .file_id(&path)
        .expect("schema.sql.ts is in the project");

    // As the host does while parsing: the generated file alone, under the id it has in the
    // project. Without a tree afterwards, the project's evaluation can only take the kept state.
    let memo = AnalysisMemo::default();
    whole.file(generated).evaluate_ahead(generated, &memo);
    assert!(memo.keeps_evaluation_of(&path, GENERATED));
    whole.forget_tree(generated);
    assert_eq!(dump(&whole.evaluate_memoized(&memo)), expected);
    assert!(whole.file(generated).parsed_tree().is_none());

    // A file with a relative import is not evaluated alone: its imports would be missing.
    let memo = AnalysisMemo::default();
    let resource = whole.file_id(&PathBuf::from("/memo/amplify/data/resource.ts"));
    let resource = resource.expect("resource.ts is in the project");
    whole.file(resource).evaluate_ahead(resource, &memo);
    assert!(!memo.keeps_evaluation_of(&whole.file(resource).path, &whole.file(resource).text));
}

#[test]
fn a_saved_evaluation_restores_the_same_model_for_the_same_text_only() {
    let evaluated = project("SELECT id FROM notes");
    let expected = dump(&evaluated.evaluate());
    let path = PathBuf::from("/memo/amplify/data/schema.sql.ts");
    let first_session = AnalysisMemo::default();
    evaluated.evaluate_memoized(&first_session);
    let saved = first_session
        .saved_evaluation()
        .expect("the generated file's evaluation is kept");
    let (saved_path, bytes) = (
        saved.path().to_path_buf(),
        saved.to_bytes().expect("serialized"),
    );
    assert_eq!(saved_path, path);

    // The next session: the generated file is never parsed, the model is the same.
    let next_session = AnalysisMemo::default();
    assert!(next_session.restore_evaluation(&bytes, &path, GENERATED));
    let mut restored = project("SELECT id FROM notes");
    let generated = restored
        .file_id(&path)
        .expect("schema.sql.ts is in the project");
    restored.forget_tree(generated);
    assert_eq!(dump(&restored.evaluate_memoized(&next_session)), expected);
    assert!(restored.file(generated).parsed_tree().is_none());

    // Another text, another path, or damaged bytes: nothing is restored.
    let other = AnalysisMemo::default();
    let edited = GENERATED.replace("content", "body");
    assert!(!other.restore_evaluation(&bytes, &path, &edited));
    assert!(!other.restore_evaluation(&bytes, Path::new("/elsewhere/schema.sql.ts"), GENERATED));
    assert!(!other.restore_evaluation(&bytes[..bytes.len() / 2], &path, GENERATED));
    assert!(!other.restore_evaluation(b"not an evaluation", &path, GENERATED));
    assert!(!other.keeps_evaluation_of(&path, GENERATED));
}
