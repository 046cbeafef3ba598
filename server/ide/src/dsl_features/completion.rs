//! Completion in the DSL. The cursor's context comes from the syntax tree (half-typed code is the
//! normal case here); what to offer comes from the schema model and the catalog.

use schemals_syntax::field;
use schemals_syntax::model::AuthLevel;
use std::path::Path;

use schemals_syntax::Node;
use schemals_syntax::model::*;

use super::{column_detail, model_column, model_table, node_text, ts_file};
use crate::features::{Analysis, Completion, CompletionKind};
use crate::{ProjectFile, TextRange};

/// Builders that name an owner or group field, with whether the field holds a list.
const FIELD_BUILDERS: &[(&str, bool)] = &[
    ("ownerDefinedIn", false),
    ("ownersDefinedIn", true),
    ("groupDefinedIn", false),
    ("groupsDefinedIn", true),
];

/// Every `allow` builder: name, signature, what Amplify emits.
const BUILDERS: &[(&str, &str)] = &[
    ("publicApiKey", "publicApiKey(): public, apiKey"),
    ("guest", "guest(): public, identityPool"),
    ("authenticated", "authenticated(provider?): private"),
    ("owner", "owner(provider?): owner field `owner`"),
    ("ownerDefinedIn", "ownerDefinedIn(field, provider?): owner"),
    (
        "ownersDefinedIn",
        "ownersDefinedIn(field, provider?): owners (list)",
    ),
    ("group", "group(group, provider?): groups"),
    ("groups", "groups(groups, provider?): groups"),
    ("groupDefinedIn", "groupDefinedIn(field, provider?): groups"),
    (
        "groupsDefinedIn",
        "groupsDefinedIn(field, provider?): groups (list)",
    ),
    ("custom", "custom(provider?): custom, function"),
    ("resource", "resource(fn): function access to the schema"),
];

/// The providers a builder accepts (`Authorization.ts`; groups are checked only at deploy).
fn providers_for(builder: &str) -> &'static [&'static str] {
    match builder {
        "authenticated" => &["userPools", "oidc", "identityPool"],
        "owner" | "ownerDefinedIn" | "ownersDefinedIn" | "group" | "groups" | "groupDefinedIn"
        | "groupsDefinedIn" => &["userPools", "oidc"],
        "custom" => &["function"],
        _ => &[],
    }
}

const OPERATIONS: &[&str] = &[
    "create", "update", "delete", "read", "get", "list", "sync", "listen", "search",
];
const RESOURCE_OPERATIONS: &[&str] = &["query", "mutate", "listen"];

pub(super) fn completions(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Completion> {
    let Some((file, tree)) = ts_file(analysis, path) else {
        return Vec::new();
    };
    let cx = Cx {
        analysis,
        file,
        file_id: analysis.project.file_id(path),
    };
    let Some(node) = tree.root_node().descendant_for_byte_range(offset, offset) else {
        return Vec::new();
    };
    let mut items = match string_around(node, offset) {
        Some(string) => cx.in_string(string),
        None => cx.after_dot(node, offset),
    };
    items.sort_by(|a, b| (&a.sort_key, &a.label).cmp(&(&b.sort_key, &b.label)));
    items.dedup_by(|a, b| a.label == b.label);
    items
}

/// The string literal whose quotes enclose `offset`.
fn string_around(node: Node<'_>, offset: usize) -> Option<Node<'_>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if n.kind() == "string" {
            return (n.start_byte() < offset && offset < n.end_byte()).then_some(n);
        }
        current = n.parent();
    }
    None
}

/// The method name (one of [`KNOWN_METHODS`] or an `allow` builder) and receiver of a call `receiver.method(...)`.
fn method_of<'t>(file: &ProjectFile, call: Node<'t>) -> Option<(&'static str, Node<'t>)> {
    let function = call.child_by_field_id(field::function())?;
    if function.kind() != "member_expression" {
        return None;
    }
    let property = function.child_by_field_id(field::property())?;
    let object = function.child_by_field_id(field::object())?;
    // Only the methods completion cares about are named; others give `None`.
    let name = node_text(file, property);
    KNOWN_METHODS
        .iter()
        .chain(ALLOW_BUILDERS)
        .find(|m| **m == name)
        .map(|m| (*m, object))
}

const KNOWN_METHODS: &[&str] = &[
    "ref",
    "hasMany",
    "hasOne",
    "belongsTo",
    "identifier",
    "to",
    "renameModels",
    "authorization",
    "model",
    "query",
    "mutation",
    "subscription",
    "generation",
    "conversation",
    "schema",
    "fields",
    "setAuthorization",
    "setRelationships",
];

fn named_index(parent: Node<'_>, child: Node<'_>) -> Option<usize> {
    let mut cursor = parent.walk();
    parent
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .position(|c| c == child)
}

struct Cx<'a, 'b> {
    analysis: &'b Analysis<'a>,
    file: &'a ProjectFile,
    file_id: Option<FileId>,
}

impl<'a> Cx<'a, '_> {
    fn item(
        &self,
        label: &str,
        kind: CompletionKind,
        detail: Option<String>,
        replace: &TextRange,
        sort_key: &str,
    ) -> Completion {
        Completion {
            label: label.to_owned(),
            kind,
            detail,
            documentation: None,
            insert_text: None,
            replace: replace.clone(),
            sort_key: sort_key.to_owned(),
        }
    }

    // ----- inside a string -----

    fn in_string(&self, string: Node<'_>) -> Vec<Completion> {
        let replace = string.start_byte() + 1..string.end_byte() - 1;
        let Some(parent) = string.parent() else {
            return Vec::new();
        };
        let Some(index) = named_index(parent, string) else {
            return Vec::new();
        };
        match parent.kind() {
            "arguments" => {
                let Some((method, _)) = parent.parent().and_then(|c| method_of(self.file, c))
                else {
                    return Vec::new();
                };
                match (method, index) {
                    ("ref", 0) => self.type_names(string, &replace),
                    ("hasMany" | "hasOne" | "belongsTo", 0) => {
                        self.model_names_in_scope(string, &replace)
                    }
                    (m, 0) if FIELD_BUILDERS.iter().any(|(b, _)| *b == m) => {
                        let list = FIELD_BUILDERS.iter().any(|(b, l)| *b == m && *l);
                        self.owner_fields(string, list, &replace)
                    }
                    (m, 1)
                        if FIELD_BUILDERS.iter().any(|(b, _)| *b == m)
                            || m == "group"
                            || m == "groups" =>
                    {
                        self.providers(m, &replace)
                    }
                    ("authenticated" | "owner" | "custom", 0) => self.providers(method, &replace),
                    _ => Vec::new(),
                }
            }
            "array" => {
                let Some(outer) = parent.parent() else {
                    return Vec::new();
                };
                if outer.kind() == "arguments" {
                    let Some(call) = outer.parent() else {
                        return Vec::new();
                    };
                    return match method_of(self.file, call) {
                        Some(("identifier", _)) => self.identifier_fields(call, &replace),
                        Some(("to", receiver)) => self.operations(call, receiver, parent, &replace),
                        _ => Vec::new(),
                    };
                }
                if index == 0 && outer.kind() == "array" && self.inside_call(outer, "renameModels")
                {
                    return self.tables(&replace);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Whether `node` is inside the arguments of a `.method(...)` call.
    fn inside_call(&self, node: Node<'_>, method: &str) -> bool {
        let mut current = node.parent();
        while let Some(n) = current {
            if n.kind() == "call_expression"
                && let Some((m, _)) = method_of(self.file, n)
            {
                return m == method;
            }
            current = n.parent();
        }
        false
    }

    /// The schemas whose names an `a.ref` at `node` can see: the scope of the schema being built
    /// around it, else every schema.
    fn scope_at(&self, node: Node<'_>) -> Vec<SchemaId> {
        let model = self.analysis.model;
        for (i, schema) in model.schemas.iter().enumerate() {
            if Some(schema.span.file) != self.file_id {
                continue;
            }
            let call = node_at_span(node, &schema.span.range)
                .and_then(|n| n.parent())
                .and_then(|n| n.parent());
            if let Some(call) = call
                && call.start_byte() <= node.start_byte()
                && node.end_byte() <= call.end_byte()
            {
                return model.ref_scope(SchemaId(i));
            }
        }
        (0..model.schemas.len()).map(SchemaId).collect()
    }

    fn type_names(&self, node: Node<'_>, replace: &TextRange) -> Vec<Completion> {
        let mut out = Vec::new();
        for sid in self.scope_at(node) {
            let Some(schema) = self.analysis.model.schemas.get(sid.0) else {
                continue;
            };
            for entry in &schema.entries {
                let (kind, detail, key) = match &entry.def {
                    TypeDef::CustomType(_) => (CompletionKind::Type, "custom type", "0"),
                    TypeDef::Enum(_) => (CompletionKind::Enum, "enum", "0"),
                    TypeDef::Model(_) => (CompletionKind::Model, "model", "1"),
                    _ => continue,
                };
                out.push(self.item(
                    &entry.name.text,
                    kind,
                    Some(detail.to_owned()),
                    replace,
                    key,
                ));
            }
        }
        out
    }

    fn model_names_in_scope(&self, node: Node<'_>, replace: &TextRange) -> Vec<Completion> {
        let mut out = Vec::new();
        for sid in self.scope_at(node) {
            out.extend(self.model_names(sid, replace));
        }
        out
    }

    /// The models of a schema by their current names (after `renameModels`).
    fn model_names(&self, sid: SchemaId, replace: &TextRange) -> Vec<Completion> {
        let analysis = self.analysis;
        let Some(schema) = analysis.model.schemas.get(sid.0) else {
            return Vec::new();
        };
        schema
            .entries
            .iter()
            .filter_map(|entry| {
                let TypeDef::Model(mid) = entry.def else {
                    return None;
                };
                let model = analysis.model.models.get(mid.0)?;
                let detail = if schema.is_sql() {
                    match model_table(analysis, model) {
                        Some(t) => format!("table {}.{}", t.schema, t.name),
                        None => format!("table {}", model.table_name().text),
                    }
                } else {
                    "model".to_owned()
                };
                Some(self.item(
                    &entry.name.text,
                    CompletionKind::Model,
                    Some(detail),
                    replace,
                    "0",
                ))
            })
            .collect()
    }

    /// `type, nullability · table` for a column, the GraphQL type for other fields.
    fn field_detail(&self, model: &Model, field: &Field) -> String {
        match model_column(self.analysis, model, &field.name.text) {
            Some(column) => format!("{} · {}", column_detail(column), model.table_name().text),
            None => super::hover::graphql_field_type(field),
        }
    }

    /// Fields of the model around `node` for an owner/group builder: string fields first (list
    /// fields first for the plural builders).
    fn owner_fields(&self, node: Node<'_>, list: bool, replace: &TextRange) -> Vec<Completion> {
        let Some(model) = self.enclosing_model(node) else {
            return Vec::new();
        };
        model
            .fields
            .iter()
            .filter(|f| !matches!(f.ty, FieldType::Relationship(_)))
            .map(|f| {
                let fits =
                    matches!(f.ty, FieldType::Scalar(s) if s.is_string_like()) && f.array == list;
                let key = if fits { "0" } else { "1" };
                self.item(
                    &f.name.text,
                    CompletionKind::Column,
                    Some(self.field_detail(model, f)),
                    replace,
                    key,
                )
            })
            .collect()
    }

    /// Fields for `.identifier([...])`: required and database-generated fields first.
    fn identifier_fields(&self, call: Node<'_>, replace: &TextRange) -> Vec<Completion> {
        let Some(model) = self.enclosing_model(call) else {
            return Vec::new();
        };
        model
            .fields
            .iter()
            .filter(|f| !matches!(f.ty, FieldType::Relationship(_)))
            .map(|f| {
                let generated = f.default.as_ref().is_some_and(|d| !d.has_value);
                let key = if f.required || generated { "0" } else { "1" };
                self.item(
                    &f.name.text,
                    CompletionKind::Column,
                    Some(self.field_detail(model, f)),
                    replace,
                    key,
                )
            })
            .collect()
    }

    fn providers(&self, builder: &str, replace: &TextRange) -> Vec<Completion> {
        providers_for(builder)
            .iter()
            .map(|p| {
                self.item(
                    p,
                    CompletionKind::Provider,
                    Some(format!("provider of allow.{builder}")),
                    replace,
                    "0",
                )
            })
            .collect()
    }

    /// Operations for `.to([...])`: the resource operations after `allow.resource`, else the
    /// model operations, without `sync`/`search` on SQL models and without those already listed.
    fn operations(
        &self,
        call: Node<'_>,
        receiver: Node<'_>,
        array: Node<'_>,
        replace: &TextRange,
    ) -> Vec<Completion> {
        let resource = receiver.kind() == "call_expression"
            && matches!(method_of(self.file, receiver), Some(("resource", _)));
        let sql = self
            .enclosing_model(call)
            .and_then(|m| m.schema)
            .and_then(|s| self.analysis.model.schemas.get(s.0))
            .is_some_and(Schema::is_sql);
        let listed: Vec<&str> = {
            let mut cursor = array.walk();
            array
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "string")
                .map(|c| node_text(self.file, c).trim_matches(['"', '\'', '`']))
                .collect()
        };
        let all = if resource {
            RESOURCE_OPERATIONS
        } else {
            OPERATIONS
        };
        all.iter()
            .filter(|op| !(sql && matches!(**op, "sync" | "search")))
            .filter(|op| !listed.contains(op))
            .map(|op| self.item(op, CompletionKind::Operation, None, replace, "0"))
            .collect()
    }

    /// Tables for the first element of a `renameModels` pair: the tables of SQL models, those not
    /// renamed yet first.
    fn tables(&self, replace: &TextRange) -> Vec<Completion> {
        let analysis = self.analysis;
        let mut out = Vec::new();
        for schema in analysis.model.schemas.iter().filter(|s| s.is_sql()) {
            for entry in &schema.entries {
                let TypeDef::Model(mid) = entry.def else {
                    continue;
                };
                let Some(model) = analysis.model.models.get(mid.0) else {
                    continue;
                };
                let table = &model.table_name().text;
                let (detail, key) = match &model.original_name {
                    Some(_) => (format!("renamed to {}", model.name.text), "1"),
                    None => match model_table(analysis, model) {
                        Some(t) => (format!("table {}.{}", t.schema, t.name), "0"),
                        None => ("table".to_owned(), "0"),
                    },
                };
                out.push(self.item(table, CompletionKind::Table, Some(detail), replace, key));
            }
        }
        out
    }

    // ----- after a dot -----

    fn after_dot(&self, node: Node<'_>, offset: usize) -> Vec<Completion> {
        let text = &self.file.text;
        let bytes = text.as_bytes();
        let is_ident = |b: u8| b == b'_' || b == b'$' || b.is_ascii_alphanumeric();
        let mut start = offset.min(bytes.len());
        while start > 0 && is_ident(bytes[start - 1]) {
            start -= 1;
        }
        if start == 0 || bytes[start - 1] != b'.' {
            return Vec::new();
        }
        // The receiver chain `a.b.c` before the dot.
        let mut chain_start = start - 1;
        while chain_start > 0
            && (is_ident(bytes[chain_start - 1]) || bytes[chain_start - 1] == b'.')
        {
            chain_start -= 1;
        }
        let Some(chain) = text.get(chain_start..start - 1) else {
            return Vec::new();
        };
        let parts: Vec<&str> = chain.split('.').collect();
        let replace = start..offset;
        let Some(&first) = parts.first() else {
            return Vec::new();
        };
        // Stand on the receiver's last character: error recovery may leave a dangling dot
        // outside the function that holds the receiver.
        let found = [start.saturating_sub(2), start - 1]
            .into_iter()
            .find_map(|at| {
                let node = node_at_span(node, &(at..at))?;
                self.callback_with_parameter(node, first)
            });
        let Some((callback, method)) = found else {
            return Vec::new();
        };
        match (method, parts.as_slice()) {
            ("setAuthorization" | "setRelationships", [_]) => self
                .callback_schema(callback)
                .map(|sid| self.model_names(sid, &replace))
                .unwrap_or_default(),
            ("setAuthorization", [_, model, "fields"]) => {
                let Some(sid) = self.callback_schema(callback) else {
                    return Vec::new();
                };
                let Some(model) = self.model_named(sid, model) else {
                    return Vec::new();
                };
                model
                    .fields
                    .iter()
                    .filter(|f| !matches!(f.ty, FieldType::Relationship(_)))
                    .map(|f| {
                        self.item(
                            &f.name.text,
                            CompletionKind::Field,
                            Some(self.field_detail(model, f)),
                            &replace,
                            "0",
                        )
                    })
                    .collect()
            }
            ("authorization", [_]) => {
                let level = self.auth_level(callback).unwrap_or(AuthLevel::Model);
                schemals_syntax::model::allow_builders(level)
                    .iter()
                    .map(|b| {
                        let detail = BUILDERS
                            .iter()
                            .find(|(n, _)| n == b)
                            .map(|(_, d)| (*d).to_owned());
                        self.item(b, CompletionKind::AuthBuilder, detail, &replace, "0")
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The innermost function around `node` whose first parameter is `name`, passed to a
    /// `.method(...)` call: the function and the method.
    fn callback_with_parameter<'t>(
        &self,
        node: Node<'t>,
        name: &str,
    ) -> Option<(Node<'t>, &'static str)> {
        let mut current = Some(node);
        while let Some(n) = current {
            if matches!(n.kind(), "arrow_function" | "function_expression")
                && self.first_parameter(n).as_deref() == Some(name)
            {
                let call = n.parent().filter(|p| p.kind() == "arguments")?.parent()?;
                let (method, _) = method_of(self.file, call)?;
                return Some((n, method));
            }
            current = n.parent();
        }
        None
    }

    fn first_parameter(&self, function: Node<'_>) -> Option<String> {
        if let Some(p) = function.child_by_field_id(field::parameter()) {
            return Some(node_text(self.file, p).to_owned());
        }
        let params = function.child_by_field_id(field::parameters())?;
        let mut cursor = params.walk();
        let first = params.named_children(&mut cursor).next()?;
        let ident = if first.kind() == "identifier" {
            first
        } else {
            first.child_by_field_id(field::pattern())?
        };
        Some(node_text(self.file, ident).to_owned())
    }

    /// The schema whose `models` a `setAuthorization`/`setRelationships` callback receives.
    fn callback_schema(&self, callback: Node<'_>) -> Option<SchemaId> {
        self.analysis
            .model
            .models_callbacks
            .iter()
            .find(|c| Some(c.span.file) == self.file_id && c.span.range == callback.byte_range())
            .map(|c| c.schema)
    }

    fn model_named(&self, sid: SchemaId, name: &str) -> Option<&'a Model> {
        let analysis = self.analysis;
        match analysis.model.schemas.get(sid.0)?.entry(name)?.def {
            TypeDef::Model(mid) => analysis.model.models.get(mid.0),
            _ => None,
        }
    }

    /// The level of the `.authorization(callback)` call: from the rules the evaluator recorded
    /// there, else from the receiver written before it.
    fn auth_level(&self, callback: Node<'_>) -> Option<AuthLevel> {
        let call = callback.parent()?.parent()?;
        let property = call
            .child_by_field_id(field::function())?
            .child_by_field_id(field::property())?;
        let here = |auth: Option<&AuthRules>| {
            auth.is_some_and(|a| {
                Some(a.span.file) == self.file_id && a.span.range == property.byte_range()
            })
        };
        let model = self.analysis.model;
        if model.schemas.iter().any(|s| here(s.auth.as_ref())) {
            return Some(AuthLevel::Schema);
        }
        for m in &model.models {
            if here(m.auth.as_ref()) {
                return Some(AuthLevel::Model);
            }
            if m.fields.iter().any(|f| here(f.auth.as_deref())) {
                return Some(AuthLevel::Field);
            }
        }
        for schema in &model.schemas {
            for entry in &schema.entries {
                if let TypeDef::Operation(op) = &entry.def
                    && here(op.auth.as_ref())
                {
                    return Some(if op.kind == OperationKind::Conversation {
                        AuthLevel::Conversation
                    } else {
                        AuthLevel::Operation
                    });
                }
            }
        }
        // Not evaluated (half-typed code): read the receiver chain.
        let (_, receiver) = method_of(self.file, call)?;
        self.level_of_receiver(receiver)
    }

    fn level_of_receiver(&self, mut node: Node<'_>) -> Option<AuthLevel> {
        loop {
            match node.kind() {
                "call_expression" => {
                    let function = node.child_by_field_id(field::function())?;
                    let object = function.child_by_field_id(field::object());
                    let property = function.child_by_field_id(field::property());
                    if let (Some(object), Some(property)) = (object, property)
                        && object.kind() == "identifier"
                        && node_text(self.file, object) == "a"
                    {
                        return Some(match node_text(self.file, property) {
                            "model" => AuthLevel::Model,
                            "query" | "mutation" | "subscription" | "generation" => {
                                AuthLevel::Operation
                            }
                            "conversation" => AuthLevel::Conversation,
                            "schema" => AuthLevel::Schema,
                            _ => AuthLevel::Field,
                        });
                    }
                    if property.is_some_and(|p| node_text(self.file, p) == "schema") {
                        return Some(AuthLevel::Schema);
                    }
                    node = object?;
                }
                "member_expression" => {
                    let property = node.child_by_field_id(field::property())?;
                    if let Some(target) = self.name_use(property) {
                        return Some(match target {
                            UseTarget::Field(..) | UseTarget::UnknownField(_) => AuthLevel::Field,
                            _ => AuthLevel::Model,
                        });
                    }
                    node = node.child_by_field_id(field::object())?;
                }
                _ => return None,
            }
        }
    }

    fn name_use(&self, property: Node<'_>) -> Option<&'a UseTarget> {
        self.analysis
            .model
            .name_uses
            .iter()
            .find(|u| Some(u.span.file) == self.file_id && u.span.range == property.byte_range())
            .map(|u| &u.target)
    }

    /// The model whose builder chain encloses `node`: an `a.model(...)` call around it, or a
    /// `models.X` receiver of a call around it.
    fn enclosing_model(&self, node: Node<'_>) -> Option<&'a Model> {
        let analysis = self.analysis;
        let mut current = Some(node);
        while let Some(n) = current {
            if n.kind() == "call_expression"
                && let Some(id) = self.model_of_chain(n)
            {
                return analysis.model.models.get(id.0);
            }
            current = n.parent();
        }
        None
    }

    /// The model a call chain is built on (`a.model({...}).identifier(...)`,
    /// `models.X.authorization(...)`, `models.X.fields.f.authorization(...)`).
    fn model_of_chain(&self, mut node: Node<'_>) -> Option<ModelId> {
        loop {
            match node.kind() {
                "call_expression" => {
                    let function = node.child_by_field_id(field::function())?;
                    if function.kind() != "member_expression" {
                        return None;
                    }
                    let property = function.child_by_field_id(field::property())?;
                    let object = function.child_by_field_id(field::object())?;
                    if node_text(self.file, property) == "model"
                        && node_text(self.file, object) == "a"
                    {
                        let range = property.byte_range();
                        return self
                            .analysis
                            .model
                            .models
                            .iter()
                            .position(|m| {
                                Some(m.span.file) == self.file_id && m.span.range == range
                            })
                            .map(ModelId);
                    }
                    node = function;
                }
                "member_expression" => {
                    let property = node.child_by_field_id(field::property())?;
                    match self.name_use(property) {
                        Some(
                            UseTarget::Model(id)
                            | UseTarget::Field(id, _)
                            | UseTarget::UnknownField(id),
                        ) => {
                            return Some(*id);
                        }
                        _ => node = node.child_by_field_id(field::object())?,
                    }
                }
                _ => return None,
            }
        }
    }
}

/// The node spanning exactly `range` in the tree of `any`.
fn node_at_span<'t>(any: Node<'t>, range: &TextRange) -> Option<Node<'t>> {
    let mut root = any;
    while let Some(p) = root.parent() {
        root = p;
    }
    root.descendant_for_byte_range(range.start, range.end)
}
