//! No secret ever leaves schemals: full editing sessions of the real server, and the CLI, with
//! database URLs holding a password (a real PostgreSQL role created with that password, a real
//! MariaDB user given a wrong one, and a host where nothing listens), given every way a user can
//! give them (initialization options, `workspace/configuration`, `didChangeConfiguration`, the
//! environment variable named by `secret(...)`, `.env`, `--database-url`). Every log line on
//! stderr, every message the server sends, every CLI output and every file written is scanned for
//! the password (raw and percent-encoded) and the connection string. The server writes no file at
//! all, inside the workspace or out (its HOME and TMPDIR stay empty, the workspace unchanged).
//!
//! Needs PostgreSQL (127.0.0.1:5432, postgres, trust) and MariaDB (127.0.0.1:3306, root, empty
//! password), as `.ci/services.sh` starts them, and their `psql`/`mariadb` clients.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, copy_dir, uri_of};
use schemals_e2e::{repo_root, schemals_binary};
use serde_json::json;

/// The password, raw (as the database knows it) and as written in a URL.
const PASSWORD: &str = "Hx7@q:Zr/9%vL2";
const PASSWORD_IN_URL: &str = "Hx7%40q%3AZr%2F9%25vL2";
const WRONG_PASSWORD: &str = "Wq4nP8sRt3Xy";

fn psql(sql: &str) {
    let out = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            "5432",
            "-U",
            "postgres",
            "-d",
            "postgres",
        ])
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .expect("run psql (PostgreSQL client)");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn psql_db(db: &str, sql: &str) {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", db])
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mariadb(sql: &str) {
    let out = Command::new("mariadb")
        .args([
            "--protocol=tcp",
            "-h",
            "127.0.0.1",
            "-P",
            "3306",
            "-uroot",
            "-e",
            sql,
        ])
        .output()
        .expect("run mariadb (MariaDB client)");
    assert!(
        out.status.success(),
        "mariadb {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PostgreSQL role with the password, owning a fresh database; a MariaDB user with the password
/// and a database. Dropped again on drop.
struct Databases {
    name: String,
}

impl Databases {
    fn create() -> Databases {
        let name = format!("schemals_secret_{}", std::process::id());
        let quoted = PASSWORD.replace('\'', "''");
        psql(&format!("DROP DATABASE IF EXISTS {name}"));
        psql(&format!("DROP ROLE IF EXISTS {name}"));
        psql(&format!("CREATE ROLE {name} LOGIN PASSWORD '{quoted}'"));
        psql(&format!("CREATE DATABASE {name} OWNER {name}"));
        psql_db(
            &name,
            &format!(
                "SET ROLE {name}; CREATE TABLE notes (id text PRIMARY KEY, content text, owner text); \
                 CREATE TABLE events (id serial PRIMARY KEY, name text, geom text)"
            ),
        );
        mariadb(&format!("DROP DATABASE IF EXISTS {name}"));
        mariadb(&format!("DROP USER IF EXISTS '{name}'@'%'"));
        mariadb(&format!("CREATE DATABASE {name}"));
        mariadb(&format!(
            "CREATE USER '{name}'@'%' IDENTIFIED BY '{quoted}'"
        ));
        mariadb(&format!("GRANT ALL ON {name}.* TO '{name}'@'%'"));
        Databases { name }
    }

    fn postgres_url(&self) -> String {
        format!(
            "postgres://{0}:{PASSWORD_IN_URL}@127.0.0.1:5432/{0}",
            self.name
        )
    }

    fn mariadb_wrong_url(&self) -> String {
        format!("mysql://{0}:{WRONG_PASSWORD}@127.0.0.1:3306/{0}", self.name)
    }
}

impl Drop for Databases {
    fn drop(&mut self) {
        let name = &self.name;
        let _ = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-c",
            ])
            .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .output();
        let _ = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-c",
            ])
            .arg(format!("DROP ROLE IF EXISTS {name}"))
            .output();
        let _ = Command::new("mariadb")
            .args([
                "--protocol=tcp",
                "-h",
                "127.0.0.1",
                "-P",
                "3306",
                "-uroot",
                "-e",
            ])
            .arg(format!(
                "DROP DATABASE IF EXISTS {name}; DROP USER IF EXISTS '{name}'@'%'"
            ))
            .output();
    }
}

/// A port on the loopback where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Everything a user (or their editor's log panel) could see.
#[derive(Default)]
struct Seen {
    texts: Vec<String>,
}

impl Seen {
    fn push(&mut self, what: &str, text: impl Into<String>) {
        self.texts.push(format!("[{what}] {}", text.into()));
    }

    fn assert_no_secret(&self, secrets: &[&str]) {
        for text in &self.texts {
            for secret in secrets {
                assert!(
                    !text.contains(secret),
                    "a secret ({secret}) was shown: {text}"
                );
            }
        }
    }

    fn any(&self, needle: &str) -> bool {
        self.texts.iter().any(|t| t.contains(needle))
    }
}

fn secrets(urls: &[&str]) -> Vec<String> {
    let mut all = vec![
        PASSWORD.to_owned(),
        PASSWORD_IN_URL.to_owned(),
        WRONG_PASSWORD.to_owned(),
    ];
    all.extend(urls.iter().map(|u| (*u).to_owned()));
    all
}

/// Files below `dir`, with their contents.
fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = schemals_e2e::files_below(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap_or_default();
            (rel, bytes)
        })
        .collect();
    out.sort();
    out
}

/// A copy of the notes-events example (its `configure` names `secret('SQL_CONNECTION_STRING')`),
/// with an empty HOME and TMPDIR beside it.
struct Workspace {
    base: PathBuf,
    root: PathBuf,
    home: PathBuf,
    tmp: PathBuf,
}

impl Workspace {
    fn new(name: &str) -> Workspace {
        let base =
            std::env::temp_dir().join(format!("schemals-secrets-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("project");
        copy_dir(&repo_root().join("examples/notes-events"), &root);
        let home = base.join("home");
        let tmp = base.join("tmp");
        std::fs::create_dir_all(&home).expect("mkdir home");
        std::fs::create_dir_all(&tmp).expect("mkdir tmp");
        Workspace {
            base,
            root,
            home,
            tmp,
        }
    }

    fn resource(&self) -> PathBuf {
        self.root.join("amplify/data/resource.ts")
    }

    fn assert_nothing_written(&self, before: &[(PathBuf, Vec<u8>)]) {
        assert_eq!(
            snapshot_dir(&self.root),
            before,
            "the server changed files of the workspace"
        );
        for dir in [&self.home, &self.tmp] {
            let written = schemals_e2e::files_below(dir);
            assert!(
                written.is_empty(),
                "the server wrote {written:?} in {}",
                dir.display()
            );
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// How a session gives the database URL.
enum Given<'a> {
    InitializationOptions(&'a str),
    Configuration(&'a str),
    DidChangeConfiguration(&'a str),
    Environment(&'a str),
    DotEnv(&'a str),
    /// In the environment variable named by the `databaseUrlVariable` setting.
    NamedVariable(&'a str),
}

/// The variable of [`Given::NamedVariable`].
const URL_VARIABLE: &str = "SCHEMALS_TEST_DATABASE_URL";

/// One full editing session: open, edit an SQL mistake in and out, hover and complete inside the
/// SQL, refresh the catalog, change settings, shut down. Returns all that was seen.
fn editing_session(workspace: &Workspace, given: &Given<'_>) -> Seen {
    let mut seen = Seen::default();
    let configured_url = match given {
        Given::Configuration(url) => Some((*url).to_owned()),
        _ => None,
    };
    if let Given::DotEnv(url) = given {
        std::fs::write(
            workspace.root.join(".env"),
            format!("SQL_CONNECTION_STRING=\"{url}\"\n"),
        )
        .expect("write .env");
    }
    let before = snapshot_dir(&workspace.root);
    let mut client = Client::start_with(&workspace.root, |command| {
        command
            // The most a user can ask for: every log line there is.
            .env("SCHEMALS_LOG", "trace")
            .env("HOME", &workspace.home)
            .env("TMPDIR", &workspace.tmp)
            .env("XDG_CACHE_HOME", workspace.home.join(".cache"))
            .stderr(Stdio::piped());
        if let Given::Environment(url) = given {
            command.env("SQL_CONNECTION_STRING", url);
        }
        if let Given::NamedVariable(url) = given {
            command.env(URL_VARIABLE, url);
        }
    });
    let log = Arc::new(Mutex::new(String::new()));
    let reader = {
        let log = log.clone();
        let mut stderr = client.child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buffer) {
                if let Ok(mut log) = log.lock() {
                    log.push_str(&String::from_utf8_lossy(&buffer[..n]));
                }
            }
        })
    };

    let options = match given {
        Given::InitializationOptions(url) => json!({"databaseUrl": url}),
        Given::NamedVariable(_) => json!({"databaseUrlVariable": URL_VARIABLE}),
        _ => json!({}),
    };
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&workspace.root), "capabilities": {"workspace": {"configuration": true}},
               "initializationOptions": options}),
    );
    seen.push("answer", init.to_string());
    client.notify("initialized", json!({}));
    let uri = uri_of(&workspace.resource());
    let text = std::fs::read_to_string(workspace.resource()).expect("resource.ts");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    if let Given::DidChangeConfiguration(url) = given {
        client.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"schemals": {"databaseUrl": url}}}),
        );
    }
    collect(
        &mut client,
        &mut seen,
        configured_url.as_deref(),
        Duration::from_millis(1500),
    );

    // An SQL mistake typed in, then hover and completion inside the SQL.
    let sql_at = text.find("FROM events").expect("the inline SQL") + "FROM ".len();
    let line = text[..sql_at].matches('\n').count() as u32;
    let column = (sql_at - text[..sql_at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 6}}, "text": "evnts"}
        ]}),
    );
    let position = json!({"line": line, "character": column + 2});
    for method in ["textDocument/hover", "textDocument/completion"] {
        let answer = client.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        seen.push("answer", answer.to_string());
    }
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "schemals.refreshCatalog", "arguments": []}),
    );
    seen.push("answer", answer.to_string());
    collect(
        &mut client,
        &mut seen,
        configured_url.as_deref(),
        Duration::from_millis(800),
    );
    // Seen by every client: the same failure said again must not be an error storm either.
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "schemals.refreshCatalog", "arguments": []}),
    );
    seen.push("answer", answer.to_string());
    collect(
        &mut client,
        &mut seen,
        configured_url.as_deref(),
        Duration::from_millis(500),
    );
    client.seen.clear();
    client.shutdown();
    let _ = reader.join();
    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(!log.is_empty(), "the server logged nothing at trace level");
    for line in log.lines() {
        seen.push("log", line);
    }
    workspace.assert_nothing_written(&before);
    seen
}

/// Reads every message for `how_long`, answering `workspace/configuration` with `url`.
fn collect(client: &mut Client, seen: &mut Seen, url: Option<&str>, how_long: Duration) {
    for message in std::mem::take(&mut client.seen) {
        seen.push("message", message.to_string());
    }
    let deadline = Instant::now() + how_long;
    while let Some(message) = client.recv(deadline) {
        if message["method"] == "workspace/configuration"
            && let (Some(id), Some(url)) = (message.get("id"), url)
        {
            client.send(json!({"jsonrpc": "2.0", "id": id, "result": [{"databaseUrl": url}]}));
        } else {
            client.answer_server_request(&message);
        }
        seen.push("message", message.to_string());
    }
}

fn cli(workspace: &Workspace, args: &[&str], env_url: Option<&str>) -> Seen {
    let before = snapshot_dir(&workspace.root);
    let mut command = Command::new(schemals_binary());
    command
        .args(args)
        .current_dir(&workspace.root)
        .env("SCHEMALS_LOG", "trace")
        .env("HOME", &workspace.home)
        .env("TMPDIR", &workspace.tmp)
        .env_remove("SQL_CONNECTION_STRING");
    if let Some(url) = env_url {
        command.env("SQL_CONNECTION_STRING", url);
    }
    let out = command.output().expect("run schemals");
    let mut seen = Seen::default();
    seen.push("stdout", String::from_utf8_lossy(&out.stdout));
    seen.push("stderr", String::from_utf8_lossy(&out.stderr));
    seen.push("status", out.status.to_string());
    workspace.assert_nothing_written(&before);
    seen
}

#[test]
fn no_password_or_connection_string_is_ever_shown() {
    let databases = Databases::create();
    let good = databases.postgres_url();
    let wrong = databases.mariadb_wrong_url();
    let port = closed_port();
    let unreachable = format!(
        "postgres://{0}:{PASSWORD_IN_URL}@127.0.0.1:{port}/{0}",
        databases.name
    );
    let forbidden = secrets(&[&good, &wrong, &unreachable]);
    let forbidden: Vec<&str> = forbidden.iter().map(String::as_str).collect();

    // The right password: the catalog loads live, and says so without the password.
    let workspace = Workspace::new("good");
    let seen = editing_session(&workspace, &Given::InitializationOptions(&good));
    seen.assert_no_secret(&forbidden);
    assert!(
        seen.any(&format!(
            "live from postgres://{0}@127.0.0.1:5432/{0}",
            databases.name
        )),
        "the live catalog was not loaded: {:#?}",
        seen.texts
    );

    // The same through a variable the settings name: the log says which, and nothing more.
    let workspace = Workspace::new("variable");
    let seen = editing_session(&workspace, &Given::NamedVariable(&good));
    seen.assert_no_secret(&forbidden);
    assert!(
        seen.any(&format!(
            "live from postgres://{0}@127.0.0.1:5432/{0} (environment variable {URL_VARIABLE})",
            databases.name
        )),
        "the live catalog was not loaded through {URL_VARIABLE}: {:#?}",
        seen.texts
    );

    // A wrong password, refused by MariaDB: one message names the host and the database.
    for (name, given) in [
        ("wrong-options", Given::InitializationOptions(&wrong)),
        ("wrong-configuration", Given::Configuration(&wrong)),
        ("wrong-env", Given::Environment(&wrong)),
    ] {
        let workspace = Workspace::new(name);
        let seen = editing_session(&workspace, &given);
        seen.assert_no_secret(&forbidden);
        assert!(
            seen.texts.iter().any(|t| t.starts_with("[message]")
                && t.contains("window/showMessage")
                && t.contains("127.0.0.1")
                && t.contains(&databases.name)),
            "{name}: no message names the database: {:#?}",
            seen.texts
        );
    }

    // Nothing listening at the host.
    for (name, given) in [
        (
            "unreachable-change",
            Given::DidChangeConfiguration(&unreachable),
        ),
        ("unreachable-dotenv", Given::DotEnv(&unreachable)),
    ] {
        let workspace = Workspace::new(name);
        let seen = editing_session(&workspace, &given);
        seen.assert_no_secret(&forbidden);
        assert!(
            seen.texts.iter().any(|t| t.starts_with("[message]")
                && t.contains("window/showMessage")
                && t.contains(&format!("127.0.0.1:{port}"))),
            "{name}: no message names the host: {:#?}",
            seen.texts
        );
    }

    // The CLI, with each URL on the command line and in the environment.
    let workspace = Workspace::new("cli");
    for url in [&good, &wrong, &unreachable] {
        let seen = cli(&workspace, &["check", ".", "--database-url", url], None);
        seen.assert_no_secret(&forbidden);
        let seen = cli(&workspace, &["check", ".", "--format", "json"], Some(url));
        seen.assert_no_secret(&forbidden);
        let out = workspace.base.join("introspected.json");
        let out_arg = out.to_string_lossy().into_owned();
        let mut seen = cli(
            &workspace,
            &["introspect", ".", "--database-url", url, "--out", &out_arg],
            None,
        );
        seen.push("file", std::fs::read_to_string(&out).unwrap_or_default());
        let _ = std::fs::remove_file(&out);
        seen.assert_no_secret(&forbidden);
    }
    // A snapshot written on request holds no secret either.
    let out = workspace.tmp.join("snapshot.json");
    let status = Command::new(schemals_binary())
        .args(["introspect", ".", "--database-url", &good, "--out"])
        .arg(&out)
        .current_dir(&workspace.root)
        .output()
        .expect("run schemals introspect");
    let snapshot = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        status.status.success() && snapshot.contains("\"notes\""),
        "introspect failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    for secret in &forbidden {
        assert!(!snapshot.contains(secret), "the snapshot holds {secret}");
    }
}
