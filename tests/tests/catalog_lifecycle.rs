//! The catalog's life against a real PostgreSQL: drift diagnostics on `schema.sql.ts` seen by a
//! running `schemals serve` after `ALTER TABLE` without a restart, the regenerate quick fix and
//! command, the database going away and coming back (one message, diagnostics from the snapshot,
//! `schemals/status`), and `schemals check --live` on a stale and a fresh snapshot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, uri_of};
use schemals_e2e::schemals_binary;
use serde_json::{Value, json};

fn psql(database: &str, sql: &str) {
    let output = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
        ])
        .args(["-d", database, "-c", sql])
        .env("PGOPTIONS", "--client-min-messages=warning")
        .output()
        .expect("run psql");
    assert!(
        output.status.success(),
        "psql failed on {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A fresh database holding `notes`; dropped again by [`Database::drop`].
struct Database {
    name: String,
}

impl Database {
    fn create(name: &str) -> Database {
        let name = format!("{name}_{}", std::process::id());
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        psql("postgres", &format!("CREATE DATABASE {name}"));
        let db = Database { name };
        db.create_notes();
        db
    }

    fn create_notes(&self) {
        psql(
            &self.name,
            "CREATE TABLE notes (id uuid PRIMARY KEY, content text, owner text)",
        );
    }

    /// The URL the server gets; trust authentication ignores the password, which must never show.
    fn url(&self) -> String {
        format!("postgres://postgres:pw-s3cret@127.0.0.1:5432/{}", self.name)
    }

    fn sql(&self, sql: &str) {
        psql(&self.name, sql);
    }

    fn drop_now(&self) {
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }

    fn recreate(&self) {
        psql("postgres", &format!("CREATE DATABASE {}", self.name));
        self.create_notes();
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

/// A project whose `schema.sql.ts` and snapshot were written from `db` by the real binary.
fn project(name: &str, db: &Database) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("schemals-lifecycle-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let data = root.join("amplify/data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(
        data.join("resource.ts"),
        "import { defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\
         \n\
         const schema = generated.authorization((allow) => [allow.authenticated()]);\n\
         \n\
         export const data = defineData({ schema });\n",
    )
    .expect("resource.ts");
    let root_arg = root.to_str().expect("utf-8");
    let url = db.url();
    let generated = schemals(&["generate", root_arg, "--database-url", &url]);
    assert!(generated.status.success(), "{generated:?}");
    let introspected = schemals(&["introspect", root_arg, "--database-url", &url]);
    assert!(introspected.status.success(), "{introspected:?}");
    root
}

/// Where `start_server` writes the server's log.
fn log_file_of(root: &Path) -> PathBuf {
    std::env::temp_dir().join(format!(
        "schemals-lifecycle-{}.log",
        root.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("server")
    ))
}

fn start_server(root: &Path, url: &str) -> Client {
    start_server_with_cache(root, url, None)
}

/// A server whose cache folder is `cache` (none when `None`, as in the other tests).
fn start_server_with_cache(root: &Path, url: &str, cache: Option<&Path>) -> Client {
    let log_file = log_file_of(root);
    let mut client = Client::start_with(root, |command| {
        if let Ok(file) = std::fs::File::create(&log_file) {
            command.stderr(file);
        }
        if let Some(cache) = cache {
            command.env("SCHEMALS_CACHE_DIR", cache);
        }
    });
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(root), "capabilities": {},
               "initializationOptions": {"databaseUrl": url}}),
    );
    let commands = &init["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .is_some_and(|c| c.contains(&json!("schemals.generateSchema"))),
        "{init}"
    );
    client.notify("initialized", json!({}));
    client
}

fn open(client: &mut Client, path: &Path) -> String {
    let uri = uri_of(path);
    let text = std::fs::read_to_string(path).expect("read");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    uri
}

/// Reads messages until `accept` takes one, answering the server's requests; every message read
/// is kept in `log`.
fn wait_for(
    client: &mut Client,
    log: &mut Vec<Value>,
    within: Duration,
    accept: impl Fn(&Value) -> bool,
) -> Value {
    if let Some(found) = log.iter().find(|m| accept(m)) {
        return found.clone();
    }
    client.seen.clear();
    let deadline = Instant::now() + within;
    while let Some(message) = client.recv(deadline) {
        // workspace/applyEdit is the test's to answer.
        if message["method"] != "workspace/applyEdit" {
            client.answer_server_request(&message);
        }
        log.push(message.clone());
        // Published diagnostics stay visible to `diagnostics_until`.
        client.seen.push(message.clone());
        if accept(&message) {
            return message;
        }
    }
    panic!("nothing matched within {within:?}; read: {log:#?}");
}

fn status_with(message: &Value, catalog: &str) -> bool {
    message["method"] == "schemals/status" && message["params"]["catalog"] == catalog
}

fn codes(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

/// The line and UTF-16 column of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).expect("needle");
    let line = text[..at].matches('\n').count() as u32;
    let col = text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at]
        .encode_utf16()
        .count() as u32;
    (line, col)
}

/// A start-up reads the live catalog once: the watch's first poll finds the database as the load
/// read it (it read it a second time before), and a later change is still read.
#[test]
fn a_start_up_reads_the_live_catalog_once_and_then_only_changes() {
    let db = Database::create("schemals_lc_once");
    let root = project("once", &db);
    let log_file = log_file_of(&root);
    let mut client = start_server(&root, &db.url());
    let schema_path = root.join("amplify/data/schema.sql.ts");
    open(&mut client, &schema_path);
    let mut log = Vec::new();
    wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        status_with(m, "live")
    });
    let read_log = || std::fs::read_to_string(&log_file).unwrap_or_default();
    let reads = |text: &str| {
        text.lines()
            .filter(|l| {
                l.contains("catalog loaded live from") || l.contains("catalog reloaded from")
            })
            .count()
    };
    // Three polls of the watch.
    std::thread::sleep(Duration::from_secs(7));
    assert_eq!(reads(&read_log()), 1, "{}", read_log());

    db.sql("ALTER TABLE notes ADD COLUMN title text");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reads(&read_log()) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(reads(&read_log()), 2, "{}", read_log());
}

/// A database that a past session read, unchanged since (same catalog fingerprint), is not read
/// again at start-up when the snapshot in use holds what that read found; a change of either is
/// read, the watch still sees a change made after such a start-up, and the refresh command always
/// reads.
#[test]
fn an_unchanged_database_found_to_hold_the_snapshot_is_not_read_again() {
    let db = Database::create("schemals_lc_known");
    let root = project("known", &db);
    let cache =
        std::env::temp_dir().join(format!("schemals-lifecycle-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let schema_path = root.join("amplify/data/schema.sql.ts");
    let log_file = log_file_of(&root);
    let count = |needle: &str| {
        let log = std::fs::read_to_string(&log_file).unwrap_or_default();
        (log.lines().filter(|l| l.contains(needle)).count(), log)
    };
    let wait_until_logged = |needle: &str, times: usize| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while count(needle).0 < times && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(count(needle).0, times, "{}", count("").1);
    };
    const READ: &str = "catalog loaded live from";
    const NOT_READ: &str = "not read again";
    // A session until the catalog is live, then `then`: (reads, start-ups without a read) at
    // the time the catalog became live.
    let session_at = |url: &str, then: &dyn Fn(&mut Client)| {
        let mut client = start_server_with_cache(&root, url, Some(&cache));
        open(&mut client, &schema_path);
        let mut log = Vec::new();
        wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
            status_with(m, "live")
        });
        let counts = (count(READ).0, count(NOT_READ).0);
        then(&mut client);
        client.shutdown();
        counts
    };
    let session = |then: &dyn Fn(&mut Client)| session_at(&db.url(), then);
    let nothing = |_: &mut Client| {};
    assert_eq!(session(&nothing), (1, 0), "{}", count("").1);
    // The record is the database's, not the password's: another password (trust ignores it)
    // finds it.
    let other_password = db.url().replace("pw-s3cret", "another-pw");
    assert_ne!(other_password, db.url());
    assert_eq!(
        session_at(&other_password, &nothing),
        (0, 1),
        "{}",
        count("").1
    );
    // Unchanged: not read; a change after the start-up is read by the watch.
    let altered_later = |_: &mut Client| {
        db.sql("ALTER TABLE notes ADD COLUMN title text");
        wait_until_logged("catalog reloaded from", 1);
    };
    assert_eq!(session(&altered_later), (0, 1), "{}", count("").1);
    // The database changed since: read; the snapshot does not hold what was read, so read again.
    assert_eq!(session(&nothing), (1, 0), "{}", count("").1);
    assert_eq!(session(&nothing), (1, 0), "{}", count("").1);
    // A snapshot taken again holds what the last read found: not read.
    let root_arg = root.to_str().expect("utf-8");
    let introspected = schemals(&["introspect", root_arg, "--database-url", &db.url()]);
    assert!(introspected.status.success(), "{introspected:?}");
    // The refresh command reads whatever the fingerprint says.
    let refreshed = |client: &mut Client| {
        let answer = client.request(
            "workspace/executeCommand",
            json!({"command": "schemals.refreshCatalog", "arguments": []}),
        );
        assert!(answer.get("error").is_none(), "{answer}");
        wait_until_logged(READ, 1);
    };
    assert_eq!(session(&refreshed), (0, 1), "{}", count("").1);
    // The snapshot changed (a column renamed in it): read.
    let snapshot_path = root.join("amplify/data/schemals-catalog.json");
    let snapshot = std::fs::read_to_string(&snapshot_path).expect("snapshot");
    assert!(snapshot.contains("\"title\""));
    std::fs::write(&snapshot_path, snapshot.replace("\"title\"", "\"heading\""))
        .expect("write snapshot");
    assert_eq!(session(&nothing), (1, 0), "{}", count("").1);
    for entry in std::fs::read_dir(&cache).expect("cache folder").flatten() {
        let bytes = std::fs::read(entry.path()).expect("cache file");
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("pw-s3cret") && !name.contains("s3cret"),
            "{name} holds the password"
        );
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn alter_table_is_seen_without_restart_and_regeneration_fixes_it() {
    let db = Database::create("schemals_lc_drift");
    let root = project("drift", &db);
    let schema_path = root.join("amplify/data/schema.sql.ts");
    let text = std::fs::read_to_string(&schema_path).expect("schema.sql.ts");
    let mut client = start_server(&root, &db.url());
    let uri = open(&mut client, &schema_path);
    let mut log = Vec::new();
    let live = wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        status_with(m, "live")
    });
    assert_eq!(
        live["params"],
        json!({
            "catalog": "live",
            "target": format!("postgres://postgres@127.0.0.1:5432/{}", db.name),
            "snapshot": root.join("amplify/data/schemals-catalog.json").display().to_string(),
            "snapshotAgeSeconds": live["params"]["snapshotAgeSeconds"],
            "problem": null,
        })
    );
    assert!(live["params"]["snapshotAgeSeconds"].is_u64(), "{live}");
    // A file generated from this database has no drift.
    let first = client.diagnostics_until(&uri, |_| true);
    assert_eq!(codes(&first), Vec::<String>::new(), "{first:#?}");

    // A column appears in the database: a running server sees it within a few seconds.
    let altered = Instant::now();
    db.sql("ALTER TABLE notes ADD COLUMN title text NOT NULL DEFAULT ''");
    let with_new = client.diagnostics_until(&uri, |list| !list.is_empty());
    assert!(
        altered.elapsed() < Duration::from_secs(10),
        "took {:?}",
        altered.elapsed()
    );
    let (line, col) = position_of(&text, "notes\": a.model");
    assert_eq!(
        with_new,
        vec![json!({
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 5}},
            "severity": 2,
            "code": "drift-new-column",
            "source": "schemals",
            "message": "Column \"title\" of table \"notes\" is in the database but not in this model; regenerate schema.sql.ts to add it as `\"title\": a.string().required()`",
        })]
    );

    // A column disappears: the field of schema.sql.ts is now an error.
    db.sql("ALTER TABLE notes DROP COLUMN content");
    let with_dropped = client.diagnostics_until(&uri, |list| {
        codes(list).contains(&"unknown-column".to_owned())
    });
    let (line, col) = position_of(&text, "content\"");
    let dropped = with_dropped
        .iter()
        .find(|d| d["code"] == "unknown-column")
        .expect("unknown-column");
    assert_eq!(
        dropped,
        &json!({
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 7}},
            "severity": 1,
            "code": "unknown-column",
            "source": "schemals",
            "message": "Column \"content\" does not exist in table \"notes\"",
        })
    );

    // The quick fix replaces the file with what `schemals generate` writes now.
    let fresh = root.join("fresh.sql.ts");
    let generated = schemals(&[
        "generate",
        root.to_str().expect("utf-8"),
        "--database-url",
        &db.url(),
        "--out",
        fresh.to_str().expect("utf-8"),
    ]);
    assert!(generated.status.success(), "{generated:?}");
    let expected = std::fs::read_to_string(&fresh).expect("fresh");
    assert!(
        expected.contains("\"title\": a.string().required()"),
        "{expected}"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": dropped["range"],
               "context": {"diagnostics": [dropped]}}),
    );
    let lines = text.lines().count() as u32;
    assert_eq!(
        actions["result"],
        json!([{
            "title": "Regenerate schema.sql.ts from the database",
            "kind": "quickfix",
            "isPreferred": true,
            "edit": {"changes": {uri.clone(): [{
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}},
                "newText": expected,
            }]}},
        }])
    );

    // The command does the same through workspace/applyEdit.
    client.send(
        json!({"jsonrpc": "2.0", "id": 900, "method": "workspace/executeCommand",
                       "params": {"command": "schemals.generateSchema", "arguments": [uri]}}),
    );
    let apply = wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        m["method"] == "workspace/applyEdit"
    });
    assert_eq!(
        apply["params"]["edit"]["changes"][&uri][0]["newText"],
        json!(expected)
    );
    client.send(json!({"jsonrpc": "2.0", "id": apply["id"], "result": {"applied": true}}));
    let answer = wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        m["id"] == 900 && m.get("method").is_none()
    });
    assert_eq!(answer["result"], "schema.sql.ts regenerated");

    // After the editor applies it, the drift is gone.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": expected}]}),
    );
    let after = client.diagnostics_until(&uri, |list| list.is_empty());
    assert!(after.is_empty());
    assert!(
        !log.iter().any(|m| m.to_string().contains("pw-s3cret")),
        "the password leaked"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_database_going_away_falls_back_to_the_snapshot_with_one_message_and_recovers() {
    let db = Database::create("schemals_lc_gone");
    let root = project("gone", &db);
    let schema_path = root.join("amplify/data/schema.sql.ts");
    let text = std::fs::read_to_string(&schema_path).expect("schema.sql.ts");
    let mut client = start_server(&root, &db.url());
    let uri = open(&mut client, &schema_path);
    let mut log = Vec::new();
    wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        status_with(m, "live")
    });

    db.drop_now();
    let cached = wait_for(&mut client, &mut log, Duration::from_secs(15), |m| {
        status_with(m, "cached")
    });
    let snapshot = root.join("amplify/data/schemals-catalog.json");
    assert_eq!(
        cached["params"]["snapshot"],
        json!(snapshot.display().to_string())
    );
    let problem = cached["params"]["problem"].as_str().expect("a problem");
    assert!(problem.contains(&db.name), "{problem}");

    // Diagnostics go on from the snapshot: a field the snapshot lacks is an error.
    let edited = text.replacen(
        "\"owner\": a.string()",
        "\"owner\": a.string(),\n        \"bogus\": a.string()",
        1,
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let from_snapshot = client.diagnostics_until(&uri, |list| {
        codes(list) == vec!["unknown-column".to_owned()]
    });
    assert_eq!(
        from_snapshot[0]["message"],
        "Column \"bogus\" does not exist in table \"notes\""
    );

    // Several polls later, still exactly one message about it.
    let quiet_until = Instant::now() + Duration::from_secs(7);
    while let Some(message) = client.recv(quiet_until) {
        client.answer_server_request(&message);
        log.push(message);
    }
    let warnings: Vec<&Value> = log
        .iter()
        .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 2)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let warning = warnings[0]["params"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        warning.contains(&format!("postgres://postgres@127.0.0.1:5432/{}", db.name))
            && warning.contains(&format!("using the snapshot {}", snapshot.display())),
        "{warning}"
    );

    // The database comes back, with one more column: the server recovers by itself.
    db.recreate();
    db.sql("ALTER TABLE notes ADD COLUMN pinned boolean");
    // Only what comes from now on.
    let mut history = std::mem::take(&mut log);
    let back = wait_for(&mut client, &mut log, Duration::from_secs(15), |m| {
        status_with(m, "live")
    });
    assert_eq!(back["params"]["problem"], Value::Null);
    let recovered = client.diagnostics_until(&uri, |list| {
        codes(list).contains(&"drift-new-column".to_owned())
    });
    assert_eq!(
        codes(&recovered),
        vec!["drift-new-column".to_owned(), "unknown-column".to_owned()]
    );
    let back_message = wait_for(&mut client, &mut log, Duration::from_secs(5), |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 3
    });
    assert_eq!(
        back_message["params"]["message"],
        format!(
            "schemals: the database of postgres://postgres@127.0.0.1:5432/{} is back; using its live catalog",
            db.name
        )
    );
    history.append(&mut log);
    let log = history;
    assert!(
        !log.iter().any(|m| m.to_string().contains("pw-s3cret")),
        "the password leaked"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn check_live_fails_on_a_stale_snapshot_and_passes_on_a_fresh_one() {
    let db = Database::create("schemals_lc_check");
    let root = project("check", &db);
    let root_arg = root.to_str().expect("utf-8");
    let url = db.url();

    let fresh = schemals(&["check", root_arg, "--live", "--database-url", &url]);
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fresh.stdout)
    );

    db.sql("ALTER TABLE notes ADD COLUMN title varchar(40) NOT NULL DEFAULT 'x'");
    db.sql("ALTER TABLE notes DROP COLUMN content");
    db.sql("CREATE TABLE tags (id serial PRIMARY KEY)");
    let stale = schemals(&["check", root_arg, "--live", "--database-url", &url]);
    assert_eq!(stale.status.code(), Some(1));
    let name = &db.name;
    assert_eq!(
        String::from_utf8_lossy(&stale.stdout),
        format!(
            "the catalog snapshot amplify/data/schemals-catalog.json is stale: the database of --database-url (postgres://postgres@127.0.0.1:5432/{name}) differs:\n\
             \x20 - column public.notes.content (text)\n\
             \x20 + column public.notes.title (character varying(40))\n\
             \x20 + table public.tags\n\
             Run `schemals introspect` to refresh the snapshot, and commit it.\n"
        )
    );
    assert!(!String::from_utf8_lossy(&stale.stderr).contains("pw-s3cret"));

    let refreshed = schemals(&["introspect", root_arg, "--database-url", &url]);
    assert!(refreshed.status.success());
    let again = schemals(&["check", root_arg, "--live", "--database-url", &url]);
    // Fresh again; the check itself now reports the drift of schema.sql.ts (exit 1 for the
    // field whose column was dropped), not a stale snapshot.
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(!stdout.contains("is stale"), "{stdout}");
    assert!(
        stdout.contains(
            "error[unknown-column]: Column \"content\" does not exist in table \"notes\""
        ),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn after_regeneration_resource_ts_shows_what_the_new_catalog_breaks() {
    let db = Database::create("schemals_lc_breaks");
    let root = project("breaks", &db);
    std::fs::write(
        root.join("amplify/data/resource.ts"),
        "import { a, defineData } from '@aws-amplify/backend';\n\
         import { schema as generated } from './schema.sql';\n\
         \n\
         const schema = generated\n\
         \x20 .renameModels(() => [['notes', 'Note']])\n\
         \x20 .setAuthorization((models) => [models.Note.authorization((allow) => [allow.ownerDefinedIn('owner')])])\n\
         \x20 .addToSchema({\n\
         \x20   recent: a.query().returns(a.ref('Note').array()).handler(a.handler.inlineSql('SELECT id, content, owner FROM notes')).authorization((allow) => [allow.authenticated()]),\n\
         \x20 })\n\
         \x20 .authorization((allow) => [allow.authenticated()]);\n\
         \n\
         export const data = defineData({ schema });\n",
    )
    .expect("resource.ts");
    let root_arg = root.to_str().expect("utf-8");
    let url = db.url();
    let errors = |output: &Output| -> Vec<String> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.contains(": error["))
            .map(str::to_owned)
            .collect()
    };
    let before = schemals(&["check", root_arg, "--database-url", &url]);
    assert_eq!(errors(&before), Vec::<String>::new());

    // The owner column is dropped; after regeneration the owner rule has no field.
    db.sql("ALTER TABLE notes DROP COLUMN owner");
    assert!(
        schemals(&["generate", root_arg, "--database-url", &url])
            .status
            .success()
    );
    let dropped = schemals(&["check", root_arg, "--database-url", &url]);
    assert_eq!(
        errors(&dropped),
        [
            "amplify/data/resource.ts:6:94: error[auth-field-missing]: Field owner isn't defined.",
            "amplify/data/resource.ts:8:103: error[sql-unknown-column]: Column \"owner\" does not exist in \"notes\"",
        ]
    );

    // The table is renamed; after regeneration the rename and the SQL no longer resolve.
    db.sql("ALTER TABLE notes RENAME TO memos");
    assert!(
        schemals(&["generate", root_arg, "--database-url", &url])
            .status
            .success()
    );
    let renamed = schemals(&["check", root_arg, "--database-url", &url]);
    let found = errors(&renamed);
    for expected in [
        "amplify/data/resource.ts:5:26: error[rename-unknown-model]: Invalid renameModels call. notes is not defined in the schema",
        "amplify/data/resource.ts:8:114: error[sql-unknown-table]: Table \"notes\" does not exist in the database",
    ] {
        assert!(
            found.iter().any(|l| l == expected),
            "{expected}\nnot in {found:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// With the database up, a statement typed in the editor is described by the database once the
/// typing pauses, as `schemals introspect` describes the snapshot's: its refusal shows with the
/// database's reason, on the token PostgreSQL names; the mended statement is described in turn,
/// and the database's type of its result column shows what the static analysis cannot know.
#[test]
fn a_statement_written_with_the_database_up_is_described_and_its_refusal_shown() {
    let db = Database::create("schemals_lc_describe");
    let root = project("describe", &db);
    let resource_path = root.join("amplify/data/resource.ts");
    let text = "import { a, defineData } from '@aws-amplify/backend';\n\
                import { schema as generated } from './schema.sql';\n\
                \n\
                const schema = generated.authorization((allow) => [allow.authenticated()]).addToSchema({\n\
                \x20 Row: a.customType({ n: a.integer() }),\n\
                \x20 rows: a.query().returns(a.ref('Row').array()).handler(a.handler.inlineSql('SELECT content + 1 AS n FROM notes')),\n\
                });\n\
                \n\
                export const data = defineData({ schema });\n";
    std::fs::write(&resource_path, text).expect("resource.ts");
    let mut client = start_server(&root, &db.url());
    let uri = open(&mut client, &resource_path);
    let mut log = Vec::new();
    wait_for(&mut client, &mut log, Duration::from_secs(20), |m| {
        status_with(m, "live")
    });

    // The snapshot never described this statement: the database does now.
    let refused = client.diagnostics_until(&uri, |list| !list.is_empty());
    let (line, col) = position_of(text, "+ 1");
    assert_eq!(
        refused,
        vec![json!({
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}},
            "severity": 1,
            "code": "sql-database-refused",
            "source": "schemals",
            "message": "The database refused this statement: operator does not exist: text + integer",
        })]
    );

    // Mended: the new text has no description yet, so nothing shows; once the database has
    // described it, its result column's type (text, which the static analysis cannot tell from
    // `upper(...)`) does not fit the field.
    let mended = text.replace("content + 1 AS n", "upper(content) AS n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": mended}]}),
    );
    let after = client.diagnostics_until(&uri, |list| list.is_empty());
    assert!(after.is_empty());
    let described = client.diagnostics_until(&uri, |list| !list.is_empty());
    // On the column's alias in the select list.
    let (line, col) = position_of(&mended, "n FROM notes");
    assert_eq!(
        described,
        vec![json!({
            "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}},
            "severity": 2,
            "code": "sql-column-type-mismatch",
            "source": "schemals",
            "message": "Result column \"n\" is text but field Row.n is Int: the value cannot convert",
        })]
    );
    client.shutdown();
    let server_log = std::fs::read_to_string(log_file_of(&root)).unwrap_or_default();
    assert!(
        !log.iter().any(|m| m.to_string().contains("pw-s3cret"))
            && !described
                .iter()
                .any(|d| d.to_string().contains("pw-s3cret"))
            && !server_log.contains("pw-s3cret"),
        "the password leaked"
    );
    let _ = std::fs::remove_dir_all(&root);
}
