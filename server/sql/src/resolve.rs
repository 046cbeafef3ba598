//! Name resolution: tables against the catalog, columns against the tables in scope.
//!
//! Every `FROM` item becomes a [`Relation`]: the name that qualifies its columns and its columns,
//! known (a catalog table, a CTE, a derived table whose select list can be named) or not (a table
//! function, `VALUES`, a table missing from the catalog). Scopes nest like the queries: a subquery
//! sees the relations of the queries around it. A column that no relation has is reported only when
//! every relation of every enclosing scope has known columns; otherwise the analysis stays quiet.

use std::ops::Range;

use schemals_catalog::{Catalog, CatalogIndex, Engine, Table};
use sqlparser::ast::{
    AccessExpr, Assignment, AssignmentTarget, CastKind, ConflictTarget, CreateTable, CreateView,
    Delete, Distinct, Expr, FromTable, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, GroupByExpr, Ident, InTarget, Insert,
    JoinConstraint, JoinOperator, NamedWindowExpr, ObjectName, ObjectNamePart, OnConflictAction,
    OnInsert, OrderBy, OrderByKind, Query, Select, SelectItem, SelectItemQualifiedWildcardKind,
    SetExpr, Statement, Subscript, TableAlias, TableFactor, TableObject, TableWithJoins, Update,
    UpdateTableFromKind, WindowSpec, WindowType,
};
use sqlparser::keywords::ALL_KEYWORDS;
use sqlparser::tokenizer::Span;

use crate::text::PositionMap;
use crate::{ColumnSource, OutputColumns, Severity, SqlDiagnostic, StatementKind, TableRef, codes};

/// How deep the analysis follows nested expressions and queries before it gives up (quietly). The
/// parser's own limit keeps real nesting far below; this bounds left-deep operator chains.
const MAX_DEPTH: usize = 160;

/// Words that read as a column but are not one when no column has that name.
const NOT_COLUMNS: &[&str] = &[
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "false",
    "localtime",
    "localtimestamp",
    "null",
    "session_user",
    "system_user",
    "true",
    "unknown",
    "user",
    "utc_date",
    "utc_time",
    "utc_timestamp",
];

pub(crate) struct Summary {
    pub(crate) kind: StatementKind,
    pub(crate) returns_rows: Option<bool>,
    pub(crate) output: Option<OutputColumns>,
}

/// The columns of a relation or the result of a query.
#[derive(Debug, Clone, Default)]
struct Cols {
    names: Vec<String>,
    /// Parallel to `names`: the catalog column each one passes through unchanged, if any.
    sources: Vec<Option<ColumnSource>>,
    /// False when more columns may exist than `names` lists.
    complete: bool,
}

impl Cols {
    fn unknown() -> Cols {
        Cols::default()
    }

    fn known(names: Vec<String>) -> Cols {
        Cols {
            sources: vec![None; names.len()],
            names,
            complete: true,
        }
    }

    fn push(&mut self, name: String, source: Option<ColumnSource>) {
        self.names.push(name);
        self.sources.push(source);
    }

    fn source(&self, index: usize) -> Option<&ColumnSource> {
        self.sources.get(index).and_then(Option::as_ref)
    }

    fn extend(&mut self, other: &Cols) {
        for (i, name) in other.names.iter().enumerate() {
            self.push(name.clone(), other.source(i).cloned());
        }
        self.complete &= other.complete;
    }

    /// Renames column `index`, or adds it; a renamed column keeps its source.
    fn rename(&mut self, index: usize, name: String) {
        match self.names.get_mut(index) {
            Some(slot) => *slot = name,
            None => self.push(name, None),
        }
    }
}

impl From<Cols> for OutputColumns {
    fn from(cols: Cols) -> OutputColumns {
        let mut sources = cols.sources;
        sources.resize(cols.names.len(), None);
        OutputColumns {
            names: cols.names,
            sources,
            complete: cols.complete,
        }
    }
}

/// An item of a `FROM` clause (or the target of DML), as its columns are seen.
#[derive(Debug, Clone)]
struct Relation {
    /// The name that qualifies its columns: the alias, else the table's name; `None` for a subquery
    /// without alias.
    name: Option<String>,
    /// The schema of an unaliased table, for `schema.table.column`.
    schema: Option<String>,
    /// The table's own name when an alias hides it, for a hint.
    hidden_name: Option<String>,
    /// How messages name it.
    display: String,
    cols: Cols,
}

impl Relation {
    fn unknown(name: Option<String>) -> Relation {
        Relation {
            display: name.clone().unwrap_or_default(),
            name,
            schema: None,
            hidden_name: None,
            cols: Cols::unknown(),
        }
    }
}

#[derive(Default)]
struct Scope<'s> {
    parent: Option<&'s Scope<'s>>,
    relations: Vec<Relation>,
    /// CTEs defined at this level.
    ctes: Vec<(String, Cols)>,
    /// Select-list names usable in ORDER BY, GROUP BY, HAVING and DISTINCT ON.
    aliases: Vec<String>,
    /// Something the analysis does not model is in scope: any name may resolve.
    opaque: bool,
}

impl Scope<'_> {
    fn child(&self) -> Scope<'_> {
        Scope {
            parent: Some(self),
            ..Scope::default()
        }
    }

    fn levels(&self) -> impl Iterator<Item = &Scope<'_>> {
        std::iter::successors(Some(self), |s| s.parent)
    }
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    /// Select-list aliases may be used (ORDER BY, GROUP BY, HAVING).
    aliases: bool,
    /// Inside a function's arguments, where some functions take bare keywords
    /// (`TIMESTAMPDIFF(MONTH, a, b)`).
    fn_args: bool,
}

/// A table created by an earlier statement of the same text (`CREATE TEMP TABLE`, `CREATE VIEW`),
/// or altered by one, which makes its columns unknown.
struct Created {
    schema: Option<String>,
    name: String,
    cols: Cols,
}

enum Lookup<'c> {
    Catalog(&'c Table),
    Known(Cols),
    Unknown,
}

pub(crate) struct Analyzer<'a> {
    engine: Engine,
    catalog: Option<(&'a Catalog, &'a CatalogIndex)>,
    map: &'a PositionMap<'a>,
    diagnostics: Vec<SqlDiagnostic>,
    tables: Vec<TableRef>,
    created: Vec<Created>,
    depth: usize,
}

impl<'a> Analyzer<'a> {
    pub(crate) fn new(
        engine: Engine,
        catalog: Option<(&'a Catalog, &'a CatalogIndex)>,
        map: &'a PositionMap<'a>,
    ) -> Analyzer<'a> {
        Analyzer {
            engine,
            catalog,
            map,
            diagnostics: Vec::new(),
            tables: Vec::new(),
            created: Vec::new(),
            depth: 0,
        }
    }

    pub(crate) fn finish(self) -> (Vec<SqlDiagnostic>, Vec<TableRef>) {
        (self.diagnostics, self.tables)
    }

    fn pg(&self) -> bool {
        self.engine == Engine::Postgresql
    }

    // ---- statements ----

    pub(crate) fn statement(&mut self, statement: &Statement) -> Summary {
        self.depth = 0;
        let root = Scope::default();
        let rows = |output: Option<Cols>| (Some(output.is_some()), output.map(OutputColumns::from));
        let (kind, (returns_rows, output)) = match statement {
            Statement::Query(query) => {
                let kind = match &*query.body {
                    SetExpr::Insert(_) => StatementKind::Insert,
                    SetExpr::Update(_) => StatementKind::Update,
                    SetExpr::Delete(_) => StatementKind::Delete,
                    _ => StatementKind::Query,
                };
                let cols = self.query(query, &root);
                let returns = kind == StatementKind::Query || dml_returns_rows(&query.body);
                (kind, rows(returns.then_some(cols)))
            }
            Statement::Insert(insert) => (StatementKind::Insert, rows(self.insert(insert, &root))),
            Statement::Update(update) => (StatementKind::Update, rows(self.update(update, &root))),
            Statement::Delete(delete) => (StatementKind::Delete, rows(self.delete(delete, &root))),
            Statement::Call(_) => (StatementKind::Call, (None, None)),
            Statement::CreateTable(create) => {
                self.create_table(create, &root);
                (StatementKind::Other, (Some(false), None))
            }
            Statement::CreateView(view) => {
                self.create_view(view, &root);
                (StatementKind::Other, (Some(false), None))
            }
            Statement::AlterTable(alter) => {
                // Later statements may use columns it adds: forget what is known of the table.
                if let Some((schema, name)) = self.split_name(&alter.name) {
                    self.created.push(Created {
                        schema,
                        name,
                        cols: Cols::unknown(),
                    });
                }
                (StatementKind::Other, (Some(false), None))
            }
            Statement::Explain { statement, .. } => {
                self.statement(statement);
                (StatementKind::Other, (Some(true), None))
            }
            _ => (StatementKind::Other, (None, None)),
        };
        Summary {
            kind,
            returns_rows,
            output,
        }
    }

    fn create_table(&mut self, create: &CreateTable, scope: &Scope) {
        let mut cols = match &create.query {
            Some(query) => self.query(query, scope),
            None if create.like.is_some() || create.clone.is_some() => Cols::unknown(),
            None => Cols::known(Vec::new()),
        };
        if !create.columns.is_empty() {
            let names = create
                .columns
                .iter()
                .map(|c| self.ident_name(&c.name))
                .collect();
            let complete = cols.complete || create.query.is_none();
            cols = Cols::known(names);
            cols.complete = complete;
        }
        // `IF NOT EXISTS` may leave an existing table, with other columns, in place.
        cols.complete &= !create.if_not_exists;
        if let Some((schema, name)) = self.split_name(&create.name) {
            self.created.push(Created { schema, name, cols });
        }
    }

    fn create_view(&mut self, view: &CreateView, scope: &Scope) {
        let mut cols = self.query(&view.query, scope);
        for (i, column) in view.columns.iter().enumerate() {
            let name = self.ident_name(&column.name);
            cols.rename(i, name);
        }
        if let Some((schema, name)) = self.split_name(&view.name) {
            self.created.push(Created { schema, name, cols });
        }
    }

    /// A table name written as an expression (`SELECT ... INTO t`).
    fn split_expr_name(&self, expr: &Expr) -> Option<(Option<String>, String)> {
        let mut parts: Vec<String> = match expr {
            Expr::Identifier(ident) => vec![self.ident_name(ident)],
            Expr::CompoundIdentifier(idents) => idents.iter().map(|i| self.ident_name(i)).collect(),
            _ => return None,
        };
        let last = parts.pop()?;
        Some((parts.pop(), last))
    }

    /// Splits a written table name into (schema, name), normalized.
    fn split_name(&self, name: &ObjectName) -> Option<(Option<String>, String)> {
        let parts = self.name_parts(name)?;
        let mut normalized: Vec<String> = parts.iter().map(|p| self.ident_name(p)).collect();
        let last = normalized.pop()?;
        Some((normalized.pop(), last))
    }

    fn insert(&mut self, insert: &Insert, outer: &Scope) -> Option<Cols> {
        let mut target = match &insert.table {
            TableObject::TableName(name) => self.table_relation(name, outer),
            _ => Relation::unknown(None),
        };
        if let Some(alias) = &insert.table_alias {
            target.hidden_name = target.name.take();
            target.name = Some(self.ident_name(&alias.alias));
            target.schema = None;
        }
        let targets = Scope {
            relations: vec![target.clone()],
            ..Scope::default()
        };
        for column in &insert.columns {
            self.set_target(column, &targets, &targets);
        }

        let mut plain_values = false;
        if let Some(source) = &insert.source {
            match &*source.body {
                SetExpr::Values(values) if source.with.is_none() => {
                    plain_values = true;
                    // MySQL lets VALUES read columns of the row being inserted; PostgreSQL does not.
                    let mut scope = outer.child();
                    if !self.pg() {
                        scope.relations.push(target.clone());
                    }
                    for row in &values.rows {
                        for value in &row.content {
                            self.expr(value, &scope, Ctx::default());
                        }
                    }
                }
                _ => {
                    self.query(source, outer);
                }
            }
        }

        // MySQL `INSERT INTO t SET a = 1`.
        if !insert.assignments.is_empty() {
            let mut scope = outer.child();
            scope.relations.push(target.clone());
            self.assignments(&insert.assignments, &targets, &scope);
        }

        match &insert.on {
            Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                let mut scope = outer.child();
                scope.relations.push(target.clone());
                if let Some(aliases) = &insert.insert_alias
                    && let Some((_, row_alias)) = self.split_name(&aliases.row_alias)
                {
                    let cols = match &aliases.col_aliases {
                        Some(columns) if !columns.is_empty() => {
                            Cols::known(columns.iter().map(|c| self.ident_name(c)).collect())
                        }
                        _ => target.cols.clone(),
                    };
                    scope.relations.push(Relation {
                        display: row_alias.clone(),
                        name: Some(row_alias),
                        schema: None,
                        hidden_name: None,
                        cols,
                    });
                }
                // After `INSERT ... SELECT`, the SELECT's columns may be used too.
                scope.opaque = !plain_values && insert.source.is_some();
                self.assignments(assignments, &targets, &scope);
            }
            Some(OnInsert::OnConflict(on_conflict)) => {
                let mut scope = outer.child();
                scope.relations.push(target.clone());
                if let Some(ConflictTarget::Columns { columns, predicate }) =
                    &on_conflict.conflict_target
                {
                    for column in columns {
                        self.column_ref(std::slice::from_ref(column), &targets, Ctx::default());
                    }
                    if let Some(predicate) = predicate {
                        self.expr(predicate, &scope, Ctx::default());
                    }
                }
                if let OnConflictAction::DoUpdate(update) = &on_conflict.action {
                    scope.relations.push(Relation {
                        name: Some("excluded".to_owned()),
                        display: "excluded".to_owned(),
                        schema: None,
                        hidden_name: None,
                        cols: target.cols.clone(),
                    });
                    self.assignments(&update.assignments, &targets, &scope);
                    if let Some(selection) = &update.selection {
                        self.expr(selection, &scope, Ctx::default());
                    }
                }
            }
            _ => {}
        }

        let returning = insert.returning.as_ref()?;
        let mut scope = outer.child();
        scope.relations.push(target.clone());
        self.add_old_new(&mut scope, &target);
        Some(self.select_items(returning, &scope))
    }

    /// PostgreSQL 18 `RETURNING old.x, new.x`.
    fn add_old_new(&self, scope: &mut Scope, target: &Relation) {
        if self.pg() {
            for name in ["old", "new"] {
                scope.relations.push(Relation {
                    name: Some(name.to_owned()),
                    // Not named in messages: they only mirror the target.
                    display: String::new(),
                    schema: None,
                    hidden_name: None,
                    cols: target.cols.clone(),
                });
            }
        }
    }

    fn assignments(&mut self, assignments: &[Assignment], targets: &Scope, scope: &Scope) {
        for assignment in assignments {
            match &assignment.target {
                AssignmentTarget::ColumnName(name) => self.set_target(name, targets, scope),
                AssignmentTarget::Tuple(names) => {
                    for name in names {
                        self.set_target(name, targets, scope);
                    }
                }
            }
            self.expr(&assignment.value, scope, Ctx::default());
        }
    }

    /// A column being written: in an INSERT column list or on the left of `SET`. `t.col` (MySQL
    /// multi-table UPDATE) names a relation; `col.field` (a PostgreSQL composite) names a column.
    fn set_target(&mut self, name: &ObjectName, targets: &Scope, scope: &Scope) {
        let Some(parts) = self.name_parts(name) else {
            return;
        };
        let Some(first) = parts.first() else {
            return;
        };
        if parts.len() >= 2 && self.find_relation(scope, &self.ident_name(first)).is_some() {
            self.column_ref(&[(*first).clone(), parts[1].clone()], scope, Ctx::default());
        } else {
            self.column_ref(std::slice::from_ref(*first), targets, Ctx::default());
        }
    }

    fn update(&mut self, update: &Update, outer: &Scope) -> Option<Cols> {
        let mut relations = Vec::new();
        let mut opaque = false;
        self.table_with_joins(&update.table, outer, &mut relations, &mut opaque);
        // PostgreSQL sets columns of the target only; MySQL of any table of the UPDATE clause.
        let target_count = if self.pg() {
            relations.len().min(1)
        } else {
            relations.len()
        };
        let mut from_tables: &[TableWithJoins] = &[];
        if let Some(UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from)) =
            &update.from
        {
            from_tables = from;
            for item in from {
                self.table_with_joins(item, outer, &mut relations, &mut opaque);
            }
        }
        let targets = Scope {
            relations: relations[..target_count].to_vec(),
            opaque,
            ..Scope::default()
        };
        let mut scope = outer.child();
        scope.relations = relations;
        scope.opaque = opaque;
        self.join_constraints(std::slice::from_ref(&update.table), &scope);
        self.join_constraints(from_tables, &scope);

        self.assignments(&update.assignments, &targets, &scope);
        if let Some(selection) = &update.selection {
            self.expr(selection, &scope, Ctx::default());
        }
        for order in &update.order_by {
            self.expr(&order.expr, &scope, Ctx::default());
        }
        let returning = update.returning.as_ref()?;
        if let Some(target) = targets.relations.first() {
            let target = target.clone();
            self.add_old_new(&mut scope, &target);
        }
        Some(self.select_items(returning, &scope))
    }

    fn delete(&mut self, delete: &Delete, outer: &Scope) -> Option<Cols> {
        let mut relations = Vec::new();
        let mut opaque = false;
        let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
        // MySQL `DELETE FROM t1 USING t1 JOIN t2`: the FROM list names tables of USING.
        let from_names_using = !self.pg() && delete.using.is_some();
        if !from_names_using {
            for item in from {
                self.table_with_joins(item, outer, &mut relations, &mut opaque);
            }
        }
        let using: &[TableWithJoins] = delete.using.as_deref().unwrap_or(&[]);
        for item in using {
            self.table_with_joins(item, outer, &mut relations, &mut opaque);
        }
        let mut scope = outer.child();
        let target = relations.first().cloned();
        scope.relations = relations;
        scope.opaque = opaque;
        if !from_names_using {
            self.join_constraints(from, &scope);
        }
        self.join_constraints(using, &scope);
        if let Some(selection) = &delete.selection {
            self.expr(selection, &scope, Ctx::default());
        }
        for order in &delete.order_by {
            self.expr(&order.expr, &scope, Ctx::default());
        }
        let returning = delete.returning.as_ref()?;
        if let Some(target) = target {
            self.add_old_new(&mut scope, &target);
        }
        Some(self.select_items(returning, &scope))
    }

    // ---- queries ----

    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        true
    }

    fn query(&mut self, query: &Query, outer: &Scope) -> Cols {
        if !self.enter() {
            return Cols::unknown();
        }
        let cols = self.query_inner(query, outer);
        self.depth -= 1;
        cols
    }

    fn query_inner(&mut self, query: &Query, outer: &Scope) -> Cols {
        let mut ctes: Vec<(String, Cols)> = Vec::new();
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = self.ident_name(&cte.alias.name);
                let mut visible = Scope {
                    parent: Some(outer),
                    ctes: ctes.clone(),
                    ..Scope::default()
                };
                if with.recursive {
                    visible.ctes.push((name.clone(), Cols::unknown()));
                }
                let cols = self.query(&cte.query, &visible);
                let cols = self.rename_columns(cols, &cte.alias);
                ctes.push((name, cols));
            }
        }
        let mut scope = outer.child();
        scope.ctes = ctes;
        self.set_expr(&query.body, &scope, query.order_by.as_ref())
    }

    fn set_expr(&mut self, body: &SetExpr, scope: &Scope, order_by: Option<&OrderBy>) -> Cols {
        match body {
            SetExpr::Select(select) => self.select(select, scope, order_by),
            SetExpr::Query(query) => {
                let cols = self.query(query, scope);
                self.order_by_output(order_by, &cols, scope);
                cols
            }
            SetExpr::SetOperation { left, right, .. } => {
                let cols = self.set_expr(left, scope, None);
                self.set_expr(right, scope, None);
                self.order_by_output(order_by, &cols, scope);
                cols
            }
            SetExpr::Values(values) => {
                for row in &values.rows {
                    for value in &row.content {
                        self.expr(value, scope, Ctx::default());
                    }
                }
                Cols::unknown()
            }
            SetExpr::Insert(Statement::Insert(insert)) => {
                self.insert(insert, scope).unwrap_or_default()
            }
            SetExpr::Update(Statement::Update(update)) => {
                self.update(update, scope).unwrap_or_default()
            }
            SetExpr::Delete(Statement::Delete(delete)) => {
                self.delete(delete, scope).unwrap_or_default()
            }
            SetExpr::Table(table) => {
                let parts: Vec<Ident> = [&table.schema_name, &table.table_name]
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect();
                if parts.is_empty() {
                    return Cols::unknown();
                }
                self.table_relation(&ObjectName::from(parts), scope).cols
            }
            _ => Cols::unknown(),
        }
    }

    /// ORDER BY after a set operation or a parenthesized query: it sees the result columns.
    fn order_by_output(&mut self, order_by: Option<&OrderBy>, cols: &Cols, scope: &Scope) {
        let Some(OrderBy {
            kind: OrderByKind::Expressions(orders),
            ..
        }) = order_by
        else {
            return;
        };
        let mut output = scope.child();
        output.relations.push(Relation {
            name: None,
            schema: None,
            hidden_name: None,
            display: String::new(),
            cols: cols.clone(),
        });
        for order in orders {
            self.expr(&order.expr, &output, Ctx::default());
        }
    }

    fn select(&mut self, select: &Select, outer: &Scope, order_by: Option<&OrderBy>) -> Cols {
        let mut relations = Vec::new();
        let mut opaque = !select.lateral_views.is_empty() || !select.connect_by.is_empty();
        for item in &select.from {
            self.table_with_joins(item, outer, &mut relations, &mut opaque);
        }
        let mut scope = outer.child();
        scope.relations = relations;
        scope.opaque = opaque;
        self.join_constraints(&select.from, &scope);

        let output = self.select_items(&select.projection, &scope);
        scope.aliases = output.names.clone();
        let with_aliases = Ctx {
            aliases: true,
            fn_args: false,
        };

        if let Some(Distinct::On(exprs)) = &select.distinct {
            for expr in exprs {
                self.expr(expr, &scope, with_aliases);
            }
        }
        if let Some(selection) = &select.selection {
            self.expr(selection, &scope, Ctx::default());
        }
        if let Some(prewhere) = &select.prewhere {
            self.expr(prewhere, &scope, Ctx::default());
        }
        if let GroupByExpr::Expressions(exprs, _) = &select.group_by {
            for expr in exprs {
                self.expr(expr, &scope, with_aliases);
            }
        }
        if let Some(having) = &select.having {
            self.expr(having, &scope, with_aliases);
        }
        if let Some(qualify) = &select.qualify {
            self.expr(qualify, &scope, with_aliases);
        }
        for window in &select.named_window {
            if let NamedWindowExpr::WindowSpec(spec) = &window.1 {
                self.window_spec(spec, &scope, with_aliases);
            }
        }
        for expr in select.cluster_by.iter().chain(&select.distribute_by) {
            self.expr(expr, &scope, with_aliases);
        }
        for order in &select.sort_by {
            self.expr(&order.expr, &scope, with_aliases);
        }
        if let Some(OrderBy {
            kind: OrderByKind::Expressions(orders),
            ..
        }) = order_by
        {
            for order in orders {
                self.expr(&order.expr, &scope, with_aliases);
            }
        }
        // PostgreSQL `SELECT ... INTO new_table`.
        if let Some(into) = &select.into
            && self.pg()
            && let [target] = into.targets.as_slice()
            && let Some((schema, name)) = self.split_expr_name(target)
        {
            self.created.push(Created {
                schema,
                name,
                cols: output.clone(),
            });
        }
        output
    }

    /// Checks a select list (or RETURNING list) and names its columns.
    fn select_items(&mut self, items: &[SelectItem], scope: &Scope) -> Cols {
        let mut output = Cols::known(Vec::new());
        for item in items {
            match item {
                SelectItem::UnnamedExpr(expr) => {
                    self.expr(expr, scope, Ctx::default());
                    match self.output_name(expr) {
                        Some(name) => output.push(name, self.column_source(expr, scope)),
                        None => output.complete = false,
                    }
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    self.expr(expr, scope, Ctx::default());
                    output.push(self.ident_name(alias), self.column_source(expr, scope));
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    self.expr(expr, scope, Ctx::default());
                    for alias in aliases {
                        output.push(self.ident_name(alias), None);
                    }
                    output.complete = false;
                }
                SelectItem::Wildcard(_) => {
                    output.complete &= !scope.opaque;
                    for relation in &scope.relations {
                        output.extend(&relation.cols);
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(name) => {
                        match self.qualified_wildcard(name, scope) {
                            Some(cols) => output.extend(&cols),
                            None => output.complete = false,
                        }
                    }
                    SelectItemQualifiedWildcardKind::Expr(expr) => {
                        self.expr(expr, scope, Ctx::default());
                        output.complete = false;
                    }
                },
            }
        }
        output
    }

    /// The name the database gives an unaliased select-list expression, when it is sure.
    fn output_name(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Identifier(ident) => Some(self.ident_name(ident)),
            Expr::CompoundIdentifier(idents) => idents.last().map(|i| self.ident_name(i)),
            Expr::Nested(inner) if self.pg() => self.output_name(inner),
            Expr::Cast {
                expr,
                kind: CastKind::Cast | CastKind::DoubleColon,
                ..
            } if self.pg() => match &**expr {
                Expr::Identifier(_) | Expr::CompoundIdentifier(_) => self.output_name(expr),
                _ => None,
            },
            Expr::Function(function) if self.pg() => match function.name.0.last() {
                Some(ObjectNamePart::Identifier(ident)) => Some(self.ident_name(ident)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The catalog column a select-list expression passes through unchanged: a bare or qualified
    /// column reference that resolves to exactly one column of the relations in scope.
    fn column_source(&self, expr: &Expr, scope: &Scope) -> Option<ColumnSource> {
        match expr {
            Expr::Nested(inner) => self.column_source(inner, scope),
            Expr::Identifier(ident) => {
                let name = self.ident_name(ident);
                let mut found = None;
                for relation in &scope.relations {
                    for (i, column) in relation.cols.names.iter().enumerate() {
                        if self.column_eq(column, &name) {
                            if found.is_some() {
                                return None;
                            }
                            found = Some(relation.cols.source(i).cloned());
                        }
                    }
                }
                found.flatten()
            }
            Expr::CompoundIdentifier(idents) => {
                let [qualifier, column] = idents.as_slice() else {
                    return None;
                };
                let relation = self.find_relation(scope, &self.ident_name(qualifier))?;
                let name = self.ident_name(column);
                let index = relation
                    .cols
                    .names
                    .iter()
                    .position(|c| self.column_eq(c, &name))?;
                relation.cols.source(index).cloned()
            }
            _ => None,
        }
    }

    /// `t.*`: the columns of `t`, after checking that `t` is in scope.
    fn qualified_wildcard(&mut self, name: &ObjectName, scope: &Scope) -> Option<Cols> {
        let parts = self.name_parts(name)?;
        let [qualifier] = parts.as_slice() else {
            return None;
        };
        let qualifier_name = self.ident_name(qualifier);
        if let Some(relation) = self.find_relation(scope, &qualifier_name) {
            return Some(relation.cols.clone());
        }
        self.unknown_qualifier(qualifier, &qualifier_name, scope);
        None
    }

    // ---- FROM ----

    fn table_with_joins(
        &mut self,
        item: &TableWithJoins,
        outer: &Scope,
        relations: &mut Vec<Relation>,
        opaque: &mut bool,
    ) {
        let start = relations.len();
        self.table_factor(&item.relation, outer, relations, opaque);
        for join in &item.joins {
            let left_end = relations.len();
            self.table_factor(&join.relation, outer, relations, opaque);
            let constraint = join_constraint(&join.join_operator);
            if let Some(JoinConstraint::Using(columns) | JoinConstraint::UsingAlias(columns, _)) =
                constraint
            {
                let (left, right) = relations[start..].split_at(left_end - start);
                for column in columns {
                    if let Some(parts) = self.name_parts(column)
                        && let [ident] = parts.as_slice()
                    {
                        self.using_column(ident, right);
                        self.using_column(ident, left);
                    }
                }
            }
            if let Some(JoinConstraint::UsingAlias(_, alias)) = constraint {
                // PostgreSQL `JOIN ... USING (id) AS j`: `j` names the join columns.
                relations.push(Relation::unknown(Some(self.ident_name(alias))));
            }
        }
    }

    /// A `USING (col)` column must exist on each side of the join.
    fn using_column(&mut self, ident: &Ident, side: &[Relation]) {
        if self.catalog.is_none() || side.iter().any(|r| !r.cols.complete) {
            return;
        }
        let name = self.ident_name(ident);
        if side.iter().any(|r| self.has_column(&r.cols, &name)) {
            return;
        }
        let message = format!(
            "Column \"{name}\" does not exist in {}",
            describe(side.iter().map(|r| r.display.as_str()))
        );
        self.report(ident.span, codes::UNKNOWN_COLUMN, Severity::Error, message);
    }

    /// A scope for the arguments of a table function or a LATERAL subquery: the FROM items before
    /// it. PostgreSQL treats functions in FROM as LATERAL.
    fn lateral<'s>(outer: &'s Scope<'s>, relations: &[Relation], opaque: bool) -> Scope<'s> {
        Scope {
            parent: Some(outer),
            relations: relations.to_vec(),
            opaque,
            ..Scope::default()
        }
    }

    fn table_factor(
        &mut self,
        factor: &TableFactor,
        outer: &Scope,
        relations: &mut Vec<Relation>,
        opaque: &mut bool,
    ) {
        let fn_args = Ctx {
            aliases: false,
            fn_args: true,
        };
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if let Some(args) = args {
                    let scope = Self::lateral(outer, relations, *opaque);
                    for arg in &args.args {
                        self.function_arg(arg, &scope, fn_args);
                    }
                    let name = self.split_name(name).map(|(_, name)| name);
                    relations.push(self.with_alias(Relation::unknown(name), alias));
                } else {
                    let relation = self.table_relation(name, outer);
                    relations.push(self.with_alias(relation, alias));
                }
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let cols = if *lateral {
                    let scope = Self::lateral(outer, relations, *opaque);
                    self.query(subquery, &scope)
                } else {
                    self.query(subquery, outer)
                };
                let relation = Relation {
                    name: None,
                    schema: None,
                    hidden_name: None,
                    display: "subquery".to_owned(),
                    cols,
                };
                relations.push(self.with_alias(relation, alias));
            }
            TableFactor::Function {
                name, args, alias, ..
            } => {
                let scope = Self::lateral(outer, relations, *opaque);
                for arg in args {
                    self.function_arg(arg, &scope, fn_args);
                }
                let name = self.split_name(name).map(|(_, name)| name);
                relations.push(self.with_alias(Relation::unknown(name), alias));
            }
            TableFactor::UNNEST {
                alias, array_exprs, ..
            } => {
                let scope = Self::lateral(outer, relations, *opaque);
                for expr in array_exprs {
                    self.expr(expr, &scope, fn_args);
                }
                let relation = Relation::unknown(Some("unnest".to_owned()));
                relations.push(self.with_alias(relation, alias));
            }
            TableFactor::TableFunction { expr, alias } => {
                let scope = Self::lateral(outer, relations, *opaque);
                self.expr(expr, &scope, fn_args);
                relations.push(self.with_alias(Relation::unknown(None), alias));
            }
            TableFactor::JsonTable {
                json_expr, alias, ..
            } => {
                let scope = Self::lateral(outer, relations, *opaque);
                self.expr(json_expr, &scope, fn_args);
                relations.push(self.with_alias(Relation::unknown(None), alias));
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => match alias {
                None => self.table_with_joins(table_with_joins, outer, relations, opaque),
                Some(_) => {
                    // The alias hides the joined tables, except from their own join conditions.
                    let mut inner = Vec::new();
                    let mut inner_opaque = *opaque;
                    self.table_with_joins(table_with_joins, outer, &mut inner, &mut inner_opaque);
                    let inner_scope = Scope {
                        parent: Some(outer),
                        relations: inner,
                        opaque: inner_opaque,
                        ..Scope::default()
                    };
                    self.join_constraints(std::slice::from_ref(&**table_with_joins), &inner_scope);
                    let inner = inner_scope.relations;
                    *opaque |= inner_opaque;
                    let mut cols = Cols::known(Vec::new());
                    for relation in &inner {
                        cols.extend(&relation.cols);
                    }
                    let relation = Relation {
                        name: None,
                        schema: None,
                        hidden_name: None,
                        display: String::new(),
                        cols,
                    };
                    relations.push(self.with_alias(relation, alias));
                }
            },
            _ => *opaque = true,
        }
    }

    /// Applies `AS alias (col, ...)`.
    fn with_alias(&self, mut relation: Relation, alias: &Option<TableAlias>) -> Relation {
        let Some(alias) = alias else {
            return relation;
        };
        let name = self.ident_name(&alias.name);
        relation.hidden_name = relation.name.take();
        relation.name = Some(name.clone());
        relation.schema = None;
        if relation.display.is_empty() || relation.display == "subquery" {
            relation.display = name;
        }
        relation.cols = self.rename_columns(relation.cols, alias);
        relation
    }

    /// Renames the first columns after an alias's column list.
    fn rename_columns(&self, mut cols: Cols, alias: &TableAlias) -> Cols {
        for (i, column) in alias.columns.iter().enumerate() {
            let name = self.ident_name(&column.name);
            cols.rename(i, name);
        }
        cols
    }

    fn join_constraints(&mut self, items: &[TableWithJoins], scope: &Scope) {
        for item in items {
            let factors =
                std::iter::once(&item.relation).chain(item.joins.iter().map(|j| &j.relation));
            for factor in factors {
                if let TableFactor::NestedJoin {
                    table_with_joins,
                    alias: None,
                } = factor
                {
                    self.join_constraints(std::slice::from_ref(&**table_with_joins), scope);
                }
            }
            for join in &item.joins {
                if let JoinOperator::AsOf {
                    match_condition, ..
                } = &join.join_operator
                {
                    self.expr(match_condition, scope, Ctx::default());
                }
                if let Some(JoinConstraint::On(expr)) = join_constraint(&join.join_operator) {
                    self.expr(expr, scope, Ctx::default());
                }
            }
        }
    }

    // ---- tables ----

    /// Resolves a table named in FROM or as a DML target, records it, and reports it when unknown.
    fn table_relation(&mut self, name: &ObjectName, scope: &Scope) -> Relation {
        let Some(parts) = self.name_parts(name) else {
            return Relation::unknown(None);
        };
        let normalized: Vec<String> = parts.iter().map(|p| self.ident_name(p)).collect();
        let range = match (parts.first(), parts.last()) {
            (Some(first), Some(last)) => self
                .map
                .range(first.span)
                .zip(self.map.range(last.span))
                .map(|(a, b)| a.start..b.end),
            _ => None,
        };
        let lookup = self.lookup_table(&parts, &normalized, scope);
        let resolved = match &lookup {
            Lookup::Catalog(table) => Some((table.schema.clone(), table.name.clone())),
            _ => None,
        };
        if let Some(range) = range {
            self.tables.push(TableRef {
                range,
                parts: normalized.clone(),
                resolved,
            });
        }
        let table_name = normalized.last().cloned().unwrap_or_default();
        let (cols, schema) = match lookup {
            Lookup::Catalog(table) => {
                let mut cols = Cols::known(Vec::new());
                for column in &table.columns {
                    cols.push(
                        column.name.to_string(),
                        Some(ColumnSource {
                            schema: table.schema.clone(),
                            table: table.name.clone(),
                            column: column.name.to_string(),
                        }),
                    );
                }
                (cols, Some(table.schema.clone()))
            }
            Lookup::Known(cols) => (
                cols,
                normalized
                    .len()
                    .checked_sub(2)
                    .map(|i| normalized[i].clone()),
            ),
            Lookup::Unknown => (Cols::unknown(), None),
        };
        Relation {
            name: Some(table_name),
            schema,
            hidden_name: None,
            display: normalized.join("."),
            cols,
        }
    }

    fn lookup_table<'c>(
        &mut self,
        parts: &[&Ident],
        normalized: &[String],
        scope: &Scope,
    ) -> Lookup<'c>
    where
        'a: 'c,
    {
        match normalized {
            [name] => {
                if let Some(cols) = self.find_cte(scope, name) {
                    return Lookup::Known(cols);
                }
                if let Some(cols) = self.find_created(None, name) {
                    return Lookup::Known(cols);
                }
                if self.is_system_table(name) {
                    return Lookup::Unknown;
                }
                self.lookup_unqualified(parts[0], name)
            }
            [schema, name] => {
                if let Some(cols) = self.find_created(Some(schema), name) {
                    return Lookup::Known(cols);
                }
                if self.is_system_schema(schema) {
                    return Lookup::Unknown;
                }
                self.lookup_qualified(parts[0], schema, parts[1], name)
            }
            [database, schema, name] if self.pg() => {
                let same_database = self
                    .catalog
                    .is_some_and(|(catalog, _)| &catalog.database == database);
                if !same_database || self.is_system_schema(schema) {
                    return Lookup::Unknown;
                }
                self.lookup_qualified(parts[1], schema, parts[2], name)
            }
            _ => Lookup::Unknown,
        }
    }

    fn search_path(catalog: &Catalog) -> Vec<&str> {
        if !catalog.search_path.is_empty() {
            return catalog.search_path.iter().map(String::as_str).collect();
        }
        match catalog.engine {
            Engine::Postgresql => vec!["public"],
            Engine::Mysql => vec![catalog.database.as_str()],
        }
    }

    fn lookup_unqualified<'c>(&mut self, ident: &Ident, name: &str) -> Lookup<'c>
    where
        'a: 'c,
    {
        let Some((catalog, index)) = self.catalog else {
            return Lookup::Unknown;
        };
        let search_path = Self::search_path(catalog);
        for schema in &search_path {
            if let Some(table) = index.table(catalog, schema, name) {
                return Lookup::Catalog(table);
            }
        }
        if self.pg()
            && let Some(table) = index.tables_named(catalog, name).next()
        {
            // `$user` in the search path may name a schema the catalog holds.
            if search_path.iter().any(|s| s.starts_with('$')) {
                return Lookup::Unknown;
            }
            let message = format!(
                "Table \"{name}\" does not exist in the search path ({}); schema \"{}\" has it: write {}.{}",
                search_path.join(", "),
                table.schema,
                quote_if_needed(&table.schema),
                quote_if_needed(&table.name)
            );
            self.report(ident.span, codes::UNKNOWN_TABLE, Severity::Error, message);
            return Lookup::Unknown;
        }
        let same_but_case = index
            .tables_named_ignoring_case(catalog, name)
            .find(|t| search_path.contains(&t.schema.as_str()));
        let (severity, message) = match same_but_case {
            Some(table) if self.pg() && ident.quote_style.is_none() => (
                Severity::Error,
                format!(
                    "Table \"{name}\" does not exist in the database; \"{}\" does: unquoted names are folded to lower case, so write it in double quotes",
                    table.name
                ),
            ),
            Some(table) if self.pg() => (
                Severity::Error,
                format!(
                    "Table \"{name}\" does not exist in the database; did you mean \"{}\"?",
                    table.name
                ),
            ),
            Some(table) => (
                Severity::Warning,
                format!(
                    "Table \"{name}\" does not exist in the database; \"{}\" differs only in case, and MySQL table names are case-sensitive on Linux",
                    table.name
                ),
            ),
            None => {
                let nearby = catalog
                    .tables
                    .iter()
                    .filter(|t| search_path.contains(&t.schema.as_str()))
                    .map(|t| t.name.as_str());
                (
                    Severity::Error,
                    format!(
                        "Table \"{name}\" does not exist in the database{}",
                        did_you_mean(name, nearby)
                    ),
                )
            }
        };
        self.report(ident.span, codes::UNKNOWN_TABLE, severity, message);
        Lookup::Unknown
    }

    fn lookup_qualified<'c>(
        &mut self,
        schema_ident: &Ident,
        schema: &str,
        name_ident: &Ident,
        name: &str,
    ) -> Lookup<'c>
    where
        'a: 'c,
    {
        let Some((catalog, index)) = self.catalog else {
            return Lookup::Unknown;
        };
        if !self.pg() {
            // MySQL: `database.table`. Another database than the catalog's is not known here.
            if !schema.eq_ignore_ascii_case(&catalog.database) {
                return Lookup::Unknown;
            }
            return self.lookup_unqualified(name_ident, name);
        }
        if let Some(table) = index.table(catalog, schema, name) {
            return Lookup::Catalog(table);
        }
        let schema_known = catalog.tables.iter().any(|t| t.schema == schema);
        if schema_known {
            let same_but_case = catalog
                .tables
                .iter()
                .find(|t| t.schema == schema && t.name.eq_ignore_ascii_case(name));
            let message = match same_but_case {
                Some(table) if name_ident.quote_style.is_none() => format!(
                    "Table \"{schema}.{name}\" does not exist in the database; \"{}\" does: unquoted names are folded to lower case, so write it in double quotes",
                    table.name
                ),
                Some(table) => format!(
                    "Table \"{schema}.{name}\" does not exist in the database; did you mean \"{}\"?",
                    table.name
                ),
                None => format!(
                    "Table \"{schema}.{name}\" does not exist in the database{}",
                    did_you_mean(
                        name,
                        catalog
                            .tables
                            .iter()
                            .filter(|t| t.schema == schema)
                            .map(|t| t.name.as_str())
                    )
                ),
            };
            self.report(
                name_ident.span,
                codes::UNKNOWN_TABLE,
                Severity::Error,
                message,
            );
        } else if let Some(table) = index.tables_named(catalog, name).next() {
            // The schema holds no table the catalog knows; the name exists elsewhere.
            let message = format!(
                "Schema \"{schema}\" has no table \"{name}\"; schema \"{}\" has it",
                table.schema
            );
            self.report(
                schema_ident.span,
                codes::UNKNOWN_TABLE,
                Severity::Error,
                message,
            );
        }
        Lookup::Unknown
    }

    fn is_system_schema(&self, schema: &str) -> bool {
        let schema = schema.to_ascii_lowercase();
        if self.pg() {
            matches!(schema.as_str(), "pg_catalog" | "information_schema")
                || schema.starts_with("pg_toast")
                || schema.starts_with("pg_temp")
        } else {
            matches!(
                schema.as_str(),
                "mysql" | "information_schema" | "performance_schema" | "sys"
            )
        }
    }

    /// Unqualified system relations: PostgreSQL's `pg_catalog` comes first on every search path.
    fn is_system_table(&self, name: &str) -> bool {
        if self.pg() {
            name.starts_with("pg_")
        } else {
            name.eq_ignore_ascii_case("dual")
        }
    }

    fn find_cte(&self, scope: &Scope, name: &str) -> Option<Cols> {
        scope.levels().find_map(|level| {
            level
                .ctes
                .iter()
                .rev()
                .find(|(cte, _)| self.relation_eq(cte, name))
                .map(|(_, cols)| cols.clone())
        })
    }

    fn find_created(&self, schema: Option<&str>, name: &str) -> Option<Cols> {
        self.created
            .iter()
            .rev()
            .find(|created| {
                self.relation_eq(&created.name, name)
                    && match (schema, &created.schema) {
                        (Some(a), Some(b)) => self.relation_eq(a, b),
                        _ => true,
                    }
            })
            .map(|created| created.cols.clone())
    }

    // ---- expressions ----

    fn expr(&mut self, expr: &Expr, scope: &Scope, ctx: Ctx) {
        if !self.enter() {
            return;
        }
        self.expr_inner(expr, scope, ctx);
        self.depth -= 1;
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>, scope: &Scope, ctx: Ctx) {
        for expr in exprs {
            self.expr(expr, scope, ctx);
        }
    }

    fn expr_inner(&mut self, expr: &Expr, scope: &Scope, ctx: Ctx) {
        match expr {
            Expr::Identifier(ident) => self.column_ref(std::slice::from_ref(ident), scope, ctx),
            Expr::CompoundIdentifier(idents) => self.column_ref(idents, scope, ctx),
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.expr(root, scope, ctx);
                for access in access_chain {
                    if let AccessExpr::Subscript(subscript) = access {
                        self.subscript(subscript, scope, ctx);
                    }
                }
            }
            Expr::JsonAccess { value, .. } => self.expr(value, scope, ctx),
            Expr::IsFalse(e)
            | Expr::IsNotFalse(e)
            | Expr::IsTrue(e)
            | Expr::IsNotTrue(e)
            | Expr::IsNull(e)
            | Expr::IsNotNull(e)
            | Expr::IsUnknown(e)
            | Expr::IsNotUnknown(e)
            | Expr::Nested(e)
            | Expr::OuterJoin(e)
            | Expr::Prior(e) => self.expr(e, scope, ctx),
            Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
                self.expr(a, scope, ctx);
                self.expr(b, scope, ctx);
            }
            Expr::IsJson { expr, .. } | Expr::IsNormalized { expr, .. } => {
                self.expr(expr, scope, ctx)
            }
            Expr::In { expr, target, .. } => {
                self.expr(expr, scope, ctx);
                match target {
                    InTarget::List(list) => self.exprs(list, scope, ctx),
                    InTarget::Subquery(query) => {
                        self.query(query, scope);
                    }
                    InTarget::Unnest(array) => self.expr(array, scope, ctx),
                    _ => {}
                }
            }
            Expr::Between {
                expr, low, high, ..
            } => self.exprs([&**expr, &**low, &**high], scope, ctx),
            Expr::BinaryOp { left, right, .. }
            | Expr::AnyOp { left, right, .. }
            | Expr::AllOp { left, right, .. } => {
                self.expr(left, scope, ctx);
                self.expr(right, scope, ctx);
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::ILike {
                expr,
                pattern,
                escape_char,
                ..
            }
            | Expr::SimilarTo {
                expr,
                pattern,
                escape_char,
                ..
            } => {
                self.expr(expr, scope, ctx);
                self.expr(pattern, scope, ctx);
                if let Some(escape) = escape_char {
                    self.expr(escape, scope, ctx);
                }
            }
            Expr::RLike { expr, pattern, .. } => {
                self.expr(expr, scope, ctx);
                self.expr(pattern, scope, ctx);
            }
            Expr::UnaryOp { expr, .. }
            | Expr::Cast { expr, .. }
            | Expr::Collate { expr, .. }
            | Expr::Extract { expr, .. }
            | Expr::Ceil { expr, .. }
            | Expr::Floor { expr, .. }
            | Expr::Named { expr, .. } => self.expr(expr, scope, ctx),
            Expr::Convert { expr, styles, .. } => {
                self.expr(expr, scope, ctx);
                self.exprs(styles, scope, ctx);
            }
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                self.expr(timestamp, scope, ctx);
                self.expr(time_zone, scope, ctx);
            }
            Expr::Position { expr, r#in } => {
                self.expr(expr, scope, ctx);
                self.expr(r#in, scope, ctx);
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                self.expr(expr, scope, ctx);
                self.exprs(
                    substring_from.iter().chain(substring_for).map(|e| &**e),
                    scope,
                    ctx,
                );
            }
            Expr::Trim {
                expr,
                trim_what,
                trim_characters,
                ..
            } => {
                self.expr(expr, scope, ctx);
                if let Some(what) = trim_what {
                    self.expr(what, scope, ctx);
                }
                if let Some(characters) = trim_characters {
                    self.exprs(characters, scope, ctx);
                }
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                self.exprs([&**expr, &**overlay_what, &**overlay_from], scope, ctx);
                if let Some(overlay_for) = overlay_for {
                    self.expr(overlay_for, scope, ctx);
                }
            }
            Expr::Value(_) | Expr::TypedString(_) | Expr::Wildcard(_) | Expr::Lambda(_) => {}
            Expr::Prefixed { value, .. } => self.expr(value, scope, ctx),
            Expr::Function(function) => self.function(function, scope, ctx),
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(operand) = operand {
                    self.expr(operand, scope, ctx);
                }
                for when in conditions {
                    self.expr(&when.condition, scope, ctx);
                    self.expr(&when.result, scope, ctx);
                }
                if let Some(else_result) = else_result {
                    self.expr(else_result, scope, ctx);
                }
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => {
                self.query(subquery, scope);
            }
            Expr::GroupingSets(sets) | Expr::Cube(sets) | Expr::Rollup(sets) => {
                for set in sets {
                    self.exprs(set, scope, ctx);
                }
            }
            Expr::Tuple(exprs) => self.exprs(exprs, scope, ctx),
            Expr::Struct { values, .. } => self.exprs(values, scope, ctx),
            Expr::Dictionary(fields) => self.exprs(fields.iter().map(|f| &*f.value), scope, ctx),
            Expr::Map(map) => {
                for entry in &map.entries {
                    self.expr(&entry.key, scope, ctx);
                    self.expr(&entry.value, scope, ctx);
                }
            }
            Expr::Array(array) => self.exprs(&array.elem, scope, ctx),
            Expr::Interval(interval) => self.expr(&interval.value, scope, ctx),
            Expr::MatchAgainst { columns, .. } => {
                for column in columns {
                    if let Some(parts) = self.name_parts(column) {
                        let parts: Vec<Ident> = parts.into_iter().cloned().collect();
                        self.column_ref(&parts, scope, ctx);
                    }
                }
            }
            Expr::QualifiedWildcard(name, _) => {
                self.qualified_wildcard(name, scope);
            }
            Expr::MemberOf(member) => {
                self.expr(&member.value, scope, ctx);
                self.expr(&member.array, scope, ctx);
            }
        }
    }

    fn subscript(&mut self, subscript: &Subscript, scope: &Scope, ctx: Ctx) {
        match subscript {
            Subscript::Index { index } => self.expr(index, scope, ctx),
            Subscript::Slice {
                lower_bound,
                upper_bound,
                stride,
            } => self.exprs(
                lower_bound.iter().chain(upper_bound).chain(stride),
                scope,
                ctx,
            ),
        }
    }

    fn function(&mut self, function: &Function, scope: &Scope, ctx: Ctx) {
        let args_ctx = Ctx {
            fn_args: true,
            ..ctx
        };
        match &function.args {
            FunctionArguments::None => {}
            FunctionArguments::Subquery(query) => {
                self.query(query, scope);
            }
            FunctionArguments::List(list) => {
                for arg in &list.args {
                    self.function_arg(arg, scope, args_ctx);
                }
                for clause in &list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(orders) => {
                            self.exprs(orders.iter().map(|o| &o.expr), scope, ctx)
                        }
                        FunctionArgumentClause::Limit(expr) => self.expr(expr, scope, ctx),
                        FunctionArgumentClause::Where(expr) => self.expr(expr, scope, ctx),
                        FunctionArgumentClause::Having(bound) => self.expr(&bound.1, scope, ctx),
                        _ => {}
                    }
                }
            }
        }
        self.exprs(function.within_group.iter().map(|o| &o.expr), scope, ctx);
        if let Some(filter) = &function.filter {
            self.expr(filter, scope, ctx);
        }
        if let Some(WindowType::WindowSpec(spec)) = &function.over {
            self.window_spec(spec, scope, ctx);
        }
    }

    fn function_arg(&mut self, arg: &FunctionArg, scope: &Scope, ctx: Ctx) {
        let (FunctionArg::Named { arg, .. }
        | FunctionArg::ExprNamed { arg, .. }
        | FunctionArg::Unnamed(arg)) = arg;
        match arg {
            FunctionArgExpr::Expr(expr) => self.expr(expr, scope, ctx),
            FunctionArgExpr::QualifiedWildcard(name) => {
                self.qualified_wildcard(name, scope);
            }
            _ => {}
        }
    }

    fn window_spec(&mut self, spec: &WindowSpec, scope: &Scope, ctx: Ctx) {
        self.exprs(&spec.partition_by, scope, ctx);
        self.exprs(spec.order_by.iter().map(|o| &o.expr), scope, ctx);
    }

    // ---- columns ----

    fn column_ref(&mut self, parts: &[Ident], scope: &Scope, ctx: Ctx) {
        if self.catalog.is_none() {
            return;
        }
        let Some(first) = parts.first() else {
            return;
        };
        // MySQL user and system variables: `@v`, `@@session.sql_mode`.
        if first.value.starts_with('@') {
            return;
        }
        if parts.len() == 1 {
            self.unqualified_column(first, scope, ctx);
        } else {
            self.qualified_column(parts, scope);
        }
    }

    fn unqualified_column(&mut self, ident: &Ident, scope: &Scope, ctx: Ctx) {
        let name = self.ident_name(ident);
        let mut sure = true;
        for level in scope.levels() {
            sure &= !level.opaque;
            for relation in &level.relations {
                if self.has_column(&relation.cols, &name) {
                    return;
                }
                sure &= relation.cols.complete;
            }
        }
        if ctx.aliases && scope.aliases.iter().any(|a| self.column_eq(a, &name)) {
            return;
        }
        if !sure {
            return;
        }
        // A whole-row reference to a table or alias: `row_to_json(t)`, `count(t)`.
        if scope.levels().any(|level| {
            level.relations.iter().any(|r| {
                r.name
                    .as_deref()
                    .is_some_and(|n| self.relation_eq(n, &name))
            })
        }) {
            return;
        }
        if ident.quote_style.is_none() {
            let lower = ident.value.to_ascii_lowercase();
            if NOT_COLUMNS.contains(&lower.as_str()) {
                return;
            }
            if ctx.fn_args && is_keyword(&ident.value) {
                return;
            }
        }
        let relations: Vec<&Relation> = scope.levels().flat_map(|l| &l.relations).collect();
        let searched = describe(relations.iter().map(|r| r.display.as_str()));
        let mut message = if !searched.is_empty() {
            format!("Column \"{name}\" does not exist in {searched}")
        } else if !relations.is_empty() {
            // Only the result columns of a UNION are in scope (its ORDER BY).
            format!("Column \"{name}\" is not a result column")
        } else {
            format!("Column \"{name}\" does not exist")
        };
        message.push_str(&self.case_hint(ident, &name, relations.iter().map(|r| &r.cols)));
        self.report(ident.span, codes::UNKNOWN_COLUMN, Severity::Error, message);
    }

    fn qualified_column(&mut self, parts: &[Ident], scope: &Scope) {
        let qualifier = self.ident_name(&parts[0]);
        if let Some(relation) = self.find_relation(scope, &qualifier) {
            let relation = relation.clone();
            self.relation_column(&relation, &parts[1]);
            return;
        }
        if parts.len() >= 3 {
            // `schema.table.column`.
            let table = self.ident_name(&parts[1]);
            let found = scope.levels().find_map(|level| {
                level.relations.iter().find(|r| {
                    r.name
                        .as_deref()
                        .is_some_and(|n| self.relation_eq(n, &table))
                        && r.schema
                            .as_deref()
                            .is_some_and(|s| self.relation_eq(s, &qualifier))
                })
            });
            if let Some(relation) = found {
                let relation = relation.clone();
                self.relation_column(&relation, &parts[2]);
            }
            return;
        }
        self.unknown_qualifier(&parts[0], &qualifier, scope);
    }

    fn unknown_qualifier(&mut self, ident: &Ident, name: &str, scope: &Scope) {
        if self.catalog.is_none() || scope.levels().any(|level| level.opaque) {
            return;
        }
        let aliased = scope.levels().flat_map(|l| &l.relations).find(|r| {
            r.hidden_name
                .as_deref()
                .is_some_and(|hidden| self.relation_eq(hidden, name))
        });
        let message = match aliased.and_then(|r| r.name.as_deref()) {
            Some(alias) => format!(
                "Table or alias \"{name}\" is not in the FROM clause; the table is aliased as \"{alias}\""
            ),
            None => format!(
                "Table or alias \"{name}\" is not in the FROM clause{}",
                did_you_mean(
                    name,
                    scope
                        .levels()
                        .flat_map(|l| &l.relations)
                        .filter_map(|r| r.name.as_deref())
                )
            ),
        };
        self.report(ident.span, codes::UNKNOWN_TABLE, Severity::Error, message);
    }

    fn relation_column(&mut self, relation: &Relation, ident: &Ident) {
        let name = self.ident_name(ident);
        if !relation.cols.complete || self.has_column(&relation.cols, &name) {
            return;
        }
        let mut message = format!(
            "Column \"{name}\" does not exist in \"{}\"",
            relation.display
        );
        message.push_str(&self.case_hint(ident, &name, [&relation.cols]));
        self.report(ident.span, codes::UNKNOWN_COLUMN, Severity::Error, message);
    }

    /// A hint for a column that does not exist: PostgreSQL capitals lost to folding, else a close
    /// name.
    fn case_hint<'c>(
        &self,
        ident: &Ident,
        name: &str,
        cols: impl IntoIterator<Item = &'c Cols>,
    ) -> String {
        let names: Vec<&str> = cols
            .into_iter()
            .flat_map(|c| &c.names)
            .map(String::as_str)
            .collect();
        let same_but_case = names.iter().find(|c| c.eq_ignore_ascii_case(name));
        match same_but_case {
            Some(column) if self.pg() && ident.quote_style.is_none() => format!(
                "; \"{column}\" does: unquoted names are folded to lower case, so write it in double quotes"
            ),
            Some(column) => format!("; did you mean \"{column}\"?"),
            None => did_you_mean(name, names.into_iter()),
        }
    }

    fn find_relation<'s>(&self, scope: &'s Scope, name: &str) -> Option<&'s Relation> {
        scope.levels().find_map(|level| {
            level
                .relations
                .iter()
                .find(|r| r.name.as_deref().is_some_and(|n| self.relation_eq(n, name)))
        })
    }

    // ---- names ----

    /// An identifier as the database sees it: PostgreSQL folds unquoted names to lower case.
    fn ident_name(&self, ident: &Ident) -> String {
        if self.pg() && ident.quote_style.is_none() {
            ident.value.to_ascii_lowercase()
        } else {
            ident.value.clone()
        }
    }

    fn name_parts<'n>(&self, name: &'n ObjectName) -> Option<Vec<&'n Ident>> {
        name.0
            .iter()
            .map(|part| match part {
                ObjectNamePart::Identifier(ident) => Some(ident),
                _ => None,
            })
            .collect()
    }

    /// Column names: exact in PostgreSQL (after folding), case-insensitive in MySQL.
    fn column_eq(&self, a: &str, b: &str) -> bool {
        if self.pg() {
            a == b
        } else {
            a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
        }
    }

    fn has_column(&self, cols: &Cols, name: &str) -> bool {
        cols.names.iter().any(|c| self.column_eq(c, name)) || self.is_system_column(name)
    }

    /// Columns every table has without listing them: PostgreSQL's system columns, MySQL's `_rowid`
    /// (an alias of an integer primary key).
    fn is_system_column(&self, name: &str) -> bool {
        if self.pg() {
            matches!(
                name,
                "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid"
            )
        } else {
            name.eq_ignore_ascii_case("_rowid")
        }
    }

    /// Aliases, CTE names and schemas: exact in PostgreSQL; in MySQL compared without case, which
    /// lets pass some names the server would reject, but never rejects a good one.
    fn relation_eq(&self, a: &str, b: &str) -> bool {
        self.column_eq(a, b)
    }

    fn report(&mut self, span: Span, code: &'static str, severity: Severity, message: String) {
        if let Some(range) = self.map.range(span) {
            self.push(range, code, severity, message);
        }
    }

    fn push(
        &mut self,
        range: Range<usize>,
        code: &'static str,
        severity: Severity,
        message: String,
    ) {
        let duplicate = self
            .diagnostics
            .iter()
            .any(|d| d.range == range && d.code == code);
        if !duplicate {
            self.diagnostics.push(SqlDiagnostic {
                range,
                severity,
                code,
                message,
            });
        }
    }
}

fn join_constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::CrossJoin(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::Anti(c)
        | JoinOperator::LeftAnti(c)
        | JoinOperator::RightAnti(c)
        | JoinOperator::StraightJoin(c)
        | JoinOperator::AsOf { constraint: c, .. } => Some(c),
        _ => None,
    }
}

fn dml_returns_rows(body: &SetExpr) -> bool {
    match body {
        SetExpr::Insert(Statement::Insert(insert)) => insert.returning.is_some(),
        SetExpr::Update(Statement::Update(update)) => update.returning.is_some(),
        SetExpr::Delete(Statement::Delete(delete)) => delete.returning.is_some(),
        _ => true,
    }
}

fn is_keyword(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    ALL_KEYWORDS.contains(&upper.as_str())
}

/// `; did you mean "x"?` for the candidate closest to `name` by edit distance, when one is close
/// enough to be a typo of it; otherwise empty.
fn did_you_mean<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> String {
    let length = name.chars().count();
    let limit = match length {
        0..=2 => return String::new(),
        3..=5 => 1,
        6..=9 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = edit_distance(&name.to_lowercase(), &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map_or_else(String::new, |(_, c)| format!("; did you mean \"{c}\"?"))
}

/// Levenshtein distance in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`, without repeats.
fn describe<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for name in names {
        if !name.is_empty() && !unique.contains(&name) {
            unique.push(name);
        }
    }
    let quoted: Vec<String> = unique.iter().map(|n| format!("\"{n}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A PostgreSQL identifier as it must be written to keep its spelling.
fn quote_if_needed(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}
