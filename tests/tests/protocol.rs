//! Protocol robustness of the real `schemals serve` over stdio: malformed JSON-RPC, unknown
//! methods, requests before `initialize`, positions beyond the end of a line or file, edits for
//! documents never opened, thousands of rapid `didChange` messages with no edit lost, cancellation
//! of a slow request, and a clean exit on `exit` while stdin stays open.
//!
//! After every abuse the same server must still answer a real request correctly: that is what
//! "keeps serving" means here, not merely that the process is alive.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, diagnostics_for, uri_of};
use serde_json::{Value, json};

/// A small DynamoDB schema (no database needed) with one unknown ref, `a.ref('EDIT')`, whose name
/// the diagnostic quotes: the message and range show exactly what the server's text holds there.
const RESOURCE: &str = "import { type ClientSchema, a, defineData } from '@aws-amplify/backend';

// Ünïcödé 😀 before the schema, so UTF-16 columns differ from bytes and chars.
const schema = a.schema({
  Tag: a.customType({ name: a.string() }),
  Todo: a
    .model({
      content: a.string(),
      tag: a.ref('Tag'),
    })
    .authorization((allow) => [allow.owner()]),
  Probe: a.customType({ target: a.ref('EDIT') }),
});

export type Schema = ClientSchema<typeof schema>;
export const data = defineData({ schema });
";

const PROBE_LINE: u32 = 11;

/// A fresh project folder holding `RESOURCE` (or `text`) as `amplify/data/resource.ts`.
fn project(name: &str, text: &str) -> (PathBuf, PathBuf) {
    let root =
        std::env::temp_dir().join(format!("schemals-protocol-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let resource = root.join("amplify/data/resource.ts");
    std::fs::create_dir_all(resource.parent().expect("parent")).expect("mkdir");
    std::fs::write(&resource, text).expect("write resource.ts");
    (root, resource)
}

fn initialize(client: &mut Client, root: &Path) {
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(root), "capabilities": {}}),
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "schemals", "{init}");
    client.notify("initialized", json!({}));
}

fn open(client: &mut Client, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
}

fn error_code(answer: &Value) -> Option<i64> {
    answer.get("error")?.get("code")?.as_i64()
}

/// The names of the document's symbols, depth first: proof that a request is served by a working
/// analysis of the current text.
fn symbol_names(client: &mut Client, uri: &str) -> Vec<String> {
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        answer.get("error").is_none(),
        "documentSymbol failed: {answer}"
    );
    fn walk(symbols: &Value, out: &mut Vec<String>) {
        for s in symbols.as_array().into_iter().flatten() {
            out.push(s["name"].as_str().unwrap_or_default().to_owned());
            walk(&s["children"], out);
        }
    }
    let mut names = Vec::new();
    walk(&answer["result"], &mut names);
    names
}

fn assert_serving(client: &mut Client, uri: &str) {
    let names = symbol_names(client, uri);
    for expected in ["Tag", "Todo", "Probe"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from the symbols {names:?}"
        );
    }
}

/// The answer to request `id`, answering server requests and keeping notifications on the way.
fn answer_to(client: &mut Client, id: &Value, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let message = client
            .recv(deadline)
            .unwrap_or_else(|| panic!("no answer to request {id}"));
        if message.get("id") == Some(id) && message.get("method").is_none() {
            return message;
        }
        client.answer_server_request(&message);
        client.seen.push(message);
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The server's process must end by itself within `within`, with success.
fn assert_exits(client: &mut Client, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(Some(status)) = client.child.try_wait() {
            assert!(status.success(), "server exit status {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "server still running {within:?} after `exit` (stdin still open)"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn malformed_json_rpc_gets_an_error_or_is_skipped_and_the_server_keeps_serving() {
    let (root, resource) = project("malformed", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    assert_serving(&mut client, &uri);

    // A body that is not JSON at all: JSON-RPC's parse error, with a null id.
    client.send_raw(&frame(br#"{"jsonrpc": "2.0", "id": 70, "method": "#));
    let answer = answer_to(&mut client, &Value::Null, Duration::from_secs(10));
    assert_eq!(error_code(&answer), Some(-32700), "{answer}");
    assert_serving(&mut client, &uri);

    // Bytes that are not UTF-8.
    client.send_raw(&frame(
        b"{\"jsonrpc\": \"2.0\", \"id\": 71, \"method\": \"\xff\xfe\"}",
    ));
    let answer = answer_to(&mut client, &Value::Null, Duration::from_secs(10));
    assert_eq!(error_code(&answer), Some(-32700), "{answer}");
    assert_serving(&mut client, &uri);

    // Valid JSON that is not a JSON-RPC message.
    for body in [
        &br#"[1, 2, 3]"#[..],
        br#"{"hello": "world"}"#,
        b"42",
        b"null",
    ] {
        client.send_raw(&frame(body));
        assert_serving(&mut client, &uri);
    }

    // A request with parameters of the wrong shape: invalid params, for that request only.
    let answer = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(error_code(&answer), Some(-32602), "{answer}");
    let answer = client.request("textDocument/completion", json!("not an object"));
    assert_eq!(error_code(&answer), Some(-32602), "{answer}");
    assert_serving(&mut client, &uri);

    // Notifications with wrong parameters are dropped: no answer, no harm.
    client.notify("textDocument/didChange", json!({"contentChanges": 3}));
    client.notify("textDocument/didOpen", json!([]));
    assert_serving(&mut client, &uri);

    // A header without a length, then a length that is not a number: the framing recovers at the
    // next well-formed message.
    client.send_raw(b"Content-Type: application/json\r\n\r\n");
    client.send_raw(b"Content-Length: many\r\n\r\n");
    assert_serving(&mut client, &uri);

    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn unknown_methods_are_method_not_found_and_unknown_notifications_are_ignored() {
    let (root, resource) = project("unknown", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);

    let answer = client.request("schemals/noSuchMethod", json!({}));
    assert_eq!(error_code(&answer), Some(-32601), "{answer}");
    let answer = client.request("$/noSuchRequest", json!(null));
    assert_eq!(error_code(&answer), Some(-32601), "{answer}");
    client.notify("$/noSuchNotification", json!({"x": 1}));
    client.notify("custom/notification", json!([1, 2]));
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "no.such.command", "arguments": []}),
    );
    assert_eq!(error_code(&answer), Some(-32602), "{answer}");
    assert_serving(&mut client, &uri);
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn requests_before_initialize_are_refused_and_initialize_still_works() {
    let (root, resource) = project("before-init", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(error_code(&answer), Some(-32002), "{answer}");
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(error_code(&answer), Some(-32002), "{answer}");
    // Notifications before initialize are dropped, not applied later.
    open(&mut client, &uri, "garbage that would have no symbols");
    initialize(&mut client, &root);
    // A second initialize is an invalid request.
    let again = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    assert_eq!(error_code(&again), Some(-32600), "{again}");
    open(&mut client, &uri, RESOURCE);
    assert_serving(&mut client, &uri);
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn positions_beyond_the_end_of_a_line_or_file_are_clamped() {
    let (root, resource) = project("positions", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    let far = [
        json!({"line": 0, "character": 10_000}),
        json!({"line": 10_000, "character": 0}),
        json!({"line": u32::MAX, "character": u32::MAX}),
        // Inside the surrogate pair of the emoji on line 2 (it starts at UTF-16 column 11).
        json!({"line": 2, "character": 12}),
    ];
    for position in &far {
        let at = json!({"textDocument": {"uri": uri}, "position": position});
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/prepareRename",
            "textDocument/signatureHelp",
        ] {
            let answer = client.request(method, at.clone());
            let code = error_code(&answer);
            // prepareRename may refuse with invalid params ("nothing to rename here"); signature
            // help is not offered; nothing may fail inside the server.
            assert!(
                code.is_none() || code == Some(-32602) || code == Some(-32601),
                "{method} at {position}: {answer}"
            );
        }
        let answer = client.request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri}, "position": position, "context": {"includeDeclaration": true}}),
        );
        assert!(
            answer.get("error").is_none(),
            "references at {position}: {answer}"
        );
        let answer = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        );
        assert!(
            answer.get("error").is_none(),
            "codeAction at {position}: {answer}"
        );
    }

    // An edit whose range lies past the end of its line goes to the line's end; one past the last
    // line goes to the end of the file. The probe's ref name then shows where the text went.
    let probe = RESOURCE
        .lines()
        .nth(PROBE_LINE as usize)
        .expect("probe line");
    let ref_start = utf16_len(&probe[..probe.find("EDIT").expect("EDIT")]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            // Replace "EDIT')" .. past the end of the line with "Z'), t2: a.ref('Y') });".
            {"range": {"start": {"line": PROBE_LINE, "character": ref_start}, "end": {"line": PROBE_LINE, "character": 5_000}},
             "text": "Z'), t2: a.ref('Y') }),"},
            {"range": {"start": {"line": 9_999, "character": 0}, "end": {"line": 10_000, "character": 7}},
             "text": "// appended at the end\n"},
        ]}),
    );
    let expected_text = {
        let mut lines: Vec<String> = RESOURCE.lines().map(str::to_owned).collect();
        lines[PROBE_LINE as usize] = format!(
            "{}Z'), t2: a.ref('Y') }}),",
            &probe[..probe.find("EDIT").expect("EDIT")]
        );
        let mut text = lines.join("\n");
        text.push_str("\n// appended at the end\n");
        text
    };
    let errors = client.diagnostics_until(&uri, |list| {
        list.iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains(" Y ")))
    });
    let messages: Vec<&str> = errors
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "Invalid ref. Probe is referring to Z which is not defined in the schema",
            "Invalid ref. Probe is referring to Y which is not defined in the schema",
        ],
        "{errors:#?}"
    );
    assert_same_answers(&mut client, &uri, errors, &expected_text, "positions");
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn edits_and_requests_for_documents_never_opened_are_harmless() {
    let (root, resource) = project("never-opened", RESOURCE);
    let uri = uri_of(&resource);
    let never = uri_of(&root.join("amplify/data/never.ts"));
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    for target in [
        never.as_str(),
        "untitled:Untitled-1",
        "https://example.com/x.ts",
    ] {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": target, "version": 7}, "contentChanges": [
                {"range": {"start": {"line": 3, "character": 1}, "end": {"line": 0, "character": 0}}, "text": "x"},
                {"text": "entire replacement"}
            ]}),
        );
        client.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": target}}),
        );
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": target}}),
        );
        let answer = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": target}, "position": {"line": 0, "character": 0}}),
        );
        assert!(answer.get("error").is_none(), "hover on {target}: {answer}");
        assert_eq!(answer["result"], Value::Null, "hover on {target}: {answer}");
    }
    // The open document was not touched by any of it.
    let diagnostics = settled_diagnostics(&mut client, &uri, RESOURCE);
    assert_same_answers(&mut client, &uri, diagnostics, RESOURCE, "never-opened");
    std::thread::sleep(Duration::from_millis(200));
    while let Ok(message) = client.messages.try_recv() {
        client.answer_server_request(&message);
        client.seen.push(message);
    }
    assert!(
        client
            .seen
            .iter()
            .all(|m| diagnostics_for(m, &never).is_none()),
        "diagnostics were published for a document never opened (and absent on disk)"
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

fn utf16_len(text: &str) -> u32 {
    text.chars().map(|c| c.len_utf16() as u32).sum()
}

/// What the server answers about a document: symbols with ranges, semantic tokens, code actions
/// over the whole file, and the diagnostics published once they settle.
fn answers(client: &mut Client, uri: &str, diagnostics: Vec<Value>) -> Value {
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10_000, "character": 0}}, "context": {"diagnostics": []}}),
    );
    json!({
        "diagnostics": diagnostics,
        "symbols": symbols["result"],
        "tokens": tokens["result"],
        "actions": actions["result"],
    })
}

/// Waits for the published diagnostics that name the probe's ref as `text` has it.
fn settled_diagnostics(client: &mut Client, uri: &str, text: &str) -> Vec<Value> {
    let marker = probe_ref_message(text);
    client.diagnostics_until(uri, |list| {
        list.iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains(&marker)))
    })
}

/// The edited session's answers (with its settled `diagnostics`) must equal those of a fresh
/// server that opens `expected_text`, the client's own idea of the text: a lost or misplaced edit
/// shows as a difference.
fn assert_same_answers(
    client: &mut Client,
    uri: &str,
    diagnostics: Vec<Value>,
    expected_text: &str,
    name: &str,
) {
    let edited = answers(client, uri, diagnostics);
    let (fresh_root, fresh_resource) = project(&format!("{name}-fresh"), expected_text);
    let fresh_uri = uri_of(&fresh_resource);
    let mut fresh = Client::start(&fresh_root);
    initialize(&mut fresh, &fresh_root);
    open(&mut fresh, &fresh_uri, expected_text);
    let fresh_diagnostics = settled_diagnostics(&mut fresh, &fresh_uri, expected_text);
    let reference = answers(&mut fresh, &fresh_uri, fresh_diagnostics);
    fresh.shutdown();
    let _ = std::fs::remove_dir_all(&fresh_root);
    let normalize = |v: Value| -> Value {
        serde_json::from_str(&v.to_string().replace(&fresh_uri, uri)).expect("json")
    };
    assert_eq!(
        edited,
        normalize(reference),
        "the server's text differs from the client's"
    );
}

/// The message of the unknown-ref diagnostic of the first probe ref, which names its text.
fn probe_ref_message(text: &str) -> String {
    let line = text.lines().nth(PROBE_LINE as usize).unwrap_or_default();
    let name = line
        .split_once("a.ref('")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(name, _)| name)
        .unwrap_or_default();
    format!("Probe is referring to {name} which")
}

/// A tiny deterministic generator, so a failure replays.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn thousands_of_rapid_changes_lose_no_edit() {
    let (root, resource) = project("rapid", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    assert_serving(&mut client, &uri);

    let probe = RESOURCE
        .lines()
        .nth(PROBE_LINE as usize)
        .expect("probe line");
    let prefix = &probe[..probe.find("EDIT").expect("EDIT")];
    let base = utf16_len(prefix);
    // The client's copy of the ref name, edited in step with the server's.
    let mut name: Vec<char> = "EDIT".chars().collect();
    let alphabet = ['a', 'B', '_', '7', 'é', '東', '😀'];
    let column = |name: &[char], at: usize| {
        base + name[..at].iter().map(|c| c.len_utf16() as u32).sum::<u32>()
    };
    let mut rng = Lcg(7);
    let started = Instant::now();
    const NOTIFICATIONS: i64 = 3_000;
    for version in 2..2 + NOTIFICATIONS {
        // Most notifications carry one change, some several, applied in order.
        let count = if version % 10 == 0 { 3 } else { 1 };
        let mut changes = Vec::new();
        for _ in 0..count {
            let at = rng.below(name.len() + 1);
            if rng.below(3) == 0 && at < name.len() {
                let (from, to) = (column(&name, at), column(&name, at + 1));
                name.remove(at);
                changes.push(json!({"range": {"start": {"line": PROBE_LINE, "character": from}, "end": {"line": PROBE_LINE, "character": to}}, "text": ""}));
            } else {
                let c = alphabet[rng.below(alphabet.len())];
                let from = column(&name, at);
                name.insert(at, c);
                changes.push(json!({"range": {"start": {"line": PROBE_LINE, "character": from}, "end": {"line": PROBE_LINE, "character": from}}, "text": c.to_string()}));
            }
        }
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }
    // A last edit no earlier text had, so the diagnostics that name it are those of the end state.
    let end = column(&name, name.len());
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2 + NOTIFICATIONS}, "contentChanges": [
            {"range": {"start": {"line": PROBE_LINE, "character": end}, "end": {"line": PROBE_LINE, "character": end}}, "text": "Final"}
        ]}),
    );
    name.extend("Final".chars());
    let final_name: String = name.iter().collect();
    let expected_text = RESOURCE.replacen("a.ref('EDIT')", &format!("a.ref('{final_name}')"), 1);
    let diagnostics = client.diagnostics_until(&uri, |list| {
        list.iter().any(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains(&final_name))
        })
    });
    eprintln!(
        "{NOTIFICATIONS} didChange notifications sent and analysed in {:?}; final name has {} chars",
        started.elapsed(),
        name.len()
    );
    let unknown_ref = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-ref")
        .expect("the unknown ref");
    assert_eq!(
        unknown_ref["message"],
        format!(
            "Invalid ref. Probe is referring to {final_name} which is not defined in the schema"
        )
    );
    assert_eq!(
        unknown_ref["range"],
        json!({"start": {"line": PROBE_LINE, "character": base}, "end": {"line": PROBE_LINE, "character": end + 5}})
    );
    assert_same_answers(&mut client, &uri, diagnostics, &expected_text, "rapid");
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_slow_request_can_be_cancelled_and_the_server_keeps_serving() {
    // A schema file of many models: building its snapshot and running every check for a code
    // action over the whole file takes long enough to cancel the request while it runs.
    let mut text = String::from(RESOURCE);
    let mut models = String::new();
    for i in 0..5_000 {
        models.push_str(&format!(
            "  M{i}: a.model({{ f: a.string(), r: a.ref('Tag'), m: a.ref('Missing{i}') }}).authorization((allow) => [allow.owner()]),\n"
        ));
    }
    text = text.replacen("  Probe:", &format!("{models}  Probe:"), 1);
    let (root, resource) = project("cancel", &text);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    initialize(&mut client, &root);
    open(&mut client, &uri, &text);
    let id = json!(9_001);
    let started = Instant::now();
    client.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params":
        {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 30_000, "character": 0}}, "context": {"diagnostics": []}}}));
    client.notify("$/cancelRequest", json!({"id": id}));
    let answer = answer_to(&mut client, &id, Duration::from_secs(60));
    eprintln!("cancelled request answered after {:?}", started.elapsed());
    assert_eq!(error_code(&answer), Some(-32800), "{answer}");
    // Cancelling a request that is not running, or with a bad id, is harmless.
    client.notify("$/cancelRequest", json!({"id": 123_456}));
    client.notify("$/cancelRequest", json!({"id": {"not": "an id"}}));
    let names = symbol_names(&mut client, &uri);
    assert!(
        names.iter().any(|n| n == "M4999"),
        "{} symbols",
        names.len()
    );
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn exit_ends_the_server_at_once_with_stdin_still_open() {
    // A database that accepts connections and never answers: the catalog load hangs on it, and
    // `exit` must not wait for it.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let (root, resource) = project("exit", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start(&root);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {},
               "initializationOptions": {"databaseUrl": format!("postgres://app@127.0.0.1:{port}/app")}}),
    );
    assert!(init.get("error").is_none(), "{init}");
    client.notify("initialized", json!({}));
    open(&mut client, &uri, RESOURCE);
    assert_serving(&mut client, &uri);
    let answer = client.request("shutdown", Value::Null);
    assert!(answer.get("error").is_none(), "{answer}");
    let asked = Instant::now();
    client.notify("exit", Value::Null);
    assert_exits(&mut client, Duration::from_secs(3));
    eprintln!("exited {:?} after `exit`", asked.elapsed());
    drop(silent);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn exit_without_shutdown_ends_the_server_too() {
    let (root, resource) = project("exit-now", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start_with(&root, |command| {
        command.stderr(Stdio::piped());
    });
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    assert_serving(&mut client, &uri);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(3);
    let status = loop {
        if let Ok(Some(status)) = client.child.try_wait() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server still running after `exit`"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut log = String::new();
    if let Some(mut stderr) = client.child.stderr.take() {
        let _ = stderr.read_to_string(&mut log);
    }
    assert!(!log.contains("panicked"), "{log}");
    eprintln!("exit without shutdown: {status}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_panic_inside_one_request_is_answered_as_an_error_and_the_server_keeps_serving() {
    // A debug build of the server panics in every hover when this variable is set: the fault
    // stands for any bug in one feature.
    let (root, resource) = project("panic", RESOURCE);
    let uri = uri_of(&resource);
    let mut client = Client::start_with(&root, |command| {
        command.env("SCHEMALS_TEST_PANIC_IN_HOVER", "1");
    });
    initialize(&mut client, &root);
    open(&mut client, &uri, RESOURCE);
    let position = json!({"line": PROBE_LINE, "character": 34});
    for _ in 0..3 {
        let answer = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        assert_eq!(
            error_code(&answer),
            Some(-32603),
            "hover must fail as an internal error: {answer}"
        );
        // Other requests are still served from a working analysis.
        assert_serving(&mut client, &uri);
    }
    // And diagnostics still follow edits.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": RESOURCE.replace("a.ref('EDIT')", "a.ref('Tag')")}]}),
    );
    let errors = |list: &[Value]| list.iter().filter(|d| d["severity"] == 1).count();
    client.diagnostics_until(&uri, |list| errors(list) == 0);
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}
