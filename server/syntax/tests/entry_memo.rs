//! Evaluation with the memo of schema entries gives the model a fresh evaluation gives, edit after
//! edit: one memo follows a session of edits (inside entries, between them, edits that add a
//! binding an entry could read, that break the syntax) over the examples, and every model is
//! compared with a fresh evaluation of the same text.

mod common;

use common::Files;
use schemals_syntax::eval::{EvalMemo, evaluate, evaluate_memoized};
use schemals_syntax::model::FileId;

fn example(name: &str, file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .join("amplify/data")
        .join(file);
    std::fs::read_to_string(path).expect("example file")
}

/// Evaluates `texts` with the edit applied to file `edited`, with the session's memo and fresh;
/// asserts both models are the same and returns how many entries the memo replayed.
fn evaluate_both(memo: &EvalMemo, texts: &[(&str, String)], edited: usize, text: &str) -> usize {
    let files: Vec<(&str, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, (path, t))| (*path, if i == edited { text } else { t.as_str() }))
        .collect();
    let sources = Files::new(&files);
    let roots: Vec<FileId> = (0..files.len() as u32).map(FileId).collect();
    let memoized = evaluate_memoized(&sources, &roots, memo);
    let fresh = evaluate(&sources, &roots);
    assert_eq!(
        format!("{memoized:#?}"),
        format!("{fresh:#?}"),
        "the memoized model differs from a fresh evaluation of {} edited to:\n{text}",
        files[edited].0
    );
    memo.entries_replayed()
}

/// A session of edits of file `edited`: insertions at every `step` bytes, each followed by the
/// original text again. Returns the entries replayed over the session.
fn session(texts: &[(&str, String)], edited: usize, step: usize, inserts: &[&str]) -> usize {
    let memo = EvalMemo::default();
    let original = &texts[edited].1;
    // Entries written twice with the same text are replayed even in the first evaluation.
    let mut replayed = evaluate_both(&memo, texts, edited, original);
    let points = (0..=original.len())
        .step_by(step)
        .filter(|&p| original.is_char_boundary(p));
    for (i, at) in points.enumerate() {
        let insert = inserts[i % inserts.len()];
        let edited_text = format!("{}{insert}{}", &original[..at], &original[at..]);
        replayed += evaluate_both(&memo, texts, edited, &edited_text);
        replayed += evaluate_both(&memo, texts, edited, original);
    }
    replayed
}

const INSERTS: &[&str] = &[
    "x",
    " ",
    "é",
    ")",
    "'",
    "\n",
    "a.",
    "allow",
    ", extra: a.string()",
    "/* note */",
];

#[test]
fn a_session_on_a_dynamodb_schema_matches_fresh_evaluations() {
    let texts = [(
        "/p/amplify/data/resource.ts",
        example("dynamodb-todo", "resource.ts"),
    )];
    let replayed = session(&texts, 0, 53, INSERTS);
    assert!(replayed > 500, "only {replayed} entries were replayed");
}

#[test]
fn a_session_on_a_generated_schema_matches_fresh_evaluations() {
    let texts = [
        (
            "/p/amplify/data/resource.ts",
            example("large-sql", "resource.ts"),
        ),
        (
            "/p/amplify/data/schema.sql.ts",
            example("large-sql", "schema.sql.ts"),
        ),
    ];
    let replayed = session(&texts, 1, 211, INSERTS);
    assert!(replayed > 500, "only {replayed} entries were replayed");
}

#[test]
fn an_entry_that_reads_a_binding_is_evaluated_again_when_the_binding_changes() {
    let text = |kind: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
const label = a.{kind}();
export const schema = a.schema({{
  Note: a.model({{ title: label, body: a.string() }}),
  Tag: a.model({{ name: a.string() }}),
}});
"#
        )
    };
    let texts = [("/p/amplify/data/resource.ts", text("string"))];
    let memo = EvalMemo::default();
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("string")), 0);
    // `Tag` reads nothing outside itself: replayed. `Note` reads `label`: never replayed.
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("integer")), 1);
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("float")), 1);
}

/// An entry evaluated twice reports its error once, as a fresh evaluation does; and an entry whose
/// report was dropped as a repeat is not kept without it (found in review).
#[test]
fn an_entry_evaluated_twice_reports_as_a_fresh_evaluation_does() {
    let text = |calls: &str| {
        format!(
            r#"import {{ a }} from '@aws-amplify/data-schema';
const mk = () => a.schema({{
  T: a.model({{ x: a.string() }})
       .authorization((allow) => [allow.owner('apiKey')]),
}});
{calls}"#
        )
    };
    let both = text("export const s1 = mk();\nexport const s2 = (mk());\n");
    let second_only = text("export const s2 = (mk());\n");
    let same_depth = text("export const s1 = mk();\nexport const s2 = mk();\n");
    let texts = [("/p/amplify/data/resource.ts", both.clone())];
    let memo = EvalMemo::default();
    evaluate_both(&memo, &texts, 0, &both);
    evaluate_both(&memo, &texts, 0, &second_only);
    evaluate_both(&memo, &texts, 0, &same_depth);
    evaluate_both(&memo, &texts, 0, &second_only);
}

#[test]
fn a_session_on_a_resource_with_set_authorization_matches_fresh_evaluations() {
    let texts = [
        (
            "/p/amplify/data/resource.ts",
            example("large-sql", "resource.ts"),
        ),
        (
            "/p/amplify/data/schema.sql.ts",
            example("large-sql", "schema.sql.ts"),
        ),
    ];
    let replayed = session(&texts, 0, 97, INSERTS);
    assert!(replayed > 500, "only {replayed} entries were replayed");
}

/// The rules of an authorization callback that reads nothing outside itself are replayed; one
/// that reads a binding is evaluated every time.
#[test]
fn authorization_callbacks_are_replayed_unless_they_read_a_binding() {
    let text = |builder: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
const operations = ['read'];
export const schema = a.schema({{
  Note: a.model({{ title: a.string(), owner: a.string() }}),
  Tag: a.model({{ name: a.string() }}),
}}).setAuthorization((models) => [
  models.Note.authorization((allow) => [allow.ownerDefinedIn('owner')]),
  models.Tag.authorization((allow) => [allow.{builder}()]),
  models.Note.authorization((allow) => [allow.authenticated().to(operations)]),
]);
"#
        )
    };
    let texts = [("/p/amplify/data/resource.ts", text("guest"))];
    let memo = EvalMemo::default();
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("guest")), 0);
    // Both schema entries and the first callback replayed; the edited callback is evaluated,
    // and the one that reads `operations` always is.
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("authenticated")), 3);
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("publicApiKey")), 3);
}

/// The pairs of a `renameModels` callback are replayed when its text is unchanged, and the models
/// renamed as a fresh evaluation renames them.
#[test]
fn rename_callbacks_are_replayed() {
    let text = |kind: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
export const schema = a.schema({{
  notes: a.model({{ title: a.{kind}() }}),
  tags: a.model({{ name: a.string() }}),
}}).renameModels(() => [['notes', 'Note'], ['tags', 'Tag']]);
"#
        )
    };
    let texts = [("/p/amplify/data/resource.ts", text("string"))];
    let memo = EvalMemo::default();
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("string")), 0);
    // The edited entry is evaluated; the other entry and the renames are replayed.
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("integer")), 2);
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("float")), 2);
}

/// A `setAuthorization` callback written as a list of `models.X.authorization(...)` and
/// `models.X.fields.f.authorization(...)` is replayed while every model and field it names is
/// found, and evaluated again, as a fresh evaluation would, when one is not.
#[test]
fn set_authorization_is_replayed_while_its_names_are_found() {
    let text = |note_fields: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
export const schema = a.schema({{
  Note: a.model({{ {note_fields} }}),
  Tag: a.model({{ name: a.string() }}),
}}).setAuthorization((models) => [
  models.Note.authorization((allow) => [allow.ownerDefinedIn('owner')]),
  // The phone number only for its owner.
  models.Note.fields.phone.authorization((allow) => [allow.owner()]),
  models.Tag.authorization((allow) => [allow.guest(), allow.unknownRule()]),
]);
"#
        )
    };
    let with_phone = |title: &str| text(&format!("title: a.{title}(), phone: a.string()"));
    let texts = [("/p/amplify/data/resource.ts", with_phone("string"))];
    let memo = EvalMemo::default();
    assert_eq!(evaluate_both(&memo, &texts, 0, &with_phone("string")), 0);
    // The edited entry is evaluated; the other entry and the whole callback are replayed.
    assert_eq!(evaluate_both(&memo, &texts, 0, &with_phone("integer")), 2);
    assert_eq!(evaluate_both(&memo, &texts, 0, &with_phone("float")), 2);
    // Without the field it names, the callback is evaluated (and reports the unknown field); the
    // authorization callbacks kept with it are replayed, but for the missing field's (not called).
    assert_eq!(
        evaluate_both(&memo, &texts, 0, &text("title: a.string()")),
        3
    );
    // The field back: the callback kept at first is replayed again.
    assert_eq!(evaluate_both(&memo, &texts, 0, &with_phone("boolean")), 2);
    // A model renamed away: the callback is evaluated, and reports as a fresh evaluation does;
    // both entries (same texts) are replayed, and the Note's authorization callback (the phone's
    // was not called two evaluations ago: the memo no longer holds it).
    let renamed = with_phone("boolean").replace("  Tag: a.model", "  Label: a.model");
    assert_eq!(evaluate_both(&memo, &texts, 0, &renamed), 3);
}

/// Callbacks of other shapes are evaluated every time, whatever they read or change.
#[test]
fn set_authorization_of_other_shapes_is_evaluated() {
    let text = |elements: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
const rules = (allow) => [allow.guest()];
export const schema = a.schema({{
  Note: a.model({{ title: a.string() }}),
  Tag: a.model({{ name: a.string() }}),
}}).setAuthorization((models) => [
{elements}
]);
"#
        )
    };
    for elements in [
        "  models.Note.authorization(rules),",
        "  models.Note.identifier(['title']),",
        "  models.Note.authorization((allow) => [allow.guest()]),\n  models.Tag.secondaryIndexes((index) => [index('name')]),",
        "  models['Note'].authorization((allow) => [allow.guest()]),",
        "  models.Note?.authorization((allow) => [allow.guest()]),",
        "  models.Note.authorization((allow) => [allow.guest()], models.Tag),",
        "  ...[models.Note.authorization((allow) => [allow.guest()])],",
        "  models.Note.authorization((allow) => models.Tag.authorization((x) => [x.guest()])),",
    ] {
        let memo = EvalMemo::default();
        let texts = [("/p/amplify/data/resource.ts", text(elements))];
        evaluate_both(&memo, &texts, 0, &text(elements));
        // A model edited (its identifier, indexes and rules set again by the callback), then
        // the binding a callback reads: each evaluation as a fresh one.
        let edited = text(elements).replace("title: a.string()", "title: a.integer()");
        evaluate_both(&memo, &texts, 0, &edited);
        let rules_edited = edited.replace("[allow.guest()];", "[allow.owner()];");
        evaluate_both(&memo, &texts, 0, &rules_edited);
        evaluate_both(&memo, &texts, 0, &text(elements));
    }
}

/// The same model twice (the last rules win), a model and one of its fields, a second parameter,
/// and rules that report: replayed as a fresh evaluation gives them.
#[test]
fn set_authorization_with_repeats_fields_and_reports_is_replayed() {
    let text = |ty: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
export const schema = a.schema({{
  Note: a.model({{ title: a.{ty}(), phone: a.string() }}),
  Tag: a.model({{ name: a.string() }}),
}}).setAuthorization((models, schema) => [
  models.Note.authorization((allow) => [allow.guest()]),
  models.Note.fields.phone.authorization((allow) => [allow.owner()]),
  models.Tag.authorization((allow) => [allow.owner('identityPool'), allow.groups()]),
  models.Note.authorization((allow) => [allow.owner()]),
]);
"#
        )
    };
    let texts = [("/p/amplify/data/resource.ts", text("string"))];
    let memo = EvalMemo::default();
    evaluate_both(&memo, &texts, 0, &text("string"));
    // The Tag entry and the whole callback.
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("integer")), 2);
    assert_eq!(evaluate_both(&memo, &texts, 0, &text("float")), 2);
}

/// An authorization callback that reads the parameters of the `setAuthorization` callback around
/// it (behind a parameter of the same name declared elsewhere in it) can change the schema: the
/// callback is evaluated every time, and its effects are those of a fresh evaluation.
#[test]
fn set_authorization_whose_callbacks_read_its_parameters_is_evaluated() {
    let text = |ty: &str, callback: &str| {
        format!(
            r#"import {{ a }} from "@aws-amplify/backend";
export const schema = a.schema({{
  Post: a.model({{ t: a.{ty}() }}),
}}).setAuthorization({callback});
"#
        )
    };
    for callback in [
        // Sets the schema's rules through its second parameter.
        "(models, s) => [\n  models.Post.authorization((allow) => [((s) => 0), s.authorization((allow) => [allow.guest()]), allow.owner()]),\n]",
        // Hands `models` to unknown code: the schema becomes opaque.
        "(models) => [\n  models.Post.authorization((allow) => [((models) => 0), [].concat(models), allow.owner()]),\n]",
    ] {
        let memo = EvalMemo::default();
        let texts = [("/p/amplify/data/resource.ts", text("string", callback))];
        evaluate_both(&memo, &texts, 0, &text("string", callback));
        evaluate_both(&memo, &texts, 0, &text("integer", callback));
        evaluate_both(&memo, &texts, 0, &text("float", callback));
    }
}

/// The generated file's models are evaluated once and then restored from the memo at each edit of
/// `resource.ts`: the restored and renamed models share their fields with the kept evaluation
/// instead of holding a copy each, except the models whose fields `resource.ts` changes (field
/// rules, relationships).
#[test]
fn models_restored_from_the_memo_share_their_fields() {
    let resource = example("large-sql", "resource.ts");
    let generated = example("large-sql", "schema.sql.ts");
    let memo = EvalMemo::default();
    let evaluate_with = |resource: &str| {
        let files = [
            ("/p/amplify/data/resource.ts", resource),
            ("/p/amplify/data/schema.sql.ts", generated.as_str()),
        ];
        evaluate_memoized(&Files::new(&files), &[FileId(0), FileId(1)], &memo)
    };
    let first = evaluate_with(&resource);
    let second = evaluate_with(&resource.replacen("const", "const  ", 1));
    let generated_models = |model: &schemals_syntax::model::SchemaModel| {
        model
            .models
            .iter()
            .filter(|m| m.span.file == FileId(1))
            .map(|m| (m.name.text.to_string(), m.fields.clone()))
            .collect::<Vec<_>>()
    };
    let (before, after) = (generated_models(&first), generated_models(&second));
    assert!(before.len() > 40, "{} models", before.len());
    assert_eq!(before.len(), after.len());
    let mut copied: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|((_, was), (_, now))| !std::sync::Arc::ptr_eq(was, now))
        .map(|((name, _), _)| name.as_str())
        .collect();
    copied.sort_unstable();
    // `models.X.relationships(` and `models.X.fields.` as written in resource.ts.
    let mut changed: Vec<&str> = resource
        .split("models.")
        .skip(1)
        .filter_map(|rest| {
            let name = rest.split('.').next()?;
            let after = &rest[name.len()..];
            (after.starts_with(".relationships(") || after.starts_with(".fields.")).then_some(name)
        })
        .collect();
    changed.sort_unstable();
    changed.dedup();
    assert!(!changed.is_empty());
    assert_eq!(copied, changed);
}
