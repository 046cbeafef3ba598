//! The real `schemals serve` driven over stdio by a small LSP client: open a schema file, edit a
//! mistake in, see the error; edit it out, see it cleared.

use std::process::Stdio;
use std::time::{Duration, Instant};

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

/// The generated file, opened after the first analysis (which keeps its evaluation, not its
/// tree), is parsed off the message loop when it opens: its first change re-parses the edited
/// string alone instead of parsing the whole file on the way to the keystroke's diagnostics, and the
/// diagnostics are those of the edited text.
#[test]
fn an_opened_generated_file_is_parsed_ahead_of_its_first_change() {
    let root = temp_project("announcement", "parse-ahead");
    let log = root.join("server.log");
    let log_file = std::fs::File::create(&log).expect("log file");
    let mut client = Client::start_with(&root, |command| {
        command
            .env("SCHEMALS_LOG", "schemals=debug")
            .stderr(Stdio::from(log_file));
    });
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let open = |client: &mut Client, name: &str| {
        let path = root.join("amplify/data").join(name);
        let text = std::fs::read_to_string(&path).expect("example file");
        let uri = uri_of(&path);
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        );
        (path, uri, text)
    };
    let auth_errors = |list: &[Value]| {
        list.iter()
            .filter(|d| d["code"] == "auth-field-missing")
            .cloned()
            .collect::<Vec<_>>()
    };
    let (_, resource_uri, resource_text) = open(&mut client, "resource.ts");
    client.diagnostics_until(&resource_uri, |list| auth_errors(list).is_empty());
    let (generated, generated_uri, generated_text) = open(&mut client, "schema.sql.ts");
    client.diagnostics_until(&generated_uri, |_| true);
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let parsed_ahead = format!("{} parsed ahead of its first change", generated.display());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !read_log().contains(&parsed_ahead) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        read_log().contains(&parsed_ahead),
        "the opened file was not parsed ahead:\n{}",
        read_log()
    );

    // The owner column renamed in the generated file: the rule of resource.ts names a field the
    // model no longer has.
    let at = generated_text.find("\"owner\"").expect("owner field") + 1;
    let line = generated_text[..at].matches('\n').count() as u32;
    let col = (at - generated_text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": generated_uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": line, "character": col + 3}, "end": {"line": line, "character": col + 4}}, "text": ""}
        ]}),
    );
    let errors =
        auth_errors(&client.diagnostics_until(&resource_uri, |list| !auth_errors(list).is_empty()));
    let rule = resource_text
        .find("ownerDefinedIn('owner')")
        .expect("owner rule")
        + "ownerDefinedIn('".len();
    let rule_line = resource_text[..rule].matches('\n').count() as u32;
    let rule_col = (rule - resource_text[..rule].rfind('\n').map_or(0, |i| i + 1)) as u32;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["message"], "Field owner isn't defined.");
    assert_eq!(
        errors[0]["range"],
        json!({"start": {"line": rule_line, "character": rule_col},
               "end": {"line": rule_line, "character": rule_col + 5}})
    );
    let log_text = read_log();
    let first_change = format!("{} re-parsed", generated.display());
    let how: Vec<&str> = log_text
        .lines()
        .filter(|l| l.contains(&first_change))
        .collect();
    assert!(
        how.first()
            .is_some_and(|l| l.ends_with("re-parsed by region")),
        "the first change did not re-parse by region:\n{log_text}"
    );

    // The column back: the error clears.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": generated_uri, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": line, "character": col + 3}, "end": {"line": line, "character": col + 3}}, "text": "e"}
        ]}),
    );
    client.diagnostics_until(&resource_uri, |list| auth_errors(list).is_empty());
    client.shutdown();
    let _ = std::fs::remove_dir_all(&root);
}
