//! Results of the costly pure analyses kept from one snapshot to the next. An edit changes one
//! SQL string at most, so the language server analyses only that one again instead of every
//! query of the project (measured: two thirds of the checks' time at 200 queries); and an edit of
//! `resource.ts` does not evaluate the generated `schema.sql.ts` again (see
//! `schemals_syntax::eval::evaluate_memoized`).
//!
//! Entries are keyed by everything the result depends on (the SQL text, the engine, the catalog)
//! and live for one run of the checks after their last use, so the memo holds what the current
//! project uses and no more.

use foldhash::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};

use schemals_catalog::Engine;
use schemals_sql::SqlAnalysis;
use schemals_sql::lexical::{self, SqlToken};
use schemals_syntax::eval::EvalMemo;

use crate::IndexedCatalog;

/// The analysis and tokens of one SQL text.
#[derive(Debug)]
pub(crate) struct SqlFacts {
    text: Box<str>,
    engine: Engine,
    catalog: Option<u64>,
    pub(crate) analysis: SqlAnalysis,
    pub(crate) tokens: Vec<SqlToken>,
}

#[derive(Default)]
struct Runs {
    /// Used by the run in progress (or the last one, once it ended).
    current: HashMap<u64, Arc<SqlFacts>>,
    /// Used by the run before; what the current run does not use is dropped when it ends.
    previous: HashMap<u64, Arc<SqlFacts>>,
    /// The (engine, catalog) pairs of the facts in `current` and in `previous`: a pair in
    /// neither means a cold memo for that catalog (first run, or the catalog changed).
    current_sources: Vec<(Engine, Option<u64>)>,
    previous_sources: Vec<(Engine, Option<u64>)>,
}

impl Runs {
    fn keep(&mut self, key: u64, facts: Arc<SqlFacts>) {
        let source = (facts.engine, facts.catalog);
        if !self.current_sources.contains(&source) {
            self.current_sources.push(source);
        }
        self.current.insert(key, facts);
    }
}

/// A memo of analyses shared by the snapshots of a session. [`AnalysisMemo::default`] makes an
/// empty one; a memo used once (the CLI) simply computes everything.
#[derive(Default)]
pub struct AnalysisMemo {
    sql: Mutex<Runs>,
    hasher: foldhash::quality::RandomState,
    evaluation: EvalMemo,
}

impl std::fmt::Debug for AnalysisMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisMemo").finish_non_exhaustive()
    }
}

impl AnalysisMemo {
    /// What the evaluator of the schema model keeps between evaluations.
    pub(crate) fn evaluation(&self) -> &EvalMemo {
        &self.evaluation
    }

    /// Whether the evaluation of the file at `path` with `text` is kept (see
    /// [`crate::ProjectFile::without_tree`]).
    pub fn keeps_evaluation_of(&self, path: &std::path::Path, text: &str) -> bool {
        self.evaluation.keeps(path, text)
    }

    /// The evaluation this memo keeps, to be saved for a later session (see
    /// [`schemals_syntax::eval::EvalMemo::saved`]).
    pub fn saved_evaluation(&self) -> Option<schemals_syntax::eval::SavedEvaluation> {
        self.evaluation.saved()
    }

    /// Keeps an evaluation saved by an earlier session if it is that of `path` with `text`.
    pub fn restore_evaluation(&self, bytes: &[u8], path: &std::path::Path, text: &str) -> bool {
        self.evaluation.restore_saved(bytes, path, text)
    }

    fn runs(&self) -> MutexGuard<'_, Runs> {
        // Entries are inserted whole: a poisoned lock still holds consistent data.
        self.sql.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The analysis of `sql`, computed once per (text, engine, catalog).
    pub(crate) fn sql(
        &self,
        sql: &str,
        engine: Engine,
        catalog: Option<&IndexedCatalog>,
    ) -> Arc<SqlFacts> {
        let catalog_id = catalog.map(IndexedCatalog::id);
        let key = self.hasher.hash_one((sql, engine, catalog_id));
        if let Some(found) = self.kept(key, sql, engine, catalog_id) {
            return found;
        }
        // Computed without the lock: other snapshots' checks go on meanwhile.
        let facts = Arc::new(SqlFacts {
            text: sql.into(),
            engine,
            catalog: catalog_id,
            analysis: schemals_sql::analyze(sql, engine, catalog.map(|c| (&*c.catalog, &*c.index))),
            tokens: lexical::tokenize(sql, engine),
        });
        self.runs().keep(key, facts.clone());
        facts
    }

    /// The facts of `sql` kept by this run or the one before (then kept for this run too).
    fn kept(
        &self,
        key: u64,
        sql: &str,
        engine: Engine,
        catalog_id: Option<u64>,
    ) -> Option<Arc<SqlFacts>> {
        let matches =
            |f: &SqlFacts| *f.text == *sql && f.engine == engine && f.catalog == catalog_id;
        let mut runs = self.runs();
        if let Some(found) = runs.current.get(&key).filter(|f| matches(f)) {
            return Some(found.clone());
        }
        let found = runs.previous.remove(&key).filter(|f| matches(f))?;
        runs.keep(key, found.clone());
        Some(found)
    }

    /// Whether this memo holds no analysis against `catalog` for `engine`: then the checks are
    /// about to analyse every query of it (a first run, or a catalog just changed), and
    /// [`AnalysisMemo::analyse_in_parallel`] is worth its threads. O(1) for a keystroke's run.
    pub(crate) fn is_cold(&self, engine: Engine, catalog: Option<&IndexedCatalog>) -> bool {
        let source = (engine, catalog.map(IndexedCatalog::id));
        let runs = self.runs();
        !runs.current_sources.contains(&source) && !runs.previous_sources.contains(&source)
    }

    /// Analyses the `queries` this memo lacks on two threads, before the checks ask for them one
    /// by one: the first checks of a project analyse every query (half their time at 200
    /// queries), and each query's analysis depends on nothing but its text, engine and catalog.
    pub(crate) fn analyse_in_parallel(&self, queries: &[(&str, Engine, Option<&IndexedCatalog>)]) {
        // Below this a thread costs more than it saves.
        const PARALLEL_FROM: usize = 8;
        if queries.len() < PARALLEL_FROM {
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            while let Some((sql, engine, catalog)) =
                queries.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            {
                self.sql(sql, *engine, *catalog);
            }
        };
        std::thread::scope(|scope| {
            scope.spawn(work);
            work();
        });
    }

    /// Ends a run of the checks: entries it did not use are dropped.
    pub(crate) fn end_run(&self) {
        let mut runs = self.runs();
        runs.previous = std::mem::take(&mut runs.current);
        runs.previous_sources = std::mem::take(&mut runs.current_sources);
    }
}
