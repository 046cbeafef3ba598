//! Resource limits of the real binary: a 50 MB `resource.ts` (on disk and opened in the editor),
//! a 10 MB SQL string, deeply nested expressions and pathological SQL all get an answer within
//! bounded time and memory, or a clear "too large" message. Times and peak memory are printed;
//! the bounds asserted are generous, there only to catch hangs and blow-ups, not to benchmark.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemals_e2e::lsp_client::{Client, copy_dir, uri_of};
use schemals_e2e::{repo_root, schemals_binary};
use serde_json::{Value, json};

/// Far above what any case takes on a loaded 2-core machine in a debug build.
const TIME_BOUND: Duration = Duration::from_secs(120);
const MEMORY_BOUND_KB: u64 = 3 * 1024 * 1024;

struct TempProject {
    root: PathBuf,
}

impl TempProject {
    /// A copy of `examples/<example>` with `resource.ts` replaced by `resource(original)`.
    fn from_example(example: &str, name: &str, resource: impl FnOnce(&str) -> String) -> Self {
        let root =
            std::env::temp_dir().join(format!("schemals-limits-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&repo_root().join("examples").join(example), &root);
        let path = root.join("amplify/data/resource.ts");
        let original = std::fs::read_to_string(&path).expect("resource.ts");
        std::fs::write(&path, resource(&original)).expect("write resource.ts");
        TempProject { root }
    }

    fn resource(&self) -> PathBuf {
        self.root.join("amplify/data/resource.ts")
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// One timed run of the CLI; `peak_kb` is its peak resident memory, measured by GNU time.
struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    peak_kb: Option<u64>,
}

/// `schemals check ROOT --format json`, timed, with peak memory when GNU time is installed.
fn check(root: &Path) -> Run {
    check_as(root, "json")
}

/// `schemals check ROOT --format FORMAT` (`human` or `json`), timed and bounded.
fn check_as(root: &Path, format: &str) -> Run {
    // coreutils' timeout ends a hang at the time bound (killed: no answer, the test fails).
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "peak-kb=%M", "timeout"]);
        c
    } else {
        Command::new("timeout")
    };
    command
        .args(["--signal=KILL", &TIME_BOUND.as_secs().to_string()])
        .arg(schemals_binary())
        .arg("check")
        .arg(root)
        .args(["--format", format]);
    let started = Instant::now();
    let out = command.output().expect("run schemals check");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-kb="))
        .and_then(|v| v.trim().parse().ok());
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        elapsed,
        peak_kb,
    }
}

impl Run {
    /// The run finished by itself (no signal, no crash) within the bounds, with a JSON answer.
    fn assert_answered(&self, case: &str) -> Vec<Value> {
        eprintln!(
            "{case}: exit {:?} in {:?}, peak {} MiB",
            self.status,
            self.elapsed,
            self.peak_kb
                .map_or("?".to_owned(), |kb| (kb / 1024).to_string())
        );
        assert!(
            matches!(self.status, Some(0 | 1)),
            "{case}: schemals did not answer (status {:?}): {}",
            self.status,
            self.stderr.chars().take(2_000).collect::<String>()
        );
        assert!(self.elapsed < TIME_BOUND, "{case}: took {:?}", self.elapsed);
        if let Some(kb) = self.peak_kb {
            assert!(kb < MEMORY_BOUND_KB, "{case}: peak memory {kb} KiB");
        }
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "{case}: not JSON ({e}): {}",
                self.stdout.chars().take(500).collect::<String>()
            )
        })
    }
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

const TOO_LARGE_MESSAGE: &str = "This file is too large to analyze (50.0 MiB; the limit is 16 MiB): schemals checks nothing in this project";

fn fifty_megabytes(original: &str) -> String {
    let mut text = String::with_capacity(50 * 1024 * 1024);
    text.push_str(original);
    // A schema file that really is that large: many models, then one long comment to the size.
    let mut i = 0;
    while text.len() < 40 * 1024 * 1024 {
        text.push_str(&format!(
            "export const m{i} = a.model({{ f: a.string() }});\n"
        ));
        i += 1;
    }
    text.push_str("// ");
    text.push_str(&"x".repeat(50 * 1024 * 1024 - text.len() - 1));
    text.push('\n');
    assert_eq!(text.len(), 50 * 1024 * 1024);
    text
}

#[test]
fn a_50_mb_schema_file_is_reported_as_too_large_on_disk_and_in_the_editor() {
    let project = TempProject::from_example("notes-events", "fifty", fifty_megabytes);
    let run = check(&project.root);
    let diagnostics = run.assert_answered("50 MB resource.ts, CLI");
    assert_eq!(run.status, Some(0), "a warning only");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "file-too-large");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(diagnostics[0]["message"], TOO_LARGE_MESSAGE);
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );

    // The same text opened in the editor: one warning, and the server keeps answering; edited
    // back to a normal size, it is analysed again.
    let text = std::fs::read_to_string(project.resource()).expect("read");
    let uri = uri_of(&project.resource());
    let mut client = Client::start(&project.root);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&project.root), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    let started = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
    );
    let published = client.diagnostics_until(&uri, |list| {
        list.iter().any(|d| d["code"] == "file-too-large")
    });
    eprintln!(
        "50 MB document opened and answered in {:?}",
        started.elapsed()
    );
    assert_eq!(published.len(), 1, "{published:#?}");
    assert_eq!(published[0]["message"], TOO_LARGE_MESSAGE);
    for method in [
        "textDocument/documentSymbol",
        "textDocument/semanticTokens/full",
    ] {
        let answer = client.request(method, json!({"textDocument": {"uri": uri}}));
        assert!(answer.get("error").is_none(), "{method}: {answer}");
    }
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 3}}),
    );
    assert!(answer.get("error").is_none(), "{answer}");
    let original =
        std::fs::read_to_string(repo_root().join("examples/notes-events/amplify/data/resource.ts"))
            .expect("example");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": original}]}),
    );
    // The example's deliberate mistake is found again.
    client.diagnostics_until(&uri, |list| {
        list.iter().any(|d| d["code"] == "auth-field-missing")
            && list.iter().all(|d| d["code"] != "file-too-large")
    });
    let peak = peak_memory_kb(&client);
    eprintln!(
        "server peak memory after the 50 MB document: {} MiB",
        peak.map_or("?".to_owned(), |kb| (kb / 1024).to_string())
    );
    if let Some(kb) = peak {
        assert!(kb < MEMORY_BOUND_KB, "server peak memory {kb} KiB");
    }
    client.shutdown();
}

fn peak_memory_kb(client: &Client) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", client.child.id())).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The notes-events example with its inline SQL replaced by `sql`.
fn with_inline_sql(name: &str, sql: &str) -> TempProject {
    TempProject::from_example("notes-events", name, |original| {
        let old = "SELECT id, name, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM events;";
        assert!(original.contains(old), "the example's SQL changed");
        original.replacen(old, sql, 1)
    })
}

#[test]
fn a_10_mb_sql_string_is_answered() {
    // Ten megabytes in a few tokens: a string literal. The findings are the example's own.
    let example = TempProject::from_example("notes-events", "sql-baseline", str::to_owned);
    let baseline = check(&example.root).assert_answered("the example");
    let sql = format!(
        "SELECT id, '{}' AS name, 0.5 AS longitude, 0.5 AS latitude FROM events",
        "x".repeat(10 * 1024 * 1024)
    );
    let project = with_inline_sql("sql-10mb", &sql);
    let diagnostics = check(&project.root).assert_answered("10 MB SQL string literal");
    assert_eq!(codes(&diagnostics), codes(&baseline), "{diagnostics:#?}");

    // A megabyte of tokens: too long to analyse, and said so.
    let sql = format!(
        "SELECT id, name FROM events WHERE {}",
        (0..60_000)
            .map(|i| format!("id = {i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    let project = with_inline_sql("sql-tokens", &sql);
    let diagnostics = check(&project.root).assert_answered("1 MB of SQL tokens");
    let too_long = diagnostics
        .iter()
        .find(|d| d["code"] == "sql-not-analyzed")
        .unwrap_or_else(|| panic!("no sql-not-analyzed: {diagnostics:#?}"));
    assert!(
        too_long["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("This statement is too long for schemals to analyze")),
        "{too_long}"
    );
}

#[test]
fn pathological_sql_is_answered() {
    let deep = 100_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "nested parentheses",
            format!(
                "SELECT id FROM events WHERE {}id = 1{}",
                "(".repeat(deep),
                ")".repeat(deep)
            ),
        ),
        (
            "nested subqueries",
            format!(
                "SELECT id FROM {}events{}",
                "(SELECT id FROM ".repeat(2_000),
                ") AS t".repeat(2_000)
            ),
        ),
        (
            "unbalanced parentheses",
            format!("SELECT {} FROM events", "(".repeat(deep)),
        ),
        (
            "unterminated string",
            format!(
                "SELECT id FROM events WHERE name = '{}",
                "y".repeat(1 << 20)
            ),
        ),
        (
            "unterminated dollar quote",
            format!("SELECT $body${}", "z ".repeat(1 << 19)),
        ),
        ("empty statements", ";".repeat(deep)),
        ("many statements", "SELECT id FROM events;".repeat(20_000)),
        (
            "many joins",
            format!(
                "SELECT e0.id FROM events e0 {}",
                (1..3_000)
                    .map(|i| format!("JOIN events e{i} ON e{i}.id = e{}.id", i - 1))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ),
        (
            "many placeholders",
            format!(
                "SELECT id FROM events WHERE id IN ({})",
                (0..50_000)
                    .map(|i| format!(":p{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        (
            "many unknown columns",
            format!(
                "SELECT {} FROM events",
                (0..5_000)
                    .map(|i| format!("nme{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ];
    for (case, sql) in cases {
        // The SQL sits in a template literal: keep its own backticks and `${` out of it.
        assert!(!sql.contains('`') && !sql.contains("${"), "{case}");
        let project = with_inline_sql(&case.replace(' ', "-"), &sql);
        let diagnostics = check(&project.root).assert_answered(case);
        // The compiler-like output too: no line is shown in full under each of thousands of
        // diagnostics on it.
        let human = check_as(&project.root, "human");
        assert!(
            matches!(human.status, Some(0 | 1)) && human.elapsed < TIME_BOUND,
            "{case}: human output: status {:?} after {:?}",
            human.status,
            human.elapsed
        );
        assert!(
            human.stdout.len() < 300 * (diagnostics.len() + 10),
            "{case}: {} bytes of output for {} diagnostics",
            human.stdout.len(),
            diagnostics.len()
        );
        // At most a finding or two per placeholder, column or statement.
        assert!(
            diagnostics.len() <= 100_000,
            "{case}: {} diagnostics",
            diagnostics.len()
        );
    }
}

/// Makes a `resource.ts` from the example's.
type MakeText = Box<dyn Fn(&str) -> String>;

#[test]
fn deeply_nested_expressions_are_answered_by_the_cli_and_the_server() {
    let depth = 100_000;
    let cases: Vec<(&str, MakeText)> = vec![
        (
            "parentheses in a ref",
            Box::new(move |o: &str| {
                o.replacen(
                    "a.ref('EventWithCoord')",
                    &format!(
                        "a.ref({}'EventWithCoord'{})",
                        "(".repeat(depth),
                        ")".repeat(depth)
                    ),
                    1,
                )
            }),
        ),
        (
            "nested arrays",
            Box::new(move |o: &str| {
                format!(
                    "{o}\nconst deep = {}{};\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                )
            }),
        ),
        (
            "nested objects",
            Box::new(move |o: &str| {
                format!(
                    "{o}\nconst deep = {}1{};\n",
                    "{a:".repeat(depth),
                    "}".repeat(depth)
                )
            }),
        ),
        (
            "a long call chain",
            Box::new(move |o: &str| {
                o.replacen(
                    "latitude: a.float(),",
                    &format!("latitude: a.float(){},", ".required()".repeat(depth / 4)),
                    1,
                )
            }),
        ),
        (
            "nested spreads",
            Box::new(move |o: &str| {
                o.replacen(
                    "latitude: a.float(),",
                    &format!(
                        "latitude: a.float(), {}{}",
                        "...{ x: a.string(), ".repeat(depth / 10),
                        "},".repeat(depth / 10)
                    ),
                    1,
                )
            }),
        ),
        (
            "nested arrow functions",
            Box::new(move |o: &str| format!("{o}\nconst deep = {}1;\n", "() => ".repeat(depth))),
        ),
        (
            "unclosed everything",
            Box::new(move |o: &str| format!("{o}\nconst deep = {}", "({[`${".repeat(depth / 5))),
        ),
    ];
    for (case, make) in cases {
        let project =
            TempProject::from_example("notes-events", &case.replace(' ', "-"), |o| make(o));
        let diagnostics = check(&project.root).assert_answered(case);
        drop(diagnostics);

        // The server: open it, ask every feature in the middle of it, and still be answering.
        let text = std::fs::read_to_string(project.resource()).expect("read");
        let uri = uri_of(&project.resource());
        let mut client = Client::start(&project.root);
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(&project.root), "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        );
        let middle_line = text.lines().count() as u32 / 2;
        let longest = text.lines().map(str::len).max().unwrap_or(0) as u32;
        let position = json!({"line": middle_line, "character": longest / 2});
        let started = Instant::now();
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            let answer = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            assert!(answer.get("error").is_none(), "{case}: {method}: {answer}");
        }
        for method in [
            "textDocument/documentSymbol",
            "textDocument/semanticTokens/full",
        ] {
            let answer = client.request(method, json!({"textDocument": {"uri": uri}}));
            assert!(answer.get("error").is_none(), "{case}: {method}: {answer}");
        }
        eprintln!(
            "{case}: server answered every feature in {:?}",
            started.elapsed()
        );
        client.shutdown();
    }
}
