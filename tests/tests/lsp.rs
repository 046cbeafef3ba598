//! The real `schemals serve` driven over stdio by a small LSP client: open a schema file, edit a
//! mistake in, see the error; edit it out, see it cleared.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use schemals_e2e::{repo_root, schemals_binary};
use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    seen: Vec<Value>,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(schemals_binary())
            .arg("serve")
            .current_dir(root)
            .env_remove("SQL_CONNECTION_STRING")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start schemals serve");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, value: Value) {
        let body = serde_json::to_vec(&value).expect("json");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(&body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let message = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.answer_server_request(&message);
            self.seen.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Answers requests the server sends (for example `workspace/configuration`).
    fn answer_server_request(&mut self, message: &Value) {
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
    }

    /// Waits for diagnostics of `uri` that satisfy `accept`, and returns them.
    fn diagnostics_until(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = None;
        for message in std::mem::take(&mut self.seen) {
            if let Some(list) = diagnostics_for(&message, uri) {
                last = Some(list);
            }
        }
        if let Some(list) = &last
            && accept(list)
        {
            return list.clone();
        }
        while let Some(message) = self.recv(deadline) {
            self.answer_server_request(&message);
            if let Some(list) = diagnostics_for(&message, uri) {
                if accept(&list) {
                    return list;
                }
                last = Some(list);
            }
        }
        panic!("diagnostics for {uri} never matched; last published: {last:#?}");
    }

    fn shutdown(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "shutdown failed: {answer}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "server exit status {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit after `exit`"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn diagnostics_for(message: &Value, uri: &str) -> Option<Vec<Value>> {
    if message.get("method")? != "textDocument/publishDiagnostics" {
        return None;
    }
    let params = message.get("params")?;
    if params.get("uri")?.as_str()? != uri {
        return None;
    }
    params.get("diagnostics")?.as_array().cloned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn temp_project(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("schemals-lsp-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("examples/announcement"), &dir);
    dir
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn an_owner_field_typo_appears_as_an_error_and_clears_when_fixed() {
    let root = temp_project("owner");
    let resource = root.join("amplify/data/resource.ts");
    let text = std::fs::read_to_string(&resource).expect("resource.ts");
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "schemals");
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    let errors = |list: &[Value]| list.iter().filter(|d| d["severity"] == 1).count();
    let first = client.diagnostics_until(&uri, |list| errors(list) == 0);
    assert!(
        first.iter().all(|d| d["severity"] != 1),
        "valid example has errors: {first:#?}"
    );

    // Type a typo into the owner field: 'owner' -> 'ownr'.
    let needle = "ownerDefinedIn('owner')";
    let at = text.find(needle).expect("owner rule") + "ownerDefinedIn('".len();
    let line = text[..at].matches('\n').count() as u32;
    let col = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": col + 3}, "end": {"line": line, "character": col + 4}}, "text": ""}
        ]}),
    );
    let with_error = client.diagnostics_until(&uri, |list| errors(list) == 1);
    let error = with_error
        .iter()
        .find(|d| d["severity"] == 1)
        .expect("an error");
    assert_eq!(error["code"], "auth-field-missing");
    assert_eq!(error["message"], "Field ownr isn't defined.");
    assert_eq!(
        error["range"],
        json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 4}})
    );

    // Fix it again.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": line, "character": col + 3}, "end": {"line": line, "character": col + 3}}, "text": "e"}
        ]}),
    );
    client.diagnostics_until(&uri, |list| errors(list) == 0);
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn files_outside_amplify_get_no_diagnostics_and_the_server_keeps_serving() {
    let root = temp_project("outside");
    let outside = root.join("src/app.ts");
    std::fs::create_dir_all(outside.parent().expect("parent")).expect("mkdir");
    let text = "import { a } from '@aws-amplify/backend';\nconst s = a.schema({ T: a.model({ r: a.ref('Missing') }) });\n";
    std::fs::write(&outside, text).expect("write");
    let mut client = Client::start(&root);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let uri = uri_of(&outside);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    // A request afterwards is still answered, and nothing was published for the outside file.
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "no.such.command", "arguments": []}),
    );
    assert!(
        answer.get("error").is_some(),
        "unknown command must be an error: {answer}"
    );
    std::thread::sleep(Duration::from_millis(300));
    while let Ok(message) = client.messages.try_recv() {
        client.seen.push(message);
    }
    assert!(
        client
            .seen
            .iter()
            .all(|m| diagnostics_for(m, &uri).is_none()),
        "diagnostics were published for a file outside amplify/"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}
