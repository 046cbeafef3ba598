//! The language server saves its evaluation of the generated `schema.sql.ts` for the next
//! session, which then neither parses nor evaluates that file: the real binary over four sessions
//! in one cache folder, each one's diagnostics those of the files as they are.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, temp_project, uri_of};
use serde_json::{Value, json};

/// One session: opens `resource.ts`, returns its first diagnostics and the server's debug log.
fn session(root: &Path, cache: &Path, name: &str) -> (Vec<Value>, String) {
    let log = root.join(format!("{name}.log"));
    let log_file = std::fs::File::create(&log).expect("log file");
    let mut client = Client::start_with(root, |command| {
        command
            .env("SCHEMALS_CACHE_DIR", cache)
            .env("SCHEMALS_LOG", "schemals=debug")
            .stderr(Stdio::from(log_file));
    });
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let resource = root.join("amplify/data/resource.ts");
    let text = std::fs::read_to_string(&resource).expect("resource.ts");
    let uri = uri_of(&resource);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics_until(&uri, |_| true);
    client.shutdown();
    (
        diagnostics,
        std::fs::read_to_string(&log).unwrap_or_default(),
    )
}

/// The saved evaluation files of `cache` with their bytes, once one is there and none holds
/// `other_than` (the server writes after its first publish, and may finish after its exit).
fn saved_files(cache: &Path, other_than: Option<&[u8]>) -> Vec<(PathBuf, Vec<u8>)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(cache)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "bin"))
                    .filter_map(|p| Some((p.clone(), std::fs::read(&p).ok()?)))
                    .collect()
            })
            .unwrap_or_default();
        let fresh =
            !found.is_empty() && found.iter().all(|(_, b)| Some(b.as_slice()) != other_than);
        if fresh || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn codes_and_messages(diagnostics: &[Value]) -> Vec<(String, String, Value)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
                d["range"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_next_session_takes_the_saved_evaluation_only_while_it_applies() {
    let root = temp_project("announcement", "saved-evaluation");
    let cache = root.join("cache");
    let resource = root.join("amplify/data/resource.ts");
    let generated = root.join("amplify/data/schema.sql.ts");
    // An error that needs the generated model to be found: the owner field is misspelt.
    let text = std::fs::read_to_string(&resource).expect("resource.ts");
    std::fs::write(
        &resource,
        text.replace("ownerDefinedIn('owner')", "ownerDefinedIn('ownr')"),
    )
    .expect("write resource.ts");
    let restored_line = format!("saved evaluation of {} restored", generated.display());

    let (first, log) = session(&root, &cache, "first");
    let expected = codes_and_messages(&first);
    assert!(
        expected
            .iter()
            .any(|(code, message, _)| code == "auth-field-missing"
                && message == "Field ownr isn't defined."),
        "{first:#?}"
    );
    assert!(!log.contains(&restored_line), "{log}");
    let saved = saved_files(&cache, None);
    assert_eq!(saved.len(), 1, "one evaluation saved");
    let first_saved = saved[0].1.clone();

    // The next session restores it and finds the same.
    let (second, log) = session(&root, &cache, "second");
    assert!(log.contains(&restored_line), "{log}");
    assert_eq!(codes_and_messages(&second), expected);

    // The generated file changed (the column exists now): the saved evaluation does not apply.
    let schema = std::fs::read_to_string(&generated).expect("schema.sql.ts");
    std::fs::write(
        &generated,
        schema.replace("\"owner\": a.string()", "\"ownr\": a.string()"),
    )
    .expect("write schema.sql.ts");
    let (third, log) = session(&root, &cache, "third");
    assert!(!log.contains(&restored_line), "{log}");
    assert!(
        !third.iter().any(|d| d["code"] == "auth-field-missing"),
        "{third:#?}"
    );

    // The third session saved the new text's evaluation over the old one; damaged (one byte
    // of its record changed), it is ignored and the file is evaluated as usual.
    let saved = saved_files(&cache, Some(&first_saved));
    assert_eq!(saved.len(), 1, "one evaluation saved");
    let (path, mut bytes) = saved.into_iter().next().expect("saved file");
    assert_ne!(bytes, first_saved, "the third session saved its evaluation");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&path, &bytes).expect("damage it");
    let (fourth, log) = session(&root, &cache, "fourth");
    assert!(!log.contains(&restored_line), "{log}");
    assert_eq!(codes_and_messages(&fourth), codes_and_messages(&third));
    let _ = std::fs::remove_dir_all(&root);
}
