//! Why an introspection failed, in words a user can act on, and without secrets.

use std::fmt;
use std::time::Duration;

use sqlx::mysql::MySqlDatabaseError;

use super::{ConnectionTarget, Session};
use crate::Engine;

/// Which step of a call failed or ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// TCP, TLS and authentication.
    Connecting,
    /// The catalog queries, once connected.
    ReadingCatalog,
}

/// Why [`introspect`](super::introspect) or [`fingerprint`](super::fingerprint) failed.
///
/// `Display` is one sentence naming the target (as [`ConnectionTarget`] prints it, so with host and
/// database but never the password or the URL as given) and the problem. `detail` fields hold the
/// driver's or the server's own words, scrubbed of the URL's secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntrospectError {
    /// The URL cannot be used: not a URL, an unsupported scheme, or (MySQL) no database named.
    UnsupportedUrl { reason: String },
    /// Nothing answered: connection refused, unknown host, network unreachable.
    Unreachable {
        target: ConnectionTarget,
        detail: String,
    },
    /// Connecting or reading took longer than the limit of [`IntrospectOptions`](super::IntrospectOptions).
    Timeout {
        target: ConnectionTarget,
        stage: Stage,
        after: Duration,
    },
    /// TLS was required (by `sslmode`/`ssl-mode` in the URL) but could not be set up: the server
    /// does not offer it, or its certificate was not accepted.
    TlsUnavailable {
        target: ConnectionTarget,
        detail: String,
    },
    /// Wrong password, unknown user, or an authentication method the server refused.
    AuthenticationFailed {
        target: ConnectionTarget,
        detail: String,
    },
    /// The server has no database of that name.
    DatabaseNotFound { target: ConnectionTarget },
    /// The user may not use the database or read its catalog.
    PermissionDenied {
        target: ConnectionTarget,
        detail: String,
    },
    /// Anything else: the server's or the driver's message.
    Other {
        target: ConnectionTarget,
        detail: String,
    },
}

impl IntrospectError {
    /// The target the error is about (`None` when the URL could not be used).
    pub fn target(&self) -> Option<&ConnectionTarget> {
        match self {
            IntrospectError::UnsupportedUrl { .. } => None,
            IntrospectError::Unreachable { target, .. }
            | IntrospectError::Timeout { target, .. }
            | IntrospectError::TlsUnavailable { target, .. }
            | IntrospectError::AuthenticationFailed { target, .. }
            | IntrospectError::DatabaseNotFound { target }
            | IntrospectError::PermissionDenied { target, .. }
            | IntrospectError::Other { target, .. } => Some(target),
        }
    }
}

impl fmt::Display for IntrospectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntrospectError::UnsupportedUrl { reason } => {
                write!(f, "cannot use the database URL: {reason}")
            }
            IntrospectError::Unreachable { target, detail } => {
                write!(f, "cannot reach the database server of {target}: {detail}")
            }
            IntrospectError::Timeout {
                target,
                stage: Stage::Connecting,
                after,
            } => write!(
                f,
                "connecting to {target} timed out after {}",
                HumanDuration(*after)
            ),
            IntrospectError::Timeout {
                target,
                stage: Stage::ReadingCatalog,
                after,
            } => write!(
                f,
                "reading the catalog of {target} timed out after {}",
                HumanDuration(*after)
            ),
            IntrospectError::TlsUnavailable { target, detail } => write!(
                f,
                "cannot set up the TLS connection that the URL asks for with {target}: {detail}"
            ),
            IntrospectError::AuthenticationFailed { target, detail } => {
                write!(f, "authentication failed for {target}: {detail}")
            }
            IntrospectError::DatabaseNotFound { target } => write!(
                f,
                "database \"{}\" does not exist on the server of {target}",
                target.database
            ),
            IntrospectError::PermissionDenied { target, detail } => {
                write!(
                    f,
                    "permission denied reading the catalog of {target}: {detail}"
                )
            }
            IntrospectError::Other { target, detail } => {
                write!(f, "cannot read the catalog of {target}: {detail}")
            }
        }
    }
}

impl std::error::Error for IntrospectError {}

/// `5 s`, `1.5 s`, `250 ms`.
struct HumanDuration(Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis < 1000 {
            write!(f, "{millis} ms")
        } else if millis.is_multiple_of(1000) {
            write!(f, "{} s", millis / 1000)
        } else {
            write!(f, "{} s", self.0.as_secs_f64())
        }
    }
}

/// Maps a driver error to ours. Every text taken from it is scrubbed.
pub(super) fn from_sqlx(session: &Session<'_>, stage: Stage, err: sqlx::Error) -> IntrospectError {
    let target = session.target.clone();
    let scrub = |text: &dyn fmt::Display| session.scrubber.scrub(&text.to_string());
    match err {
        // rustls reports a failed handshake (an unknown certificate issuer, a wrong host name) as
        // invalid data on the socket.
        sqlx::Error::Io(io)
            if stage == Stage::Connecting && io.kind() == std::io::ErrorKind::InvalidData =>
        {
            IntrospectError::TlsUnavailable {
                target,
                detail: scrub(&io),
            }
        }
        sqlx::Error::Io(io) if stage == Stage::Connecting => IntrospectError::Unreachable {
            target,
            detail: scrub(&io),
        },
        sqlx::Error::Io(io) => IntrospectError::Other {
            target,
            detail: format!("the connection broke: {}", scrub(&io)),
        },
        sqlx::Error::Tls(tls) => IntrospectError::TlsUnavailable {
            target,
            detail: scrub(&tls),
        },
        sqlx::Error::Database(db) => {
            let detail = scrub(&db.message());
            match classify(session.target.engine, db.as_ref()) {
                Kind::Authentication => IntrospectError::AuthenticationFailed { target, detail },
                Kind::NoDatabase => IntrospectError::DatabaseNotFound { target },
                Kind::Permission => IntrospectError::PermissionDenied { target, detail },
                Kind::Timeout => IntrospectError::Timeout {
                    target,
                    stage,
                    after: session.options.statement_timeout,
                },
                Kind::Unavailable => IntrospectError::Unreachable { target, detail },
                Kind::Other => IntrospectError::Other { target, detail },
            }
        }
        sqlx::Error::Configuration(source) => IntrospectError::Other {
            target,
            detail: format!("invalid connection settings: {}", scrub(&source)),
        },
        other => IntrospectError::Other {
            target,
            detail: scrub(&other),
        },
    }
}

enum Kind {
    Authentication,
    NoDatabase,
    Permission,
    Timeout,
    Unavailable,
    Other,
}

fn classify(engine: Engine, db: &dyn sqlx::error::DatabaseError) -> Kind {
    match engine {
        Engine::Postgresql => match db.code().as_deref() {
            // invalid_password, invalid_authorization_specification (unknown role, pg_hba reject)
            Some("28P01" | "28000") => Kind::Authentication,
            // invalid_catalog_name
            Some("3D000") => Kind::NoDatabase,
            // insufficient_privilege
            Some("42501") => Kind::Permission,
            // query_canceled (statement_timeout)
            Some("57014") => Kind::Timeout,
            // cannot_connect_now (starting up, shutting down), admin_shutdown
            Some("57P03" | "57P01") => Kind::Unavailable,
            _ => Kind::Other,
        },
        Engine::Mysql => match db
            .try_downcast_ref::<MySqlDatabaseError>()
            .map(|e| e.number())
        {
            // ER_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR, ER_NOT_SUPPORTED_AUTH_MODE
            Some(1045 | 1698 | 1251) => Kind::Authentication,
            // ER_BAD_DB_ERROR
            Some(1049) => Kind::NoDatabase,
            // ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_COLUMNACCESS_DENIED_ERROR,
            // ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_PROCACCESS_DENIED_ERROR
            Some(1044 | 1142 | 1143 | 1227 | 1370) => Kind::Permission,
            // MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT
            Some(1969 | 3024) => Kind::Timeout,
            // ER_SERVER_SHUTDOWN
            Some(1053) => Kind::Unavailable,
            _ => Kind::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> ConnectionTarget {
        ConnectionTarget::parse("postgres://postgres:pw@127.0.0.1:5432/app").unwrap()
    }

    #[test]
    fn messages_are_one_sentence_naming_the_target() {
        let timeout = IntrospectError::Timeout {
            target: target(),
            stage: Stage::Connecting,
            after: Duration::from_millis(1500),
        };
        assert_eq!(
            timeout.to_string(),
            "connecting to postgres://postgres@127.0.0.1:5432/app timed out after 1.5 s"
        );
        let missing = IntrospectError::DatabaseNotFound { target: target() };
        assert_eq!(
            missing.to_string(),
            "database \"app\" does not exist on the server of postgres://postgres@127.0.0.1:5432/app"
        );
        assert_eq!(HumanDuration(Duration::from_secs(10)).to_string(), "10 s");
        assert_eq!(HumanDuration(Duration::from_millis(5)).to_string(), "5 ms");
    }
}
