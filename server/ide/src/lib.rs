//! Analyses of a project snapshot: the schema files as text and trees, the schema model, and an
//! optional database catalog. Every analysis is a pure function of the snapshot that returns plain
//! data with byte ranges.
//!
//! Architecture invariant: no LSP types, no I/O beyond what the [`Project`] host hands in, no
//! database connections. The LSP crate and the CLI are the only callers.

mod checks;
mod drift;
mod dsl_features;
mod entries;
pub mod features;
mod memo;
mod project;
mod sql_checks;
mod sql_features;
pub mod synthesize;

pub use checks::{check_project, check_project_memoized};
pub use drift::{
    CatalogChange, ChangeKind, DRIFT_CODES, REGENERATE_TITLE, catalog_changes, regenerated_text,
};
pub use features::Analysis;
pub use memo::AnalysisMemo;
pub use project::{Project, ProjectFile, SourceKind};
pub use schemals_catalog::{Catalog, CatalogIndex, Engine, StatementDescription};
pub use schemals_syntax::text::{LineCol, LineIndex, TextRange};
pub use sql_checks::{project_statements, project_statements_where};
pub use synthesize::{Synthesis, SynthesisError, SynthesisOptions, amplify_identifier, synthesize};

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use synthesize::GeneratedSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// One finding, located by file path and byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub range: TextRange,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

/// A catalog with its lookup index, built once when the catalog changes, and what the analyses
/// derive from it alone (the models Amplify's generator would write), computed on first use.
#[derive(Debug)]
pub struct IndexedCatalog {
    pub catalog: Arc<Catalog>,
    pub index: Arc<CatalogIndex>,
    /// Descriptions of statements the live database made after the catalog was read, by key
    /// (see [`IndexedCatalog::with_descriptions`]).
    described: Vec<StatementDescription>,
    /// Names this catalog in memoized results: every catalog built gets a new one.
    id: u64,
    generated: Mutex<Vec<GeneratedFor>>,
}

type GeneratedFor = (
    SynthesisOptions,
    Arc<Result<GeneratedSchema, SynthesisError>>,
);

impl IndexedCatalog {
    pub fn new(catalog: Catalog) -> IndexedCatalog {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let index = CatalogIndex::new(&catalog);
        IndexedCatalog {
            catalog: Arc::new(catalog),
            index: Arc::new(index),
            described: Vec::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            generated: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// This catalog with the statement descriptions `described` added (one of a text already
    /// described replaces the old), keeping of the ones added before only those `still_used`
    /// accepts (a session types many texts). The database objects are the same and shared, so
    /// what was derived from them stays: the copy keeps this catalog's name in memoized results
    /// and its generated models.
    pub fn with_descriptions(
        &self,
        described: Vec<StatementDescription>,
        still_used: impl Fn(&StatementDescription) -> bool,
    ) -> IndexedCatalog {
        let mut all = described;
        all.extend(self.described.iter().filter(|d| still_used(d)).cloned());
        // Sorted by key, the first of equal keys kept (a stable sort): the newer description.
        all.sort_by(|a, b| a.key.cmp(&b.key));
        all.dedup_by(|later, first| later.key == first.key);
        IndexedCatalog {
            catalog: self.catalog.clone(),
            index: self.index.clone(),
            described: all,
            id: self.id,
            generated: Mutex::new(
                self.generated
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
        }
    }

    /// What Amplify's generator writes for this catalog with `options`; computed once for each
    /// options (a project has one or two SQL schemas).
    pub(crate) fn generated(
        &self,
        options: &SynthesisOptions,
    ) -> Arc<Result<GeneratedSchema, SynthesisError>> {
        let mut memo = self.generated.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, found)) = memo.iter().find(|(o, _)| o == options) {
            return found.clone();
        }
        let generated = Arc::new(synthesize::generate(&self.catalog, options));
        if memo.len() >= 4 {
            memo.remove(0);
        }
        memo.push((options.clone(), generated.clone()));
        generated
    }

    /// The description of `sql`: the live database's if it described it, else the catalog's
    /// (`schemals introspect` stored it).
    pub fn statement(&self, sql: &str) -> Option<&StatementDescription> {
        let key = schemals_catalog::statement_key(sql);
        schemals_catalog::find_statement(&self.described, &key)
            .or_else(|| schemals_catalog::find_statement(&self.catalog.statements, &key))
    }
}
