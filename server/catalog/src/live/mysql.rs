//! MySQL and MariaDB: the catalog of the URL's database from `information_schema`, in one round trip.
//!
//! The batch (`mysql_catalog.sql`) runs in the text protocol inside `START TRANSACTION READ ONLY`.
//! sqlx's own connection set-up query is turned off (its `SET NAMES` is the first statement of the
//! batch instead), so connecting costs no extra round trip. Values are read as bytes and decoded
//! leniently: MariaDB and MySQL 8 type the information_schema columns differently.

use std::collections::{BTreeMap, HashMap};

use futures_util::TryStreamExt as _;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

use super::{IntrospectError, Session, Stage, close, timeout_millis};
use crate::{
    Catalog, Column, Engine, ForeignKey, Function, FunctionKind, SNAPSHOT_FORMAT_VERSION, Table,
    TableKind,
};

const CATALOG_SQL: &str = include_str!("mysql_catalog.sql");
const FINGERPRINT_SQL: &str = include_str!("mysql_fingerprint.sql");

pub(super) async fn introspect(
    session: &Session<'_>,
    options: MySqlConnectOptions,
) -> Result<Catalog, IntrospectError> {
    let rows = run(session, options, CATALOG_SQL).await?;
    build(session, rows)
}

pub(super) async fn fingerprint(
    session: &Session<'_>,
    options: MySqlConnectOptions,
) -> Result<String, IntrospectError> {
    let rows = run(session, options, FINGERPRINT_SQL).await?;
    let digest = rows
        .into_iter()
        .find(|row| row.part == "fingerprint")
        .and_then(|row| row.values.into_iter().next().flatten())
        .ok_or_else(|| session.unexpected("no fingerprint"))?;
    Ok(format!("mysql:{digest}"))
}

/// One result row: the part its SELECT names, then the other values as text.
struct Part {
    part: String,
    values: Vec<Option<String>>,
}

impl Part {
    fn text(&self, i: usize) -> &str {
        self.values
            .get(i)
            .and_then(|v| v.as_deref())
            .unwrap_or_default()
    }

    fn opt(&self, i: usize) -> Option<&str> {
        self.values.get(i).and_then(|v| v.as_deref())
    }

    fn int(&self, i: usize) -> Option<i64> {
        self.opt(i).and_then(|v| v.trim().parse().ok())
    }
}

async fn run(
    session: &Session<'_>,
    options: MySqlConnectOptions,
    sql: &str,
) -> Result<Vec<Part>, IntrospectError> {
    if options.get_database().is_none() {
        return Err(IntrospectError::UnsupportedUrl {
            reason: format!(
                "{} names no database; add it to the path, as in mysql://user@host:3306/DATABASE",
                session.target
            ),
        });
    }
    let options = options
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .timezone(None::<String>)
        .set_names(false)
        .disable_statement_logging();
    let mut connection = session
        .run(Stage::Connecting, MySqlConnection::connect_with(&options))
        .await?;
    let limit = session.options.statement_timeout;
    let sql = sql
        .replace(
            "@SECONDS@",
            &format!("{:.3}", timeout_millis(limit) as f64 / 1000.0),
        )
        .replace("@MILLIS@", &timeout_millis(limit).to_string());
    let batch = format!("SET NAMES utf8mb4;\nSTART TRANSACTION READ ONLY;\n{sql}\nCOMMIT;");
    // Each row is decoded as it arrives, so the rows' bytes are not held beside their text.
    let mut parts = Vec::new();
    let mut failure = None;
    session
        .run(Stage::ReadingCatalog, async {
            let mut rows = sqlx::raw_sql(sqlx::AssertSqlSafe(batch)).fetch(&mut connection);
            while let Some(row) = rows.try_next().await? {
                match decode(session, &row) {
                    Ok(part) => parts.push(part),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            Ok(())
        })
        .await?;
    close(connection).await;
    failure.map_or(Ok(parts), Err)
}

fn decode(session: &Session<'_>, row: &MySqlRow) -> Result<Part, IntrospectError> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        // Text protocol: every value arrives as text, whatever its declared type.
        let bytes: Option<&[u8]> = row
            .try_get_unchecked(i)
            .map_err(|e| session.unexpected(e))?;
        values.push(bytes.map(|b| String::from_utf8_lossy(b).into_owned()));
    }
    let mut values = values.into_iter();
    let part = values.next().flatten().unwrap_or_default();
    Ok(Part {
        part,
        values: values.collect(),
    })
}

fn build(session: &Session<'_>, rows: Vec<Part>) -> Result<Catalog, IntrospectError> {
    let meta = rows
        .iter()
        .find(|row| row.part == "meta")
        .ok_or_else(|| session.unexpected("no `meta` part"))?;
    let database = meta.text(0).to_owned();
    let version = meta.text(1).to_owned();
    let mariadb = version.contains("MariaDB");

    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut primary_keys: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    // (table, constraint) → (ordinal, column, referenced schema, table, column)
    type FkColumn<'r> = (i64, &'r str, &'r str, &'r str, &'r str);
    let mut foreign_keys: BTreeMap<(&str, &str), Vec<FkColumn<'_>>> = BTreeMap::new();
    let mut routines: Vec<&Part> = Vec::new();
    let mut parameters: HashMap<&str, Vec<&Part>> = HashMap::new();

    for row in &rows {
        match row.part.as_str() {
            "table" => {
                let kind = match row.text(1) {
                    "VIEW" | "SYSTEM VIEW" => TableKind::View,
                    // Sequences (MariaDB) are not relations anyone models.
                    "SEQUENCE" => continue,
                    // BASE TABLE, SYSTEM VERSIONED (MariaDB), ...
                    _ => TableKind::Table,
                };
                tables.insert(
                    row.text(0).to_owned(),
                    Table {
                        schema: database.clone(),
                        name: row.text(0).to_owned(),
                        kind,
                        columns: Vec::new(),
                        primary_key: Vec::new(),
                        foreign_keys: Vec::new(),
                        partition_of: None,
                    },
                );
            }
            "primary_key" => primary_keys
                .entry(row.text(0))
                .or_default()
                .push((row.int(2).unwrap_or_default(), row.text(1))),
            "foreign_key" => foreign_keys
                .entry((row.text(0), row.text(1)))
                .or_default()
                .push((
                    row.int(3).unwrap_or_default(),
                    row.text(2),
                    row.text(4),
                    row.text(5),
                    row.text(6),
                )),
            "routine" => routines.push(row),
            "parameter" => parameters.entry(row.text(0)).or_default().push(row),
            _ => {}
        }
    }

    for row in rows.iter().filter(|row| row.part == "column") {
        let Some(table) = tables.get_mut(row.text(0)) else {
            continue;
        };
        let data_type = row.text(6).to_owned();
        let extra = row.text(8).to_ascii_lowercase();
        let default = match row.opt(3) {
            // MariaDB spells an explicit or implicit NULL default as the keyword; a string 'NULL'
            // would be quoted.
            Some("NULL") if mariadb => None,
            other => other.map(str::to_owned),
        };
        let udt_name = row.text(5).to_owned();
        let enum_values = if udt_name == "enum" {
            parse_enum_values(&data_type)
        } else {
            Vec::new()
        };
        table.columns.push(Column {
            name: row.text(1).into(),
            ordinal: row
                .int(2)
                .and_then(|o| u32::try_from(o).ok())
                .unwrap_or_default(),
            data_type: data_type.into(),
            udt_name: udt_name.into(),
            nullable: row.text(4) == "YES",
            default,
            type_schema: None,
            enum_values,
            character_maximum_length: row.int(7),
            generated: extra.contains("auto_increment")
                || extra.contains("virtual generated")
                || extra.contains("stored generated")
                || extra.contains("persistent generated"),
        });
    }

    for (name, mut key) in primary_keys {
        if let Some(table) = tables.get_mut(name) {
            key.sort();
            table.primary_key = key.into_iter().map(|(_, c)| c.to_owned()).collect();
        }
    }

    for ((name, constraint), mut columns) in foreign_keys {
        let Some(table) = tables.get_mut(name) else {
            continue;
        };
        columns.sort();
        let (referenced_schema, referenced_table) = columns
            .first()
            .map(|c| (c.2.to_owned(), c.3.to_owned()))
            .unwrap_or_default();
        table.foreign_keys.push(ForeignKey {
            name: constraint.to_owned(),
            columns: columns.iter().map(|c| c.1.to_owned()).collect(),
            referenced_schema,
            referenced_table,
            referenced_columns: columns.iter().map(|c| c.4.to_owned()).collect(),
        });
    }

    let functions = routines
        .into_iter()
        .filter_map(|row| {
            let kind = match row.text(2) {
                "FUNCTION" => FunctionKind::Function,
                "PROCEDURE" => FunctionKind::Procedure,
                // MariaDB packages (sql_mode=ORACLE) are not callable by name.
                _ => return None,
            };
            let mut params = parameters.remove(row.text(0)).unwrap_or_default();
            params.sort_by_key(|p| p.int(1));
            let arguments = params
                .iter()
                .map(|p| {
                    let declaration = format!("{} {}", p.text(3), p.text(4));
                    match (kind, p.opt(2)) {
                        (FunctionKind::Procedure, Some(mode)) => format!("{mode} {declaration}"),
                        _ => declaration,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let result = match kind {
                FunctionKind::Function => row.text(3).to_owned(),
                _ => String::new(),
            };
            Some(Function {
                schema: database.clone(),
                name: row.text(1).to_owned(),
                kind,
                arguments,
                result,
            })
        })
        .collect();

    // Tables with index rows first (in STATISTICS order), then the others (in COLUMNS order): the
    // order Amplify's generator meets them in.
    let mut generator_table_order: Vec<String> = Vec::new();
    let mut ordered: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for part in ["indexed_table", "column"] {
        for row in rows.iter().filter(|row| row.part == part) {
            let name = row.text(0);
            if tables.contains_key(name) && ordered.insert(name) {
                generator_table_order.push(name.to_owned());
            }
        }
    }
    Ok(Catalog {
        format: SNAPSHOT_FORMAT_VERSION,
        engine: Engine::Mysql,
        search_path: vec![database.clone()],
        database,
        server_version: Some(version),
        tables: tables.into_values().collect(),
        enums: Vec::new(),
        functions,
        generator_table_order,
        statements: Vec::new(),
    })
}

/// The members of `enum('a','b')` (or `set(...)`) as `COLUMN_TYPE` spells them: quotes doubled
/// (`'it''s'`) and backslashes escaped (`'a\\b'`); commas and parentheses inside quotes are data.
pub(crate) fn parse_enum_values(column_type: &str) -> Vec<String> {
    let Some(open) = column_type.find('(') else {
        return Vec::new();
    };
    let mut values = Vec::new();
    let mut chars = column_type[open + 1..].chars().peekable();
    loop {
        match chars.next() {
            Some('\'') => {
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            value.push('\'');
                        }
                        Some('\'') | None => break,
                        Some('\\') => match chars.next() {
                            Some('n') => value.push('\n'),
                            Some('r') => value.push('\r'),
                            Some('t') => value.push('\t'),
                            Some('0') => value.push('\0'),
                            Some('Z') => value.push('\u{1a}'),
                            Some(other) => value.push(other),
                            None => break,
                        },
                        Some(c) => value.push(c),
                    }
                }
                values.push(value);
            }
            Some(')') | None => break,
            // Commas and blanks between members.
            Some(_) => {}
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::parse_enum_values;

    #[test]
    fn enum_members_are_unquoted() {
        assert_eq!(parse_enum_values("enum('a','b')"), ["a", "b"]);
        assert_eq!(
            parse_enum_values(r"enum('a,b','it''s','back\\slash','q''','','(x)',' sp ')"),
            ["a,b", "it's", r"back\slash", "q'", "", "(x)", " sp "]
        );
        assert_eq!(parse_enum_values("set('x','y')"), ["x", "y"]);
        assert_eq!(parse_enum_values("enum('ünï','日本')"), ["ünï", "日本"]);
        assert!(parse_enum_values("int(11)").is_empty());
        assert!(parse_enum_values("varchar").is_empty());
    }
}
