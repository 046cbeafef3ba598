//! A compact, stable text rendering of the schema model, for golden tests and debugging.

use std::fmt::Write;

use crate::model::*;

fn field_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(s) => s.graphql().to_owned(),
        FieldType::Ref(n) => format!("ref({})", n.text),
        FieldType::Enum(e) => format!(
            "enum[{}{}]",
            e.values
                .iter()
                .map(|v| v.text.as_str())
                .collect::<Vec<_>>()
                .join(","),
            if e.complete { "" } else { ",…" }
        ),
        FieldType::CustomType(t) => format!(
            "{{{}{}}}",
            t.fields.iter().map(field).collect::<Vec<_>>().join(", "),
            if t.complete { "" } else { ", …" }
        ),
        FieldType::Relationship(r) => format!(
            "{}({}, [{}])",
            r.kind.method(),
            r.target.as_ref().map_or("?", |t| t.text.as_str()),
            r.references
                .iter()
                .map(|n| n.text.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
        FieldType::Unknown => "?".to_owned(),
    }
}

fn field(f: &Field) -> String {
    let mut out = format!("{}: {}", f.name.text, field_type(&f.ty));
    if f.required {
        out.push('!');
    }
    if f.array {
        out = format!(
            "{}: [{}{}]",
            f.name.text,
            field_type(&f.ty),
            if f.required { "!" } else { "" }
        );
        if f.list_required {
            out.push('!');
        }
    }
    if let Some(d) = &f.default {
        out.push_str(if d.has_value {
            " =value"
        } else {
            " =generated"
        });
    }
    if let Some(auth) = &f.auth {
        out.push_str(&format!(" auth{}", rules(auth)));
    }
    out
}

fn rules(auth: &AuthRules) -> String {
    let list: Vec<String> = auth
        .rules
        .iter()
        .map(|r| {
            let mut s = r.builder.text.to_string();
            if let Some(f) = &r.field {
                s.push_str(&format!("({})", f.text));
            }
            if let Some(p) = &r.provider {
                s.push_str(&format!("@{}", p.text));
            }
            if let Some(ops) = &r.operations {
                s.push_str(&format!(
                    ".to({})",
                    ops.iter()
                        .map(|o| o.text.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
            s
        })
        .collect();
    format!(
        "[{}{}]",
        list.join(", "),
        if auth.complete { "" } else { ", …" }
    )
}

/// Renders the whole model, one line per schema, type and field.
pub fn dump(model: &SchemaModel) -> String {
    let mut out = String::new();
    for (i, schema) in model.schemas.iter().enumerate() {
        let db = match &schema.database {
            Database::DynamoDb => "dynamodb".to_owned(),
            Database::Sql(db) => format!(
                "sql {} secret={}",
                db.engine.as_ref().map_or("?", |e| e.text.as_str()),
                db.connection_secret
                    .as_ref()
                    .map_or("?", |e| e.text.as_str())
            ),
        };
        let _ = writeln!(
            out,
            "schema#{i} {db}{}{}{}",
            if schema.entries_complete {
                ""
            } else {
                " incomplete"
            },
            if schema.opaque { " opaque" } else { "" },
            schema
                .combine
                .map_or(String::new(), |c| format!(" combine#{c}"))
        );
        if let Some(auth) = &schema.auth {
            let _ = writeln!(out, "  auth {}", rules(auth));
        }
        for entry in &schema.entries {
            match &entry.def {
                TypeDef::Model(id) => {
                    let m = model.model(*id);
                    let table = m
                        .original_name
                        .as_ref()
                        .map_or(String::new(), |o| format!(" (table {})", o.text));
                    let _ = writeln!(
                        out,
                        "  model {}{table}{}",
                        entry.name.text,
                        if m.fields_complete { "" } else { " incomplete" }
                    );
                    for f in m.fields.iter() {
                        let _ = writeln!(out, "    {}", field(f));
                    }
                    if let Some(id) = &m.identifier {
                        let _ = writeln!(
                            out,
                            "    identifier [{}]",
                            id.fields
                                .iter()
                                .map(|n| n.text.as_str())
                                .collect::<Vec<_>>()
                                .join(",")
                        );
                    }
                    if let Some(auth) = &m.auth {
                        let _ = writeln!(out, "    auth {}", rules(auth));
                    }
                }
                TypeDef::CustomType(t) => {
                    let _ = writeln!(
                        out,
                        "  type {} {}",
                        entry.name.text,
                        field_type(&FieldType::CustomType(t.clone()))
                    );
                }
                TypeDef::Enum(e) => {
                    let _ = writeln!(
                        out,
                        "  enum {} {}",
                        entry.name.text,
                        field_type(&FieldType::Enum(e.clone()))
                    );
                }
                TypeDef::Operation(op) => {
                    let args = op.arguments.as_ref().map_or(String::new(), |a| {
                        format!("({})", a.iter().map(field).collect::<Vec<_>>().join(", "))
                    });
                    let returns = op.returns.as_ref().map_or(String::new(), |r| {
                        let mut s = field_type(&r.ty);
                        if r.array {
                            s = format!("[{s}]");
                        }
                        format!(": {s}")
                    });
                    let handlers = op
                        .handlers
                        .iter()
                        .flatten()
                        .map(|h| match h {
                            Handler::InlineSql { sql: Some(sql), .. } => {
                                format!(
                                    "inlineSql({:?}{})",
                                    sql.text,
                                    if sql.complete { "" } else { " …" }
                                )
                            }
                            Handler::SqlReference { path, .. } => {
                                format!(
                                    "sqlReference({})",
                                    path.as_ref().map_or("?", |p| p.text.as_str())
                                )
                            }
                            other => other.amplify_kind().unwrap_or("?").to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    let _ = writeln!(
                        out,
                        "  {:?} {}{args}{returns} handler[{handlers}]{}",
                        op.kind,
                        entry.name.text,
                        op.auth
                            .as_ref()
                            .map_or(String::new(), |a| format!(" auth{}", rules(a)))
                    );
                }
                TypeDef::Ai => {
                    let _ = writeln!(out, "  ai {}", entry.name.text);
                }
                TypeDef::Unknown => {
                    let _ = writeln!(out, "  ? {}", entry.name.text);
                }
            }
        }
    }
    for d in &model.diagnostics {
        let _ = writeln!(
            out,
            "diagnostic {} {}..{} {}",
            d.code, d.span.range.start, d.span.range.end, d.message
        );
    }
    out
}
