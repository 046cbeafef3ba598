//! Drift between the generated `schema.sql.ts` and the database catalog, and the regenerate
//! quick fix.

use std::path::Path;

use crate::features::*;
use crate::{Diagnostic, TextRange};

pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let _ = (analysis, path, range, diagnostics);
    Vec::new()
}
