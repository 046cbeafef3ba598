//! Keeping the catalog true without a restart: while a database is configured, a cheap fingerprint
//! of its catalog is taken every few seconds ([`POLL_INTERVAL`]), and the catalog is read again
//! and diagnostics re-published only when it changed. When the database goes away the server goes
//! on from the snapshot with one message, and comes back by itself when the database does. The
//! editor is told the catalog state through the `schemals/status` notification whenever it
//! changes. Also the `schemals.generateSchema` command.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use schemals_catalog::live::{self, IntrospectOptions};
use schemals_ide::IndexedCatalog;
use serde_json::{Value, json};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::ls_types::*;

use super::{CatalogState, State, lock, publish_project, snapshot};
use crate::host;

/// How often the fingerprint is taken while a database is configured.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

pub const COMMAND_GENERATE_SCHEMA: &str = "schemals.generateSchema";

/// `schemals/status`: the catalog state, for the editor's status bar.
pub enum StatusNotification {}

impl Notification for StatusNotification {
    type Params = Value;
    const METHOD: &'static str = "schemals/status";
}

/// What the watch remembers between loads.
#[derive(Default)]
pub struct Watch {
    /// The database being watched (the URL, kept in memory only) and the task watching it.
    url: Option<String>,
    task: Option<tokio::task::AbortHandle>,
    snapshot_path: Option<PathBuf>,
    /// The last status sent, without its age, so an unchanged state is not sent again.
    last_status: Option<Value>,
}

impl Watch {
    /// The URL of the database being watched (the one the live catalog comes from).
    pub fn database_url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

/// Limits of one poll: short, so a dead server is noticed within a poll or two.
pub(super) fn poll_options() -> IntrospectOptions {
    IntrospectOptions {
        connect_timeout: Duration::from_secs(3),
        statement_timeout: Duration::from_secs(5),
    }
}

/// Called at the end of every catalog load: records where the snapshot is, tells the editor the
/// state, and watches the database of `live` (stopping the watch of any other URL). `live` is its
/// URL and the fingerprint taken before the load read the catalog: the watch reads the catalog
/// again only when the fingerprint differs.
pub async fn loaded(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    root: &Path,
    snapshot_path: &Path,
    live: Option<(&str, Option<String>)>,
) {
    let (url, fingerprint) = match live {
        Some((url, fingerprint)) => (Some(url), fingerprint),
        None => (None, None),
    };
    {
        let mut guard = lock(state);
        guard.watch.snapshot_path = Some(snapshot_path.to_path_buf());
        let same = guard.watch.url.as_deref() == url
            && guard.watch.task.as_ref().is_some_and(|t| !t.is_finished());
        if !same {
            if let Some(task) = guard.watch.task.take() {
                task.abort();
            }
            guard.watch.url = url.map(str::to_owned);
            if let Some(url) = url {
                let task = tokio::spawn(watch(
                    state.clone(),
                    generation.clone(),
                    client.clone(),
                    root.to_path_buf(),
                    url.to_owned(),
                    fingerprint,
                ));
                guard.watch.task = Some(task.abort_handle());
            }
        }
    }
    send_status(state, client).await;
}

/// The state as the editor sees it.
fn status(state: &State) -> Value {
    let snapshot_path = match &state.catalog_state {
        CatalogState::Cached { path } => Some(path.clone()),
        _ => state.watch.snapshot_path.clone(),
    }
    .filter(|p| p.is_file());
    let age = snapshot_path.as_ref().and_then(|p| {
        let modified = std::fs::metadata(p).ok()?.modified().ok()?;
        Some(modified.elapsed().map_or(0, |d| d.as_secs()))
    });
    let catalog = match (&state.catalog_state, &state.catalog) {
        (CatalogState::Live { .. }, _) => "live",
        (_, Some(_)) => "cached",
        (_, None) => "none",
    };
    json!({
        "catalog": catalog,
        "target": state.watch.url.as_deref().map(live::redact),
        "snapshot": snapshot_path.map(|p| p.display().to_string()),
        "snapshotAgeSeconds": age,
        "problem": state.last_database_problem,
    })
}

/// Sends `schemals/status` when the state differs from the last one sent.
pub async fn send_status(state: &Arc<Mutex<State>>, client: &Client) {
    let params = {
        let mut guard = lock(state);
        let params = status(&guard);
        let mut key = params.clone();
        if let Some(object) = key.as_object_mut() {
            object.remove("snapshotAgeSeconds");
        }
        if guard.watch.last_status.as_ref() == Some(&key) {
            return;
        }
        guard.watch.last_status = Some(key);
        params
    };
    client.send_notification::<StatusNotification>(params).await;
}

/// Polls the fingerprint of `url` until aborted (a new load for another URL, or the end).
async fn watch(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
    url: String,
    read_at: Option<String>,
) {
    let target = live::redact(&url);
    let mut last_fingerprint = read_at;
    loop {
        let fingerprint = live::fingerprint(&url, &poll_options()).await;
        match fingerprint {
            Ok(fingerprint) => {
                let (down, live_now) = {
                    let guard = lock(&state);
                    (
                        guard.last_database_problem.is_some(),
                        matches!(guard.catalog_state, CatalogState::Live { .. }),
                    )
                };
                let changed = last_fingerprint.as_ref() != Some(&fingerprint);
                // Without the fingerprint of the load's read, the first poll reloads: the
                // catalog was read before it, so a change in between would otherwise go unseen.
                if (changed || down || !live_now)
                    && reload(&state, &generation, &client, &root, &url).await
                {
                    last_fingerprint = Some(fingerprint);
                    if down {
                        client
                            .show_message(
                                MessageType::INFO,
                                format!(
                                    "schemals: the database of {target} is back; using its live catalog"
                                ),
                            )
                            .await;
                    }
                }
            }
            Err(e) => gone(&state, &generation, &client, &root, e.to_string()).await,
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Reads the catalog again and re-publishes; false when the database failed meanwhile.
async fn reload(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    root: &Path,
    url: &str,
) -> bool {
    match live::introspect(url, &IntrospectOptions::default()).await {
        Ok(catalog) => {
            let changed = {
                let mut guard = lock(state);
                let changed = super::install_live(&mut guard, catalog);
                guard.catalog_state = CatalogState::Live {
                    target: live::redact(url),
                };
                guard.last_database_problem = None;
                changed
            };
            if changed {
                generation.fetch_add(1, Ordering::SeqCst);
            }
            tracing::info!("catalog reloaded from {}", live::redact(url));
            publish_project(
                state.clone(),
                generation.clone(),
                client.clone(),
                root.to_path_buf(),
            )
            .await;
            send_status(state, client).await;
            true
        }
        Err(e) => {
            gone(state, generation, client, root, e.to_string()).await;
            false
        }
    }
}

/// The database cannot be read: go on from the snapshot (or the last catalog read), say so once.
async fn gone(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    root: &Path,
    problem: String,
) {
    let (first, fallback) = {
        let mut guard = lock(state);
        let first = guard.last_database_problem.is_none();
        guard.last_database_problem = Some(problem.clone());
        let mut fallback = String::new();
        if matches!(guard.catalog_state, CatalogState::Live { .. }) {
            let snapshot_path = guard.watch.snapshot_path.clone();
            match snapshot_path.as_deref().map(host::read_snapshot) {
                Some(Ok(Some(catalog))) => {
                    guard.catalog = Some(Arc::new(IndexedCatalog::new(catalog)));
                    if let Some(path) = snapshot_path {
                        fallback = format!("using the snapshot {}", path.display());
                        guard.catalog_state = CatalogState::Cached { path };
                    }
                }
                // No snapshot: the catalog last read stays, as a cache.
                _ => {
                    fallback = "using the catalog read last".to_owned();
                    guard.catalog_state = CatalogState::None;
                }
            }
            generation.fetch_add(1, Ordering::SeqCst);
        } else if let CatalogState::Cached { path } = &guard.catalog_state {
            fallback = format!("using the snapshot {}", path.display());
        } else if guard.catalog.is_some() {
            fallback = "using the catalog read last".to_owned();
        } else {
            fallback = "no snapshot either: database checks are off".to_owned();
        }
        (first, fallback)
    };
    tracing::warn!("schemals: {problem}; {fallback}");
    if first {
        client
            .show_message(
                MessageType::WARNING,
                format!("schemals: {problem}; {fallback}"),
            )
            .await;
        publish_project(
            state.clone(),
            generation.clone(),
            client.clone(),
            root.to_path_buf(),
        )
        .await;
    }
    send_status(state, client).await;
}

/// `schemals.generateSchema [uri]`: regenerates `schema.sql.ts` from the database (read afresh
/// when one is configured, else the catalog in use) and asks the editor to apply the edit.
pub async fn generate_schema(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    arguments: &[Value],
) -> Result<String, String> {
    let requested = arguments
        .first()
        .and_then(Value::as_str)
        .and_then(|u| u.parse::<Uri>().ok())
        .and_then(|u| super::convert::path_of(&u));
    let root = match &requested {
        Some(path) => host::project_root_of(path),
        None => None,
    }
    .or_else(|| lock(state).workspace_root.clone())
    .ok_or("no workspace")?;
    let url = lock(state).watch.url.clone();
    if let Some(url) = &url {
        let _ = reload(state, generation, client, &root, url).await;
    }
    let s = state.clone();
    let g = generation.clone();
    let r = root.clone();
    let edit = tokio::task::spawn_blocking(move || {
        let snapshot = snapshot(&s, &g, &r);
        let analysis = snapshot.analysis();
        let path = match requested {
            Some(path) => path,
            None => snapshot
                .model
                .schemas
                .iter()
                .find(|schema| schema.generated && schema.is_sql())
                .map(|schema| snapshot.project.file(schema.span.file).path.clone())
                .ok_or("no generated schema.sql.ts in the project; run `schemals generate` to write the first one")?,
        };
        if snapshot.catalog.is_none() {
            return Err("no database catalog: configure a database or a snapshot".to_owned());
        }
        let text = schemals_ide::regenerated_text(&analysis, &path)
            .ok_or("nothing can be generated from this catalog for this file")?;
        let file = snapshot.project.find(&path).ok_or("the file is not loaded")?;
        if *file.text == *text {
            return Ok(None);
        }
        let uri = Uri::from_file_path(&path).ok_or("the file has no URI")?;
        let edit = TextEdit {
            range: super::convert::range(file, &(0..file.text.len())),
            new_text: text,
        };
        Ok(Some(WorkspaceEdit {
            changes: Some([(uri, vec![edit])].into_iter().collect()),
            ..WorkspaceEdit::default()
        }))
    })
    .await
    .map_err(|e| format!("generation failed: {e}"))??;
    let Some(edit) = edit else {
        return Ok("schema.sql.ts is up to date".to_owned());
    };
    match client.apply_edit(edit).await {
        Ok(response) if response.applied => Ok("schema.sql.ts regenerated".to_owned()),
        Ok(response) => Err(format!(
            "the editor did not apply the edit{}",
            response
                .failure_reason
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        )),
        Err(e) => Err(format!("the editor did not apply the edit: {e}")),
    }
}
