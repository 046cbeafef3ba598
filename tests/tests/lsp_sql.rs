//! SQL intelligence of the real `schemals serve` over stdio, inside the `inlineSql` string of the
//! notes-events example (which carries a catalog snapshot): completion, hover, semantic tokens, and
//! a result-shape diagnostic that appears when a field of the return type is renamed.

use schemals_e2e::lsp_client::{Client, temp_project, uri_of};
use serde_json::{Value, json};

const SQL: &str = "SELECT id, name, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM events;";

/// LSP position (UTF-16 columns) of byte `at` of `text`.
fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

struct Session {
    client: Client,
    uri: String,
    root: std::path::PathBuf,
}

/// Starts the server on a copy of notes-events and opens `resource.ts` with `edit` applied.
fn open(name: &str, edit: impl FnOnce(String) -> String) -> (Session, String) {
    let root = temp_project("notes-events", name);
    let resource = root.join("amplify/data/resource.ts");
    let text = edit(std::fs::read_to_string(&resource).expect("resource.ts"));
    (start(root, &resource, &text), text)
}

/// Starts the server on the project at `root` and opens `path` with `text`, once the catalog
/// answers for the SQL in it.
fn start(root: std::path::PathBuf, path: &std::path::Path, text: &str) -> Session {
    let uri = uri_of(path);
    let mut client = Client::start(&root);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    let mut session = Session { client, uri, root };
    session.wait_for_catalog(text);
    session
}

impl Session {
    /// The catalog snapshot loads in the background: hover on `events` in the SQL until it answers.
    fn wait_for_catalog(&mut self, text: &str) {
        let at = text.find("FROM events").expect("SQL names events") + "FROM ".len();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let answer = self.request_at("textDocument/hover", text, at);
            if !answer.is_null() {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the catalog never loaded"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn request_at(&mut self, method: &str, text: &str, at: usize) -> Value {
        let answer = self.client.request(
            method,
            json!({"textDocument": {"uri": self.uri}, "position": position(text, at)}),
        );
        assert!(answer.get("error").is_none(), "{method} failed: {answer}");
        answer["result"].clone()
    }

    fn finish(self) {
        self.client.shutdown();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn completion_after_an_alias_lists_that_tables_columns() {
    let (mut session, text) = open("sql-completion", |text| {
        text.replace(SQL, "SELECT e. FROM events e;")
    });
    let at = text.find("SELECT e.").expect("edited SQL") + "SELECT e.".len();
    let result = session.request_at("textDocument/completion", &text, at);
    let items = match &result {
        Value::Array(items) => items.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    let mut items: Vec<(String, String, String)> = items
        .iter()
        .map(|i| {
            (
                i["sortText"].as_str().unwrap_or("").to_owned(),
                i["label"].as_str().unwrap_or("").to_owned(),
                i["detail"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    items.sort();
    let labels: Vec<(&str, &str)> = items
        .iter()
        .map(|(_, l, d)| (l.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("geom", "geometry(Point,4326)"),
            ("id", "integer not null"),
            ("name", "character varying(100)")
        ]
    );
    session.finish();
}

#[test]
fn hover_on_a_table_and_a_function_inside_the_template_string() {
    let (mut session, text) = open("sql-hover", |text| text);
    let events = text.find("FROM events").expect("SQL") + "FROM ".len() + 2;
    let hover = session.request_at("textDocument/hover", &text, events);
    let start = events - 2;
    assert_eq!(
        hover["range"],
        json!({"start": position(&text, start), "end": position(&text, start + "events".len())})
    );
    assert_eq!(
        hover["contents"]["value"],
        "```sql\ntable public.events\n```\nBacks model `events`\n\n- `id` integer not null, primary key\n- `name` character varying(100)\n- `geom` geometry(Point,4326)\n"
    );
    let st_x = text.find("ST_X").expect("SQL") + 1;
    let hover = session.request_at("textDocument/hover", &text, st_x);
    assert_eq!(
        hover["contents"]["value"],
        "```sql\npublic.st_x(geometry) RETURNS double precision\n```"
    );
    session.finish();
}

#[test]
fn renaming_a_return_field_shows_the_result_shape_warnings() {
    let (mut session, text) = open("sql-shape", |text| {
        text.replace("latitude: a.float(),", "lat: a.float(),")
    });
    let is_shape = |d: &&Value| {
        d["code"]
            .as_str()
            .is_some_and(|c| c == "sql-field-not-filled" || c == "sql-column-not-received")
    };
    let uri = session.uri.clone();
    let list = session
        .client
        .diagnostics_until(&uri, |list| list.iter().filter(is_shape).count() == 2);
    let mut found: Vec<(String, Value, String)> = list
        .iter()
        .filter(is_shape)
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["range"].clone(),
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let lat = text.find("lat: a.float()").expect("renamed field");
    let latitude = text.find("AS latitude").expect("SQL") + "AS ".len();
    assert_eq!(
        found,
        [
            (
                "sql-column-not-received".to_owned(),
                json!({"start": position(&text, latitude), "end": position(&text, latitude + "latitude".len())}),
                "Result column \"latitude\" has no field in EventWithCoord: its value is dropped"
                    .to_owned()
            ),
            (
                "sql-field-not-filled".to_owned(),
                json!({"start": position(&text, lat), "end": position(&text, lat + "lat".len())}),
                "No result column fills field lat of EventWithCoord: it is always null".to_owned()
            ),
        ]
    );
    session.finish();
}

#[test]
fn semantic_tokens_colour_the_sql_of_the_string() {
    let (mut session, text) = open("sql-tokens", |text| text);
    let answer = session.client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": session.uri}}),
    );
    let data: Vec<u64> = answer["result"]["data"]
        .as_array()
        .expect("token data")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    // The first token is SELECT (type 0, keyword) at its line and column, 6 long.
    let select = text.find(SQL).expect("SQL");
    let at = position(&text, select);
    assert_eq!(
        data[..4],
        [
            at["line"].as_u64().unwrap_or(0),
            at["character"].as_u64().unwrap_or(0),
            6,
            0
        ]
    );
    assert_eq!(data.len() % 5, 0);
    session.finish();
}

/// SQL kept as a constant of another module is completed and hovered where it is written.
#[test]
fn completion_inside_a_query_kept_in_another_module() {
    let root = temp_project("notes-events", "sql-constant");
    let data = root.join("amplify/data");
    let resource = std::fs::read_to_string(data.join("resource.ts"))
        .expect("resource.ts")
        .replace(&format!("`{SQL}`"), "LIST_EVENTS")
        .replacen(
            "import",
            "import { LIST_EVENTS } from './queries';\nimport",
            1,
        );
    std::fs::write(data.join("resource.ts"), resource).expect("write resource.ts");
    let queries = "export const LIST_EVENTS = `SELECT e. FROM events e;`;\n";
    let path = data.join("queries.ts");
    std::fs::write(&path, queries).expect("write queries.ts");
    // Hovering in the constant (how `start` waits for the catalog) already needs the fix.
    let mut session = start(root, &path, queries);
    let at = queries.find("SELECT e.").expect("SQL") + "SELECT e.".len();
    let result = session.request_at("textDocument/completion", queries, at);
    let items = match &result {
        Value::Array(items) => items.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    let mut labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    labels.sort();
    assert_eq!(labels, ["geom", "id", "name"]);
    session.finish();
}
