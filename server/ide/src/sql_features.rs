//! Editor features inside embedded SQL: `inlineSql` strings (through their source map) and `.sql`
//! files named by `sqlReference`.
//!
//! Every feature first finds the [`SqlSite`] under the cursor: the SQL text, how its bytes map
//! back to the host file, the operation it belongs to and the engine. The cursor's meaning comes
//! from `schemals_sql::context`, which reads tokens rather than a parse, so half-typed SQL answers.
//! Catalog lookups go through `CatalogIndex` (prefix searches over sorted names, foreign-key
//! neighbours), never a scan of every table per keystroke, except for an empty prefix where every
//! table is the answer.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use schemals_catalog::{Catalog, CatalogIndex, Column, Engine, Table, TableKind};
use schemals_sql::context::{self, Clause, CompletionContext, ContextKind, TableInScope};
use schemals_sql::lexical::{self, SqlToken, TokenKind as SqlTokenKind};
use schemals_syntax::model::*;
use schemals_syntax::source_map::MappedText;

use crate::features::*;
use crate::{Diagnostic, IndexedCatalog, TextRange};

/// One SQL text under the cursor.
struct SqlSite<'a> {
    sql: &'a str,
    /// `None` for a `.sql` file, whose offsets are the SQL's.
    map: Option<&'a MappedText>,
    /// For an empty string literal, which maps no byte: the host offset between its quotes.
    empty_at: Option<usize>,
    /// The cursor in the SQL text.
    offset: usize,
    /// The operation whose handler holds the SQL.
    operation: Option<(&'a str, &'a Operation)>,
    engine: Engine,
    catalog: Option<&'a IndexedCatalog>,
}

impl SqlSite<'_> {
    fn to_host(&self, range: TextRange) -> Option<TextRange> {
        match (self.map, self.empty_at) {
            (_, Some(at)) => Some(at..at),
            (Some(map), None) => map.to_host(range),
            (None, None) => Some(range),
        }
    }

    fn catalog(&self) -> Option<(&Catalog, &CatalogIndex)> {
        self.catalog.map(|c| (&*c.catalog, &*c.index))
    }

    fn arguments(&self) -> &[Field] {
        self.operation
            .and_then(|(_, op)| op.arguments.as_deref())
            .unwrap_or(&[])
    }
}

fn engine_of(schema: &Schema, catalog: Option<&IndexedCatalog>) -> Engine {
    schema
        .engine()
        .and_then(Engine::from_amplify_name)
        .or(catalog.map(|c| c.catalog.engine))
        .unwrap_or(Engine::Postgresql)
}

/// Every SQL operation of the model with its handler, first SQL handler only (the one that runs).
fn sql_handlers(
    model: &SchemaModel,
) -> impl Iterator<Item = (&Schema, &str, &Operation, &Handler)> {
    model
        .schemas
        .iter()
        .filter(|s| s.is_sql())
        .flat_map(|schema| {
            schema.entries.iter().filter_map(move |entry| {
                let TypeDef::Operation(op) = &entry.def else {
                    return None;
                };
                let handler = op.sql_handler()?;
                Some((schema, entry.name.text.as_str(), &**op, handler))
            })
        })
}

fn site<'a>(analysis: &Analysis<'a>, path: &Path, offset: usize) -> Option<SqlSite<'a>> {
    let catalog = analysis.catalog;
    if let Some(file_id) = analysis.project.file_id(path) {
        for (schema, name, op, handler) in sql_handlers(analysis.model) {
            let Handler::InlineSql {
                sql: Some(map),
                argument,
                ..
            } = handler
            else {
                continue;
            };
            // The SQL is where its literal is written, which may be another module (a constant).
            // An empty literal (`''`, two bytes) maps nothing: the cursor between its quotes.
            let empty_at = argument
                .as_ref()
                .filter(|a| a.file == file_id && map.text.is_empty() && a.range.len() == 2)
                .map(|a| a.range.start + 1)
                .filter(|&at| at == offset);
            let Some(sql_offset) = map.from_host(file_id, offset).or(empty_at.map(|_| 0)) else {
                continue;
            };
            return Some(SqlSite {
                sql: &map.text,
                map: Some(map),
                empty_at,
                offset: sql_offset,
                operation: Some((name, op)),
                engine: engine_of(schema, catalog),
                catalog: catalog.filter(|c| c.catalog.engine == engine_of(schema, catalog)),
            });
        }
        return None;
    }
    let file = analysis.project.sql_file(path)?;
    let owner = sql_handlers(analysis.model).find(|(_, _, _, handler)| {
        matches!(handler, Handler::SqlReference { resolved: Some(p), .. } if p == path)
    });
    let engine = owner
        .map(|(schema, ..)| engine_of(schema, catalog))
        .or(catalog.map(|c| c.catalog.engine))
        .unwrap_or(Engine::Postgresql);
    Some(SqlSite {
        sql: &file.text,
        map: None,
        empty_at: None,
        offset: offset.min(file.text.len()),
        operation: owner.map(|(_, name, op, _)| (name, op)),
        engine,
        catalog: catalog.filter(|c| c.catalog.engine == engine),
    })
}

/// Whether `offset` in `path` lies in embedded SQL.
pub fn in_sql(analysis: &Analysis<'_>, path: &Path, offset: usize) -> bool {
    site(analysis, path, offset).is_some()
}

// ----- completion -----

const STATEMENT_STARTS: &[&str] = &[
    "SELECT",
    "INSERT INTO",
    "UPDATE",
    "DELETE FROM",
    "WITH",
    "CALL",
];

fn clause_keywords(clause: Clause, kind: &ContextKind) -> &'static [&'static str] {
    match (clause, kind) {
        (Clause::Start, _) => STATEMENT_STARTS,
        (Clause::From | Clause::Into, ContextKind::Keyword) => &[
            "AS",
            "JOIN",
            "LEFT JOIN",
            "INNER JOIN",
            "CROSS JOIN",
            "ON",
            "WHERE",
            "GROUP BY",
            "ORDER BY",
            "LIMIT",
            "VALUES",
            "SET",
            "RETURNING",
        ],
        (Clause::Select, _) => &[
            "FROM", "AS", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END", "NULL",
        ],
        (Clause::Where | Clause::On | Clause::Having, _) => &[
            "AND",
            "OR",
            "NOT",
            "IN",
            "IS NULL",
            "IS NOT NULL",
            "LIKE",
            "BETWEEN",
            "EXISTS",
            "GROUP BY",
            "ORDER BY",
            "LIMIT",
            "RETURNING",
        ],
        (Clause::GroupBy, _) => &["HAVING", "ORDER BY", "LIMIT"],
        (Clause::OrderBy, _) => &[
            "ASC",
            "DESC",
            "NULLS FIRST",
            "NULLS LAST",
            "LIMIT",
            "OFFSET",
        ],
        (Clause::Limit, _) => &["OFFSET"],
        (Clause::Set, _) => &["WHERE", "RETURNING", "DEFAULT", "NULL"],
        (Clause::Values, _) => &["RETURNING", "ON CONFLICT", "DEFAULT", "NULL"],
        (Clause::Returning, _) => &["AS"],
        _ => &["AND", "OR", "NOT", "NULL", "CASE", "AS"],
    }
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

pub fn completions(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Completion> {
    let Some(site) = site(analysis, path, offset) else {
        return Vec::new();
    };
    let Some(cx) = context::completion_context(site.sql, site.offset, site.engine, site.catalog())
    else {
        return Vec::new();
    };
    let Some(replace) = site.to_host(cx.word.clone()) else {
        return Vec::new();
    };
    let mut out = Completer {
        analysis,
        site: &site,
        cx: &cx,
        replace,
        items: Vec::new(),
        seen: HashSet::new(),
    };
    out.complete();
    out.items
}

struct Completer<'s, 'a> {
    analysis: &'s Analysis<'a>,
    site: &'s SqlSite<'a>,
    cx: &'s CompletionContext,
    replace: TextRange,
    items: Vec<Completion>,
    seen: HashSet<(String, CompletionKind)>,
}

impl Completer<'_, '_> {
    fn add(
        &mut self,
        label: String,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
        sort: &str,
    ) {
        if !starts_with_ignoring_case(&label, &self.cx.prefix)
            && !label
                .rsplit('.')
                .next()
                .is_some_and(|last| starts_with_ignoring_case(last, &self.cx.prefix))
        {
            return;
        }
        if !self.seen.insert((label.clone(), kind)) {
            return;
        }
        self.items.push(Completion {
            sort_key: format!("{sort}{}", label.to_lowercase()),
            label,
            kind,
            detail,
            documentation,
            insert_text: None,
            replace: self.replace.clone(),
        });
    }

    fn complete(&mut self) {
        match self.cx.kind.clone() {
            ContextKind::Placeholder => {
                for argument in self.site.arguments() {
                    let detail = Some(field_type_name(argument));
                    self.add(
                        argument.name.text.to_string(),
                        CompletionKind::Argument,
                        detail,
                        None,
                        "0",
                    );
                }
            }
            ContextKind::Member { qualifier } => self.members(&qualifier),
            ContextKind::TableName => self.tables(),
            ContextKind::JoinCondition => {
                self.join_conditions();
                self.expression();
            }
            ContextKind::Expression => self.expression(),
            ContextKind::Keyword => self.keywords(),
        }
    }

    fn keywords(&mut self) {
        for keyword in clause_keywords(self.cx.clause, &self.cx.kind) {
            self.add(
                (*keyword).to_owned(),
                CompletionKind::Keyword,
                None,
                None,
                "4",
            );
        }
    }

    /// The catalog table (or CTE columns) a table of the statement names.
    fn resolve(&self, table: &TableInScope) -> Option<&Table> {
        let (catalog, index) = self.site.catalog()?;
        resolve_table(catalog, index, &table.parts)
    }

    /// The columns of a table, alias or CTE of the statement, with their details.
    fn columns_of(&self, qualifier: &str) -> Option<Vec<(String, Option<String>)>> {
        let cx = self.cx;
        if let Some(table) = cx
            .tables
            .iter()
            .find(|t| t.qualifier().eq_ignore_ascii_case(qualifier))
        {
            if let Some(cte) = cx
                .ctes
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(table.name()))
            {
                return Some(cte.columns.iter().map(|c| (c.clone(), None)).collect());
            }
            let t = self.resolve(table)?;
            return Some(
                t.columns
                    .iter()
                    .map(|c| (c.name.to_string(), Some(column_detail(c))))
                    .collect(),
            );
        }
        if let Some(cte) = cx
            .ctes
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(qualifier))
        {
            return Some(cte.columns.iter().map(|c| (c.clone(), None)).collect());
        }
        None
    }

    fn members(&mut self, qualifier: &str) {
        if let Some(columns) = self.columns_of(qualifier) {
            for (name, detail) in columns {
                self.add(name, CompletionKind::Column, detail, None, "0");
            }
            return;
        }
        // `schema.`: the tables of that schema.
        let Some((catalog, index)) = self.site.catalog() else {
            return;
        };
        let Some(schema) = index.schema_named(qualifier) else {
            return;
        };
        let tables: Vec<&Table> = catalog
            .tables
            .iter()
            .filter(|t| t.schema == schema)
            .collect();
        for table in tables {
            self.add(
                table.name.clone(),
                table_kind(table),
                Some(table_detail(table)),
                None,
                "2",
            );
        }
    }

    fn tables(&mut self) {
        let ctes: Vec<String> = self.cx.ctes.iter().map(|c| c.name.clone()).collect();
        for cte in ctes {
            self.add(
                cte,
                CompletionKind::Table,
                Some("CTE".to_owned()),
                None,
                "0",
            );
        }
        let Some((catalog, index)) = self.site.catalog() else {
            return;
        };
        let computed;
        let items = match self.analysis.cache {
            Some(cache) => cache
                .table_items
                .get_or_init(|| table_items(self.analysis, catalog, index)),
            None => {
                computed = table_items(self.analysis, catalog, index);
                &computed
            }
        };
        // The written prefix may be a schema-qualified name's last part only.
        let prefix = self.cx.prefix.clone();
        for i in index.table_positions_with_prefix(&prefix) {
            let Some(item) = items.get(i) else { continue };
            self.add(
                item.label.clone(),
                item.kind,
                Some(item.detail.clone()),
                item.documentation.clone(),
                item.rank,
            );
        }
    }

    fn join_conditions(&mut self) {
        let Some((catalog, index)) = self.site.catalog() else {
            return;
        };
        // The table just joined: the last one before the cursor.
        let tables: Vec<&TableInScope> = self
            .cx
            .tables
            .iter()
            .filter(|t| t.range.end <= self.cx.word.start)
            .collect();
        let Some((joined, others)) = tables.split_last() else {
            return;
        };
        let Some(right) = resolve_table(catalog, index, &joined.parts) else {
            return;
        };
        let mut conditions = Vec::new();
        for other in others {
            let Some(left) = resolve_table(catalog, index, &other.parts) else {
                continue;
            };
            for (from, from_q, to, to_q) in [
                (right, joined.qualifier(), left, other.qualifier()),
                (left, other.qualifier(), right, joined.qualifier()),
            ] {
                for fk in &from.foreign_keys {
                    if fk.referenced_schema != to.schema || fk.referenced_table != to.name {
                        continue;
                    }
                    let condition = fk
                        .columns
                        .iter()
                        .zip(&fk.referenced_columns)
                        .map(|(c, r)| format!("{from_q}.{c} = {to_q}.{r}"))
                        .collect::<Vec<_>>()
                        .join(" AND ");
                    conditions.push((condition, fk.name.clone()));
                }
            }
        }
        for (condition, name) in conditions {
            self.add(
                condition,
                CompletionKind::Snippet,
                Some(format!("foreign key {name}")),
                None,
                "0",
            );
        }
    }

    fn expression(&mut self) {
        // Columns of every table in scope; a name two tables share is offered qualified.
        let mut columns: Vec<(String, String, Option<String>)> = Vec::new(); // (qualifier, column, detail)
        let tables = self.cx.tables.clone();
        for table in &tables {
            if let Some(list) = self.columns_of(table.qualifier()) {
                for (name, detail) in list {
                    columns.push((table.qualifier().to_owned(), name, detail));
                }
            }
        }
        let shared: HashSet<String> = {
            let mut seen = HashSet::new();
            let mut shared = HashSet::new();
            let mut by_table: HashSet<(String, String)> = HashSet::new();
            for (q, name, _) in &columns {
                if by_table.insert((q.clone(), name.clone())) && !seen.insert(name.clone()) {
                    shared.insert(name.clone());
                }
            }
            shared
        };
        for (qualifier, name, detail) in columns {
            let label = if shared.contains(&name) {
                format!("{qualifier}.{name}")
            } else {
                name
            };
            self.add(label, CompletionKind::Column, detail, None, "1");
        }
        // Functions, once a letter is typed: a catalog holds thousands.
        if !self.cx.prefix.is_empty()
            && let Some((catalog, index)) = self.site.catalog()
        {
            let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
            for function in index
                .functions_with_prefix(catalog, &self.cx.prefix)
                .take(400)
            {
                let signature = format!(
                    "{}({}) → {}",
                    function.name, function.arguments, function.result
                );
                match by_name.iter_mut().find(|(n, _)| *n == function.name) {
                    Some((_, signatures)) => signatures.push(signature),
                    None => by_name.push((function.name.clone(), vec![signature])),
                }
            }
            for (name, signatures) in by_name {
                let detail = signatures.first().cloned();
                let documentation = Some(
                    signatures
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                );
                self.add(name, CompletionKind::Function, detail, documentation, "3");
            }
        }
        self.keywords();
    }
}

fn resolve_table<'c>(
    catalog: &'c Catalog,
    index: &CatalogIndex,
    parts: &[String],
) -> Option<&'c Table> {
    match parts {
        [name] => index
            .resolve_unqualified(catalog, name)
            .or_else(|| index.tables_named_ignoring_case(catalog, name).next()),
        [.., schema, name] => {
            let schema = index.schema_named(schema)?;
            index.table(catalog, schema, name).or_else(|| {
                index
                    .tables_named_ignoring_case(catalog, name)
                    .find(|t| t.schema == schema)
            })
        }
        [] => None,
    }
}

/// A table's name as written in SQL: qualified when its schema is not on the search path or an
/// earlier schema of the path has a table of the same name.
fn table_label(catalog: &Catalog, index: &CatalogIndex, table: &Table) -> String {
    let visible = index
        .resolve_unqualified(catalog, &table.name)
        .is_some_and(|t| t.schema == table.schema);
    if visible {
        table.name.clone()
    } else {
        format!("{}.{}", table.schema, table.name)
    }
}

fn table_kind(table: &Table) -> CompletionKind {
    match table.kind {
        TableKind::View | TableKind::MaterializedView => CompletionKind::View,
        _ => CompletionKind::Table,
    }
}

fn table_detail(table: &Table) -> String {
    let kind = match table.kind {
        TableKind::Table | TableKind::PartitionedTable => "table",
        TableKind::View => "view",
        TableKind::MaterializedView => "materialized view",
        TableKind::ForeignTable => "foreign table",
    };
    format!("{kind} {}.{}", table.schema, table.name)
}

fn column_detail(column: &Column) -> String {
    let null = if column.nullable { "" } else { " not null" };
    format!("{}{null}", column.data_type)
}

fn field_type_name(field: &Field) -> String {
    let base = match &field.ty {
        FieldType::Scalar(s) => s.graphql().to_owned(),
        FieldType::Ref(name) => name.text.to_string(),
        FieldType::Enum(_) => "enum".to_owned(),
        FieldType::CustomType(_) => "input".to_owned(),
        FieldType::Relationship(_) | FieldType::Unknown => "unknown".to_owned(),
    };
    let element = if field.required {
        format!("{base}!")
    } else {
        base
    };
    if field.array {
        let list = format!("[{element}]");
        if field.list_required {
            format!("{list}!")
        } else {
            list
        }
    } else {
        element
    }
}

/// What table completion shows of one catalog table (see [`table_items`]).
#[derive(Debug)]
pub(crate) struct TableItem {
    label: String,
    kind: CompletionKind,
    detail: String,
    documentation: Option<String>,
    rank: &'static str,
}

/// What table completion shows of each table of `catalog` (the snapshot's), by its position in
/// the catalog's table list: the tables behind models first, then their foreign-key neighbours.
fn table_items(analysis: &Analysis<'_>, catalog: &Catalog, index: &CatalogIndex) -> Vec<TableItem> {
    let ranks = TableRanks::new(analysis);
    let backing = sql_models_by_table(analysis);
    catalog
        .tables
        .iter()
        .map(|table| TableItem {
            label: table_label(catalog, index, table),
            kind: table_kind(table),
            detail: table_detail(table),
            documentation: table_is_visible(catalog, index, table)
                .then(|| backing.get(table.name.as_str()))
                .flatten()
                .map(|m| format!("Backs model `{}`", m.name.text)),
            rank: if ranks.is_modelled(table) {
                "0"
            } else if ranks.is_neighbour(table) {
                "1"
            } else {
                "2"
            },
        })
        .collect()
}

/// The tables behind the SQL models of a snapshot, and their foreign-key neighbours: the tables
/// a query most likely names. By schema, then table name, so a candidate is looked up without
/// allocating.
#[derive(Debug, Default)]
pub(crate) struct TableRanks {
    modelled: HashMap<String, HashSet<String>>,
    neighbours: HashMap<String, HashSet<String>>,
}

impl TableRanks {
    fn new(analysis: &Analysis<'_>) -> TableRanks {
        let mut ranks = TableRanks::default();
        let Some(catalog) = analysis.catalog else {
            return ranks;
        };
        let models = model_tables(analysis);
        for (schema, name) in &models {
            for t in catalog
                .index
                .foreign_key_neighbours(&catalog.catalog, schema, name)
            {
                ranks
                    .neighbours
                    .entry(t.schema.clone())
                    .or_default()
                    .insert(t.name.clone());
            }
        }
        for (schema, name) in models {
            ranks.modelled.entry(schema).or_default().insert(name);
        }
        ranks
    }

    fn is_modelled(&self, table: &Table) -> bool {
        self.modelled
            .get(&table.schema)
            .is_some_and(|names| names.contains(&table.name))
    }

    fn is_neighbour(&self, table: &Table) -> bool {
        self.neighbours
            .get(&table.schema)
            .is_some_and(|names| names.contains(&table.name))
    }
}

/// (schema, table) of every model of a SQL schema.
fn model_tables(analysis: &Analysis<'_>) -> Vec<(String, String)> {
    let Some(catalog) = analysis.catalog else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for model in &analysis.model.models {
        let Some(schema) = model.schema.map(|id| analysis.model.schema(id)) else {
            continue;
        };
        if !schema.is_sql() {
            continue;
        }
        if let Some(table) = catalog
            .index
            .resolve_unqualified(&catalog.catalog, &model.table_name().text)
        {
            out.push((table.schema.clone(), table.name.clone()));
        }
    }
    out
}

/// The model backed by a catalog table: a model of a SQL schema whose table name is the table's
/// and whose schema is the first on the search path holding that name.
/// The first SQL model of each table name: what `model_of_table` finds, for many tables at once.
fn sql_models_by_table<'m>(analysis: &Analysis<'m>) -> HashMap<&'m str, &'m Model> {
    let mut out = HashMap::new();
    for model in &analysis.model.models {
        if model
            .schema
            .is_some_and(|id| analysis.model.schema(id).is_sql())
        {
            out.entry(model.table_name().text.as_str()).or_insert(model);
        }
    }
    out
}

/// Whether `table` is the one its unqualified name resolves to (the table a model names).
fn table_is_visible(catalog: &Catalog, index: &CatalogIndex, table: &Table) -> bool {
    index
        .resolve_unqualified(catalog, &table.name)
        .is_some_and(|t| t.schema == table.schema)
}

fn model_of_table<'m>(analysis: &Analysis<'m>, table: &Table) -> Option<&'m Model> {
    let catalog = analysis.catalog?;
    let visible = catalog
        .index
        .resolve_unqualified(&catalog.catalog, &table.name)
        .is_some_and(|t| t.schema == table.schema);
    if !visible {
        return None;
    }
    analysis.model.models.iter().find(|m| {
        m.table_name().text == table.name
            && m.schema
                .is_some_and(|id| analysis.model.schema(id).is_sql())
    })
}

// ----- hover -----

/// What the SQL word under the cursor names.
enum Target<'c> {
    Table(&'c Table),
    Column(&'c Table, &'c Column),
    Functions(Vec<&'c schemals_catalog::Function>),
    Argument(String),
}

fn target_at<'c>(site: &SqlSite<'c>) -> Option<(TextRange, Target<'c>)> {
    let tokens = lexical::tokenize(site.sql, site.engine);
    let index = tokens.iter().position(|t| {
        t.range.start <= site.offset
            && site.offset <= t.range.end
            && t.range.start < t.range.end
            && matches!(t.kind, SqlTokenKind::Identifier | SqlTokenKind::Placeholder)
    })?;
    let token = &tokens[index];
    if token.kind == SqlTokenKind::Placeholder {
        return Some((
            token.range.clone(),
            Target::Argument(token.value.to_string()),
        ));
    }
    let (catalog, cindex) = site.catalog.map(|c| (&c.catalog, &c.index))?;
    let cx = context::completion_context(
        site.sql,
        token.range.start,
        site.engine,
        Some((catalog, cindex)),
    );
    let tables: Vec<TableInScope> = cx.map(|c| c.tables).unwrap_or_default();
    let next = tokens.get(index + 1);
    let qualifier = index
        .checked_sub(2)
        .filter(|&k| tokens[k + 1].is_punct(".") && tokens[k].kind == SqlTokenKind::Identifier)
        .map(|k| &tokens[k]);
    let range = token.range.clone();

    if next.is_some_and(|t| t.is_punct("(")) {
        let functions: Vec<_> = cindex.functions_named(catalog, &token.value).collect();
        if !functions.is_empty() {
            return Some((range, Target::Functions(functions)));
        }
        return None;
    }
    // The name of a table in FROM/JOIN (its last part), or its schema part.
    if let Some(table) = tables
        .iter()
        .find(|t| t.range.start <= range.start && range.end <= t.range.end)
    {
        let end_part = table.range.end == range.end;
        if end_part {
            return resolve_table(catalog, cindex, &table.parts).map(|t| (range, Target::Table(t)));
        }
        return None;
    }
    if let Some(qualifier) = qualifier {
        let table = tables
            .iter()
            .find(|t| t.qualifier().eq_ignore_ascii_case(&qualifier.value))
            .and_then(|t| resolve_table(catalog, cindex, &t.parts))
            .or_else(|| resolve_table(catalog, cindex, &[qualifier.value.to_string()]));
        let table = table?;
        let column = find_column(site.engine, table, &token.value)?;
        return Some((range, Target::Column(table, column)));
    }
    // An alias: the table it stands for.
    if let Some(table) = tables.iter().find(|t| {
        t.alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(&token.value))
    }) {
        return resolve_table(catalog, cindex, &table.parts).map(|t| (range, Target::Table(t)));
    }
    let mut found = tables
        .iter()
        .filter_map(|t| resolve_table(catalog, cindex, &t.parts))
        .filter_map(|t| find_column(site.engine, t, &token.value).map(|c| (t, c)));
    if let Some((table, column)) = found.next() {
        return Some((range, Target::Column(table, column)));
    }
    None
}

fn find_column<'c>(engine: Engine, table: &'c Table, name: &str) -> Option<&'c Column> {
    table.columns.iter().find(|c| match engine {
        Engine::Postgresql => c.name == name,
        Engine::Mysql => c.name.eq_ignore_ascii_case(name),
    })
}

/// The signatures of the catalog function whose argument list holds the cursor, with the argument
/// the cursor is in. Reads tokens, so it works on half-typed SQL.
pub fn signature_help(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Option<SignatureHelp> {
    let site = site(analysis, path, offset)?;
    let (catalog, index) = site.catalog()?;
    let tokens = lexical::tokenize(site.sql, site.engine);
    // Open parentheses before the cursor: the token before each, and the commas seen inside it.
    let mut open: Vec<(Option<usize>, u32)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token.range.start >= site.offset {
            break;
        }
        if token.is_punct("(") {
            open.push((i.checked_sub(1), 0));
        } else if token.is_punct(")") {
            open.pop();
        } else if token.is_punct(",")
            && let Some(top) = open.last_mut()
        {
            top.1 += 1;
        }
    }
    let (name_index, active_parameter) = open.last().copied()?;
    let name = tokens.get(name_index?)?;
    if name.kind != SqlTokenKind::Identifier {
        return None;
    }
    let signatures: Vec<Signature> = index
        .functions_named(catalog, &name.value)
        .take(20)
        .map(|f| {
            let mut label = format!("{}.{}(", f.schema, f.name);
            let mut parameters = Vec::new();
            for (k, argument) in split_arguments(&f.arguments).into_iter().enumerate() {
                if k > 0 {
                    label.push_str(", ");
                }
                let start = label.len();
                label.push_str(argument);
                parameters.push(start..label.len());
            }
            label.push_str(&format!(") → {}", f.result));
            Signature { label, parameters }
        })
        .collect();
    (!signatures.is_empty()).then_some(SignatureHelp {
        signatures,
        active_parameter,
    })
}

/// Splits an argument list as the database prints it at its top-level commas
/// (`numeric(10,2)` stays whole).
fn split_arguments(arguments: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in arguments.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(arguments[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = arguments[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

pub fn hover(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Option<HoverInfo> {
    let site = site(analysis, path, offset)?;
    let (range, target) = target_at(&site)?;
    let markdown = match target {
        Target::Argument(name) => {
            let argument = site.arguments().iter().find(|a| a.name.text == name);
            match argument {
                Some(a) => format!(
                    "```graphql\n{}: {}\n```\nArgument of `{}`, bound by Amplify to `:{}`",
                    a.name.text,
                    field_type_name(a),
                    site.operation.map_or("", |(n, _)| n),
                    a.name.text
                ),
                None => format!(
                    "`:{name}` is not an argument of `{}`",
                    site.operation.map_or("this operation", |(n, _)| n)
                ),
            }
        }
        Target::Table(table) => table_hover(analysis, table),
        Target::Column(table, column) => column_hover(table, column),
        Target::Functions(functions) => functions
            .iter()
            .map(|f| {
                format!(
                    "```sql\n{}.{}({}) RETURNS {}\n```",
                    f.schema, f.name, f.arguments, f.result
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Some(HoverInfo {
        range: site.to_host(range)?,
        markdown,
    })
}

fn table_hover(analysis: &Analysis<'_>, table: &Table) -> String {
    let mut text = format!("```sql\n{}\n```\n", table_detail(table));
    if let Some(model) = model_of_table(analysis, table) {
        text.push_str(&format!("Backs model `{}`\n", model.name.text));
    }
    text.push('\n');
    for column in &table.columns {
        let key = if table.primary_key.iter().any(|k| *k == column.name) {
            ", primary key"
        } else {
            ""
        };
        text.push_str(&format!(
            "- `{}` {}{key}\n",
            column.name,
            column_detail(column)
        ));
    }
    text
}

fn column_hover(table: &Table, column: &Column) -> String {
    let mut text = format!(
        "```sql\n{}.{}.{} {}\n```\n",
        table.schema, table.name, column.name, column.data_type
    );
    text.push_str(if column.nullable {
        "nullable"
    } else {
        "not null"
    });
    if let Some(default) = &column.default {
        text.push_str(&format!(", default `{default}`"));
    }
    if table.primary_key.iter().any(|k| *k == column.name) {
        text.push_str(", primary key");
    }
    for fk in &table.foreign_keys {
        if let Some(i) = fk.columns.iter().position(|c| *c == column.name) {
            let target = fk.referenced_columns.get(i).map_or("", String::as_str);
            text.push_str(&format!(
                ", references `{}.{}({target})`",
                fk.referenced_schema, fk.referenced_table
            ));
        }
    }
    text
}

// ----- definition -----

pub fn definition(analysis: &Analysis<'_>, path: &Path, offset: usize) -> Vec<Location> {
    let Some(site) = site(analysis, path, offset) else {
        return Vec::new();
    };
    let Some((_, target)) = target_at(&site) else {
        return Vec::new();
    };
    let location = |span: &Span| Location {
        path: analysis.project.file(span.file).path.clone(),
        range: span.range.clone(),
    };
    match target {
        Target::Table(table) => model_of_table(analysis, table)
            .map(|m| location(&m.table_name().span))
            .into_iter()
            .collect(),
        Target::Column(table, column) => model_of_table(analysis, table)
            .and_then(|m| m.field(&column.name))
            .map(|f| location(&f.name.span))
            .into_iter()
            .collect(),
        Target::Argument(name) => site
            .arguments()
            .iter()
            .find(|a| a.name.text == name)
            .map(|a| location(&a.name.span))
            .into_iter()
            .collect(),
        Target::Functions(_) => Vec::new(),
    }
}

/// From the path of `a.handler.sqlReference('./x.sql')` to the file it names.
pub fn reference_definition(
    analysis: &Analysis<'_>,
    path: &Path,
    offset: usize,
) -> Option<Location> {
    let file = analysis.project.file_id(path)?;
    sql_handlers(analysis.model).find_map(|(_, _, _, handler)| match handler {
        Handler::SqlReference {
            path: Some(written),
            resolved: Some(resolved),
            ..
        } if written.span.file == file
            && written.span.range.start <= offset
            && offset <= written.span.range.end
            && analysis.project.sql_file(resolved).is_some() =>
        {
            Some(Location {
                path: resolved.clone(),
                range: 0..0,
            })
        }
        _ => None,
    })
}

// ----- code actions -----

/// "Format SQL" on an `inlineSql` string or a `.sql` file. The literal keeps its quotes and its
/// shape: a multi-line template literal gets the formatted statement over several lines at the
/// indentation of its first line, a one-line string stays one line. Offered only where formatting
/// loses nothing (see `schemals_sql::format`) and the literal maps byte for byte (no escapes, no
/// concatenation, no `${}`).
pub fn code_actions(
    analysis: &Analysis<'_>,
    path: &Path,
    range: TextRange,
    diagnostics: &[Diagnostic],
) -> Vec<CodeAction> {
    let _ = diagnostics;
    let Some(site) = site(analysis, path, range.start) else {
        return Vec::new();
    };
    let edit = match site.map {
        None => format_file(site.sql, site.engine).map(|new_text| TextEdit {
            path: path.to_path_buf(),
            range: 0..site.sql.len(),
            new_text,
        }),
        Some(map) => format_literal(analysis, path, map, site.engine),
    };
    edit.into_iter()
        .map(|edit| CodeAction {
            title: "Format SQL".to_owned(),
            kind: "refactor.rewrite",
            edits: vec![edit],
            fixes: None,
            preferred: false,
        })
        .collect()
}

fn format_file(sql: &str, engine: Engine) -> Option<String> {
    let mut text = schemals_sql::format(sql, engine, true)?;
    if sql.ends_with('\n') {
        text.push('\n');
    }
    (text != sql).then_some(text)
}

fn format_literal(
    analysis: &Analysis<'_>,
    path: &Path,
    map: &MappedText,
    engine: Engine,
) -> Option<TextEdit> {
    let file = analysis.project.find(path)?;
    let host = map.to_host(0..map.text.len())?;
    let quote = file.text.get(host.start.checked_sub(1)?..host.start)?;
    // Verbatim only: the host bytes are the SQL's, between a pair of quotes.
    if file.text.get(host.clone())? != map.text
        || file.text.get(host.end..host.end + 1)? != quote
        || !matches!(quote, "'" | "\"" | "`")
    {
        return None;
    }
    let inner = map.text.as_str();
    let body = inner.trim();
    let leading = &inner[..inner.len() - inner.trim_start().len()];
    let trailing = &inner[inner.trim_end().len()..];
    let new_inner = if quote == "`" && leading.contains('\n') {
        let indent = leading.rsplit('\n').next().unwrap_or("");
        let pretty = schemals_sql::format(body, engine, true)?;
        let lines: Vec<&str> = pretty.lines().collect();
        format!("{leading}{}{trailing}", lines.join(&format!("\n{indent}")))
    } else {
        let compact = schemals_sql::format(body, engine, false)?;
        format!("{leading}{compact}{trailing}")
    };
    let needs_escape = match quote {
        "`" => new_inner.contains('`') || new_inner.contains("${") || new_inner.contains('\\'),
        q => new_inner.contains(q) || new_inner.contains('\\') || new_inner.contains('\n'),
    };
    if needs_escape || new_inner == inner {
        return None;
    }
    Some(TextEdit {
        path: path.to_path_buf(),
        range: host,
        new_text: new_inner,
    })
}

// ----- semantic tokens -----

pub fn semantic_tokens(analysis: &Analysis<'_>, path: &Path) -> Vec<SemanticToken> {
    let Some(file_id) = analysis.project.file_id(path) else {
        return Vec::new();
    };
    let text = &analysis.project.file(file_id).text;
    let mut out = Vec::new();
    for (schema, _, _, handler) in sql_handlers(analysis.model) {
        let Handler::InlineSql { sql: Some(map), .. } = handler else {
            continue;
        };
        // Where the SQL is written, which is not always the handler's file (a constant).
        if map.host_file() != Some(file_id) {
            continue;
        }
        let engine = engine_of(schema, analysis.catalog);
        let tokens = lexical::tokenize(&map.text, engine);
        for (i, token) in tokens.iter().enumerate() {
            let Some(kind) = token_kind(&tokens, i) else {
                continue;
            };
            let Some(host) = map.to_host(token.range.clone()) else {
                continue;
            };
            // One token per line: LSP clients need not support multi-line tokens.
            let mut start = host.start;
            while start < host.end {
                let end = text
                    .get(start..host.end)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(host.end, |i| start + i);
                if end > start {
                    out.push(SemanticToken {
                        range: start..end,
                        kind,
                    });
                }
                start = end + 1;
            }
        }
    }
    out.sort_by_key(|t| t.range.start);
    out
}

fn token_kind(tokens: &[SqlToken], i: usize) -> Option<TokenKind> {
    let token = &tokens[i];
    Some(match token.kind {
        SqlTokenKind::Keyword => TokenKind::Keyword,
        SqlTokenKind::Number => TokenKind::Number,
        SqlTokenKind::String => TokenKind::String,
        SqlTokenKind::Comment => TokenKind::Comment,
        SqlTokenKind::Placeholder => TokenKind::Parameter,
        SqlTokenKind::Punct => {
            if matches!(token.value.as_str(), "," | "(" | ")" | ";" | ".") {
                return None;
            }
            TokenKind::Operator
        }
        SqlTokenKind::Unknown => return None,
        SqlTokenKind::Identifier => {
            let next = tokens.get(i + 1);
            let previous = i.checked_sub(1).map(|k| &tokens[k]);
            if next.is_some_and(|t| t.is_punct("(")) {
                TokenKind::Function
            } else if previous.is_some_and(|t| {
                ["FROM", "JOIN", "INTO", "UPDATE", "TABLE"]
                    .iter()
                    .any(|k| t.is_keyword(k))
            }) || (previous.is_some_and(|t| t.is_punct("."))
                && i >= 2
                && tokens[i - 2].kind == SqlTokenKind::Identifier
                && i >= 3
                && ["FROM", "JOIN", "INTO", "UPDATE"]
                    .iter()
                    .any(|k| tokens[i - 3].is_keyword(k)))
            {
                TokenKind::Table
            } else {
                TokenKind::Column
            }
        }
    })
}
