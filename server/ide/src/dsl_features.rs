//! Editor features in the schema DSL (`resource.ts`, `schema.sql.ts` and the modules they import):
//! completion, hover, navigation, rename and quick fixes that know the database.
//!
//! What is under the cursor comes from two places: the schema model (every name the evaluator
//! understood has an exact span, gathered into [`occurrences`]) and, for half-typed code the
//! evaluator could not follow, the tree-sitter tree of the file ([`completion`]).

mod completion;
mod fixes;
mod hover;
mod navigation;
mod occurrences;

pub(crate) use occurrences::Occurrence;

use std::path::Path;

use schemals_catalog::{Column, Engine, Table};
use schemals_syntax::Node;
use schemals_syntax::Tree;
use schemals_syntax::model::{Model, Schema, Span};

use crate::features::*;
use crate::{Diagnostic, ProjectFile, TextRange};

pub fn completions(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Completion> {
    completion::completions(analysis, path, offset)
}

pub fn hover(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Option<HoverInfo> {
    hover::hover(analysis, path, offset)
}

pub fn definition(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Location> {
    navigation::definition(analysis, path, offset)
}

pub fn references(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    navigation::references(analysis, path, offset, include_declaration)
}

pub fn prepare_rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Result<TextRange, String> {
    navigation::prepare_rename(analysis, path, offset)
}

pub fn rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    navigation::rename(analysis, path, offset, new_name)
}

pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    fixes::code_actions(analysis, path, range, diagnostics)
}

pub fn document_symbols(analysis: &Analysis<'_>, path: &Path) -> Vec<Symbol> {
    navigation::document_symbols(analysis, path)
}

// ----- helpers shared by the features -----

/// The TypeScript file at `path` with its tree.
fn ts_file<'a>(analysis: &Analysis<'a>, path: &Path) -> Option<(&'a ProjectFile, &'a Tree)> {
    let id = analysis.project.file_id(path)?;
    let file = analysis.project.file(id);
    Some((file, file.tree()?))
}

fn span_path<'a>(analysis: &Analysis<'a>, span: &Span) -> &'a Path {
    &analysis.project.file(span.file).path
}

fn node_text<'t>(file: &'t ProjectFile, node: Node<'_>) -> &'t str {
    file.text.get(node.byte_range()).unwrap_or("")
}

/// The smallest node covering `range` exactly or containing it.
fn node_covering<'t>(tree: &'t Tree, range: &TextRange) -> Option<Node<'t>> {
    tree.root_node()
        .descendant_for_byte_range(range.start, range.end)
}

/// The nearest ancestor (or the node itself) of one of `kinds`.
fn ancestor_of_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// The engine of a SQL schema, from its configuration or else the catalog's.
fn schema_engine(analysis: &Analysis<'_>, schema: &Schema) -> Option<Engine> {
    if !schema.is_sql() {
        return None;
    }
    schema
        .engine()
        .and_then(Engine::from_amplify_name)
        .or_else(|| analysis.catalog.map(|c| c.catalog.engine))
}

/// The catalog table behind a SQL model, when the catalog is of the schema's engine.
fn model_table<'a>(analysis: &Analysis<'a>, model: &Model) -> Option<&'a Table> {
    let catalog = analysis.catalog?;
    let schema = analysis.model.schemas.get(model.schema?.0)?;
    if schema_engine(analysis, schema) != Some(catalog.catalog.engine) {
        return None;
    }
    let name = &model.table_name().text;
    catalog
        .catalog
        .search_path
        .iter()
        .find_map(|s| catalog.index.table(&catalog.catalog, s, name))
}

fn model_column<'a>(analysis: &Analysis<'a>, model: &Model, field: &str) -> Option<&'a Column> {
    model_table(analysis, model)?.column(field)
}

/// `column type, NOT NULL, default …` in one line.
fn column_detail(column: &Column) -> String {
    let mut detail = column.data_type.to_string();
    detail.push_str(if column.nullable {
        ", nullable"
    } else {
        ", not null"
    });
    detail
}

/// Levenshtein distance over characters, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            let insertion = current[j] + 1;
            let deletion = previous[j + 1] + 1;
            current.push(substitution.min(insertion).min(deletion));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The candidates close enough to `name` to be what was meant, best first (at most three).
fn did_you_mean<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Vec<&'c str> {
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != name && !c.is_empty())
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Whether a name can be a GraphQL type name (and so a model or type key).
fn is_graphql_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `s` as a TypeScript string literal in the quote style of the file around it.
fn quoted(s: &str, quote: char) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace(quote, &format!("\\{quote}"));
    format!("{quote}{escaped}{quote}")
}

/// The quote the file uses most for strings (the generator writes `"`, people often `'`).
fn quote_style(text: &str) -> char {
    if text.matches('\'').count() > text.matches('"').count() {
        '\''
    } else {
        '"'
    }
}
