//! Editor features inside embedded SQL: `inlineSql` strings (through their source map) and `.sql`
//! files named by `sqlReference`.

use std::path::Path;

use crate::features::*;
use crate::{Diagnostic, TextRange};

/// Whether `offset` in `path` lies in embedded SQL.
pub fn in_sql(analysis: &Analysis<'_>, path: &Path, offset: usize) -> bool {
    let _ = (analysis, path, offset);
    false
}

pub fn completions(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Completion> {
    let _ = (analysis, path, offset);
    Vec::new()
}

pub fn hover(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Option<HoverInfo> {
    let _ = (analysis, path, offset);
    None
}

pub fn definition(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Location> {
    let _ = (analysis, path, offset);
    Vec::new()
}

pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let _ = (analysis, path, range, diagnostics);
    Vec::new()
}

pub fn semantic_tokens(analysis: &Analysis<'_>, path: &Path) -> Vec<SemanticToken> {
    let _ = (analysis, path);
    Vec::new()
}
