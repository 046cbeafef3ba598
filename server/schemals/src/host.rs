//! The host side shared by the CLI and the language server: finding a project's schema files on
//! disk (with editor overlays on top), and choosing the catalog source.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use schemals_catalog::Catalog;
use schemals_ide::{
    AnalysisMemo, Diagnostic, IndexedCatalog, Project, ProjectFile, Severity,
    check_project_memoized,
};
use schemals_syntax::model::{Database, FileId, SchemaModel};

use crate::saved_evaluation::EvaluationStore;

/// The file name of the committed catalog snapshot, written next to the schema files.
pub const SNAPSHOT_FILE_NAME: &str = "schemals-catalog.json";

const SCRIPT_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "mjs", "cjs"];
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".git",
    "target",
    ".amplify",
    "cdk.out",
    "dist",
    "build",
    ".oracle",
];

/// Whether a path lies under a folder named `amplify` (the files schemals attaches to).
pub fn is_under_amplify(path: &Path) -> bool {
    path.parent()
        .is_some_and(|p| p.components().any(|c| c.as_os_str() == "amplify"))
}

/// The project root of a file under `amplify/`: the folder holding that `amplify` folder.
pub fn project_root_of(path: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "amplify") {
            return d.parent().map(Path::to_path_buf);
        }
        dir = d.parent();
    }
    None
}

/// Every script file under the `amplify` folders below `root` (not inside dependencies).
pub fn discover_schema_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), false)];
    let mut visited = 0usize;
    while let Some((dir, inside_amplify)) = stack.pop() {
        visited += 1;
        if visited > 50_000 {
            break;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() {
                if SKIPPED_DIRS.contains(&name.as_ref()) || (name.starts_with('.') && name != ".") {
                    continue;
                }
                stack.push((path, inside_amplify || name == "amplify"));
            } else if inside_amplify
                && kind.is_file()
                && path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| SCRIPT_EXTENSIONS.contains(&e))
                && !name.ends_with(".d.ts")
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Text of files open in an editor, which win over the disk.
pub type Overlays = HashMap<PathBuf, Arc<str>>;

/// Larger files are not analysed: a clear message instead of unbounded work.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The code of the diagnostic on a file over [`MAX_FILE_BYTES`].
pub const FILE_TOO_LARGE: &str = "file-too-large";

#[derive(Clone)]
enum FileText {
    Text(Arc<str>),
    /// Over [`MAX_FILE_BYTES`]: its size in bytes.
    TooLarge(u64),
}

fn read_file(path: &Path, overlays: &Overlays) -> Option<FileText> {
    if let Some(text) = overlays.get(path) {
        let size = text.len() as u64;
        return Some(if size > MAX_FILE_BYTES {
            FileText::TooLarge(size)
        } else {
            FileText::Text(text.clone())
        });
    }
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    if meta.len() > MAX_FILE_BYTES {
        return Some(FileText::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).ok()?;
    Some(FileText::Text(Arc::from(
        String::from_utf8_lossy(&bytes).into_owned(),
    )))
}

/// Adds the file at `path` to the project: parsed, or empty and listed as too large. Returns
/// false when there is no such file.
fn add_file(
    project: &mut Project,
    cache: &mut ParseCache,
    path: &Path,
    overlays: &Overlays,
) -> bool {
    add_text(project, cache, path, read_file(path, overlays)).is_some()
}

/// [`add_file`] with the file already read.
fn add_text(
    project: &mut Project,
    cache: &mut ParseCache,
    path: &Path,
    text: Option<FileText>,
) -> Option<FileId> {
    match text? {
        FileText::Text(text) => Some(project.add(cache.get(path, text))),
        FileText::TooLarge(size) => {
            let id = project.add(ProjectFile::typescript(
                path.to_path_buf(),
                Arc::from(""),
                None,
            ));
            project.too_large.push((path.to_path_buf(), size));
            Some(id)
        }
    }
}

/// The id each of `texts` will have in a new project: those that exist join it in this order
/// ([`add_text`]; `load_project` checks it as they join). Files are parsed, and one evaluated
/// ahead, before they join.
fn planned_ids(texts: &[(PathBuf, Option<FileText>)]) -> Vec<Option<FileId>> {
    let mut next = 0;
    texts
        .iter()
        .map(|(_, text)| {
            let id = text.as_ref().map(|_| FileId(next));
            next += u32::from(text.is_some());
            id
        })
        .collect()
}

/// Parsed files kept between analyses, keyed by path and text, so unchanged files are not
/// parsed again.
#[derive(Default)]
pub struct ParseCache {
    files: HashMap<PathBuf, ProjectFile>,
}

impl ParseCache {
    fn get(&mut self, path: &Path, text: Arc<str>) -> ProjectFile {
        if let Some(file) = self.files.get(path)
            && (Arc::ptr_eq(&file.text, &text) || *file.text == *text)
        {
            return file.clone();
        }
        let file = ProjectFile::typescript(path.to_path_buf(), text, None);
        self.files.insert(path.to_path_buf(), file.clone());
        file
    }

    /// Parses the files of `paths` that the cache lacks (or holds with another text) on two
    /// threads: the first analysis of a project parses all of them, and the largest (a generated
    /// `schema.sql.ts` of 1,000 tables) alone takes tens of milliseconds. With `ahead` (the memo
    /// and the ids the files will have, see [`planned_ids`]), the largest is also evaluated ahead
    /// on its thread while the other thread parses the rest (see [`ProjectFile::evaluate_ahead`]).
    fn parse_in_parallel(
        &mut self,
        texts: &[(PathBuf, Option<FileText>)],
        ahead: Option<(&AnalysisMemo, &[Option<FileId>])>,
    ) {
        let (memo, ids) = match ahead {
            Some((memo, ids)) => (Some(memo), ids),
            None => (None, &[][..]),
        };
        let missing: Vec<(Option<FileId>, PathBuf, Arc<str>)> = texts
            .iter()
            .enumerate()
            .filter_map(|(i, (path, text))| match text {
                Some(FileText::Text(text)) => {
                    Some((ids.get(i).copied().flatten(), path.clone(), text.clone()))
                }
                _ => None,
            })
            .filter(|(_, path, text)| {
                self.files
                    .get(path)
                    .is_none_or(|f| !Arc::ptr_eq(&f.text, text) && *f.text != **text)
            })
            .collect();
        if missing.len() < 2 {
            // One file: parsed here, while the caller's other thread does its own work.
            for (_, path, text) in missing {
                self.put(ProjectFile::typescript(path, text, None));
            }
            return;
        }
        // Largest first, each thread taking the next file: the two halves come out even.
        let mut queue = missing;
        queue.sort_by_key(|(_, _, text)| std::cmp::Reverse(text.len()));
        let largest = queue.first().and_then(|(id, _, _)| *id);
        let queue = Mutex::new(queue.into_iter());
        let parsed = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some((id, path, text)) = next else { break };
                        let file = ProjectFile::typescript(path, text, None);
                        if let (Some(memo), Some(id)) = (memo, id.filter(|id| Some(*id) == largest))
                        {
                            file.evaluate_ahead(id, memo);
                        }
                        parsed.lock().unwrap_or_else(|e| e.into_inner()).push(file);
                    }
                });
            }
        });
        for file in parsed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            self.put(file);
        }
    }

    /// The file of `path` as last parsed.
    pub fn parsed(&self, path: &Path) -> Option<&ProjectFile> {
        self.files.get(path)
    }

    /// Stores a file parsed elsewhere (the language server parses open documents incrementally).
    pub fn put(&mut self, file: ProjectFile) {
        self.files.insert(file.path.clone(), file);
    }

    /// Takes the entries of `newer` over this cache's.
    pub fn absorb(&mut self, newer: ParseCache) {
        self.files.extend(newer.files);
    }
}

/// Builds the project snapshot of `root`: its schema files, the files they import, and the SQL
/// files they reference. The schema model of `previous` is reused when its TypeScript files are
/// the same (only the catalog or a `.sql` file changed).
pub fn load_project(
    root: &Path,
    overlays: &Overlays,
    cache: &mut ParseCache,
    memo: &AnalysisMemo,
    previous: Option<(&Project, &Arc<SchemaModel>)>,
    store: Option<&EvaluationStore>,
) -> (Project, Arc<SchemaModel>) {
    let mut project = Project::new(root.to_path_buf());
    let mut paths = discover_schema_files(root);
    for path in overlays.keys() {
        if path.starts_with(root) && is_under_amplify(path) && !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    let texts: Vec<(PathBuf, Option<FileText>)> = paths
        .into_iter()
        .map(|path| {
            let text = read_file(&path, overlays);
            (path, text)
        })
        .collect();
    let planned = planned_ids(&texts);
    let started = std::time::Instant::now();
    // The first build takes an evaluation saved by an earlier session (that file is then not
    // parsed), or evaluates the largest file ahead; later builds find either kept in the memo.
    let saved: Vec<(&PathBuf, &Arc<str>)> = match store {
        Some(store) if previous.is_none() => texts
            .iter()
            .filter_map(|(path, text)| match text {
                Some(FileText::Text(text)) if store.holds(path, text) => Some((path, text)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let (Some(store), false) = (store, saved.is_empty()) {
        // The saved evaluation is read on one thread while the other files are parsed on this
        // one; a file whose saved evaluation does not apply is parsed afterwards.
        let others: Vec<(PathBuf, Option<FileText>)> = texts
            .iter()
            .filter(|(path, _)| !saved.iter().any(|(p, _)| *p == path))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect();
        let restored = std::thread::scope(|scope| {
            let restoring = scope.spawn(|| {
                saved
                    .iter()
                    .find_map(|(path, text)| store.restore(path, text, memo))
            });
            cache.parse_in_parallel(&others, None);
            restoring.join().ok().flatten()
        });
        if let Some(file) = restored {
            tracing::debug!("saved evaluation of {} restored", file.path.display());
            cache.put(file);
        }
    } else {
        // The first build evaluates the largest file ahead; later builds find it kept.
        let ahead = previous.is_none().then_some((memo, &planned[..]));
        cache.parse_in_parallel(&texts, ahead);
    }
    tracing::debug!("parsed in {:?}", started.elapsed());

    for ((path, text), planned) in texts.into_iter().zip(planned) {
        let id = add_text(&mut project, cache, &path, text);
        debug_assert_eq!(
            id,
            planned,
            "{} joined the project with another id",
            path.display()
        );
    }
    // Follow relative imports that leave the `amplify` folders, a few levels deep.
    for _ in 0..8 {
        let missing = project.unresolved_imports();
        let mut added = false;
        for path in missing {
            if project.file_id(&path).is_some() {
                continue;
            }
            if add_file(&mut project, cache, &path, overlays) {
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    let started = std::time::Instant::now();
    let model = match previous {
        Some(previous) => project.model_after(previous, memo),
        None => Arc::new(project.evaluate_memoized(memo)),
    };
    tracing::debug!("evaluated in {:?}", started.elapsed());
    let mut too_large = Vec::new();
    project.load_sql_references(&model, |path| match read_file(path, overlays)? {
        FileText::Text(text) => Some(text.to_string()),
        FileText::TooLarge(size) => {
            too_large.push((path.to_path_buf(), size));
            Some(String::new())
        }
    });
    project.too_large.extend(too_large);
    (project, model)
}

/// The project of `root` as the disk has it, for one run of the CLI (nothing kept for a next).
/// Evaluations saved by the language server are not read: a CI job's cache folder may be
/// shared with other jobs, and the check must depend on the project alone.
pub fn load_from_disk(root: &Path) -> (Project, Arc<SchemaModel>) {
    load_project(
        root,
        &Overlays::new(),
        &mut ParseCache::default(),
        &AnalysisMemo::default(),
        None,
        None,
    )
}

/// Runs every check of a loaded project, reusing what `memo` holds from earlier runs.
pub fn analyse(
    project: &Project,
    model: &SchemaModel,
    catalog: Option<&IndexedCatalog>,
    memo: &AnalysisMemo,
) -> Vec<Diagnostic> {
    if !project.too_large.is_empty() {
        // Without the text of a file the model is incomplete: any other finding could be false.
        return too_large_diagnostics(project);
    }
    check_project_memoized(project, model, catalog, memo)
}

fn too_large_diagnostics(project: &Project) -> Vec<Diagnostic> {
    project
        .too_large
        .iter()
        .map(|(path, size)| Diagnostic {
            path: path.clone(),
            range: 0..0,
            severity: Severity::Warning,
            code: FILE_TOO_LARGE,
            message: format!(
                "This file is too large to analyze ({:.1} MiB; the limit is {} MiB): schemals checks nothing in this project",
                *size as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        })
        .collect()
}

/// What the project's `configure` blocks say about the database connection.
#[derive(Debug, Clone, Default)]
pub struct DatabaseHints {
    /// Secret names of `connectionUri: secret('NAME')`.
    pub secret_names: Vec<String>,
    /// Folders holding the generated `schema.sql.ts` files.
    pub generated_dirs: Vec<PathBuf>,
}

pub fn database_hints(project: &Project, model: &SchemaModel) -> DatabaseHints {
    let mut hints = DatabaseHints::default();
    for schema in &model.schemas {
        if let Database::Sql(db) = &schema.database {
            if let Some(secret) = &db.connection_secret
                && !hints.secret_names.iter().any(|n| *n == secret.text)
            {
                hints.secret_names.push(secret.text.to_string());
            }
            let path = &project.file(schema.span.file).path;
            if let Some(dir) = path.parent()
                && !hints.generated_dirs.iter().any(|d| d == dir)
            {
                hints.generated_dirs.push(dir.to_path_buf());
            }
        }
    }
    hints
}

/// The hints the file names alone give, before any file is parsed: the generated schemas are the
/// `*.sql.ts` files. A guess that [`database_hints`] confirms or corrects once the model is built.
pub fn hints_from_file_names(root: &Path) -> DatabaseHints {
    let mut hints = DatabaseHints::default();
    for path in discover_schema_files(root) {
        if path.to_string_lossy().ends_with(".sql.ts")
            && let Some(dir) = path.parent()
            && !hints.generated_dirs.iter().any(|d| d == dir)
        {
            hints.generated_dirs.push(dir.to_path_buf());
        }
    }
    hints
}

/// Where the committed snapshot lives: next to the first SQL schema, or `amplify/data/`.
pub fn default_snapshot_path(root: &Path, hints: &DatabaseHints) -> PathBuf {
    hints
        .generated_dirs
        .first()
        .cloned()
        .unwrap_or_else(|| root.join("amplify").join("data"))
        .join(SNAPSHOT_FILE_NAME)
}

/// Reads `NAME=value` from a `.env` file (quotes removed), as dotenv does for simple files.
pub fn dotenv_value(root: &Path, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(".env")).ok()?;
    text.lines().find_map(|line| {
        let line = line.trim().strip_prefix("export ").unwrap_or(line.trim());
        let (key, value) = line.split_once('=')?;
        (key.trim() == name).then(|| {
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_owned()
        })
    })
}

/// The database URL configured for a project, from the environment variable named by the
/// `secret(...)` of its `configure` block, or that name in the project's `.env`.
pub fn database_url_from_environment(
    root: &Path,
    hints: &DatabaseHints,
) -> Option<(String, String)> {
    hints.secret_names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (v, format!("environment variable {name}")))
            .or_else(|| dotenv_value(root, name).map(|v| (v, format!("{name} in .env"))))
    })
}

/// Loads a snapshot, if present.
pub fn read_snapshot(path: &Path) -> Result<Option<Catalog>, String> {
    if !path.exists() {
        return Ok(None);
    }
    Catalog::read_snapshot(path)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}
