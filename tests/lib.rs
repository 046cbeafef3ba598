//! Shared helpers of the end-to-end tests: where the real `schemals` binary is, and the reader of
//! expectations written as annotation comments inside fixture files.

use std::path::{Path, PathBuf};

/// The `schemals` binary built by this workspace (next to the test executable's folder).
pub fn schemals_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SCHEMALS_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile folder");
    let binary = dir.join(format!("schemals{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run the workspace tests with `cargo test --workspace`, which builds it",
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
            self.end + 1,
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

/// Reads annotation lines: a comment (`//` or `--`) of carets under the marked characters of
/// the nearest preceding non-annotation line, then `severity[code]: message`.
pub fn parse_annotations(rel_path: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    let mut target: Option<(u32, &str)> = None;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let body = trimmed
            .strip_prefix("//")
            .or_else(|| trimmed.strip_prefix("--"));
        let annotation = body.and_then(|b| {
            let carets_start = line.len() - b.trim_start().len();
            let rest = &line[carets_start..];
            let carets = rest.chars().take_while(|&c| c == '^').count();
            if carets == 0 {
                return None;
            }
            let after = rest[carets..].trim();
            let (severity, after) = after.split_once('[')?;
            let (code, message) = after.split_once("]: ")?;
            Some((
                line[..carets_start].chars().count(),
                carets,
                severity,
                code,
                message,
            ))
        });
        match annotation {
            Some((start_char, len, severity, code, message)) => {
                let Some((target_line, target_text)) = target else {
                    panic!(
                        "{rel_path}:{}: annotation without a line above it",
                        number + 1
                    );
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
