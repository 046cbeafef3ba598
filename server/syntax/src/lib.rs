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

pub use tree_sitter::{InputEdit, Node, Point, Tree};

/// Parses TypeScript. A UTF-8 byte order mark is blanked for the parser (same length, so byte
/// offsets stay those of the file). Returns `None` only if tree-sitter gives up, which it does
/// not on any input in practice.
pub fn parse_typescript(text: &str, old_tree: Option<&Tree>) -> Option<Tree> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
        .ok()?;
    match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            let blanked = format!("   {rest}");
            parser.parse(&blanked, old_tree)
        }
        None => parser.parse(text, old_tree),
    }
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

/// Tells `tree` about one change applied by [`text::apply_change`], for an incremental re-parse.
pub fn edit_tree(tree: &mut Tree, change: &text::TextChange) {
    let point = |(row, column): (usize, usize)| Point { row, column };
    tree.edit(&InputEdit {
        start_byte: change.start,
        old_end_byte: change.old_end,
        new_end_byte: change.new_end,
        start_position: point(change.start_point),
        old_end_position: point(change.old_end_point),
        new_end_position: point(change.new_end_point),
    });
}
