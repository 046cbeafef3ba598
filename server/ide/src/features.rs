//! Editor features as pure functions of an [`Analysis`] snapshot and a byte offset. Each returns
//! plain data in editor terms (paths, byte ranges, labels); the LSP layer converts it.
//!
//! The entry points dispatch by where the cursor is: inside embedded SQL (an `inlineSql` string or
//! a `.sql` file named by `sqlReference`) to the SQL features, elsewhere to the DSL features.

use std::path::{Path, PathBuf};

use schemals_syntax::model::SchemaModel;

use crate::{IndexedCatalog, Project, TextRange};

/// Everything an editor feature may read: immutable, cheap to share.
#[derive(Clone, Copy)]
pub struct Analysis<'a> {
    pub project: &'a Project,
    pub model: &'a SchemaModel,
    pub catalog: Option<&'a IndexedCatalog>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Table,
    View,
    Column,
    Function,
    Model,
    Field,
    Type,
    Enum,
    Operation,
    Argument,
    AuthBuilder,
    Provider,
    Snippet,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line shown beside the label (a column's type, a table's schema).
    pub detail: Option<String>,
    /// Markdown shown when the item is selected.
    pub documentation: Option<String>,
    /// The text that replaces `replace`; the label when `None`.
    pub insert_text: Option<String>,
    /// The range the item replaces (the word being typed), in the file of the request.
    pub replace: TextRange,
    /// Orders items: lower sorts first. Items with equal keys sort by label.
    pub sort_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: PathBuf,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub path: PathBuf,
    pub range: TextRange,
    pub new_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// `quickfix`, `refactor.rewrite`, `source`...
    pub kind: &'static str,
    pub edits: Vec<TextEdit>,
    /// The code of the diagnostic the action fixes, if any.
    pub fixes: Option<&'static str>,
    pub preferred: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Schema,
    Model,
    Field,
    Type,
    Enum,
    Operation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub detail: Option<String>,
    /// The whole declaration.
    pub range: TextRange,
    /// The name within it.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Function,
    Table,
    Column,
    Parameter,
    String,
    Number,
    Comment,
    Operator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// Whether `offset` in `path` lies in embedded SQL.
pub fn in_sql(analysis: &Analysis<'_>, path: &Path, offset: usize) -> bool {
    let _ = (analysis, path, offset);
    false
}

/// Completion items at `offset` in `path`.
pub fn completions(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Completion> {
    let _ = (analysis, path, offset);
    Vec::new()
}

/// Hover at `offset` in `path`.
pub fn hover(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Option<HoverInfo> {
    let _ = (analysis, path, offset);
    None
}

/// Where the name at `offset` is defined.
pub fn definition(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Location> {
    let _ = (analysis, path, offset);
    Vec::new()
}

/// Every use of the name at `offset`, with its declaration when `include_declaration`.
pub fn references(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let _ = (analysis, path, offset, include_declaration);
    Vec::new()
}

/// The range of the name that would be renamed at `offset`, or why it cannot be.
pub fn prepare_rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Result<TextRange, String> {
    let _ = (analysis, path, offset);
    Err("nothing to rename here".to_owned())
}

/// The edits that rename the name at `offset` to `new_name`, or why it cannot be renamed.
pub fn rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let _ = (analysis, path, offset, new_name);
    Err("nothing to rename here".to_owned())
}

/// Quick fixes and refactorings for `range` in `path`, given the diagnostics published there.
pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[crate::Diagnostic],
) -> Vec<CodeAction> {
    let _ = (analysis, path, range, diagnostics);
    Vec::new()
}

/// The outline of a schema file.
pub fn document_symbols(analysis: &Analysis<'_>, path: &Path) -> Vec<Symbol> {
    let _ = (analysis, path);
    Vec::new()
}

/// Tokens of the embedded SQL of a file, for editors that colour by semantic tokens.
pub fn semantic_tokens(analysis: &Analysis<'_>, path: &Path) -> Vec<SemanticToken> {
    let _ = (analysis, path);
    Vec::new()
}
