//! The model patched after an edit inside an `inlineSql` string is the model a whole evaluation
//! of the edited project gives: checked for every string literal of small projects and of the
//! large example, at its edges and inside, with edits that keep it a literal and edits that break
//! it (a quote, a `${`), and for the cases the patch must leave to a whole evaluation.

mod common;

use common::Files;
use schemals_syntax::eval::evaluate;
use schemals_syntax::model::FileId;
use schemals_syntax::patch::patch_sql_string_edit;
use schemals_syntax::{Node, parse_typescript};

const GENERATED: &str = r#"import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
  database: {
    identifier: "ID1",
    engine: "postgresql",
    connectionUri: secret("SQL_CONNECTION_STRING"),
  },
}).schema({
  "posts": a.model({
    id: a.integer().required(),
    title: a.string(),
    owner: a.string(),
  }).identifier(["id"]),
});
"#;

const RESOURCE: &str = r#"import { a, defineData, type ClientSchema } from "@aws-amplify/backend";
import { schema as generated } from "./schema.sql";
import { SHARED } from "./queries";

const helper = (table: string) => a.handler.inlineSql("SELECT * FROM " + table);
const twice = "SELECT 2";

const sqlSchema = generated
  .renameModels(() => [["posts", "Post"]])
  .setAuthorization((models) => [
    models.Post.authorization((allow) => [allow.ownerDefinedIn("owner")]),
  ])
  .addToSchema({
    listTitles: a
      .query()
      .arguments({ q: a.string() })
      .returns(a.string().array())
      .handler(a.handler.inlineSql(`SELECT title FROM posts WHERE title LIKE :q -- é
`))
      .authorization((allow) => [allow.authenticated()]),
    escaped: a.query().returns(a.integer())
      .handler(a.handler.inlineSql("SELECT \"id\" FROM posts\tWHERE id = 1"))
      .authorization((allow) => [allow.authenticated()]),
    single: a.query().returns(a.integer())
      .handler(a.handler.inlineSql('SELECT 1'))
      .authorization((allow) => [allow.authenticated()]),
    fromHelper: a.query().returns(a.string()).handler(helper("posts"))
      .authorization((allow) => [allow.authenticated()]),
    constOnce: a.query().returns(a.string()).handler(a.handler.inlineSql(twice))
      .authorization((allow) => [allow.authenticated()]),
    constAgain: a.query().returns(a.string()).handler(a.handler.inlineSql(twice))
      .authorization((allow) => [allow.authenticated()]),
    imported: a.query().returns(a.string()).handler(a.handler.inlineSql(SHARED))
      .authorization((allow) => [allow.authenticated()]),
    empty: a.query().returns(a.string()).handler(a.handler.inlineSql(""))
      .authorization((allow) => [allow.authenticated()]),
  });

export type Schema = ClientSchema<typeof sqlSchema>;
export const data = defineData({ schema: sqlSchema });
"#;

const QUERIES: &str = r#"export const SHARED = "SELECT title FROM posts";
"#;

fn project(texts: &[(&str, &str)]) -> Files {
    Files::new(texts)
}

fn roots(files: &Files) -> Vec<FileId> {
    (0..files.files.len() as u32).map(FileId).collect()
}

/// Every string and template literal of a tree.
fn literals(node: Node<'_>, out: &mut Vec<std::ops::Range<usize>>) {
    if matches!(node.kind(), "string" | "template_string") {
        out.push(node.byte_range());
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        literals(child, out);
    }
}

/// The outcome of one edit: whether the patch applied. Asserts that an applied patch gives the
/// model of a whole evaluation.
fn edit(texts: &[(&str, &str)], file: usize, at: usize, remove: usize, insert: &str) -> bool {
    let before = project(texts);
    let previous = evaluate(&before, &roots(&before));
    let old = texts[file].1;
    let mut new = String::with_capacity(old.len() + insert.len());
    new.push_str(&old[..at]);
    new.push_str(insert);
    new.push_str(&old[at + remove..]);
    let mut edited: Vec<(&str, &str)> = texts.to_vec();
    edited[file].1 = &new;
    let after = project(&edited);
    let whole = evaluate(&after, &roots(&after));
    let tree = parse_typescript(&new).expect("parses");
    match patch_sql_string_edit(&previous, FileId(file as u32), old, &new, &tree) {
        Some(patched) => {
            assert_eq!(
                format!("{patched:#?}"),
                format!("{whole:#?}"),
                "patched model differs after inserting {insert:?} at {at} (removing {remove}) in {}",
                texts[file].0
            );
            true
        }
        None => false,
    }
}

/// Edits at the edges and inside the literals of every file that `pick` takes (given the text
/// before the literal); returns how many were patched.
fn edit_literals(
    texts: &[(&str, &str)],
    step: usize,
    inserts: &[&str],
    pick: impl Fn(&str) -> bool,
) -> usize {
    let mut patched = 0;
    for (file, (_, text)) in texts.iter().enumerate() {
        let tree = parse_typescript(text).expect("parses");
        let mut found = Vec::new();
        literals(tree.root_node(), &mut found);
        for range in found.into_iter().filter(|r| pick(&text[..r.start])) {
            let inside = range.start + 1..range.end - 1;
            let mut points: Vec<usize> = inside.clone().step_by(step).collect();
            points.extend([inside.start, inside.end]);
            points.retain(|&p| text.is_char_boundary(p));
            for at in points {
                for insert in inserts {
                    patched += usize::from(edit(texts, file, at, 0, insert));
                }
                let next = text[at..].chars().next().map_or(0, char::len_utf8);
                if at + next <= inside.end {
                    patched += usize::from(edit(texts, file, at, next, ""));
                    patched += usize::from(edit(texts, file, at, next, "yz"));
                }
            }
        }
    }
    patched
}

fn small_project() -> [(&'static str, &'static str); 3] {
    [
        ("/p/amplify/data/resource.ts", RESOURCE),
        ("/p/amplify/data/schema.sql.ts", GENERATED),
        ("/p/amplify/data/queries.ts", QUERIES),
    ]
}

#[test]
fn every_patched_edit_of_a_small_project_matches_a_whole_evaluation() {
    let inserts = ["x", "é", "\\n", "\"", "'", "`", "${1}", " -- ", "\\"];
    let patched = edit_literals(&small_project(), 4, &inserts, |_| true);
    assert!(patched > 100, "only {patched} edits took the patch");
}

#[test]
fn every_patched_edit_of_the_large_example_matches_a_whole_evaluation() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/large-sql/amplify/data");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("example file");
    let resource = read("resource.ts");
    let generated = read("schema.sql.ts");
    let texts = [
        ("/p/amplify/data/resource.ts", resource.as_str()),
        ("/p/amplify/data/schema.sql.ts", generated.as_str()),
    ];
    // The SQL strings of resource.ts (a whole evaluation of the example per edit is slow).
    let inserts = ["x", "\\t", "'"];
    let patched = edit_literals(&texts, 61, &inserts, |before| {
        before.trim_end().ends_with("inlineSql(")
    });
    assert!(patched > 50, "only {patched} edits took the patch");
}

/// The offset just after the first occurrence of `marker` in the resource file.
fn after(marker: &str) -> usize {
    RESOURCE.find(marker).expect("marker") + marker.len()
}

#[test]
fn an_edit_inside_an_inline_sql_literal_is_patched() {
    let texts = small_project();
    assert!(edit(&texts, 0, after("inlineSql(`SELECT"), 0, " DISTINCT"));
    assert!(edit(&texts, 0, after("inlineSql('SELECT 1"), 0, "0"));
    assert!(edit(&texts, 0, after("inlineSql(\"\")") - 2, 0, "SELECT 1"));
    assert!(edit(
        &texts,
        0,
        after("inlineSql(\"SELECT \\\""),
        2,
        "\\u0041"
    ));
}

#[test]
fn edits_the_patch_leaves_to_a_whole_evaluation() {
    let texts = small_project();
    // A string read by two handlers, a string joined to another, a model name, an argument
    // name, a literal closed early, a substitution.
    assert!(!edit(&texts, 0, after("const twice = \"SELECT"), 0, " 3"));
    assert!(!edit(&texts, 0, after("inlineSql(\"SELECT *"), 0, ","));
    assert!(!edit(&texts, 0, after("[[\"posts"), 0, "s"));
    assert!(!edit(&texts, 0, after("ownerDefinedIn(\"own"), 0, "e"));
    assert!(!edit(&texts, 0, after("inlineSql('SELECT"), 0, "'"));
    assert!(!edit(&texts, 0, after("inlineSql(`SELECT"), 0, "${1}"));
    assert!(!edit(
        &texts,
        2,
        "export const SHARED = \"SELECT".len(),
        0,
        " 1"
    ));
    // Not an SQL string at all: the edit is outside any literal.
    assert!(!edit(&texts, 0, after("const helper"), 0, "s"));
}

/// A model's fields are shared between its copies: an SQL edit in `resource.ts` moves no span of
/// the generated file, so the patched model keeps its models' fields, while a model written after
/// the edit in the same file gets moved fields of its own and the model before the edit keeps its
/// spans.
#[test]
fn a_patched_edit_copies_only_the_fields_it_moves() {
    const SAME_FILE: &str = r#"import { a } from "@aws-amplify/backend";
export const schema = a.schema({
  Note: a.model({ body: a.string() }),
  q: a.query().returns(a.string()).handler(a.handler.inlineSql("SELECT 1")),
  Post: a.model({ title: a.string() }),
});
"#;
    let patched = |texts: &[(&str, &str)], at: usize| {
        let files = project(texts);
        let previous = evaluate(&files, &roots(&files));
        let before = format!("{previous:#?}");
        let old = texts[0].1;
        let new = format!("{}0{}", &old[..at], &old[at..]);
        let tree = parse_typescript(&new).expect("parses");
        let patched =
            patch_sql_string_edit(&previous, FileId(0), old, &new, &tree).expect("patched");
        assert_eq!(
            format!("{previous:#?}"),
            before,
            "the previous model changed"
        );
        assert!(!previous.models.is_empty());
        previous
            .models
            .iter()
            .zip(&patched.models)
            .map(|(was, now)| std::sync::Arc::ptr_eq(&was.fields, &now.fields))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        patched(&small_project(), after("inlineSql('SELECT 1")),
        vec![true]
    );
    let same_file = [("amplify/data/resource.ts", SAME_FILE)];
    let at = SAME_FILE.find("SELECT 1").expect("sql") + "SELECT 1".len();
    assert!(edit(&same_file, 0, at, 0, "0"));
    assert_eq!(patched(&same_file, at), vec![true, false]);
}
