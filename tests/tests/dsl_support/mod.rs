//! A session of the real `schemals serve` on a copy of the `blog` fixture (a PostgreSQL
//! `schema.sql.ts`, a `resource.ts`, and a catalog snapshot with foreign keys), for the DSL
//! feature tests: documents are replaced whole, a `$0` marks the cursor, and workspace edits are
//! applied to the texts the way an editor would.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, copy_dir, uri_of};
use schemals_e2e::repo_root;
use serde_json::{Value, json};

pub const RESOURCE: &str = "amplify/data/resource.ts";
pub const GENERATED: &str = "amplify/data/schema.sql.ts";

/// The blog fixture's folder.
pub fn fixture_dir() -> PathBuf {
    repo_root().join("server/ide/tests/fixtures/blog")
}

pub fn fixture_text(rel: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(rel)).expect("fixture file")
}

/// A fresh copy of the blog fixture in a temporary folder named after `name`.
pub fn temp_blog(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("schemals-dsl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture_dir(), &dir);
    dir
}

/// The LSP position of a byte offset (UTF-16 characters).
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[line_start..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The byte offset of an LSP position.
pub fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= character || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

pub struct Session {
    pub client: Client,
    pub root: PathBuf,
    /// The open documents' texts by path relative to the root.
    pub texts: BTreeMap<String, String>,
    versions: BTreeMap<String, i64>,
    /// The cursor of the last `set` with a `$0`: document and byte offset.
    pub cursor: Option<(String, usize)>,
}

impl Session {
    /// Starts the server on a copy of the blog fixture and opens its two schema files.
    pub fn start(name: &str) -> Session {
        let root = temp_blog(name);
        let mut client = Client::start(&root);
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "schemals");
        client.notify("initialized", json!({}));
        let mut session = Session {
            client,
            root,
            texts: BTreeMap::new(),
            versions: BTreeMap::new(),
            cursor: None,
        };
        for rel in [GENERATED, RESOURCE] {
            let text = fixture_text(rel);
            let uri = session.uri(rel);
            session.client.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
            );
            session.texts.insert(rel.to_owned(), text);
            session.versions.insert(rel.to_owned(), 1);
        }
        session.wait_for_catalog();
        session
    }

    pub fn uri(&self, rel: &str) -> String {
        uri_of(&self.root.join(rel))
    }

    pub fn rel_of(&self, uri: &str) -> String {
        let root = uri_of(&self.root);
        uri.strip_prefix(&root)
            .map(|r| r.trim_start_matches('/').to_owned())
            .unwrap_or_else(|| panic!("{uri} is outside the project"))
    }

    /// The catalog snapshot loads in the background: hover on a model until it names the table.
    fn wait_for_catalog(&mut self) {
        let text = self.texts[RESOURCE].clone();
        let at = text.find("models.Post.").expect("models.Post") + "models.".len();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let answer = self.request_at("textDocument/hover", RESOURCE, at, json!({}));
            let value = answer["result"]["contents"]["value"].as_str().unwrap_or("");
            if value.contains("table `public.posts`") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the catalog never loaded: {answer}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Replaces a document's text; a `$0` in it marks the cursor (and is removed).
    pub fn set(&mut self, rel: &str, text: &str) {
        let text = match text.find("$0") {
            Some(at) => {
                self.cursor = Some((rel.to_owned(), at));
                text.replacen("$0", "", 1)
            }
            None => text.to_owned(),
        };
        let version = self.versions.get(rel).copied().unwrap_or(1) + 1;
        self.versions.insert(rel.to_owned(), version);
        let uri = self.uri(rel);
        self.client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
        self.texts.insert(rel.to_owned(), text);
    }

    /// The fixture's text of `rel` with one replacement, set as the document.
    pub fn set_replaced(&mut self, rel: &str, from: &str, to: &str) {
        let original = fixture_text(rel);
        assert!(original.contains(from), "{rel} has no {from:?}");
        self.set(rel, &original.replacen(from, to, 1));
    }

    /// Both documents back to the fixture.
    pub fn reset(&mut self) {
        for rel in [GENERATED, RESOURCE] {
            let text = fixture_text(rel);
            if self.texts[rel] != text {
                self.set(rel, &text);
            }
        }
    }

    pub fn request_at(&mut self, method: &str, rel: &str, at: usize, extra: Value) -> Value {
        let mut params = json!({
            "textDocument": {"uri": self.uri(rel)},
            "position": position(&self.texts[rel], at),
        });
        if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                params.insert(k.clone(), v.clone());
            }
        }
        let answer = self.client.request(method, params);
        assert!(
            answer.get("error").is_none()
                || method == "textDocument/prepareRename"
                || method == "textDocument/rename",
            "{method} failed: {answer}"
        );
        answer
    }

    /// A request at the cursor of the last `set`.
    pub fn at_cursor(&mut self, method: &str, extra: Value) -> Value {
        let (rel, at) = self.cursor.clone().expect("a $0 cursor");
        self.request_at(method, &rel, at, extra)
    }

    /// `file:text` of an LSP location.
    pub fn location_text(&self, location: &Value) -> String {
        let rel = self.rel_of(location["uri"].as_str().expect("uri"));
        let text = &self.texts[&rel];
        let start = offset(text, &location["range"]["start"]);
        let end = offset(text, &location["range"]["end"]);
        let name = Path::new(&rel)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        format!("{name}:{}", &text[start..end])
    }

    /// The texts after a workspace edit (`changes` form), by relative path, for the files it
    /// touches.
    pub fn apply(&self, edit: &Value) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let changes = edit["changes"]
            .as_object()
            .expect("a workspace edit with changes");
        for (uri, edits) in changes {
            let rel = self.rel_of(uri);
            let mut text = self.texts[&rel].clone();
            let mut ranges: Vec<(usize, usize, String)> = edits
                .as_array()
                .expect("edits")
                .iter()
                .map(|e| {
                    (
                        offset(&text, &e["range"]["start"]),
                        offset(&text, &e["range"]["end"]),
                        e["newText"].as_str().expect("newText").to_owned(),
                    )
                })
                .collect();
            ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
            for (start, end, new_text) in ranges {
                text.replace_range(start..end, &new_text);
            }
            out.insert(rel, text);
        }
        out
    }

    /// The code actions at the cursor.
    pub fn code_actions(&mut self) -> Vec<Value> {
        let (rel, at) = self.cursor.clone().expect("a $0 cursor");
        let pos = position(&self.texts[&rel], at);
        let uri = self.uri(&rel);
        let answer = self.client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}),
        );
        answer["result"].as_array().cloned().unwrap_or_default()
    }

    /// The texts after the code action titled `title` at the cursor.
    pub fn after_action(&mut self, title: &str) -> BTreeMap<String, String> {
        let actions = self.code_actions();
        let action = actions
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| {
                let titles: Vec<&Value> = actions.iter().map(|a| &a["title"]).collect();
                panic!("no action {title:?}; offered: {titles:#?}")
            });
        self.apply(&action["edit"])
    }

    pub fn finish(self) {
        let root = self.root.clone();
        self.client.shutdown();
        let _ = std::fs::remove_dir_all(root);
    }
}
