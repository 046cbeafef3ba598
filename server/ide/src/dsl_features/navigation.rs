//! Go to definition, find references, rename, and the outline of a schema file.

use std::path::{Path, PathBuf};

use schemals_syntax::Tree;
use schemals_syntax::eval::Sources;
use schemals_syntax::field;
use schemals_syntax::model::*;

use super::occurrences::{self, Occurrence, Role, Target};
use super::{
    ancestor_of_kind, is_graphql_name, node_covering, node_text, quote_style, quoted, ts_file,
};
use crate::features::{Analysis, Location, Symbol, SymbolKind, TextEdit};
use crate::{ProjectFile, TextRange};

pub(super) fn definition(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Location> {
    let all = occurrences::collect(analysis, false);
    let Some(found) = occurrences::at(&all, path, offset) else {
        return Vec::new();
    };
    all.iter()
        .filter(|o| o.target == found.target && o.role == Role::Declaration)
        .map(to_location)
        .collect()
}

pub(super) fn references(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let all = occurrences::collect(analysis, true);
    let Some(found) = occurrences::at(&all, path, offset) else {
        return Vec::new();
    };
    let mut out: Vec<Location> = all
        .iter()
        .filter(|o| o.target == found.target)
        .filter(|o| include_declaration || o.role != Role::Declaration)
        .map(to_location)
        .collect();
    out.sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    out
}

fn to_location(o: &Occurrence) -> Location {
    Location {
        path: o.path.clone(),
        range: o.range.clone(),
    }
}

const COLUMN_RENAME_REFUSED: &str = "A column belongs to the database: rename it there, then regenerate schema.sql.ts (npx ampx generate schema-from-database)";

/// What can be renamed at `offset`, or why not.
fn rename_target(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Result<Occurrence, String> {
    let all = occurrences::collect(analysis, crate::features::in_sql(analysis, path, offset));
    let found = occurrences::at(&all, path, offset).ok_or("nothing to rename here")?;
    match &found.target {
        Target::Field(mid, _) => {
            let sql = analysis
                .model
                .models
                .get(mid.0)
                .and_then(|m| m.schema)
                .and_then(|s| analysis.model.schemas.get(s.0))
                .is_some_and(Schema::is_sql);
            Err(if sql {
                COLUMN_RENAME_REFUSED.to_owned()
            } else {
                "Renaming a field is not supported: only models, custom types and enums".to_owned()
            })
        }
        Target::Type(sid, name) => {
            let def = analysis
                .model
                .schemas
                .get(sid.0)
                .and_then(|s| s.entry(name))
                .map(|e| &e.def);
            match def {
                Some(TypeDef::CustomType(_) | TypeDef::Enum(_)) => Ok(found),
                _ => Err("Only models, custom types and enums can be renamed".to_owned()),
            }
        }
        Target::Model(_) if found.role == Role::Sql => Err(
            "A table belongs to the database: rename the model in resource.ts instead".to_owned(),
        ),
        Target::Model(_) => Ok(found),
    }
}

pub(super) fn prepare_rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Result<TextRange, String> {
    rename_target(analysis, path, offset).map(|o| o.range)
}

pub(super) fn rename(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
    new_name: &str,
) -> Result<Vec<TextEdit>, String> {
    let found = rename_target(analysis, path, offset)?;
    if !is_graphql_name(new_name) {
        return Err(format!("\"{new_name}\" is not a valid GraphQL type name"));
    }
    let all = occurrences::collect(analysis, false);
    let scope_schema = match &found.target {
        Target::Model(mid) => analysis.model.models.get(mid.0).and_then(|m| m.schema),
        Target::Type(sid, _) => Some(*sid),
        Target::Field(..) => None,
    };
    if let Some(sid) = scope_schema
        && let Some(existing) = occurrences::resolve(analysis.model, sid, new_name)
        && existing != found.target
    {
        return Err(format!("{new_name} is already defined in the schema"));
    }
    let edit = |o: &Occurrence| TextEdit {
        path: o.path.clone(),
        range: o.range.clone(),
        new_text: new_name.to_owned(),
    };
    let same = all.iter().filter(|o| o.target == found.target);
    let mut edits: Vec<TextEdit> = match &found.target {
        Target::Model(mid) => {
            let model = analysis
                .model
                .models
                .get(mid.0)
                .ok_or("nothing to rename here")?;
            let schema = model
                .schema
                .and_then(|s| analysis.model.schemas.get(s.0).map(|x| (s, x)));
            match schema {
                // The table keeps its name: rename through `renameModels`.
                Some((sid, schema)) if schema.is_sql() => {
                    let mut edits: Vec<TextEdit> = same
                        .filter(|o| matches!(o.role, Role::RenameTo | Role::Reference))
                        .map(edit)
                        .collect();
                    if model.original_name.is_none() {
                        edits.push(add_rename_pair(analysis, sid, schema, model, new_name)?);
                    }
                    edits
                }
                _ => same
                    .filter(|o| o.role != Role::Sql && o.role != Role::RenameFrom)
                    .map(edit)
                    .collect(),
            }
        }
        _ => same.filter(|o| o.role != Role::Sql).map(edit).collect(),
    };
    edits.sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    edits.dedup();
    Ok(edits)
}

/// The edit that adds `["table", "New"]` to the schema's `renameModels`, or a `renameModels`
/// call where the schema is first used.
fn add_rename_pair(
    analysis: &Analysis<'_>,
    sid: SchemaId,
    schema: &Schema,
    model: &Model,
    new_name: &str,
) -> Result<TextEdit, String> {
    let table = &model.table_name().text;
    if let Some(last) = schema.renames.last() {
        let path = &analysis.project.file(last.to.span.file).path;
        let (file, tree) = ts_file(analysis, path).ok_or("the renameModels file is not parsed")?;
        let q = quote_style(&file.text);
        let pair = node_covering(tree, &last.to.span.range)
            .and_then(|n| ancestor_of_kind(n, &["array"]))
            .ok_or("the renameModels pair could not be found")?;
        return Ok(TextEdit {
            path: path.clone(),
            range: pair.end_byte()..pair.end_byte(),
            new_text: format!(", [{}, {}]", quoted(table, q), quoted(new_name, q)),
        });
    }
    let (path, at, q) = chain_point(analysis, sid, schema, false).ok_or(
        "no place to add renameModels: the schema is not used in a file schemals can edit",
    )?;
    Ok(TextEdit {
        path,
        range: at..at,
        new_text: format!(
            ".renameModels(() => [[{}, {}]])",
            quoted(table, q),
            quoted(new_name, q)
        ),
    })
}

/// Where a schema method call (`.renameModels(...)`, `.setAuthorization(...)`) can be chained on
/// the schema in a file that is not generated: right after the `renameModels` call when
/// `after_renames` and there is one, else right after the first use of the schema, else (a schema
/// written by hand) right after the call that builds it. With the file's quote style.
pub(super) fn chain_point(
    analysis: &Analysis<'_>,
    sid: SchemaId,
    schema: &Schema,
    after_renames: bool,
) -> Option<(PathBuf, usize, char)> {
    if after_renames && let Some(last) = schema.renames.last() {
        let path = &analysis.project.file(last.to.span.file).path;
        let (file, tree) = ts_file(analysis, path)?;
        let mut node = node_covering(tree, &last.to.span.range)?;
        loop {
            node = ancestor_of_kind(node.parent()?, &["call_expression"])?;
            let method = node
                .child_by_field_id(field::function())
                .and_then(|f| f.child_by_field_id(field::property()))
                .map(|p| node_text(file, p));
            if method == Some("renameModels") {
                return Some((path.clone(), node.end_byte(), quote_style(&file.text)));
            }
        }
    }
    if !schema.generated {
        let path = &analysis.project.file(schema.span.file).path;
        let (file, tree) = ts_file(analysis, path)?;
        let call = node_covering(tree, &schema.span.range)
            .and_then(|n| n.parent())
            .and_then(|n| n.parent())
            .filter(|n| n.kind() == "call_expression")?;
        return Some((path.clone(), call.end_byte(), quote_style(&file.text)));
    }
    let _ = sid;
    first_import_use(analysis, schema.span.file)
}

/// The first use, in another file, of a binding imported from `generated` (the schema export of
/// `schema.sql.ts`), as a place where a method can be chained.
fn first_import_use(analysis: &Analysis<'_>, generated: FileId) -> Option<(PathBuf, usize, char)> {
    let project = analysis.project;
    for (i, file) in project.files().iter().enumerate() {
        let id = FileId(i as u32);
        if id == generated || file.path.to_string_lossy().ends_with(".sql.ts") {
            continue;
        }
        let Some(tree) = file.tree() else { continue };
        for local in imported_names(project, id, file, tree, generated) {
            if let Some(at) = first_use(file, tree, &local) {
                return Some((file.path.clone(), at, quote_style(&file.text)));
            }
        }
    }
    None
}

/// The local names a file imports from `generated`.
fn imported_names(
    project: &crate::Project,
    id: FileId,
    file: &ProjectFile,
    tree: &Tree,
    generated: FileId,
) -> Vec<String> {
    let mut names = Vec::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "import_statement" {
            continue;
        }
        let Some(source) = statement.child_by_field_id(field::source()) else {
            continue;
        };
        let spec = node_text(file, source).trim_matches(['"', '\'', '`']);
        if project.resolve_import(id, spec) != Some(generated) {
            continue;
        }
        let mut stack = vec![statement];
        while let Some(n) = stack.pop() {
            if n.kind() == "import_specifier" {
                let local = n
                    .child_by_field_id(field::alias())
                    .or(n.child_by_field_id(field::name()));
                if let Some(local) = local {
                    names.push(node_text(file, local).to_owned());
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
    }
    names
}

/// The end of the first identifier `name` used as a value (not in an import, not a shorthand
/// property), where a method call can be chained.
fn first_use(file: &ProjectFile, tree: &Tree, name: &str) -> Option<usize> {
    let mut stack = vec![tree.root_node()];
    let mut best: Option<usize> = None;
    while let Some(n) = stack.pop() {
        if n.kind() == "import_statement" {
            continue;
        }
        if n.kind() == "identifier" && node_text(file, n) == name {
            let parent_ok = n.parent().is_some_and(|p| match p.kind() {
                "member_expression" => p.child_by_field_id(field::object()) == Some(n),
                "variable_declarator" => p.child_by_field_id(field::value()) == Some(n),
                "arguments" | "array" => true,
                _ => false,
            });
            if parent_ok && best.is_none_or(|b| n.end_byte() < b) {
                best = Some(n.end_byte());
            }
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    best
}

pub(super) fn document_symbols(analysis: &Analysis<'_>, path: &Path) -> Vec<Symbol> {
    let Some(file_id) = analysis.project.file_id(path) else {
        return Vec::new();
    };
    let Some((_, tree)) = ts_file(analysis, path) else {
        return Vec::new();
    };
    let declaration_range = |name: &Name| -> TextRange {
        node_covering(tree, &name.span.range)
            .and_then(|n| ancestor_of_kind(n, &["pair"]))
            .map_or(name.span.range.clone(), |p| p.byte_range())
    };
    let field_symbols = |fields: &[Field]| -> Vec<Symbol> {
        fields
            .iter()
            .filter(|f| f.name.span.file == file_id && !f.name.text.is_empty())
            .map(|f| Symbol {
                name: f.name.text.to_string(),
                kind: SymbolKind::Field,
                detail: Some(super::hover::graphql_field_type(f)),
                range: declaration_range(&f.name),
                selection: f.name.span.range.clone(),
                children: Vec::new(),
            })
            .collect()
    };
    let mut out = Vec::new();
    for schema in &analysis.model.schemas {
        for entry in &schema.entries {
            let (key, kind, detail, children) = match &entry.def {
                TypeDef::Model(mid) => {
                    let Some(model) = analysis.model.models.get(mid.0) else {
                        continue;
                    };
                    let key = model.original_name.as_ref().unwrap_or(&model.name);
                    let detail = if model.original_name.is_some() {
                        format!("model {}", model.name.text)
                    } else {
                        "model".to_owned()
                    };
                    (key, SymbolKind::Model, detail, field_symbols(&model.fields))
                }
                TypeDef::CustomType(t) => (
                    &entry.name,
                    SymbolKind::Type,
                    "custom type".to_owned(),
                    field_symbols(&t.fields),
                ),
                TypeDef::Enum(_) => (&entry.name, SymbolKind::Enum, "enum".to_owned(), Vec::new()),
                TypeDef::Operation(op) => (
                    &entry.name,
                    SymbolKind::Operation,
                    op.kind.graphql_type().to_lowercase(),
                    Vec::new(),
                ),
                TypeDef::Ai | TypeDef::Unknown => continue,
            };
            if key.span.file != file_id {
                continue;
            }
            out.push(Symbol {
                name: key.text.to_string(),
                kind,
                detail: Some(detail),
                range: declaration_range(key),
                selection: key.span.range.clone(),
                children,
            });
        }
    }
    out.sort_by_key(|s| s.range.start);
    out
}
