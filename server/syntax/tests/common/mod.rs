//! Projects held in memory, for the tests of the evaluator.

use std::path::{Path, PathBuf};

use schemals_syntax::eval::{Sources, normalize_path};
use schemals_syntax::model::FileId;
use schemals_syntax::{Tree, parse_typescript};

/// Files by path, text and tree; `FileId(i)` is the i-th.
pub struct Files {
    pub files: Vec<(PathBuf, String, Option<Tree>)>,
}

impl Files {
    pub fn new(files: &[(&str, &str)]) -> Files {
        Files {
            files: files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), (*t).to_owned(), parse_typescript(t)))
                .collect(),
        }
    }
}

impl Sources for Files {
    fn text(&self, file: FileId) -> &str {
        &self.files[file.0 as usize].1
    }
    fn tree(&self, file: FileId) -> Option<&Tree> {
        self.files[file.0 as usize].2.as_ref()
    }
    fn path(&self, file: FileId) -> &Path {
        &self.files[file.0 as usize].0
    }
    fn resolve_import(&self, from: FileId, specifier: &str) -> Option<FileId> {
        let base = normalize_path(&self.path(from).parent()?.join(specifier));
        let candidates = [
            base.clone(),
            PathBuf::from(format!("{}.ts", base.display())),
            base.join("index.ts"),
        ];
        self.files
            .iter()
            .position(|(p, _, _)| candidates.contains(p))
            .map(|i| FileId(i as u32))
    }
}
