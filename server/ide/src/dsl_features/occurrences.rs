//! Every place a model, type or field is named, read from the schema model: declarations, renames,
//! `a.ref`, relationships, identifiers, owner and group fields, `models.X(.fields.f)`, and the
//! tables of embedded SQL. Hover, navigation and rename all start from this list.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use schemals_catalog::Engine;
use schemals_syntax::model::*;

use super::schema_engine;
use crate::TextRange;
use crate::features::Analysis;

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Model(ModelId),
    /// A custom type, enum, operation or other non-model entry, by the schema declaring it.
    Type(SchemaId, String),
    /// A field (a column, for SQL models) of a model.
    Field(ModelId, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The key that declares the model, type or field (for a SQL model, the table name).
    Declaration,
    /// The old name of a `renameModels` pair (the table name).
    RenameFrom,
    /// The new name of a `renameModels` pair: the model's name from there on.
    RenameTo,
    /// A use of the current name.
    Reference,
    /// The table of a SQL model, or one of its columns, named in embedded SQL.
    Sql,
}

#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    pub path: PathBuf,
    pub range: TextRange,
    pub target: Target,
    pub role: Role,
}

/// All occurrences of the project, without duplicates (a span keeps its first role). Names in
/// embedded SQL only `with_sql`: finding them analyzes every statement of the project. Computed
/// once per snapshot when the analysis has a [`crate::features::SnapshotCache`].
pub(super) fn collect<'a>(analysis: &Analysis<'a>, with_sql: bool) -> Cow<'a, [Occurrence]> {
    match analysis.cache {
        Some(cache) => Cow::Borrowed(
            cache.occurrences[usize::from(with_sql)].get_or_init(|| compute(analysis, with_sql)),
        ),
        None => Cow::Owned(compute(analysis, with_sql)),
    }
}

fn compute(analysis: &Analysis<'_>, with_sql: bool) -> Vec<Occurrence> {
    let mut out = Collector {
        analysis,
        out: Vec::new(),
    };
    let model = analysis.model;
    for (i, schema) in model.schemas.iter().enumerate() {
        let sid = SchemaId(i);
        for entry in &schema.entries {
            match &entry.def {
                TypeDef::Model(mid) => out.model(sid, *mid, entry),
                TypeDef::CustomType(t) => {
                    out.push_name(
                        &entry.name,
                        Target::Type(sid, entry.name.text.to_string()),
                        Role::Declaration,
                    );
                    for field in &t.fields {
                        out.field_type(sid, None, &field.ty);
                    }
                }
                TypeDef::Operation(op) => {
                    out.push_name(
                        &entry.name,
                        Target::Type(sid, entry.name.text.to_string()),
                        Role::Declaration,
                    );
                    for arg in op.arguments.iter().flatten() {
                        out.field_type(sid, None, &arg.ty);
                    }
                    if let Some(returns) = &op.returns {
                        out.field_type(sid, None, &returns.ty);
                    }
                }
                TypeDef::Enum(_) | TypeDef::Ai | TypeDef::Unknown => {
                    out.push_name(
                        &entry.name,
                        Target::Type(sid, entry.name.text.to_string()),
                        Role::Declaration,
                    );
                }
            }
        }
        for rename in &schema.renames {
            if let Some(TypeDef::Model(mid)) = schema.entry(&rename.to.text).map(|e| &e.def) {
                out.push_name(&rename.from, Target::Model(*mid), Role::RenameFrom);
                out.push_name(&rename.to, Target::Model(*mid), Role::RenameTo);
            }
        }
    }
    for name_use in &model.name_uses {
        let target = match &name_use.target {
            UseTarget::Model(id) => Target::Model(*id),
            UseTarget::Field(id, f) => Target::Field(*id, f.clone()),
            UseTarget::UnknownModel(_) | UseTarget::UnknownField(_) => continue,
        };
        out.push(&name_use.span, target, Role::Reference);
    }
    if with_sql {
        out.sql_tables();
    }
    let mut seen = std::collections::HashSet::new();
    out.out
        .into_iter()
        .filter(|o| seen.insert((o.path.clone(), o.range.start, o.range.end)))
        .collect()
}

/// The innermost occurrence at `offset` in `path` (a cursor right after a name still counts).
pub(super) fn at(occurrences: &[Occurrence], path: &Path, offset: usize) -> Option<Occurrence> {
    occurrences
        .iter()
        // The range first: comparing paths parses their components, for each of thousands.
        .filter(|o| o.range.start <= offset && offset <= o.range.end && o.path == path)
        .min_by_key(|o| o.range.end - o.range.start)
        .cloned()
}

/// What `name` means in the `a.ref` scope of `schema`.
pub(super) fn resolve(model: &SchemaModel, schema: SchemaId, name: &str) -> Option<Target> {
    for id in model.ref_scope(schema) {
        if let Some(entry) = model.schemas.get(id.0).and_then(|s| s.entry(name)) {
            return Some(match entry.def {
                TypeDef::Model(mid) => Target::Model(mid),
                _ => Target::Type(id, name.to_owned()),
            });
        }
    }
    None
}

struct Collector<'a, 'b> {
    analysis: &'b Analysis<'a>,
    out: Vec<Occurrence>,
}

impl Collector<'_, '_> {
    fn push(&mut self, span: &Span, target: Target, role: Role) {
        let path = self.analysis.project.file(span.file).path.clone();
        self.out.push(Occurrence {
            path,
            range: span.range.clone(),
            target,
            role,
        });
    }

    fn push_name(&mut self, name: &Name, target: Target, role: Role) {
        self.push(&name.span, target, role);
    }

    fn model(&mut self, sid: SchemaId, mid: ModelId, entry: &SchemaEntry) {
        let Some(model) = self.analysis.model.models.get(mid.0) else {
            return;
        };
        match &model.original_name {
            Some(original) => {
                self.push_name(original, Target::Model(mid), Role::Declaration);
                self.push_name(&entry.name, Target::Model(mid), Role::RenameTo);
            }
            None => self.push_name(&entry.name, Target::Model(mid), Role::Declaration),
        }
        for field in model.fields.iter() {
            let target = Target::Field(mid, field.name.text.to_string());
            self.push_name(&field.name, target, Role::Declaration);
            self.field_type(sid, Some(mid), &field.ty);
            if let Some(auth) = &field.auth {
                self.implied_fields(mid, auth);
            }
        }
        if let Some(identifier) = &model.identifier {
            for key in &identifier.fields {
                self.push_name(
                    key,
                    Target::Field(mid, key.text.to_string()),
                    Role::Reference,
                );
            }
        }
        if let Some(auth) = &model.auth {
            self.implied_fields(mid, auth);
        }
    }

    fn implied_fields(&mut self, mid: ModelId, auth: &AuthRules) {
        for rule in &auth.rules {
            if let Some(field) = &rule.field {
                self.push_name(
                    field,
                    Target::Field(mid, field.text.to_string()),
                    Role::Reference,
                );
            }
        }
    }

    fn field_type(&mut self, sid: SchemaId, holder: Option<ModelId>, ty: &FieldType) {
        match ty {
            FieldType::Ref(name) => {
                if let Some(target) = resolve(self.analysis.model, sid, &name.text) {
                    self.push_name(name, target, Role::Reference);
                }
            }
            FieldType::CustomType(t) => {
                for field in &t.fields {
                    self.field_type(sid, None, &field.ty);
                }
            }
            FieldType::Relationship(rel) => {
                let target_model = rel.target.as_ref().and_then(|name| {
                    match resolve(self.analysis.model, sid, &name.text)? {
                        Target::Model(mid) => {
                            self.push_name(name, Target::Model(mid), Role::Reference);
                            Some(mid)
                        }
                        _ => None,
                    }
                });
                // References name fields of the child: the target of hasMany/hasOne, the holder
                // of belongsTo.
                let child = match rel.kind {
                    RelationshipKind::BelongsTo => holder,
                    RelationshipKind::HasMany | RelationshipKind::HasOne => target_model,
                };
                if let Some(child) = child {
                    for reference in &rel.references {
                        let target = Target::Field(child, reference.text.to_string());
                        self.push_name(reference, target, Role::Reference);
                    }
                }
            }
            FieldType::Scalar(_) | FieldType::Enum(_) | FieldType::Unknown => {}
        }
    }

    /// Tables of SQL models named in `inlineSql` strings and `sqlReference` files.
    fn sql_tables(&mut self) {
        let analysis = self.analysis;
        for schema in &analysis.model.schemas {
            let Some(engine) = schema_engine(analysis, schema) else {
                continue;
            };
            let tables: Vec<(String, ModelId)> = schema
                .entries
                .iter()
                .filter_map(|e| match e.def {
                    TypeDef::Model(mid) => analysis
                        .model
                        .models
                        .get(mid.0)
                        .map(|m| (m.table_name().text.to_string(), mid)),
                    _ => None,
                })
                .collect();
            for entry in &schema.entries {
                let TypeDef::Operation(op) = &entry.def else {
                    continue;
                };
                // Only the first SQL handler runs.
                let Some(handler) = op.sql_handler() else {
                    continue;
                };
                match handler {
                    Handler::InlineSql { sql: Some(sql), .. } => {
                        // Where the SQL is written: a constant may live in another module.
                        let Some(file) = sql.host_file() else {
                            continue;
                        };
                        let path = analysis.project.file(file).path.clone();
                        for (range, target) in self.sql_refs(&sql.text, engine, &tables) {
                            if let Some(host) = sql.to_host(range) {
                                self.out.push(Occurrence {
                                    path: path.clone(),
                                    range: host,
                                    target,
                                    role: Role::Sql,
                                });
                            }
                        }
                    }
                    Handler::SqlReference {
                        resolved: Some(resolved),
                        ..
                    } => {
                        let Some(file) = analysis.project.sql_file(resolved) else {
                            continue;
                        };
                        for (range, target) in self.sql_refs(&file.text, engine, &tables) {
                            self.out.push(Occurrence {
                                path: file.path.clone(),
                                range,
                                target,
                                role: Role::Sql,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The ranges of `sql` naming one of `tables` (the tables of a schema's models) or, with a
    /// catalog, one of their columns.
    fn sql_refs(
        &self,
        sql: &str,
        engine: Engine,
        tables: &[(String, ModelId)],
    ) -> Vec<(TextRange, Target)> {
        let catalog = self
            .analysis
            .catalog
            .filter(|c| c.catalog.engine == engine)
            .map(|c| (&*c.catalog, &*c.index));
        let result = schemals_sql::analyze(sql, engine, catalog);
        let mut found = Vec::new();
        for table in &result.tables {
            let name = match &table.resolved {
                Some((_, name)) => name.as_str(),
                None if catalog.is_none() => table.parts.last().map_or("", String::as_str),
                None => continue,
            };
            if let Some((_, mid)) = tables.iter().find(|(t, _)| t == name) {
                // Only the last part of a qualified name is the table's name.
                let written = sql.get(table.range.clone()).unwrap_or("");
                let range = match written.rfind('.') {
                    Some(dot) => table.range.start + dot + 1..table.range.end,
                    None => table.range.clone(),
                };
                found.push((range, Target::Model(*mid)));
            }
        }
        if let Some((catalog, index)) = catalog {
            found.extend(self.sql_columns(sql, engine, &result, catalog, index, tables));
        }
        found
    }

    /// Column names in `sql` that only one table of the statement has, when that table is a
    /// model's: an ambiguous name (or an alias, a function) is left out rather than guessed.
    fn sql_columns(
        &self,
        sql: &str,
        engine: Engine,
        result: &schemals_sql::SqlAnalysis,
        catalog: &schemals_catalog::Catalog,
        index: &schemals_catalog::CatalogIndex,
        tables: &[(String, ModelId)],
    ) -> Vec<(TextRange, Target)> {
        use schemals_sql::lexical::{TokenKind, tokenize};
        let in_scope: Vec<&schemals_catalog::Table> = result
            .tables
            .iter()
            .filter_map(|t| t.resolved.as_ref())
            .filter_map(|(schema, name)| index.table(catalog, schema, name))
            .collect();
        let table_ranges: Vec<&TextRange> = result.tables.iter().map(|t| &t.range).collect();
        let tokens = tokenize(sql, engine);
        let mut found = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            if token.kind != TokenKind::Identifier
                || table_ranges
                    .iter()
                    .any(|r| r.start <= token.range.start && token.range.end <= r.end)
            {
                continue;
            }
            let next = tokens[i + 1..]
                .iter()
                .find(|t| t.kind != TokenKind::Comment);
            let previous = tokens[..i]
                .iter()
                .rev()
                .find(|t| t.kind != TokenKind::Comment);
            if next.is_some_and(|t| t.is_punct(".") || t.is_punct("("))
                || previous.is_some_and(|t| t.is_keyword("AS"))
            {
                continue;
            }
            let mut owners = in_scope.iter().filter(|t| t.column(&token.value).is_some());
            let (Some(owner), None) = (owners.next(), owners.next()) else {
                continue;
            };
            let Some((_, mid)) = tables.iter().find(|(t, _)| *t == owner.name) else {
                continue;
            };
            let has_field = self
                .analysis
                .model
                .models
                .get(mid.0)
                .is_some_and(|m| m.field(&token.value).is_some());
            if has_field {
                found.push((
                    token.range.clone(),
                    Target::Field(*mid, token.value.to_string()),
                ));
            }
        }
        found
    }
}
