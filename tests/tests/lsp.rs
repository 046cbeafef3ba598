//! The real `schemals serve` driven over stdio by a small LSP client: open a schema file, edit a
//! mistake in, see the error; edit it out, see it cleared.

use std::time::Duration;

use schemals_e2e::lsp_client::{Client, diagnostics_for, temp_project, uri_of};
use serde_json::{Value, json};

#[test]
fn an_owner_field_typo_appears_as_an_error_and_clears_when_fixed() {
    let root = temp_project("announcement", "owner");
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
    let root = temp_project("announcement", "outside");
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
        client.answer_server_request(&message);
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
