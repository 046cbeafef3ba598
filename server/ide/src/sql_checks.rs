//! Checks of the SQL of a custom operation against the operation itself: the `:name` placeholders
//! against `.arguments(...)`, the result columns against the `.returns(...)` type, and the
//! characters Amplify's resolver template does not escape. Amplify checks none of this: every
//! mismatch surfaces at run time as a null field or a generic error.
//!
//! The result columns come from the database's own description of the statement when the catalog
//! holds one (`schemals introspect` stores it, keyed by a hash of the SQL text), otherwise from
//! the static analysis of `schemals-sql`. Every check stays quiet where a set it needs is not known
//! whole (arguments, result columns, the fields of the return type).
//!
//! A statement the database refused to prepare when it was described is reported with the
//! database's own reason, unless schemals' SQL analysis already reports an error in it (the same
//! mistake said twice) or the refusal was about the describing session rather than the text (a
//! missing privilege, a timeout: see `StatementDescription::refused_text`). The description is of
//! the exact text: an edited statement has none until it is described again.

use std::ops::Range;
use std::path::Path;

use schemals_catalog::{Column, Engine, StatementDescription, StatementToDescribe};
use schemals_sql::lexical::{SqlToken, TokenKind};
use schemals_sql::{SqlAnalysis, StatementKind};
use schemals_syntax::model::*;
use schemals_syntax::source_map::MappedText;

use crate::{AnalysisMemo, Diagnostic, IndexedCatalog, Project, Severity};

pub mod codes {
    pub const UNDECLARED_PLACEHOLDER: &str = "sql-undeclared-placeholder";
    pub const UNUSED_ARGUMENT: &str = "sql-unused-argument";
    pub const PLACEHOLDER_TYPE: &str = "sql-placeholder-type-mismatch";
    pub const FIELD_NOT_FILLED: &str = "sql-field-not-filled";
    pub const COLUMN_NOT_RECEIVED: &str = "sql-column-not-received";
    pub const COLUMN_TYPE: &str = "sql-column-type-mismatch";
    pub const NULLABLE_COLUMN: &str = "sql-nullable-column";
    pub const RETURNS_NOT_ARRAY: &str = "sql-returns-not-array";
    pub const VTL_UNSAFE: &str = "sql-vtl-unsafe-character";
    pub const DATABASE_REFUSED: &str = "sql-database-refused";
}

/// Where the SQL text lives: a string literal of a TypeScript file, or a `.sql` file.
pub(crate) enum Host<'a> {
    /// A string literal (or literals joined by `+`) of a TypeScript file, not always the file
    /// of the handler: the SQL may be a constant imported from another module.
    Inline {
        file: FileId,
        map: &'a MappedText,
    },
    /// Literals of several files joined: every diagnostic goes on the handler's argument.
    Joined {
        at: Span,
    },
    File {
        path: &'a Path,
    },
}

/// The SQL a handler runs, non-empty, with where it is written: the complete text of an
/// `inlineSql` literal, or the file of an `sqlReference` that the project holds. The one
/// selection of what the checks analyse (see [`crate::checks`] for the analyses done ahead).
pub(crate) fn handler_sql<'a>(
    project: &'a Project,
    handler: &'a Handler,
) -> Option<(&'a str, Host<'a>)> {
    let (sql, host) = match handler {
        Handler::InlineSql {
            span,
            sql,
            argument,
        } => {
            let map = sql.as_ref().filter(|s| s.complete)?;
            let host = match map.host_file() {
                Some(file) => Host::Inline { file, map },
                None => Host::Joined {
                    at: argument.clone().unwrap_or_else(|| span.clone()),
                },
            };
            (map.text.as_str(), host)
        }
        Handler::SqlReference {
            resolved: Some(path),
            ..
        } => {
            let file = project.sql_file(path)?;
            (&*file.text, Host::File { path: &file.path })
        }
        _ => return None,
    };
    (!sql.trim().is_empty()).then_some((sql, host))
}

struct Ctx<'a> {
    project: &'a Project,
    model: &'a SchemaModel,
    entries: &'a crate::entries::Entries<'a>,
    catalog: Option<&'a IndexedCatalog>,
    engine: Engine,
    operation: &'a str,
    op: &'a Operation,
    schema: SchemaId,
    sql: &'a str,
    /// The database's description of `sql`, if it has described it.
    description: Option<&'a StatementDescription>,
    host: Host<'a>,
    out: Vec<Diagnostic>,
}

/// The diagnostics of the first SQL handler of operation `name`; called for that handler only.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_handler(
    project: &Project,
    model: &SchemaModel,
    entries: &crate::entries::Entries<'_>,
    catalog: Option<&IndexedCatalog>,
    memo: &AnalysisMemo,
    schema: &Schema,
    name: &str,
    op: &Operation,
    handler: &Handler,
    engine: Option<Engine>,
) -> Vec<Diagnostic> {
    if !schema.is_sql() || schema.opaque {
        return Vec::new();
    }
    let Some(engine) = engine else {
        return Vec::new();
    };
    let Some(schema_id) = model
        .schemas
        .iter()
        .position(|s| std::ptr::eq(s, schema))
        .map(SchemaId)
    else {
        return Vec::new();
    };
    let Some((sql, host)) = handler_sql(project, handler) else {
        return Vec::new();
    };
    let catalog = catalog.filter(|c| c.catalog.engine == engine);
    let mut cx = Ctx {
        project,
        model,
        entries,
        catalog,
        engine,
        operation: name,
        op,
        schema: schema_id,
        sql,
        description: catalog.and_then(|c| c.statement(sql)),
        host,
        out: Vec::new(),
    };
    let facts = memo.sql(sql, engine, catalog);
    cx.placeholders(&facts.analysis, &facts.tokens);
    cx.result_shape(&facts.analysis, &facts.tokens);
    cx.vtl_characters(&facts.tokens);
    cx.database_refusal(&facts.analysis, &facts.tokens);
    cx.out
}

impl<'a> Ctx<'a> {
    fn push_sql(
        &mut self,
        range: Range<usize>,
        severity: Severity,
        code: &'static str,
        message: String,
    ) {
        let (path, range) = match &self.host {
            Host::Inline { file, map } => {
                let Some(range) = map.to_host(range) else {
                    return;
                };
                (self.project.file(*file).path.clone(), range)
            }
            Host::Joined { at } => (self.project.file(at.file).path.clone(), at.range.clone()),
            Host::File { path } => (path.to_path_buf(), range),
        };
        self.out.push(Diagnostic {
            path,
            range,
            severity,
            code,
            message,
        });
    }

    fn push_span(&mut self, span: &Span, severity: Severity, code: &'static str, message: String) {
        self.out.push(Diagnostic {
            path: self.project.file(span.file).path.clone(),
            range: span.range.clone(),
            severity,
            code,
            message,
        });
    }

    // ----- the database's word -----

    fn database_refusal(&mut self, analysis: &SqlAnalysis, tokens: &[SqlToken]) {
        let Some(description) = self.description else {
            return;
        };
        let Some(reason) = description
            .error
            .as_ref()
            .filter(|_| description.refused_text())
        else {
            return;
        };
        // Several statements cannot be prepared as one (a driver may still send them together
        // unprepared): not a refusal of the text itself.
        if analysis.statements.len() > 1 {
            return;
        }
        if analysis
            .diagnostics
            .iter()
            .any(|d| d.severity == schemals_sql::Severity::Error)
        {
            return;
        }
        // The token where the database placed the error, else the whole text.
        let range = description
            .error_offset
            .and_then(|at| tokens.iter().find(|t| t.range.end > at))
            .map(|t| t.range.clone())
            .unwrap_or_else(|| {
                let start = self.sql.len() - self.sql.trim_start().len();
                start..self.sql.trim_end().len().max(start)
            });
        self.push_sql(
            range,
            Severity::Error,
            codes::DATABASE_REFUSED,
            format!("The database refused this statement: {reason}"),
        );
    }

    // ----- placeholders -----

    fn placeholders(&mut self, analysis: &SqlAnalysis, tokens: &[SqlToken]) {
        let Some(arguments) = &self.op.arguments else {
            // No `.arguments(...)`: every placeholder is undeclared, if the chain was read whole.
            if self.op.arguments_complete {
                for p in &analysis.placeholders {
                    let message = format!(
                        "Placeholder :{} is not an argument of {}: it has no .arguments()",
                        p.name, self.operation
                    );
                    self.push_sql(
                        p.range.clone(),
                        Severity::Error,
                        codes::UNDECLARED_PLACEHOLDER,
                        message,
                    );
                }
            }
            return;
        };
        if self.op.arguments_complete {
            for p in &analysis.placeholders {
                if arguments.iter().any(|a| a.name.text == p.name) {
                    continue;
                }
                let names: Vec<&str> = arguments.iter().map(|a| a.name.text.as_str()).collect();
                let hint = closest(&p.name, &names)
                    .map(|n| format!("; did you mean :{n}?"))
                    .unwrap_or_default();
                let message = format!(
                    "Placeholder :{} is not an argument of {}{hint}",
                    p.name, self.operation
                );
                self.push_sql(
                    p.range.clone(),
                    Severity::Error,
                    codes::UNDECLARED_PLACEHOLDER,
                    message,
                );
            }
        }
        for argument in arguments {
            if !analysis
                .placeholders
                .iter()
                .any(|p| p.name == argument.name.text)
            {
                let message = format!(
                    "Argument {} is never used in the SQL of {}: Amplify binds arguments only to :{} placeholders",
                    argument.name.text, self.operation, argument.name.text
                );
                self.push_span(
                    &argument.name.span,
                    Severity::Warning,
                    codes::UNUSED_ARGUMENT,
                    message,
                );
            }
        }
        self.placeholder_types(analysis, tokens, arguments);
    }

    /// `column = :argument` (any comparison, either side, `SET column = :argument`) and
    /// `INSERT INTO t (columns) VALUES (:arguments)` where the types cannot meet.
    fn placeholder_types(
        &mut self,
        analysis: &SqlAnalysis,
        tokens: &[SqlToken],
        arguments: &[Field],
    ) {
        let Some(catalog) = self.catalog else { return };
        // MySQL converts between strings, numbers and dates to compare them: any pair can match.
        if self.engine == Engine::Mysql {
            return;
        }
        let tables: Vec<&schemals_catalog::Table> = analysis
            .tables
            .iter()
            .filter_map(|t| t.resolved.as_ref())
            .filter_map(|(schema, name)| catalog.index.table(&catalog.catalog, schema, name))
            .collect();
        if tables.is_empty() {
            return;
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new(); // (placeholder token, column token)
        for (i, token) in tokens.iter().enumerate() {
            if token.kind != TokenKind::Placeholder {
                continue;
            }
            // A cast after the placeholder decides its type.
            if tokens.get(i + 1).is_some_and(|t| t.is_punct("::")) {
                continue;
            }
            let is_comparison = |t: &SqlToken| {
                t.kind == TokenKind::Punct
                    && matches!(
                        t.value.as_str(),
                        "=" | "<>" | "!=" | "<" | ">" | "<=" | ">="
                    )
            };
            if i >= 2 && is_comparison(&tokens[i - 1]) && plain_column(tokens, i - 2, false) {
                pairs.push((i, i - 2));
            } else if tokens.get(i + 1).is_some_and(is_comparison)
                && plain_column(tokens, i + 2, true)
            {
                pairs.push((i, i + 2));
            }
        }
        pairs.extend(insert_pairs(tokens));
        for (p, c) in pairs {
            let placeholder = &tokens[p];
            let Some(argument) = arguments.iter().find(|a| a.name.text == placeholder.value) else {
                continue;
            };
            let FieldType::Scalar(scalar) = argument.ty else {
                continue;
            };
            if argument.array {
                continue;
            }
            let column_name = &tokens[c].value;
            let mut columns = tables.iter().filter_map(|t| {
                t.columns
                    .iter()
                    .find(|col| column_matches(self.engine, &col.name, column_name))
            });
            let Some(column) = columns.next() else {
                continue;
            };
            let class = column_class(self.engine, column);
            // An ambiguous name whose columns differ in kind: no telling which one it is.
            if columns.any(|other| column_class(self.engine, other) != class) {
                continue;
            }
            if argument_cannot_match(scalar, class) {
                let message = format!(
                    "Argument {} is {} but column \"{}\" is {}: the values cannot match",
                    argument.name.text,
                    scalar.graphql(),
                    column.name,
                    column.data_type
                );
                self.push_sql(
                    placeholder.range.clone(),
                    Severity::Warning,
                    codes::PLACEHOLDER_TYPE,
                    message,
                );
            }
        }
    }

    // ----- result shape -----

    fn result_shape(&mut self, analysis: &SqlAnalysis, tokens: &[SqlToken]) {
        let Some(returns) = &self.op.returns else {
            return;
        };
        let Some(statement) = analysis.statements.last() else {
            return;
        };
        let returns_rows = statement.returns_rows == Some(true);
        let Some(target) = self.return_type(returns) else {
            return;
        };
        if returns_rows && !returns.array {
            let message = format!(
                "The SQL of {} returns rows, which Amplify always returns as a list: use .returns(a.ref('{}').array())",
                self.operation, target.name
            );
            self.push_span(
                &returns.span,
                Severity::Warning,
                codes::RETURNS_NOT_ARRAY,
                message,
            );
        }
        if !returns_rows {
            return;
        }
        let description = self.description.filter(|d| d.error.is_none());
        let columns = match description {
            Some(d) => described_columns(d),
            None => match self.static_columns(statement) {
                Some(columns) => columns,
                None => return,
            },
        };
        let statement_tokens: Vec<&SqlToken> = tokens
            .iter()
            .filter(|t| {
                t.range.start >= statement.range.start && t.range.end <= statement.range.end
            })
            .collect();
        let column_range = |name: &str| -> Range<usize> {
            select_list_token(&statement_tokens, name).unwrap_or_else(|| {
                statement_tokens
                    .first()
                    .map_or(statement.range.clone(), |t| t.range.clone())
            })
        };

        // Fields no column fills.
        if target.complete {
            for field in target.fields {
                // Only fields a column can fill directly: a nested type (`a.ref('Location')`) comes
                // from a JSON column or not at all, which is a design choice, not a typo.
                if !matches!(field.ty, FieldType::Scalar(_) | FieldType::Enum(_)) {
                    continue;
                }
                if columns.iter().any(|c| c.name == field.name.text) {
                    continue;
                }
                let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                let hint = closest(&field.name.text, &names)
                    .map(|n| format!("; did you mean to alias \"{n}\" AS {}?", field.name.text))
                    .unwrap_or_default();
                let consequence = if field.required {
                    "every request fails because the field is required"
                } else {
                    "it is always null"
                };
                let message = format!(
                    "No result column fills field {} of {}: {consequence}{hint}",
                    field.name.text, target.name
                );
                let span = target.field_span(field);
                self.push_span(&span, Severity::Warning, codes::FIELD_NOT_FILLED, message);
            }
        }
        for column in &columns {
            let field = target.fields.iter().find(|f| f.name.text == column.name);
            let Some(field) = field else {
                if target.complete {
                    let message = format!(
                        "Result column \"{}\" has no field in {}: its value is dropped",
                        column.name, target.name
                    );
                    self.push_sql(
                        column_range(&column.name),
                        Severity::Information,
                        codes::COLUMN_NOT_RECEIVED,
                        message,
                    );
                }
                continue;
            };
            let FieldType::Scalar(scalar) = field.ty else {
                continue;
            };
            if field.array {
                continue;
            }
            if let Some(class) = column.class
                && column_cannot_convert(class, scalar)
            {
                let message = format!(
                    "Result column \"{}\" is {} but field {}.{} is {}: the value cannot convert",
                    column.name,
                    column.type_name,
                    target.name,
                    field.name.text,
                    scalar.graphql()
                );
                self.push_sql(
                    column_range(&column.name),
                    Severity::Warning,
                    codes::COLUMN_TYPE,
                    message,
                );
            }
            if field.required
                && column.nullable == Some(true)
                && mentions(&statement_tokens, &column.source_name) == 1
            {
                let message = format!(
                    "Result column \"{}\" can be null but field {}.{} is required: a null fails the whole request",
                    column.name, target.name, field.name.text
                );
                self.push_sql(
                    column_range(&column.name),
                    Severity::Warning,
                    codes::NULLABLE_COLUMN,
                    message,
                );
            }
        }
    }

    /// The result columns the static analysis knows, all of them, with catalog types.
    fn static_columns(&self, statement: &schemals_sql::StatementInfo) -> Option<Vec<ResultColumn>> {
        if statement.kind == StatementKind::Unparsed {
            return None;
        }
        let output = statement.output.as_ref().filter(|o| o.complete)?;
        let catalog = self.catalog;
        Some(
            output
                .names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let column: Option<&Column> = output
                        .sources
                        .get(i)
                        .and_then(Option::as_ref)
                        .zip(catalog)
                        .and_then(|(source, c)| {
                            c.index
                                .table(&c.catalog, &source.schema, &source.table)?
                                .column(&source.column)
                        });
                    ResultColumn {
                        name: name.clone(),
                        source_name: column.map_or_else(|| name.clone(), |c| c.name.to_string()),
                        type_name: column.map_or_else(String::new, |c| c.data_type.to_string()),
                        class: column.map(|c| column_class(self.engine, c)),
                        nullable: column.map(|c| c.nullable),
                    }
                })
                .collect(),
        )
    }

    /// The object type `.returns(...)` names, with its fields.
    fn return_type<'r>(&self, returns: &'r Returns) -> Option<ReturnType<'r>>
    where
        'a: 'r,
    {
        match &returns.ty {
            FieldType::CustomType(t) => Some(ReturnType {
                name: format!("{}ReturnType", capitalize(self.operation)),
                fields: &t.fields,
                complete: t.complete,
                model_ref: None,
            }),
            FieldType::Ref(name) => {
                for id in self.model.ref_scope(self.schema) {
                    let Some(entry) = self.entries.get(id, &name.text) else {
                        continue;
                    };
                    return match &entry.def {
                        TypeDef::Model(m) => {
                            let model = self.model.model(*m);
                            Some(ReturnType {
                                name: name.text.to_string(),
                                fields: &model.fields,
                                complete: model.fields_complete && !model.opaque,
                                model_ref: Some(name.span.clone()),
                            })
                        }
                        TypeDef::CustomType(t) => Some(ReturnType {
                            name: name.text.to_string(),
                            fields: &t.fields,
                            complete: t.complete,
                            model_ref: None,
                        }),
                        _ => None,
                    };
                }
                None
            }
            _ => None,
        }
    }

    // ----- VTL -----

    /// Amplify pastes the SQL between double quotes of a VTL `#set` without escaping: a `"` ends
    /// the string, `$name` and `#directive` are VTL code.
    ///
    /// Comments are left out: the usual reason for a quote there is prose, and a diagnostic on it
    /// would be noise next to the ones on code.
    fn vtl_characters(&mut self, tokens: &[SqlToken]) {
        let sql = self.sql;
        let in_comment = |i: usize| {
            tokens
                .iter()
                .any(|t| t.kind == TokenKind::Comment && t.range.contains(&i))
        };
        for (i, c) in sql.char_indices() {
            if matches!(c, '"' | '$' | '#') && in_comment(i) {
                continue;
            }
            let why = match c {
                '"' => "a double quote ends the VTL string Amplify puts the SQL in",
                '$' => "VTL reads $ as the start of a variable reference",
                '#' => "VTL reads # as the start of a directive or comment",
                _ => continue,
            };
            let message = format!(
                "Amplify's resolver template does not escape '{c}' in SQL: {why}; the statement may break at run time"
            );
            self.push_sql(i..i + 1, Severity::Warning, codes::VTL_UNSAFE, message);
        }
    }
}

struct ReturnType<'a> {
    name: String,
    fields: &'a [Field],
    complete: bool,
    /// For a model, where `.returns` names it: findings go there rather than into the generated
    /// file.
    model_ref: Option<Span>,
}

impl ReturnType<'_> {
    fn field_span(&self, field: &Field) -> Span {
        self.model_ref
            .clone()
            .unwrap_or_else(|| field.name.span.clone())
    }
}

struct ResultColumn {
    name: String,
    /// The name of the catalog column behind it (for the null heuristics), else its own name.
    source_name: String,
    type_name: String,
    class: Option<TypeClass>,
    nullable: Option<bool>,
}

fn described_columns(description: &StatementDescription) -> Vec<ResultColumn> {
    description
        .columns
        .iter()
        .map(|c| ResultColumn {
            name: c.name.clone(),
            source_name: c.name.clone(),
            type_name: c.data_type.to_lowercase(),
            class: Some(type_class(&c.data_type, false)),
            nullable: c.nullable,
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a database type holds, as far as GraphQL conversion cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeClass {
    Integer,
    Decimal,
    Boolean,
    Text,
    Uuid,
    Date,
    Time,
    DateTime,
    Json,
    Other,
}

pub(crate) fn column_class(engine: Engine, column: &Column) -> TypeClass {
    if column.is_array() {
        return TypeClass::Other;
    }
    if !column.enum_values.is_empty() {
        return TypeClass::Text;
    }
    let class = type_class(&column.udt_name, engine == Engine::Mysql);
    // MySQL `tinyint(1)` is how MySQL spells boolean.
    if engine == Engine::Mysql
        && class == TypeClass::Integer
        && column.data_type.starts_with("tinyint(1)")
    {
        return TypeClass::Boolean;
    }
    class
}

/// The class of a type name: a PostgreSQL `udt_name`, a MySQL `DATA_TYPE`, or a driver's type
/// name from a statement description (either case).
fn type_class(name: &str, mysql: bool) -> TypeClass {
    let name = name.to_ascii_lowercase();
    let name = name.split(['(', ' ']).next().unwrap_or("");
    match name {
        "int2" | "int4" | "int8" | "smallint" | "integer" | "bigint" | "int" | "tinyint"
        | "mediumint" | "year" | "bit" | "serial" | "bigserial" | "smallserial" => {
            if mysql && name == "bit" {
                TypeClass::Other
            } else {
                TypeClass::Integer
            }
        }
        "float4" | "float8" | "numeric" | "decimal" | "real" | "double" | "float" | "money" => {
            TypeClass::Decimal
        }
        "bool" | "boolean" => TypeClass::Boolean,
        "text" | "varchar" | "bpchar" | "char" | "name" | "citext" | "tinytext" | "mediumtext"
        | "longtext" | "enum" | "set" | "character" => TypeClass::Text,
        "uuid" => TypeClass::Uuid,
        "date" => TypeClass::Date,
        "time" | "timetz" => TypeClass::Time,
        "timestamp" | "timestamptz" | "datetime" => TypeClass::DateTime,
        "json" | "jsonb" => TypeClass::Json,
        _ => TypeClass::Other,
    }
}

/// Whether a column of `class` certainly cannot become a value of the GraphQL scalar. Quiet for
/// conversions AppSync or the driver may make (anything into a string, integers into floats).
fn column_cannot_convert(class: TypeClass, scalar: Scalar) -> bool {
    use TypeClass::*;
    match scalar {
        Scalar::Integer | Scalar::Timestamp => {
            matches!(class, Decimal | Text | Uuid | Date | Time | DateTime | Json)
        }
        Scalar::Float => matches!(class, Text | Uuid | Date | Time | DateTime | Json),
        Scalar::Boolean => matches!(class, Decimal | Text | Uuid | Date | Time | DateTime | Json),
        Scalar::Date | Scalar::DateTime | Scalar::Time => matches!(class, Decimal | Boolean | Json),
        _ => false,
    }
}

/// Whether an argument of the scalar type can never equal a value of the column.
fn argument_cannot_match(scalar: Scalar, class: TypeClass) -> bool {
    use TypeClass::*;
    match scalar {
        Scalar::Integer | Scalar::Float | Scalar::Timestamp => {
            matches!(class, Text | Uuid | Date | Time | DateTime | Boolean)
        }
        Scalar::Boolean => matches!(class, Text | Uuid | Date | Time | DateTime | Decimal),
        Scalar::Date | Scalar::DateTime | Scalar::Time => {
            matches!(class, Integer | Decimal | Boolean)
        }
        _ => false,
    }
}

fn column_matches(engine: Engine, stored: &str, written: &str) -> bool {
    match engine {
        Engine::Postgresql => stored == written,
        Engine::Mysql => stored.eq_ignore_ascii_case(written),
    }
}

/// Whether token `i` is a column reference on its own (`col` or `t.col`), not part of a cast,
/// a function call or a longer expression. `after_operator`: the column follows the comparison.
fn plain_column(tokens: &[SqlToken], i: usize, after_operator: bool) -> bool {
    let Some(token) = tokens.get(i) else {
        return false;
    };
    if token.kind != TokenKind::Identifier {
        return false;
    }
    let after = tokens.get(i + 1);
    if after.is_some_and(|t| t.is_punct("(") || t.is_punct("::") || t.is_punct(".")) {
        return false;
    }
    let before = i.checked_sub(1).and_then(|k| tokens.get(k));
    match before {
        Some(t) if t.is_punct("::") => false,
        Some(t) if t.is_punct(".") => {
            // `t.col`: the qualifier must not itself be qualified or cast.
            i >= 2 && tokens[i - 2].kind == TokenKind::Identifier
        }
        Some(_) if after_operator => true,
        Some(t) if t.kind == TokenKind::Punct => {
            matches!(t.value.as_str(), "(" | "," | "=")
        }
        _ => true,
    }
}

/// `INSERT INTO t (a, b) VALUES (:x, :y)`: (placeholder token, column token) pairs for values
/// that are a lone placeholder.
fn insert_pairs(tokens: &[SqlToken]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let Some(values) = tokens.iter().position(|t| t.is_keyword("VALUES")) else {
        return pairs;
    };
    let Some(into) = tokens[..values].iter().position(|t| t.is_keyword("INTO")) else {
        return pairs;
    };
    let Some(open) = tokens[into..values].iter().position(|t| t.is_punct("(")) else {
        return pairs;
    };
    let columns: Vec<Option<usize>> = split_list(tokens, into + open + 1, values);
    if tokens.get(values + 1).is_none_or(|t| !t.is_punct("(")) {
        return pairs;
    }
    let values_list = split_list(tokens, values + 2, tokens.len());
    if columns.len() != values_list.len() {
        return pairs;
    }
    for (column, value) in columns.into_iter().zip(values_list) {
        if let (Some(c), Some(v)) = (column, value)
            && tokens[c].kind == TokenKind::Identifier
            && tokens[v].kind == TokenKind::Placeholder
        {
            pairs.push((v, c));
        }
    }
    pairs
}

/// The items of a parenthesized list starting at `start` (after the `(`): for each item, the
/// index of its token when it is a single token.
fn split_list(tokens: &[SqlToken], start: usize, limit: usize) -> Vec<Option<usize>> {
    let mut items = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().take(limit).skip(start) {
        if t.kind == TokenKind::Comment {
            continue;
        }
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            if depth == 0 {
                items.push(if current.len() == 1 {
                    current.first().copied()
                } else {
                    None
                });
                return items;
            }
            depth -= 1;
        } else if t.is_punct(",") && depth == 0 {
            items.push(if current.len() == 1 {
                current.first().copied()
            } else {
                None
            });
            current.clear();
            continue;
        }
        current.push(i);
    }
    Vec::new()
}

/// The token naming result column `name` in the select list (or `RETURNING` list): the last
/// match at the top level, which is the alias when there is one.
fn select_list_token(tokens: &[&SqlToken], name: &str) -> Option<Range<usize>> {
    let mut depth = 0i32;
    let returning = tokens.iter().position(|t| t.is_keyword("RETURNING"));
    let start = returning.map_or(0, |i| i + 1);
    let mut top = None;
    let mut nested = None;
    for t in &tokens[start.min(tokens.len())..] {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if depth == 0 && t.is_keyword("FROM") {
            break;
        } else if t.kind == TokenKind::Identifier && t.value.eq_ignore_ascii_case(name) {
            if depth == 0 {
                top = Some(t.range.clone());
            } else if nested.is_none() {
                nested = Some(t.range.clone());
            }
        }
    }
    top.or(nested)
}

/// How often a column name occurs as a word in the statement: once means only in the select list,
/// so no condition (`IS NOT NULL`, `= :x`, a join) can have ruled its nulls out.
fn mentions(tokens: &[&SqlToken], name: &str) -> usize {
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Identifier && t.value.eq_ignore_ascii_case(name))
        .count()
}

/// The candidate closest to `name` when it looks like a typo of it.
fn closest<'n>(name: &str, candidates: &[&'n str]) -> Option<&'n str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d > 0 && *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// Every SQL text of the project, once each, for the database to describe: the first SQL handler
/// of each operation of a SQL schema, inline (read whole) or from its `.sql` file.
pub fn project_statements(project: &Project, model: &SchemaModel) -> Vec<StatementToDescribe> {
    project_statements_where(project, model, |_| true)
}

/// The SQL texts of the project that `wanted` accepts (it sees each text once), with their
/// placeholders: the others are not analysed.
pub fn project_statements_where(
    project: &Project,
    model: &SchemaModel,
    mut wanted: impl FnMut(&str) -> bool,
) -> Vec<StatementToDescribe> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for schema in model.schemas.iter().filter(|s| s.is_sql()) {
        let engine = schema
            .engine()
            .and_then(Engine::from_amplify_name)
            .unwrap_or(Engine::Postgresql);
        for entry in &schema.entries {
            let TypeDef::Operation(op) = &entry.def else {
                continue;
            };
            let Some(handler) = op.sql_handler() else {
                continue;
            };
            let Some((sql, _)) = handler_sql(project, handler) else {
                continue;
            };
            if seen.contains(&sql) {
                continue;
            }
            seen.push(sql);
            if !wanted(sql) {
                continue;
            }
            let placeholders = schemals_sql::analyze(sql, engine, None)
                .placeholders
                .into_iter()
                .map(|p| (p.name, p.range))
                .collect();
            out.push(StatementToDescribe {
                sql: sql.to_owned(),
                placeholders,
            });
        }
    }
    out
}
