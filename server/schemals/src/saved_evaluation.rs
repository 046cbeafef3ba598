//! Evaluations of generated schema files saved between sessions, so that opening a project again
//! neither parses nor evaluates an unchanged `schema.sql.ts` (at 1,000 tables, two thirds of the
//! work before the first diagnostics, and the largest syntax tree in memory).
//!
//! A saved evaluation is used only by the same build of schemals (its version and executable are
//! in the file's first line) and only for the same path and text (compared in full), so it gives
//! exactly what evaluating the file would. Anything else, a damaged file included, is ignored and
//! the file is evaluated as usual. The files live in the user's cache folder, never in the project.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use schemals_ide::{AnalysisMemo, Project, ProjectFile};

/// Where saved evaluations are read and written, and which one this session last wrote or read.
pub struct EvaluationStore {
    dir: PathBuf,
    /// The memo's kept-evaluation generation when it last matched the store (0: never).
    synced: AtomicU64,
    /// One save at a time: two would write the same temporary file.
    saving: std::sync::Mutex<()>,
}

/// What one file of the store holds after its first line.
#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    /// Of `evaluation`: a damaged file is told from a saved one.
    checksum: u64,
    has_syntax_error: bool,
    imports: Vec<String>,
    evaluation: Vec<u8>,
}

/// Stable within one build of schemals, which is all a store file is read by.
fn stable_hash(bytes: &[u8]) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(bytes)
}

/// The first line of every store file: the version and the executable that wrote it.
fn identity() -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .ok()
            .map(|m| {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{} {modified}", m.len())
            })
            .unwrap_or_default();
        format!(
            "schemals {} saved evaluation 1 {exe}\n",
            env!("CARGO_PKG_VERSION")
        )
    })
}

impl EvaluationStore {
    /// The store in `SCHEMALS_CACHE_DIR` (an empty value turns it off), else in the user's cache
    /// folder (`$XDG_CACHE_HOME/schemals` or `~/.cache/schemals`).
    pub fn from_environment() -> Option<EvaluationStore> {
        let dir = match std::env::var_os("SCHEMALS_CACHE_DIR") {
            Some(dir) if dir.is_empty() => return None,
            Some(dir) => PathBuf::from(dir),
            None => std::env::var_os("XDG_CACHE_HOME")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?
                .join("schemals"),
        };
        Some(EvaluationStore::at(dir))
    }

    pub fn at(dir: PathBuf) -> EvaluationStore {
        EvaluationStore {
            dir,
            synced: AtomicU64::new(0),
            saving: std::sync::Mutex::new(()),
        }
    }

    fn file_of(&self, path: &Path) -> PathBuf {
        let key = stable_hash(path.as_os_str().as_encoded_bytes());
        self.dir.join(format!("evaluation-{key:016x}.bin"))
    }

    /// Whether the store has an evaluation of the file at `path` (of any text).
    pub fn holds(&self, path: &Path) -> bool {
        self.file_of(path).is_file()
    }

    /// The file at `path` with `text`, not parsed, if the store holds its evaluation: `memo`
    /// then keeps that evaluation.
    pub fn restore(
        &self,
        path: &Path,
        text: &Arc<str>,
        memo: &AnalysisMemo,
    ) -> Option<ProjectFile> {
        let bytes = std::fs::read(self.file_of(path)).ok()?;
        let record = bytes.strip_prefix(identity().as_bytes())?;
        let record: Record = postcard::from_bytes(record).ok()?;
        if record.checksum != stable_hash(&record.evaluation)
            || !memo.restore_evaluation(&record.evaluation, path, text)
        {
            return None;
        }
        self.synced
            .store(memo.kept_evaluation_generation(), Ordering::Relaxed);
        Some(ProjectFile::typescript_unparsed(
            path.to_path_buf(),
            text.clone(),
            record.has_syntax_error,
            record.imports,
        ))
    }

    /// Whether `memo` keeps an evaluation this store does not hold yet.
    pub fn lacks(&self, memo: &AnalysisMemo) -> bool {
        let kept = memo.kept_evaluation_generation();
        kept != 0 && kept != self.synced.load(Ordering::Relaxed)
    }

    /// Writes the evaluation `memo` keeps, unless the store holds it already. Written whole to a
    /// temporary file and renamed, so a reader never sees half of it.
    pub fn save(&self, memo: &AnalysisMemo, project: &Project) -> std::io::Result<()> {
        let _saving = self.saving.lock().unwrap_or_else(|e| e.into_inner());
        let generation = memo.kept_evaluation_generation();
        if !self.lacks(memo) {
            return Ok(());
        }
        let Some((path, evaluation)) = memo.saved_evaluation() else {
            return Ok(());
        };
        // The syntax facts saved with the evaluation must be those of the text it was made from.
        let Some(file) = project
            .find(&path)
            .filter(|file| memo.keeps_evaluation_of(&path, &file.text))
        else {
            return Ok(());
        };
        let record = Record {
            checksum: stable_hash(&evaluation),
            has_syntax_error: file.has_syntax_error(),
            imports: file.import_specifiers().to_vec(),
            evaluation,
        };
        let mut bytes = identity().as_bytes().to_vec();
        bytes.extend(postcard::to_stdvec(&record).map_err(std::io::Error::other)?);
        std::fs::create_dir_all(&self.dir)?;
        let target = self.file_of(&path);
        let temporary = target.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&temporary, &bytes)?;
        std::fs::rename(&temporary, &target)?;
        self.synced.store(generation, Ordering::Relaxed);
        Ok(())
    }
}
