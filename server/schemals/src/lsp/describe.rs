//! Statements described by the live database while the user writes them, as `schemals introspect`
//! describes them for the snapshot: the result-shape checks then use the database's own types, and
//! a statement the database refuses is reported with its reason (`sql-database-refused`).
//!
//! Never on the diagnostics path: after a publish, once the user has stopped typing for a moment,
//! the statements of the project that the catalog in use has no description of are prepared by
//! the database (never run, in a read-only transaction), and a copy of the catalog with their
//! descriptions replaces it (same objects, so no analysis starts cold). Only while the catalog in
//! use is the live one: a snapshot that the database no longer matches would pair its tables with
//! another database's descriptions.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use schemals_catalog::live::{self, StatementToDescribe};
use schemals_catalog::statement_key;
use schemals_ide::IndexedCatalog;
use tower_lsp_server::Client;

use super::{CatalogState, State, lock, publish_project};

/// How long the documents must stay unchanged before their statements are described: a pause in
/// typing, not every keystroke's half-written statement.
const QUIET: Duration = Duration::from_millis(400);

/// At most this many statements in one round (a project's first round may have hundreds).
const BATCH: usize = 200;

/// What has been asked of the database for the catalog in use.
#[derive(Default)]
pub struct Describer {
    /// The catalog the keys below were asked for (its address): a new catalog asks again.
    catalog: usize,
    /// Statement keys given to the database (described, refused, or lost with a failed round).
    asked: HashSet<String>,
    /// Whether a round is waiting or running (one at a time).
    running: bool,
}

/// Starts a round, unless one is under way or the catalog in use is not the live one.
pub(super) fn after_publish(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    root: &Path,
) {
    {
        let mut guard = lock(state);
        let live = matches!(guard.catalog_state, CatalogState::Live { .. })
            && guard.watch.database_url().is_some();
        if !live || guard.describer.running {
            return;
        }
        guard.describer.running = true;
    }
    tokio::spawn(round(
        state.clone(),
        generation.clone(),
        client.clone(),
        root.to_path_buf(),
    ));
}

async fn round(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
) {
    loop {
        let before = generation.load(Ordering::SeqCst);
        tokio::time::sleep(QUIET).await;
        if generation.load(Ordering::SeqCst) == before {
            break;
        }
    }
    let asked = ask(&state, &root);
    let described = match &asked {
        Some((url, _, statements, _)) => {
            let options = super::refresh::poll_options();
            match live::describe(url, &options, statements).await {
                Ok(described) => Some(described),
                Err(e) => {
                    // The watch reports a database that went away; this round is lost.
                    tracing::debug!("statements not described: {e}");
                    None
                }
            }
        }
        None => None,
    };
    // The copy is made before taking the lock (it copies the whole catalog).
    let next = match (&asked, described) {
        (Some((_, catalog, _, in_use)), Some(described)) => Some(Arc::new(
            catalog.with_descriptions(described, |d| in_use.contains(&d.key)),
        )),
        _ => None,
    };
    let (installed, replaced) = {
        let mut guard = lock(&state);
        guard.describer.running = false;
        match (asked, next) {
            (Some((_, catalog, _, _)), Some(next)) => install(&mut guard, &catalog, next),
            _ => (false, None),
        }
    };
    if let Some(replaced) = replaced {
        crate::allocator::free_later(replaced);
    }
    if installed {
        generation.fetch_add(1, Ordering::SeqCst);
        tracing::debug!("statement descriptions added to the catalog");
        // Its publish starts the next round if more statements came meanwhile.
        publish_project(state, generation, client, root).await;
    }
}

/// What one round asks: the database URL, the catalog in use, the project's statements it has no
/// description of and that were not asked for yet (noted as asked), and the keys of all the
/// project's statements (descriptions of others are dropped).
type Asked = (
    String,
    Arc<IndexedCatalog>,
    Vec<StatementToDescribe>,
    HashSet<String>,
);

/// What to ask, from the latest snapshot of `root`.
fn ask(state: &Mutex<State>, root: &Path) -> Option<Asked> {
    let mut guard = lock(state);
    if !matches!(guard.catalog_state, CatalogState::Live { .. }) {
        return None;
    }
    let url = guard.watch.database_url()?.to_owned();
    let catalog = guard.catalog.clone()?;
    let snapshot = guard.snapshots.get(root)?.clone();
    let address = Arc::as_ptr(&catalog) as usize;
    if guard.describer.catalog != address {
        guard.describer.catalog = address;
        guard.describer.asked.clear();
    }
    let mut statements = Vec::new();
    let mut in_use = HashSet::new();
    for statement in schemals_ide::project_statements(&snapshot.project, &snapshot.model) {
        let key = statement_key(&statement.sql);
        in_use.insert(key.clone());
        if statements.len() == BATCH
            || catalog.statement(&statement.sql).is_some()
            || !guard.describer.asked.insert(key)
        {
            continue;
        }
        statements.push(StatementToDescribe {
            sql: statement.sql,
            placeholders: statement.placeholders,
        });
    }
    // What the project no longer holds need not be remembered.
    guard.describer.asked.retain(|key| in_use.contains(key));
    drop(guard);
    // The snapshot is not freed under the lock (it may be the last reference to a large model).
    drop(snapshot);
    (!statements.is_empty()).then_some((url, catalog, statements, in_use))
}

/// Installs `next` (the catalog `asked_of` with the new descriptions), if `asked_of` is still the
/// catalog in use (a load may have replaced it meanwhile). Returns whether it did, and the
/// catalog it replaced.
fn install(
    state: &mut State,
    asked_of: &Arc<IndexedCatalog>,
    next: Arc<IndexedCatalog>,
) -> (bool, Option<Arc<IndexedCatalog>>) {
    if !state
        .catalog
        .as_ref()
        .is_some_and(|current| Arc::ptr_eq(current, asked_of))
    {
        return (false, None);
    }
    // What was asked stays asked: the descriptions are in the catalog now.
    state.describer.catalog = Arc::as_ptr(&next) as usize;
    (true, state.catalog.replace(next))
}
