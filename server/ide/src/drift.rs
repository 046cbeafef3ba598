//! Drift between the generated `schema.sql.ts` and the database catalog, the regenerate quick fix,
//! and the difference between two catalogs (a stale snapshot).
//!
//! The file is compared with what generation would write now ([`crate::synthesize::generate`]),
//! by meaning, not by text: files of older generator versions (bare keys, inline enums, no
//! `.default()`) and reformatted files are not drift. Enum values are compared as sets, because
//! Amplify's own order is not specified. Whatever cannot be read completely (a spread, a model
//! handed to a helper) keeps the check quiet.

use std::collections::BTreeSet;
use std::path::Path;

use foldhash::{HashMap, HashSet, HashSetExt};
use schemals_catalog::{Catalog, Column, Engine, Table};
use schemals_syntax::model::{
    Database, EnumDef, FieldType, Model, Scalar, Schema, SchemaId, SchemaModel, Span, TypeDef,
};

use crate::entries::Entries;
use crate::features::*;
use crate::synthesize::{
    GeneratedField, GeneratedModel, GeneratedType, SynthesisOptions, sanitize_identifier,
    synthesize,
};
use crate::{Diagnostic, IndexedCatalog, Project, Severity, TextRange};

/// The title of the regenerate action.
pub const REGENERATE_TITLE: &str = "Regenerate schema.sql.ts from the database";

/// Codes whose fix is regeneration.
pub const DRIFT_CODES: &[&str] = &[
    "unknown-table",
    "unknown-column",
    "drift-new-table",
    "drift-new-column",
    "drift-field-type",
    "drift-field-nullability",
    "drift-enum-values",
    "drift-identifier",
];

/// Drift diagnostics of one SQL schema against the catalog (the caller has checked that the
/// catalog's engine is the schema's).
pub(crate) fn schema_drift(
    project: &Project,
    model: &SchemaModel,
    (schema_id, schema): (SchemaId, &Schema),
    entries: &Entries<'_>,
    catalog: &IndexedCatalog,
    out: &mut Vec<Diagnostic>,
) {
    let mut push = |span: &Span, severity: Severity, code: &'static str, message: String| {
        out.push(Diagnostic {
            path: project.file(span.file).path.clone(),
            range: span.range.clone(),
            severity,
            code,
            message,
        });
    };
    let options = options_for(project, schema);
    let has_syntax_errors = project.file(schema.span.file).has_syntax_error();
    let generated = catalog.generated(&options);
    let generated = generated.as_ref().as_ref().ok();
    // Model lookups by (schema, table): one per model of the file.
    let generated_models: HashMap<(&str, &str), &GeneratedModel> = generated
        .map(|g| {
            g.models
                .iter()
                .map(|m| ((m.schema.as_str(), m.table.as_str()), m))
                .collect()
        })
        .unwrap_or_default();
    let mut seen_models = vec![false; model.models.len()];
    let mut modelled_tables: HashSet<&str> = HashSet::with_capacity(schema.entries.len());
    for entry in &schema.entries {
        let TypeDef::Model(id) = entry.def else {
            continue;
        };
        match seen_models.get_mut(id.0) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        let sql_model = model.model(id);
        let table_name = sql_model.table_name();
        modelled_tables.insert(table_name.text.as_str());
        let table = catalog
            .catalog
            .search_path
            .iter()
            .find_map(|s| catalog.index.table(&catalog.catalog, s, &table_name.text))
            // `schemals generate --schema` writes tables of other schemas too.
            .or_else(|| {
                catalog
                    .catalog
                    .tables
                    .iter()
                    .find(|t| t.name == table_name.text)
            });
        let Some(table) = table else {
            push(
                &table_name.span,
                Severity::Error,
                "unknown-table",
                format!(
                    "Table \"{}\" does not exist in the database",
                    table_name.text
                ),
            );
            continue;
        };
        // Only what the generated file itself declares is compared: models added or changed in
        // resource.ts are someone else's business. A file that does not parse (generator 0.11.15
        // printed names like `event-type:` bare) is read only in part: no field is compared.
        if !schema.generated
            || sql_model.opaque
            || sql_model.span.file != schema.span.file
            || has_syntax_errors
        {
            continue;
        }
        let generated_model = generated_models
            .get(&(table.schema.as_str(), table.name.as_str()))
            .copied();
        let enum_named = |name: &str| match entries.get(schema_id, name).map(|e| &e.def) {
            Some(TypeDef::Enum(e)) => Some(e),
            _ => None,
        };
        model_drift(&enum_named, sql_model, table, generated_model, &mut push);
    }
    // Tables the file lacks.
    if let Some(generated) = generated
        && schema.generated
        && schema.entries_complete
        && !schema.opaque
        && !has_syntax_errors
    {
        for missing in generated
            .models
            .iter()
            .filter(|m| !modelled_tables.contains(m.table.as_str()))
        {
            push(
                &schema.span,
                Severity::Warning,
                "drift-new-table",
                format!(
                    "Table \"{}\" is in the database but has no model here; regenerate schema.sql.ts to add it",
                    missing.table
                ),
            );
        }
    }
}

/// The position of the first item `is_it` accepts, trying `hint` first: a generated file lists
/// a table's fields in column order, so the item at the field's own position is nearly always
/// the one (drift compares every field of a thousand models on each keystroke).
fn position_from<T>(items: &[T], hint: usize, is_it: impl Fn(&T) -> bool) -> Option<usize> {
    match items.get(hint) {
        Some(item) if is_it(item) => Some(hint),
        _ => items.iter().position(is_it),
    }
}

/// The column a field of the generated file stands for: same name, or the name Amplify's
/// sanitizing turns into the key. `position` is the field's, among the model's columns.
fn column_of<'t>(table: &'t Table, key: &str, position: usize) -> Option<&'t Column> {
    let same_name = position_from(&table.columns, position, |c| c.name == key);
    same_name.and_then(|i| table.columns.get(i)).or_else(|| {
        table
            .columns
            .iter()
            .find(|c| sanitize_identifier(&c.name, true) == key)
    })
}

fn model_drift<'e>(
    enum_named: &impl Fn(&str) -> Option<&'e EnumDef>,
    sql_model: &Model,
    table: &Table,
    generated: Option<&GeneratedModel>,
    push: &mut impl FnMut(&Span, Severity, &'static str, String),
) {
    let table_name = &sql_model.table_name().text;
    // Which planned fields a field of the file stands for.
    let mut planned_matched = vec![false; generated.map_or(0, |g| g.fields.len())];
    let columns = sql_model
        .fields
        .iter()
        .filter(|f| !matches!(f.ty, FieldType::Relationship(_)));
    for (position, field) in columns.enumerate() {
        let Some(column) = column_of(table, &field.name.text, position) else {
            push(
                &field.name.span,
                Severity::Error,
                "unknown-column",
                format!(
                    "Column \"{}\" does not exist in table \"{table_name}\"",
                    field.name.text
                ),
            );
            continue;
        };
        let Some((planned, i)) = generated.and_then(|g| {
            let i = position_from(&g.fields, position, |f| f.column == column.name)?;
            Some((g.fields.get(i)?, i))
        }) else {
            continue;
        };
        if let Some(matched) = planned_matched.get_mut(i) {
            *matched = true;
        }
        field_drift(enum_named, field, column, planned, push);
    }
    let Some(generated) = generated else {
        return;
    };
    if sql_model.fields_complete {
        for (planned, _) in generated
            .fields
            .iter()
            .zip(&planned_matched)
            .filter(|(_, matched)| !**matched)
        {
            push(
                &sql_model.table_name().span,
                Severity::Warning,
                "drift-new-column",
                format!(
                    "Column \"{}\" of table \"{table_name}\" is in the database but not in this model; regenerate schema.sql.ts to add it as `\"{}\": {}`",
                    planned.column, planned.key, planned.expression
                ),
            );
        }
    }
    if let Some(identifier) = &sql_model.identifier
        && identifier.complete
    {
        let written: Vec<&str> = identifier.fields.iter().map(|f| f.text.as_str()).collect();
        let key: Vec<&str> = generated.identifier.iter().map(String::as_str).collect();
        if written != key {
            push(
                &identifier.span,
                Severity::Warning,
                "drift-identifier",
                format!(
                    "The identifier [{}] differs from the primary key of table \"{table_name}\" in the database: [{}]",
                    quoted_list(&written),
                    quoted_list(&key)
                ),
            );
        }
    }
}

fn field_drift<'e>(
    enum_named: &impl Fn(&str) -> Option<&'e EnumDef>,
    field: &schemals_syntax::model::Field,
    column: &Column,
    planned: &GeneratedField,
    push: &mut impl FnMut(&Span, Severity, &'static str, String),
) {
    let name = &field.name.text;
    // Only a diagnostic needs it: formatted on demand, not for each of thousands of fields.
    let column_desc = || format!("column \"{}\" ({})", column.name, column.data_type);
    // The type: a scalar factory, or an enum (by reference or inline, older generators).
    let written_enum_values: Option<Option<Vec<String>>> = match &field.ty {
        FieldType::Scalar(_) => None,
        FieldType::Enum(e) => Some(e.complete.then(|| {
            e.values
                .iter()
                .map(|v| v.text.as_str().to_owned())
                .collect()
        })),
        FieldType::Ref(target) => match enum_named(&target.text) {
            Some(e) => Some(e.complete.then(|| {
                e.values
                    .iter()
                    .map(|v| v.text.as_str().to_owned())
                    .collect()
            })),
            // A reference to something else, or to nothing known: stay quiet.
            _ => return,
        },
        _ => return,
    };
    let type_differs = match (&field.ty, &planned.ty) {
        (FieldType::Scalar(scalar), GeneratedType::Scalar(method)) => {
            Scalar::from_factory(method) != Some(*scalar)
        }
        (_, GeneratedType::Enum(generated)) => match &written_enum_values {
            Some(Some(written)) => {
                let written: BTreeSet<&str> = written.iter().map(String::as_str).collect();
                let actual: BTreeSet<&str> = generated.values.iter().map(String::as_str).collect();
                if written != actual {
                    push(
                        &field.span,
                        Severity::Warning,
                        "drift-enum-values",
                        format!(
                            "Field \"{name}\" allows [{}], but {desc} allows [{}]",
                            quoted_list(&written.into_iter().collect::<Vec<_>>()),
                            quoted_list(&actual.into_iter().collect::<Vec<_>>()),
                            desc = column_desc(),
                        ),
                    );
                }
                false
            }
            Some(None) => false,
            None => true,
        },
        (_, GeneratedType::Scalar(_)) => written_enum_values.is_some(),
    };
    if type_differs || field.array != planned.array {
        push(
            &field.span,
            Severity::Warning,
            "drift-field-type",
            format!(
                "Field \"{name}\" does not match {desc}: generation would write `{}`",
                planned.expression,
                desc = column_desc(),
            ),
        );
        return;
    }
    // Nullability: `.required()` for NOT NULL, or `.default()` instead for a PostgreSQL sequence
    // (files written before Amplify added `.default()` say `.required()` there).
    let not_null = !column.nullable;
    let sequence_ok = planned.database_default && field.default.is_some() && !field.required;
    if field.required != not_null && !sequence_ok {
        let message = if not_null {
            format!(
                "Field \"{name}\" is optional, but {desc} is NOT NULL: generation would write `{}`",
                planned.expression,
                desc = column_desc(),
            )
        } else {
            format!(
                "Field \"{name}\" is required, but {desc} is nullable: generation would write `{}`",
                planned.expression,
                desc = column_desc(),
            )
        };
        push(
            &field.span,
            Severity::Warning,
            "drift-field-nullability",
            message,
        );
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The generator options a regeneration of `schema`'s file would use: its own identifier and
/// secret names (schemals does not know the host the identifier was computed from).
fn options_for(project: &Project, schema: &Schema) -> SynthesisOptions {
    let Database::Sql(db) = &schema.database else {
        return SynthesisOptions::default();
    };
    // The `configure` call the schema is built on ends where the schema's span does (the
    // `schema` of `configure(...).schema(...)`, or the `configure(...)` callee of
    // `configure(...)(...)`): no need to search the thousand models after it on every keystroke.
    let text = &project.file(schema.span.file).text;
    let text = text.get(..schema.span.range.end).unwrap_or(text);
    SynthesisOptions {
        identifier: db
            .identifier
            .as_ref()
            .map(|i| i.text.to_string())
            .unwrap_or_default(),
        connection_uri_secret: Some(db.connection_secret.as_ref().map_or_else(
            || "SQL_CONNECTION_STRING".to_owned(),
            |s| s.text.to_string(),
        )),
        ssl_cert_secret: ssl_cert_secret(text),
        extra_schemas: Vec::new(),
    }
}

/// The name in `sslCert: secret("NAME")`, read from the text (the model does not keep it).
fn ssl_cert_secret(text: &str) -> Option<String> {
    let after = &text[text.find("sslCert")? + "sslCert".len()..];
    let after = after.trim_start().strip_prefix(':')?.trim_start();
    let after = after.strip_prefix("secret(")?.trim_start();
    let quote = after.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &after[1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_owned())
}

/// The text a regeneration writes into the generated file at `path`: the database part of the
/// file's own `configure` block is kept (identifier, secrets, `vpcConfig`), the models and enums
/// are generated from the catalog. `None` when `path` is not a generated SQL schema, there is no
/// catalog of the schema's engine, or nothing can be generated.
pub fn regenerated_text(analysis: &Analysis<'_>, path: &Path) -> Option<String> {
    let catalog = analysis.catalog?;
    let file_id = analysis.project.file_id(path)?;
    let schema = analysis
        .model
        .schemas
        .iter()
        .find(|s| s.generated && s.is_sql() && s.span.file == file_id)?;
    if let Some(engine) = schema.engine().and_then(Engine::from_amplify_name)
        && engine != catalog.catalog.engine
    {
        return None;
    }
    let options = options_for(analysis.project, schema);
    let synthesized = synthesize(&catalog.catalog, &options).ok()?.text;
    let current = &analysis.project.file(file_id).text;
    const BODY_START: &str = "}).schema({\n";
    let text = match (current.find(BODY_START), synthesized.find(BODY_START)) {
        (Some(old), Some(new)) if current.matches(BODY_START).count() == 1 => {
            let header = current.get(..old + BODY_START.len())?;
            let body = synthesized.get(new + BODY_START.len()..)?;
            format!("{header}{body}")
        }
        _ => synthesized,
    };
    Some(text)
}

/// The regenerate action for a generated `schema.sql.ts`: a quick fix of the drift diagnostics in
/// `range`, or a source action when there are none. Its edit replaces the file with the
/// regenerated text, so the editor can preview the difference. None when nothing would change.
pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let Some(text) = regenerated_text(analysis, path) else {
        return Vec::new();
    };
    let Some(file) = analysis.project.find(path) else {
        return Vec::new();
    };
    if *file.text == *text {
        return Vec::new();
    }
    let fixes = diagnostics
        .iter()
        .filter(|d| d.path == path && DRIFT_CODES.contains(&d.code))
        .find(|d| d.range.start <= range.end && range.start <= d.range.end)
        .map(|d| d.code);
    vec![CodeAction {
        title: REGENERATE_TITLE.to_owned(),
        kind: if fixes.is_some() {
            "quickfix"
        } else {
            "source"
        },
        edits: vec![TextEdit {
            path: path.to_path_buf(),
            range: 0..file.text.len(),
            new_text: text,
        }],
        fixes,
        preferred: fixes.is_some(),
    }]
}

/// One difference between two catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogChange {
    pub kind: ChangeKind,
    /// What changed, e.g. `column public.notes.title (text)`.
    pub what: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl std::fmt::Display for CatalogChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = match self.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        write!(f, "{sign} {}", self.what)
    }
}

/// What changed from `before` (a snapshot) to `after` (the database now): tables, columns, keys,
/// enums, functions. Empty when they agree on everything schemals reads; the server version is
/// not compared.
pub fn catalog_changes(before: &Catalog, after: &Catalog) -> Vec<CatalogChange> {
    let mut changes = Vec::new();
    let mut change = |kind, what: String| changes.push(CatalogChange { kind, what });
    if before.engine != after.engine || before.database != after.database {
        change(
            ChangeKind::Changed,
            format!(
                "database: {} {} → {} {}",
                before.engine.amplify_name(),
                before.database,
                after.engine.amplify_name(),
                after.database
            ),
        );
    }
    let find = |catalog: &'_ Catalog, t: &Table| {
        catalog
            .tables
            .iter()
            .find(|o| o.schema == t.schema && o.name == t.name)
            .cloned()
    };
    for table in &before.tables {
        if find(after, table).is_none() {
            change(
                ChangeKind::Removed,
                format!("{} {}.{}", kind_name(table), table.schema, table.name),
            );
        }
    }
    for table in &after.tables {
        let Some(old) = find(before, table) else {
            change(
                ChangeKind::Added,
                format!("{} {}.{}", kind_name(table), table.schema, table.name),
            );
            continue;
        };
        let qualified = format!("{}.{}", table.schema, table.name);
        if old.kind != table.kind {
            change(
                ChangeKind::Changed,
                format!("{qualified}: {} → {}", kind_name(&old), kind_name(table)),
            );
        }
        for column in &old.columns {
            if table.column(&column.name).is_none() {
                change(
                    ChangeKind::Removed,
                    format!("column {qualified}.{} ({})", column.name, column.data_type),
                );
            }
        }
        for column in &table.columns {
            let Some(was) = old.column(&column.name) else {
                change(
                    ChangeKind::Added,
                    format!("column {qualified}.{} ({})", column.name, column.data_type),
                );
                continue;
            };
            if was != column {
                change(
                    ChangeKind::Changed,
                    format!(
                        "column {qualified}.{}: {} → {}",
                        column.name,
                        describe_column(was),
                        describe_column(column)
                    ),
                );
            }
        }
        if old.primary_key != table.primary_key {
            change(
                ChangeKind::Changed,
                format!(
                    "primary key of {qualified}: ({}) → ({})",
                    old.primary_key.join(", "),
                    table.primary_key.join(", ")
                ),
            );
        }
        if old.foreign_keys != table.foreign_keys {
            change(ChangeKind::Changed, format!("foreign keys of {qualified}"));
        }
        if old.partition_of != table.partition_of {
            change(
                ChangeKind::Changed,
                format!("partition parent of {qualified}"),
            );
        }
    }
    for e in &before.enums {
        if !after
            .enums
            .iter()
            .any(|o| o.schema == e.schema && o.name == e.name)
        {
            change(ChangeKind::Removed, format!("enum {}.{}", e.schema, e.name));
        }
    }
    for e in &after.enums {
        match before
            .enums
            .iter()
            .find(|o| o.schema == e.schema && o.name == e.name)
        {
            None => change(ChangeKind::Added, format!("enum {}.{}", e.schema, e.name)),
            Some(old) if old.values != e.values => change(
                ChangeKind::Changed,
                format!(
                    "enum {}.{}: ({}) → ({})",
                    e.schema,
                    e.name,
                    old.values.join(", "),
                    e.values.join(", ")
                ),
            ),
            Some(_) => {}
        }
    }
    let signature =
        |f: &schemals_catalog::Function| format!("{}.{}({})", f.schema, f.name, f.arguments);
    let before_functions: BTreeSet<String> = before.functions.iter().map(signature).collect();
    let after_functions: BTreeSet<String> = after.functions.iter().map(signature).collect();
    for f in before_functions.difference(&after_functions) {
        change(ChangeKind::Removed, format!("function {f}"));
    }
    for f in after_functions.difference(&before_functions) {
        change(ChangeKind::Added, format!("function {f}"));
    }
    if before.search_path != after.search_path {
        change(
            ChangeKind::Changed,
            format!(
                "search path: {} → {}",
                before.search_path.join(", "),
                after.search_path.join(", ")
            ),
        );
    }
    let order_differs = before.generator_table_order != after.generator_table_order;
    if changes.is_empty() && order_differs {
        changes.push(CatalogChange {
            kind: ChangeKind::Changed,
            what:
                "the order in which the server lists the tables (the model order of schema.sql.ts)"
                    .to_owned(),
        });
    }
    changes
}

fn kind_name(table: &Table) -> &'static str {
    use schemals_catalog::TableKind;
    match table.kind {
        TableKind::Table => "table",
        TableKind::View => "view",
        TableKind::MaterializedView => "materialized view",
        TableKind::ForeignTable => "foreign table",
        TableKind::PartitionedTable => "partitioned table",
    }
}

fn describe_column(column: &Column) -> String {
    let mut out = column.data_type.to_string();
    if !column.nullable {
        out.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        out.push_str(" DEFAULT ");
        out.push_str(default);
    }
    if !column.enum_values.is_empty() {
        out.push_str(&format!(" ({})", column.enum_values.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProjectFile, check_project};
    use schemals_catalog::{Table, TableKind};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn column(name: &str, udt: &str, nullable: bool, ordinal: u32) -> Column {
        Column {
            name: name.into(),
            ordinal,
            data_type: udt.into(),
            udt_name: udt.into(),
            nullable,
            default: None,
            type_schema: None,
            enum_values: Vec::new(),
            character_maximum_length: None,
            generated: false,
        }
    }

    fn base_catalog() -> Catalog {
        let mut catalog = Catalog::empty(Engine::Postgresql, "app");
        let mut mood = column("mood", "mood", true, 3);
        mood.type_schema = Some("public".to_owned());
        mood.enum_values = vec!["happy".to_owned(), "sad".to_owned()];
        catalog.tables.push(Table {
            schema: "public".to_owned(),
            name: "notes".to_owned(),
            kind: TableKind::Table,
            columns: vec![
                column("id", "uuid", false, 1),
                column("content", "text", true, 2),
                mood,
                column("n", "int4", false, 4),
                column("Payload Data", "jsonb", true, 5),
            ],
            primary_key: vec!["id".to_owned()],
            foreign_keys: Vec::new(),
            partition_of: None,
        });
        catalog
    }

    /// Drift of `generated` (a schema.sql.ts) against `catalog`: (code, marked text, message).
    fn drift(generated: &str, catalog: Catalog) -> Vec<(String, String, String)> {
        analysed(generated, catalog, |analysis, _| {
            check_project(analysis.project, analysis.model, analysis.catalog)
        })
        .into_iter()
        .filter(|d| DRIFT_CODES.contains(&d.code))
        .map(|d| {
            (
                d.code.to_owned(),
                generated[d.range.clone()].to_owned(),
                d.message,
            )
        })
        .collect()
    }

    /// `f` on the analysis of a project whose only file is the generated `schema.sql.ts` with
    /// `generated`, against `catalog`; `f` gets the file's path too.
    fn analysed<T>(
        generated: &str,
        catalog: Catalog,
        f: impl FnOnce(&Analysis<'_>, &Path) -> T,
    ) -> T {
        let mut project = Project::new(PathBuf::from("/p"));
        let path = PathBuf::from("/p/amplify/data/schema.sql.ts");
        project.add(ProjectFile::typescript(
            path.clone(),
            Arc::from(generated),
            schemals_syntax::parse_typescript(generated),
        ));
        let model = project.evaluate();
        let indexed = IndexedCatalog::new(catalog);
        let analysis = Analysis {
            project: &project,
            model: &model,
            catalog: Some(&indexed),
            cache: None,
        };
        f(&analysis, &path)
    }

    fn generated_from(catalog: &Catalog) -> String {
        let options = SynthesisOptions {
            identifier: "IDx".to_owned(),
            connection_uri_secret: Some("SQL_CONNECTION_STRING".to_owned()),
            ..SynthesisOptions::default()
        };
        synthesize(catalog, &options).expect("synthesis").text
    }

    #[test]
    fn a_freshly_generated_file_has_no_drift() {
        let catalog = base_catalog();
        assert_eq!(drift(&generated_from(&catalog), catalog), []);
    }

    #[test]
    fn every_kind_of_drift_is_reported_on_its_token() {
        let file = generated_from(&base_catalog());
        let mut catalog = base_catalog();
        let notes = &mut catalog.tables[0];
        notes.columns.retain(|c| c.name != "content");
        notes.columns[1].enum_values.push("meh".to_owned());
        notes.columns[2].udt_name = "int8".into();
        notes.columns[2].nullable = true;
        notes.columns[3].udt_name = "timestamp".into();
        notes.columns[3].data_type = "timestamp without time zone".into();
        notes.columns.push(column("title", "varchar", false, 6));
        notes.primary_key = vec!["id".to_owned(), "n".to_owned()];
        let mut tags = notes.clone();
        tags.name = "tags".to_owned();
        catalog.tables.push(tags);
        let found = drift(&file, catalog);
        let expected: Vec<(String, String, String)> = [
            ("drift-new-table", "schema", "Table \"tags\" is in the database but has no model here; regenerate schema.sql.ts to add it"),
            ("drift-new-column", "notes", "Column \"title\" of table \"notes\" is in the database but not in this model; regenerate schema.sql.ts to add it as `\"title\": a.string().required()`"),
            ("unknown-column", "content", "Column \"content\" does not exist in table \"notes\""),
            ("drift-enum-values", "ref", "Field \"mood\" allows [\"happy\", \"sad\"], but column \"mood\" (mood) allows [\"happy\", \"meh\", \"sad\"]"),
            ("drift-field-nullability", "integer", "Field \"n\" is required, but column \"n\" (int4) is nullable: generation would write `a.integer()`"),
            ("drift-field-type", "json", "Field \"Payload_Data\" does not match column \"Payload Data\" (timestamp without time zone): generation would write `a.datetime()`"),
            ("drift-identifier", "identifier", "The identifier [\"id\"] differs from the primary key of table \"notes\" in the database: [\"id\", \"n\"]"),
        ]
        .iter()
        .map(|(c, t, m)| ((*c).to_owned(), (*t).to_owned(), (*m).to_owned()))
        .collect();
        let mut found_sorted = found.clone();
        found_sorted.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        assert_eq!(found_sorted, expected_sorted, "{found:#?}");
    }

    #[test]
    fn fields_in_another_order_than_the_columns_are_not_drift() {
        let file = generated_from(&base_catalog());
        // The file's fields in another order than the planned ones.
        let mut lines: Vec<&str> = file.lines().collect();
        let line_of = |key: &str| lines.iter().position(|l| l.trim_start().starts_with(key));
        let (content, n) = (line_of("\"content\":"), line_of("\"n\":"));
        let (Some(content), Some(n)) = (content, n) else {
            panic!("no content or n field in {file}");
        };
        lines.swap(content, n);
        let reordered = lines.join("\n") + "\n";
        assert_ne!(reordered, file);
        let tree = schemals_syntax::parse_typescript(&reordered);
        assert!(
            tree.is_some_and(|t| !t.root_node().has_error()),
            "{reordered}"
        );
        assert_eq!(drift(&reordered, base_catalog()), []);
        let mut catalog = base_catalog();
        catalog.tables[0].columns.reverse();
        assert_eq!(drift(&file, catalog.clone()), []);
        // A column added in the middle is found however the others are ordered.
        let content = catalog.tables[0].columns.remove(3);
        catalog.tables[0]
            .columns
            .insert(1, column("title", "varchar", false, 6));
        catalog.tables[0].columns.insert(3, content);
        let found: Vec<String> = drift(&file, catalog).into_iter().map(|d| d.2).collect();
        assert_eq!(
            found,
            [
                "Column \"title\" of table \"notes\" is in the database but not in this model; regenerate schema.sql.ts to add it as `\"title\": a.string().required()`"
            ]
        );
    }

    #[test]
    fn older_formats_are_not_drift() {
        let catalog = base_catalog();
        // Generator 0.11.15 and older: bare keys, inline enum in declaration order, `.required()`.
        let older = "import { a } from \"@aws-amplify/data-schema\";\n\
            import { configure } from \"@aws-amplify/data-schema/internals\";\n\
            import { secret } from \"@aws-amplify/backend\";\n\
            export const schema = configure({ database: { identifier: \"IDx\", engine: \"postgresql\", connectionUri: secret(\"SQL_CONNECTION_STRING\") } }).schema({\n\
            notes: a.model({ id: a.id().required(), content: a.string(), mood: a.enum([\"sad\", \"happy\"]), n: a.integer().required(), Payload_Data: a.json() }).identifier([\"id\"])\n\
            });\n";
        assert_eq!(drift(older, catalog), []);
    }

    #[test]
    fn the_regenerate_action_replaces_the_body_and_keeps_the_configure_block() {
        let mut catalog = base_catalog();
        let file =
            generated_from(&catalog).replace("identifier: \"IDx\"", "identifier: \"IDkept\"");
        catalog.tables[0]
            .columns
            .push(column("title", "text", true, 6));
        let at = file.find("notes").expect("notes");
        let (actions, path) = analysed(&file, catalog.clone(), |analysis, path| {
            let diagnostics = check_project(analysis.project, analysis.model, analysis.catalog);
            let actions = code_actions(analysis, path, at..at, &diagnostics);
            (actions, path.to_path_buf())
        });
        let expected =
            generated_from(&catalog).replace("identifier: \"IDx\"", "identifier: \"IDkept\"");
        assert_eq!(
            actions,
            vec![CodeAction {
                title: REGENERATE_TITLE.to_owned(),
                kind: "quickfix",
                edits: vec![TextEdit {
                    path,
                    range: 0..file.len(),
                    new_text: expected,
                }],
                fixes: Some("drift-new-column"),
                preferred: true,
            }]
        );
    }

    #[test]
    fn regeneration_keeps_the_ssl_cert_secret_of_either_configure_form() {
        let catalog = base_catalog();
        let options = SynthesisOptions {
            identifier: "IDx".to_owned(),
            connection_uri_secret: Some("SQL_CONNECTION_STRING".to_owned()),
            ssl_cert_secret: Some("SQL_SSL_CERT".to_owned()),
            ..SynthesisOptions::default()
        };
        let with_cert = synthesize(&catalog, &options).expect("synthesis").text;
        assert!(with_cert.contains("sslCert: secret(\"SQL_SSL_CERT\")"));
        // Hand-edited generated files call the configured value instead of its `schema`.
        let called = with_cert.replace("}).schema({", "})({");
        for file in [with_cert.clone(), called] {
            let regenerated = analysed(&file, catalog.clone(), regenerated_text);
            assert_eq!(regenerated.as_deref(), Some(with_cert.as_str()), "{file}");
        }
    }

    #[test]
    fn catalog_changes_are_listed() {
        let before = base_catalog();
        let mut after = base_catalog();
        after.tables[0].columns.remove(1);
        after.tables[0].columns[1].nullable = false;
        let changes: Vec<String> = catalog_changes(&before, &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            changes,
            [
                "- column public.notes.content (text)",
                "~ column public.notes.mood: mood (happy, sad) → mood NOT NULL (happy, sad)",
            ]
        );
        assert!(catalog_changes(&before, &before).is_empty());
    }

    #[test]
    fn reads_the_ssl_cert_secret() {
        assert_eq!(
            ssl_cert_secret("x\n        sslCert: secret(\"SQL_SSL_CERT\"),\n").as_deref(),
            Some("SQL_SSL_CERT")
        );
        assert_eq!(ssl_cert_secret("connectionUri: secret('X')"), None);
    }
}
