//! Database faults against real servers while `schemals serve` runs (issue #9, item 2): a server
//! that is not running, a refused password, TLS required but unavailable, no permission to connect.
//! In each case diagnostics keep flowing from the committed snapshot, one status message names the
//! problem with host and database (never the password), and where the fault can be repaired from
//! outside, the server recovers by itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, uri_of};
use schemals_e2e::schemals_binary;
use serde_json::{Value, json};

const SECRET: &str = "pw-f4ult-s3cret";

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

fn mariadb(sql: &str) {
    let output = Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-u", "root", "-e", sql])
        .output()
        .expect("run mariadb");
    assert!(
        output.status.success(),
        "mariadb failed on {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A project whose schema.sql.ts and snapshot come from a healthy database at `good_url`, with one
/// field the database lacks (so a diagnostic from the snapshot is always expected).
fn project(name: &str, good_url: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("schemals-faults-{name}-{}", std::process::id()));
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
    for command in ["generate", "introspect"] {
        let output = Command::new(schemals_binary())
            .args([command, root_arg, "--database-url", good_url])
            .output()
            .expect("run schemals");
        assert!(output.status.success(), "{command}: {output:?}");
    }
    let schema = data.join("schema.sql.ts");
    let text = std::fs::read_to_string(&schema).expect("schema.sql.ts");
    let text = text.replacen(
        "\"owner\": a.string()",
        "\"owner\": a.string(),\n        \"bogus\": a.string()",
        1,
    );
    std::fs::write(&schema, text).expect("write");
    root
}

struct Session {
    client: Client,
    log: Vec<Value>,
    uri: String,
}

impl Session {
    fn start(root: &Path, url: &str) -> Session {
        let mut client = Client::start(root);
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(root), "capabilities": {},
                   "initializationOptions": {"databaseUrl": url}}),
        );
        client.notify("initialized", json!({}));
        let path = root.join("amplify/data/schema.sql.ts");
        let uri = uri_of(&path);
        let text = std::fs::read_to_string(&path).expect("read");
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        );
        Session {
            client,
            log: Vec::new(),
            uri,
        }
    }

    fn wait_for(&mut self, within: Duration, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(found) = self.log.iter().find(|m| accept(m)) {
            return found.clone();
        }
        let deadline = Instant::now() + within;
        while let Some(message) = self.client.recv(deadline) {
            self.client.answer_server_request(&message);
            self.log.push(message.clone());
            if accept(&message) {
                return message;
            }
        }
        panic!("nothing matched within {within:?}; read: {:#?}", self.log);
    }

    /// Reads everything for `period`.
    fn drain(&mut self, period: Duration) {
        let until = Instant::now() + period;
        while let Some(message) = self.client.recv(until) {
            self.client.answer_server_request(&message);
            self.log.push(message);
        }
    }

    fn messages(&self, kind: u64) -> Vec<String> {
        self.log
            .iter()
            .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == kind)
            .filter_map(|m| m["params"]["message"].as_str().map(str::to_owned))
            .collect()
    }

    fn diagnostics(&self) -> Option<Vec<Value>> {
        self.log.iter().rev().find_map(|m| {
            (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == self.uri)
                .then(|| m["params"]["diagnostics"].as_array().cloned())
                .flatten()
        })
    }
}

/// The shared expectations of a fault: status "cached" naming the problem, exactly one warning
/// that names `target`, diagnostics from the snapshot, no password anywhere.
fn assert_degrades(session: &mut Session, target: &str, problem_part: &str) {
    let status = session.wait_for(Duration::from_secs(20), |m| {
        m["method"] == "schemals/status" && m["params"]["problem"].is_string()
    });
    assert_eq!(status["params"]["catalog"], "cached", "{status}");
    assert_eq!(status["params"]["target"], target, "{status}");
    let problem = status["params"]["problem"].as_str().unwrap_or_default();
    assert!(
        problem.contains(problem_part) && problem.contains(target),
        "{problem}"
    );
    // Several polls later: one warning, not a storm.
    session.drain(Duration::from_secs(6));
    let warnings = session.messages(2);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains(target) && warnings[0].contains("using the snapshot"),
        "{warnings:?}"
    );
    let diagnostics = session.diagnostics().expect("diagnostics were published");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["unknown-column"], "{diagnostics:#?}");
    assert!(
        !session.log.iter().any(|m| m.to_string().contains(SECRET)),
        "the password leaked"
    );
}

fn assert_recovers(session: &mut Session) {
    let live = session.wait_for(Duration::from_secs(20), |m| {
        m["method"] == "schemals/status" && m["params"]["catalog"] == "live"
    });
    assert_eq!(live["params"]["problem"], Value::Null);
    session.wait_for(Duration::from_secs(5), |m| {
        m["method"] == "window/showMessage"
            && m["params"]["type"] == 3
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("is back"))
    });
}

struct PgDatabase(String);

impl PgDatabase {
    fn create(prefix: &str) -> PgDatabase {
        let name = format!("{prefix}_{}", std::process::id());
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
        psql("postgres", &format!("CREATE DATABASE {name}"));
        psql(
            &name,
            "CREATE TABLE notes (id uuid PRIMARY KEY, content text, owner text)",
        );
        PgDatabase(name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0),
        );
    }
}

#[test]
fn a_server_that_is_not_running() {
    let db = PgDatabase::create("schemals_fault_down");
    let root = project(
        "down",
        &format!("postgres://postgres@127.0.0.1:5432/{}", db.0),
    );
    // Nothing listens on port 1.
    let mut session = Session::start(
        &root,
        &format!("postgres://postgres:{SECRET}@127.0.0.1:1/{}", db.0),
    );
    assert_degrades(
        &mut session,
        &format!("postgres://postgres@127.0.0.1:1/{}", db.0),
        "cannot reach",
    );
    session.client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn no_permission_to_connect_then_granted() {
    let db = PgDatabase::create("schemals_fault_perm");
    let role = format!("schemals_fault_role_{}", std::process::id());
    psql("postgres", &format!("DROP ROLE IF EXISTS {role}"));
    psql("postgres", &format!("CREATE ROLE {role} LOGIN"));
    psql(
        "postgres",
        &format!("REVOKE CONNECT ON DATABASE {} FROM PUBLIC", db.0),
    );
    let root = project(
        "perm",
        &format!("postgres://postgres@127.0.0.1:5432/{}", db.0),
    );
    let mut session = Session::start(
        &root,
        &format!("postgres://{role}:{SECRET}@127.0.0.1:5432/{}", db.0),
    );
    assert_degrades(
        &mut session,
        &format!("postgres://{role}@127.0.0.1:5432/{}", db.0),
        "permission",
    );
    psql(
        "postgres",
        &format!("GRANT CONNECT ON DATABASE {} TO {role}", db.0),
    );
    assert_recovers(&mut session);
    session.client.shutdown();
    drop(db);
    psql("postgres", &format!("DROP ROLE IF EXISTS {role}"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_refused_password_then_the_right_one() {
    let name = format!("schemals_fault_pw_{}", std::process::id());
    let user = format!("schemals_pw_{}", std::process::id());
    mariadb(&format!(
        "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};\
         CREATE TABLE {name}.notes (id CHAR(36) NOT NULL PRIMARY KEY, content TEXT, owner TEXT);\
         DROP USER IF EXISTS '{user}'@'%'; CREATE USER '{user}'@'%' IDENTIFIED BY 'other';\
         GRANT ALL PRIVILEGES ON {name}.* TO '{user}'@'%';"
    ));
    let root = project("pw", &format!("mysql://root@127.0.0.1:3306/{name}"));
    let mut session = Session::start(
        &root,
        &format!("mysql://{user}:{SECRET}@127.0.0.1:3306/{name}"),
    );
    assert_degrades(
        &mut session,
        &format!("mysql://{user}@127.0.0.1:3306/{name}"),
        "authentication failed",
    );
    // The administrator sets the password the URL has: the server comes back by itself.
    mariadb(&format!("ALTER USER '{user}'@'%' IDENTIFIED BY '{SECRET}'"));
    assert_recovers(&mut session);
    session.client.shutdown();
    mariadb(&format!(
        "DROP DATABASE IF EXISTS {name}; DROP USER IF EXISTS '{user}'@'%';"
    ));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn tls_required_but_unavailable() {
    // The local MariaDB has TLS off; the URL demands it.
    let name = format!("schemals_fault_tls_{}", std::process::id());
    mariadb(&format!(
        "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};\
         CREATE TABLE {name}.notes (id CHAR(36) NOT NULL PRIMARY KEY, content TEXT, owner TEXT);"
    ));
    let root = project("tls", &format!("mysql://root@127.0.0.1:3306/{name}"));
    let mut session = Session::start(
        &root,
        &format!("mysql://root:{SECRET}@127.0.0.1:3306/{name}?ssl-mode=required"),
    );
    assert_degrades(
        &mut session,
        &format!("mysql://root@127.0.0.1:3306/{name}"),
        "TLS",
    );
    session.client.shutdown();
    mariadb(&format!("DROP DATABASE IF EXISTS {name};"));
    let _ = std::fs::remove_dir_all(&root);
}

/// A PostgreSQL server of our own (initdb in a temporary folder, another port), which the test may
/// stop and start; the shared server is never touched.
struct OwnServer {
    dir: PathBuf,
    port: u16,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

fn as_postgres(args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .output()
        .expect("runuser")
}

impl OwnServer {
    fn start(port: u16) -> OwnServer {
        let dir = std::env::temp_dir().join(format!("schemals-own-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let chown = Command::new("chown")
            .args(["postgres:postgres", dir.to_str().expect("utf-8")])
            .status()
            .expect("chown");
        assert!(chown.success());
        let data = dir.join("data");
        let init = as_postgres(&[
            &format!("{PG_BIN}/initdb"),
            "-D",
            data.to_str().expect("utf-8"),
            "-A",
            "trust",
            "-U",
            "postgres",
        ]);
        assert!(init.status.success(), "{init:?}");
        let server = OwnServer { dir, port };
        server.pg_ctl("start");
        server
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        let mut args = vec![
            format!("{PG_BIN}/pg_ctl"),
            "-D".to_owned(),
            data.display().to_string(),
            "-w".to_owned(),
            "-l".to_owned(),
            log.display().to_string(),
        ];
        if action == "start" {
            args.extend(["-o".to_owned(), options]);
        } else {
            args.extend(["-m".to_owned(), "fast".to_owned()]);
        }
        args.push(action.to_owned());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = as_postgres(&refs);
        assert!(output.status.success(), "pg_ctl {action}: {output:?}");
    }

    fn psql(&self, sql: &str) {
        let output = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql])
            .output()
            .expect("psql");
        assert!(output.status.success(), "{output:?}");
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = as_postgres(&[
            &format!("{PG_BIN}/pg_ctl"),
            "-D",
            data.to_str().unwrap_or_default(),
            "-w",
            "-m",
            "immediate",
            "stop",
        ]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn the_server_stopped_and_started_again() {
    // A port of its own per test process, away from the shared servers.
    let port = 40000 + (std::process::id() % 10000) as u16;
    let server = OwnServer::start(port);
    server.psql("CREATE TABLE notes (id uuid PRIMARY KEY, content text, owner text)");
    let good = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let root = project("restart", &good);
    let mut session = Session::start(
        &root,
        &format!("postgres://postgres:{SECRET}@127.0.0.1:{port}/postgres"),
    );
    session.wait_for(Duration::from_secs(20), |m| {
        m["method"] == "schemals/status" && m["params"]["catalog"] == "live"
    });
    server.pg_ctl("stop");
    assert_degrades(
        &mut session,
        &format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        "cannot reach",
    );
    server.pg_ctl("start");
    assert_recovers(&mut session);
    session.client.shutdown();
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_server_that_accepts_but_never_answers() {
    let db = PgDatabase::create("schemals_fault_slow");
    let root = project(
        "slow",
        &format!("postgres://postgres@127.0.0.1:5432/{}", db.0),
    );
    // A listener that takes connections and never says a word: every attempt times out.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let opened = Instant::now();
    let mut session = Session::start(
        &root,
        &format!("postgres://postgres:{SECRET}@127.0.0.1:{port}/{}", db.0),
    );
    // Diagnostics from the snapshot come at once, without waiting for the database.
    let uri = session.uri.clone();
    session.wait_for(Duration::from_secs(20), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
    });
    let first_diagnostics = opened.elapsed();
    assert!(
        first_diagnostics < Duration::from_secs(3),
        "diagnostics waited for the database: {first_diagnostics:?}"
    );
    assert_degrades(
        &mut session,
        &format!("postgres://postgres@127.0.0.1:{port}/{}", db.0),
        "timed out",
    );
    session.client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}
