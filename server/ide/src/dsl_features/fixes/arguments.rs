//! Fixes that keep `:placeholders` and `.arguments({...})` in step: add the argument a placeholder
//! needs (typed from the column it is compared with), and remove an argument no placeholder uses.

use schemals_catalog::Engine;
use schemals_syntax::Node;
use schemals_syntax::field;
use schemals_syntax::model::*;

use super::super::{
    ancestor_of_kind, did_you_mean, node_covering, node_text, schema_engine, ts_file,
};
use crate::features::{Analysis, CodeAction, TextEdit};
use crate::{Diagnostic, TextRange};

/// The operation whose first SQL handler holds the diagnostic, with that SQL text and the
/// diagnostic's range inside it.
struct SqlSite<'a> {
    schema: &'a Schema,
    name: &'a Name,
    op: &'a Operation,
    sql: String,
    range: TextRange,
}

fn sql_site<'a>(analysis: &Analysis<'a>, d: &Diagnostic) -> Option<SqlSite<'a>> {
    let file_id = analysis.project.file_id(&d.path);
    for schema in &analysis.model.schemas {
        for entry in &schema.entries {
            let TypeDef::Operation(op) = &entry.def else {
                continue;
            };
            let Some(handler) = op.sql_handler() else {
                continue;
            };
            let found = match handler {
                // The SQL may be a constant of another module: matched where it is written.
                Handler::InlineSql { sql: Some(sql), .. } => file_id.and_then(|file| {
                    let start = sql.from_host(file, d.range.start)?;
                    let end = sql.from_host(file, d.range.end)?;
                    Some((sql.text.clone(), start..end))
                }),
                Handler::SqlReference {
                    resolved: Some(resolved),
                    ..
                } if *resolved == d.path => {
                    let file = analysis.project.sql_file(resolved)?;
                    Some((file.text.to_string(), d.range.clone()))
                }
                _ => None,
            };
            if let Some((sql, range)) = found {
                return Some(SqlSite {
                    schema,
                    name: &entry.name,
                    op,
                    sql,
                    range,
                });
            }
        }
    }
    None
}

/// `:nmae` → `:name` among the operation's arguments.
pub(super) fn placeholder_did_you_mean(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let Some(site) = sql_site(analysis, d) else {
        return Vec::new();
    };
    let Some(name) = site
        .sql
        .get(site.range.clone())
        .and_then(|t| t.strip_prefix(':'))
    else {
        return Vec::new();
    };
    let host = analysis
        .project
        .find(&d.path)
        .and_then(|f| f.text.get(d.range.clone()));
    if host != Some(&format!(":{name}")) {
        return Vec::new();
    }
    let arguments: Vec<&str> = site
        .op
        .arguments
        .iter()
        .flatten()
        .map(|a| a.name.text.as_str())
        .collect();
    did_you_mean(name, arguments)
        .into_iter()
        .enumerate()
        .map(|(i, candidate)| CodeAction {
            title: format!("Change to ':{candidate}'"),
            kind: "quickfix",
            edits: vec![TextEdit {
                path: d.path.clone(),
                range: d.range.clone(),
                new_text: format!(":{candidate}"),
            }],
            fixes: Some(d.code),
            preferred: i == 0,
        })
        .collect()
}

/// Adds `name: a.type()` for an undeclared `:name` to the operation's `.arguments({...})`.
pub(super) fn add_argument(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let Some(site) = sql_site(analysis, d) else {
        return Vec::new();
    };
    let Some(name) = site
        .sql
        .get(site.range.clone())
        .and_then(|t| t.strip_prefix(':'))
    else {
        return Vec::new();
    };
    if !super::super::is_graphql_name(name) {
        return Vec::new();
    }
    let factory = schema_engine(analysis, site.schema)
        .and_then(|engine| compared_column_factory(analysis, &site, engine))
        .unwrap_or("string");
    let argument = format!("{name}: a.{factory}()");
    let Some(edit) = argument_insertion(analysis, site.op, &argument) else {
        return Vec::new();
    };
    vec![CodeAction {
        title: format!("Add argument {argument} to {}", site.name.text),
        kind: "quickfix",
        edits: vec![edit],
        fixes: Some(d.code),
        preferred: false,
    }]
}

fn argument_insertion(analysis: &Analysis<'_>, op: &Operation, argument: &str) -> Option<TextEdit> {
    let path = super::super::span_path(analysis, &op.span).to_path_buf();
    let (file, tree) = ts_file(analysis, &path)?;
    if let Some(last) = op.arguments.iter().flatten().last() {
        if last.name.span.file != op.span.file {
            return None;
        }
        let pair = ancestor_of_kind(node_covering(tree, &last.name.span.range)?, &["pair"])
            .filter(|p| in_arguments_call(file, *p))?;
        return Some(TextEdit {
            path,
            range: pair.end_byte()..pair.end_byte(),
            new_text: format!(", {argument}"),
        });
    }
    // Walk out along the builder chain from `a.query()`.
    let factory_call =
        ancestor_of_kind(node_covering(tree, &op.span.range)?, &["call_expression"])?;
    let mut current = Some(factory_call);
    while let Some(n) = current {
        if n.kind() == "call_expression" {
            let method = n
                .child_by_field_id(field::function())
                .and_then(|f| f.child_by_field_id(field::property()))
                .map(|p| node_text(file, p));
            if method == Some("arguments") {
                let object = n
                    .child_by_field_id(field::arguments())
                    .and_then(|a| first_named(a))
                    .filter(|o| o.kind() == "object")?;
                let at = object.start_byte() + 1;
                return Some(TextEdit {
                    path,
                    range: at..at,
                    new_text: format!(" {argument} "),
                });
            }
        }
        current = n
            .parent()
            .filter(|p| matches!(p.kind(), "member_expression" | "call_expression"));
    }
    if op.arguments.is_some() {
        // `.arguments(x)` with something schemals did not read.
        return None;
    }
    let at = factory_call.end_byte();
    Some(TextEdit {
        path,
        range: at..at,
        new_text: format!(".arguments({{ {argument} }})"),
    })
}

/// Whether a pair is written inside `.arguments({...})` itself: an object shared through a
/// constant may hold the arguments of other operations too.
fn in_arguments_call(file: &crate::ProjectFile, pair: Node<'_>) -> bool {
    pair.parent()
        .filter(|o| o.kind() == "object")
        .and_then(|o| o.parent())
        .filter(|a| a.kind() == "arguments")
        .and_then(|a| a.parent())
        .and_then(|c| c.child_by_field_id(field::function()))
        .and_then(|f| f.child_by_field_id(field::property()))
        .is_some_and(|p| node_text(file, p) == "arguments")
}

fn first_named(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .find(|c| c.kind() != "comment")
}

/// The Amplify field factory for the column the placeholder is compared with
/// (`column = :x`, `:x < column`), when the catalog knows the column.
fn compared_column_factory(
    analysis: &Analysis<'_>,
    site: &SqlSite<'_>,
    engine: Engine,
) -> Option<&'static str> {
    let catalog = analysis.catalog.filter(|c| c.catalog.engine == engine)?;
    let before = site.sql.get(..site.range.start)?.trim_end();
    let after = site.sql.get(site.range.end..)?.trim_start();
    let column = strip_operator_suffix(before)
        .and_then(trailing_identifier)
        .or_else(|| strip_operator_prefix(after).and_then(leading_identifier))?;
    let result = schemals_sql::analyze(&site.sql, engine, Some((&catalog.catalog, &catalog.index)));
    let data_type = result
        .tables
        .iter()
        .filter_map(|t| t.resolved.as_ref())
        .filter_map(|(schema, table)| catalog.index.table(&catalog.catalog, schema, table))
        .find_map(|t| t.column(&column))
        .map(|c| c.data_type.to_lowercase())?;
    Some(factory_for(&data_type))
}

const OPERATORS: &[&str] = &["<>", "!=", "<=", ">=", "=", "<", ">"];
const WORD_OPERATORS: &[&str] = &["like", "ilike"];

fn strip_operator_suffix(text: &str) -> Option<&str> {
    for op in OPERATORS {
        if let Some(rest) = text.strip_suffix(op) {
            return Some(rest.trim_end());
        }
    }
    let lower = text.to_ascii_lowercase();
    for op in WORD_OPERATORS {
        if lower.ends_with(&format!(" {op}")) {
            return text.get(..text.len() - op.len()).map(str::trim_end);
        }
    }
    None
}

fn strip_operator_prefix(text: &str) -> Option<&str> {
    for op in OPERATORS {
        if let Some(rest) = text.strip_prefix(op) {
            return Some(rest.trim_start());
        }
    }
    None
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c == '.' || c == '"' || c == '`' || c.is_alphanumeric()
}

/// The column name of a trailing `t.column`/`"column"`.
fn trailing_identifier(text: &str) -> Option<String> {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map(|(i, _)| i)?;
    column_part(text.get(start..)?)
}

fn leading_identifier(text: &str) -> Option<String> {
    let end = text
        .char_indices()
        .find(|(_, c)| !is_ident_char(*c))
        .map_or(text.len(), |(i, _)| i);
    column_part(text.get(..end)?)
}

fn column_part(written: &str) -> Option<String> {
    let last = written.rsplit('.').next()?;
    let name = last.trim_matches(['"', '`']);
    let first = name.chars().next()?;
    if first.is_ascii_digit() || name.is_empty() {
        return None;
    }
    Some(name.to_owned())
}

/// Amplify's field factory for a database type (as the generator maps them).
fn factory_for(data_type: &str) -> &'static str {
    let base = data_type.split('(').next().unwrap_or(data_type).trim();
    match base {
        "smallint" | "integer" | "int" | "bigint" | "int2" | "int4" | "int8" | "tinyint"
        | "mediumint" | "serial" | "bigserial" | "year" => "integer",
        "real" | "double precision" | "numeric" | "decimal" | "float" | "double" | "float4"
        | "float8" => "float",
        "boolean" | "bool" => "boolean",
        "date" => "date",
        // With a time zone, PostgreSQL's types are strings to Amplify's generator.
        "time" | "time without time zone" => "time",
        "timestamp" | "timestamp without time zone" | "datetime" => "datetime",
        "json" | "jsonb" => "json",
        "uuid" => "id",
        "inet" | "cidr" => "ipAddress",
        _ => "string",
    }
}

/// Removes an argument no placeholder uses, with its comma.
pub(super) fn remove_argument(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let Some((file, tree)) = ts_file(analysis, &d.path) else {
        return Vec::new();
    };
    let Some(pair) = node_covering(tree, &d.range).and_then(|n| ancestor_of_kind(n, &["pair"]))
    else {
        return Vec::new();
    };
    if !in_arguments_call(file, pair) {
        return Vec::new();
    }
    let range = match (pair.next_sibling(), pair.prev_sibling()) {
        (Some(comma), _) if comma.kind() == "," => {
            let end = comma
                .next_named_sibling()
                .map_or(comma.end_byte(), |n| n.start_byte());
            pair.start_byte()..end
        }
        (_, Some(comma)) if comma.kind() == "," => comma.start_byte()..pair.end_byte(),
        _ => pair.byte_range(),
    };
    let name = node_text(file, pair.child_by_field_id(field::key()).unwrap_or(pair));
    vec![CodeAction {
        title: format!("Remove the unused argument {name}"),
        kind: "quickfix",
        edits: vec![TextEdit {
            path: d.path.clone(),
            range,
            new_text: String::new(),
        }],
        fixes: Some(d.code),
        preferred: true,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compared_column_is_read_on_either_side() {
        assert_eq!(
            strip_operator_suffix("WHERE p.author_id =").and_then(trailing_identifier),
            Some("author_id".to_owned())
        );
        assert_eq!(
            strip_operator_prefix("< \"created_at\" AND").and_then(leading_identifier),
            Some("created_at".to_owned())
        );
        assert_eq!(strip_operator_suffix("WHERE x IN ("), None);
    }

    #[test]
    fn database_types_map_to_amplify_factories() {
        assert_eq!(factory_for("integer"), "integer");
        assert_eq!(factory_for("character varying(200)"), "string");
        assert_eq!(factory_for("timestamp with time zone"), "string");
        assert_eq!(factory_for("timestamp without time zone"), "datetime");
        assert_eq!(factory_for("numeric(10,2)"), "float");
    }
}
