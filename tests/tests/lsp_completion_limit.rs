//! A completion with more candidates than the server sends: the real `schemals serve` over stdio on
//! notes-events whose catalog snapshot gains 150 more tables. The answer holds the best-ranked
//! 100 items and says it is incomplete, so the editor asks again as the prefix grows; a prefix that
//! leaves fewer candidates gets all of them, complete.

use schemals_e2e::lsp_client::{Client, temp_project, uri_of};
use serde_json::{Value, json};

fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn labels(result: &Value) -> Vec<String> {
    let mut items: Vec<(String, String)> = result["items"]
        .as_array()
        .expect("a completion list")
        .iter()
        .map(|i| {
            (
                i["sortText"].as_str().unwrap_or_default().to_owned(),
                i["label"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    items.sort();
    items.into_iter().map(|(_, label)| label).collect()
}

#[test]
fn a_large_catalog_answers_the_best_hundred_tables_marked_incomplete() {
    let root = temp_project("notes-events", "completion-limit");
    let snapshot_path = root.join("amplify/data/schemals-catalog.json");
    let mut catalog: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot_path).expect("snapshot"))
            .expect("snapshot JSON");
    let tables = catalog["tables"].as_array_mut().expect("tables");
    let notes = tables
        .iter()
        .find(|t| t["name"] == "notes")
        .expect("a notes table")
        .clone();
    for i in 0..150 {
        let mut extra = notes.clone();
        extra["name"] = json!(format!("zz_extra_{i:03}"));
        extra["foreign_keys"] = json!([]);
        tables.push(extra);
    }
    std::fs::write(&snapshot_path, catalog.to_string()).expect("write snapshot");

    let resource = root.join("amplify/data/resource.ts");
    let text = std::fs::read_to_string(&resource).expect("resource.ts");
    let at = text.find("FROM events").expect("SQL names events") + "FROM ".len();
    let uri = uri_of(&resource);
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
    let complete_at = |client: &mut Client, text: &str, at: usize| {
        let answer = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position(text, at)}),
        );
        assert!(answer.get("error").is_none(), "completion failed: {answer}");
        answer["result"].clone()
    };
    // The snapshot loads in the background: ask until the catalog's tables are offered.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let result = loop {
        let result = complete_at(&mut client, &text, at);
        if result["items"]
            .as_array()
            .is_some_and(|items| items.len() > 5)
        {
            break result;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the catalog never loaded"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(result["isIncomplete"], json!(true));
    let offered = labels(&result);
    assert_eq!(offered.len(), 100);
    // The tables behind models rank first, then the rest by name.
    assert_eq!(offered[..2], ["events", "notes"]);
    assert!(offered.contains(&"zz_extra_000".to_owned()));
    assert!(!offered.contains(&"zz_extra_149".to_owned()));

    // Typing `zz_extra_14` leaves ten candidates: all of them, complete.
    let typed = format!("{}zz_extra_14{}", &text[..at], &text[at..]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typed}]}),
    );
    let result = complete_at(&mut client, &typed, at + "zz_extra_14".len());
    assert_eq!(result["isIncomplete"], json!(false));
    let expected: Vec<String> = (140..150).map(|i| format!("zz_extra_{i:03}")).collect();
    assert_eq!(labels(&result), expected);

    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}
