//! Editor features inside embedded SQL, as fixtures: a project in memory, `$0` for the cursor, and
//! the exact answer a user sees (completion labels in order, hover text, definition targets,
//! semantic tokens). Both dialects, cursors in single-quoted, double-quoted and multi-line template
//! strings with non-ASCII text before the SQL, and in `.sql` files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use schemals_catalog::Catalog;
use schemals_ide::features::{self, Analysis, CompletionKind, TokenKind};
use schemals_ide::{IndexedCatalog, Project, ProjectFile, check_project};
use schemals_syntax::model::SchemaModel;

const PG_CATALOG: &str = r#"{
  "format": 1, "engine": "postgresql", "database": "app", "search_path": ["public"],
  "tables": [
    {"schema": "audit", "name": "event_log", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "bigint", "udt_name": "int8", "nullable": false},
       {"name": "event_id", "ordinal": 2, "data_type": "integer", "udt_name": "int4", "nullable": true}],
     "foreign_keys": [{"name": "event_log_event_id_fkey", "columns": ["event_id"],
       "referenced_schema": "public", "referenced_table": "events", "referenced_columns": ["id"]}]},
    {"schema": "public", "name": "events", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "integer", "udt_name": "int4", "nullable": false,
        "default": "nextval('events_id_seq'::regclass)"},
       {"name": "name", "ordinal": 2, "data_type": "character varying(100)", "udt_name": "varchar", "nullable": true},
       {"name": "geom", "ordinal": 3, "data_type": "geometry(Point,4326)", "udt_name": "geometry", "nullable": true, "type_schema": "public"},
       {"name": "venue_id", "ordinal": 4, "data_type": "integer", "udt_name": "int4", "nullable": true}],
     "foreign_keys": [{"name": "events_venue_id_fkey", "columns": ["venue_id"],
       "referenced_schema": "public", "referenced_table": "venues", "referenced_columns": ["id"]}]},
    {"schema": "public", "name": "notes", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "uuid", "udt_name": "uuid", "nullable": false},
       {"name": "content", "ordinal": 2, "data_type": "text", "udt_name": "text", "nullable": true},
       {"name": "owner", "ordinal": 3, "data_type": "text", "udt_name": "text", "nullable": true}]},
    {"schema": "public", "name": "tags", "kind": "table", "primary_key": ["id"],
     "columns": [{"name": "id", "ordinal": 1, "data_type": "integer", "udt_name": "int4", "nullable": false}]},
    {"schema": "public", "name": "venue_names", "kind": "view",
     "columns": [{"name": "name", "ordinal": 1, "data_type": "text", "udt_name": "text", "nullable": true}]},
    {"schema": "public", "name": "venues", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "integer", "udt_name": "int4", "nullable": false},
       {"name": "name", "ordinal": 2, "data_type": "text", "udt_name": "text", "nullable": false}]}
  ],
  "functions": [
    {"schema": "pg_catalog", "name": "length", "kind": "function", "arguments": "text", "result": "integer"},
    {"schema": "public", "name": "st_makepoint", "kind": "function", "arguments": "double precision, double precision", "result": "geometry"},
    {"schema": "public", "name": "st_x", "kind": "function", "arguments": "geometry", "result": "double precision"},
    {"schema": "public", "name": "st_y", "kind": "function", "arguments": "geometry", "result": "double precision"}
  ]
}"#;

const PG_GENERATED: &str = r#"import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
    database: {
        identifier: "ID1",
        engine: "postgresql",
        connectionUri: secret("SQL_CONNECTION_STRING")
    }
}).schema({
    "events": a.model({
        "id": a.integer().default(),
        "name": a.string(),
        "geom": a.string(),
        "venue_id": a.integer()
    }).identifier([
        "id"
    ]),
    "notes": a.model({
        "id": a.id().required(),
        "content": a.string(),
        "owner": a.string()
    }).identifier([
        "id"
    ])
});
"#;

const MY_CATALOG: &str = r#"{
  "format": 1, "engine": "mysql", "database": "shop", "search_path": ["shop"],
  "tables": [
    {"schema": "shop", "name": "customers", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "int(11)", "udt_name": "int", "nullable": false},
       {"name": "email", "ordinal": 2, "data_type": "varchar(255)", "udt_name": "varchar", "nullable": false},
       {"name": "name", "ordinal": 3, "data_type": "varchar(255)", "udt_name": "varchar", "nullable": true}]},
    {"schema": "shop", "name": "orders", "kind": "table", "primary_key": ["id"],
     "columns": [
       {"name": "id", "ordinal": 1, "data_type": "int(11)", "udt_name": "int", "nullable": false},
       {"name": "customer_id", "ordinal": 2, "data_type": "int(11)", "udt_name": "int", "nullable": false},
       {"name": "total", "ordinal": 3, "data_type": "decimal(10,2)", "udt_name": "decimal", "nullable": false}],
     "foreign_keys": [{"name": "orders_customer", "columns": ["customer_id"],
       "referenced_schema": "shop", "referenced_table": "customers", "referenced_columns": ["id"]}]}
  ],
  "functions": [
    {"schema": "shop", "name": "order_total", "kind": "function", "arguments": "order_id int", "result": "decimal(10,2)"}
  ]
}"#;

const MY_GENERATED: &str = r#"import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
    database: {
        identifier: "ID2",
        engine: "mysql",
        connectionUri: secret("SQL_CONNECTION_STRING")
    }
}).schema({
    "customers": a.model({
        "id": a.integer().required(),
        "email": a.string().required(),
        "name": a.string()
    }).identifier([
        "id"
    ]),
    "orders": a.model({
        "id": a.integer().required(),
        "customer_id": a.integer().required(),
        "total": a.float().required()
    }).identifier([
        "id"
    ])
});
"#;

/// A resource.ts around one operation whose handler is `handler`.
fn resource(arguments: &str, handler: &str) -> String {
    format!(
        "import {{ a, defineData }} from '@aws-amplify/backend';\n\
         import {{ schema as generated }} from './schema.sql';\n\
         \n\
         const schema = generated\n  .authorization((allow) => [allow.authenticated()])\n  .addToSchema({{\n\
         \x20   // Événements — 東京\n\
         \x20   run: a\n      .query()\n      .arguments({{ {arguments} }})\n      .returns(a.json())\n      .handler({handler}),\n  }});\n\
         \n\
         export const data = defineData({{ schema }});\n"
    )
}

struct Fixture {
    project: Project,
    model: SchemaModel,
    catalog: IndexedCatalog,
    path: PathBuf,
    offset: usize,
}

impl Fixture {
    /// Files as (path under `/p/amplify/data/`, text); exactly one holds `$0`.
    fn new(files: &[(&str, String)], catalog: &str) -> Fixture {
        let mut cursor = None;
        let mut texts = Vec::new();
        for (name, text) in files {
            let path = PathBuf::from("/p/amplify/data").join(name);
            let text = match text.find("$0") {
                Some(offset) => {
                    cursor = Some((path.clone(), offset));
                    text.replacen("$0", "", 1)
                }
                None => text.clone(),
            };
            texts.push((path, text));
        }
        let mut project = Project::new(PathBuf::from("/p"));
        for (path, text) in &texts {
            if path.extension().is_some_and(|e| e == "ts") {
                project.add(ProjectFile::typescript(
                    path.clone(),
                    Arc::from(text.as_str()),
                    None,
                ));
            }
        }
        let model = project.evaluate();
        project.load_sql_references(&model, |path| {
            texts
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, t)| t.clone())
        });
        let (path, offset) = cursor.expect("a $0 cursor");
        Fixture {
            project,
            model,
            catalog: IndexedCatalog::new(Catalog::from_json(catalog).expect("catalog")),
            path,
            offset,
        }
    }

    fn pg(arguments: &str, handler: &str) -> Fixture {
        Fixture::new(
            &[
                ("resource.ts", resource(arguments, handler)),
                ("schema.sql.ts", PG_GENERATED.to_owned()),
            ],
            PG_CATALOG,
        )
    }

    fn my(arguments: &str, handler: &str) -> Fixture {
        Fixture::new(
            &[
                ("resource.ts", resource(arguments, handler)),
                ("schema.sql.ts", MY_GENERATED.to_owned()),
            ],
            MY_CATALOG,
        )
    }

    fn analysis(&self) -> Analysis<'_> {
        Analysis {
            project: &self.project,
            model: &self.model,
            catalog: Some(&self.catalog),
            cache: None,
        }
    }

    fn text(&self, path: &Path) -> String {
        self.project
            .find(path)
            .map(|f| f.text.to_string())
            .expect("file of the fixture")
    }

    /// Completion labels in the order an editor shows them (by sort key, then label).
    fn completions(&self) -> Vec<String> {
        let mut items = features::completions(&self.analysis(), &self.path, self.offset);
        items.sort_by(|a, b| (&a.sort_key, &a.label).cmp(&(&b.sort_key, &b.label)));
        let text = self.text(&self.path);
        for item in &items {
            // Every item replaces exactly the word typed before the cursor.
            let replaced = &text[item.replace.clone()];
            assert!(
                item.replace.start <= self.offset && self.offset <= item.replace.end,
                "{item:?} does not cover the cursor"
            );
            assert!(
                replaced
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$'),
                "{item:?} replaces {replaced:?}"
            );
        }
        items.into_iter().map(|i| i.label).collect()
    }

    fn completion_kinds(&self) -> Vec<(String, CompletionKind)> {
        let mut items = features::completions(&self.analysis(), &self.path, self.offset);
        items.sort_by(|a, b| (&a.sort_key, &a.label).cmp(&(&b.sort_key, &b.label)));
        items.into_iter().map(|i| (i.label, i.kind)).collect()
    }

    /// The hovered text and the markdown.
    fn hover(&self) -> Option<(String, String)> {
        let hover = features::hover(&self.analysis(), &self.path, self.offset)?;
        let text = self.text(&self.path);
        Some((text[hover.range].to_owned(), hover.markdown))
    }

    /// Definition targets as `file:text at the range`.
    fn definition(&self) -> Vec<String> {
        features::definition(&self.analysis(), &self.path, self.offset)
            .into_iter()
            .map(|l| {
                let name = l
                    .path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                let text = self.text(&l.path);
                format!("{name}:{}", &text[l.range])
            })
            .collect()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

// ----- completion -----

#[test]
fn tables_after_from_rank_models_then_their_foreign_key_neighbours() {
    // A template literal over several indented lines.
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(`\n        SELECT *\n        FROM $0\n      `)",
    );
    assert_eq!(
        f.completions(),
        strings(&[
            "events",
            "notes",
            "audit.event_log",
            "venues",
            "tags",
            "venue_names"
        ])
    );
    let kinds = f.completion_kinds();
    assert!(kinds.contains(&("venue_names".to_owned(), CompletionKind::View)));
}

#[test]
fn tables_filter_by_the_typed_prefix() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT * FROM ve$0')");
    assert_eq!(f.completions(), strings(&["venues", "venue_names"]));
}

#[test]
fn alias_dot_completes_that_tables_columns_only() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql('SELECT n.$0 FROM notes n JOIN events e ON true')",
    );
    assert_eq!(f.completions(), strings(&["content", "id", "owner"]));
}

#[test]
fn columns_in_scope_through_aliases_qualified_when_shared() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(\"SELECT $0 FROM events e JOIN venues v ON v.id = e.venue_id\")",
    );
    let labels = f.completions();
    assert_eq!(
        labels[..5],
        strings(&["e.id", "e.name", "geom", "v.id", "v.name"])[..]
    );
    assert!(labels.contains(&"venue_id".to_owned()));
    assert!(labels.contains(&"FROM".to_owned()));
}

#[test]
fn columns_of_a_cte() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(`WITH recent AS (SELECT id, name AS title FROM events)\n  SELECT r.$0 FROM recent r`)",
    );
    assert_eq!(f.completions(), strings(&["id", "title"]));
}

#[test]
fn join_condition_from_the_foreign_key() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql('SELECT * FROM events e JOIN venues v ON $0')",
    );
    let kinds = f.completion_kinds();
    assert_eq!(
        kinds[0],
        ("e.venue_id = v.id".to_owned(), CompletionKind::Snippet)
    );
}

#[test]
fn placeholder_names_after_colon() {
    let f = Fixture::pg(
        "owner: a.string().required(), limit: a.integer()",
        "a.handler.inlineSql('SELECT * FROM notes WHERE owner = :$0')",
    );
    assert_eq!(f.completions(), strings(&["limit", "owner"]));
    let f = Fixture::pg(
        "owner: a.string().required(), limit: a.integer()",
        "a.handler.inlineSql('SELECT * FROM notes WHERE owner = :ow$0')",
    );
    assert_eq!(f.completions(), strings(&["owner"]));
}

#[test]
fn postgis_functions_with_signatures() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT ST_$0 FROM events')");
    let items = features::completions(&f.analysis(), &f.path, f.offset);
    let mut functions: Vec<(String, Option<String>)> = items
        .into_iter()
        .filter(|i| i.kind == CompletionKind::Function)
        .map(|i| (i.label, i.detail))
        .collect();
    functions.sort();
    assert_eq!(
        functions,
        vec![
            (
                "st_makepoint".to_owned(),
                Some("st_makepoint(double precision, double precision) → geometry".to_owned())
            ),
            (
                "st_x".to_owned(),
                Some("st_x(geometry) → double precision".to_owned())
            ),
            (
                "st_y".to_owned(),
                Some("st_y(geometry) → double precision".to_owned())
            ),
        ]
    );
}

#[test]
fn keywords_by_clause() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT * FROM notes n $0')");
    assert_eq!(
        f.completions(),
        strings(&[
            "AS",
            "CROSS JOIN",
            "GROUP BY",
            "INNER JOIN",
            "JOIN",
            "LEFT JOIN",
            "LIMIT",
            "ON",
            "ORDER BY",
            "RETURNING",
            "SET",
            "VALUES",
            "WHERE"
        ])
    );
    let f = Fixture::pg("", "a.handler.inlineSql('$0')");
    assert_eq!(
        f.completions(),
        strings(&[
            "CALL",
            "DELETE FROM",
            "INSERT INTO",
            "SELECT",
            "UPDATE",
            "WITH"
        ])
    );
}

#[test]
fn nothing_inside_sql_strings_and_comments() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(\"SELECT * FROM notes WHERE owner = 'ev$0' \")",
    );
    assert_eq!(f.completions(), Vec::<String>::new());
}

#[test]
fn mysql_join_condition_and_columns() {
    let f = Fixture::my(
        "",
        "a.handler.inlineSql(\"SELECT * FROM orders o JOIN customers c ON $0\")",
    );
    assert_eq!(f.completions()[0], "o.customer_id = c.id");
    let f = Fixture::my("", "a.handler.inlineSql('SELECT c.$0 FROM customers AS c')");
    assert_eq!(f.completions(), strings(&["email", "id", "name"]));
    let f = Fixture::my("", "a.handler.inlineSql('SELECT order_$0 FROM orders')");
    assert_eq!(f.completions(), strings(&["order_total"]));
}

#[test]
fn completion_in_a_sql_file() {
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource(
                    "email: a.string()",
                    "a.handler.sqlReference('./sql/byEmail.sql')",
                ),
            ),
            ("schema.sql.ts", MY_GENERATED.to_owned()),
            (
                "sql/byEmail.sql",
                "-- Ünïcödé\nSELECT c.$0\nFROM customers c\nWHERE email = :email;\n".to_owned(),
            ),
        ],
        MY_CATALOG,
    );
    assert_eq!(f.completions(), strings(&["email", "id", "name"]));
}

// ----- hover -----

#[test]
fn hover_on_a_table_names_its_model_and_columns() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT * FROM no$0tes')");
    let (text, markdown) = f.hover().expect("hover");
    assert_eq!(text, "notes");
    assert_eq!(
        markdown,
        "```sql\ntable public.notes\n```\nBacks model `notes`\n\n- `id` uuid not null, primary key\n- `content` text\n- `owner` text\n"
    );
}

#[test]
fn hover_on_a_column_shows_type_default_key_and_foreign_key() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(`SELECT e.venue_$0id FROM events e`)",
    );
    let (text, markdown) = f.hover().expect("hover");
    assert_eq!(text, "venue_id");
    assert_eq!(
        markdown,
        "```sql\npublic.events.venue_id integer\n```\nnullable, references `public.venues(id)`"
    );
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT i$0d FROM events')");
    assert_eq!(
        f.hover().expect("hover").1,
        "```sql\npublic.events.id integer\n```\nnot null, default `nextval('events_id_seq'::regclass)`, primary key"
    );
}

#[test]
fn signature_help_names_the_function_and_the_argument_under_the_cursor() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT ST_X($0 FROM events')");
    let help = features::signature_help(&f.analysis(), &f.path, f.offset).expect("signature help");
    let labels: Vec<&str> = help.signatures.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["public.st_x(geometry) → double precision"]);
    let signature = &help.signatures[0];
    assert_eq!(
        &signature.label[signature.parameters[0].clone()],
        "geometry"
    );
    assert_eq!(help.active_parameter, 0);
    // The second argument of a call, inside another expression; half-typed text.
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT coalesce(ST_X(geom), $0')");
    assert_eq!(
        features::signature_help(&f.analysis(), &f.path, f.offset),
        None
    );
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT ST_X(geom, $0')");
    let help = features::signature_help(&f.analysis(), &f.path, f.offset).expect("signature help");
    assert_eq!(help.active_parameter, 1);
    // Outside any call: nothing.
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT $0name FROM events')");
    assert_eq!(
        features::signature_help(&f.analysis(), &f.path, f.offset),
        None
    );
}

#[test]
fn hover_on_a_function_and_an_argument() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT ST_$0X(geom) FROM events')");
    assert_eq!(
        f.hover().expect("hover"),
        (
            "ST_X".to_owned(),
            "```sql\npublic.st_x(geometry) RETURNS double precision\n```".to_owned()
        )
    );
    let f = Fixture::pg(
        "owner: a.string().required()",
        "a.handler.inlineSql('SELECT * FROM notes WHERE owner = :own$0er')",
    );
    assert_eq!(
        f.hover().expect("hover"),
        (
            ":owner".to_owned(),
            "```graphql\nowner: String!\n```\nArgument of `run`, bound by Amplify to `:owner`"
                .to_owned()
        )
    );
}

#[test]
fn hover_in_mysql_sql_file() {
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource("", "a.handler.sqlReference('./orders.sql')"),
            ),
            ("schema.sql.ts", MY_GENERATED.to_owned()),
            ("orders.sql", "SELECT o.tot$0al FROM orders o".to_owned()),
        ],
        MY_CATALOG,
    );
    assert_eq!(
        f.hover().expect("hover").1,
        "```sql\nshop.orders.total decimal(10,2)\n```\nnot null"
    );
}

// ----- definition -----

#[test]
fn definition_of_tables_and_columns_goes_to_the_generated_schema() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT n.own$0er FROM notes n')");
    assert_eq!(f.definition(), strings(&["schema.sql.ts:owner"]));
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT * FROM eve$0nts')");
    assert_eq!(f.definition(), strings(&["schema.sql.ts:events"]));
    let f = Fixture::pg(
        "id: a.id()",
        "a.handler.inlineSql('SELECT * FROM notes WHERE id = :i$0d')",
    );
    assert_eq!(f.definition(), strings(&["resource.ts:id"]));
}

#[test]
fn definition_of_a_sql_reference_is_the_file() {
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource("", "a.handler.sqlReference('./sql/n$0otes.sql')"),
            ),
            ("schema.sql.ts", PG_GENERATED.to_owned()),
            ("sql/notes.sql", "SELECT * FROM notes".to_owned()),
        ],
        PG_CATALOG,
    );
    let locations = features::definition(&f.analysis(), &f.path, f.offset);
    assert_eq!(locations.len(), 1);
    assert_eq!(
        locations[0].path,
        PathBuf::from("/p/amplify/data/sql/notes.sql")
    );
    assert_eq!(locations[0].range, 0..0);
}

// ----- semantic tokens and in_sql -----

#[test]
fn semantic_tokens_of_inline_sql() {
    let f = Fixture::pg(
        "owner: a.string()",
        "a.handler.inlineSql(`SELECT ST_X(geom), 'x' -- c\n  FROM events WHERE owner = :owner$0`)",
    );
    let text = f.text(&f.path);
    let tokens: Vec<(String, TokenKind)> = features::semantic_tokens(&f.analysis(), &f.path)
        .into_iter()
        .map(|t| (text[t.range].to_owned(), t.kind))
        .collect();
    let expected = [
        ("SELECT", TokenKind::Keyword),
        ("ST_X", TokenKind::Function),
        ("geom", TokenKind::Column),
        ("'x'", TokenKind::String),
        ("-- c", TokenKind::Comment),
        ("FROM", TokenKind::Keyword),
        ("events", TokenKind::Table),
        ("WHERE", TokenKind::Keyword),
        ("owner", TokenKind::Column),
        ("=", TokenKind::Operator),
        (":owner", TokenKind::Parameter),
    ];
    assert_eq!(
        tokens,
        expected
            .iter()
            .map(|(t, k)| ((*t).to_owned(), *k))
            .collect::<Vec<_>>()
    );
}

#[test]
fn in_sql_only_inside_the_string() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT 1'$0)");
    assert!(!features::in_sql(&f.analysis(), &f.path, f.offset));
    assert!(features::in_sql(&f.analysis(), &f.path, f.offset - 2));
    assert!(!features::in_sql(&f.analysis(), &f.path, 10));
}

// ----- checks that need a position-exact view of the SQL -----

#[test]
fn double_quotes_in_inline_sql_are_vtl_unsafe() {
    let f = Fixture::pg("", "a.handler.inlineSql('SELECT \"content\" FROM notes$0')");
    let text = f.text(&f.path);
    let found: Vec<(String, &str)> = check_project(&f.project, &f.model, Some(&f.catalog))
        .into_iter()
        .filter(|d| d.code == "sql-vtl-unsafe-character")
        .map(|d| (text[d.range].to_owned(), d.code))
        .collect();
    assert_eq!(
        found,
        vec![
            ("\"".to_owned(), "sql-vtl-unsafe-character"),
            ("\"".to_owned(), "sql-vtl-unsafe-character")
        ]
    );
}

// ----- robustness -----

#[test]
fn every_offset_of_broken_sql_answers_without_panic() {
    let handlers = [
        "a.handler.inlineSql(`SELECT e., n.* FROM events e JOIN notes n ON WHERE :x 'open`)",
        "a.handler.inlineSql('WITH r AS (SELECT FROM) SELECT r. FROM r, , JOIN ON ::')",
        "a.handler.inlineSql(\"SELECT \\\"é\\\" FROM \\n notes -- ünï\\n WHERE $$ :a\")",
        "a.handler.inlineSql('SELECT ' + 'n.' + ` FROM notes n`)",
        "a.handler.inlineSql(`SELECT ${x} FROM events`)",
    ];
    for handler in handlers {
        let f = Fixture::pg("x: a.string()", &format!("{handler}$0"));
        let text = f.text(&f.path);
        let analysis = f.analysis();
        for offset in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let _ = features::completions(&analysis, &f.path, offset);
            let _ = features::hover(&analysis, &f.path, offset);
            let _ = features::definition(&analysis, &f.path, offset);
        }
        let _ = features::semantic_tokens(&analysis, &f.path);
        let _ = check_project(&f.project, &f.model, Some(&f.catalog));
    }
}

#[test]
fn completion_on_a_thousand_tables_stays_fast() {
    let mut catalog = Catalog::from_json(PG_CATALOG).expect("catalog");
    let template = catalog
        .tables
        .iter()
        .find(|t| t.name == "tags")
        .cloned()
        .expect("tags");
    for i in 0..1000 {
        let mut table = template.clone();
        table.name = format!("table_{i:04}");
        catalog.tables.push(table);
    }
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource("", "a.handler.inlineSql(`SELECT * FROM table_099$0`)"),
            ),
            ("schema.sql.ts", PG_GENERATED.to_owned()),
        ],
        &catalog.to_json(),
    );
    let started = std::time::Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        assert_eq!(f.completions().len(), 10);
    }
    let per_request = started.elapsed() / rounds;
    // A debug build; the release benchmark is elsewhere. This guards against a scan per keystroke.
    assert!(
        per_request < std::time::Duration::from_millis(50),
        "{per_request:?} per completion"
    );
    // No prefix yet: every table is the answer, ranked.
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource("", "a.handler.inlineSql(`SELECT * FROM $0`)"),
            ),
            ("schema.sql.ts", PG_GENERATED.to_owned()),
        ],
        &catalog.to_json(),
    );
    let started = std::time::Instant::now();
    let labels = f.completions();
    let elapsed = started.elapsed();
    assert_eq!(labels.len(), 1006);
    assert_eq!(labels[..2], strings(&["events", "notes"])[..]);
    assert!(
        elapsed < std::time::Duration::from_millis(200),
        "{elapsed:?} for every table"
    );
}

// ----- format -----

/// The file after the "Format SQL" action at the cursor, or `None` when it is not offered.
fn formatted(f: &Fixture) -> Option<String> {
    let actions = features::code_actions(&f.analysis(), &f.path, f.offset..f.offset, &[]);
    let action = actions.into_iter().find(|a| a.title == "Format SQL")?;
    let mut text = f.text(&f.path);
    for edit in action.edits.iter().rev() {
        assert_eq!(edit.path, f.path);
        text.replace_range(edit.range.clone(), &edit.new_text);
    }
    Some(text)
}

#[test]
fn format_sql_keeps_the_template_literals_indentation() {
    let f = Fixture::pg(
        "owner: a.string()",
        "a.handler.inlineSql(`\n        select id,content from notes$0 where owner=:owner::text\n      `)",
    );
    let text = formatted(&f).expect("Format SQL is offered");
    assert!(
        text.contains(
            "a.handler.inlineSql(`\n        SELECT\n          id,\n          content\n        FROM\n          notes\n        WHERE\n          owner = :owner::TEXT\n      `)"
        ),
        "{text}"
    );
}

#[test]
fn format_sql_keeps_a_quoted_string_on_one_line() {
    let f = Fixture::my(
        "",
        "a.handler.inlineSql(\"select  id , email from customers$0 where name like 'a%'\")",
    );
    let text = formatted(&f).expect("Format SQL is offered");
    assert!(
        text.contains(
            "a.handler.inlineSql(\"SELECT id, email FROM customers WHERE name LIKE 'a%'\")"
        ),
        "{text}"
    );
    // A literal with escapes does not map byte for byte: not offered.
    let f = Fixture::my(
        "",
        "a.handler.inlineSql('select id from customers$0 where name = \\'x\\'')",
    );
    assert_eq!(formatted(&f), None);
}

#[test]
fn format_sql_is_not_offered_where_it_would_lose_comments() {
    let f = Fixture::pg(
        "",
        "a.handler.inlineSql(`select id -- the key\n  from notes$0`)",
    );
    assert_eq!(formatted(&f), None);
}

#[test]
fn format_sql_file() {
    let f = Fixture::new(
        &[
            (
                "resource.ts",
                resource("", "a.handler.sqlReference('./q.sql')"),
            ),
            ("schema.sql.ts", PG_GENERATED.to_owned()),
            ("q.sql", "select id from notes$0;\n".to_owned()),
        ],
        PG_CATALOG,
    );
    assert_eq!(
        formatted(&f).as_deref(),
        Some("SELECT\n  id\nFROM\n  notes;\n")
    );
}

#[test]
fn placeholder_types_are_checked_in_postgresql_only() {
    let codes = |f: &Fixture| -> Vec<&'static str> {
        check_project(&f.project, &f.model, Some(&f.catalog))
            .into_iter()
            .map(|d| d.code)
            .filter(|c| c.starts_with("sql-placeholder"))
            .collect()
    };
    let pg = Fixture::pg(
        "n: a.integer()",
        "a.handler.inlineSql('SELECT id FROM notes WHERE owner = :n$0')",
    );
    assert_eq!(codes(&pg), ["sql-placeholder-type-mismatch"]);
    // MySQL compares '42' with 42 by converting: no mismatch to report.
    let my = Fixture::my(
        "n: a.integer()",
        "a.handler.inlineSql('SELECT id FROM customers WHERE email = :n$0')",
    );
    assert_eq!(codes(&my), Vec::<&str>::new());
}
