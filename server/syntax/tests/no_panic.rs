//! Any text through the parser and the model evaluator gives a result: truncations of real schema
//! files at every character boundary, and random mutations of them (a small deterministic
//! generator, so failures reproduce).

use std::path::{Path, PathBuf};

use schemals_syntax::eval::{Sources, evaluate};
use schemals_syntax::model::FileId;
use schemals_syntax::{Tree, parse_typescript};

struct One(PathBuf, String, Option<Tree>);

impl Sources for One {
    fn text(&self, _: FileId) -> &str {
        &self.1
    }
    fn tree(&self, _: FileId) -> Option<&Tree> {
        self.2.as_ref()
    }
    fn path(&self, _: FileId) -> &Path {
        &self.0
    }
    fn resolve_import(&self, _: FileId, _: &str) -> Option<FileId> {
        Some(FileId(0))
    }
}

fn run(text: &str) {
    let source = One(
        PathBuf::from("/p/amplify/data/resource.ts"),
        text.to_owned(),
        parse_typescript(text),
    );
    let model = evaluate(&source, &[FileId(0)]);
    let _ = schemals_syntax::dump::dump(&model);
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut texts = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                texts.push(std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    assert!(!texts.is_empty(), "no example files found");
    texts
}

#[test]
fn truncated_schema_files_never_panic() {
    for text in corpus() {
        let step = (text.len() / 200).max(1);
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                run(&text[..cut]);
            }
            cut += step;
        }
    }
}

#[test]
fn mutated_schema_files_never_panic() {
    let pieces = [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "`",
        "'",
        "\"",
        "${",
        ".",
        ",",
        "=>",
        "a.",
        "allow.",
        "\\",
        "\n",
        "/*",
        "é",
        "😀",
        "\u{feff}",
        "a.ref(",
        ".renameModels(() => [[",
        "...",
        "models.",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for text in corpus() {
        for _ in 0..60 {
            let mut mutated = text.clone();
            for _ in 0..4 {
                let mut at = next() % (mutated.len() + 1);
                while !mutated.is_char_boundary(at) {
                    at -= 1;
                }
                let piece = pieces[next() % pieces.len()];
                if next() % 2 == 0 {
                    mutated.insert_str(at, piece);
                } else {
                    let mut end = (at + next() % 8).min(mutated.len());
                    while !mutated.is_char_boundary(end) {
                        end -= 1;
                    }
                    mutated.replace_range(at..end, "");
                }
            }
            run(&mutated);
        }
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 20_000;
    let text = format!(
        "import {{ a }} from '@aws-amplify/backend';\nexport const s = a.schema({{ M: a.model({{ f: {}1{} }}) }});\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    run(&text);
    let chain = format!(
        "import {{ a }} from '@aws-amplify/backend';\nexport const s = a{};\n",
        ".required()".repeat(depth)
    );
    run(&chain);
}
