//! PostgreSQL: the catalog from `pg_catalog`, in one round trip.
//!
//! The batch (`postgres_catalog.sql`) runs in the simple-query protocol inside
//! `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY` with `SET LOCAL statement_timeout`, so nothing
//! can be written, every part comes from one snapshot, and nothing outlives the transaction (safe
//! behind a transaction-pooling proxy). Each SELECT answers rows of a part name and its JSON, read
//! as they arrive: columns and keys, the largest parts, come a row per table (relations and
//! functions stay one row each, a few hundred KB at most).
//! `SET LOCAL jit = off` too: the catalog queries are estimated costly enough for JIT compilation,
//! which takes longer than running them.
//!
//! A whole introspection is three round trips on a loopback address: startup (trust) or a few for
//! authentication, the batch, and the closing Terminate. See [`connect`] for TLS.

use std::collections::HashMap;

use compact_str::CompactString;
use futures_util::TryStreamExt as _;
use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow, PgSslMode};
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
    let mut parts = Parts::default();
    run(session, options, CATALOG_SQL, |part, body| {
        parts.add(session, part, body)
    })
    .await?;
    let missing = |name: &str| session.unexpected(format_args!("no `{name}` part"));
    let meta = parts.meta.ok_or_else(|| missing("meta"))?;
    let relations = parts.relations.ok_or_else(|| missing("relations"))?;
    let enums = parts.enums.ok_or_else(|| missing("enums"))?;
    let functions = parts.functions.ok_or_else(|| missing("functions"))?;

    let tables = assemble(session, relations, parts.columns, parts.keys)?;
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
    let mut digest = None;
    run(session, options, FINGERPRINT_SQL, |part, body| {
        if part == "fingerprint" {
            digest = Some(body.to_owned());
        }
        Ok(())
    })
    .await?;
    let digest = digest.ok_or_else(|| session.unexpected("no fingerprint"))?;
    Ok(format!("postgresql:{digest}"))
}

/// The parts of the catalog read so far: `columns` and `keys` come a row per table.
#[derive(Default)]
struct Parts {
    meta: Option<Meta>,
    relations: Option<Vec<RawRelation>>,
    columns: Vec<RawColumn>,
    keys: Vec<RawKey>,
    enums: Option<Vec<EnumType>>,
    functions: Option<Vec<RawFunction>>,
}

impl Parts {
    fn add(
        &mut self,
        session: &Session<'_>,
        part: &str,
        json: &str,
    ) -> Result<(), IntrospectError> {
        match part {
            "meta" => self.meta = Some(parse(session, part, json)?),
            "relations" => self.relations = Some(parse(session, part, json)?),
            "columns" => self.columns.extend(parse::<Vec<_>>(session, part, json)?),
            "keys" => self.keys.extend(parse::<Vec<_>>(session, part, json)?),
            "enums" => self.enums = Some(parse(session, part, json)?),
            "functions" => self.functions = Some(parse(session, part, json)?),
            _ => {}
        }
        Ok(())
    }
}

/// Opens a connection (application name `schemals` unless the URL names one; no statement logging).
///
/// `sslmode=allow` works as in libpq, plain text first and TLS if the server refuses that (sqlx
/// alone would never try TLS). [`super::target`] chooses it on a loopback address or Unix socket
/// when the URL and environment name no TLS setting: there, `prefer` would buy no protection for
/// three more round trips (SSLRequest, TLS handshake). Both attempts share the connect timeout.
pub(super) async fn connect(
    session: &Session<'_>,
    options: PgConnectOptions,
) -> Result<PgConnection, IntrospectError> {
    let mut options = options.disable_statement_logging();
    if options.get_application_name().is_none() {
        options = options.application_name("schemals");
    }
    if !matches!(options.get_ssl_mode(), PgSslMode::Allow) {
        return session
            .run(Stage::Connecting, PgConnection::connect_with(&options))
            .await;
    }
    let plain = options.clone().ssl_mode(PgSslMode::Disable);
    let attempts = async {
        match PgConnection::connect_with(&plain).await {
            // Refused by the server (e.g. a `hostssl`-only pg_hba.conf): again as `prefer`, whose
            // error is the one to show if this fails too.
            Err(sqlx::Error::Database(_)) => {
                PgConnection::connect_with(&options.ssl_mode(PgSslMode::Prefer)).await
            }
            other => other,
        }
    };
    session.run(Stage::Connecting, attempts).await
}

/// Connects, runs `sql` as one read-only batch, hands each `(part, body)` row to `each` as it
/// arrives (its text is freed before the next row is read), and closes.
async fn run(
    session: &Session<'_>,
    options: PgConnectOptions,
    sql: &str,
    mut each: impl FnMut(&str, &str) -> Result<(), IntrospectError>,
) -> Result<(), IntrospectError> {
    let mut connection = connect(session, options).await?;
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
         SET LOCAL jit = off;\n\
         {sql}\n\
         COMMIT;",
        timeout_millis(session.options.statement_timeout)
    );
    // A row this module cannot read ends the read; the connection is closed all the same.
    let mut failure = None;
    session
        .run(Stage::ReadingCatalog, async {
            let mut rows = sqlx::raw_sql(sqlx::AssertSqlSafe(batch)).fetch(&mut connection);
            while let Some(row) = rows.try_next().await? {
                let read = part_and_body(&row)
                    .map_err(|e| session.unexpected(e))
                    .and_then(|(part, body)| each(part, body));
                if let Err(e) = read {
                    failure = Some(e);
                    break;
                }
            }
            Ok(())
        })
        .await?;
    close(connection).await;
    failure.map_or(Ok(()), Err)
}

fn part_and_body(row: &PgRow) -> Result<(&str, &str), sqlx::Error> {
    let part: &str = row.try_get(0)?;
    let body: Option<&str> = row.try_get(1)?;
    Ok((part, body.unwrap_or_default()))
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
struct RawRelation {
    id: u32,
    schema: String,
    name: String,
    kind: String,
    partition_of: Option<QualifiedName>,
}

#[derive(Deserialize)]
struct RawColumn {
    relation: u32,
    name: CompactString,
    ordinal: i64,
    data_type: CompactString,
    udt_name: CompactString,
    udt_schema: String,
    nullable: bool,
    default: Option<String>,
    generated: bool,
    enum_values: Option<Vec<String>>,
    character_maximum_length: Option<i64>,
}

/// A primary key (`p`) or foreign key (`f`); columns are attribute numbers.
#[derive(Deserialize)]
struct RawKey {
    relation: u32,
    kind: String,
    name: String,
    columns: Vec<i64>,
    referenced_relation: Option<u32>,
    referenced_schema: Option<String>,
    referenced_table: Option<String>,
    referenced_columns: Option<Vec<i64>>,
    /// Only for a referenced table outside the `columns` part.
    referenced_names: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawFunction {
    schema: String,
    name: String,
    kind: String,
    arguments: String,
    result: String,
}

/// Tables from the flat parts: columns and keys join their relation by oid, key columns are named
/// from the columns read.
fn assemble(
    session: &Session<'_>,
    relations: Vec<RawRelation>,
    columns: Vec<RawColumn>,
    keys: Vec<RawKey>,
) -> Result<Vec<Table>, IntrospectError> {
    let mut ids = Vec::with_capacity(relations.len());
    let mut tables = Vec::with_capacity(relations.len());
    for raw in relations {
        let kind = match raw.kind.as_str() {
            "r" => TableKind::Table,
            "v" => TableKind::View,
            "m" => TableKind::MaterializedView,
            "f" => TableKind::ForeignTable,
            "p" => TableKind::PartitionedTable,
            other => return Err(session.unexpected(format_args!("relation kind `{other}`"))),
        };
        ids.push(raw.id);
        tables.push(Table {
            schema: raw.schema,
            name: raw.name,
            kind,
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            partition_of: raw.partition_of,
        });
    }
    let index: HashMap<u32, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let position = |relation: u32| {
        index
            .get(&relation)
            .copied()
            .ok_or_else(|| session.unexpected(format_args!("relation {relation} not read")))
    };
    for c in columns {
        let table = position(c.relation)?;
        tables[table].columns.push(Column {
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
        });
    }
    let names = |table: usize, attnums: &[i64]| {
        attnums
            .iter()
            .map(|&attnum| {
                tables[table]
                    .columns
                    .iter()
                    .find(|c| i64::from(c.ordinal) == attnum)
                    .map(|c| c.name.to_string())
                    .ok_or_else(|| session.unexpected(format_args!("key column {attnum} not read")))
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let mut primary_keys = Vec::new();
    let mut foreign_keys = Vec::new();
    for key in keys {
        let table = position(key.relation)?;
        let columns = names(table, &key.columns)?;
        match key.kind.as_str() {
            "p" => primary_keys.push((table, columns)),
            "f" => {
                let referenced_columns = match key.referenced_names {
                    Some(names) => names,
                    None => {
                        let referenced = key
                            .referenced_relation
                            .ok_or_else(|| session.unexpected("foreign key without table"))?;
                        names(
                            position(referenced)?,
                            key.referenced_columns.as_deref().unwrap_or_default(),
                        )?
                    }
                };
                foreign_keys.push((
                    table,
                    ForeignKey {
                        name: key.name,
                        columns,
                        referenced_schema: key.referenced_schema.unwrap_or_default(),
                        referenced_table: key.referenced_table.unwrap_or_default(),
                        referenced_columns,
                    },
                ));
            }
            other => return Err(session.unexpected(format_args!("key kind `{other}`"))),
        }
    }
    for (table, columns) in primary_keys {
        tables[table].primary_key.extend(columns);
    }
    for (table, key) in foreign_keys {
        tables[table].foreign_keys.push(key);
    }
    Ok(tables)
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
