//! Database URLs: where a connection goes, printed without secrets.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use super::IntrospectError;
use crate::Engine;

/// Where a database URL points: everything about it except secrets (password, TLS files, query
/// parameters). Its `Display` is a URL without password, e.g. `postgres://postgres@127.0.0.1:5432/app`,
/// safe to log and to show.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectionTarget {
    pub engine: Engine,
    /// Host name or address as written (an IPv6 address keeps its brackets), or the directory of a
    /// Unix socket.
    pub host: String,
    pub port: u16,
    /// PostgreSQL: the database connected to (the user name when the URL names none). MySQL: the
    /// default database, empty when the URL names none.
    pub database: String,
    pub user: String,
}

impl ConnectionTarget {
    /// Parses a `postgres://`, `postgresql://`, `mysql://` or `mariadb://` URL the way the driver
    /// will (PostgreSQL: with the libpq defaults from `PG*` environment variables, and `?host=`,
    /// `?port=`, `?user=`, `?dbname=` parameters).
    pub fn parse(url: &str) -> Result<ConnectionTarget, IntrospectError> {
        parse(url, &Scrubber::new(url)).map(|(target, _)| target)
    }

    /// The URL scheme for this engine.
    fn scheme(&self) -> &'static str {
        match self.engine {
            Engine::Postgresql => "postgres",
            Engine::Mysql => "mysql",
        }
    }
}

impl fmt::Display for ConnectionTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme())?;
        if !self.user.is_empty() {
            write!(f, "{}@", self.user)?;
        }
        if self.host.starts_with('/') {
            // A Unix socket directory, written as libpq accepts it in the host part.
            write!(f, "{}", self.host.replace('/', "%2F"))?;
        } else {
            write!(f, "{}", self.host)?;
        }
        write!(f, ":{}/{}", self.port, self.database)
    }
}

/// A database URL made safe to log: [`ConnectionTarget`]'s form, or `<unparsable database URL>`
/// when it cannot be parsed. Never contains the password or query parameters.
pub fn redact(url: &str) -> String {
    match ConnectionTarget::parse(url) {
        Ok(target) => target.to_string(),
        Err(_) => "<unparsable database URL>".to_owned(),
    }
}

/// The driver's options for a parsed URL.
pub(super) enum ConnectOptions {
    Postgres(PgConnectOptions),
    Mysql(MySqlConnectOptions),
}

pub(super) fn parse(
    url: &str,
    scrubber: &Scrubber,
) -> Result<(ConnectionTarget, ConnectOptions), IntrospectError> {
    let Some((scheme, _)) = url.split_once("://") else {
        return Err(unsupported(
            "it is not a URL like postgres://user@host:5432/database or mysql://user@host:3306/database",
        ));
    };
    let invalid = |err: sqlx::Error| {
        // sqlx wraps the URL parser's message ("invalid port number", ...), which quotes no input;
        // scrub it all the same.
        let detail = match err {
            sqlx::Error::Configuration(source) => source.to_string(),
            other => other.to_string(),
        };
        unsupported(&format!(
            "it is not a valid URL ({})",
            scrubber.scrub(&detail)
        ))
    };
    match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => {
            let options = PgConnectOptions::from_str(url).map_err(invalid)?;
            let options = plain_first_if_local(url, options);
            let host = match options.get_socket() {
                Some(socket) => socket.display().to_string(),
                None => options.get_host().to_owned(),
            };
            let user = options.get_username().to_owned();
            let target = ConnectionTarget {
                engine: Engine::Postgresql,
                host,
                port: options.get_port(),
                database: options.get_database().unwrap_or(&user).to_owned(),
                user,
            };
            Ok((target, ConnectOptions::Postgres(options)))
        }
        "mysql" | "mariadb" => {
            let options = MySqlConnectOptions::from_str(url).map_err(invalid)?;
            let host = match options.get_socket() {
                Some(socket) => socket.display().to_string(),
                None => options.get_host().to_owned(),
            };
            let target = ConnectionTarget {
                engine: Engine::Mysql,
                host,
                port: options.get_port(),
                database: options.get_database().unwrap_or_default().to_owned(),
                user: options.get_username().to_owned(),
            };
            Ok((target, ConnectOptions::Mysql(options)))
        }
        other => {
            // Whatever stands before "://" is shown only when it looks like a scheme: a URL typed
            // wrongly might carry a password there.
            let looks_like_scheme = other.len() <= 20
                && other
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            let shown = if looks_like_scheme {
                format!("the scheme {other}:// is not supported")
            } else {
                "its scheme is not supported".to_owned()
            };
            Err(unsupported(&format!(
                "{shown}; use postgres://, postgresql://, mysql:// or mariadb://"
            )))
        }
    }
}

/// `sslmode=allow` (plain text first, TLS only if the server insists; see `postgres::connect`)
/// instead of libpq's default `prefer` for a loopback address or a Unix socket, when neither the
/// URL nor the environment says anything about TLS. Such traffic never leaves the machine, and
/// `prefer` would cost three round trips. Any `sslmode` given is kept as it is.
fn plain_first_if_local(url: &str, options: PgConnectOptions) -> PgConnectOptions {
    const URL_KEYS: [&str; 9] = [
        "sslmode",
        "ssl-mode",
        "sslrootcert",
        "ssl-root-cert",
        "ssl-ca",
        "sslcert",
        "ssl-cert",
        "sslkey",
        "ssl-key",
    ];
    const ENV_KEYS: [&str; 4] = ["PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY"];
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let chosen = query.split('&').any(|pair| {
        let key = pair.split_once('=').map_or(pair, |(key, _)| key);
        URL_KEYS.contains(&percent_decode(key).as_str())
    }) || ENV_KEYS.iter().any(|key| std::env::var_os(key).is_some());
    let host = options.get_host();
    let local = options.get_socket().is_some()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback());
    if local && !chosen && matches!(options.get_ssl_mode(), PgSslMode::Prefer) {
        options.ssl_mode(PgSslMode::Allow)
    } else {
        options
    }
}

fn unsupported(reason: &str) -> IntrospectError {
    IntrospectError::UnsupportedUrl {
        reason: reason.to_owned(),
    }
}

/// Removes a URL's secrets from texts that might quote them (driver and server messages).
///
/// It errs on the side of hiding too much: the whole URL, everything that could be the password
/// (raw and percent-decoded), the values of `password=` query parameters, and `PGPASSWORD`.
#[derive(Debug)]
pub(super) struct Scrubber {
    secrets: Vec<String>,
}

impl Scrubber {
    pub(super) fn new(url: &str) -> Scrubber {
        let mut secrets = vec![url.to_owned()];
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let (before_query, query) = after_scheme
            .split_once('?')
            .map_or((after_scheme, ""), |(before, query)| (before, query));
        if let Some(at) = before_query.rfind('@')
            && let Some((_, password)) = before_query[..at].split_once(':')
        {
            secrets.push(password.to_owned());
            secrets.push(percent_decode(password));
        }
        for pair in query.split(['&', '#']) {
            if let Some((key, value)) = pair.split_once('=')
                && key.eq_ignore_ascii_case("password")
            {
                secrets.push(value.to_owned());
                secrets.push(percent_decode(value));
            }
        }
        // The driver may also take the password from the environment (libpq's PGPASSWORD).
        secrets.extend(std::env::var("PGPASSWORD").ok());
        secrets.retain(|s| !s.is_empty());
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Scrubber { secrets }
    }

    pub(super) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "***");
            }
        }
        text
    }
}

/// Decodes `%XX` escapes (invalid ones stay as they are); invalid UTF-8 is replaced.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_print_without_password() {
        let target =
            ConnectionTarget::parse("postgres://postgres:s3cret@127.0.0.1:5432/app").unwrap();
        assert_eq!(target.engine, Engine::Postgresql);
        assert_eq!(target.host, "127.0.0.1");
        assert_eq!(target.port, 5432);
        assert_eq!(target.database, "app");
        assert_eq!(target.user, "postgres");
        assert_eq!(target.to_string(), "postgres://postgres@127.0.0.1:5432/app");

        let target = ConnectionTarget::parse(
            "postgresql://u:p@db.example.com/app?sslmode=require&password=q",
        )
        .unwrap();
        assert_eq!(target.to_string(), "postgres://u@db.example.com:5432/app");

        let target = ConnectionTarget::parse("mariadb://root:pw@[::1]/shop").unwrap();
        assert_eq!(target.engine, Engine::Mysql);
        assert_eq!(target.to_string(), "mysql://root@[::1]:3306/shop");

        let target = ConnectionTarget::parse("mysql://root@localhost").unwrap();
        assert_eq!(target.database, "");
    }

    #[test]
    fn query_parameters_override_the_url_as_the_driver_does() {
        let target = ConnectionTarget::parse(
            "postgres://u@h/app?user=other&port=6543&dbname=real&password=x",
        )
        .unwrap();
        assert_eq!(target.to_string(), "postgres://other@h:6543/real");
    }

    #[test]
    fn redact_never_shows_secrets() {
        for url in [
            "postgres://user:hunter2@host:5432/db",
            "postgres://user:hunter2@host:5432/db?password=hunter2",
            "mysql://user:hunter2@host/db",
            "postgres://user:hunter2@host:notaport/db",
            "postgres://user:hun/ter2@host/db",
            "http://user:hunter2@host/db",
            "user:hunter2@host/db",
            "",
            "://",
            "postgres://",
        ] {
            let redacted = redact(url);
            assert!(!redacted.contains("hunter2"), "{url} gave {redacted}");
            assert!(!redacted.contains("ter2"), "{url} gave {redacted}");
        }
        assert_eq!(
            redact("postgres://user:hunter2@host:notaport/db"),
            "<unparsable database URL>"
        );
        assert_eq!(
            redact("http://user:hunter2@host/db"),
            "<unparsable database URL>"
        );
        assert_eq!(redact("not a url"), "<unparsable database URL>");
        assert_eq!(redact("mysql://u:p@h:3307/d"), "mysql://u@h:3307/d");
    }

    #[test]
    fn unsupported_urls_explain_themselves() {
        let err = ConnectionTarget::parse("sqlite://file.db").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot use the database URL: the scheme sqlite:// is not supported; use postgres://, postgresql://, mysql:// or mariadb://"
        );
        let err = ConnectionTarget::parse("user:secret@host://x").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        let err = ConnectionTarget::parse("postgres://u:secret@h:99999/db").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot use the database URL: it is not a valid URL (invalid port number)"
        );
    }

    #[test]
    fn loopback_without_sslmode_tries_plain_text_first() {
        let mode = |url: &str| match parse(url, &Scrubber::new(url)) {
            Ok((_, ConnectOptions::Postgres(options))) => options.get_ssl_mode(),
            _ => panic!("{url} did not parse"),
        };
        if ["PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY"]
            .iter()
            .any(|key| std::env::var_os(key).is_some())
        {
            return; // The environment chooses.
        }
        for url in [
            "postgres://u@127.0.0.1:5432/db",
            "postgres://u@127.9.0.1/db",
            "postgres://u@localhost/db",
            "postgres://u@[::1]:5432/db",
            "postgres://u@%2Fvar%2Frun%2Fpostgresql/db",
            "postgres:///db?host=/tmp",
        ] {
            assert!(matches!(mode(url), PgSslMode::Allow), "{url}");
        }
        for url in [
            "postgres://u@127.0.0.1/db?sslmode=prefer",
            "postgres://u@localhost/db?ssl-mode=prefer",
            "postgres://u@127.0.0.1/db?sslrootcert=/ca.pem",
            "postgres://u@db.example.com/db",
            "postgres://u@10.0.0.5/db",
        ] {
            assert!(matches!(mode(url), PgSslMode::Prefer), "{url}");
        }
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=require"),
            PgSslMode::Require
        ));
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=disable"),
            PgSslMode::Disable
        ));
    }

    #[test]
    fn scrubbing_hides_raw_and_decoded_passwords() {
        let scrubber = Scrubber::new("postgres://u:p%40ss%2Fw0rd@h/db?password=other");
        let scrubbed = scrubber.scrub("a p%40ss%2Fw0rd b p@ss/w0rd c other d");
        assert_eq!(scrubbed, "a *** b *** c *** d");
        assert_eq!(percent_decode("%41%zz%4"), "A%zz%4");
    }
}
