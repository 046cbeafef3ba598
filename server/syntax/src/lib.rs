//! Syntax layer of schemals: text positions, TypeScript parsing with tree-sitter, and the schema
//! model read out of the syntax trees.
//!
//! Architecture invariant: this crate knows nothing of databases, SQL analysis or LSP. Parsing
//! never fails: broken text gives a tree with error nodes, and the model of what could be read.

pub mod dump;
pub mod eval;
pub mod field;
pub mod interned;
pub mod model;
mod nesting;
pub mod patch;
mod shift;
pub mod source_map;
pub mod text;
mod tree;

pub use tree::{Children, Node, Tree, TreeCursor};

/// Parses TypeScript (see [`Tree::parse`]).
pub fn parse_typescript(text: &str) -> Option<Tree> {
    Tree::parse(text)
}

/// The module specifiers of the top-level imports and re-exports (`export ... from`) of a file.
pub fn import_specifiers(tree: &Tree, text: &str) -> Vec<String> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|statement| matches!(statement.kind(), "import_statement" | "export_statement"))
        .filter_map(|statement| statement.child_by_field_id(field::source()))
        .filter_map(|source| text.get(source.byte_range()))
        .map(eval::string_literal_text)
        .collect()
}
