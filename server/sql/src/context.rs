//! What the cursor stands on in half-typed SQL, for completion and hover: read from the tolerant
//! token stream of [`crate::lexical`], never from a parse, so that `SELECT * FROM ` or
//! `SELECT n. FROM notes n` still answer.

use std::ops::Range;

use schemals_catalog::{Catalog, CatalogIndex, Engine};

use crate::lexical::{self, SqlToken, TokenKind};

/// The clause the cursor is in, by the last clause keyword before it at the same parenthesis depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clause {
    /// Nothing before the cursor in its statement.
    Start,
    Select,
    From,
    On,
    Where,
    GroupBy,
    Having,
    OrderBy,
    Limit,
    Set,
    Values,
    Returning,
    Into,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextKind {
    /// After `:`: an argument name.
    Placeholder,
    /// After `qualifier.`: the columns of that table, alias or CTE only.
    Member { qualifier: String },
    /// Where a table name goes: after `FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE`, or a comma in `FROM`.
    TableName,
    /// Right after `JOIN ... ON`: a join condition, or any expression.
    JoinCondition,
    /// Where an expression goes: columns in scope, functions, keywords.
    Expression,
    /// After a complete table reference or at the start of a statement: keywords only.
    Keyword,
}

/// A table named in `FROM`, `JOIN`, `UPDATE`, `INSERT INTO` or `DELETE FROM` of the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInScope {
    /// The written name's parts, normalized (`["public", "events"]`).
    pub parts: Vec<String>,
    pub alias: Option<String>,
    /// Byte offsets of the written name.
    pub range: Range<usize>,
}

impl TableInScope {
    /// The name that qualifies its columns: the alias, else the table's own name.
    pub fn qualifier(&self) -> &str {
        self.alias
            .as_deref()
            .or(self.parts.last().map(String::as_str))
            .unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.parts.last().map_or("", String::as_str)
    }
}

/// A `WITH name AS (...)` of the statement, with the columns its query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cte {
    pub name: String,
    pub columns: Vec<String>,
    /// Byte offsets of the name.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionContext {
    pub kind: ContextKind,
    pub clause: Clause,
    /// The word under the cursor (empty at a word boundary), in bytes of the SQL text; completion
    /// replaces it.
    pub word: Range<usize>,
    /// The part of the word before the cursor.
    pub prefix: String,
    /// Tables of the statement around the cursor, in text order (after the cursor included).
    pub tables: Vec<TableInScope>,
    pub ctes: Vec<Cte>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The word (letters, digits, `_`) around byte `offset` of `sql`.
pub fn word_at(sql: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(sql.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| sql.is_char_boundary(i))
        .unwrap_or(0);
    let start = sql[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = sql[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(sql.len(), |(i, _)| offset + i);
    start..end
}

/// The completion context at byte `offset` of `sql`, or `None` inside a string literal, a comment
/// or a number. The catalog, when given, names the columns of CTEs.
pub fn completion_context(
    sql: &str,
    offset: usize,
    engine: Engine,
    catalog: Option<(&Catalog, &CatalogIndex)>,
) -> Option<CompletionContext> {
    if offset > sql.len() || !sql.is_char_boundary(offset) {
        return None;
    }
    let tokens = lexical::tokenize(sql, engine);
    let inside = tokens
        .iter()
        .find(|t| t.range.start < offset && offset < t.range.end);
    if let Some(t) = inside
        && matches!(
            t.kind,
            TokenKind::String | TokenKind::Comment | TokenKind::Number | TokenKind::Unknown
        )
    {
        return None;
    }
    // A line comment runs to the end of the line: a cursor at its end is still inside.
    if tokens
        .iter()
        .any(|t| t.kind == TokenKind::Comment && t.range.end == offset && t.value.starts_with("--"))
    {
        return None;
    }
    let word = word_at(sql, offset);
    let prefix = sql[word.start..offset].to_owned();

    // The statement the cursor is in: the last one starting before it (a `;` ends the one before).
    let statement = lexical::statements(&tokens)
        .into_iter()
        .take_while(|r| {
            r.start == 0
                || tokens
                    .get(r.start - 1)
                    .is_some_and(|semicolon| semicolon.range.end <= word.start)
        })
        .last()
        .unwrap_or(0..0);
    let statement_tokens = &tokens[statement.clone()];
    let before: Vec<&SqlToken> = statement_tokens
        .iter()
        .filter(|t| t.range.end <= word.start && t.kind != TokenKind::Comment)
        .collect();

    let (tables, ctes) = scope(sql, statement_tokens, engine, catalog);
    let clause = clause_before(&before);
    let previous = before.last().copied();
    let char_before = sql[..word.start].chars().next_back();
    let kind = if char_before == Some(':') && !sql[..word.start.saturating_sub(1)].ends_with(':') {
        ContextKind::Placeholder
    } else if char_before == Some('.') {
        let dot = word.start - 1;
        let qualifier = previous
            .filter(|t| t.range.end == word.start && t.is_punct("."))
            .and_then(|_| before.iter().rev().nth(1))
            .filter(|t| t.kind == TokenKind::Identifier && t.range.end == dot)
            .map(|t| t.value.to_string());
        match qualifier {
            Some(qualifier) => ContextKind::Member { qualifier },
            None => return None,
        }
    } else {
        match previous {
            None => ContextKind::Keyword,
            Some(t)
                if ["FROM", "JOIN", "INTO", "UPDATE", "TABLE"]
                    .iter()
                    .any(|k| t.is_keyword(k)) =>
            {
                ContextKind::TableName
            }
            Some(t) if t.is_punct(",") && clause == Clause::From => ContextKind::TableName,
            Some(t) if t.is_keyword("ON") => ContextKind::JoinCondition,
            Some(t)
                if t.kind == TokenKind::Identifier
                    && matches!(clause, Clause::From | Clause::Into) =>
            {
                ContextKind::Keyword
            }
            Some(_) => ContextKind::Expression,
        }
    };
    Some(CompletionContext {
        kind,
        clause,
        word,
        prefix,
        tables,
        ctes,
    })
}

/// The clause of the last token, following parentheses: a subquery's clauses end at its `)`.
fn clause_before(before: &[&SqlToken]) -> Clause {
    let mut stack = vec![Clause::Start];
    for token in before {
        match token.kind {
            TokenKind::Punct if token.value == "(" => stack.push(Clause::Other),
            TokenKind::Punct if token.value == ")" && stack.len() > 1 => {
                stack.pop();
            }
            TokenKind::Keyword => {
                let Some(current) = stack.last_mut() else {
                    break;
                };
                let next = match token.value.as_str() {
                    "SELECT" | "DISTINCT" => Clause::Select,
                    "FROM" | "JOIN" => Clause::From,
                    "ON" => Clause::On,
                    "WHERE" => Clause::Where,
                    "GROUP" => Clause::GroupBy,
                    "HAVING" => Clause::Having,
                    "ORDER" => Clause::OrderBy,
                    "LIMIT" | "OFFSET" => Clause::Limit,
                    "SET" => Clause::Set,
                    "VALUES" => Clause::Values,
                    "RETURNING" => Clause::Returning,
                    "INTO" | "UPDATE" => Clause::Into,
                    _ => *current,
                };
                *current = next;
            }
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(Clause::Start)
}

/// The tables and CTEs a statement names.
fn scope(
    sql: &str,
    tokens: &[SqlToken],
    engine: Engine,
    catalog: Option<(&Catalog, &CatalogIndex)>,
) -> (Vec<TableInScope>, Vec<Cte>) {
    let significant: Vec<&SqlToken> = tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect();
    let mut tables = Vec::new();
    let mut ctes = Vec::new();
    let mut depth_clause: Vec<bool> = vec![false]; // per depth: inside a FROM list
    let mut i = 0;
    while i < significant.len() {
        let token = significant[i];
        let in_from = depth_clause.last().copied().unwrap_or(false);
        let starts_table = ["FROM", "JOIN", "UPDATE", "INTO"]
            .iter()
            .any(|k| token.is_keyword(k))
            || (token.is_punct(",") && in_from);
        if token.is_punct("(") {
            depth_clause.push(false);
        } else if token.is_punct(")") && depth_clause.len() > 1 {
            depth_clause.pop();
        } else if token.kind == TokenKind::Keyword
            && let Some(top) = depth_clause.last_mut()
        {
            *top = token.is_keyword("FROM")
                || token.is_keyword("JOIN")
                || (*top && token.is_keyword("AS"));
        }
        let may_start_cte =
            token.is_keyword("WITH") || (token.is_punct(",") && !ctes.is_empty() && !in_from);
        if may_start_cte
            && let Some((cte, next)) = read_cte(sql, &significant, i + 1, engine, catalog)
        {
            ctes.push(cte);
            i = next;
            continue;
        }
        if starts_table && let Some((table, next)) = read_table(&significant, i + 1) {
            tables.push(table);
            i = next;
            continue;
        }
        i += 1;
    }
    (tables, ctes)
}

/// `name [AS] [alias]` at `start`; returns the table and the index after it.
fn read_table(tokens: &[&SqlToken], start: usize) -> Option<(TableInScope, usize)> {
    let mut i = start;
    let mut parts = Vec::new();
    let first = tokens.get(i)?;
    if first.kind != TokenKind::Identifier {
        return None;
    }
    let mut end = first.range.end;
    parts.push(first.value.to_string());
    i += 1;
    while tokens.get(i).is_some_and(|t| t.is_punct("."))
        && let Some(next) = tokens
            .get(i + 1)
            .filter(|t| t.kind == TokenKind::Identifier)
    {
        parts.push(next.value.to_string());
        end = next.range.end;
        i += 2;
    }
    // A function in FROM (`generate_series(...)`) is not a table.
    if tokens.get(i).is_some_and(|t| t.is_punct("(")) {
        return None;
    }
    let mut alias = None;
    if tokens.get(i).is_some_and(|t| t.is_keyword("AS")) {
        i += 1;
    }
    if let Some(t) = tokens.get(i).filter(|t| t.kind == TokenKind::Identifier) {
        alias = Some(t.value.to_string());
        i += 1;
    }
    Some((
        TableInScope {
            parts,
            alias,
            range: first.range.start..end,
        },
        i,
    ))
}

/// `[RECURSIVE] name [(columns)] AS [NOT] [MATERIALIZED] ( query )` at `start`.
fn read_cte(
    sql: &str,
    tokens: &[&SqlToken],
    start: usize,
    engine: Engine,
    catalog: Option<(&Catalog, &CatalogIndex)>,
) -> Option<(Cte, usize)> {
    let mut i = start;
    if tokens
        .get(i)
        .is_some_and(|t| t.value.eq_ignore_ascii_case("RECURSIVE"))
    {
        i += 1;
    }
    let name = tokens.get(i).filter(|t| t.kind == TokenKind::Identifier)?;
    i += 1;
    let mut columns = Vec::new();
    if tokens.get(i).is_some_and(|t| t.is_punct("(")) {
        i += 1;
        while let Some(t) = tokens.get(i) {
            i += 1;
            if t.is_punct(")") {
                break;
            }
            if t.kind == TokenKind::Identifier {
                columns.push(t.value.to_string());
            }
        }
    }
    if !tokens.get(i).is_some_and(|t| t.is_keyword("AS")) {
        return None;
    }
    i += 1;
    while tokens
        .get(i)
        .is_some_and(|t| t.is_keyword("NOT") || t.value.eq_ignore_ascii_case("MATERIALIZED"))
    {
        i += 1;
    }
    let open = tokens.get(i).filter(|t| t.is_punct("("))?;
    let mut depth = 0i64;
    let mut close = None;
    for (k, t) in tokens.iter().enumerate().skip(i) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                close = Some(k);
                break;
            }
        }
    }
    let body_end = close.map_or(sql.len(), |k| tokens[k].range.start);
    if columns.is_empty() {
        let body = &sql[open.range.end..body_end];
        let analysis = crate::analyze(body, engine, catalog);
        if let Some(output) = analysis.statements.first().and_then(|s| s.output.as_ref()) {
            columns = output.names.clone();
        }
    }
    Some((
        Cte {
            name: name.value.to_string(),
            columns,
            range: name.range.clone(),
        },
        close.map_or(tokens.len(), |k| k + 1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(marked: &str) -> CompletionContext {
        let offset = marked.find("$0").expect("cursor");
        let sql = marked.replace("$0", "");
        completion_context(&sql, offset, Engine::Postgresql, None).expect("a context")
    }

    #[test]
    fn reads_half_typed_statements() {
        assert_eq!(at("SELECT * FROM $0").kind, ContextKind::TableName);
        assert_eq!(at("SELECT * FROM ev$0").prefix, "ev");
        assert_eq!(
            at("SELECT n.$0 FROM notes n").kind,
            ContextKind::Member {
                qualifier: "n".to_owned()
            }
        );
        assert_eq!(
            at("SELECT * FROM notes WHERE id = :$0").kind,
            ContextKind::Placeholder
        );
        assert_eq!(at("SELECT x::$0").kind, ContextKind::Expression);
        let join = at("SELECT * FROM notes n JOIN events e ON $0");
        assert_eq!(join.kind, ContextKind::JoinCondition);
        assert_eq!(join.tables.len(), 2);
        assert_eq!(join.tables[1].qualifier(), "e");
        let cte = at("WITH recent(a, b) AS (SELECT 1, 2) SELECT $0 FROM recent");
        assert_eq!(cte.ctes[0].columns, ["a", "b"]);
        assert_eq!(cte.clause, Clause::Select);
        assert_eq!(
            at("SELECT * FROM notes WHERE (id IN (SELECT $0").clause,
            Clause::Select
        );
        assert_eq!(at("SELECT * FROM notes, $0").kind, ContextKind::TableName);
        assert_eq!(at("$0").kind, ContextKind::Keyword);
    }

    #[test]
    fn nothing_inside_strings_and_comments() {
        let sql = "SELECT 'ab' -- c";
        assert!(completion_context(sql, 9, Engine::Postgresql, None).is_none());
        assert!(completion_context(sql, sql.len(), Engine::Postgresql, None).is_none());
    }
}
