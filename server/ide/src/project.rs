//! The files of a project as the analyses see them: parsed TypeScript schema files and the SQL
//! files they reference. The host (CLI or language server) decides where the text comes from.

use foldhash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use schemals_syntax::Tree;
use schemals_syntax::eval::{Sources, normalize_path};
use schemals_syntax::model::{FileId, Handler, SchemaModel, TypeDef};

use crate::AnalysisMemo;
use schemals_syntax::text::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    TypeScript,
    Sql,
}

/// One file's text, line index and (for TypeScript) syntax tree.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
    /// Shared by the clones of the file (the parse cache and the snapshots).
    syntax: Arc<Syntax>,
}

/// What is read of a file's syntax, each computed once. The tree of a TypeScript file can be
/// dropped and parsed again on first use ([`ProjectFile::without_tree`]): a closed file whose
/// evaluation is kept needs none (3 MB for a generated schema of 1,000 tables).
#[derive(Debug, Default)]
struct Syntax {
    tree: OnceLock<Option<Tree>>,
    has_error: OnceLock<bool>,
    imports: OnceLock<Vec<String>>,
}

impl ProjectFile {
    /// Parses `text` as TypeScript, unless its `tree` is given.
    pub fn typescript(path: PathBuf, text: Arc<str>, tree: Option<Tree>) -> ProjectFile {
        let lines = Arc::new(LineIndex::new(&text));
        let tree = tree.or_else(|| schemals_syntax::parse_typescript(&text));
        ProjectFile::with_tree(path, text, lines, tree)
    }

    /// A TypeScript file parsed elsewhere, with its line index.
    pub fn with_tree(
        path: PathBuf,
        text: Arc<str>,
        lines: Arc<LineIndex>,
        tree: Option<Tree>,
    ) -> ProjectFile {
        ProjectFile {
            path,
            text,
            lines,
            syntax: Arc::new(Syntax {
                tree: OnceLock::from(tree),
                ..Syntax::default()
            }),
        }
    }

    /// A TypeScript file whose syntax facts are known without its tree (an evaluation saved by
    /// an earlier session holds them): parsed only on first use of the tree.
    pub fn typescript_unparsed(
        path: PathBuf,
        text: Arc<str>,
        has_syntax_error: bool,
        imports: Vec<String>,
    ) -> ProjectFile {
        ProjectFile {
            lines: Arc::new(LineIndex::new(&text)),
            path,
            text,
            syntax: Arc::new(Syntax {
                tree: OnceLock::new(),
                has_error: OnceLock::from(has_syntax_error),
                imports: OnceLock::from(imports),
            }),
        }
    }

    pub fn sql(path: PathBuf, text: Arc<str>) -> ProjectFile {
        ProjectFile {
            lines: Arc::new(LineIndex::new(&text)),
            path,
            text,
            syntax: Arc::new(Syntax {
                tree: OnceLock::from(None),
                has_error: OnceLock::from(false),
                imports: OnceLock::from(Vec::new()),
            }),
        }
    }

    /// The syntax tree (TypeScript files only), parsed now if it was dropped.
    pub fn tree(&self) -> Option<&Tree> {
        self.syntax
            .tree
            .get_or_init(|| schemals_syntax::parse_typescript(&self.text))
            .as_ref()
    }

    /// The syntax tree if it is at hand, without parsing.
    pub fn parsed_tree(&self) -> Option<&Tree> {
        self.syntax.tree.get()?.as_ref()
    }

    /// Whether the file has syntax errors.
    pub fn has_syntax_error(&self) -> bool {
        *self
            .syntax
            .has_error
            .get_or_init(|| self.tree().is_some_and(|t| t.root_node().has_error()))
    }

    /// The module specifiers of the file's imports and re-exports.
    pub fn import_specifiers(&self) -> &[String] {
        self.syntax.imports.get_or_init(|| {
            self.tree()
                .map(|tree| schemals_syntax::import_specifiers(tree, &self.text))
                .unwrap_or_default()
        })
    }

    /// The same file without its tree (what is read of it is kept): parsed again on first use.
    pub fn without_tree(&self) -> ProjectFile {
        let syntax = Syntax {
            tree: OnceLock::new(),
            has_error: OnceLock::from(self.has_syntax_error()),
            imports: OnceLock::from(self.import_specifiers().to_vec()),
        };
        ProjectFile {
            syntax: Arc::new(syntax),
            ..self.clone()
        }
    }
}

impl ProjectFile {
    /// Evaluates this file alone, as file `id` of the project it is about to join, and keeps the
    /// result in `memo` when it imports nothing relative (see
    /// [`schemals_syntax::eval::evaluate_ahead`]): the first evaluation of the project then takes
    /// it instead of evaluating the file again.
    pub fn evaluate_ahead(&self, id: FileId, memo: &AnalysisMemo) {
        schemals_syntax::eval::evaluate_ahead(&Alone { id, file: self }, id, memo.evaluation());
    }
}

/// One file as the whole of a project, under the id it will have in the real one.
struct Alone<'a> {
    id: FileId,
    file: &'a ProjectFile,
}

impl Sources for Alone<'_> {
    fn text(&self, file: FileId) -> &str {
        if file == self.id { &self.file.text } else { "" }
    }

    fn tree(&self, file: FileId) -> Option<&Tree> {
        (file == self.id).then(|| self.file.tree()).flatten()
    }

    fn import_specifiers(&self, file: FileId) -> Vec<String> {
        if file == self.id {
            self.file.import_specifiers().to_vec()
        } else {
            Vec::new()
        }
    }

    fn path(&self, file: FileId) -> &Path {
        if file == self.id {
            &self.file.path
        } else {
            Path::new("")
        }
    }

    fn resolve_import(&self, _: FileId, _: &str) -> Option<FileId> {
        None
    }
}

/// TypeScript file extensions an import specifier may leave out, in TypeScript's order.
const TS_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "mjs", "cjs"];

/// A snapshot of the project's schema files.
#[derive(Debug, Default, Clone)]
pub struct Project {
    pub root: PathBuf,
    /// Files the host left unread because they are too large, with their size in bytes (they are
    /// in the snapshot with an empty text). The model is then incomplete: checks stay quiet.
    pub too_large: Vec<(PathBuf, u64)>,
    files: Vec<ProjectFile>,
    by_path: HashMap<PathBuf, FileId>,
    sql_files: HashMap<PathBuf, Option<ProjectFile>>,
}

impl Project {
    pub fn new(root: PathBuf) -> Project {
        Project {
            root,
            ..Project::default()
        }
    }

    pub fn add(&mut self, file: ProjectFile) -> FileId {
        if let Some(&id) = self.by_path.get(&file.path) {
            self.files[id.0 as usize] = file;
            return id;
        }
        let id = FileId(self.files.len() as u32);
        self.by_path.insert(file.path.clone(), id);
        self.files.push(file);
        id
    }

    /// Drops the tree of file `id` (see [`ProjectFile::without_tree`]).
    pub fn forget_tree(&mut self, id: FileId) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            *file = file.without_tree();
        }
    }

    pub fn files(&self) -> &[ProjectFile] {
        &self.files
    }

    pub fn file(&self, id: FileId) -> &ProjectFile {
        &self.files[id.0 as usize]
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// A TypeScript or SQL file of the snapshot by path.
    pub fn find(&self, path: &Path) -> Option<&ProjectFile> {
        self.file_id(path)
            .map(|id| self.file(id))
            .or_else(|| self.sql_files.get(path).and_then(Option::as_ref))
    }

    /// Relative import specifiers of a file that name no file of the snapshot yet, resolved to
    /// candidate paths (without extension guessing): the host loads them and calls again.
    pub fn unresolved_imports(&self) -> Vec<PathBuf> {
        let mut missing = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            for spec in file.import_specifiers() {
                if spec.starts_with('.') && self.resolve_import(FileId(i as u32), spec).is_none() {
                    missing.extend(self.import_candidates(&file.path, spec));
                }
            }
        }
        missing.sort();
        missing.dedup();
        missing
    }

    fn import_candidates(&self, from: &Path, specifier: &str) -> Vec<PathBuf> {
        let base = normalize_path(&from.parent().unwrap_or(Path::new("")).join(specifier));
        let mut candidates = vec![base.clone()];
        // `./schema.sql.js` in ESM-style TypeScript names `./schema.sql.ts`.
        let stem = base
            .to_string_lossy()
            .strip_suffix(".js")
            .map(PathBuf::from)
            .unwrap_or_else(|| base.clone());
        for ext in TS_EXTENSIONS {
            candidates.push(PathBuf::from(format!("{}.{ext}", stem.display())));
        }
        for ext in TS_EXTENSIONS {
            candidates.push(base.join(format!("index.{ext}")));
        }
        candidates
    }

    /// Registers the SQL files named by `sqlReference` handlers, read through `read`
    /// (`None` for a file that does not exist).
    pub fn load_sql_references(
        &mut self,
        model: &SchemaModel,
        mut read: impl FnMut(&Path) -> Option<String>,
    ) {
        for schema in &model.schemas {
            for entry in &schema.entries {
                let TypeDef::Operation(op) = &entry.def else {
                    continue;
                };
                for handler in op.handlers.iter().flatten() {
                    if let Handler::SqlReference {
                        resolved: Some(path),
                        ..
                    } = handler
                        && !self.sql_files.contains_key(path)
                    {
                        let file =
                            read(path).map(|text| ProjectFile::sql(path.clone(), Arc::from(text)));
                        self.sql_files.insert(path.clone(), file);
                    }
                }
            }
        }
    }

    /// The text of a referenced SQL file, `None` when it does not exist.
    pub fn sql_file(&self, path: &Path) -> Option<&ProjectFile> {
        self.sql_files.get(path).and_then(Option::as_ref)
    }

    /// Evaluates every TypeScript file of the snapshot as a root.
    pub fn evaluate(&self) -> SchemaModel {
        let roots: Vec<FileId> = (0..self.files.len() as u32).map(FileId).collect();
        schemals_syntax::eval::evaluate(self, &roots)
    }

    /// [`Project::evaluate`], reusing what `memo` kept of an earlier evaluation that still applies.
    pub fn evaluate_memoized(&self, memo: &AnalysisMemo) -> SchemaModel {
        let roots: Vec<FileId> = (0..self.files.len() as u32).map(FileId).collect();
        schemals_syntax::eval::evaluate_memoized(self, &roots, memo.evaluation())
    }

    /// The model of this project after `previous` (with its model): that model itself when no
    /// TypeScript file changed; when one edit stayed inside the SQL of one `inlineSql` string,
    /// that model with the SQL read again (see [`schemals_syntax::patch`]); else a new
    /// evaluation, reusing what `memo` kept.
    pub fn model_after(
        &self,
        (old, model): (&Project, &Arc<SchemaModel>),
        memo: &AnalysisMemo,
    ) -> Arc<SchemaModel> {
        match self.changed_since(old) {
            Some(None) => model.clone(),
            Some(Some(i)) => {
                let (new, old) = (&self.files[i], &old.files[i]);
                let patched = new.tree().and_then(|tree| {
                    schemals_syntax::patch::patch_sql_string_edit(
                        model,
                        FileId(i as u32),
                        &old.text,
                        &new.text,
                        tree,
                    )
                });
                Arc::new(patched.unwrap_or_else(|| self.evaluate_memoized(memo)))
            }
            None => Arc::new(self.evaluate_memoized(memo)),
        }
    }

    /// Which TypeScript file's text differs from `old`'s: `Some(None)` for none, `None` when the
    /// files are not the same list or more than one changed. Not `too_large`: a TypeScript file
    /// too large to read is in the list with no text, and the list gains the referenced SQL
    /// files only after evaluation.
    fn changed_since(&self, old: &Project) -> Option<Option<usize>> {
        if self.files.len() != old.files.len() {
            return None;
        }
        let mut changed = None;
        for (i, (new, old)) in self.files.iter().zip(&old.files).enumerate() {
            if new.path != old.path {
                return None;
            }
            if !Arc::ptr_eq(&new.text, &old.text) && new.text != old.text {
                if changed.is_some() {
                    return None;
                }
                changed = Some(i);
            }
        }
        Some(changed)
    }
}

impl Sources for Project {
    fn text(&self, file: FileId) -> &str {
        self.files.get(file.0 as usize).map_or("", |f| &f.text)
    }

    fn tree(&self, file: FileId) -> Option<&Tree> {
        self.files.get(file.0 as usize)?.tree()
    }

    fn import_specifiers(&self, file: FileId) -> Vec<String> {
        self.files
            .get(file.0 as usize)
            .map(|f| f.import_specifiers().to_vec())
            .unwrap_or_default()
    }

    fn path(&self, file: FileId) -> &Path {
        self.files
            .get(file.0 as usize)
            .map_or(Path::new(""), |f| f.path.as_path())
    }

    fn resolve_import(&self, from: FileId, specifier: &str) -> Option<FileId> {
        let from = self.files.get(from.0 as usize)?;
        self.import_candidates(&from.path, specifier)
            .iter()
            .find_map(|p| self.by_path.get(p).copied())
    }
}
