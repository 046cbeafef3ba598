//! The language server: LSP glue over the analyses. Only this module knows the protocol; it turns
//! byte ranges into UTF-16 positions at the edge (`convert`).
//!
//! Document changes are applied synchronously, before the handler's first `.await`, so a later
//! request never sees a stale text. Analyses run on blocking threads over an immutable snapshot
//! (files, schema model, catalog), so a panic in one feature answers that request with an error
//! and the server keeps serving. Diagnostics follow each change without a delay and never wait
//! for the database: the catalog loads in the background and analyses use whatever catalog is
//! there at the time.

mod commands;
mod convert;
mod describe;
mod guard;
mod refresh;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use schemals_catalog::live::{self, IntrospectOptions};
use schemals_ide::features::{self, Analysis};
use schemals_ide::{AnalysisMemo, IndexedCatalog, LineIndex, Project, Severity};
use schemals_syntax::Tree;
use schemals_syntax::model::SchemaModel;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error as RpcError, Result as RpcResult};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::host::{self, Overlays, ParseCache};
use crate::saved_evaluation::EvaluationStore;

/// Completion answers hold at most this many items (see `completion`).
const COMPLETION_LIMIT: usize = 100;

pub const COMMAND_REFRESH_CATALOG: &str = "schemals.refreshCatalog";

pub fn run() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SCHEMALS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlparser=warn,sqlx=warn"));
    // At trace level the protocol library logs every message verbatim, settings with a database
    // password included: never below info, whatever SCHEMALS_LOG asks.
    let filter = match "tower_lsp_server::codec=info".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        eprintln!("schemals: cannot start the async runtime");
        return ExitCode::from(2);
    };
    runtime.block_on(async {
        // The guard keeps one malformed message from ending the session (see `guard`).
        let guard::Guarded {
            input,
            output,
            writer,
        } = guard::stdio();
        // tower-lsp-server has no handler for `window/workDoneProgress/cancel` (commands.rs).
        let (service, socket) = LspService::build(Backend::new)
            .custom_method(
                "window/workDoneProgress/cancel",
                Backend::work_done_progress_cancel,
            )
            .finish();
        Server::new(input, output, socket).serve(service).await;
        guard::flush(writer).await;
    });
    // Do not wait for background tasks (a slow database) once the client has said `exit`.
    runtime.shutdown_timeout(Duration::from_millis(100));
    ExitCode::SUCCESS
}

struct Document {
    uri: Uri,
    text: String,
    /// `text` as the snapshots share it, made once per change instead of once per build.
    shared: Arc<str>,
    tree: Option<Tree>,
    lines: LineIndex,
}

#[derive(Debug, Clone, PartialEq)]
enum CatalogState {
    None,
    Cached { path: PathBuf },
    Live { target: String },
}

#[derive(Default)]
struct Settings {
    database_url: Option<String>,
    /// The name of an environment variable (or `.env` entry) holding the database URL.
    database_url_variable: Option<String>,
    catalog_path: Option<PathBuf>,
}

/// An immutable view of one project at one moment: what every request and analysis reads.
struct Snapshot {
    project: Project,
    model: Arc<SchemaModel>,
    catalog: Option<Arc<IndexedCatalog>>,
    generation: u64,
    /// Analyses shared by the session's snapshots: an edit re-analyses only what it changed.
    memo: Arc<AnalysisMemo>,
    /// What the features derive from this snapshot, for all the requests on it.
    cache: features::SnapshotCache,
    /// Every check of the project, run once per snapshot: editors ask for code actions at each
    /// cursor move, and each asked for the whole analysis again.
    diagnostics: std::sync::OnceLock<Vec<schemals_ide::Diagnostic>>,
}

impl Snapshot {
    fn diagnostics(&self) -> &[schemals_ide::Diagnostic] {
        self.diagnostics.get_or_init(|| {
            let started = std::time::Instant::now();
            let diagnostics = host::analyse(
                &self.project,
                &self.model,
                self.catalog.as_deref(),
                &self.memo,
            );
            tracing::debug!(
                "snapshot {} analysed in {:?}",
                self.generation,
                started.elapsed()
            );
            diagnostics
        })
    }

    fn analysis(&self) -> Analysis<'_> {
        Analysis {
            project: &self.project,
            model: &self.model,
            catalog: self.catalog.as_deref(),
            cache: Some(&self.cache),
        }
    }
}

struct State {
    workspace_root: Option<PathBuf>,
    docs: HashMap<PathBuf, Document>,
    cache: ParseCache,
    catalog: Option<Arc<IndexedCatalog>>,
    catalog_state: CatalogState,
    /// Files whose last published diagnostics were not empty, by project root.
    published: HashMap<PathBuf, HashSet<PathBuf>>,
    snapshots: HashMap<PathBuf, Arc<Snapshot>>,
    /// One per project root: each drops what its own project no longer uses.
    memos: HashMap<PathBuf, Arc<AnalysisMemo>>,
    /// Evaluations of the generated schema saved for the next session (none when turned off).
    evaluations: Option<Arc<EvaluationStore>>,
    settings: Settings,
    /// The last database problem reported, so the same failure is said once, not on every refresh.
    last_database_problem: Option<String>,
    /// The fingerprint poll of the configured database and the last status sent (refresh.rs).
    watch: refresh::Watch,
    /// The statements given to the live database to describe (describe.rs).
    describer: describe::Describer,
}

struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Bumped by every change of a document or of the catalog; snapshots of older generations
    /// are stale.
    generation: Arc<AtomicU64>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // Every mutation under the lock is a single step, so a poisoned lock still holds consistent data.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn overlays_of(state: &State) -> Overlays {
    state
        .docs
        .iter()
        .map(|(p, d)| (p.clone(), d.shared.clone()))
        .collect()
}

/// The current snapshot of `root`, built again when a change or a new catalog made it stale.
fn snapshot(state: &Mutex<State>, generation: &AtomicU64, root: &Path) -> Arc<Snapshot> {
    /// One build at a time: the requests and the publish that follow a keystroke wait for one
    /// build instead of each evaluating the project, and each taking the parse cache so that the
    /// others parsed every file again (measured: 115 ms of CPU per keystroke on 1,000 models).
    static BUILD: Mutex<()> = Mutex::new(());
    if let Some(snapshot) = current_snapshot(state, generation, root) {
        return snapshot;
    }
    let _build = BUILD
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let current = generation.load(Ordering::SeqCst);
    let (overlays, catalog, mut cache, memo, previous, evaluations) = {
        let mut guard = lock(state);
        if let Some(snapshot) = guard.snapshots.get(root)
            && snapshot.generation == current
        {
            return snapshot.clone();
        }
        (
            overlays_of(&guard),
            guard.catalog.clone(),
            std::mem::take(&mut guard.cache),
            guard.memos.entry(root.to_path_buf()).or_default().clone(),
            guard.snapshots.get(root).cloned(),
            guard.evaluations.clone(),
        )
    };
    let started = std::time::Instant::now();
    let (mut project, model) = host::load_project(
        root,
        &overlays,
        &mut cache,
        &memo,
        previous.as_deref().map(|p| (&p.project, &p.model)),
        evaluations.as_deref(),
    );
    drop(previous);
    // A closed file whose evaluation the memo keeps (the generated schema.sql.ts) needs its tree
    // no more (3 MB at 1,000 tables), and it is parsed again only if it is needed.
    for id in 0..project.files().len() {
        let id = schemals_syntax::model::FileId(id as u32);
        let file = project.file(id);
        if !overlays.contains_key(&file.path)
            && file.parsed_tree().is_some()
            && memo.keeps_evaluation_of(&file.path, &file.text)
        {
            project.forget_tree(id);
            cache.put(project.file(id).clone());
        }
    }
    tracing::debug!("snapshot {current} built in {:?}", started.elapsed());
    let snapshot = Arc::new(Snapshot {
        project,
        model,
        catalog,
        generation: current,
        memo,
        cache: features::SnapshotCache::default(),
        diagnostics: std::sync::OnceLock::new(),
    });
    let mut guard = lock(state);
    // Trees that `did_change` parsed during the build are newer than the ones taken.
    cache.absorb(std::mem::take(&mut guard.cache));
    guard.cache = cache;
    let replaced = guard.snapshots.insert(root.to_path_buf(), snapshot.clone());
    drop(guard);
    if let Some(replaced) = replaced {
        crate::allocator::free_later(replaced);
    }
    snapshot
}

/// The snapshot of `root` if it is of the current generation.
fn current_snapshot(
    state: &Mutex<State>,
    generation: &AtomicU64,
    root: &Path,
) -> Option<Arc<Snapshot>> {
    let current = generation.load(Ordering::SeqCst);
    lock(state)
        .snapshots
        .get(root)
        .filter(|snapshot| snapshot.generation == current)
        .cloned()
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State {
                workspace_root: None,
                docs: HashMap::new(),
                cache: ParseCache::default(),
                catalog: None,
                catalog_state: CatalogState::None,
                published: HashMap::new(),
                snapshots: HashMap::new(),
                memos: HashMap::new(),
                evaluations: EvaluationStore::from_environment().map(Arc::new),
                settings: Settings::default(),
                last_database_problem: None,
                watch: refresh::Watch::default(),
                describer: describe::Describer::default(),
            })),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Parses an opened document off the message loop when no build will: the builds take the
    /// kept evaluation of a file the memo keeps (the generated `schema.sql.ts`) instead of its
    /// tree, so the document's first change would parse all of it, on the loop, before the
    /// keystroke's analysis (40-60 ms at 1,000 tables). The tree is taken only if the text is
    /// still the one parsed.
    fn parse_ahead(&self, root: &Path, path: PathBuf) {
        if path.extension().is_some_and(|e| e == "sql") {
            return;
        }
        let text = {
            let state = lock(&self.state);
            let Some(doc) = state.docs.get(&path) else {
                return;
            };
            let kept = state
                .memos
                .get(root)
                .is_some_and(|memo| memo.keeps_evaluation_of(&path, &doc.shared));
            if !kept || doc.tree.is_some() || known_tree(&state, &path).is_some() {
                return;
            }
            doc.shared.clone()
        };
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let Some(tree) = parse_document(&text) else {
                return;
            };
            let unused = {
                let mut state = lock(&state);
                match state.docs.get_mut(&path) {
                    Some(doc) if Arc::ptr_eq(&doc.shared, &text) && doc.tree.is_none() => {
                        doc.tree = Some(tree);
                        tracing::debug!("{} parsed ahead of its first change", path.display());
                        None
                    }
                    _ => Some(tree),
                }
            };
            // A large tree takes milliseconds to free: not under the lock.
            drop(unused);
        });
    }

    /// The project root a document belongs to.
    fn root_for(&self, path: &Path) -> Option<PathBuf> {
        host::project_root_of(path).or_else(|| lock(&self.state).workspace_root.clone())
    }

    /// Analyses the project of `root` and publishes, unless a newer change came first. There is
    /// no debounce delay: builds run one at a time, so the changes that arrive during a build are
    /// analysed together by the next one, and a quiet keystroke is answered at once.
    fn schedule(&self, root: PathBuf) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let latest = self.generation.clone();
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            if latest.load(Ordering::SeqCst) != generation {
                return;
            }
            publish_project(state, latest, client, root).await;
        });
    }

    fn settings_from(&self, value: &Value) {
        apply_settings(&self.state, value);
    }

    /// Loads the snapshot at once, then the live catalog, in the background.
    fn load_catalog(&self, root: PathBuf) {
        let state = self.state.clone();
        let generation = self.generation.clone();
        let client = self.client.clone();
        tokio::spawn(load_catalog_and_publish(state, generation, client, root));
    }

    /// Runs a feature on the snapshot of the document's project, on a blocking thread: a panic
    /// becomes an error answer, not a dead server.
    async fn with_snapshot<T: Send + 'static>(
        &self,
        uri: &Uri,
        f: impl FnOnce(&Snapshot, &Path) -> T + Send + 'static,
    ) -> RpcResult<Option<T>> {
        let Some(path) = convert::path_of(uri) else {
            return Ok(None);
        };
        let Some(root) = self.root_for(&path) else {
            return Ok(None);
        };
        let state = self.state.clone();
        let generation = self.generation.clone();
        let result = tokio::task::spawn_blocking(move || {
            let snapshot = snapshot(&state, &generation, &root);
            f(&snapshot, &path)
        })
        .await;
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e) => {
                tracing::error!("a request failed: {e}");
                Err(RpcError::internal_error())
            }
        }
    }

    fn set_catalog(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

impl Settings {
    /// Takes the `schemals` settings section: a key with a text sets that setting, a key that is
    /// empty or null clears it (the user removed it: it takes effect without a restart), and an
    /// absent key, or one of another type, leaves it as it was.
    fn apply(&mut self, section: &Value) {
        let change = |key: &str| match section.get(key) {
            Some(Value::String(text)) if !text.is_empty() => Some(Some(text.clone())),
            Some(Value::String(_) | Value::Null) => Some(None),
            _ => None,
        };
        if let Some(url) = change("databaseUrl") {
            self.database_url = url;
        }
        if let Some(name) = change("databaseUrlVariable") {
            self.database_url_variable = name;
        }
        if let Some(path) = change("catalogPath") {
            self.catalog_path = path.map(PathBuf::from);
        }
    }
}

/// Reads the `schemals` settings section (`databaseUrl`, `databaseUrlVariable`, `catalogPath`,
/// `amplify`).
fn apply_settings(state: &Mutex<State>, value: &Value) {
    let section = value.get("schemals").unwrap_or(value);
    lock(state).settings.apply(section);
    commands::apply_settings(section);
}

/// Installs a catalog read from the database, unless the one in use describes the same objects
/// (the snapshot is fresh): that one stays, with the statement descriptions a live read does not
/// make, and nothing is analysed again. Returns whether the catalog changed.
fn install_live(state: &mut State, catalog: schemals_ide::Catalog) -> bool {
    if state
        .catalog
        .as_ref()
        .is_some_and(|current| current.catalog.same_objects_as(&catalog))
    {
        return false;
    }
    state.catalog = Some(Arc::new(IndexedCatalog::new(catalog)));
    true
}

/// Where the catalog snapshot of `root` is, as the settings and the file names tell before any
/// file is parsed (the build confirms it, see `load_catalog`).
fn guessed_snapshot_path(state: &Mutex<State>, root: &Path) -> PathBuf {
    let configured = lock(state).settings.catalog_path.clone();
    configured
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| host::default_snapshot_path(root, &host::hints_from_file_names(root)))
}

/// Installs the snapshot at `path` unless it is the catalog already; a read failure is returned
/// for the caller to report once the place is confirmed.
fn install_guessed_snapshot(
    state: &Mutex<State>,
    generation: &AtomicU64,
    path: &Path,
) -> Option<String> {
    let cached = CatalogState::Cached {
        path: path.to_path_buf(),
    };
    if lock(state).catalog_state == cached {
        return None;
    }
    match host::read_snapshot(path) {
        Ok(Some(catalog)) => {
            let mut guard = lock(state);
            guard.catalog = Some(Arc::new(IndexedCatalog::new(catalog)));
            guard.catalog_state = cached;
            generation.fetch_add(1, Ordering::SeqCst);
            None
        }
        Ok(None) => None,
        Err(e) => Some(e),
    }
}

/// What the first diagnostics need, started as soon as the workspace is known and before the
/// client answers `workspace/configuration`: the snapshot where the files suggest it, and the
/// project parsed and evaluated (the document opened meanwhile finds the work done).
fn warm_up(state: &Mutex<State>, generation: &AtomicU64, root: &Path) {
    let path = guessed_snapshot_path(state, root);
    // Read while the files are parsed (the thread parsing the smaller file has time to spare);
    // the build that follows the catalog's arrival reuses the model, so only the checks wait.
    std::thread::scope(|scope| {
        // A failure is reported by `load_catalog`, which reads it again.
        scope.spawn(|| install_guessed_snapshot(state, generation, &path));
        snapshot(state, generation, root);
    });
}

/// [`load_catalog`], then the diagnostics with what it loaded.
async fn load_catalog_and_publish(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
) {
    load_catalog(
        state.clone(),
        generation.clone(),
        client.clone(),
        root.clone(),
        LiveRead::IfChanged,
    )
    .await;
    publish_project(state, generation, client, root).await;
}

/// Whether a database found unchanged since a past session's read may go unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LiveRead {
    /// At start-up and when the settings change.
    IfChanged,
    /// The refresh command: whatever the fingerprint says (it does not see everything, e.g. a
    /// table's storage parameters).
    Always,
}

async fn load_catalog(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
    live_read: LiveRead,
) {
    // The snapshot where the files suggest it is read before the first build, so the first
    // diagnostics already have the catalog; the build then confirms the place (see below).
    let guessed_path = guessed_snapshot_path(&state, &root);
    let guess_failure = {
        let (s, g, path) = (state.clone(), generation.clone(), guessed_path.clone());
        tokio::task::spawn_blocking(move || install_guessed_snapshot(&s, &g, &path))
            .await
            .unwrap_or_default()
    };
    let (hints, settings_url, settings_snapshot) = {
        let s = state.clone();
        let g = generation.clone();
        let root = root.clone();
        let found = tokio::task::spawn_blocking(move || {
            let snapshot = snapshot(&s, &g, &root);
            let hints = host::database_hints(&snapshot.project, &snapshot.model);
            let guard = lock(&s);
            // A URL named through the `databaseUrlVariable` setting counts as set by the settings;
            // the log names where it came from (never the URL itself).
            let from_variable = guard
                .settings
                .database_url_variable
                .as_ref()
                .and_then(|name| {
                    let from_environment = std::env::var(name)
                        .ok()
                        .filter(|v| !v.is_empty())
                        .map(|v| (v, format!("environment variable {name}")));
                    from_environment.or_else(|| {
                        host::dotenv_value(&root, name).map(|v| (v, format!("{name} in .env")))
                    })
                });
            let from_setting = guard
                .settings
                .database_url
                .clone()
                .map(|u| (u, "the schemals.databaseUrl setting".to_owned()));
            (
                hints,
                from_setting.or(from_variable),
                guard.settings.catalog_path.clone(),
            )
        })
        .await;
        match found {
            Ok(v) => v,
            Err(_) => return,
        }
    };
    let snapshot_path = settings_snapshot
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| host::default_snapshot_path(&root, &hints));
    let read = if snapshot_path == guessed_path {
        // Already installed when it was read; only a failure is still to be said.
        guess_failure.map_or(Ok(None), Err)
    } else {
        // The guess was wrong: whatever it installed goes.
        let installed_guess = {
            let mut guard = lock(&state);
            let installed = guard.catalog_state
                == (CatalogState::Cached {
                    path: guessed_path.clone(),
                });
            if installed {
                guard.catalog = None;
                guard.catalog_state = CatalogState::None;
            }
            installed
        };
        if installed_guess {
            generation.fetch_add(1, Ordering::SeqCst);
        }
        host::read_snapshot(&snapshot_path)
    };
    match read {
        Ok(Some(catalog)) => {
            let mut guard = lock(&state);
            guard.catalog = Some(Arc::new(IndexedCatalog::new(catalog)));
            guard.catalog_state = CatalogState::Cached {
                path: snapshot_path.clone(),
            };
            generation.fetch_add(1, Ordering::SeqCst);
        }
        Ok(None) => {}
        Err(e) => {
            client
                .show_message(MessageType::WARNING, format!("schemals: {e}"))
                .await;
        }
    }
    let url = settings_url.or_else(|| host::database_url_from_environment(&root, &hints));
    let Some((url, source)) = url else {
        refresh::loaded(&state, &generation, &client, &root, &snapshot_path, None).await;
        return;
    };
    // Publish what the snapshot gives before waiting for the database.
    publish_project(
        state.clone(),
        generation.clone(),
        client.clone(),
        root.clone(),
    )
    .await;
    let target = live::redact(&url);
    let options = IntrospectOptions::default();
    // Taken before the read, so the watcher reads the catalog again only if it changed since (it
    // read it a second time on its first poll, doubling a start-up's introspection).
    let fingerprint = live::fingerprint(&url, &refresh::poll_options()).await.ok();
    let store = lock(&state).evaluations.clone();
    let known = live_read == LiveRead::IfChanged
        && store
            .as_deref()
            .zip(fingerprint.as_deref())
            .is_some_and(|(store, fingerprint)| {
                snapshot_is_live(&state, store, &root, &target, fingerprint)
            });
    let read = if known {
        tracing::info!(
            "catalog of {target} unchanged since it was found to hold the snapshot's objects: not read again ({source})"
        );
        Ok(None)
    } else {
        live::introspect(&url, &options).await.map(|catalog| {
            // What was read, for the record below (the state may hold another catalog by then).
            let digest = store
                .is_some()
                .then(|| EvaluationStore::catalog_digest(&catalog));
            let mut guard = lock(&state);
            let changed = install_live(&mut guard, catalog);
            guard.catalog_state = CatalogState::Live {
                target: target.clone(),
            };
            guard.last_database_problem = None;
            drop(guard);
            if changed {
                generation.fetch_add(1, Ordering::SeqCst);
            }
            tracing::info!("catalog loaded live from {target} ({source})");
            digest
        })
    };
    match read {
        Ok(digest) => {
            if let (Some(store), Some(before), Some(digest)) = (&store, &fingerprint, digest) {
                record_live_catalog(store, &root, &url, before, digest).await;
            }
        }
        Err(e) => {
            let problem = e.to_string();
            let fallback = match &lock(&state).catalog_state {
                CatalogState::Cached { path } => format!("using the snapshot {}", path.display()),
                _ => "no snapshot either: database checks are off".to_owned(),
            };
            let message = format!("schemals: {problem}; {fallback}");
            let repeated = {
                let mut guard = lock(&state);
                let repeated = guard.last_database_problem.as_deref() == Some(problem.as_str());
                guard.last_database_problem = Some(problem);
                repeated
            };
            tracing::warn!("{message}");
            if !repeated {
                client.show_message(MessageType::WARNING, message).await;
            }
        }
    }
    refresh::loaded(
        &state,
        &generation,
        &client,
        &root,
        &snapshot_path,
        Some((&url, fingerprint)),
    )
    .await;
}

/// Whether a past session read the database at `target` at the `fingerprint` it has now and found
/// the objects of the snapshot in use: then that snapshot is marked as the live catalog (unless
/// another load replaced it meanwhile) and the database need not be read.
fn snapshot_is_live(
    state: &Mutex<State>,
    store: &EvaluationStore,
    root: &Path,
    target: &str,
    fingerprint: &str,
) -> bool {
    let in_use = |guard: &State| {
        matches!(guard.catalog_state, CatalogState::Cached { .. })
            .then(|| guard.catalog.clone())
            .flatten()
    };
    let Some(snapshot) = in_use(&lock(state)) else {
        return false;
    };
    // Hashed without the lock.
    if !store.live_catalog_known(root, target, fingerprint, &snapshot.catalog) {
        return false;
    }
    let mut guard = lock(state);
    if !in_use(&guard).is_some_and(|now| Arc::ptr_eq(&now, &snapshot)) {
        return false;
    }
    guard.catalog_state = CatalogState::Live {
        target: target.to_owned(),
    };
    guard.last_database_problem = None;
    true
}

/// Records in `store` that the database at `url` holds the objects of `digest` (see
/// [`EvaluationStore::catalog_digest`]) at fingerprint `before`, the one taken before the read,
/// if it still has it (a change during the read would make the record wrong).
async fn record_live_catalog(
    store: &EvaluationStore,
    root: &Path,
    url: &str,
    before: &str,
    digest: u64,
) {
    let after = live::fingerprint(url, &refresh::poll_options()).await;
    if after.ok().as_deref() != Some(before) {
        return;
    }
    if let Err(e) = store.record_live_catalog(root, &live::redact(url), before, digest) {
        tracing::warn!("schemals: could not record the live catalog in the cache folder: {e}");
    }
}

/// Analyses the project of `root` and publishes diagnostics for each of its files.
async fn publish_project(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
) {
    let s = state.clone();
    let r = root.clone();
    let g = generation.clone();
    let result = tokio::task::spawn_blocking(move || {
        let generation = g;
        let mut snapshot = snapshot(&s, &generation, &r);
        // Changes that came during the build (a catalog read, another keystroke) are published
        // now rather than the state they replaced.
        for _ in 0..3 {
            if snapshot.generation == generation.load(Ordering::SeqCst) {
                break;
            }
            snapshot = self::snapshot(&s, &generation, &r);
        }
        let uris: HashMap<PathBuf, Uri> = lock(&s)
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), d.uri.clone()))
            .collect();
        let mut diagnostics = snapshot.diagnostics().to_vec();
        // Failures of the last `ampx` run that still apply to the files as they are.
        diagnostics.extend(commands::run_diagnostics(&r, &snapshot.project));
        let mut by_file: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
        for d in diagnostics {
            let Some(file) = snapshot.project.find(&d.path) else {
                continue;
            };
            by_file.entry(d.path.clone()).or_default().push(Diagnostic {
                range: convert::range(file, &d.range),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                    Severity::Information => DiagnosticSeverity::INFORMATION,
                    Severity::Hint => DiagnosticSeverity::HINT,
                }),
                code: Some(NumberOrString::String(d.code.to_owned())),
                source: Some("schemals".to_owned()),
                message: d.message,
                ..Diagnostic::default()
            });
        }
        // Every file of the project gets a publish (an empty one clears old squiggles).
        let mut files: HashSet<PathBuf> = snapshot
            .project
            .files()
            .iter()
            .map(|f| f.path.clone())
            .collect();
        files.extend(by_file.keys().cloned());
        let previously = lock(&s).published.remove(&r).unwrap_or_default();
        files.extend(previously);
        let mut now_published = HashSet::new();
        let mut out = Vec::new();
        for path in files {
            let list = by_file.remove(&path).unwrap_or_default();
            if !list.is_empty() {
                now_published.insert(path.clone());
            }
            let uri = uris
                .get(&path)
                .cloned()
                .or_else(|| Uri::from_file_path(&path));
            if let Some(uri) = uri {
                out.push((uri, list));
            }
        }
        lock(&s).published.insert(r, now_published);
        (out, snapshot)
    })
    .await;
    match result {
        Ok((list, snapshot)) => {
            for (uri, diagnostics) in list {
                client.publish_diagnostics(uri, diagnostics, None).await;
            }
            save_evaluation(&state, snapshot);
            crate::allocator::release_after_publish();
            describe::after_publish(&state, &generation, &client, &root);
        }
        Err(e) => tracing::error!("analysis failed: {e}"),
    }
}

/// Saves the evaluation the memo keeps for the next session, once it is new, after the
/// diagnostics are out (it serializes the whole generated model). Not while its file is open:
/// each keystroke in it would write it again; closing the file saves its last state.
fn save_evaluation(state: &Mutex<State>, snapshot: Arc<Snapshot>) {
    let store = {
        let guard = lock(state);
        let open = |path: &Path| guard.docs.contains_key(path);
        match &guard.evaluations {
            Some(store)
                if store
                    .lacks(&snapshot.memo, &snapshot.project)
                    .is_some_and(|path| !open(&path)) =>
            {
                store.clone()
            }
            _ => return,
        }
    };
    {
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.save(&snapshot.memo, &snapshot.project) {
                tracing::debug!("evaluation not saved: {e}");
            }
        });
    }
}

/// Parses an open document, unless it is over the size limit: the host then reports it as too
/// large instead of analysing it, and parsing it would only stall the protocol loop.
fn parse_document(text: &str) -> Option<Tree> {
    if text.len() as u64 > host::MAX_FILE_BYTES {
        return None;
    }
    schemals_syntax::parse_typescript(text)
}

/// The tree of an open document's current text that a build parsed, if any.
fn known_tree(state: &State, path: &Path) -> Option<Tree> {
    let doc = state.docs.get(path)?;
    if doc.tree.is_some() {
        return None;
    }
    let same = |file: &schemals_ide::ProjectFile| *file.text == *doc.text;
    state
        .cache
        .parsed(path)
        .filter(|f| same(f))
        .or_else(|| {
            state
                .snapshots
                .values()
                .find_map(|s| s.project.find(path).filter(|f| same(f)))
        })
        .and_then(|f| f.parsed_tree().cloned())
}

/// Applies one content change, and to the tree (of a TypeScript file) re-parses what it edited,
/// when that can be parsed alone; else the tree is dropped, and `did_change` parses the whole text
/// once after all the changes. The edit logic itself is the pure, fuzzed `text::apply_change`.
fn apply_change(doc: &mut Document, change: TextDocumentContentChangeEvent, path: &Path) {
    let range = change
        .range
        .map(|r| (convert::line_col(r.start), convert::line_col(r.end)));
    let applied =
        schemals_syntax::text::apply_change(&mut doc.text, &mut doc.lines, range, &change.text);
    doc.tree = match (applied, &doc.tree) {
        (Some(applied), Some(tree))
            if is_typescript(path) && doc.text.len() as u64 <= host::MAX_FILE_BYTES =>
        {
            let tree = tree.reparse_region(&doc.text, &applied);
            if tree.is_some() {
                tracing::debug!("{} re-parsed by region", path.display());
            }
            tree
        }
        _ => None,
    };
}

fn is_typescript(path: &Path) -> bool {
    path.extension().is_some_and(|e| e != "sql")
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| convert::path_of(&f.uri))
            .or_else(|| params.root_uri.as_ref().and_then(convert::path_of));
        lock(&self.state).workspace_root = root;
        if let Some(options) = &params.initialization_options {
            self.settings_from(options);
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "schemals".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        [".", "'", "\"", "`", ":", " ", "("]
                            .iter()
                            .map(|s| (*s).to_owned())
                            .collect(),
                    ),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".to_owned(), ",".to_owned()]),
                    retrigger_characters: None,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: convert::TOKEN_TYPES.to_vec(),
                                token_modifiers: Vec::new(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            ..SemanticTokensOptions::default()
                        },
                    ),
                ),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![
                        COMMAND_REFRESH_CATALOG.to_owned(),
                        refresh::COMMAND_GENERATE_SCHEMA.to_owned(),
                    ]
                    .into_iter()
                    .chain(commands::COMMANDS.iter().map(|c| (*c).to_owned()))
                    .collect(),
                    ..ExecuteCommandOptions::default()
                }),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Settings may also come from `workspace/configuration`. Asked in the background: a
        // client that never answers must not hold up the server, and one that does not support
        // it answers with an error, which leaves the initialization options in force.
        let client = self.client.clone();
        let state = self.state.clone();
        let generation = self.generation.clone();
        let warming = lock(&state).workspace_root.clone().map(|root| {
            let (s, g) = (state.clone(), generation.clone());
            tokio::task::spawn_blocking(move || warm_up(&s, &g, &root))
        });
        tokio::spawn(async move {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("schemals".to_owned()),
            };
            let answer =
                tokio::time::timeout(Duration::from_secs(2), client.configuration(vec![item]))
                    .await;
            if let Some(warming) = warming {
                let _ = warming.await;
            }
            if let Ok(Ok(values)) = answer {
                for value in values.iter().filter(|v| v.is_object()) {
                    apply_settings(&state, value);
                }
            }
            let root = lock(&state).workspace_root.clone();
            if let Some(root) = root {
                load_catalog_and_publish(state, generation, client, root).await;
            }
        });
    }

    async fn shutdown(&self) -> RpcResult<()> {
        commands::stop_all().await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let is_sql = path.extension().is_some_and(|e| e == "sql");
        if !host::is_under_amplify(&path) && !is_sql {
            return;
        }
        let text = params.text_document.text;
        // Not parsed here: the build that follows parses it with the project's other files (on
        // two threads), or finds the tree of the same text already parsed from the disk; the
        // first change re-parses only what it edited in that tree (`did_change`).
        let doc = Document {
            uri: params.text_document.uri,
            lines: LineIndex::new(&text),
            shared: Arc::from(text.as_str()),
            text,
            tree: None,
        };
        let first_root = {
            let mut state = lock(&self.state);
            state.docs.insert(path.clone(), doc);
            if state.workspace_root.is_none() {
                state.workspace_root = host::project_root_of(&path);
                state.workspace_root.clone()
            } else {
                None
            }
        };
        if let Some(root) = first_root {
            self.load_catalog(root);
        }
        if let Some(root) = self.root_for(&path) {
            self.parse_ahead(&root, path);
            self.schedule(root);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        {
            let mut state = lock(&self.state);
            let known = known_tree(&state, &path);
            let Some(doc) = state.docs.get_mut(&path) else {
                return;
            };
            if doc.tree.is_none() {
                doc.tree = known;
            }
            for change in params.content_changes {
                apply_change(doc, change, &path);
            }
            doc.shared = Arc::from(doc.text.as_str());
            if is_typescript(&path) {
                if doc.tree.is_none() {
                    tracing::debug!("{} re-parsed whole", path.display());
                    doc.tree = parse_document(&doc.text);
                }
                if let Some(tree) = doc.tree.clone() {
                    let file = schemals_ide::ProjectFile::with_tree(
                        path.clone(),
                        doc.shared.clone(),
                        Arc::new(doc.lines.clone()),
                        Some(tree),
                    );
                    state.cache.put(file);
                }
            }
        }
        // Requests after this point must not use a snapshot of the old text.
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(root) = self.root_for(&path) {
            self.schedule(root);
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if let Some(path) = convert::path_of(&params.text_document.uri)
            && let Some(root) = self.root_for(&path)
        {
            self.schedule(root);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = convert::path_of(&params.text_document.uri) else {
            return;
        };
        let removed = lock(&self.state).docs.remove(&path).is_some();
        if removed {
            self.client
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
            if let Some(root) = self.root_for(&path) {
                self.schedule(root);
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.settings_from(&params.settings);
        let root = lock(&self.state).workspace_root.clone();
        if let Some(root) = root {
            self.load_catalog(root);
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        let root = lock(&self.state).workspace_root.clone();
        if let Some(root) = root {
            self.schedule(root);
        }
    }

    async fn completion(&self, params: CompletionParams) -> RpcResult<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let items = self
            .with_snapshot(&uri, move |snapshot, path| {
                let Some(file) = snapshot.project.find(path) else {
                    return (Vec::new(), false);
                };
                let offset = convert::offset(&file.lines, &file.text, position);
                let mut found = features::completions(&snapshot.analysis(), path, offset);
                // The best-ranked items only, marked incomplete so the editor asks again as the
                // prefix grows: 1,000 tables made a 300 KB answer, most of its cost.
                let incomplete = found.len() > COMPLETION_LIMIT;
                if incomplete {
                    found.sort_by(|a, b| (&a.sort_key, &a.label).cmp(&(&b.sort_key, &b.label)));
                    found.truncate(COMPLETION_LIMIT);
                }
                let items = found
                    .into_iter()
                    .map(|c| CompletionItem {
                        kind: Some(convert::completion_kind(c.kind)),
                        detail: c.detail,
                        documentation: c.documentation.map(|d| {
                            Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: d,
                            })
                        }),
                        sort_text: Some(c.sort_key),
                        filter_text: Some(c.label.clone()),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                            range: convert::range(file, &c.replace),
                            new_text: c.insert_text.unwrap_or_else(|| c.label.clone()),
                        })),
                        label: c.label,
                        ..CompletionItem::default()
                    })
                    .collect::<Vec<_>>();
                (items, incomplete)
            })
            .await?;
        Ok(items.map(|(items, is_incomplete)| {
            CompletionResponse::List(CompletionList {
                is_incomplete,
                items,
            })
        }))
    }

    async fn signature_help(
        &self,
        params: SignatureHelpParams,
    ) -> RpcResult<Option<SignatureHelp>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let help = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                let help = features::signature_help(&snapshot.analysis(), path, offset)?;
                Some(SignatureHelp {
                    signatures: help
                        .signatures
                        .iter()
                        .map(|s| SignatureInformation {
                            label: s.label.clone(),
                            documentation: None,
                            parameters: Some(
                                s.parameters
                                    .iter()
                                    .map(|p| ParameterInformation {
                                        label: ParameterLabel::LabelOffsets(convert::utf16_span(
                                            &s.label, p,
                                        )),
                                        documentation: None,
                                    })
                                    .collect(),
                            ),
                            active_parameter: None,
                        })
                        .collect(),
                    active_signature: Some(0),
                    active_parameter: Some(help.active_parameter),
                })
            })
            .await?;
        Ok(help.flatten())
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let hover = self
            .with_snapshot(&uri, move |snapshot, path| {
                // Fault injection for the end-to-end test of panic containment; debug builds only,
                // so a released server has no such switch.
                #[cfg(debug_assertions)]
                if std::env::var_os("SCHEMALS_TEST_PANIC_IN_HOVER").is_some() {
                    panic!("fault injected into hover by SCHEMALS_TEST_PANIC_IN_HOVER");
                }
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                let info = features::hover(&snapshot.analysis(), path, offset)?;
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: info.markdown,
                    }),
                    range: Some(convert::range(file, &info.range)),
                })
            })
            .await?;
        Ok(hover.flatten())
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> RpcResult<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let locations = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                let found = features::definition(&snapshot.analysis(), path, offset);
                Some(locations(&snapshot.project, &found))
            })
            .await?;
        Ok(locations
            .flatten()
            .filter(|l| !l.is_empty())
            .map(GotoDefinitionResponse::Array))
    }

    async fn references(&self, params: ReferenceParams) -> RpcResult<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let include = params.context.include_declaration;
        let locations = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                let found = features::references(&snapshot.analysis(), path, offset, include);
                Some(locations(&snapshot.project, &found))
            })
            .await?;
        Ok(locations.flatten())
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> RpcResult<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri;
        let position = params.position;
        let result = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                Some(
                    features::prepare_rename(&snapshot.analysis(), path, offset)
                        .map(|range| convert::range(file, &range)),
                )
            })
            .await?;
        match result.flatten() {
            Some(Ok(range)) => Ok(Some(PrepareRenameResponse::Range(range))),
            Some(Err(message)) => Err(RpcError::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: RenameParams) -> RpcResult<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let new_name = params.new_name;
        let result = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let offset = convert::offset(&file.lines, &file.text, position);
                Some(
                    features::rename(&snapshot.analysis(), path, offset, &new_name)
                        .map(|edits| workspace_edit(&snapshot.project, &edits)),
                )
            })
            .await?;
        match result.flatten() {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(message)) => Err(RpcError::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let actions = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let range = convert::text_range(file, range);
                let actions = features::code_actions(
                    &snapshot.analysis(),
                    path,
                    range,
                    snapshot.diagnostics(),
                );
                Some(
                    actions
                        .into_iter()
                        .map(|a| {
                            CodeActionOrCommand::CodeAction(CodeAction {
                                title: a.title,
                                kind: Some(CodeActionKind::from(a.kind.to_owned())),
                                edit: Some(workspace_edit(&snapshot.project, &a.edits)),
                                is_preferred: a.preferred.then_some(true),
                                ..CodeAction::default()
                            })
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .await?;
        Ok(actions.flatten())
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> RpcResult<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let symbols = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let symbols = features::document_symbols(&snapshot.analysis(), path);
                Some(
                    symbols
                        .iter()
                        .map(|s| document_symbol(file, s))
                        .collect::<Vec<_>>(),
                )
            })
            .await?;
        Ok(symbols.flatten().map(DocumentSymbolResponse::Nested))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> RpcResult<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let tokens = self
            .with_snapshot(&uri, move |snapshot, path| {
                let file = snapshot.project.find(path)?;
                let tokens = features::semantic_tokens(&snapshot.analysis(), path);
                Some(convert::semantic_tokens(file, &tokens))
            })
            .await?;
        Ok(tokens.flatten().map(|data| {
            SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            })
        }))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> RpcResult<Option<LSPAny>> {
        match params.command.as_str() {
            COMMAND_REFRESH_CATALOG => {
                let root = lock(&self.state).workspace_root.clone();
                let Some(root) = root else {
                    return Ok(Some(Value::String("no workspace".to_owned())));
                };
                lock(&self.state).last_database_problem = None;
                load_catalog(
                    self.state.clone(),
                    self.generation.clone(),
                    self.client.clone(),
                    root.clone(),
                    LiveRead::Always,
                )
                .await;
                self.set_catalog();
                publish_project(
                    self.state.clone(),
                    self.generation.clone(),
                    self.client.clone(),
                    root,
                )
                .await;
                let state = lock(&self.state).catalog_state.clone();
                let summary = match state {
                    CatalogState::None => "no catalog".to_owned(),
                    CatalogState::Cached { path } => format!("cached from {}", path.display()),
                    CatalogState::Live { target } => format!("live from {target}"),
                };
                Ok(Some(Value::String(summary)))
            }
            refresh::COMMAND_GENERATE_SCHEMA => {
                match refresh::generate_schema(
                    &self.state,
                    &self.generation,
                    &self.client,
                    &params.arguments,
                )
                .await
                {
                    Ok(summary) => Ok(Some(Value::String(summary))),
                    Err(message) => Err(RpcError::invalid_params(message)),
                }
            }
            name if commands::COMMANDS.contains(&name) => {
                commands::execute(self, name, &params.arguments).await
            }
            other => Err(RpcError::invalid_params(format!("unknown command {other}"))),
        }
    }
}

fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

fn locations(project: &Project, found: &[features::Location]) -> Vec<Location> {
    found
        .iter()
        .filter_map(|l| {
            let file = project.find(&l.path)?;
            Some(Location {
                uri: uri_of(&l.path)?,
                range: convert::range(file, &l.range),
            })
        })
        .collect()
}

fn workspace_edit(project: &Project, edits: &[features::TextEdit]) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        let (Some(file), Some(uri)) = (project.find(&edit.path), uri_of(&edit.path)) else {
            continue;
        };
        changes.entry(uri).or_default().push(TextEdit {
            range: convert::range(file, &edit.range),
            new_text: edit.new_text.clone(),
        });
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

#[allow(deprecated)]
fn document_symbol(file: &schemals_ide::ProjectFile, symbol: &features::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: convert::symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: convert::range(file, &symbol.range),
        selection_range: convert::range(file, &symbol.selection),
        children: Some(
            symbol
                .children
                .iter()
                .map(|c| document_symbol(file, c))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::jsonrpc::ErrorCode;

    /// Every request handler runs its feature through `with_snapshot`: a panic there (a bug in one
    /// feature) must answer that request with an internal error, and the next request is served.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_request_is_answered_with_an_error_and_the_next_is_served() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        let root = std::env::temp_dir().join(format!("schemals-panic-{}", std::process::id()));
        let path = root.join("amplify/data/resource.ts");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "export const x = 1;\n").expect("write");
        let uri = Uri::from_file_path(&path).expect("uri");
        let failed = backend
            .with_snapshot(&uri, |_, _| -> usize { panic!("a bug in one feature") })
            .await;
        assert_eq!(failed.err().map(|e| e.code), Some(ErrorCode::InternalError));
        for _ in 0..3 {
            let served = backend
                .with_snapshot(&uri, |snapshot, _| snapshot.project.files().len())
                .await;
            assert_eq!(served.ok(), Some(Some(1)));
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_setting_cleared_in_the_editor_is_cleared_here() {
        let mut settings = Settings::default();
        settings.apply(&serde_json::json!({
            "databaseUrl": "postgres://app@db/app",
            "databaseUrlVariable": "APP_DB",
            "catalogPath": "amplify/data/catalog.json",
        }));
        assert_eq!(
            settings.database_url.as_deref(),
            Some("postgres://app@db/app")
        );
        assert_eq!(settings.database_url_variable.as_deref(), Some("APP_DB"));
        assert_eq!(
            settings.catalog_path.as_deref(),
            Some(Path::new("amplify/data/catalog.json"))
        );
        // Emptied and removed (null) keys clear; an absent key keeps its value.
        settings.apply(&serde_json::json!({"databaseUrl": "", "catalogPath": null}));
        assert_eq!(settings.database_url, None);
        assert_eq!(settings.catalog_path, None);
        assert_eq!(settings.database_url_variable.as_deref(), Some("APP_DB"));
        // A value of another type is not a setting schemals knows: left as it was.
        settings.apply(&serde_json::json!({"databaseUrlVariable": 3}));
        assert_eq!(settings.database_url_variable.as_deref(), Some("APP_DB"));
    }
}
