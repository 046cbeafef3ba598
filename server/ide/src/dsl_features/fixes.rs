//! Quick fixes in the DSL: did-you-mean for unknown names, an authorization rule for a model
//! without one, relationships from the catalog's foreign keys, and `.array()` around the return
//! type of a row-returning SQL operation.

use std::path::Path;

mod arguments;

use arguments::placeholder_did_you_mean;
use schemals_catalog::ForeignKey;
use schemals_syntax::Node;
use schemals_syntax::field;
use schemals_syntax::model::*;

use super::navigation::chain_point;
use super::occurrences::{self, Role, Target};
use super::{
    ancestor_of_kind, did_you_mean, model_table, node_covering, node_text, quoted, ts_file,
};
use crate::features::{Analysis, CodeAction, TextEdit};
use crate::{Diagnostic, ProjectFile, TextRange};

pub(super) fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let overlaps = |r: &TextRange| r.start <= range.end && range.start <= r.end;
    for d in diagnostics
        .iter()
        .filter(|d| d.path == path && overlaps(&d.range))
    {
        match d.code {
            "unknown-model"
            | "unknown-field"
            | "unknown-ref"
            | "rename-unknown-model"
            | "unknown-table"
            | "auth-field-missing"
            | "sql-model-missing-primary-key"
            | "unknown-column"
            | "sql-unknown-table"
            | "sql-unknown-column" => {
                out.extend(did_you_mean_fixes(analysis, d));
            }
            "sql-model-iam-only" | "model-missing-auth" => {
                out.extend(add_authorization(analysis, d));
            }
            "sql-returns-not-array" => out.extend(wrap_returns_in_array(analysis, d)),
            "sql-undeclared-placeholder" => {
                out.extend(placeholder_did_you_mean(analysis, d));
                out.extend(arguments::add_argument(analysis, d));
            }
            "sql-unused-argument" => out.extend(arguments::remove_argument(analysis, d)),
            _ => {}
        }
    }
    out.extend(relationships_from_foreign_keys(analysis, path, &range));
    out
}

// ----- did you mean -----

fn did_you_mean_fixes(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let Some(file) = analysis.project.find(&d.path) else {
        return Vec::new();
    };
    let Some(written) = file.text.get(d.range.clone()) else {
        return Vec::new();
    };
    let (candidates, first): (Vec<String>, Option<String>) = match d.code {
        "unknown-model" => {
            let schema = analysis
                .model
                .name_uses
                .iter()
                .find_map(|u| match u.target {
                    UseTarget::UnknownModel(sid)
                        if u.span.range == d.range
                            && super::span_path(analysis, &u.span) == d.path =>
                    {
                        Some(sid)
                    }
                    _ => None,
                });
            let Some(schema) = schema.and_then(|s| analysis.model.schemas.get(s.0)) else {
                return Vec::new();
            };
            let renamed = schema
                .renames
                .iter()
                .find(|r| r.from.text == written)
                .map(|r| r.to.text.to_string());
            let names = schema
                .entries
                .iter()
                .filter(|e| matches!(e.def, TypeDef::Model(_)))
                .map(|e| e.name.text.to_string())
                .collect();
            (names, renamed)
        }
        "unknown-field" => {
            let model = analysis
                .model
                .name_uses
                .iter()
                .find_map(|u| match u.target {
                    UseTarget::UnknownField(mid)
                        if u.span.range == d.range
                            && super::span_path(analysis, &u.span) == d.path =>
                    {
                        analysis.model.models.get(mid.0)
                    }
                    _ => None,
                });
            let Some(model) = model else {
                return Vec::new();
            };
            (field_names(model), None)
        }
        "auth-field-missing" | "sql-model-missing-primary-key" => {
            let all = occurrences::collect(analysis, false);
            let Some(Target::Field(mid, _)) =
                occurrences::at(&all, &d.path, d.range.start).map(|o| o.target)
            else {
                return Vec::new();
            };
            let Some(model) = analysis.model.models.get(mid.0) else {
                return Vec::new();
            };
            let mut names = field_names(model);
            if d.code == "auth-field-missing" {
                // Owner fields hold strings: offer those first.
                names.retain(|n| {
                    model
                        .field(n)
                        .is_some_and(|f| matches!(f.ty, FieldType::Scalar(s) if s.is_string_like()))
                });
            }
            (names, None)
        }
        "unknown-column" => {
            // A field of schema.sql.ts that its table lacks: the table's columns.
            let all = occurrences::collect(analysis, false);
            let Some(Target::Field(mid, _)) =
                occurrences::at(&all, &d.path, d.range.start).map(|o| o.target)
            else {
                return Vec::new();
            };
            let Some(table) = analysis
                .model
                .models
                .get(mid.0)
                .and_then(|m| model_table(analysis, m))
            else {
                return Vec::new();
            };
            (
                table.columns.iter().map(|c| c.name.to_string()).collect(),
                None,
            )
        }
        "unknown-ref" => {
            // The names the ref can see: the scope of the schema holding it.
            let Some(file) = analysis.project.file_id(&d.path) else {
                return Vec::new();
            };
            let scope = ref_schema(analysis.model, file, &d.range)
                .map(|s| analysis.model.ref_scope(s))
                .unwrap_or_default();
            let names = scope
                .iter()
                .filter_map(|s| analysis.model.schemas.get(s.0))
                .flat_map(|s| s.entries.iter())
                .filter(|e| !matches!(e.def, TypeDef::Unknown))
                .map(|e| e.name.text.to_string())
                .collect();
            (names, None)
        }
        "rename-unknown-model" => {
            let names = analysis
                .model
                .schemas
                .iter()
                .filter(|s| s.is_sql())
                .flat_map(|s| s.entries.iter())
                .filter(|e| matches!(e.def, TypeDef::Model(_)))
                .map(|e| e.name.text.to_string())
                .collect();
            (names, None)
        }
        "unknown-table" | "sql-unknown-table" => {
            let Some(catalog) = analysis.catalog else {
                return Vec::new();
            };
            let names = catalog
                .catalog
                .tables
                .iter()
                .filter(|t| catalog.catalog.search_path.contains(&t.schema))
                .map(|t| t.name.clone())
                .collect();
            (names, None)
        }
        "sql-unknown-column" => {
            // `Column "c" does not exist in "t"`: the columns of `t`.
            let Some(catalog) = analysis.catalog else {
                return Vec::new();
            };
            let Some(table) = d
                .message
                .rsplit_once(" in \"")
                .and_then(|(_, t)| t.strip_suffix('"'))
            else {
                return Vec::new();
            };
            let names = catalog
                .catalog
                .tables
                .iter()
                .filter(|t| t.name == table)
                .flat_map(|t| t.columns.iter().map(|c| c.name.to_string()))
                .collect();
            (names, None)
        }
        _ => return Vec::new(),
    };
    // A written name with quotes or a qualifier is not replaced: the suggestion would not fit.
    if !written
        .chars()
        .all(|c| c == '_' || c == '$' || c.is_alphanumeric())
    {
        return Vec::new();
    }
    let mut suggestions: Vec<String> = first.into_iter().collect();
    for c in did_you_mean(written, candidates.iter().map(String::as_str)) {
        if !suggestions.iter().any(|s| s == c) {
            suggestions.push(c.to_owned());
        }
    }
    suggestions
        .into_iter()
        .take(3)
        .enumerate()
        .map(|(i, name)| CodeAction {
            title: format!("Change to '{name}'"),
            kind: "quickfix",
            edits: vec![TextEdit {
                path: d.path.clone(),
                range: d.range.clone(),
                new_text: name,
            }],
            fixes: Some(d.code),
            preferred: i == 0,
        })
        .collect()
}

/// The schema holding the `a.ref` whose name is at `range`.
fn ref_schema(model: &SchemaModel, file: FileId, range: &TextRange) -> Option<SchemaId> {
    fn in_type(ty: &FieldType, file: FileId, range: &TextRange) -> bool {
        match ty {
            FieldType::Ref(name) => name.span.file == file && name.span.range == *range,
            FieldType::CustomType(t) => t.fields.iter().any(|f| in_type(&f.ty, file, range)),
            _ => false,
        }
    }
    let in_fields = |fields: &[Field]| fields.iter().any(|f| in_type(&f.ty, file, range));
    for (i, schema) in model.schemas.iter().enumerate() {
        let holds = schema.entries.iter().any(|entry| match &entry.def {
            TypeDef::Model(mid) => model
                .models
                .get(mid.0)
                .is_some_and(|m| in_fields(&m.fields)),
            TypeDef::CustomType(t) => in_fields(&t.fields),
            TypeDef::Operation(op) => {
                op.arguments.as_deref().is_some_and(in_fields)
                    || op
                        .returns
                        .as_ref()
                        .is_some_and(|r| in_type(&r.ty, file, range))
            }
            _ => false,
        });
        if holds {
            return Some(SchemaId(i));
        }
    }
    None
}

fn field_names(model: &Model) -> Vec<String> {
    model
        .fields
        .iter()
        .filter(|f| !matches!(f.ty, FieldType::Relationship(_)))
        .map(|f| f.name.text.to_string())
        .collect()
}

// ----- authorization -----

/// Rules offered for a model without any: signed-in users (preferred), or anyone with the key.
const RULES: &[(&str, &str)] = &[
    ("allow.authenticated()", "signed-in users"),
    ("allow.publicApiKey()", "anyone with the API key"),
];

fn add_authorization(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let all = occurrences::collect(analysis, false);
    let Some(Target::Model(mid)) = occurrences::at(&all, &d.path, d.range.start).map(|o| o.target)
    else {
        return Vec::new();
    };
    let Some(model) = analysis.model.models.get(mid.0) else {
        return Vec::new();
    };
    let Some((sid, schema)) = model
        .schema
        .and_then(|s| analysis.model.schemas.get(s.0).map(|x| (s, x)))
    else {
        return Vec::new();
    };
    let generated = analysis
        .project
        .file(model.span.file)
        .path
        .to_string_lossy()
        .ends_with(".sql.ts");
    RULES
        .iter()
        .enumerate()
        .filter_map(|(i, (rule, who))| {
            let edit = if generated {
                let entry = format!(
                    "models.{}.authorization((allow) => [{rule}])",
                    model.name.text
                );
                append_to_callback(
                    analysis,
                    sid,
                    "setAuthorization",
                    std::slice::from_ref(&entry),
                )
                .or_else(|| {
                    let (path, at, _) = chain_point(analysis, sid, schema, true)?;
                    Some(TextEdit {
                        path,
                        range: at..at,
                        new_text: format!(".setAuthorization((models) => [{entry}])"),
                    })
                })?
            } else {
                let (path, end) = model_call_end(analysis, model)?;
                TextEdit {
                    path,
                    range: end..end,
                    new_text: format!(".authorization((allow) => [{rule}])"),
                }
            };
            Some(CodeAction {
                title: format!("Allow {who} on {}: {rule}", model.name.text),
                kind: "quickfix",
                edits: vec![edit],
                fixes: Some(d.code),
                preferred: i == 0,
            })
        })
        .collect()
}

/// The end of the `a.model({...})` call of a model.
fn model_call_end(analysis: &Analysis<'_>, model: &Model) -> Option<(std::path::PathBuf, usize)> {
    let path = super::span_path(analysis, &model.span);
    let (_, tree) = ts_file(analysis, path)?;
    let call = node_covering(tree, &model.span.range)?
        .parent()?
        .parent()
        .filter(|n| n.kind() == "call_expression")?;
    Some((path.to_path_buf(), call.end_byte()))
}

/// An edit that appends `entries` to the array returned by the schema's existing
/// `setAuthorization`/`setRelationships` callback, when there is one written as
/// `(models) => [...]` in a file that is not generated.
fn append_to_callback(
    analysis: &Analysis<'_>,
    sid: SchemaId,
    method: &str,
    entries: &[String],
) -> Option<TextEdit> {
    for callback in analysis
        .model
        .models_callbacks
        .iter()
        .filter(|c| c.schema == sid)
    {
        let path = super::span_path(analysis, &callback.span);
        let Some((file, tree)) = ts_file(analysis, path) else {
            continue;
        };
        let Some(function) = node_covering(tree, &callback.span.range)
            .filter(|n| n.byte_range() == callback.span.range && n.kind() == "arrow_function")
        else {
            continue;
        };
        let called = function
            .parent()
            .and_then(|a| a.parent())
            .and_then(|c| c.child_by_field_id(field::function()))
            .and_then(|f| f.child_by_field_id(field::property()))
            .map(|p| node_text(file, p));
        if called != Some(method) {
            continue;
        }
        let Some(body) = function
            .child_by_field_id(field::body())
            .filter(|b| b.kind() == "array")
        else {
            continue;
        };
        let param = first_param(file, function)?;
        let entries: Vec<String> = entries
            .iter()
            .map(|e| match e.strip_prefix("models.") {
                Some(rest) => format!("{param}.{rest}"),
                None => e.clone(),
            })
            .collect();
        let last = last_named_child(body);
        return Some(match last {
            Some(last) => TextEdit {
                path: path.to_path_buf(),
                range: last.end_byte()..last.end_byte(),
                new_text: format!(", {}", entries.join(", ")),
            },
            None => TextEdit {
                path: path.to_path_buf(),
                range: body.start_byte() + 1..body.start_byte() + 1,
                new_text: entries.join(", "),
            },
        });
    }
    None
}

fn last_named_child(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .last()
}

fn first_param(file: &ProjectFile, function: Node<'_>) -> Option<String> {
    if let Some(p) = function.child_by_field_id(field::parameter()) {
        return Some(node_text(file, p).to_owned());
    }
    let params = function.child_by_field_id(field::parameters())?;
    let mut cursor = params.walk();
    let first = params.named_children(&mut cursor).next()?;
    let ident = if first.kind() == "identifier" {
        first
    } else {
        first.child_by_field_id(field::pattern())?
    };
    Some(node_text(file, ident).to_owned())
}

// ----- relationships from foreign keys -----

fn lower_camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for (i, c) in name.chars().enumerate() {
        if c == '_' || c == '-' {
            upper = true;
        } else if i == 0 {
            out.extend(c.to_lowercase());
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn free_name(model: &Model, wanted: String) -> String {
    let mut name = wanted;
    while model.field(&name).is_some() {
        name.push('_');
    }
    name
}

/// For a SQL model under the cursor: both sides of each foreign key between it and another model
/// of its schema that no relationship covers yet, as `setRelationships` entries.
fn relationships_from_foreign_keys(
    analysis: &Analysis<'_>,
    path: &Path,
    range: &TextRange,
) -> Vec<CodeAction> {
    let all = occurrences::collect(analysis, false);
    let Some(found) = all.iter().find(|o| {
        o.range.start <= range.end
            && range.start <= o.range.end
            && o.role != Role::Sql
            && matches!(o.target, Target::Model(_))
            && o.path == path
    }) else {
        return Vec::new();
    };
    let Target::Model(mid) = found.target else {
        return Vec::new();
    };
    let Some(model) = analysis.model.models.get(mid.0) else {
        return Vec::new();
    };
    let Some(sid) = model.schema else {
        return Vec::new();
    };
    let Some(schema) = analysis.model.schemas.get(sid.0).filter(|s| s.is_sql()) else {
        return Vec::new();
    };
    let models: Vec<&Model> = schema
        .entries
        .iter()
        .filter_map(|e| match e.def {
            TypeDef::Model(id) => analysis.model.models.get(id.0),
            _ => None,
        })
        .collect();
    let Some(table) = model_table(analysis, model) else {
        return Vec::new();
    };
    // (child, parent, foreign key) pairs with this model on either side.
    let mut pairs: Vec<(&Model, &Model, &ForeignKey)> = Vec::new();
    // Amplify's `references` pair the child's columns with the parent's identifier: only keys
    // to the parent's primary key qualify. A table referencing itself is left alone.
    let to_primary_key = |fk: &ForeignKey, parent: &schemals_catalog::Table| {
        fk.referenced_columns == parent.primary_key
    };
    for fk in &table.foreign_keys {
        if let Some(parent) = models.iter().find(|m| {
            model_table(analysis, m).is_some_and(|t| {
                t.schema == fk.referenced_schema
                    && t.name == fk.referenced_table
                    && to_primary_key(fk, t)
                    && !std::ptr::eq(t, table)
            })
        }) {
            pairs.push((model, parent, fk));
        }
    }
    for other in &models {
        let Some(other_table) = model_table(analysis, other) else {
            continue;
        };
        for fk in &other_table.foreign_keys {
            if fk.referenced_schema == table.schema
                && fk.referenced_table == table.name
                && to_primary_key(fk, table)
                && !std::ptr::eq(*other, model)
            {
                pairs.push((other, model, fk));
            }
        }
    }
    let related = |from: &Model, to: &Model| {
        from.fields.iter().any(|f| {
            matches!(&f.ty, FieldType::Relationship(r) if r.target.as_ref().is_some_and(|t| t.text == to.name.text))
        })
    };
    let mut out = Vec::new();
    for (child, parent, fk) in pairs {
        if related(child, parent) || related(parent, child) {
            continue;
        }
        let Some((target_path, _, q)) = chain_point(analysis, sid, schema, true) else {
            continue;
        };
        if !imports_a(analysis, &target_path) {
            continue;
        }
        let references = match fk.columns.as_slice() {
            [one] => quoted(one, q),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|c| quoted(c, q))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let parent_field = free_name(child, lower_camel(&parent.name.text));
        let child_name = lower_camel(&child.name.text);
        let children_field = free_name(
            parent,
            if child_name.ends_with('s') {
                child_name
            } else {
                format!("{child_name}s")
            },
        );
        let entries = [
            format!(
                "models.{}.relationships({{ {parent_field}: a.belongsTo({}, {references}) }})",
                child.name.text,
                quoted(&parent.name.text, q)
            ),
            format!(
                "models.{}.relationships({{ {children_field}: a.hasMany({}, {references}) }})",
                parent.name.text,
                quoted(&child.name.text, q)
            ),
        ];
        let edit = append_to_callback(analysis, sid, "setRelationships", &entries).or_else(|| {
            let (path, at, _) = chain_point(analysis, sid, schema, true)?;
            Some(TextEdit {
                path,
                range: at..at,
                new_text: format!(".setRelationships((models) => [{}])", entries.join(", ")),
            })
        });
        let Some(edit) = edit else { continue };
        out.push(CodeAction {
            title: format!(
                "Add the relationship {}.{parent_field} ↔ {}.{children_field} from foreign key {}",
                child.name.text, parent.name.text, fk.name
            ),
            kind: "quickfix",
            edits: vec![edit],
            fixes: None,
            preferred: false,
        });
    }
    out
}

/// Whether the file imports the `a` namespace (the relationship entries use it).
fn imports_a(analysis: &Analysis<'_>, path: &Path) -> bool {
    let Some((file, tree)) = ts_file(analysis, path) else {
        return false;
    };
    let root = tree.root_node();
    let mut cursor = root.walk();
    let imports: Vec<Node<'_>> = root
        .named_children(&mut cursor)
        .filter(|s| s.kind() == "import_statement")
        .collect();
    imports.into_iter().any(|statement| {
        let mut stack = vec![statement];
        while let Some(n) = stack.pop() {
            if n.kind() == "import_specifier" {
                let local = n
                    .child_by_field_id(field::alias())
                    .or(n.child_by_field_id(field::name()));
                if local.is_some_and(|l| node_text(file, l) == "a") {
                    return true;
                }
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
        false
    })
}

// ----- `.array()` around row-returning results -----

/// `.array()` after the argument of `.returns(...)`, whose method name the diagnostic marks.
fn wrap_returns_in_array(analysis: &Analysis<'_>, d: &Diagnostic) -> Vec<CodeAction> {
    let Some(file_id) = analysis.project.file_id(&d.path) else {
        return Vec::new();
    };
    let span = Span {
        file: file_id,
        range: d.range.clone(),
    };
    let Some(at) = returns_argument_end(analysis, &span) else {
        return Vec::new();
    };
    vec![CodeAction {
        title: "Return a list: .array()".to_owned(),
        kind: "quickfix",
        edits: vec![TextEdit {
            path: d.path.clone(),
            range: at..at,
            new_text: ".array()".to_owned(),
        }],
        fixes: Some(d.code),
        preferred: true,
    }]
}

/// The end of the argument of `.returns(...)`, whose method name is `span`.
fn returns_argument_end(analysis: &Analysis<'_>, span: &Span) -> Option<usize> {
    let path = super::span_path(analysis, span);
    let (_, tree) = ts_file(analysis, path)?;
    let call = ancestor_of_kind(node_covering(tree, &span.range)?, &["call_expression"])?;
    let args = call.child_by_field_id(field::arguments())?;
    let mut cursor = args.walk();
    let first = args
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")?;
    Some(first.end_byte())
}

#[cfg(test)]
mod tests {
    use super::lower_camel;

    #[test]
    fn lower_camel_joins_snake_case() {
        assert_eq!(lower_camel("Note"), "note");
        assert_eq!(lower_camel("blog_posts"), "blogPosts");
    }
}
