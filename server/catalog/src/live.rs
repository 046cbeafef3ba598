//! Live introspection with sqlx (PostgreSQL and MySQL/MariaDB).
//!
//! Each call opens one connection, reads the catalog read-only in one round trip (a multi-statement
//! batch inside a read-only transaction, see `live/*.sql`), and closes it. Errors never carry the
//! URL or the password: they name the target through [`ConnectionTarget`], and every text that comes
//! from the driver or the server is scrubbed of the URL's secrets first.
//!
//! Time limits: connecting is bounded by [`IntrospectOptions::connect_timeout`]; reading the catalog
//! by [`IntrospectOptions::statement_timeout`], both on the server (per statement) and on the client
//! (for the whole batch). So a call never takes much longer than the sum of the two.
//!
//! Round trips after connecting: one for the catalog, one for the fingerprint, on both engines
//! (sqlx's own MySQL set-up query is folded into the batch).
//!
//! What is read, and decisions worth knowing:
//! - PostgreSQL 12 or newer, from `pg_catalog`: relations of every schema but `pg_catalog`,
//!   `information_schema`, `pg_toast*` and `pg_temp_*`. Partitions are listed as tables, with
//!   [`Table::partition_of`](crate::Table::partition_of) naming their parent, because
//!   `information_schema` and Amplify's generator list them too. Column `udt_name`, nullability,
//!   default and maximum length are what `information_schema.columns` shows (a domain column has
//!   its base type's `udt_name`; generated columns have no default); `data_type` is `format_type`,
//!   so it names the domain. Functions of every schema, `pg_catalog` included, minus those that are
//!   useless in hand-written SQL (see `postgres_catalog.sql`): about 1,600, 2,200 with PostGIS.
//! - MySQL/MariaDB, from `information_schema`, for `DATABASE()` only (every query is filtered by
//!   schema). MariaDB's `NULL` default keyword becomes no default; other defaults are kept as the
//!   server spells them (MariaDB quotes strings, MySQL 8 does not). Sequences are skipped. Routines
//!   of the database only: the built-in functions are not in any catalog table.

use std::future::Future;
use std::time::Duration;

use crate::Catalog;

mod describe;
mod error;
mod mysql;
mod postgres;
mod target;

pub use describe::describe;
pub use error::{IntrospectError, Stage};
pub use target::{ConnectionTarget, redact};

use target::{ConnectOptions, Scrubber};

/// Limits for one introspection or fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// How long connecting (TCP, TLS and authentication) may take.
    pub connect_timeout: Duration,
    /// How long reading the catalog may take, once connected.
    pub statement_timeout: Duration,
}

impl Default for IntrospectOptions {
    fn default() -> IntrospectOptions {
        IntrospectOptions {
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        }
    }
}

/// Reads the catalog of the database `url` names (`postgres://`, `postgresql://`, `mysql://` or
/// `mariadb://`), normalized.
///
/// PostgreSQL: every schema except the system ones; functions of every schema, `pg_catalog`
/// included. MySQL/MariaDB: the database of the URL only, which the URL must name.
pub async fn introspect(
    url: &str,
    options: &IntrospectOptions,
) -> Result<Catalog, IntrospectError> {
    let scrubber = Scrubber::new(url);
    let (target, connect) = target::parse(url, &scrubber)?;
    let session = Session {
        target: &target,
        scrubber: &scrubber,
        options,
    };
    let mut catalog = match connect {
        ConnectOptions::Postgres(connect) => postgres::introspect(&session, connect).await?,
        ConnectOptions::Mysql(connect) => mysql::introspect(&session, connect).await?,
    };
    catalog.normalize();
    Ok(catalog)
}

/// A short digest that changes whenever the tables, columns, keys, types or functions that
/// [`introspect`] reads change, so that a caller can re-read the catalog only then. One query, a
/// few milliseconds. The digest is opaque; compare it for equality only.
pub async fn fingerprint(
    url: &str,
    options: &IntrospectOptions,
) -> Result<String, IntrospectError> {
    let scrubber = Scrubber::new(url);
    let (target, connect) = target::parse(url, &scrubber)?;
    let session = Session {
        target: &target,
        scrubber: &scrubber,
        options,
    };
    match connect {
        ConnectOptions::Postgres(connect) => postgres::fingerprint(&session, connect).await,
        ConnectOptions::Mysql(connect) => mysql::fingerprint(&session, connect).await,
    }
}

/// What every step of one call needs: where it goes, what to hide, and how long it may take.
struct Session<'a> {
    target: &'a ConnectionTarget,
    scrubber: &'a Scrubber,
    options: &'a IntrospectOptions,
}

impl Session<'_> {
    /// Runs `future` (a driver call) within the limit of `stage`, turning its error into ours.
    async fn run<T>(
        &self,
        stage: Stage,
        future: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, IntrospectError> {
        let limit = match stage {
            Stage::Connecting => self.options.connect_timeout,
            Stage::ReadingCatalog => self.options.statement_timeout,
        };
        match tokio::time::timeout(limit, future).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(error::from_sqlx(self, stage, err)),
            Err(_elapsed) => Err(IntrospectError::Timeout {
                target: self.target.clone(),
                stage,
                after: limit,
            }),
        }
    }

    /// An error for catalog data this module cannot make sense of.
    fn unexpected(&self, what: impl std::fmt::Display) -> IntrospectError {
        IntrospectError::Other {
            target: self.target.clone(),
            detail: self.scrubber.scrub(&format!(
                "the server answered unexpected catalog data: {what}"
            )),
        }
    }
}

/// Closes a connection politely (so the server logs no "unexpected EOF"), giving up after a second.
/// Only after success: after an error or a timeout the connection is simply dropped, which closes
/// the socket at once.
async fn close<C: sqlx::Connection>(connection: C) {
    let _ = tokio::time::timeout(Duration::from_secs(1), connection.close()).await;
}

/// Milliseconds for a server-side timeout: at least 1 (0 would mean "no limit").
fn timeout_millis(limit: Duration) -> u128 {
    limit.as_millis().max(1)
}
