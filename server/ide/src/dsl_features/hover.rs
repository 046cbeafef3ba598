//! Hover on models, fields (columns), custom types, enums and custom operations.

use std::fmt::Write as _;
use std::path::Path;

use schemals_syntax::model::*;

use super::occurrences::{self, Target};
use super::{column_detail, model_column, model_table};
use crate::features::{Analysis, HoverInfo};

pub(super) fn hover(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Option<HoverInfo> {
    let all = occurrences::collect(analysis, false);
    let found = occurrences::at(&all, path, offset)?;
    let markdown = describe(analysis, &found.target)?;
    Some(HoverInfo {
        range: found.range,
        markdown,
    })
}

/// Markdown describing what `target` is.
pub(super) fn describe(analysis: &Analysis<'_>, target: &Target) -> Option<String> {
    match target {
        Target::Model(mid) => Some(describe_model(analysis, analysis.model.models.get(mid.0)?)),
        Target::Field(mid, name) => {
            describe_field(analysis, analysis.model.models.get(mid.0)?, name)
        }
        Target::Type(sid, name) => {
            let entry = analysis.model.schemas.get(sid.0)?.entry(name)?;
            describe_entry(entry)
        }
    }
}

fn describe_model(analysis: &Analysis<'_>, model: &Model) -> String {
    let schema = model.schema.and_then(|s| analysis.model.schemas.get(s.0));
    let sql = schema.is_some_and(Schema::is_sql);
    let mut out = String::new();
    let name = &model.name.text;
    if sql {
        let table = match model_table(analysis, model) {
            Some(t) => format!("{}.{}", t.schema, t.name),
            None => model.table_name().text.to_string(),
        };
        let _ = writeln!(out, "**model** `{name}`: table `{table}`");
    } else {
        let _ = writeln!(out, "**model** `{name}` (DynamoDB)");
    }
    out.push('\n');
    if !model.fields.is_empty() {
        out.push_str("```\n");
        for field in model.fields.iter() {
            let _ = writeln!(out, "{}", field_line(analysis, model, field));
        }
        out.push_str("```\n\n");
    }
    out.push_str(&auth_summary(model, schema, sql));
    out
}

fn field_line(analysis: &Analysis<'_>, model: &Model, field: &Field) -> String {
    if let FieldType::Relationship(rel) = &field.ty {
        let target = rel.target.as_ref().map_or("?", |t| t.text.as_str());
        return format!("{}: {}({target})", field.name.text, rel.kind.method());
    }
    match model_column(analysis, model, &field.name.text) {
        Some(column) => {
            let key = model_table(analysis, model)
                .is_some_and(|t| t.primary_key.iter().any(|k| *k == field.name.text));
            let key = if key { ", primary key" } else { "" };
            format!("{}: {}{key}", field.name.text, column_detail(column))
        }
        None => format!("{}: {}", field.name.text, graphql_field_type(field)),
    }
}

/// Which rules apply to the model, and who can reach it.
fn auth_summary(model: &Model, schema: Option<&Schema>, sql: bool) -> String {
    let own = model.auth.as_ref().filter(|a| !a.rules.is_empty());
    let rules = own.or(schema.and_then(|s| s.auth.as_ref()));
    match rules {
        Some(auth) => {
            let list = auth
                .rules
                .iter()
                .map(rule_text)
                .collect::<Vec<_>>()
                .join(", ");
            let origin = if own.is_some() {
                ""
            } else {
                " (the schema's rules)"
            };
            let more = if auth.complete { "" } else { ", …" };
            format!(
                "Authorization{origin}: {list}{more}\n\nReachable by: users, as these rules allow"
            )
        }
        None if sql => {
            "Authorization: none\n\nReachable by: IAM only (AppSync marks it @aws_iam)".to_owned()
        }
        None => "Authorization: none".to_owned(),
    }
}

fn rule_text(rule: &AuthRule) -> String {
    let mut args = Vec::new();
    if let Some(field) = &rule.field {
        args.push(format!("'{}'", field.text));
    }
    if let Some(provider) = &rule.provider {
        args.push(format!("'{}'", provider.text));
    }
    let mut text = format!("allow.{}({})", rule.builder.text, args.join(", "));
    if let Some(ops) = &rule.operations {
        let ops = ops
            .iter()
            .map(|o| format!("'{}'", o.text))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(text, ".to([{ops}])");
    }
    text
}

fn describe_field(analysis: &Analysis<'_>, model: &Model, name: &str) -> Option<String> {
    let field = model.field(name);
    let mut out = format!("**field** `{name}` of `{}`\n\n", model.name.text);
    match model_column(analysis, model, name) {
        Some(column) => {
            let table = model_table(analysis, model)?;
            let _ = writeln!(
                out,
                "column `{}.{}.{}`: `{}`, {}",
                table.schema,
                table.name,
                column.name,
                column.data_type,
                if column.nullable {
                    "nullable"
                } else {
                    "not null"
                }
            );
            if let Some(default) = &column.default {
                let _ = writeln!(out, "\ndefault `{default}`");
            }
            if table.primary_key.iter().any(|k| k == name) {
                out.push_str("\nprimary key\n");
            }
            for fk in table
                .foreign_keys
                .iter()
                .filter(|fk| fk.columns.iter().any(|c| c == name))
            {
                let _ = writeln!(
                    out,
                    "\nforeign key → `{}.{}({})`",
                    fk.referenced_schema,
                    fk.referenced_table,
                    fk.referenced_columns.join(", ")
                );
            }
        }
        None => {
            let field = field?;
            let _ = writeln!(out, "`{}`", graphql_field_type(field));
        }
    }
    Some(out)
}

fn describe_entry(entry: &SchemaEntry) -> Option<String> {
    let name = &entry.name.text;
    Some(match &entry.def {
        TypeDef::CustomType(t) => {
            let mut out = format!("**custom type** `{name}`\n\n```graphql\ntype {name} {{\n");
            for field in &t.fields {
                let _ = writeln!(out, "  {}: {}", field.name.text, graphql_field_type(field));
            }
            out.push_str("}\n```");
            out
        }
        TypeDef::Enum(e) => {
            let values = e
                .values
                .iter()
                .map(|v| v.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            format!("**enum** `{name}`\n\n```graphql\nenum {name} {{ {values} }}\n```")
        }
        TypeDef::Operation(op) => describe_operation(name, op),
        TypeDef::Ai => format!("**AI route** `{name}`"),
        TypeDef::Model(_) | TypeDef::Unknown => return None,
    })
}

fn describe_operation(name: &str, op: &Operation) -> String {
    let kind = match op.kind {
        OperationKind::Query => "query",
        OperationKind::Mutation => "mutation",
        OperationKind::Subscription => "subscription",
        OperationKind::Generation => "generation",
        OperationKind::Conversation => "conversation",
    };
    let mut out = format!("**custom {kind}** `{name}`\n\n");
    let handler = op
        .handlers
        .iter()
        .flatten()
        .filter_map(Handler::amplify_kind)
        .collect::<Vec<_>>()
        .join(", ");
    if !handler.is_empty() {
        let _ = writeln!(out, "Handler: {handler}\n");
    }
    if let Some(auth) = &op.auth {
        let list = auth
            .rules
            .iter()
            .map(rule_text)
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "Authorization: {list}\n");
    }
    let args = op
        .arguments
        .iter()
        .flatten()
        .map(|a| format!("{}: {}", a.name.text, graphql_field_type(a)))
        .collect::<Vec<_>>();
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    let returns = op.returns.as_ref().map_or("?".to_owned(), returns_type);
    let _ = write!(
        out,
        "```graphql\ntype {} {{\n  {name}{args}: {returns}\n}}\n```",
        op.kind.graphql_type()
    );
    out
}

fn type_name(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(s) => s.graphql().to_owned(),
        FieldType::Ref(name) => name.text.to_string(),
        FieldType::Relationship(rel) => rel
            .target
            .as_ref()
            .map_or("?".to_owned(), |t| t.text.to_string()),
        FieldType::Enum(_) => "enum".to_owned(),
        FieldType::CustomType(_) => "custom type".to_owned(),
        FieldType::Unknown => "?".to_owned(),
    }
}

/// The GraphQL type Amplify gives a field: `String`, `Int!`, `[String]`, `[Tag!]!`.
pub(super) fn graphql_field_type(field: &Field) -> String {
    let mut ty = type_name(&field.ty);
    if field.required {
        ty.push('!');
    }
    if field.array
        || matches!(&field.ty, FieldType::Relationship(r) if r.kind == RelationshipKind::HasMany)
    {
        ty = format!("[{ty}]");
        if field.list_required {
            ty.push('!');
        }
    }
    ty
}

fn returns_type(returns: &Returns) -> String {
    let name = type_name(&returns.ty);
    match (returns.array, returns.required) {
        (true, true) => format!("[{name}]!"),
        (true, false) => format!("[{name}]"),
        (false, true) => format!("{name}!"),
        (false, false) => name,
    }
}
