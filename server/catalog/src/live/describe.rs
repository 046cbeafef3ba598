//! Describing statements without running them: the database prepares each one (PostgreSQL
//! extended-protocol Parse/Describe, MySQL `COM_STMT_PREPARE`) inside a transaction that is rolled
//! back (read-only on PostgreSQL; MySQL refuses to prepare a write in a read-only one), and says
//! what its result columns and parameters are. A refusal keeps the database's code, which tells a
//! refusal of the text from a limit of the describing session (a missing privilege, a timeout).
//!
//! Amplify's `:name` placeholders are not SQL either database accepts, so the caller says where
//! they are and they are rewritten to the engine's own parameters, padded with spaces to the same
//! length so that error positions still line up with the text as written: `:owner` becomes
//! `$1    ` (PostgreSQL; one number per distinct name) or `?     ` (MySQL; one per occurrence).

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::postgres::PgConnectOptions;
use sqlx::{
    Column as _, ConnectOptions as _, Connection as _, Executor as _, Statement as _, TypeInfo as _,
};

use super::target::{self, ConnectOptions, Scrubber};
use super::{IntrospectError, IntrospectOptions, Session, Stage, close, timeout_millis};
use crate::{
    DescribedColumn, DescribedParameter, StatementDescription, StatementToDescribe, statement_key,
};

/// Describes every statement with the database `url` names. A statement the database refuses gets
/// a description with its `error` (scrubbed of the URL's secrets); connection failures fail the
/// call. Descriptions come back in the order of `statements`.
pub async fn describe(
    url: &str,
    options: &IntrospectOptions,
    statements: &[StatementToDescribe],
) -> Result<Vec<StatementDescription>, IntrospectError> {
    let scrubber = Scrubber::new(url);
    let (target, connect) = target::parse(url, &scrubber)?;
    let session = Session {
        target: &target,
        scrubber: &scrubber,
        options,
    };
    match connect {
        ConnectOptions::Postgres(connect) => postgres(&session, connect, statements).await,
        ConnectOptions::Mysql(connect) => mysql(&session, connect, statements).await,
    }
}

/// The text with each placeholder replaced by `parameter(index of its name or occurrence)`,
/// padded to the placeholder's length, and the parameter names in order.
fn rewrite(
    statement: &StatementToDescribe,
    numbered_by_name: bool,
    parameter: impl Fn(usize) -> String,
) -> (String, Vec<String>) {
    let mut text = String::with_capacity(statement.sql.len());
    let mut names: Vec<String> = Vec::new();
    let mut last = 0;
    for (name, range) in &statement.placeholders {
        let (Some(before), true) = (
            statement.sql.get(last..range.start),
            range.end <= statement.sql.len() && range.start >= last,
        ) else {
            continue;
        };
        text.push_str(before);
        let index = match names.iter().position(|n| n == name) {
            Some(i) if numbered_by_name => i,
            _ => {
                names.push(name.clone());
                names.len() - 1
            }
        };
        let replacement = parameter(index);
        let width = range.len().max(replacement.len());
        text.push_str(&format!("{replacement:<width$}"));
        last = range.end;
    }
    text.push_str(statement.sql.get(last..).unwrap_or(""));
    // A trailing `;` is fine in a text; a prepared statement holds exactly one.
    let trimmed = text.trim_end().trim_end_matches(';').trim_end().len();
    text.truncate(trimmed);
    (text, names)
}

fn sql_str(text: &str) -> sqlx::SqlStr {
    sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(text.to_owned()))
}

/// The description of a statement the database refused to prepare; `sent` is the text it was
/// sent (placeholders rewritten).
fn refused(
    session: &Session<'_>,
    statement: &StatementToDescribe,
    sent: &str,
    error: sqlx::Error,
) -> StatementDescription {
    let (message, error_offset, error_code) = match &error {
        sqlx::Error::Database(e) => (
            e.message().to_owned(),
            postgres_error_offset(e.as_ref(), sent, &statement.sql),
            error_code(e.as_ref()),
        ),
        other => (other.to_string(), None, None),
    };
    StatementDescription {
        key: statement_key(&statement.sql),
        columns: Vec::new(),
        parameters: Vec::new(),
        error: Some(session.scrubber.scrub(&message)),
        error_offset,
        error_code,
    }
}

/// PostgreSQL's SQLSTATE, or MySQL's error number (its SQLSTATE is `42000` for a syntax error and
/// a missing privilege alike).
fn error_code(error: &dyn sqlx::error::DatabaseError) -> Option<String> {
    match error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        Some(mysql) => Some(mysql.number().to_string()),
        None => error.code().map(|code| code.into_owned()),
    }
}

/// Where PostgreSQL placed its error in the text `written`: it gives a position in characters,
/// from 1, in the text it was `sent`, whose placeholders were padded to the length they have as
/// written (a parameter longer than its placeholder shifts what follows; the offset is then only
/// near, and dropped if it falls outside the text or inside a character).
fn postgres_error_offset(
    error: &dyn sqlx::error::DatabaseError,
    sent: &str,
    written: &str,
) -> Option<usize> {
    let error = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    let sqlx::postgres::PgErrorPosition::Original(position) = error.position()? else {
        return None;
    };
    let (offset, _) = sent.char_indices().nth(position.checked_sub(1)?)?;
    (offset < written.len() && written.is_char_boundary(offset)).then_some(offset)
}

async fn postgres(
    session: &Session<'_>,
    options: PgConnectOptions,
    statements: &[StatementToDescribe],
) -> Result<Vec<StatementDescription>, IntrospectError> {
    let mut connection = super::postgres::connect(session, options).await?;
    let begin = format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL statement_timeout = {}",
        timeout_millis(session.options.statement_timeout)
    );
    let mut out = Vec::with_capacity(statements.len());
    for statement in statements {
        let (text, names) = rewrite(statement, true, |i| format!("${}", i + 1));
        session
            .run(
                Stage::ReadingCatalog,
                (&mut connection).execute(sqlx::raw_sql(sqlx::AssertSqlSafe(begin.clone()))),
            )
            .await?;
        let prepared = session
            .run(Stage::ReadingCatalog, async {
                Ok::<_, sqlx::Error>((&mut connection).prepare(sql_str(&text)).await)
            })
            .await?;
        session
            .run(
                Stage::ReadingCatalog,
                (&mut connection).execute(sqlx::raw_sql("ROLLBACK")),
            )
            .await?;
        out.push(match prepared {
            Ok(prepared) => {
                let columns = prepared
                    .columns()
                    .iter()
                    .map(|c| DescribedColumn {
                        name: c.name().to_owned(),
                        data_type: c.type_info().name().to_owned(),
                        nullable: None,
                    })
                    .collect();
                let parameters = match prepared.parameters() {
                    Some(sqlx::Either::Left(types)) => names
                        .iter()
                        .zip(types)
                        .map(|(name, ty)| DescribedParameter {
                            name: name.clone(),
                            data_type: ty.name().to_owned(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                StatementDescription {
                    key: statement_key(&statement.sql),
                    columns,
                    parameters,
                    error: None,
                    error_offset: None,
                    error_code: None,
                }
            }
            Err(error) => refused(session, statement, &text, error),
        });
    }
    close(connection).await;
    Ok(out)
}

/// How many statements stay prepared on the server before they are closed together.
///
/// sqlx keeps prepared statements in a cache and closes the one it evicts from a full cache with
/// `COM_STMT_CLOSE`, which the server does not answer. It sets no `TCP_NODELAY`, so the command
/// after that close is held back by Nagle until the server's delayed ACK (~40 ms on Linux): with
/// the default capacity of 100, every statement past the hundredth cost 40 ms. A cache as large as
/// a batch evicts nothing; a full batch is closed at once (at most one such wait per batch), and
/// the last one by `COM_QUIT`. The bound keeps us far below the server's `max_prepared_stmt_count`.
const MYSQL_BATCH: usize = 1000;

async fn mysql(
    session: &Session<'_>,
    options: MySqlConnectOptions,
    statements: &[StatementToDescribe],
) -> Result<Vec<StatementDescription>, IntrospectError> {
    let options = options
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .timezone(None::<String>)
        .set_names(false)
        .statement_cache_capacity(MYSQL_BATCH)
        .disable_statement_logging();
    let mut connection = session
        .run(Stage::Connecting, MySqlConnection::connect_with(&options))
        .await?;
    let mut out = Vec::with_capacity(statements.len());
    for (i, statement) in statements.iter().enumerate() {
        if i > 0 && i % MYSQL_BATCH == 0 {
            session
                .run(Stage::ReadingCatalog, connection.clear_cached_statements())
                .await?;
        }
        let (text, _) = rewrite(statement, false, |_| "?".to_owned());
        session
            .run(
                Stage::ReadingCatalog,
                // Not READ ONLY: MySQL then refuses to prepare INSERT, UPDATE and DELETE (1792),
                // and preparing runs nothing either way.
                (&mut connection).execute(sqlx::raw_sql("START TRANSACTION")),
            )
            .await?;
        let prepared = session
            .run(Stage::ReadingCatalog, async {
                Ok::<_, sqlx::Error>((&mut connection).prepare(sql_str(&text)).await)
            })
            .await?;
        session
            .run(
                Stage::ReadingCatalog,
                (&mut connection).execute(sqlx::raw_sql("ROLLBACK")),
            )
            .await?;
        out.push(match prepared {
            Ok(prepared) => StatementDescription {
                key: statement_key(&statement.sql),
                columns: prepared
                    .columns()
                    .iter()
                    .map(|c| DescribedColumn {
                        name: c.name().to_owned(),
                        data_type: c.type_info().name().to_owned(),
                        nullable: None,
                    })
                    .collect(),
                // MySQL types no parameter at prepare time: only their number is known.
                parameters: Vec::new(),
                error: None,
                error_offset: None,
                error_code: None,
            },
            Err(error) => refused(session, statement, &text, error),
        });
    }
    close(connection).await;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_parameters_of_the_same_length() {
        let sql = "SELECT * FROM notes WHERE owner = :owner OR :owner = '' AND id = :id;";
        let find = |needle: &str, nth: usize| {
            let start = sql
                .match_indices(needle)
                .nth(nth)
                .map(|(i, _)| i)
                .unwrap_or(0);
            (needle[1..].to_owned(), start..start + needle.len())
        };
        let statement = StatementToDescribe {
            sql: sql.to_owned(),
            placeholders: vec![find(":owner", 0), find(":owner", 1), find(":id", 0)],
        };
        let (pg, names) = rewrite(&statement, true, |i| format!("${}", i + 1));
        assert_eq!(
            pg,
            "SELECT * FROM notes WHERE owner = $1     OR $1     = '' AND id = $2"
        );
        assert_eq!(names, ["owner", "id"]);
        let (my, names) = rewrite(&statement, false, |_| "?".to_owned());
        assert_eq!(
            my,
            "SELECT * FROM notes WHERE owner = ?      OR ?      = '' AND id = ?"
        );
        assert_eq!(names, ["owner", "owner", "id"]);
    }
}
