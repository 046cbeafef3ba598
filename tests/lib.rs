//! Shared helpers of the end-to-end tests: where the real `schemals` binary is, and the reader of
//! expectations written as annotation comments inside fixture files.

pub mod lsp_client;

use std::path::{Path, PathBuf};

/// The `schemals` binary of this workspace (next to the test executable's folder), built first:
/// `cargo test` builds test harnesses, not the binaries of other packages, so without this the tests
/// would run a missing or stale binary. The build runs once per test process and is a no-op when
/// the binary is fresh.
pub fn schemals_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SCHEMALS_BIN") {
        return PathBuf::from(path);
    }
    static BUILD: std::sync::Once = std::sync::Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--quiet", "-p", "schemals", "--bin", "schemals"])
            .current_dir(repo_root())
            .status()
            .expect("run cargo build for the schemals binary");
        assert!(status.success(), "cargo build -p schemals failed");
    });
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile folder");
    let binary = dir.join(format!("schemals{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing after the build",
        binary.display()
    );
    binary
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root")
        .to_path_buf()
}

/// The folder holding the shared Amplify reference material (`amplify/oracle`, `amplify/golden`):
/// `SCHEMALS_SHARED`, or `shared/` beside the repository, as CI lays it out.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("SCHEMALS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            repo_root()
                .parent()
                .expect("parent of the repository")
                .join("shared")
        })
}

/// One expected diagnostic, as a user sees it: file, 0-based line, UTF-16 columns, severity,
/// code and message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub path: String,
    pub line: u32,
    pub start: u32,
    pub end: u32,
    pub severity: String,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}-{} {}[{}]: {}",
            self.path,
            self.line + 1,
            self.start + 1,
            self.end.saturating_add(1),
            self.severity,
            self.code,
            self.message
        )
    }
}

/// UTF-16 length of the first `chars` characters of `line`.
fn utf16_columns(line: &str, chars: usize) -> u32 {
    line.chars().take(chars).map(|c| c.len_utf16() as u32).sum()
}

/// Reads annotation lines under the line they mark (the nearest preceding non-annotation line):
/// a comment (`//` or `--`) of carets under the marked characters, then `severity[code]: message`;
/// or `//@@ TOKEN severity[code]: message`, which marks the first `TOKEN` of that line.
pub fn parse_annotations(rel_path: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut target: Option<(u32, &str)> = None;
    for (number, line) in text.lines().enumerate() {
        match parse_annotation(line) {
            Some((start, len, severity, code, message)) => {
                let Some((target_line, target_text)) = target else {
                    panic!(
                        "{rel_path}:{}: annotation without a line above it",
                        number + 1
                    );
                };
                let start_char = match start {
                    Ok(column) => column,
                    Err(token) => {
                        // `TOKEN#N` is the N-th occurrence on the line.
                        let (token, nth) = match token.rsplit_once('#') {
                            Some((t, n)) if n.parse::<usize>().is_ok() => {
                                (t, n.parse::<usize>().unwrap_or(1))
                            }
                            _ => (token, 1),
                        };
                        let Some((byte, _)) =
                            target_text.match_indices(token).nth(nth.saturating_sub(1))
                        else {
                            panic!(
                                "{rel_path}:{}: `{token}` is not on the line above",
                                number + 1
                            );
                        };
                        target_text[..byte].chars().count()
                    }
                };
                out.push(Expected {
                    path: rel_path.to_owned(),
                    line: target_line,
                    start: utf16_columns(target_text, start_char),
                    end: utf16_columns(target_text, start_char + len),
                    severity: severity.trim().to_owned(),
                    code: code.to_owned(),
                    message: message.to_owned(),
                });
            }
            None => target = Some((number as u32, line)),
        }
    }
    out
}

fn split_annotation(after: &str) -> Option<(&str, &str, &str)> {
    let (severity, after) = after.split_once('[')?;
    let (code, message) = after.split_once("]: ")?;
    Some((severity, code, message))
}

/// The parts of one annotation line: the start column (or the token to find), the length in
/// characters, severity, code and message.
#[allow(clippy::type_complexity)]
fn parse_annotation(line: &str) -> Option<(Result<usize, &str>, usize, &str, &str, &str)> {
    let trimmed = line.trim_start();
    let body = trimmed
        .strip_prefix("//")
        .or_else(|| trimmed.strip_prefix("--"))?;
    if let Some(rest) = body.strip_prefix("@@ ") {
        // The token runs up to ` severity[`, so it may hold spaces.
        let at = ["error[", "warning[", "information[", "hint["]
            .iter()
            .filter_map(|s| rest.find(&format!(" {s}")))
            .min()?;
        let (token, after) = (&rest[..at], &rest[at + 1..]);
        let (severity, code, message) = split_annotation(after)?;
        let length = token
            .rsplit_once('#')
            .map_or(token, |(t, _)| t)
            .chars()
            .count();
        return Some((Err(token), length, severity, code, message));
    }
    let carets_start = line.len() - body.trim_start().len();
    let rest = &line[carets_start..];
    let carets = rest.chars().take_while(|&c| c == '^').count();
    if carets == 0 {
        return None;
    }
    let (severity, code, message) = split_annotation(rest[carets..].trim_start())?;
    Some((
        Ok(line[..carets_start].chars().count()),
        carets,
        severity,
        code,
        message,
    ))
}

/// Every file below `dir`, relative, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "node_modules") {
                    stack.push(path);
                }
            } else {
                out.push(path.strip_prefix(dir).unwrap_or(&path).to_path_buf());
            }
        }
    }
    out.sort();
    out
}
