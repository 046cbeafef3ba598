//! Statements described by the live database while the user writes them, as `schemals introspect`
//! describes them for the snapshot: the result-shape checks then use the database's own types, and
//! a statement the database refuses is reported with its reason (`sql-database-refused`).
//!
//! Never on the diagnostics path: after a publish, once the user has stopped typing for a moment,
//! the statements of the project that the catalog in use has no description of are prepared by
//! the database (never run, in a transaction that is rolled back), and a copy of the catalog with
//! their descriptions replaces it (same objects, shared, so no analysis starts cold). Only while
//! the catalog in use is the live one, read from the database being described: a snapshot that
//! the database no longer matches would pair its tables with another database's descriptions.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use schemals_catalog::live;
use schemals_catalog::{StatementToDescribe, statement_key};
use schemals_ide::IndexedCatalog;
use tower_lsp_server::Client;

use super::{CatalogState, Snapshot, State, lock, publish_project};

/// How long the documents must stay unchanged before their statements are described: a pause in
/// typing, not every keystroke's half-written statement.
const QUIET: Duration = Duration::from_millis(400);

/// At most this many statements in one round (a project's first round may have hundreds).
const BATCH: usize = 200;

/// What has been asked of the database for the catalog in use.
#[derive(Default)]
pub struct Describer {
    /// The catalog the keys below were asked for: another catalog asks again.
    catalog: Weak<IndexedCatalog>,
    /// Statement keys given to the database (described, or refused for good).
    asked: HashSet<String>,
    /// Whether a round is waiting or running (one at a time).
    running: bool,
    /// Whether a publish came while a round ran: one more round follows it.
    again: bool,
}

/// Starts a round, unless one is under way (it then runs once more) or the catalog in use is not
/// the live one.
pub(super) fn after_publish(
    state: &Arc<Mutex<State>>,
    generation: &Arc<AtomicU64>,
    client: &Client,
    root: &Path,
) {
    {
        let mut guard = lock(state);
        if live_url(&guard).is_none() {
            return;
        }
        if guard.describer.running {
            guard.describer.again = true;
            return;
        }
        guard.describer.running = true;
    }
    tokio::spawn(rounds(
        state.clone(),
        generation.clone(),
        client.clone(),
        root.to_path_buf(),
    ));
}

/// The URL of the database the catalog in use was read from, if that catalog is live.
fn live_url(state: &State) -> Option<String> {
    let url = state.watch.database_url()?;
    match &state.catalog_state {
        CatalogState::Live { target } if *target == live::redact(url) => Some(url.to_owned()),
        _ => None,
    }
}

async fn rounds(
    state: Arc<Mutex<State>>,
    generation: Arc<AtomicU64>,
    client: Client,
    root: PathBuf,
) {
    loop {
        let installed = round(&state, &generation).await;
        // After an install its publish starts the next round.
        let another = {
            let mut guard = lock(&state);
            let another = std::mem::take(&mut guard.describer.again) && !installed;
            guard.describer.running = another;
            another
        };
        if installed {
            generation.fetch_add(1, Ordering::SeqCst);
            tracing::debug!("statement descriptions added to the catalog");
            publish_project(state, generation, client, root).await;
            return;
        }
        if !another {
            return;
        }
    }
}

/// One round: waits for a pause, has the database describe what is missing, installs it.
/// Returns whether a catalog with new descriptions was installed.
async fn round(state: &Arc<Mutex<State>>, generation: &Arc<AtomicU64>) -> bool {
    loop {
        let before = generation.load(Ordering::SeqCst);
        tokio::time::sleep(QUIET).await;
        if generation.load(Ordering::SeqCst) == before {
            break;
        }
    }
    let Some((url, catalog, snapshots)) = what_is_in_use(state) else {
        return false;
    };
    // Reading the statements analyses every SQL text of the project: not on an async worker,
    // not under the lock.
    let found = tokio::task::spawn_blocking(move || {
        let statements = missing_statements(&catalog, &snapshots);
        (catalog, statements)
    })
    .await;
    let Ok((catalog, (missing, in_use))) = found else {
        return false;
    };
    let asking = {
        let mut guard = lock(state);
        let describer = &mut guard.describer;
        if !Weak::ptr_eq(&describer.catalog, &Arc::downgrade(&catalog)) {
            describer.catalog = Arc::downgrade(&catalog);
            describer.asked.clear();
        }
        // What the project no longer holds need not be remembered.
        describer.asked.retain(|key| in_use.contains(key));
        let asking: Vec<(String, StatementToDescribe)> = missing
            .into_iter()
            .map(|statement| (statement_key(&statement.sql), statement))
            .filter(|(key, _)| !describer.asked.contains(key))
            .take(BATCH)
            .collect();
        describer
            .asked
            .extend(asking.iter().map(|(key, _)| key.clone()));
        asking
    };
    if asking.is_empty() {
        return false;
    }
    let (keys, statements): (Vec<String>, Vec<StatementToDescribe>) = asking.into_iter().unzip();
    let described = match live::describe(&url, &super::refresh::poll_options(), &statements).await {
        Ok(described) => described,
        Err(e) => {
            // The watch reports a database that went away; these are asked again later.
            tracing::debug!("statements not described: {e}");
            let mut guard = lock(state);
            for key in &keys {
                guard.describer.asked.remove(key);
            }
            return false;
        }
    };
    // The copy (which shares the catalog's objects) is made outside the lock.
    let next = Arc::new(catalog.with_descriptions(described, |d| in_use.contains(&d.key)));
    let replaced = {
        let mut guard = lock(state);
        let still = guard
            .catalog
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(current, &catalog))
            && live_url(&guard).as_deref() == Some(url.as_str());
        if still {
            // What was asked stays asked: the descriptions are in the catalog now.
            guard.describer.catalog = Arc::downgrade(&next);
            guard.catalog.replace(next)
        } else {
            None
        }
    };
    let installed = replaced.is_some();
    if let Some(replaced) = replaced {
        crate::allocator::free_later(replaced);
    }
    installed
}

/// The live database's URL, the catalog in use (read from it) and the latest snapshot of every
/// project root (one catalog serves them all).
fn what_is_in_use(
    state: &Mutex<State>,
) -> Option<(String, Arc<IndexedCatalog>, Vec<Arc<Snapshot>>)> {
    let guard = lock(state);
    let url = live_url(&guard)?;
    let catalog = guard.catalog.clone()?;
    let snapshots = guard.snapshots.values().cloned().collect();
    Some((url, catalog, snapshots))
}

/// The statements of the projects that `catalog` has no description of, and the keys of all
/// their statements.
fn missing_statements(
    catalog: &IndexedCatalog,
    snapshots: &[Arc<Snapshot>],
) -> (Vec<StatementToDescribe>, HashSet<String>) {
    let mut missing = Vec::new();
    let mut in_use = HashSet::new();
    for snapshot in snapshots {
        // Only the texts without a description are analysed (for their placeholders).
        missing.extend(schemals_ide::project_statements_where(
            &snapshot.project,
            &snapshot.model,
            |sql| in_use.insert(statement_key(sql)) && catalog.statement(sql).is_none(),
        ));
    }
    (missing, in_use)
}
