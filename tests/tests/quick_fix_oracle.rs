//! Every kind of quick fix yields valid Amplify code: each is asked of the real `schemals serve`
//! over LSP on a broken variant of the `blog` fixture, its edit is applied, the fixed project is
//! written to a temporary folder, and the real Amplify transform (`../shared/amplify/oracle`) must
//! accept it. Where Amplify itself sees the mistake (builder or transform time), the broken variant
//! must be rejected too, so the fix is shown to repair what Amplify complains about. The other
//! mistakes are caught only at deploy time, at run time, or by the database; the transform accepts
//! both versions there, and each case says so.

mod dsl_support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use dsl_support::{GENERATED, RESOURCE, Session, fixture_text};
use schemals_e2e::{repo_root, shared_dir};

fn oracle_home() -> PathBuf {
    repo_root().join(".oracle")
}

fn setup_oracle() {
    let setup = shared_dir().join("amplify/oracle/setup.sh");
    assert!(
        setup.exists(),
        "the Amplify oracle is missing at {} (set SCHEMALS_SHARED to the folder holding amplify/oracle)",
        setup.display()
    );
    let status = Command::new("bash")
        .arg(&setup)
        .env("ORACLE_HOME", oracle_home())
        .current_dir(repo_root())
        .status()
        .expect("run the oracle setup");
    assert!(status.success(), "oracle setup failed");
}

/// Runs the transform on `resource.ts` of a project holding `files`; its exit status and output.
fn transform(name: &str, files: &BTreeMap<String, String>) -> (bool, String) {
    let dir =
        std::env::temp_dir().join(format!("schemals-fix-oracle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
    let output = Command::new("bash")
        .arg(shared_dir().join("amplify/oracle/transform.sh"))
        .arg("--sdl")
        .arg(dir.join(RESOURCE))
        .env("ORACLE_HOME", oracle_home())
        .current_dir(repo_root())
        .output()
        .expect("run the transform");
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// One broken variant and the fix that repairs it.
struct Case {
    name: &'static str,
    file: &'static str,
    from: &'static str,
    /// The broken text, with `$0` where the cursor asks for fixes.
    to: &'static str,
    action: &'static str,
    /// Whether the transform itself rejects the broken variant; when not, why it cannot.
    amplify_rejects_broken: Result<(), &'static str>,
    /// Text the fixed SDL must contain, to show the fix did what it says.
    sdl_contains: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "unknown-model",
        file: RESOURCE,
        from: "models.Post.authorization",
        to: "models.Pots$0.authorization",
        action: "Change to 'Post'",
        amplify_rejects_broken: Ok(()),
        sdl_contains: None,
    },
    Case {
        name: "unknown-field",
        file: RESOURCE,
        from: "models.authors.authorization",
        to: "models.Post.fields.ownr$0.authorization((allow) => allow.authenticated()),\n    models.authors.authorization",
        action: "Change to 'owner'",
        amplify_rejects_broken: Ok(()),
        sdl_contains: None,
    },
    Case {
        name: "unknown-ref",
        file: RESOURCE,
        from: "a.ref('PostSummary')",
        to: "a.ref('PostSumary$0')",
        action: "Change to 'PostSummary'",
        amplify_rejects_broken: Ok(()),
        sdl_contains: None,
    },
    Case {
        name: "rename-unknown-model",
        file: RESOURCE,
        from: "['posts', 'Post']",
        to: "['post$0', 'Post']",
        action: "Change to 'posts'",
        amplify_rejects_broken: Ok(()),
        sdl_contains: Some("@refersTo(name: \"posts\")"),
    },
    Case {
        name: "auth-field-missing",
        file: RESOURCE,
        from: "ownerDefinedIn('owner')",
        to: "ownerDefinedIn('ownr$0')",
        action: "Change to 'owner'",
        amplify_rejects_broken: Ok(()),
        sdl_contains: Some("ownerField: \"owner\""),
    },
    Case {
        name: "sql-model-missing-primary-key",
        file: GENERATED,
        from: "\"id\"\n    ]),\n    \"comments\"",
        to: "\"idd$0\"\n    ]),\n    \"comments\"",
        action: "Change to 'id'",
        amplify_rejects_broken: Err(
            "the transform drops an unknown identifier field; deploy fails",
        ),
        sdl_contains: None,
    },
    Case {
        name: "sql-unknown-table",
        file: RESOURCE,
        from: "FROM posts WHERE",
        to: "FROM postz$0 WHERE",
        action: "Change to 'posts'",
        amplify_rejects_broken: Err("only the database knows its tables"),
        sdl_contains: None,
    },
    Case {
        name: "sql-unknown-column",
        file: RESOURCE,
        from: "SELECT id, title FROM",
        to: "SELECT id, titel$0 FROM",
        action: "Change to 'title'",
        amplify_rejects_broken: Err("only the database knows its columns"),
        sdl_contains: None,
    },
    Case {
        name: "sql-undeclared-placeholder-did-you-mean",
        file: RESOURCE,
        from: "author_id = :authorId",
        to: "author_id = :author$0",
        action: "Change to ':authorId'",
        amplify_rejects_broken: Err(
            "nothing checks placeholders against arguments before run time",
        ),
        sdl_contains: None,
    },
    Case {
        name: "sql-undeclared-placeholder-add-argument",
        file: RESOURCE,
        from: "author_id = :authorId'",
        to: "author_id = :authorId AND title = :title$0'",
        action: "Add argument title: a.string() to postsByAuthor",
        amplify_rejects_broken: Err(
            "nothing checks placeholders against arguments before run time",
        ),
        sdl_contains: Some("postsByAuthor(authorId: Int!, title: String)"),
    },
    Case {
        name: "sql-unused-argument",
        file: RESOURCE,
        from: "{ authorId: a.integer().required() }",
        to: "{ authorId: a.integer().required(), ext$0ra: a.string() }",
        action: "Remove the unused argument extra",
        amplify_rejects_broken: Err("an unused argument is legal; it is only never bound"),
        sdl_contains: Some("postsByAuthor(authorId: Int!)"),
    },
    Case {
        name: "sql-model-iam-only",
        file: GENERATED,
        from: "\"comments\": a.model",
        to: "\"comm$0ents\": a.model",
        action: "Allow signed-in users on comments: allow.authenticated()",
        amplify_rejects_broken: Err("a SQL model without rules deploys, reachable by IAM only"),
        sdl_contains: Some(
            "type comments @model(timestamps: null) @auth(rules: [{allow: private}])",
        ),
    },
    Case {
        name: "set-relationships-from-foreign-key",
        file: RESOURCE,
        from: "models.authors.",
        to: "models.auth$0ors.",
        action: "Add the relationship Post.authors ↔ authors.posts from foreign key posts_author_id_fkey",
        amplify_rejects_broken: Err("no relationship is not a mistake; the fix adds one"),
        sdl_contains: Some("authors: authors @belongsTo(references: [\"author_id\"])"),
    },
    Case {
        name: "sql-returns-not-array",
        file: RESOURCE,
        from: ".returns(a.ref('PostSummary'))",
        to: ".retu$0rns(a.ref('PostSummary'))",
        action: "Return a list: .array()",
        amplify_rejects_broken: Err("a single row type deploys; the runtime result is a list"),
        sdl_contains: Some("postsByAuthor(authorId: Int!): [PostSummary]"),
    },
];

/// A DynamoDB model without rules: Amplify's transform rejects it; the fix adds one.
const DYNAMODB: &str = "import { a } from '@aws-amplify/backend';\n\
    export const schema = a.schema({\n  To$0do: a.model({ title: a.string() }),\n});\n";

fn fixture_files() -> BTreeMap<String, String> {
    [RESOURCE, GENERATED]
        .into_iter()
        .map(|rel| (rel.to_owned(), fixture_text(rel)))
        .collect()
}

#[test]
fn every_quick_fix_gives_code_the_amplify_transform_accepts() {
    setup_oracle();
    let (ok, sdl) = transform("fixture", &fixture_files());
    assert!(ok, "the blog fixture itself must transform:\n{sdl}");

    let mut session = Session::start("oracle");
    let mut failures = Vec::new();
    let mut run = |session: &mut Session,
                   name: &str,
                   broken: BTreeMap<String, String>,
                   action: &str,
                   rejects: Result<(), &str>,
                   sdl_contains: Option<&str>| {
        let mut fixed = broken.clone();
        fixed.extend(session.after_action(action));
        assert_ne!(fixed, broken, "{name}: the fix changed nothing");
        let (ok, output) = transform(&format!("{name}-fixed"), &fixed);
        if !ok {
            failures.push(format!("{name}: the fixed project is rejected:\n{output}"));
            return;
        }
        if let Some(expected) = sdl_contains
            && !output.contains(expected)
        {
            failures.push(format!("{name}: the SDL lacks {expected:?}:\n{output}"));
        }
        let (broken_ok, broken_output) = transform(&format!("{name}-broken"), &broken);
        match rejects {
            Ok(()) if broken_ok => failures.push(format!(
                "{name}: the transform accepted the broken project:\n{broken_output}"
            )),
            Err(why) if !broken_ok => failures.push(format!(
                "{name}: expected the transform to accept the broken project ({why}), it said:\n{broken_output}"
            )),
            _ => {}
        }
    };
    for case in CASES {
        session.reset();
        let original = fixture_text(case.file);
        assert!(
            original.contains(case.from),
            "{}: no {:?}",
            case.name,
            case.from
        );
        session.set(case.file, &original.replacen(case.from, case.to, 1));
        let broken: BTreeMap<String, String> = session.texts.clone();
        run(
            &mut session,
            case.name,
            broken,
            case.action,
            case.amplify_rejects_broken,
            case.sdl_contains,
        );
    }
    session.reset();
    session.set(RESOURCE, DYNAMODB);
    let broken = session.texts.clone();
    run(
        &mut session,
        "model-missing-auth",
        broken,
        "Allow signed-in users on Todo: allow.authenticated()",
        Ok(()),
        Some("type Todo @model @auth(rules: [{allow: private}])"),
    );
    session.finish();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
