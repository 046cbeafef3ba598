//! Editor features in the schema DSL, as fixtures: a project (the `blog` fixture: a PostgreSQL
//! schema.sql.ts, a resource.ts that renames, authorizes and adds a query, and a catalog snapshot
//! with foreign keys), a `$0` cursor in one file, and the exact items, ranges and edited text a user
//! would get.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemals_catalog::Catalog;
use schemals_ide::features::{self, Analysis, Completion, SnapshotCache, TextEdit};
use schemals_ide::{IndexedCatalog, Project, ProjectFile, check_project};
use schemals_syntax::model::SchemaModel;

const RESOURCE: &str = include_str!("fixtures/blog/amplify/data/resource.ts");
const GENERATED: &str = include_str!("fixtures/blog/amplify/data/schema.sql.ts");
const CATALOG: &str = include_str!("fixtures/blog/amplify/data/schemals-catalog.json");

const RESOURCE_PATH: &str = "/p/amplify/data/resource.ts";
const GENERATED_PATH: &str = "/p/amplify/data/schema.sql.ts";

struct Fixture {
    project: Project,
    model: SchemaModel,
    catalog: Option<IndexedCatalog>,
    /// The file holding `$0` and the cursor's byte offset there.
    cursor: Option<(PathBuf, usize)>,
    /// Shared by the requests on the fixture, as the server shares one per snapshot.
    cache: SnapshotCache,
}

impl Fixture {
    /// A project of `files` (path, text); a `$0` in one of them marks the cursor.
    fn new(files: &[(&str, &str)]) -> Fixture {
        let mut project = Project::new(PathBuf::from("/p"));
        let mut cursor = None;
        for (path, text) in files {
            let text = match text.find("$0") {
                Some(at) => {
                    cursor = Some((PathBuf::from(path), at));
                    text.replacen("$0", "", 1)
                }
                None => (*text).to_owned(),
            };
            project.add(ProjectFile::typescript(
                PathBuf::from(path),
                Arc::from(text),
                None,
            ));
        }
        let model = project.evaluate();
        project.load_sql_references(&model, |_| None);
        let catalog = Some(IndexedCatalog::new(
            Catalog::from_json(CATALOG).expect("catalog"),
        ));
        Fixture {
            project,
            model,
            catalog,
            cursor,
            cache: SnapshotCache::default(),
        }
    }

    /// The blog fixture with `resource` and `generated` in place of its files.
    fn blog(resource: &str, generated: &str) -> Fixture {
        Fixture::new(&[(RESOURCE_PATH, resource), (GENERATED_PATH, generated)])
    }

    /// The blog fixture with one replacement in resource.ts (which may add the `$0`).
    fn resource(from: &str, to: &str) -> Fixture {
        assert!(RESOURCE.contains(from), "resource.ts has no {from:?}");
        Fixture::blog(&RESOURCE.replacen(from, to, 1), GENERATED)
    }

    /// The blog fixture with one replacement in schema.sql.ts.
    fn generated(from: &str, to: &str) -> Fixture {
        assert!(GENERATED.contains(from), "schema.sql.ts has no {from:?}");
        Fixture::blog(RESOURCE, &GENERATED.replacen(from, to, 1))
    }

    fn analysis(&self) -> Analysis<'_> {
        Analysis {
            project: &self.project,
            model: &self.model,
            catalog: self.catalog.as_ref(),
            cache: Some(&self.cache),
        }
    }

    fn cursor(&self) -> (&Path, usize) {
        let (path, offset) = self.cursor.as_ref().expect("a $0 cursor");
        (path, *offset)
    }

    fn text(&self, path: &str) -> String {
        self.project
            .find(Path::new(path))
            .expect("file")
            .text
            .to_string()
    }

    /// `text[range]` of a file, for asserting ranges readably.
    fn slice(&self, path: &Path, range: &std::ops::Range<usize>) -> String {
        let file = self.project.find(path).expect("file");
        file.text[range.clone()].to_owned()
    }

    /// Completion items at the cursor as `label (detail)`, in order; every item replaces the
    /// same range, checked to be `replaced`.
    fn completions(&self, replaced: &str) -> Vec<String> {
        let (path, offset) = self.cursor();
        let items = features::completions(&self.analysis(), path, offset);
        for item in &items {
            assert_eq!(
                self.slice(path, &item.replace),
                replaced,
                "replace range of {}",
                item.label
            );
        }
        items.iter().map(render_item).collect()
    }

    /// The text of every file after `edits`, for the files they touch, as `path:\ntext`.
    fn apply(&self, edits: &[TextEdit]) -> Vec<(String, String)> {
        let mut paths: Vec<&PathBuf> = edits.iter().map(|e| &e.path).collect();
        paths.sort();
        paths.dedup();
        paths
            .into_iter()
            .map(|path| {
                let mut text = self.text(path.to_str().expect("utf-8 path"));
                let mut mine: Vec<&TextEdit> = edits.iter().filter(|e| &e.path == path).collect();
                mine.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                for edit in mine {
                    text.replace_range(edit.range.clone(), &edit.new_text);
                }
                (path.display().to_string(), text)
            })
            .collect()
    }

    /// The quick fixes offered at the cursor, as `title`, with the diagnostics of the project.
    fn actions(&self) -> Vec<features::CodeAction> {
        let (path, offset) = self.cursor();
        let diagnostics = check_project(&self.project, &self.model, self.catalog.as_ref());
        features::code_actions(&self.analysis(), path, offset..offset, &diagnostics)
    }

    /// The text of resource.ts or schema.sql.ts after the action titled `title`.
    fn after_action(&self, title: &str) -> Vec<(String, String)> {
        let actions = self.actions();
        let action = actions
            .iter()
            .find(|a| a.title == title)
            .unwrap_or_else(|| {
                panic!(
                    "no action {title:?}; offered: {:#?}",
                    actions.iter().map(|a| &a.title).collect::<Vec<_>>()
                )
            });
        self.apply(&action.edits)
    }
}

fn render_item(item: &Completion) -> String {
    match &item.detail {
        Some(detail) => format!("{} ({detail})", item.label),
        None => item.label.clone(),
    }
}

/// The one file changed by edits, checked by path.
fn only_file(changed: Vec<(String, String)>, path: &str) -> String {
    assert_eq!(changed.len(), 1, "files changed: {changed:#?}");
    let (changed_path, text) = changed.into_iter().next().expect("one file");
    assert_eq!(changed_path, path);
    text
}

// ----- completion -----

#[test]
fn rename_models_offers_the_tables_not_renamed_yet_first() {
    let f = Fixture::resource(
        "['posts', 'Post'],",
        "['posts', 'Post'],\n    ['$0', 'Writer'],",
    );
    assert_eq!(
        f.completions(""),
        [
            "authors (table public.authors)",
            "comments (table public.comments)",
            "posts (renamed to Post)",
        ]
    );
}

#[test]
fn models_offers_the_current_names_after_renames() {
    let f = Fixture::resource(
        "    models.authors.authorization",
        "    models.$0\n    models.authors.authorization",
    );
    assert_eq!(
        f.completions(""),
        [
            "Post (table public.posts)",
            "authors (table public.authors)",
            "comments (table public.comments)",
        ]
    );
}

#[test]
fn models_fields_offers_the_columns_with_their_types() {
    let f = Fixture::resource(
        "    models.authors.authorization",
        "    models.Post.fields.ti$0\n    models.authors.authorization",
    );
    assert_eq!(
        f.completions("ti"),
        [
            "author_id (integer, not null · posts)",
            "created_at (timestamp with time zone, nullable · posts)",
            "editors (text[], nullable · posts)",
            "id (integer, not null · posts)",
            "owner (text, nullable · posts)",
            "title (text, not null · posts)",
        ]
    );
}

#[test]
fn owner_fields_offer_string_columns_first() {
    let f = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('ow$0ner')");
    assert_eq!(
        f.completions("owner"),
        [
            "created_at (timestamp with time zone, nullable · posts)",
            "owner (text, nullable · posts)",
            "title (text, not null · posts)",
            "author_id (integer, not null · posts)",
            "editors (text[], nullable · posts)",
            "id (integer, not null · posts)",
        ]
    );
}

#[test]
fn plural_owner_fields_offer_array_columns_first() {
    let f = Fixture::resource("ownerDefinedIn('owner')", "ownersDefinedIn('$0')");
    assert_eq!(f.completions("")[0], "editors (text[], nullable · posts)",);
}

#[test]
fn identifier_offers_required_fields_first() {
    let f = Fixture::generated(
        "}).identifier([\n        \"id\"\n    ]),\n    \"comments\"",
        "}).identifier([\n        \"$0\"\n    ]),\n    \"comments\"",
    );
    assert_eq!(
        f.completions(""),
        [
            "id (integer, not null · authors)",
            "name (text, not null · authors)",
            "email (character varying(200), nullable · authors)",
        ]
    );
}

#[test]
fn ref_offers_types_then_models() {
    let f = Fixture::resource("a.ref('PostSummary')", "a.ref('$0')");
    assert_eq!(
        f.completions(""),
        [
            "PostSummary (custom type)",
            "Status (enum)",
            "Post (model)",
            "authors (model)",
            "comments (model)",
        ]
    );
}

#[test]
fn allow_offers_the_builders_of_each_level() {
    let model = Fixture::resource("allow.ownerDefinedIn('owner')", "allow.$0");
    assert_eq!(
        model
            .completions("")
            .iter()
            .map(|i| i.split(' ').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>(),
        [
            "authenticated",
            "custom",
            "group",
            "groupDefinedIn",
            "groups",
            "groupsDefinedIn",
            "guest",
            "owner",
            "ownerDefinedIn",
            "ownersDefinedIn",
            "publicApiKey",
        ]
    );
    let operation = Fixture::resource(
        ".authorization((allow) => allow.authenticated())\n      .handler",
        ".authorization((allow) => allow.auth$0)\n      .handler",
    );
    assert_eq!(
        operation.completions("auth"),
        [
            "authenticated (authenticated(provider?): private)",
            "custom (custom(provider?): custom, function)",
            "group (group(group, provider?): groups)",
            "groups (groups(groups, provider?): groups)",
            "guest (guest(): public, identityPool)",
            "publicApiKey (publicApiKey(): public, apiKey)",
        ]
    );
    let schema = Fixture::resource(
        "  .renameModels(() => [",
        "  .authorization((allow) => [allow.$0])\n  .renameModels(() => [",
    );
    assert!(
        schema
            .completions("")
            .iter()
            .any(|i| i.starts_with("resource ")),
        "schema level offers allow.resource"
    );
}

#[test]
fn allow_in_a_conversation_offers_owner_only() {
    let resource = "import { a } from '@aws-amplify/backend';\n\
        export const schema = a.schema({\n  \
          chat: a.conversation({ aiModel: a.ai.model('Claude 3 Haiku'), systemPrompt: 'Hi' })\n    \
            .authorization((allow) => allow.$0),\n\
        });\n";
    let f = Fixture::new(&[(RESOURCE_PATH, resource)]);
    assert_eq!(
        f.completions(""),
        ["owner (owner(provider?): owner field `owner`)"]
    );
}

#[test]
fn relationship_targets_and_set_relationships_offer_models() {
    let f = Fixture::resource(
        "  .addToSchema",
        "  .setRelationships((m) => [m.$0])\n  .addToSchema",
    );
    assert_eq!(
        f.completions(""),
        [
            "Post (table public.posts)",
            "authors (table public.authors)",
            "comments (table public.comments)",
        ]
    );
    let f = Fixture::resource(
        "  .addToSchema",
        "  .setRelationships((m) => [m.authors.relationships({ posts: a.hasMany('$0', 'author_id') })])\n  .addToSchema",
    );
    assert_eq!(
        f.completions(""),
        [
            "Post (table public.posts)",
            "authors (table public.authors)",
            "comments (table public.comments)",
        ]
    );
}

#[test]
fn providers_follow_the_builder() {
    let f = Fixture::resource(
        "allow.authenticated().to(['read'])",
        "allow.authenticated('$0')",
    );
    assert_eq!(
        f.completions(""),
        [
            "identityPool (provider of allow.authenticated)",
            "oidc (provider of allow.authenticated)",
            "userPools (provider of allow.authenticated)",
        ]
    );
    let owner = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('owner', '$0')");
    assert_eq!(
        owner.completions(""),
        [
            "oidc (provider of allow.ownerDefinedIn)",
            "userPools (provider of allow.ownerDefinedIn)",
        ]
    );
}

#[test]
fn to_offers_the_operations_a_sql_model_supports_and_not_those_listed() {
    let f = Fixture::resource(".to(['read'])", ".to(['read', '$0'])");
    assert_eq!(
        f.completions(""),
        ["create", "delete", "get", "list", "listen", "update"]
    );
}

#[test]
fn no_completion_in_unrelated_strings_and_code() {
    let f = Fixture::resource(
        "defaultAuthorizationMode: 'userPool'",
        "defaultAuthorizationMode: 'user$0Pool'",
    );
    assert_eq!(f.completions("userPool"), Vec::<String>::new());
    let f = Fixture::resource(
        "export type Schema",
        "const x = Math.$0\nexport type Schema",
    );
    assert_eq!(f.completions(""), Vec::<String>::new());
}

// ----- hover -----

fn hover(f: &Fixture) -> (String, String) {
    let (path, offset) = f.cursor();
    let info = features::hover(&f.analysis(), path, offset).expect("a hover");
    (f.slice(path, &info.range), info.markdown)
}

#[test]
fn hover_on_a_model_shows_its_table_columns_rules_and_reach() {
    let f = Fixture::resource("models.Post.authorization", "models.Po$0st.authorization");
    let (range, markdown) = hover(&f);
    assert_eq!(range, "Post");
    assert_eq!(
        markdown,
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
}

#[test]
fn hover_on_a_model_without_rules_says_only_iam_reaches_it() {
    let f = Fixture::generated("\"comments\": a.model", "\"comm$0ents\": a.model");
    let (range, markdown) = hover(&f);
    assert_eq!(range, "comments");
    assert!(
        markdown
            .ends_with("Authorization: none\n\nReachable by: IAM only (AppSync marks it @aws_iam)"),
        "{markdown}"
    );
}

#[test]
fn hover_on_an_owner_field_shows_the_column() {
    let f = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('ow$0ner')");
    assert_eq!(
        hover(&f),
        (
            "owner".to_owned(),
            "**field** `owner` of `Post`\n\ncolumn `public.posts.owner`: `text`, nullable\n"
                .to_owned()
        )
    );
    let key = Fixture::generated(
        "\"id\": a.integer().default(),\n        \"title\"",
        "\"i$0d\": a.integer().default(),\n        \"title\"",
    );
    assert_eq!(
        hover(&key).1,
        "**field** `id` of `Post`\n\ncolumn `public.posts.id`: `integer`, not null\n\n\
         default `nextval('posts_id_seq'::regclass)`\n\nprimary key\n"
    );
    let fk = Fixture::generated("\"author_id\"", "\"author$0_id\"");
    assert!(
        hover(&fk)
            .1
            .ends_with("foreign key → `public.authors(id)`\n"),
        "{}",
        hover(&fk).1
    );
}

#[test]
fn hover_on_a_custom_operation_shows_handler_rules_and_graphql_signature() {
    let f = Fixture::resource("postsByAuthor: a", "postsBy$0Author: a");
    assert_eq!(
        hover(&f),
        (
            "postsByAuthor".to_owned(),
            "**custom query** `postsByAuthor`\n\nHandler: inlineSql\n\n\
             Authorization: allow.authenticated()\n\n\
             ```graphql\ntype Query {\n  postsByAuthor(authorId: Int!): PostSummary\n}\n```"
                .to_owned()
        )
    );
}

#[test]
fn hover_on_a_ref_shows_the_definition() {
    let f = Fixture::resource("a.ref('PostSummary')", "a.ref('Post$0Summary')");
    assert_eq!(
        hover(&f),
        (
            "PostSummary".to_owned(),
            "**custom type** `PostSummary`\n\n```graphql\ntype PostSummary {\n  id: Int\n  title: String\n}\n```"
                .to_owned()
        )
    );
}

#[test]
fn no_hover_on_other_code() {
    let f = Fixture::resource("defineData({", "define$0Data({");
    let (path, offset) = f.cursor();
    assert_eq!(features::hover(&f.analysis(), path, offset), None);
}

// ----- navigation -----

/// Locations as `file:text@start` (file name only), in order.
fn locations(f: &Fixture, found: &[features::Location]) -> Vec<String> {
    found
        .iter()
        .map(|l| {
            let name = l.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            format!("{name}:{}@{}", f.slice(&l.path, &l.range), l.range.start)
        })
        .collect()
}

fn definition(f: &Fixture) -> Vec<String> {
    let (path, offset) = f.cursor();
    locations(f, &features::definition(&f.analysis(), path, offset))
}

fn references(f: &Fixture, include_declaration: bool) -> Vec<String> {
    let (path, offset) = f.cursor();
    locations(
        f,
        &features::references(&f.analysis(), path, offset, include_declaration),
    )
}

#[test]
fn definition_goes_to_the_declaration_in_schema_sql_ts_or_resource_ts() {
    let at = |from: &str, to: &str| definition(&Fixture::resource(from, to));
    assert_eq!(
        at("models.Post.", "models.Po$0st."),
        ["schema.sql.ts:posts@782"]
    );
    assert_eq!(
        at("['posts', 'Post']", "['posts', 'Po$0st']"),
        ["schema.sql.ts:posts@782"]
    );
    assert_eq!(
        at("['posts', 'Post']", "['po$0sts', 'Post']"),
        ["schema.sql.ts:posts@782"]
    );
    assert_eq!(
        at("ownerDefinedIn('owner')", "ownerDefinedIn('$0owner')"),
        ["schema.sql.ts:owner@931"]
    );
    assert_eq!(
        at("a.ref('PostSummary')", "a.ref('PostSummary$0')"),
        ["resource.ts:PostSummary@739"]
    );
    assert_eq!(
        at(
            "models.authors.authorization",
            "models.Post.fields.ti$0tle.authorization((allow) => allow.authenticated()),\n    models.authors.authorization"
        ),
        ["schema.sql.ts:title@846"]
    );
    assert_eq!(at("defineData({", "define$0Data({"), Vec::<String>::new());
}

#[test]
fn references_of_a_model_span_renames_uses_and_sql() {
    let f = Fixture::resource("models.Post.", "models.Po$0st.");
    assert_eq!(
        references(&f, true),
        [
            "resource.ts:posts@199",
            "resource.ts:Post@208",
            "resource.ts:Post@266",
            "resource.ts:posts@697",
            "schema.sql.ts:posts@782",
        ]
    );
    assert_eq!(references(&f, false).len(), 4);
    // The same from the table's name inside the SQL.
    let from_sql = Fixture::resource("FROM posts WHERE", "FROM po$0sts WHERE");
    assert_eq!(references(&from_sql, true), references(&f, true));
}

#[test]
fn references_of_a_column_and_a_custom_type() {
    let column = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('$0owner')");
    assert_eq!(
        references(&column, true),
        ["resource.ts:owner@319", "schema.sql.ts:owner@931"]
    );
    // A column named in embedded SQL, when only one table of the statement has it.
    let in_sql = Fixture::generated("\"author_id\"", "\"author$0_id\"");
    assert_eq!(
        references(&in_sql, true),
        ["resource.ts:author_id@709", "schema.sql.ts:author_id@886"]
    );
    let custom = Fixture::resource("PostSummary: a.customType", "Post$0Summary: a.customType");
    assert_eq!(
        references(&custom, true),
        ["resource.ts:PostSummary@569", "resource.ts:PostSummary@739"]
    );
}

#[test]
fn answers_from_the_snapshot_cache_are_those_computed_afresh() {
    // One fixture, one cache, requests in an order that fills both occurrence lists (without and
    // with the names in SQL) before the others read them.
    let f = Fixture::resource("models.Post.", "models.Po$0st.");
    let (path, offset) = f.cursor();
    let fresh = Analysis {
        cache: None,
        ..f.analysis()
    };
    let cached = f.analysis();
    for _ in 0..2 {
        assert_eq!(
            features::references(&cached, path, offset, true),
            features::references(&fresh, path, offset, true)
        );
        assert_eq!(
            features::hover(&cached, path, offset),
            features::hover(&fresh, path, offset)
        );
        assert_eq!(
            features::definition(&cached, path, offset),
            features::definition(&fresh, path, offset)
        );
        let renamed = |a: &Analysis<'_>| features::rename(a, path, offset, "Article").ok();
        assert_eq!(renamed(&cached), renamed(&fresh));
    }
    assert_eq!(references(&f, true).len(), 5);
}

#[test]
fn document_symbols_outline_models_types_enums_and_operations() {
    let f = Fixture::blog(RESOURCE, GENERATED);
    let outline = |path: &str| -> Vec<String> {
        let mut out = Vec::new();
        for s in features::document_symbols(&f.analysis(), Path::new(path)) {
            out.push(format!(
                "{:?} {} ({})",
                s.kind,
                s.name,
                s.detail.unwrap_or_default()
            ));
            for c in s.children {
                out.push(format!(
                    "  {:?} {} ({})",
                    c.kind,
                    c.name,
                    c.detail.unwrap_or_default()
                ));
            }
        }
        out
    };
    assert_eq!(
        outline(RESOURCE_PATH),
        [
            "Operation postsByAuthor (query)",
            "Type PostSummary (custom type)",
            "  Field id (Int)",
            "  Field title (String)",
            "Enum Status (enum)",
        ]
    );
    assert_eq!(
        outline(GENERATED_PATH),
        [
            "Model authors (model)",
            "  Field id (Int)",
            "  Field name (String!)",
            "  Field email (String)",
            "Model comments (model)",
            "  Field id (ID!)",
            "  Field post_id (Int)",
            "  Field body (String)",
            "Model posts (model Post)",
            "  Field id (Int)",
            "  Field title (String!)",
            "  Field author_id (Int!)",
            "  Field owner (String)",
            "  Field editors ([String])",
            "  Field created_at (String)",
        ]
    );
    let symbols = features::document_symbols(&f.analysis(), Path::new(GENERATED_PATH));
    let posts = &symbols[2];
    assert!(
        f.slice(Path::new(GENERATED_PATH), &posts.range)
            .starts_with("\"posts\": a.model({")
    );
    assert_eq!(
        f.slice(Path::new(GENERATED_PATH), &posts.selection),
        "posts"
    );
}

// ----- rename -----

fn rename(f: &Fixture, new_name: &str) -> Result<Vec<(String, String)>, String> {
    let (path, offset) = f.cursor();
    features::rename(&f.analysis(), path, offset, new_name).map(|edits| f.apply(&edits))
}

#[test]
fn renaming_a_renamed_sql_model_edits_the_pair_and_every_use() {
    let f = Fixture::resource("models.Post.", "models.Po$0st.");
    let (path, offset) = f.cursor();
    assert_eq!(
        features::prepare_rename(&f.analysis(), path, offset).map(|r| f.slice(path, &r)),
        Ok("Post".to_owned())
    );
    let text = only_file(rename(&f, "Article").expect("rename"), RESOURCE_PATH);
    assert_eq!(
        text,
        RESOURCE
            .replace("['posts', 'Post']", "['posts', 'Article']")
            .replace("models.Post.", "models.Article.")
    );
}

#[test]
fn renaming_a_sql_model_adds_a_rename_pair_instead_of_editing_the_generated_file() {
    let f = Fixture::resource("models.authors.", "models.auth$0ors.");
    let text = only_file(rename(&f, "Writer").expect("rename"), RESOURCE_PATH);
    assert_eq!(
        text,
        RESOURCE
            .replace(
                "['posts', 'Post'],",
                "['posts', 'Post'], ['authors', 'Writer'],"
            )
            .replace("models.authors.", "models.Writer.")
    );
}

#[test]
fn renaming_a_sql_model_without_rename_models_adds_the_call() {
    let resource = RESOURCE
        .replace(
            "  .renameModels(() => [\n    ['posts', 'Post'],\n  ])\n",
            "",
        )
        .replace("models.Post.", "models.posts.");
    let f = Fixture::blog(
        &resource.replacen("models.posts.", "models.po$0sts.", 1),
        GENERATED,
    );
    let text = only_file(rename(&f, "Post").expect("rename"), RESOURCE_PATH);
    assert_eq!(
        text,
        resource
            .replace(
                "const schema = generatedSqlSchema\n",
                "const schema = generatedSqlSchema.renameModels(() => [['posts', 'Post']])\n"
            )
            .replace("models.posts.", "models.Post.")
    );
}

#[test]
fn renaming_custom_types_and_enums_edits_declaration_and_refs() {
    let f = Fixture::resource("a.ref('PostSummary')", "a.ref('PostSum$0mary')");
    assert_eq!(
        only_file(rename(&f, "Summary").expect("rename"), RESOURCE_PATH),
        RESOURCE
            .replace("a.ref('PostSummary')", "a.ref('Summary')")
            .replace("PostSummary: a.customType", "Summary: a.customType")
    );
    let e = Fixture::resource("Status: a.enum", "Sta$0tus: a.enum");
    assert_eq!(
        only_file(rename(&e, "PostStatus").expect("rename"), RESOURCE_PATH),
        RESOURCE.replace("Status: a.enum", "PostStatus: a.enum")
    );
}

#[test]
fn renaming_a_dynamodb_model_edits_its_key_refs_and_relationships() {
    let resource = "import { a } from '@aws-amplify/backend';\n\
        export const schema = a.schema({\n  \
          Blog: a.model({ title: a.string(), posts: a.hasMany('Entry', 'blogId') }).authorization((allow) => [allow.guest()]),\n  \
          En$0try: a.model({ blogId: a.id(), blog: a.belongsTo('Blog', 'blogId') }).authorization((allow) => [allow.guest()]),\n\
        });\n";
    let f = Fixture::new(&[(RESOURCE_PATH, resource)]);
    let text = only_file(rename(&f, "Post").expect("rename"), RESOURCE_PATH);
    assert_eq!(
        text,
        resource
            .replace("$0", "")
            .replace("'Entry'", "'Post'")
            .replace("Entry: a.model", "Post: a.model")
    );
}

#[test]
fn renames_that_cannot_be_are_refused_with_a_reason() {
    let column = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('ow$0ner')");
    let (path, offset) = column.cursor();
    let refused = "A column belongs to the database: rename it there, then regenerate schema.sql.ts (npx ampx generate schema-from-database)";
    assert_eq!(
        features::prepare_rename(&column.analysis(), path, offset),
        Err(refused.to_owned())
    );
    assert_eq!(rename(&column, "x"), Err(refused.to_owned()));
    let table_in_sql = Fixture::resource("FROM posts WHERE", "FROM po$0sts WHERE");
    assert_eq!(
        rename(&table_in_sql, "Article"),
        Err("A table belongs to the database: rename the model in resource.ts instead".to_owned())
    );
    let taken = Fixture::resource("models.Post.", "models.Po$0st.");
    assert_eq!(
        rename(&taken, "PostSummary"),
        Err("PostSummary is already defined in the schema".to_owned())
    );
    assert_eq!(
        rename(&taken, "not a name"),
        Err("\"not a name\" is not a valid GraphQL type name".to_owned())
    );
}

// ----- quick fixes -----

fn titles(f: &Fixture) -> Vec<String> {
    f.actions().into_iter().map(|a| a.title).collect()
}

#[test]
fn did_you_mean_fixes_unknown_models_fields_types_and_renames() {
    let model = Fixture::resource("models.Post.authorization", "models.Pots$0.authorization");
    assert_eq!(titles(&model), ["Change to 'Post'"]);
    assert_eq!(
        only_file(model.after_action("Change to 'Post'"), RESOURCE_PATH),
        RESOURCE
    );
    let renamed_away =
        Fixture::resource("models.Post.authorization", "models.posts$0.authorization");
    assert_eq!(titles(&renamed_away)[0], "Change to 'Post'");
    let field = Fixture::resource(
        "models.authors.authorization",
        "models.Post.fields.ownr$0.authorization((allow) => allow.authenticated()),\n    models.authors.authorization",
    );
    assert_eq!(
        only_file(field.after_action("Change to 'owner'"), RESOURCE_PATH),
        RESOURCE.replace(
            "models.authors.authorization",
            "models.Post.fields.owner.authorization((allow) => allow.authenticated()),\n    models.authors.authorization"
        )
    );
    let reference = Fixture::resource("a.ref('PostSummary')", "a.ref('PostSumary$0')");
    assert_eq!(
        only_file(
            reference.after_action("Change to 'PostSummary'"),
            RESOURCE_PATH
        ),
        RESOURCE
    );
    let rename = Fixture::resource("['posts', 'Post']", "['post$0', 'Post']");
    assert_eq!(
        only_file(rename.after_action("Change to 'posts'"), RESOURCE_PATH),
        RESOURCE
    );
}

#[test]
fn did_you_mean_fixes_unknown_columns_and_tables() {
    let owner = Fixture::resource("ownerDefinedIn('owner')", "ownerDefinedIn('ownr$0')");
    assert_eq!(
        only_file(owner.after_action("Change to 'owner'"), RESOURCE_PATH),
        RESOURCE
    );
    let key = Fixture::generated(
        "\"id\"\n    ]),\n    \"comments\"",
        "\"idd$0\"\n    ]),\n    \"comments\"",
    );
    assert_eq!(
        only_file(key.after_action("Change to 'id'"), GENERATED_PATH),
        GENERATED
    );
    let table = Fixture::generated("\"authors\": a.model", "\"author$0\": a.model");
    assert_eq!(
        only_file(table.after_action("Change to 'authors'"), GENERATED_PATH),
        GENERATED
    );
    let column = Fixture::generated("\"body\": a.string()", "\"bdy$0\": a.string()");
    assert_eq!(
        only_file(column.after_action("Change to 'body'"), GENERATED_PATH),
        GENERATED
    );
    let sql_table = Fixture::resource("FROM posts WHERE", "FROM postz$0 WHERE");
    assert_eq!(
        only_file(sql_table.after_action("Change to 'posts'"), RESOURCE_PATH),
        RESOURCE
    );
    let sql_column = Fixture::resource("SELECT id, title FROM", "SELECT id, titel$0 FROM");
    assert_eq!(
        only_file(sql_column.after_action("Change to 'title'"), RESOURCE_PATH),
        RESOURCE
    );
}

#[test]
fn did_you_mean_for_a_ref_offers_only_names_in_its_schema() {
    let resource = "import { a } from '@aws-amplify/backend';\n\
        const one = a.schema({ Note: a.model({ tag: a.ref('Tagg$0') }).authorization((allow) => [allow.guest()]), Tag: a.enum(['A']) });\n\
        const two = a.schema({ Tags: a.enum(['B']) });\n\
        export const schema = one;\n";
    let f = Fixture::new(&[(RESOURCE_PATH, resource)]);
    assert_eq!(titles(&f), ["Change to 'Tag'"]);
}

#[test]
fn no_did_you_mean_when_nothing_is_close() {
    let f = Fixture::resource(
        "models.Post.authorization",
        "models.Zzzzzzzz$0.authorization",
    );
    assert_eq!(titles(&f), Vec::<String>::new());
}

#[test]
fn a_sql_model_without_rules_gets_one_through_set_authorization() {
    let f = Fixture::generated("\"comments\": a.model", "\"comm$0ents\": a.model");
    let fixed = only_file(
        f.after_action("Allow signed-in users on comments: allow.authenticated()"),
        RESOURCE_PATH,
    );
    assert_eq!(
        fixed,
        RESOURCE.replace(
            "models.authors.authorization((allow) => allow.authenticated()),",
            "models.authors.authorization((allow) => allow.authenticated()), models.comments.authorization((allow) => [allow.authenticated()]),"
        )
    );
    assert!(
        titles(&f).contains(
            &"Allow anyone with the API key on comments: allow.publicApiKey()".to_owned()
        )
    );
}

#[test]
fn a_sql_model_without_rules_and_no_set_authorization_gets_the_call() {
    let resource = RESOURCE.replace(
        "  .setAuthorization((models) => [\n    models.Post.authorization((allow) => [allow.ownerDefinedIn('owner'), allow.authenticated().to(['read'])]),\n    models.authors.authorization((allow) => allow.authenticated()),\n  ])\n",
        "",
    );
    assert_ne!(resource, RESOURCE);
    let f = Fixture::blog(
        &resource,
        &GENERATED.replace("\"comments\": a.model", "\"comm$0ents\": a.model"),
    );
    assert_eq!(
        only_file(
            f.after_action("Allow signed-in users on comments: allow.authenticated()"),
            RESOURCE_PATH
        ),
        resource.replace(
            "  ])\n  .addToSchema",
            "  ]).setAuthorization((models) => [models.comments.authorization((allow) => [allow.authenticated()])])\n  .addToSchema"
        )
    );
}

#[test]
fn a_dynamodb_model_without_rules_gets_an_authorization_call() {
    let resource = "import { a } from '@aws-amplify/backend';\n\
        export const schema = a.schema({\n  To$0do: a.model({ title: a.string() }),\n});\n";
    let f = Fixture::new(&[(RESOURCE_PATH, resource)]);
    assert_eq!(
        only_file(
            f.after_action("Allow signed-in users on Todo: allow.authenticated()"),
            RESOURCE_PATH
        ),
        resource.replace("$0", "").replace(
            "a.model({ title: a.string() })",
            "a.model({ title: a.string() }).authorization((allow) => [allow.authenticated()])"
        )
    );
}

#[test]
fn relationships_from_foreign_keys_add_both_directions() {
    let f = Fixture::resource(
        "models.authors.authorization",
        "models.auth$0ors.authorization",
    );
    let title =
        "Add the relationship Post.authors ↔ authors.posts from foreign key posts_author_id_fkey";
    assert_eq!(titles(&f), [title]);
    assert_eq!(
        only_file(f.after_action(title), RESOURCE_PATH),
        RESOURCE.replace(
            "    ['posts', 'Post'],\n  ])\n",
            "    ['posts', 'Post'],\n  ]).setRelationships((models) => [models.Post.relationships({ authors: a.belongsTo('authors', 'author_id') }), models.authors.relationships({ posts: a.hasMany('Post', 'author_id') })])\n"
        )
    );
    // An existing setRelationships gets the entries appended, with its own parameter name.
    let resource = RESOURCE.replace(
        "  .addToSchema",
        "  .setRelationships((m) => [\n    m.comments.relationships({ post: a.belongsTo('Post', 'post_id') }),\n    m.Post.relationships({ comments: a.hasMany('comments', 'post_id') }),\n  ])\n  .addToSchema",
    );
    let f = Fixture::blog(
        &resource.replacen("models.authors.", "models.auth$0ors.", 1),
        GENERATED,
    );
    assert_eq!(
        only_file(f.after_action(title), RESOURCE_PATH),
        resource.replace(
            "m.Post.relationships({ comments: a.hasMany('comments', 'post_id') }),",
            "m.Post.relationships({ comments: a.hasMany('comments', 'post_id') }), m.Post.relationships({ authors: a.belongsTo('authors', 'author_id') }), m.authors.relationships({ posts: a.hasMany('Post', 'author_id') }),"
        )
    );
    // Once related, nothing more is offered for that key.
    let comments = Fixture::blog(
        &resource.replacen("m.comments.", "m.comm$0ents.", 1),
        GENERATED,
    );
    assert!(
        titles(&comments)
            .iter()
            .all(|t| !t.contains("comments_post_id_fkey")),
        "{:?}",
        titles(&comments)
    );
}

#[test]
fn a_row_returning_query_gets_array() {
    let f = Fixture::resource(
        ".returns(a.ref('PostSummary'))",
        ".retu$0rns(a.ref('PostSummary'))",
    );
    assert_eq!(
        only_file(f.after_action("Return a list: .array()"), RESOURCE_PATH),
        RESOURCE.replace("a.ref('PostSummary')", "a.ref('PostSummary').array()")
    );
}

#[test]
fn an_undeclared_placeholder_gets_a_typed_argument_or_a_did_you_mean() {
    let typo = Fixture::resource("author_id = :authorId", "author_id = :author$0");
    assert_eq!(
        titles(&typo),
        [
            "Change to ':authorId'",
            "Add argument author: a.integer() to postsByAuthor"
        ]
    );
    assert_eq!(
        only_file(typo.after_action("Change to ':authorId'"), RESOURCE_PATH),
        RESOURCE
    );
    let added = Fixture::resource(
        "author_id = :authorId'",
        "author_id = :authorId AND title = :title$0'",
    );
    assert_eq!(
        only_file(
            added.after_action("Add argument title: a.string() to postsByAuthor"),
            RESOURCE_PATH
        ),
        RESOURCE
            .replace(
                "author_id = :authorId'",
                "author_id = :authorId AND title = :title'"
            )
            .replace(
                "{ authorId: a.integer().required() }",
                "{ authorId: a.integer().required(), title: a.string() }"
            )
    );
    // Without `.arguments`, the call is added after `a.query()`.
    let none = Fixture::resource(
        "      .arguments({ authorId: a.integer().required() })\n",
        "",
    );
    let none = Fixture::blog(
        &none.text(RESOURCE_PATH).replace(":authorId", ":author$0Id"),
        GENERATED,
    );
    assert_eq!(
        only_file(
            none.after_action("Add argument authorId: a.integer() to postsByAuthor"),
            RESOURCE_PATH
        ),
        RESOURCE.replace(
            "      .query()\n      .arguments({ authorId: a.integer().required() })\n",
            "      .query().arguments({ authorId: a.integer() })\n"
        )
    );
}

#[test]
fn an_unused_argument_is_removed_with_its_comma() {
    let last = Fixture::resource(
        "{ authorId: a.integer().required() }",
        "{ authorId: a.integer().required(), ext$0ra: a.string() }",
    );
    assert_eq!(
        only_file(
            last.after_action("Remove the unused argument extra"),
            RESOURCE_PATH
        ),
        RESOURCE
    );
    let first = Fixture::resource(
        "{ authorId: a.integer().required() }",
        "{ ext$0ra: a.string(), authorId: a.integer().required() }",
    );
    assert_eq!(
        only_file(
            first.after_action("Remove the unused argument extra"),
            RESOURCE_PATH
        ),
        RESOURCE
    );
    // Arguments shared through a constant are left alone.
    let shared = RESOURCE
        .replace(
            "const schema = generatedSqlSchema",
            "const shared = { authorId: a.integer().required(), extra: a.string() };\n\nconst schema = generatedSqlSchema",
        )
        .replace("{ authorId: a.integer().required() }", "shared");
    let f = Fixture::blog(&shared.replacen("ext", "ext$0", 1), GENERATED);
    let diagnostics = check_project(&f.project, &f.model, f.catalog.as_ref());
    assert!(
        diagnostics.iter().any(|d| d.code == "sql-unused-argument"),
        "{diagnostics:#?}"
    );
    assert_eq!(titles(&f), Vec::<String>::new());
}

// ----- robustness -----

/// Every feature at many offsets of truncated and broken versions of the fixture: no panic.
#[test]
fn features_never_panic_on_broken_code() {
    let pieces = [
        "(", ")", "'", "`", ".", "models.", "allow.", "a.ref('", "é", "😀", "\n",
    ];
    let mut variants: Vec<String> = Vec::new();
    for cut in (0..RESOURCE.len()).step_by(59) {
        if RESOURCE.is_char_boundary(cut) {
            variants.push(RESOURCE[..cut].to_owned());
            for piece in pieces {
                let mut text = RESOURCE.to_owned();
                text.insert_str(cut, piece);
                variants.push(text);
            }
        }
    }
    for resource in &variants {
        let f = Fixture::blog(resource, GENERATED);
        let analysis = f.analysis();
        let path = Path::new(RESOURCE_PATH);
        let diagnostics = check_project(&f.project, &f.model, f.catalog.as_ref());
        let _ = features::document_symbols(&analysis, path);
        for offset in (0..=resource.len() + 1).step_by(71) {
            let _ = features::completions(&analysis, path, offset);
            let _ = features::hover(&analysis, path, offset);
            let _ = features::definition(&analysis, path, offset);
            let _ = features::references(&analysis, path, offset, true);
            let _ = features::prepare_rename(&analysis, path, offset);
            let _ = features::rename(&analysis, path, offset, "Renamed");
            let _ = features::code_actions(&analysis, path, offset..offset, &diagnostics);
        }
    }
}
