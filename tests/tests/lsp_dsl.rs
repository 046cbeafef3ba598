//! The DSL editor features of the real `schemals serve` over stdio, on the `blog` fixture:
//! completion, hover, definition, references, rename (the workspace edit) and one quick fix of
//! each kind, checked as a user sees them (items, markdown, locations, the text after an edit).

mod dsl_support;

use dsl_support::{GENERATED, RESOURCE, Session, fixture_text};
use serde_json::{Value, json};

/// Completion items as `label (detail)`, in the order an editor shows them (by `sortText`, then
/// label); each must replace exactly `replaced`.
fn completion(session: &mut Session, replaced: &str) -> Vec<String> {
    let answer = session.at_cursor("textDocument/completion", json!({}));
    let mut items: Vec<Value> = answer["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    items.sort_by(|a, b| {
        (a["sortText"].as_str(), a["label"].as_str())
            .cmp(&(b["sortText"].as_str(), b["label"].as_str()))
    });
    items
        .iter()
        .map(|item| {
            let edit = &item["textEdit"];
            let located = session.location_text(&json!({
                "uri": session.uri(&session.cursor.clone().expect("cursor").0),
                "range": edit["range"],
            }));
            assert!(located.ends_with(&format!(":{replaced}")), "{item}");
            assert_eq!(edit["newText"], item["label"]);
            format!(
                "{} ({})",
                item["label"].as_str().unwrap_or(""),
                item["detail"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn completion_hover_definition_and_references_know_the_database() {
    let mut session = Session::start("navigate");

    session.set_replaced(
        RESOURCE,
        "    models.authors.authorization",
        "    /* é😀 */ models.$0\n    models.authors.authorization",
    );
    assert_eq!(
        completion(&mut session, ""),
        [
            "Post (table public.posts)",
            "authors (table public.authors)",
            "comments (table public.comments)",
        ]
    );
    session.set_replaced(
        RESOURCE,
        "ownerDefinedIn('owner')",
        "ownerDefinedIn('ow$0ner')",
    );
    assert_eq!(
        completion(&mut session, "owner"),
        [
            "created_at (timestamp with time zone, nullable · posts)",
            "owner (text, nullable · posts)",
            "title (text, not null · posts)",
            "author_id (integer, not null · posts)",
            "editors (text[], nullable · posts)",
            "id (integer, not null · posts)",
        ]
    );
    session.set_replaced(RESOURCE, ".to(['read'])", ".to(['read', '$0'])");
    assert_eq!(
        completion(&mut session, ""),
        [
            "create ()",
            "delete ()",
            "get ()",
            "list ()",
            "listen ()",
            "update ()"
        ]
    );

    session.set_replaced(RESOURCE, "models.Post.", "models.Po$0st.");
    let hover = session.at_cursor("textDocument/hover", json!({}));
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert_eq!(
        hover["result"]["contents"]["value"],
        "**model** `Post`: table `public.posts`\n\n```\n\
         id: integer, not null, primary key\n\
         title: text, not null\n\
         author_id: integer, not null\n\
         owner: text, nullable\n\
         editors: text[], nullable\n\
         created_at: timestamp with time zone, nullable\n```\n\n\
         Authorization: allow.ownerDefinedIn('owner'), allow.authenticated().to(['read'])\n\n\
         Reachable by: users, as these rules allow"
    );
    assert_eq!(
        session.location_text(
            &json!({"uri": session.uri(RESOURCE), "range": hover["result"]["range"]})
        ),
        "resource.ts:Post"
    );

    let definition = session.at_cursor("textDocument/definition", json!({}));
    let found: Vec<String> = match &definition["result"] {
        Value::Array(list) => list.iter().map(|l| session.location_text(l)).collect(),
        single => vec![session.location_text(single)],
    };
    assert_eq!(found, ["schema.sql.ts:posts"]);

    let references = session.at_cursor(
        "textDocument/references",
        json!({"context": {"includeDeclaration": true}}),
    );
    let found: Vec<String> = references["result"]
        .as_array()
        .expect("references")
        .iter()
        .map(|l| session.location_text(l))
        .collect();
    assert_eq!(
        found,
        [
            "resource.ts:posts",
            "resource.ts:Post",
            "resource.ts:Post",
            "resource.ts:posts",
            "schema.sql.ts:posts",
        ]
    );

    let symbols = session.client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": session.uri(GENERATED)}}),
    );
    let outline: Vec<String> = symbols["result"]
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| {
            let children = s["children"].as_array().map_or(0, Vec::len);
            format!("{} ({children} fields)", s["name"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        outline,
        [
            "authors (3 fields)",
            "comments (3 fields)",
            "posts (6 fields)"
        ]
    );
    session.finish();
}

#[test]
fn rename_answers_with_the_workspace_edit_and_refuses_columns() {
    let mut session = Session::start("rename");
    let resource = fixture_text(RESOURCE);

    session.set_replaced(RESOURCE, "models.Post.", "models.Po$0st.");
    let prepared = session.at_cursor("textDocument/prepareRename", json!({}));
    let range = prepared["result"]
        .get("range")
        .unwrap_or(&prepared["result"]);
    assert_eq!(
        session.location_text(&json!({"uri": session.uri(RESOURCE), "range": range})),
        "resource.ts:Post"
    );
    let edit = session.at_cursor("textDocument/rename", json!({"newName": "Article"}));
    let changed = session.apply(&edit["result"]);
    assert_eq!(changed.keys().collect::<Vec<_>>(), [RESOURCE]);
    assert_eq!(
        changed[RESOURCE],
        resource
            .replace("['posts', 'Post']", "['posts', 'Article']")
            .replace("models.Post.", "models.Article.")
    );

    // A SQL model without a rename gets a renameModels pair; the generated file is not touched.
    session.set_replaced(RESOURCE, "models.authors.", "models.auth$0ors.");
    let edit = session.at_cursor("textDocument/rename", json!({"newName": "Writer"}));
    let changed = session.apply(&edit["result"]);
    assert_eq!(changed.keys().collect::<Vec<_>>(), [RESOURCE]);
    assert_eq!(
        changed[RESOURCE],
        resource
            .replace(
                "['posts', 'Post'],",
                "['posts', 'Post'], ['authors', 'Writer'],"
            )
            .replace("models.authors.", "models.Writer.")
    );

    // A column belongs to the database.
    session.set_replaced(
        RESOURCE,
        "ownerDefinedIn('owner')",
        "ownerDefinedIn('ow$0ner')",
    );
    let refused = session.at_cursor("textDocument/prepareRename", json!({}));
    assert_eq!(
        refused["error"]["message"],
        "A column belongs to the database: rename it there, then regenerate schema.sql.ts (npx ampx generate schema-from-database)",
        "{refused}"
    );
    session.finish();
}

#[test]
fn one_quick_fix_of_each_kind() {
    let mut session = Session::start("fixes");
    let resource = fixture_text(RESOURCE);

    // Did you mean.
    session.set_replaced(
        RESOURCE,
        "ownerDefinedIn('owner')",
        "ownerDefinedIn('ownr$0')",
    );
    assert_eq!(
        session.after_action("Change to 'owner'")[RESOURCE],
        resource
    );

    // Add a missing :argument, typed from the column it is compared with.
    session.set_replaced(
        RESOURCE,
        "author_id = :authorId'",
        "author_id = :authorId AND created_at > :since$0'",
    );
    assert_eq!(
        session.after_action("Add argument since: a.string() to postsByAuthor")[RESOURCE],
        resource
            .replace(
                "author_id = :authorId'",
                "author_id = :authorId AND created_at > :since'"
            )
            .replace(
                "{ authorId: a.integer().required() }",
                "{ authorId: a.integer().required(), since: a.string() }"
            )
    );

    // Remove an unused argument.
    session.set_replaced(
        RESOURCE,
        "{ authorId: a.integer().required() }",
        "{ authorId: a.integer().required(), ext$0ra: a.string() }",
    );
    assert_eq!(
        session.after_action("Remove the unused argument extra")[RESOURCE],
        resource
    );

    // An authorization rule for a SQL model only IAM can reach.
    session.set(RESOURCE, &resource);
    session.set_replaced(
        GENERATED,
        "\"comments\": a.model",
        "\"comm$0ents\": a.model",
    );
    assert_eq!(
        session.after_action("Allow signed-in users on comments: allow.authenticated()")[RESOURCE],
        resource.replace(
            "models.authors.authorization((allow) => allow.authenticated()),",
            "models.authors.authorization((allow) => allow.authenticated()), models.comments.authorization((allow) => [allow.authenticated()]),"
        )
    );
    session.set(GENERATED, &fixture_text(GENERATED));

    // Relationships from a foreign key, both directions.
    session.set_replaced(RESOURCE, "models.authors.", "models.auth$0ors.");
    assert_eq!(
        session.after_action(
            "Add the relationship Post.authors ↔ authors.posts from foreign key posts_author_id_fkey"
        )[RESOURCE],
        resource.replace(
            "    ['posts', 'Post'],\n  ])\n",
            "    ['posts', 'Post'],\n  ]).setRelationships((models) => [models.Post.relationships({ authors: a.belongsTo('authors', 'author_id') }), models.authors.relationships({ posts: a.hasMany('Post', 'author_id') })])\n"
        )
    );

    // `.array()` for a row-returning query.
    session.set_replaced(
        RESOURCE,
        ".returns(a.ref('PostSummary'))",
        ".retu$0rns(a.ref('PostSummary'))",
    );
    assert_eq!(
        session.after_action("Return a list: .array()")[RESOURCE],
        resource.replace("a.ref('PostSummary')", "a.ref('PostSummary').array()")
    );
    session.finish();
}
