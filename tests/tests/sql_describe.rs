//! The describe path against real databases: `schemals introspect` has PostgreSQL (with PostGIS)
//! and MariaDB prepare every SQL statement of the project without running it and keeps the result
//! types in the snapshot; then, with the database gone, `schemals check` finds from the snapshot
//! alone a type mismatch that only the database's description can show (a function's result type).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use schemals_e2e::schemals_binary;

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .env("PGOPTIONS", "--client-min-messages=warning")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn psql(database: &str, sql: &str) {
    run(
        "psql",
        &[
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            database,
            "-c",
            sql,
        ],
    );
}

fn mysql(database: &str, sql: &str) {
    run(
        "mysql",
        &[
            "-h",
            "127.0.0.1",
            "-P",
            "3306",
            "-u",
            "root",
            "-D",
            database,
            "-e",
            sql,
        ],
    );
}

/// A fresh database, dropped again on drop (the "stopped" database of the offline check).
struct Database {
    name: String,
    engine: &'static str,
}

impl Database {
    fn postgres(name: &str) -> Database {
        let name = format!("{name}_{}", std::process::id());
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        psql("postgres", &format!("CREATE DATABASE {name}"));
        psql(&name, "CREATE EXTENSION IF NOT EXISTS postgis");
        Database {
            name,
            engine: "postgresql",
        }
    }

    fn mariadb(name: &str) -> Database {
        let name = format!("{name}_{}", std::process::id());
        mysql(
            "mysql",
            &format!("DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"),
        );
        Database {
            name,
            engine: "mysql",
        }
    }

    fn sql(&self, sql: &str) {
        match self.engine {
            "postgresql" => psql(&self.name, sql),
            _ => mysql(&self.name, sql),
        }
    }

    fn url(&self) -> String {
        match self.engine {
            "postgresql" => format!("postgres://postgres:pw-s3cret@127.0.0.1:5432/{}", self.name),
            _ => format!("mysql://root@127.0.0.1:3306/{}", self.name),
        }
    }

    fn drop_now(&self) {
        match self.engine {
            "postgresql" => psql(
                "postgres",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ),
            _ => mysql("mysql", &format!("DROP DATABASE IF EXISTS {}", self.name)),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.drop_now();
    }
}

fn schemals(args: &[&str]) -> Output {
    Command::new(schemals_binary())
        .args(args)
        .env_remove("SQL_CONNECTION_STRING")
        .output()
        .expect("run schemals")
}

/// A project with `schema.sql.ts` and `resource.ts` in a fresh temporary folder.
fn project(name: &str, generated: &str, resource: &str) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("schemals-describe-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let data = root.join("amplify/data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("schema.sql.ts"), generated).expect("write schema.sql.ts");
    std::fs::write(data.join("resource.ts"), resource).expect("write resource.ts");
    root
}

fn generated(engine: &str, models: &str) -> String {
    format!(
        "import {{ a }} from \"@aws-amplify/data-schema\";\n\
         import {{ configure }} from \"@aws-amplify/data-schema/internals\";\n\
         import {{ secret }} from \"@aws-amplify/backend\";\n\n\
         export const schema = configure({{\n    database: {{\n        identifier: \"ID1\",\n        engine: \"{engine}\",\n        connectionUri: secret(\"SQL_CONNECTION_STRING\")\n    }}\n}}).schema({{\n{models}\n}});\n"
    )
}

fn check_json(root: &Path) -> Vec<serde_json::Value> {
    check_json_with(root, &[])
}

fn check_json_with(root: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let root = root.to_string_lossy();
    let mut all = vec!["check", &root, "--format", "json"];
    all.extend_from_slice(args);
    let output = schemals(&all);
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}: {stdout}"))
}

/// (code, message) of every diagnostic of the SQL checks (other checks, such as drift between
/// the catalog and `schema.sql.ts`, have tests of their own).
fn findings(root: &Path) -> Vec<(String, String)> {
    check_json(root)
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("sql-")))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Runs `schemals introspect` on `root` with `db`; its stderr, once it succeeded.
fn introspect(root: &Path, db: &Database) -> String {
    let output = schemals(&[
        "introspect",
        &root.to_string_lossy(),
        "--database-url",
        &db.url(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "introspect failed: {stderr}");
    stderr
}

fn snapshot(root: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(root.join("amplify/data/schemals-catalog.json"))
        .expect("the snapshot was written");
    serde_json::from_str(&text).expect("snapshot JSON")
}

/// The described columns of the snapshot's only statement, as `name type`.
fn described_columns(snapshot: &serde_json::Value) -> Vec<String> {
    let statements = snapshot["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 1, "{statements:?}");
    statements[0]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["name"].as_str().unwrap_or(""),
                c["data_type"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn postgres_describes_statements_and_the_check_works_from_the_snapshot() {
    let db = Database::postgres("schemals_describe_pg");
    db.sql(
        "CREATE TABLE events (id serial PRIMARY KEY, name varchar(100), geom geometry(Point, 4326))",
    );
    let root = project(
        "pg",
        &generated(
            "postgresql",
            "    \"events\": a.model({\n        \"id\": a.integer().default(),\n        \"name\": a.string(),\n        \"geom\": a.string()\n    }).identifier([\n        \"id\"\n    ])",
        ),
        "import { a, defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\n\
         const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({\n\
         \x20 EventWithCoord: a.customType({ id: a.integer(), name: a.string(), longitude: a.integer(), latitude: a.float() }),\n\
         \x20 listEventWithCoord: a\n    .query()\n    .arguments({ prefix: a.string() })\n    .returns(a.ref('EventWithCoord').array())\n\
         \x20   .handler(a.handler.inlineSql('SELECT id, name, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM events WHERE name LIKE :prefix')),\n\
         });\n\nexport const data = defineData({ schema });\n",
    );

    let stderr = introspect(&root, &db);
    assert!(
        stderr.contains("described 1 SQL statements (0 refused by the database)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("pw-s3cret"),
        "the password leaked: {stderr}"
    );
    let snapshot = snapshot(&root);
    // The database's own types: PostGIS's ST_X returns double precision.
    assert_eq!(
        described_columns(&snapshot),
        [
            "id INT4",
            "name VARCHAR",
            "longitude FLOAT8",
            "latitude FLOAT8"
        ]
    );
    assert_eq!(
        snapshot["statements"][0]["parameters"],
        serde_json::json!([{ "name": "prefix", "data_type": "TEXT" }])
    );

    // The database is gone: the same check runs from the snapshot alone.
    db.drop_now();
    assert_eq!(
        findings(&root),
        [(
            "sql-column-type-mismatch".to_owned(),
            "Result column \"longitude\" is float8 but field EventWithCoord.longitude is Int: the value cannot convert"
                .to_owned()
        )]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn postgres_keeps_the_reason_of_a_statement_it_refuses() {
    let db = Database::postgres("schemals_describe_refused");
    db.sql("CREATE TABLE notes (id uuid PRIMARY KEY, content text)");
    let root = project(
        "refused",
        &generated(
            "postgresql",
            "    \"notes\": a.model({\n        \"id\": a.id().required(),\n        \"content\": a.string()\n    }).identifier([\n        \"id\"\n    ])",
        ),
        "import { a, defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\n\
         const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({\n\
         \x20 wrong: a.query().returns(a.json()).handler(a.handler.inlineSql('SELECT content + 1 FROM notes')),\n\
         });\n\nexport const data = defineData({ schema });\n",
    );
    introspect(&root, &db);
    let snapshot = snapshot(&root);
    assert_eq!(
        snapshot["statements"][0]["error"],
        serde_json::json!("operator does not exist: text + integer")
    );
    // Where PostgreSQL placed it: the `+`, a byte offset in the text as written.
    assert_eq!(
        snapshot["statements"][0]["error_offset"],
        serde_json::json!(15)
    );
    // SQLSTATE undefined_function: a refusal of the text, not of the session.
    assert_eq!(
        snapshot["statements"][0]["error_code"],
        serde_json::json!("42883")
    );

    let expected = [(
        "The database refused this statement: operator does not exist: text + integer".to_owned(),
        (4, 81, 82),
    )];
    // `check` with the database: a live catalog, whose statements the database describes now.
    std::fs::remove_file(root.join("amplify/data/schemals-catalog.json")).expect("rm snapshot");
    assert_eq!(refusals(&root, &["--database-url", &db.url()]), expected);

    // The database is gone: its reason is reported from the snapshot, on the `+`.
    introspect(&root, &db);
    db.drop_now();
    assert_eq!(refusals(&root, &[]), expected);
    let _ = std::fs::remove_dir_all(&root);
}

/// PostgreSQL gives the error's position in characters of the text it was sent, whose `:name`
/// placeholders were rewritten to `$1` padded to their length: the diagnostic still marks the `+`
/// after a placeholder and after text of several bytes per character.
#[test]
fn postgres_places_its_refusal_after_placeholders_and_multibyte_text() {
    let db = Database::postgres("schemals_describe_offset");
    db.sql("CREATE TABLE notes (id uuid PRIMARY KEY, content text)");
    let line = "\x20 wrong: a.query().arguments({ title: a.string() }).returns(a.json()).handler(a.handler.inlineSql(\"SELECT '\u{e9}t\u{e9}' || :title AS a, content + 1 AS b FROM notes\")),";
    let root = project(
        "offset",
        &generated(
            "postgresql",
            "    \"notes\": a.model({\n        \"id\": a.id().required(),\n        \"content\": a.string()\n    }).identifier([\n        \"id\"\n    ])",
        ),
        &format!(
            "import {{ a, defineData }} from '@aws-amplify/backend';\n\
             import {{ schema as generated }} from './schema.sql';\n\n\
             const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({{\n\
             {line}\n\
             }});\n\nexport const data = defineData({{ schema }});\n"
        ),
    );
    introspect(&root, &db);
    let snapshot = snapshot(&root);
    let sql = "SELECT '\u{e9}t\u{e9}' || :title AS a, content + 1 AS b FROM notes";
    let plus = sql.find('+').expect("+");
    assert_eq!(
        snapshot["statements"][0]["error_offset"],
        serde_json::json!(plus)
    );
    // The `+` in the editor's columns (UTF-16; `é` is one unit, two bytes).
    let column = line[..line.find('+').expect("+")].encode_utf16().count() as u64;
    assert_eq!(
        refusals(&root, &[]),
        [(
            "The database refused this statement: operator does not exist: text + integer"
                .to_owned(),
            (4, column, column + 1)
        )]
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// (message, (line, start, end)) of each `sql-database-refused` diagnostic of `check` with
/// `args`, 0-based UTF-16.
fn refusals(root: &Path, args: &[&str]) -> Vec<(String, (u64, u64, u64))> {
    check_json_with(root, args)
        .iter()
        .filter(|d| d["code"] == "sql-database-refused")
        .map(|d| {
            let at = |end: &str, key: &str| d["range"][end][key].as_u64().unwrap_or(u64::MAX);
            (
                d["message"].as_str().unwrap_or("").to_owned(),
                (
                    at("start", "line"),
                    at("start", "character"),
                    at("end", "character"),
                ),
            )
        })
        .collect()
}

#[test]
fn mariadb_keeps_the_reason_of_a_statement_it_refuses_and_the_check_reports_it() {
    let db = Database::mariadb("schemals_describe_my_refused");
    db.sql("CREATE TABLE customers (id int PRIMARY KEY, email varchar(255) NOT NULL)");
    let root = project(
        "my-refused",
        &generated(
            "mysql",
            "    \"customers\": a.model({\n        \"id\": a.integer().required(),\n        \"email\": a.string().required()\n    }).identifier([\n        \"id\"\n    ])",
        ),
        "import { a, defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\n\
         const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({\n\
         \x20 wrong: a.query().returns(a.json()).handler(a.handler.inlineSql('SELECT no_such_function(id) FROM customers')),\n\
         \x20 add: a.mutation().arguments({ id: a.integer(), email: a.string() }).returns(a.json()).handler(a.handler.inlineSql('INSERT INTO customers (id, email) VALUES (:id, :email)')),\n\
         });\n\nexport const data = defineData({ schema });\n",
    );
    let stderr = introspect(&root, &db);
    assert!(
        stderr.contains("described 2 SQL statements (1 refused by the database)"),
        "{stderr}"
    );
    let name = &db.name;
    let snapshot = snapshot(&root);
    let statements = snapshot["statements"].as_array().expect("statements");
    // The INSERT is described (MariaDB refuses to prepare a write in a read-only transaction).
    let (refused, described): (Vec<_>, Vec<_>) =
        statements.iter().partition(|s| s.get("error").is_some());
    assert_eq!(described.len(), 1, "{statements:?}");
    assert_eq!(
        refused,
        [&serde_json::json!({
            "key": refused[0]["key"],
            "columns": [],
            "error": format!("FUNCTION {name}.no_such_function does not exist"),
            // MariaDB does not say where: no offset, and the whole statement is marked.
            "error_code": "1305",
        })]
    );

    let expected = [(
        format!(
            "The database refused this statement: FUNCTION {name}.no_such_function does not exist"
        ),
        (4, 66, 108),
    )];
    assert_eq!(refusals(&root, &["--database-url", &db.url()]), expected);
    db.drop_now();
    assert_eq!(refusals(&root, &[]), expected);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn mariadb_describes_statements_and_the_check_works_from_the_snapshot() {
    let db = Database::mariadb("schemals_describe_my");
    db.sql(
        "CREATE TABLE customers (id int PRIMARY KEY, email varchar(255) NOT NULL, balance decimal(10,2) NOT NULL)",
    );
    let root = project(
        "my",
        &generated(
            "mysql",
            "    \"customers\": a.model({\n        \"id\": a.integer().required(),\n        \"email\": a.string().required(),\n        \"balance\": a.float().required()\n    }).identifier([\n        \"id\"\n    ])",
        ),
        "import { a, defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\n\
         const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({\n\
         \x20 Balance: a.customType({ id: a.integer(), email: a.string(), doubled: a.integer() }),\n\
         \x20 balances: a\n    .query()\n    .arguments({ email: a.string() })\n    .returns(a.ref('Balance').array())\n\
         \x20   .handler(a.handler.inlineSql(\"SELECT id, email, balance * 2 AS doubled FROM customers WHERE email = :email\")),\n\
         });\n\nexport const data = defineData({ schema });\n",
    );
    introspect(&root, &db);
    let snapshot = snapshot(&root);
    assert_eq!(
        described_columns(&snapshot),
        ["id INT", "email VARCHAR", "doubled DECIMAL"]
    );

    db.drop_now();
    assert_eq!(
        findings(&root),
        [(
            "sql-column-type-mismatch".to_owned(),
            "Result column \"doubled\" is decimal but field Balance.doubled is Int: the value cannot convert"
                .to_owned()
        )]
    );
    let _ = std::fs::remove_dir_all(&root);
}
