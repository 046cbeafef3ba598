//! Evaluations of generated schema files saved between sessions, so that opening a project again
//! neither parses nor evaluates an unchanged `schema.sql.ts` (at 1,000 tables, two thirds of the
//! work before the first diagnostics, and the largest syntax tree in memory).
//!
//! A saved evaluation is used only by the same build of schemals (its version and executable are
//! in the file's first line) and only for the same path and text (compared in full), so it gives
//! exactly what evaluating the file would. Anything else, a damaged file included, is ignored and
//! the file is evaluated as usual. The files live in the user's cache folder, never in the project.
//!
//! The store also remembers, for each project and database, the catalog fingerprint at the last
//! read and a digest of the objects it found: while the database keeps that fingerprint and the
//! project's snapshot holds those objects, a later start-up need not read the catalog again (see
//! [`EvaluationStore::live_catalog_known`]).

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hasher as _};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use schemals_ide::{AnalysisMemo, Catalog, Project, ProjectFile};
use schemals_syntax::eval::SavedEvaluation;

/// Where saved evaluations are read and written, and which one this session last wrote or read.
pub struct EvaluationStore {
    dir: PathBuf,
    /// The first bytes of every file of this build (see [`identity`]).
    identity: String,
    /// By file, the evaluation last restored from or written to the store (see
    /// [`SavedEvaluation::number`]).
    synced: Mutex<HashMap<PathBuf, u64>>,
    /// Held while saving: a save meanwhile would only write the same evaluation again.
    saving: Mutex<()>,
}

/// What a store file holds after its header, checksummed whole.
#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    has_syntax_error: bool,
    imports: Vec<String>,
    evaluation: Vec<u8>,
}

/// A saved file much larger than this is not one this build wrote for a file it reads
/// (16 MiB at most): it is not read.
const MAX_STORE_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Stable within one build of schemals, which is all a store file is read by.
fn stable_hash(bytes: &[u8]) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(bytes)
}

/// The first line of every store file: the version and the executable (path, size, time) that
/// writes and reads it. `None` when the executable cannot be told: the store is then off.
fn identity() -> Option<String> {
    let exe = std::env::current_exe().ok()?.canonicalize().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(format!(
        "schemals {} saved evaluation 2 {} {} {modified}\n",
        env!("CARGO_PKG_VERSION"),
        exe.display(),
        meta.len()
    ))
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
        EvaluationStore::at(dir)
    }

    pub fn at(dir: PathBuf) -> Option<EvaluationStore> {
        Some(EvaluationStore {
            dir,
            identity: identity()?,
            synced: Mutex::new(HashMap::new()),
            saving: Mutex::new(()),
        })
    }

    fn synced(&self) -> MutexGuard<'_, HashMap<PathBuf, u64>> {
        // Replaced whole: a poisoned lock still holds consistent data.
        self.synced.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn file_of(&self, path: &Path) -> PathBuf {
        let key = stable_hash(path.as_os_str().as_encoded_bytes());
        self.dir.join(format!("evaluation-{key:016x}.bin"))
    }

    fn live_file_of(&self, root: &Path, target: &str) -> PathBuf {
        let mut key = root.as_os_str().as_encoded_bytes().to_vec();
        key.push(0);
        key.extend(target.as_bytes());
        self.dir
            .join(format!("live-{:016x}.txt", stable_hash(&key)))
    }

    /// The digest of the database objects of `catalog` (not its statement descriptions), stable
    /// within a build.
    pub fn catalog_digest(catalog: &Catalog) -> u64 {
        let mut hasher = DefaultHasher::new();
        catalog.hash_objects(&mut hasher);
        hasher.finish()
    }

    /// What [`EvaluationStore::record_live_catalog`] writes.
    fn live_record(&self, fingerprint: &str, digest: u64) -> String {
        format!("{}{fingerprint}\n{digest:016x}\n", self.identity)
    }

    /// Remembers that the database of `root` at `target` (redacted: never a password), at catalog
    /// `fingerprint`, was read and held objects of `digest` ([`EvaluationStore::catalog_digest`]).
    pub fn record_live_catalog(
        &self,
        root: &Path,
        target: &str,
        fingerprint: &str,
        digest: u64,
    ) -> std::io::Result<()> {
        self.write_whole(
            &self.live_file_of(root, target),
            self.live_record(fingerprint, digest).as_bytes(),
        )
    }

    /// Writes `file` of the store whole: to a temporary file of its own (two writers of one
    /// process may write the same file at once), then renamed, so a reader never sees half of it.
    fn write_whole(&self, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let number = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::fs::create_dir_all(&self.dir)?;
        let temporary = file.with_extension(format!("tmp{}-{number}", std::process::id()));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, file)
    }

    /// Whether this build recorded that the database of `root` at `target`, at the catalog
    /// `fingerprint` it has now, held the objects of `catalog`: reading it would give `catalog`'s
    /// objects again (the fingerprint changes with the objects the catalog is read from).
    pub fn live_catalog_known(
        &self,
        root: &Path,
        target: &str,
        fingerprint: &str,
        catalog: &Catalog,
    ) -> bool {
        std::fs::read_to_string(self.live_file_of(root, target)).is_ok_and(|recorded| {
            recorded == self.live_record(fingerprint, Self::catalog_digest(catalog))
        })
    }

    /// The header of the store file of a file with `text`: this build's identity, the text's
    /// hash, and the checksum of the record that follows.
    fn header(&self, text: &str, checksum: u64) -> Vec<u8> {
        let mut header = self.identity.as_bytes().to_vec();
        header.extend(stable_hash(text.as_bytes()).to_le_bytes());
        header.extend(checksum.to_le_bytes());
        header
    }

    /// Whether the store has an evaluation of the file at `path` with `text`, by its header
    /// alone (the record is checked when restored).
    pub fn holds(&self, path: &Path, text: &str) -> bool {
        let expected = self.header(text, 0);
        let known = expected.len() - 8;
        let mut header = vec![0; expected.len()];
        std::fs::File::open(self.file_of(path))
            .and_then(|mut file| file.read_exact(&mut header))
            .is_ok_and(|()| header[..known] == expected[..known])
    }

    /// The file at `path` with `text`, not parsed, if the store holds its evaluation: `memo`
    /// then keeps that evaluation.
    pub fn restore(
        &self,
        path: &Path,
        text: &Arc<str>,
        memo: &AnalysisMemo,
    ) -> Option<ProjectFile> {
        let file = self.file_of(path);
        if std::fs::metadata(&file).ok()?.len() > MAX_STORE_FILE_BYTES {
            return None;
        }
        let bytes = std::fs::read(file).ok()?;
        let header_len = self.header(text, 0).len();
        let (header, body) = (bytes.get(..header_len)?, bytes.get(header_len..)?);
        let checksum = u64::from_le_bytes(header[header_len - 8..].try_into().ok()?);
        if *header != *self.header(text, checksum) || stable_hash(body) != checksum {
            return None;
        }
        let record: Record = postcard::from_bytes(body).ok()?;
        if !memo.restore_evaluation(&record.evaluation, path, text) {
            return None;
        }
        if let Some(restored) = memo.saved_evaluation() {
            self.synced()
                .insert(restored.path().to_path_buf(), restored.number());
        }
        Some(ProjectFile::typescript_unparsed(
            path.to_path_buf(),
            text.clone(),
            record.has_syntax_error,
            record.imports,
        ))
    }

    /// The file whose evaluation `memo` keeps, of its text in `project`, and this store does not
    /// hold yet. (An evaluation of an older text stays kept while its file is edited.)
    pub fn lacks(&self, memo: &AnalysisMemo, project: &Project) -> Option<PathBuf> {
        self.unsaved(memo)
            .filter(|saved| {
                project
                    .find(saved.path())
                    .is_some_and(|f| saved.is_of(&f.text))
            })
            .map(|saved| saved.path().to_path_buf())
    }

    fn unsaved(&self, memo: &AnalysisMemo) -> Option<SavedEvaluation> {
        let saved = memo.saved_evaluation()?;
        (self.synced().get(saved.path()) != Some(&saved.number())).then_some(saved)
    }

    /// Writes the evaluation `memo` keeps, unless the store holds it already or another save is
    /// under way (the next publish tries again).
    pub fn save(&self, memo: &AnalysisMemo, project: &Project) -> std::io::Result<()> {
        let Ok(_saving) = self.saving.try_lock() else {
            return Ok(());
        };
        let Some(saved) = self.unsaved(memo) else {
            return Ok(());
        };
        // The syntax facts saved with the evaluation must be those of the text it was made from.
        let Some(file) = project.find(saved.path()).filter(|f| saved.is_of(&f.text)) else {
            return Ok(());
        };
        let Some(evaluation) = saved.to_bytes() else {
            // Not readable back: never saved, and not tried again for this evaluation.
            self.synced()
                .insert(saved.path().to_path_buf(), saved.number());
            return Ok(());
        };
        let record = Record {
            has_syntax_error: file.has_syntax_error(),
            imports: file.import_specifiers().to_vec(),
            evaluation,
        };
        let body = postcard::to_stdvec(&record).map_err(std::io::Error::other)?;
        let mut bytes = self.header(&file.text, stable_hash(&body));
        bytes.extend(body);
        self.write_whole(&self.file_of(saved.path()), &bytes)?;
        self.synced()
            .insert(saved.path().to_path_buf(), saved.number());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = r#"import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
    database: { identifier: "ID1", engine: "postgresql", connectionUri: secret("SQL_CONNECTION_STRING") }
}).schema({
    "notes": a.model({ "id": a.integer().required(), "owner": a.string() }).identifier(["id"])
});
"#;

    fn project(root: &Path) -> Project {
        project_with(root, GENERATED)
    }

    fn project_with(root: &Path, generated: &str) -> Project {
        let mut project = Project::new(root.to_path_buf());
        for (name, text) in [
            (
                "auth/resource.ts",
                "import { defineAuth } from '@aws-amplify/backend';\n\
                 export const auth = defineAuth({ loginWith: { email: true } });\n",
            ),
            (
                "data/resource.ts",
                "import { defineData } from '@aws-amplify/backend';\n\
                 import { schema as generated } from './schema.sql';\n\
                 const schema = generated.setAuthorization((models) => [\n\
                 \x20 models.notes.authorization((allow) => allow.ownerDefinedIn('owner')),\n]);\n\
                 export const data = defineData({ schema });\n",
            ),
            ("data/schema.sql.ts", generated),
        ] {
            project.add(ProjectFile::typescript(
                root.join("amplify").join(name),
                Arc::from(text),
                None,
            ));
        }
        project
    }

    #[test]
    fn a_live_catalog_is_known_only_for_its_root_target_fingerprint_and_objects() {
        let dir = std::env::temp_dir().join(format!("schemals-store-live-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = EvaluationStore::at(dir.clone()).expect("store");
        let (root, target) = (Path::new("/app"), "postgres://app@db:5432/app");
        let catalog = Catalog::from_json(
            r#"{"format": 1, "engine": "postgresql", "database": "app", "search_path": ["public"],
                "tables": [{"schema": "public", "name": "notes", "kind": "table",
                            "columns": [{"name": "id", "ordinal": 1, "data_type": "integer",
                                         "udt_name": "int4", "nullable": false}]}]}"#,
        )
        .expect("catalog");
        assert!(!store.live_catalog_known(root, target, "postgresql:f1", &catalog));
        store
            .record_live_catalog(
                root,
                target,
                "postgresql:f1",
                EvaluationStore::catalog_digest(&catalog),
            )
            .expect("recorded");
        assert!(store.live_catalog_known(root, target, "postgresql:f1", &catalog));
        assert!(!store.live_catalog_known(root, target, "postgresql:f2", &catalog));
        assert!(!store.live_catalog_known(Path::new("/other"), target, "postgresql:f1", &catalog));
        assert!(!store.live_catalog_known(
            root,
            "postgres://app@db:5432/other",
            "postgresql:f1",
            &catalog
        ));
        let mut renamed = catalog.clone();
        renamed.tables[0].columns[0].name = "key".into();
        assert!(!store.live_catalog_known(root, target, "postgresql:f1", &renamed));
        // The snapshot format (like its statement descriptions) is not an object of the database.
        let mut described = catalog.clone();
        described.format = 2;
        assert!(store.live_catalog_known(root, target, "postgresql:f1", &described));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_evaluation_is_written_once_and_restored_by_the_next_session() {
        let dir = std::env::temp_dir().join(format!("schemals-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = Path::new("/app");
        let generated = root.join("amplify/data/schema.sql.ts");

        let store = EvaluationStore::at(dir.clone()).expect("store");
        let memo = AnalysisMemo::default();
        let first = project(root);
        let expected = schemals_syntax::dump::dump(&first.evaluate_memoized(&memo));
        assert_eq!(store.lacks(&memo, &first), Some(generated.clone()));
        store.save(&memo, &first).expect("saved");
        assert_eq!(store.lacks(&memo, &first), None);
        // While the generated file is edited, the evaluation kept is of an older text: nothing
        // to save (the store would refuse it), and nothing saved.
        let edited = project_with(root, &GENERATED.replace("owner", "author"));
        let memo_edited = AnalysisMemo::default();
        first.evaluate_memoized(&memo_edited);
        edited.evaluate_memoized(&memo_edited);
        assert_eq!(store.lacks(&memo_edited, &first), Some(generated.clone()));
        assert_eq!(store.lacks(&memo_edited, &edited), None);
        assert!(store.holds(&generated, GENERATED));
        assert!(!store.holds(&generated, &GENERATED.replace("owner", "author")));

        // The next session: restored, not parsed; evaluating the project again keeps the auth
        // resource's evaluation too, which is no reason to write the same evaluation again.
        let store = EvaluationStore::at(dir.clone()).expect("store");
        let memo = AnalysisMemo::default();
        let file = store
            .restore(&generated, &Arc::from(GENERATED), &memo)
            .expect("restored");
        assert!(file.parsed_tree().is_none());
        let mut next = project(root);
        let id = next.file_id(&generated).expect("generated file");
        next.forget_tree(id);
        assert_eq!(
            schemals_syntax::dump::dump(&next.evaluate_memoized(&memo)),
            expected
        );
        assert!(next.file(id).parsed_tree().is_none());
        assert_eq!(store.lacks(&memo, &next), None);
        let saved = store.file_of(&generated);
        let bytes = std::fs::read(&saved).expect("saved file");
        std::fs::remove_file(&saved).expect("removed");
        store.save(&memo, &next).expect("nothing to save");
        assert!(!saved.exists(), "the same evaluation was written again");

        // A damaged file (one byte of the record changed) is not restored.
        let mut damaged = bytes.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x55;
        std::fs::write(&saved, &damaged).expect("damaged file");
        let fresh = AnalysisMemo::default();
        assert!(
            store
                .restore(&generated, &Arc::from(GENERATED), &fresh)
                .is_none()
        );
        assert!(!fresh.keeps_evaluation_of(&generated, GENERATED));
        std::fs::write(&saved, &bytes).expect("sound file");

        // Another text of the file: not restored.
        let other = GENERATED.replace("owner", "author");
        assert!(
            store
                .restore(
                    &generated,
                    &Arc::from(other.as_str()),
                    &AnalysisMemo::default()
                )
                .is_none()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
