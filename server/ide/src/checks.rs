//! Diagnostics of a project: builder-time errors found while evaluating, the transform-time and
//! deploy-time rejections of Amplify that can be seen in the source, its silent footguns, and
//! checks against the database catalog, including the SQL of custom operations.
//!
//! Every check that needs to know a whole set (all fields of a model, all types of a schema)
//! first asks whether the set is complete, and stays quiet when it is not.

use foldhash::{HashSet, HashSetExt};

use schemals_catalog::Engine;
use schemals_syntax::model::*;

use crate::{AnalysisMemo, Diagnostic, IndexedCatalog, Project, Severity};

/// All diagnostics of the project, sorted by file and position.
pub fn check_project(
    project: &Project,
    model: &SchemaModel,
    catalog: Option<&IndexedCatalog>,
) -> Vec<Diagnostic> {
    check_project_memoized(project, model, catalog, &AnalysisMemo::default())
}

/// [`check_project`], reusing the analyses of `memo` that still apply (the language server keeps
/// one memo for the session, so an edit re-analyses only the SQL it changed).
pub fn check_project_memoized(
    project: &Project,
    model: &SchemaModel,
    catalog: Option<&IndexedCatalog>,
    memo: &AnalysisMemo,
) -> Vec<Diagnostic> {
    let mut cx = Checker {
        project,
        model,
        catalog,
        memo,
        entries: crate::entries::Entries::new(model),
        out: Vec::new(),
    };
    for d in &model.diagnostics {
        let severity = if d.error {
            Severity::Error
        } else {
            Severity::Warning
        };
        cx.push(&d.span, severity, d.code, d.message.clone());
    }
    memo.analyse_in_parallel(&cx.cold_queries());
    for (i, schema) in model.schemas.iter().enumerate() {
        cx.schema(SchemaId(i), schema);
    }
    memo.end_run();
    let mut out = cx.out;
    out.sort_by(|a, b| (&a.path, a.range.start, a.code).cmp(&(&b.path, b.range.start, b.code)));
    out.dedup();
    out
}

struct Checker<'a> {
    project: &'a Project,
    model: &'a SchemaModel,
    catalog: Option<&'a IndexedCatalog>,
    memo: &'a AnalysisMemo,
    entries: crate::entries::Entries<'a>,
    out: Vec<Diagnostic>,
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_graphql_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl<'a> Checker<'a> {
    fn push(&mut self, span: &Span, severity: Severity, code: &'static str, message: String) {
        let path = self.project.file(span.file).path.clone();
        self.out.push(Diagnostic {
            path,
            range: span.range.clone(),
            severity,
            code,
            message,
        });
    }

    fn error(&mut self, span: &Span, code: &'static str, message: String) {
        self.push(span, Severity::Error, code, message);
    }

    fn warning(&mut self, span: &Span, code: &'static str, message: String) {
        self.push(span, Severity::Warning, code, message);
    }

    /// What a name refers to in the scope of `schema` (its `a.combine` included). `None` when
    /// the name is unknown; `Some(None)` when it exists but its kind is not known.
    fn resolve(&self, schema: SchemaId, name: &str) -> Option<Option<&'a TypeDef>> {
        for id in self.model.ref_scope(schema) {
            if let Some(entry) = self.entries.get(id, name) {
                return Some(Some(&entry.def));
            }
        }
        None
    }

    /// Whether every name in the scope of `schema` is known, so an absent name is really absent.
    fn scope_complete(&self, schema: SchemaId) -> bool {
        self.model.ref_scope(schema).iter().all(|&id| {
            let s = self.model.schema(id);
            s.entries_complete && !s.opaque
        })
    }

    fn is_model(&self, schema: SchemaId, name: &str) -> bool {
        matches!(self.resolve(schema, name), Some(Some(TypeDef::Model(_))))
    }

    fn schema(&mut self, id: SchemaId, schema: &'a Schema) {
        let engine = self.engine_of(schema);
        for entry in &schema.entries {
            match &entry.def {
                TypeDef::Model(model_id) => {
                    let model = self.model.model(*model_id);
                    self.model_checks(id, schema, model, engine);
                }
                TypeDef::CustomType(t) => self.custom_type(id, &entry.name.text, t),
                TypeDef::Enum(e) => self.enum_values(&entry.name.text, e),
                TypeDef::Operation(op) => self.operation(id, schema, &entry.name, op, engine),
                TypeDef::Ai | TypeDef::Unknown => {}
            }
        }
        if schema.is_sql() {
            self.catalog_models(id, schema);
        }
    }

    /// The SQL the checks of the handlers are about to analyse for the first time: that of every
    /// SQL schema against whose catalog the memo holds nothing yet (see
    /// [`AnalysisMemo::is_cold`]). Empty on a keystroke's run, which changes one query at most.
    fn cold_queries(&self) -> Vec<(&'a str, Engine, Option<&'a IndexedCatalog>)> {
        let mut queries = Vec::new();
        for schema in self
            .model
            .schemas
            .iter()
            .filter(|s| s.is_sql() && !s.opaque)
        {
            let Some(engine) = self.engine_of(schema) else {
                continue;
            };
            let catalog = self.catalog.filter(|c| c.catalog.engine == engine);
            if !self.memo.is_cold(engine, catalog) {
                continue;
            }
            let handlers = schema.entries.iter().filter_map(|entry| match &entry.def {
                TypeDef::Operation(op) => op.sql_handler(),
                _ => None,
            });
            for handler in handlers {
                if let Some((sql, _)) = crate::sql_checks::handler_sql(self.project, handler) {
                    queries.push((sql, engine, catalog));
                }
            }
        }
        queries
    }

    fn engine_of(&self, schema: &Schema) -> Option<Engine> {
        match &schema.database {
            Database::DynamoDb => None,
            Database::Sql(db) => db
                .engine
                .as_ref()
                .and_then(|e| Engine::from_amplify_name(&e.text))
                .or_else(|| self.catalog.map(|c| c.catalog.engine)),
        }
    }

    // ----- models -----

    fn model_checks(
        &mut self,
        sid: SchemaId,
        schema: &'a Schema,
        model: &'a Model,
        engine: Option<Engine>,
    ) {
        let name = &model.name.text;
        let sql = schema.is_sql();
        let opaque = model.opaque || schema.opaque;
        // Missing authorization.
        let no_model_rules = match &model.auth {
            None => true,
            Some(auth) => auth.rules.is_empty() && auth.complete,
        };
        if no_model_rules && schema.auth.is_none() && !opaque {
            if sql {
                self.warning(
                    &model.name.span,
                    "sql-model-iam-only",
                    format!(
                        "Model {name} has no authorization rules: only IAM can reach it (AppSync marks it @aws_iam)"
                    ),
                );
            } else {
                self.error(
                    &model.name.span,
                    "model-missing-auth",
                    format!(
                        "Model `{name}` is missing authorization rules. Add global rules to the schema or ensure every model has its own rules."
                    ),
                );
            }
        }
        // Authorization rules: on the model and on its fields.
        let mut rule_sets: Vec<&'a AuthRules> = model.auth.iter().collect();
        rule_sets.extend(model.fields.iter().filter_map(|f| f.auth.as_deref()));
        let mut implied: Vec<(&str, bool)> = Vec::new();
        for rules in rule_sets {
            for rule in &rules.rules {
                self.rule_provider(rule);
                if sql {
                    for op in rule.operations.iter().flatten() {
                        if op.text == "sync" || op.text == "search" {
                            self.error(
                                &op.span,
                                "sql-unsupported-auth-operation",
                                format!(
                                    "@auth on {name} cannot specify '{}' operation as it is not supported for SQL data sources",
                                    op.text
                                ),
                            );
                        }
                    }
                }
                let Some((field, is_list, field_span)) = rule.implied_field() else {
                    continue;
                };
                let span = field_span.unwrap_or(&rule.builder.span).clone();
                let conflict_with_rule = implied
                    .iter()
                    .any(|(f, list)| *f == field && *list != is_list);
                implied.push((field, is_list));
                let conflict =
                    || format!("Field {field} defined twice with conflicting definitions.");
                match model.field(field) {
                    // Two rules imply the field with different plurality.
                    _ if conflict_with_rule => self.error(&span, "auth-field-conflict", conflict()),
                    None => {
                        if sql && model.fields_complete && !opaque {
                            self.error(
                                &span,
                                "auth-field-missing",
                                format!("Field {field} isn't defined."),
                            );
                        }
                    }
                    Some(existing) => {
                        let compatible = match &existing.ty {
                            FieldType::Scalar(s) => s.is_string_like() && existing.array == is_list,
                            FieldType::Unknown => true,
                            _ => false,
                        };
                        if compatible {
                        } else if sql {
                            self.error(&span, "auth-field-conflict", conflict());
                        } else {
                            self.error(
                                &span,
                                "implicit-field-conflict",
                                format!("Implicit field {field} conflicts with the explicit field definition."),
                            );
                        }
                    }
                }
            }
        }
        // Fields.
        for field in model.fields.iter() {
            self.field_type_refs(sid, name, field, "model");
            if let Some(default) = &field.default
                && !default.has_value
            {
                let postgres = sql && engine != Some(Engine::Mysql);
                if !sql || engine == Some(Engine::Mysql) {
                    self.error(
                        &default.span,
                        "default-not-postgres",
                        format!(
                            "Invalid field definition for {}. DB-generated fields are only supported with PostgreSQL data sources.",
                            field.name.text
                        ),
                    );
                } else if postgres
                    && let FieldType::Scalar(s) = field.ty
                    && s != Scalar::Integer
                {
                    self.error(
                        &default.span,
                        "default-not-int",
                        format!(
                            "Incompatible field type. Field type {} in field {} cannot be configured as a DB-generated field.",
                            s.graphql(),
                            field.name.text
                        ),
                    );
                }
            }
            if let FieldType::Enum(e) = &field.ty {
                let enum_name = format!("{}{}", capitalize(name), capitalize(&field.name.text));
                self.enum_values(&enum_name, e);
            }
            if let FieldType::Relationship(rel) = &field.ty {
                self.relationship(sid, schema, model, field, rel);
            }
        }
        // Identifier.
        if let Some(identifier) = &model.identifier
            && model.fields_complete
            && !opaque
        {
            for key in &identifier.fields {
                match model.field(&key.text) {
                    None => {
                        if sql {
                            self.error(
                                &key.span,
                                "sql-model-missing-primary-key",
                                format!("SQL model \"{name}\" must contain a primary key field"),
                            );
                        }
                    }
                    Some(field) => {
                        let generated = field.default.as_ref().is_some_and(|d| !d.has_value);
                        let is_id = matches!(field.ty, FieldType::Scalar(Scalar::Id));
                        if !field.required && !generated && !is_id {
                            self.error(
                                &key.span,
                                "identifier-field-optional",
                                format!(
                                    "Invalid identifier definition. Field {} cannot be used in the identifier. Identifiers must reference required or DB-generated fields)",
                                    key.text
                                ),
                            );
                        }
                    }
                }
            }
        }
        if sql && let Some(span) = &model.secondary_indexes {
            self.warning(
                span,
                "sql-secondary-index-ignored",
                "Secondary indexes are ignored on SQL models".to_owned(),
            );
        }
    }

    fn rule_provider(&mut self, rule: &AuthRule) {
        if rule.strategy() == "groups" {
            let provider = rule.effective_provider();
            if provider != "userPools" && provider != "oidc" {
                let span = rule
                    .provider
                    .as_ref()
                    .map_or(&rule.builder.span, |p| &p.span)
                    .clone();
                self.error(
                    &span,
                    "groups-auth-provider",
                    format!(
                        "@auth directive with 'groups' strategy only supports 'userPools' and 'oidc' providers, but found '{provider}' assigned."
                    ),
                );
            }
        }
    }

    /// Refs in a field's type: they must name a type of the schema's scope.
    fn field_type_refs(
        &mut self,
        sid: SchemaId,
        holder: &str,
        field: &'a Field,
        holder_kind: &str,
    ) {
        match &field.ty {
            FieldType::Ref(target) => match self.resolve(sid, &target.text) {
                None if self.scope_complete(sid) => self.error(
                    &target.span,
                    "unknown-ref",
                    format!(
                        "Invalid ref. {holder} is referring to {} which is not defined in the schema",
                        target.text
                    ),
                ),
                Some(Some(TypeDef::Model(_))) => self.error(
                    &target.span,
                    "ref-to-model-in-custom-type",
                    format!(
                        "Cannot use `.ref()` to refer a model from a `{holder_kind}`. Field `{}` of `{holder}` refers to model `{}`",
                        field.name.text, target.text
                    ),
                ),
                _ => {}
            },
            FieldType::CustomType(t) => {
                let hoisted = format!("{}{}", capitalize(holder), capitalize(&field.name.text));
                self.custom_type(sid, &hoisted, t);
            }
            _ => {}
        }
    }

    fn custom_type(&mut self, sid: SchemaId, name: &str, t: &'a CustomType) {
        for field in &t.fields {
            self.field_type_refs(sid, name, field, "custom type");
            if let Some(auth) = &field.auth
                && !matches!(field.ty, FieldType::Relationship(_) | FieldType::Ref(_))
            {
                self.warning(
                    &auth.span,
                    "custom-type-field-auth-ignored",
                    "Field-level authorization inside a custom type is ignored by Amplify"
                        .to_owned(),
                );
            }
            if let FieldType::Enum(e) = &field.ty {
                let enum_name = format!("{}{}", capitalize(name), capitalize(&field.name.text));
                self.enum_values(&enum_name, e);
            }
        }
    }

    fn enum_values(&mut self, name: &str, e: &EnumDef) {
        for value in &e.values {
            if value.text.chars().any(char::is_whitespace) {
                self.error(
                    &value.span,
                    "enum-value-whitespace",
                    format!("Values of the enum type {name} should not contain any whitespace."),
                );
            } else if !is_graphql_name(&value.text) {
                self.error(
                    &value.span,
                    "enum-value-invalid",
                    format!(
                        "Enum value \"{}\" of {name} is not a valid GraphQL name",
                        value.text
                    ),
                );
            }
        }
    }

    fn relationship(
        &mut self,
        sid: SchemaId,
        schema: &Schema,
        model: &'a Model,
        field: &'a Field,
        rel: &'a Relationship,
    ) {
        let Some(target) = &rel.target else { return };
        let sql = schema.is_sql();
        let Some(def) = self.resolve(sid, &target.text) else {
            if self.scope_complete(sid) {
                let message = if sql {
                    format!("Unknown type: \"{}\".", target.text)
                } else {
                    format!(
                        "Invalid ref. {} is referring to {} which is not defined in the schema",
                        model.name.text, target.text
                    )
                };
                self.error(&target.span, "unknown-ref", message);
            }
            return;
        };
        let Some(TypeDef::Model(target_id)) = def else {
            return;
        };
        let other = self.model.model(*target_id);
        if !rel.references_complete || !other.fields_complete || other.opaque || model.opaque {
            return;
        }
        // The counterpart: a belongsTo on the other side for hasOne/hasMany, and the reverse.
        let wanted_back = |back: &Relationship| match rel.kind {
            RelationshipKind::BelongsTo => back.kind != RelationshipKind::BelongsTo,
            _ => back.kind == RelationshipKind::BelongsTo,
        };
        let counterpart = other.fields.iter().find_map(|f| match &f.ty {
            FieldType::Relationship(back)
                if wanted_back(back)
                    && back
                        .target
                        .as_ref()
                        .is_some_and(|t| t.text == model.name.text)
                    && back.references_complete
                    && back
                        .references
                        .iter()
                        .map(|r| &r.text)
                        .eq(rel.references.iter().map(|r| &r.text)) =>
            {
                Some((f, back))
            }
            _ => None,
        });
        let method = rel.kind.method();
        let describe = |owner: &str, f: &Field, r: &Relationship| {
            let target = r.target.as_ref().map_or("", |t| t.text.as_str());
            let ty = if r.kind == RelationshipKind::HasMany {
                format!("[{target}]")
            } else {
                target.to_owned()
            };
            let refs = r
                .references
                .iter()
                .map(|x| format!("'{}'", x.text))
                .collect::<Vec<_>>()
                .join(",");
            format!(
                "{owner}.{}: {ty} @{}(references: [{refs}])",
                f.name.text,
                r.kind.method()
            )
        };
        let other_has_broken_relationship = other.fields.iter().any(|f| {
            matches!(&f.ty, FieldType::Relationship(r)
                if r.target.as_ref().is_some_and(|t| self.resolve(sid, &t.text).is_none()))
        });
        if counterpart.is_none() && other_has_broken_relationship {
            // The other side names a type that does not exist: that error is the one to fix.
            return;
        }
        let Some((back_field, back)) = counterpart else {
            if sql {
                let message = if rel.kind == RelationshipKind::BelongsTo {
                    "A 'belongsTo' field should match to a corresponding 'hasMany' or 'hasOne' field".to_owned()
                } else {
                    let refs = rel
                        .references
                        .iter()
                        .map(|r| format!("\"{}\"", r.text))
                        .collect::<Vec<_>>()
                        .join(",");
                    format!(
                        "Error processing @{method} directive on {}.{}. @belongsTo directive with references [{refs}] was not found in connected model {}",
                        model.name.text, field.name.text, target.text
                    )
                };
                self.error(&field.span, "sql-relationship-unpaired", message);
            } else {
                self.error(
                    &field.span,
                    "relationship-unpaired",
                    format!(
                        "Unable to find associated relationship definition in {} for {}",
                        target.text,
                        describe(&model.name.text, field, rel)
                    ),
                );
            }
            return;
        };
        // Reference fields live on the child (the belongsTo side); reported once, from the parent.
        if rel.kind == RelationshipKind::BelongsTo || sql {
            return;
        }
        for (i, reference) in back.references.iter().enumerate() {
            if other.field(&reference.text).is_none() {
                let _ = i;
                self.error(
                    &reference.span,
                    "relationship-reference-missing",
                    format!(
                        "reference field '{}' must be defined on {}. {} <-> {}",
                        reference.text,
                        other.name.text,
                        describe(&model.name.text, field, rel),
                        describe(&other.name.text, back_field, back)
                    ),
                );
            }
        }
    }

    // ----- custom operations -----

    fn operation(
        &mut self,
        sid: SchemaId,
        schema: &'a Schema,
        key: &'a Name,
        op: &'a Operation,
        engine: Option<Engine>,
    ) {
        let name = &key.text;
        let opaque = schema.opaque;
        let has_auth = op.auth.is_some() || schema.auth.is_some();
        let has_handler = op.handlers.is_some();
        let exempt = op.kind == OperationKind::Subscription && !has_handler;
        if has_auth != has_handler && !opaque && !exempt {
            self.error(
                &key.span,
                "custom-operation-incomplete",
                format!("Custom operation {name} requires both an authorization rule and a handler reference"),
            );
        }
        let handlers: &[Handler] = op.handlers.as_deref().unwrap_or(&[]);
        let last_async = matches!(
            handlers.last(),
            Some(Handler::Function { is_async: true, .. })
        );
        if op.returns.is_none() && !last_async {
            let kind = match op.kind {
                OperationKind::Query => Some("Query"),
                OperationKind::Mutation => Some("Mutation"),
                _ => None,
            };
            if let Some(kind) = kind {
                self.error(
                    &key.span,
                    "missing-return-type",
                    format!(
                        "Invalid Custom {kind} definition. A Custom {kind} must include a return type. {name} has no return type specified."
                    ),
                );
            }
        }
        if op.kind == OperationKind::Subscription && op.sources.is_none() {
            self.error(
                &key.span,
                "subscription-missing-source",
                format!(
                    "{name} is missing a mutation source. Custom subscriptions must reference a mutation source via subscription().for(a.ref('ModelOrOperationName')) "
                ),
            );
        }
        // Handler kinds must agree (function and async function may mix).
        let mut kinds: Vec<&str> = Vec::new();
        for h in handlers {
            if let Some(kind) = h.amplify_kind() {
                let kind = if kind == "asyncFunction" {
                    "function"
                } else {
                    kind
                };
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        if kinds.len() > 1 {
            let list = handlers
                .iter()
                .filter_map(Handler::amplify_kind)
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(",");
            self.error(
                op.handler_span.as_ref().unwrap_or(&key.span),
                "mixed-handlers",
                format!("Field handlers must be of the same type. {name} has been configured with [{list}]"),
            );
        }
        // Arguments.
        for arg in op.arguments.iter().flatten() {
            if let FieldType::Ref(target) = &arg.ty
                && self.is_model(sid, &target.text)
            {
                self.error(
                    &target.span,
                    "unsupported-argument-ref",
                    format!(
                        "Unsupported reference type 'Model' for argument '{}' in '{name}'. Only references to CustomType and Enum are supported.",
                        arg.name.text
                    ),
                );
                continue;
            }
            self.field_type_refs(sid, name, arg, "custom operation");
            if let Some(default) = &arg.default {
                self.error(
                    &default.span,
                    "default-on-argument",
                    "Directive \"@default\" may not be used on ARGUMENT_DEFINITION.".to_owned(),
                );
            }
        }
        if let Some(returns) = &op.returns {
            match &returns.ty {
                FieldType::Ref(target)
                    if self.resolve(sid, &target.text).is_none() && self.scope_complete(sid) =>
                {
                    self.error(
                        &target.span,
                        "unknown-ref",
                        format!(
                            "Invalid ref. {name} is referring to {} which is not defined in the schema",
                            target.text
                        ),
                    );
                }
                FieldType::CustomType(t) => {
                    self.custom_type(sid, &format!("{}ReturnType", capitalize(name)), t)
                }
                _ => {}
            }
        }
        // SQL handlers.
        let mut sql_handlers = 0;
        for handler in handlers {
            if !handler.is_sql() {
                continue;
            }
            sql_handlers += 1;
            if sql_handlers > 1 {
                self.warning(
                    handler.span(),
                    "second-sql-handler-ignored",
                    "Only the first SQL handler runs; this one is ignored".to_owned(),
                );
                continue;
            }
            self.sql_handler(schema, name, op, handler, engine);
        }
    }

    fn sql_handler(
        &mut self,
        schema: &Schema,
        name: &str,
        op: &Operation,
        handler: &'a Handler,
        engine: Option<Engine>,
    ) {
        let graphql_type = op.kind.graphql_type();
        self.out.extend(crate::sql_checks::check_handler(
            self.project,
            self.model,
            &self.entries,
            self.catalog,
            self.memo,
            schema,
            name,
            op,
            handler,
            engine,
        ));
        match handler {
            Handler::InlineSql { span, sql, .. } => {
                if !schema.is_sql() {
                    self.warning(
                        span,
                        "inline-sql-on-dynamodb",
                        "inlineSql is ignored on a DynamoDB schema: the field resolves to nothing"
                            .to_owned(),
                    );
                    return;
                }
                let Some(sql) = sql.as_ref().filter(|s| s.complete) else {
                    return;
                };
                if sql.text.trim().is_empty() {
                    self.error(
                        span,
                        "sql-empty-statement",
                        format!(
                            "@sql directive 'statement' argument must not be empty. Check type \"{graphql_type}\" and field \"{name}\"."
                        ),
                    );
                    return;
                }
                let Some(engine) = engine else { return };
                let catalog = self.catalog.filter(|c| c.catalog.engine == engine);
                let facts = self.memo.sql(&sql.text, engine, catalog);
                for d in &facts.analysis.diagnostics {
                    // The SQL may be a constant of another module: its diagnostics go there.
                    let at = sql
                        .host_span(d.range.clone())
                        .unwrap_or_else(|| span.clone());
                    self.push(&at, severity(d.severity), d.code, d.message.clone());
                }
            }
            Handler::SqlReference {
                span,
                path,
                resolved,
            } => {
                if !schema.is_sql() {
                    self.error(
                        span,
                        "sql-reference-on-dynamodb",
                        format!("Could not find custom SQL strategy for {graphql_type}.{name}"),
                    );
                    return;
                }
                let (Some(path), Some(resolved)) = (path, resolved) else {
                    return;
                };
                match self.project.sql_file(resolved) {
                    None => self.error(
                        &path.span,
                        "sql-reference-missing",
                        format!(
                            "Could not determine import path to construct absolute code path from relative path: {} (no such file)",
                            path.text
                        ),
                    ),
                    Some(file) => {
                        let Some(engine) = engine else { return };
                        let catalog = self.catalog.filter(|c| c.catalog.engine == engine);
                        let facts = self.memo.sql(&file.text, engine, catalog);
                        for d in &facts.analysis.diagnostics {
                            self.out.push(Diagnostic {
                                path: file.path.clone(),
                                range: d.range.clone(),
                                severity: severity(d.severity),
                                code: d.code,
                                message: d.message.clone(),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }

    // ----- catalog -----

    /// Tables and columns behind the models of a SQL schema.
    fn catalog_models(&mut self, id: SchemaId, schema: &Schema) {
        let Some(catalog) = self.catalog else { return };
        if self.engine_of(schema) != Some(catalog.catalog.engine) {
            return;
        }
        if schema.generated {
            // schema.sql.ts against what generation would write now (drift.rs).
            crate::drift::schema_drift(
                self.project,
                self.model,
                (id, schema),
                &self.entries,
                catalog,
                &mut self.out,
            );
            return;
        }
        let mut seen = HashSet::new();
        for entry in &schema.entries {
            let TypeDef::Model(id) = entry.def else {
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            let model = self.model.model(id);
            let table_name = model.table_name();
            let table = catalog
                .catalog
                .search_path
                .iter()
                .find_map(|s| catalog.index.table(&catalog.catalog, s, &table_name.text));
            let Some(table) = table else {
                self.error(
                    &table_name.span,
                    "unknown-table",
                    format!(
                        "Table \"{}\" does not exist in the database",
                        table_name.text
                    ),
                );
                continue;
            };
            if !schema.generated {
                continue;
            }
            for field in model.fields.iter() {
                if matches!(field.ty, FieldType::Relationship(_)) {
                    continue;
                }
                if table.column(&field.name.text).is_none() {
                    self.error(
                        &field.name.span,
                        "unknown-column",
                        format!(
                            "Column \"{}\" does not exist in table \"{}\"",
                            field.name.text, table_name.text
                        ),
                    );
                }
            }
        }
    }
}

fn severity(s: schemals_sql::Severity) -> Severity {
    match s {
        schemals_sql::Severity::Error => Severity::Error,
        schemals_sql::Severity::Warning => Severity::Warning,
        schemals_sql::Severity::Information => Severity::Information,
        schemals_sql::Severity::Hint => Severity::Hint,
    }
}
