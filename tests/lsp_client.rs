//! A small LSP client over stdio for driving the real `schemals serve` in tests: framing,
//! requests with answers, notifications, and waiting for published diagnostics.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{repo_root, schemals_binary};

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    pub messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pub seen: Vec<Value>,
}

impl Client {
    pub fn start(root: &Path) -> Client {
        Client::start_with(root, |_| {})
    }

    /// Starts the server with a command that `configure` may change first (environment, a piped
    /// stderr to read the log, which the caller then takes from `child.stderr`).
    pub fn start_with(root: &Path, configure: impl FnOnce(&mut Command)) -> Client {
        let mut command = Command::new(schemals_binary());
        command
            .arg("serve")
            .current_dir(root)
            .env_remove("SQL_CONNECTION_STRING")
            // No evaluation saved between the tests' sessions (tests/tests/saved_evaluation.rs
            // turns it on for its own).
            .env("SCHEMALS_CACHE_DIR", "")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        configure(&mut command);
        let mut child = command.spawn().expect("start schemals serve");
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

    pub fn send(&mut self, value: Value) {
        let body = serde_json::to_vec(&value).expect("json");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(&body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    /// Writes bytes as they are, framing included: for malformed messages.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
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

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.messages.recv_timeout(left).ok()
    }

    /// Answers requests the server sends (for example `workspace/configuration`).
    pub fn answer_server_request(&mut self, message: &Value) {
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
    }

    /// Waits for diagnostics of `uri` that satisfy `accept`, and returns them.
    pub fn diagnostics_until(
        &mut self,
        uri: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
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

    pub fn shutdown(mut self) {
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

pub fn diagnostics_for(message: &Value, uri: &str) -> Option<Vec<Value>> {
    if message.get("method")? != "textDocument/publishDiagnostics" {
        return None;
    }
    let params = message.get("params")?;
    if params.get("uri")?.as_str()? != uri {
        return None;
    }
    params.get("diagnostics")?.as_array().cloned()
}

pub fn copy_dir(from: &Path, to: &Path) {
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

/// A fresh copy of `examples/<example>` in a temporary folder named after `name`.
pub fn temp_project(example: &str, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("schemals-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("examples").join(example), &dir);
    dir
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}
