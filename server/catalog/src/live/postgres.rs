//! PostgreSQL: the catalog from `pg_catalog`, in one round trip.
//!
//! The batch (`postgres_catalog.sql`) runs in the simple-query protocol inside
//! `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` with `SET LOCAL statement_timeout`, so nothing
//! can be written, every part comes from one snapshot, and nothing outlives the transaction (safe
//! behind a transaction-pooling proxy). Each SELECT answers one row: a part name and its JSON.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

use super::{IntrospectError, Session, Stage, close, timeout_millis};
use crate::{
    Catalog, Column, EnumType, ForeignKey, Function, FunctionKind, QualifiedName,
    SNAPSHOT_FORMAT_VERSION, Table, TableKind,
};

const CATALOG_SQL: &str = include_str!("postgres_catalog.sql");
const FINGERPRINT_SQL: &str = include_str!("postgres_fingerprint.sql");

pub(super) async fn introspect(
    session: &Session<'_>,
    options: PgConnectOptions,
) -> Result<Catalog, IntrospectError> {
    let mut parts = run(session, options, CATALOG_SQL).await?;
    let mut take = |name: &str| {
        parts
            .remove(name)
            .ok_or_else(|| session.unexpected(format_args!("no `{name}` part")))
    };
    let meta: Meta = parse(session, "meta", &take("meta")?)?;
    let tables: Vec<RawTable> = parse(session, "tables", &take("tables")?)?;
    let enums: Vec<EnumType> = parse(session, "enums", &take("enums")?)?;
    let functions: Vec<RawFunction> = parse(session, "functions", &take("functions")?)?;

    let tables = tables
        .into_iter()
        .map(|raw| raw.into_table(session))
        .collect::<Result<Vec<_>, _>>()?;
    let functions = functions
        .into_iter()
        .map(|raw| raw.into_function(session))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Catalog {
        format: SNAPSHOT_FORMAT_VERSION,
        engine: crate::Engine::Postgresql,
        database: meta.database,
        search_path: meta.search_path,
        server_version: Some(meta.server_version),
        tables,
        enums,
        functions,
        generator_table_order: Vec::new(),
        statements: Vec::new(),
    })
}

pub(super) async fn fingerprint(
    session: &Session<'_>,
    options: PgConnectOptions,
) -> Result<String, IntrospectError> {
    let mut parts = run(session, options, FINGERPRINT_SQL).await?;
    let digest = parts
        .remove("fingerprint")
        .ok_or_else(|| session.unexpected("no fingerprint"))?;
    Ok(format!("postgresql:{digest}"))
}

/// Connects, runs `sql` as one read-only batch, closes, and returns the `(part, body)` rows.
async fn run(
    session: &Session<'_>,
    options: PgConnectOptions,
    sql: &str,
) -> Result<HashMap<String, String>, IntrospectError> {
    let mut options = options.disable_statement_logging();
    if options.get_application_name().is_none() {
        options = options.application_name("schemals");
    }
    let mut connection = session
        .run(Stage::Connecting, PgConnection::connect_with(&options))
        .await?;
    // The catalog queries need PostgreSQL 12 (pg_attribute.attgenerated).
    if let Some(version) = connection.server_version_num()
        && version < 120_000
    {
        drop(connection);
        // 110005 is 11.5; 90624 is 9.6.24.
        let major = if version >= 100_000 {
            (version / 10_000).to_string()
        } else {
            format!("{}.{}", version / 10_000, version % 10_000 / 100)
        };
        return Err(IntrospectError::Other {
            target: session.target.clone(),
            detail: format!(
                "PostgreSQL {major} is not supported; schemals needs PostgreSQL 12 or newer"
            ),
        });
    }
    let batch = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n\
         SET LOCAL statement_timeout = {};\n\
         {sql}\n\
         COMMIT;",
        timeout_millis(session.options.statement_timeout)
    );
    let rows = session
        .run(
            Stage::ReadingCatalog,
            sqlx::raw_sql(sqlx::AssertSqlSafe(batch)).fetch_all(&mut connection),
        )
        .await?;
    close(connection).await;
    let mut parts = HashMap::new();
    for row in rows {
        let part: String = row.try_get(0).map_err(|e| session.unexpected(e))?;
        let body: Option<String> = row.try_get(1).map_err(|e| session.unexpected(e))?;
        parts.insert(part, body.unwrap_or_default());
    }
    Ok(parts)
}

fn parse<T: for<'de> Deserialize<'de>>(
    session: &Session<'_>,
    part: &str,
    json: &str,
) -> Result<T, IntrospectError> {
    serde_json::from_str(json).map_err(|e| session.unexpected(format_args!("`{part}`: {e}")))
}

#[derive(Deserialize)]
struct Meta {
    database: String,
    search_path: Vec<String>,
    server_version: String,
}

#[derive(Deserialize)]
struct RawTable {
    schema: String,
    name: String,
    kind: String,
    partition_of: Option<QualifiedName>,
    columns: Vec<RawColumn>,
    primary_key: Vec<String>,
    foreign_keys: Vec<ForeignKey>,
}

#[derive(Deserialize)]
struct RawColumn {
    name: String,
    ordinal: i64,
    data_type: String,
    udt_name: String,
    udt_schema: String,
    nullable: bool,
    default: Option<String>,
    generated: bool,
    enum_values: Option<Vec<String>>,
    character_maximum_length: Option<i64>,
}

#[derive(Deserialize)]
struct RawFunction {
    schema: String,
    name: String,
    kind: String,
    arguments: String,
    result: String,
}

impl RawTable {
    fn into_table(self, session: &Session<'_>) -> Result<Table, IntrospectError> {
        let kind = match self.kind.as_str() {
            "r" => TableKind::Table,
            "v" => TableKind::View,
            "m" => TableKind::MaterializedView,
            "f" => TableKind::ForeignTable,
            "p" => TableKind::PartitionedTable,
            other => return Err(session.unexpected(format_args!("relation kind `{other}`"))),
        };
        let columns = self
            .columns
            .into_iter()
            .map(|c| Column {
                name: c.name,
                ordinal: u32::try_from(c.ordinal).unwrap_or_default(),
                data_type: c.data_type,
                udt_name: c.udt_name,
                nullable: c.nullable,
                default: c.default,
                type_schema: (c.udt_schema != "pg_catalog").then_some(c.udt_schema),
                enum_values: c.enum_values.unwrap_or_default(),
                character_maximum_length: c.character_maximum_length,
                generated: c.generated,
            })
            .collect();
        Ok(Table {
            schema: self.schema,
            name: self.name,
            kind,
            columns,
            primary_key: self.primary_key,
            foreign_keys: self.foreign_keys,
            partition_of: self.partition_of,
        })
    }
}

impl RawFunction {
    fn into_function(self, session: &Session<'_>) -> Result<Function, IntrospectError> {
        let kind = match self.kind.as_str() {
            "f" => FunctionKind::Function,
            "a" => FunctionKind::Aggregate,
            "w" => FunctionKind::Window,
            "p" => FunctionKind::Procedure,
            other => return Err(session.unexpected(format_args!("function kind `{other}`"))),
        };
        Ok(Function {
            schema: self.schema,
            name: self.name,
            kind,
            arguments: self.arguments,
            result: self.result,
        })
    }
}
