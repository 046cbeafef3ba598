//! Analyses of a project snapshot: the schema files as text and trees, the schema model, and an
//! optional database catalog. Every analysis is a pure function of the snapshot that returns plain
//! data with byte ranges.
//!
//! Architecture invariant: no LSP types, no I/O beyond what the [`Project`] host hands in, no
//! database connections. The LSP crate and the CLI are the only callers.

mod checks;
mod drift;
mod dsl_features;
pub mod features;
mod project;
mod sql_checks;
mod sql_features;
pub mod synthesize;

pub use checks::check_project;
pub use drift::{
    CatalogChange, ChangeKind, DRIFT_CODES, REGENERATE_TITLE, catalog_changes, regenerated_text,
};
pub use features::Analysis;
pub use project::{Project, ProjectFile, SourceKind};
pub use schemals_catalog::{Catalog, CatalogIndex, Engine};
pub use schemals_syntax::text::{LineCol, LineIndex, TextRange};
pub use sql_checks::{ProjectStatement, project_statements};
pub use synthesize::{Synthesis, SynthesisError, SynthesisOptions, amplify_identifier, synthesize};

use std::path::PathBuf;

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

/// A catalog with its lookup index, built once when the catalog changes.
#[derive(Debug, Clone)]
pub struct IndexedCatalog {
    pub catalog: Catalog,
    pub index: CatalogIndex,
}

impl IndexedCatalog {
    pub fn new(catalog: Catalog) -> IndexedCatalog {
        let index = CatalogIndex::new(&catalog);
        IndexedCatalog { catalog, index }
    }
}
