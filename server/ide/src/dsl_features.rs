//! Editor features in the schema DSL (`resource.ts`, `schema.sql.ts` and the modules they import):
//! completion, hover, navigation, rename and quick fixes that know the database.

use std::path::Path;

use crate::features::*;
use crate::{Diagnostic, TextRange};

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

pub fn references(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let _ = (analysis, path, offset, include_declaration);
    Vec::new()
}

pub fn prepare_rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Result<TextRange, String> {
    let _ = (analysis, path, offset);
    Err("nothing to rename here".to_owned())
}

pub fn rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let _ = (analysis, path, offset, new_name);
    Err("nothing to rename here".to_owned())
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

pub fn document_symbols(analysis: &Analysis<'_>, path: &Path) -> Vec<Symbol> {
    let _ = (analysis, path);
    Vec::new()
}
