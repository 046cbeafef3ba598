//! An evaluation saved by one session and restored by the next gives the model a fresh
//! evaluation gives, for every example and check fixture: the restored file is given no tree, so
//! the model can only be right if the saved state is complete.

mod common;

use std::path::{Path, PathBuf};

use common::Files;
use schemals_syntax::eval::{EvalMemo, evaluate, evaluate_memoized};
use schemals_syntax::model::FileId;

/// The TypeScript files under `dir`, sorted, as the hosts list them.
fn typescript_files(dir: &Path, found: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            typescript_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "ts") {
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            found.push((path.display().to_string(), text));
        }
    }
}

fn projects() -> Vec<PathBuf> {
    // Canonical: imports are resolved by normalized paths.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root");
    let mut dirs = Vec::new();
    for parent in ["examples", "tests/fixtures/check"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(repo.join(parent))
            .expect("project folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("amplify").is_dir())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

/// A project evaluated once: its folder, its files (path, text), the fresh model printed, and
/// the memo of a memoized evaluation.
struct Evaluated {
    dir: PathBuf,
    texts: Vec<(String, String)>,
    fresh: String,
    memo: EvalMemo,
}

/// Every example and check fixture, evaluated once.
fn evaluated_projects() -> Vec<Evaluated> {
    let mut out = Vec::new();
    for dir in projects() {
        let mut texts = Vec::new();
        typescript_files(&dir.join("amplify"), &mut texts);
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let sources = Files::new(&files);
        let roots: Vec<FileId> = (0..files.len() as u32).map(FileId).collect();
        let fresh = format!("{:#?}", evaluate(&sources, &roots));
        let memo = EvalMemo::default();
        evaluate_memoized(&sources, &roots, &memo);
        out.push(Evaluated {
            dir,
            texts,
            fresh,
            memo,
        });
    }
    out
}

/// Evaluates `texts` with `memo`, the file at `path` given no tree.
fn evaluate_without_tree(texts: &[(String, String)], path: &Path, memo: &EvalMemo) -> String {
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut sources = Files::new(&files);
    let file = sources
        .files
        .iter_mut()
        .find(|(p, _, _)| p == path)
        .expect("the kept file is a file of the project");
    file.2 = None;
    let roots: Vec<FileId> = (0..files.len() as u32).map(FileId).collect();
    format!("{:#?}", evaluate_memoized(&sources, &roots, memo))
}

#[test]
fn a_restored_evaluation_gives_the_fresh_model_of_every_example_and_fixture() {
    let mut restored = 0;
    for Evaluated {
        dir,
        texts,
        fresh,
        memo: first,
    } in evaluated_projects()
    {
        let Some(saved) = first.saved() else {
            continue;
        };
        let (path, bytes) = (
            saved.path().to_path_buf(),
            saved.to_bytes().expect("serialized"),
        );
        let text = &texts
            .iter()
            .find(|(p, _)| Path::new(p) == path)
            .expect("the saved file is a file of the project")
            .1;
        let next = EvalMemo::default();
        assert!(next.restore_saved(&bytes, &path, text), "{}", dir.display());
        let model = evaluate_without_tree(&texts, &path, &next);
        assert_eq!(model, fresh, "{}", dir.display());
        restored += 1;
    }
    // Most of them have a generated schema.sql.ts; the test must not pass on none.
    assert!(
        restored >= 50,
        "only {restored} projects kept an evaluation"
    );
}

/// Projects with `amplify/auth/resource.ts` evaluate it on a blank model before the generated
/// schema: both are kept, the one does not push the other out, and the next evaluation takes the
/// generated schema's without its tree.
#[test]
fn the_generated_schema_stays_kept_beside_other_files_evaluated_on_a_blank_model() {
    let (mut generated, mut with_auth) = (0, 0);
    for Evaluated {
        dir,
        texts,
        fresh,
        memo,
    } in evaluated_projects()
    {
        let Some((path, text)) = texts.iter().find(|(p, _)| p.ends_with("schema.sql.ts")) else {
            continue;
        };
        let path = Path::new(path);
        // Not kept where other modules were evaluated first (split-modules): nothing to test.
        if !memo.keeps(path, text) {
            continue;
        }
        generated += 1;
        if texts.iter().any(|(p, _)| p.ends_with("auth/resource.ts")) {
            with_auth += 1;
        }
        let model = evaluate_without_tree(&texts, path, &memo);
        assert_eq!(model, fresh, "{}", dir.display());
    }
    assert!(
        generated >= 50,
        "only {generated} projects keep a generated schema"
    );
    assert!(
        with_auth >= 3,
        "only {with_auth} of them have an auth resource"
    );
}

/// While a generated schema is being edited, each keystroke's evaluation is not kept (it would
/// copy the whole model each time); the text is kept once it is evaluated twice, and every
/// evaluation gives the fresh model meanwhile.
#[test]
fn an_edited_file_is_kept_again_once_its_text_settles() {
    let generated = |column: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/data-schema";
import {{ configure }} from "@aws-amplify/data-schema/internals";
import {{ secret }} from "@aws-amplify/backend";
export const schema = configure({{
  database: {{ identifier: "ID", engine: "postgresql", connectionUri: secret("SQL_CONNECTION_STRING") }}
}}).schema({{
  "notes": a.model({{ "id": a.integer().required(), "{column}": a.string() }}).identifier(["id"])
}});
"#
        )
    };
    let resource = r#"import { a, defineData } from "@aws-amplify/backend";
import { schema as generated } from "./schema.sql";
const schema = generated.authorization((allow) => [allow.authenticated()]);
export const data = defineData({ schema });
"#;
    let (resource_path, generated_path) = (
        "/p/amplify/data/resource.ts",
        "/p/amplify/data/schema.sql.ts",
    );
    let memo = EvalMemo::default();
    let evaluate_with = |column: &str| {
        let text = generated(column);
        let sources = Files::new(&[(resource_path, resource), (generated_path, &text)]);
        let roots = [FileId(0), FileId(1)];
        let memoized = evaluate_memoized(&sources, &roots, &memo);
        assert_eq!(
            format!("{memoized:#?}"),
            format!("{:#?}", evaluate(&sources, &roots))
        );
        memo.keeps(Path::new(generated_path), &text)
    };
    assert!(evaluate_with("content"), "nothing kept yet: kept at once");
    assert!(!evaluate_with("contentx"), "being edited");
    assert!(!evaluate_with("contentxy"), "being edited");
    assert!(evaluate_with("contentxy"), "the same text again: kept");
    assert!(evaluate_with("contentxy"), "restored, still kept");
}
