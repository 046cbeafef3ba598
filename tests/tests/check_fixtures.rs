//! Every case under `tests/fixtures/check/` is a small project whose files carry their expected
//! diagnostics as annotation comments. The real binary checks each case; what it reports must
//! equal the annotations exactly: code, message, severity and range.

use std::process::Command;

use schemals_e2e::{Expected, files_below, parse_annotations, repo_root, schemals_binary};

fn actual(case: &std::path::Path) -> (Vec<Expected>, i32, String) {
    let output = Command::new(schemals_binary())
        .arg("check")
        .arg(case)
        .args(["--format", "json"])
        .env_remove("SQL_CONNECTION_STRING")
        .output()
        .expect("run schemals");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let items: Vec<serde_json::Value> = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {stdout}\n{stderr}", case.display()));
    let canonical = std::fs::canonicalize(case).expect("case folder");
    let mut list: Vec<Expected> = items
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap_or_default();
            let rel = std::path::Path::new(path)
                .strip_prefix(&canonical)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| path.to_owned());
            let start = &d["range"]["start"];
            let end = &d["range"]["end"];
            Expected {
                path: rel,
                line: start["line"].as_u64().unwrap_or(0) as u32,
                start: start["character"].as_u64().unwrap_or(0) as u32,
                // A range that ends on a later line is shown ending at the first line's end.
                end: if end["line"] == start["line"] {
                    end["character"].as_u64().unwrap_or(0) as u32
                } else {
                    u32::MAX
                },
                severity: d["severity"].as_str().unwrap_or_default().to_owned(),
                code: d["code"].as_str().unwrap_or_default().to_owned(),
                message: d["message"].as_str().unwrap_or_default().to_owned(),
            }
        })
        .collect();
    list.sort();
    (list, output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn every_fixture_reports_exactly_its_annotations() {
    let fixtures = repo_root().join("tests/fixtures/check");
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures/check")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "too few fixture cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut expected = Vec::new();
        for rel in files_below(case) {
            let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "ts" | "sql" | "mts" | "js" | "mjs") {
                continue;
            }
            let text = std::fs::read_to_string(case.join(&rel)).expect("fixture file");
            expected.extend(parse_annotations(&rel.display().to_string(), &text));
        }
        expected.sort();
        let (actual, status, stderr) = actual(case);
        let has_error = expected.iter().any(|e| e.severity == "error");
        let want_status = if has_error { 1 } else { 0 };
        if actual != expected || status != want_status {
            let missing: Vec<String> = expected
                .iter()
                .filter(|e| !actual.contains(e))
                .map(|e| format!("  missing:    {e}"))
                .collect();
            let extra: Vec<String> = actual
                .iter()
                .filter(|a| !expected.contains(a))
                .map(|a| format!("  unexpected: {a}"))
                .collect();
            failures.push(format!(
                "{} (exit {status}, want {want_status}):\n{}\n{}\n{stderr}",
                case.file_name().unwrap_or_default().to_string_lossy(),
                missing.join("\n"),
                extra.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn annotation_reader_reads_ranges_in_utf16_columns() {
    // 'a' is the 16th character but, after an emoji (two UTF-16 units), UTF-16 column 16.
    let text = "  const x = 'é😀ab';\n//             ^^ error[code-x]: a message\n";
    let got = parse_annotations("f.ts", text);
    assert_eq!(
        got,
        vec![Expected {
            path: "f.ts".into(),
            line: 0,
            start: 16,
            end: 18,
            severity: "error".into(),
            code: "code-x".into(),
            message: "a message".into(),
        }]
    );
}
