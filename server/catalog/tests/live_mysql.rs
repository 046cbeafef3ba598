//! Live introspection against a real MariaDB or MySQL (`bash .ci/services.sh` starts MariaDB).
//!
//! Every test creates a fresh database, loads DDL, introspects and drops the database (and any user
//! made for it) again, also when it fails. Set `SCHEMALS_TEST_MYSQL_URL` to use another server than
//! `mysql://root@127.0.0.1:3306/mysql` (an account that may create databases and users).
//! A server that cannot be reached fails the tests: they never pass silently.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use schemals_catalog::live::{IntrospectError, IntrospectOptions, Stage, fingerprint, introspect};
use schemals_catalog::{Catalog, CatalogIndex, Engine, FunctionKind, TableKind};
use sqlx::{Connection, MySqlConnection};

const SHOP_DDL: &str = r#"
CREATE TABLE customers (
    id         INT AUTO_INCREMENT PRIMARY KEY,
    email      VARCHAR(254) NOT NULL UNIQUE,
    mood       ENUM('happy', 'sad, really', 'it''s complicated', 'back\\slash') NOT NULL DEFAULT 'happy',
    perms      SET('read', 'write'),
    profile    JSON,
    active     TINYINT(1) NOT NULL DEFAULT 1,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    note       VARCHAR(20) DEFAULT 'NULL',
    nickname   VARCHAR(20) DEFAULT NULL,
    shout      VARCHAR(300) AS (CONCAT(email, '!')) VIRTUAL
);

CREATE TABLE tags (id INT PRIMARY KEY, label VARCHAR(50));

-- The key order differs from the column order.
CREATE TABLE customer_tags (
    customer_id INT NOT NULL,
    tag_id      INT NOT NULL,
    PRIMARY KEY (tag_id, customer_id),
    CONSTRAINT fk_ct_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT fk_ct_tag FOREIGN KEY (tag_id) REFERENCES tags (id)
);

CREATE TABLE orders (
    id          BIGINT UNSIGNED AUTO_INCREMENT,
    customer_id INT,
    tag_id      INT,
    PRIMARY KEY (id),
    CONSTRAINT fk_orders_ct FOREIGN KEY (tag_id, customer_id) REFERENCES customer_tags (tag_id, customer_id)
);

CREATE TABLE accounts (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL);

-- Names that need quoting, with non-ASCII letters.
CREATE TABLE `Café Menu` (`prénom` VARCHAR(10) PRIMARY KEY, `Order ID` INT);

CREATE VIEW happy_customers AS SELECT id, email FROM customers WHERE mood = 'happy';

CREATE FUNCTION add_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1;
CREATE PROCEDURE touch(IN who VARCHAR(20), OUT n INT) SELECT 1 INTO n;
"#;

/// Loaded into a second database on the same server: Amplify's generator mixes its keys into the
/// first one's; schemals must not.
const NEIGHBOUR_DDL: &str = r#"
CREATE TABLE accounts (code VARCHAR(20) PRIMARY KEY, id INT);
CREATE TABLE elsewhere (id INT PRIMARY KEY);
"#;

#[tokio::test]
async fn reads_tables_columns_keys_and_routines_of_the_url_database_only() {
    let db = TestDb::create(SHOP_DDL).await;
    let neighbour = TestDb::create(NEIGHBOUR_DDL).await;
    let started = Instant::now();
    let catalog = introspect(&db.url, &IntrospectOptions::default())
        .await
        .expect("introspection");
    eprintln!(
        "introspected {} tables in {:?}",
        catalog.tables.len(),
        started.elapsed()
    );
    let version = catalog.server_version.clone().unwrap_or_default();
    let mariadb = version.contains("MariaDB");

    assert_eq!(catalog.engine, Engine::Mysql);
    assert_eq!(catalog.database, db.name);
    assert_eq!(catalog.search_path, std::slice::from_ref(&db.name));
    assert!(catalog.enums.is_empty());
    let tables: Vec<(&str, &str, TableKind)> = catalog
        .tables
        .iter()
        .map(|t| (t.schema.as_str(), t.name.as_str(), t.kind))
        .collect();
    let schema = db.name.as_str();
    assert_eq!(
        tables,
        [
            (schema, "Café Menu", TableKind::Table),
            (schema, "accounts", TableKind::Table),
            (schema, "customer_tags", TableKind::Table),
            (schema, "customers", TableKind::Table),
            (schema, "happy_customers", TableKind::View),
            (schema, "orders", TableKind::Table),
            (schema, "tags", TableKind::Table),
        ]
    );
    drop(neighbour);

    let index = CatalogIndex::new(&catalog);
    let table = |name: &str| {
        index
            .table(&catalog, schema, name)
            .unwrap_or_else(|| panic!("no {name}"))
    };

    let customers = table("customers");
    let columns: Vec<(&str, u32, &str, &str, bool)> = customers
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.ordinal,
                c.data_type.as_str(),
                c.udt_name.as_str(),
                c.nullable,
            )
        })
        .collect();
    let int = if mariadb { "int(11)" } else { "int" };
    let json = if mariadb { "longtext" } else { "json" };
    assert_eq!(
        columns,
        [
            ("id", 1, int, "int", false),
            ("email", 2, "varchar(254)", "varchar", false),
            (
                "mood",
                3,
                r"enum('happy','sad, really','it''s complicated','back\\slash')",
                "enum",
                false
            ),
            ("perms", 4, "set('read','write')", "set", true),
            ("profile", 5, json, json, true),
            ("active", 6, "tinyint(1)", "tinyint", false),
            ("created_at", 7, "datetime", "datetime", true),
            ("note", 8, "varchar(20)", "varchar", true),
            ("nickname", 9, "varchar(20)", "varchar", true),
            ("shout", 10, "varchar(300)", "varchar", true),
        ]
    );
    let id = customers.column("id").unwrap();
    assert!(
        id.generated && id.default.is_none(),
        "AUTO_INCREMENT: {id:?}"
    );
    let mood = customers.column("mood").unwrap();
    assert_eq!(
        mood.enum_values,
        ["happy", "sad, really", "it's complicated", r"back\slash"]
    );
    assert!(
        customers.column("perms").unwrap().enum_values.is_empty(),
        "a set is not an enum"
    );
    assert_eq!(
        customers.column("email").unwrap().character_maximum_length,
        Some(254)
    );
    assert!(customers.column("shout").unwrap().generated);
    assert!(!customers.column("email").unwrap().generated);
    assert_eq!(customers.column("nickname").unwrap().default, None);
    if mariadb {
        // MariaDB prints defaults as SQL expressions.
        assert_eq!(mood.default.as_deref(), Some("'happy'"));
        assert_eq!(
            customers.column("active").unwrap().default.as_deref(),
            Some("1")
        );
        assert_eq!(
            customers.column("note").unwrap().default.as_deref(),
            Some("'NULL'")
        );
        assert_eq!(
            customers.column("created_at").unwrap().default.as_deref(),
            Some("current_timestamp()")
        );
    }
    assert_eq!(customers.primary_key, ["id"]);
    assert_eq!(
        table("customer_tags").primary_key,
        ["tag_id", "customer_id"]
    );
    assert_eq!(
        table("accounts").primary_key,
        ["id"],
        "keys of the neighbour database leaked in"
    );
    let orders = table("orders");
    let id = orders.column("id").unwrap();
    assert_eq!(
        id.data_type,
        if mariadb {
            "bigint(20) unsigned"
        } else {
            "bigint unsigned"
        }
    );
    assert!(id.generated);

    let fks: Vec<FkRow<'_>> = ["customer_tags", "orders"]
        .iter()
        .flat_map(|name| &table(name).foreign_keys)
        .map(|fk| {
            (
                fk.name.as_str(),
                fk.columns.iter().map(String::as_str).collect(),
                fk.referenced_schema.as_str(),
                fk.referenced_table.as_str(),
                fk.referenced_columns.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        fks,
        [
            (
                "fk_ct_customer",
                vec!["customer_id"],
                schema,
                "customers",
                vec!["id"]
            ),
            ("fk_ct_tag", vec!["tag_id"], schema, "tags", vec!["id"]),
            (
                "fk_orders_ct",
                vec!["tag_id", "customer_id"],
                schema,
                "customer_tags",
                vec!["tag_id", "customer_id"]
            ),
        ]
    );

    let menu = table("Café Menu");
    assert_eq!(
        menu.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["prénom", "Order ID"]
    );
    assert_eq!(menu.primary_key, ["prénom"]);

    let view = table("happy_customers");
    assert_eq!(
        view.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "email"]
    );
    assert!(view.primary_key.is_empty());

    let functions: Vec<(&str, &str, FunctionKind, &str, &str)> = catalog
        .functions
        .iter()
        .map(|f| {
            (
                f.schema.as_str(),
                f.name.as_str(),
                f.kind,
                f.arguments.as_str(),
                f.result.as_str(),
            )
        })
        .collect();
    let varchar = "varchar(20)";
    assert_eq!(
        functions,
        [
            (
                schema,
                "add_one",
                FunctionKind::Function,
                &*format!("x {int}"),
                int
            ),
            (
                schema,
                "touch",
                FunctionKind::Procedure,
                &*format!("IN who {varchar}, OUT n {int}"),
                ""
            ),
        ]
    );
}

#[tokio::test]
async fn snapshots_round_trip_and_repeat_byte_for_byte() {
    let db = TestDb::create(SHOP_DDL).await;
    let first = introspect(&db.url, &IntrospectOptions::default())
        .await
        .unwrap();
    let second = introspect(&db.url, &IntrospectOptions::default())
        .await
        .unwrap();
    let json = first.to_json();
    assert_eq!(Catalog::from_json(&json).unwrap(), first);
    assert_eq!(json, second.to_json(), "two introspections differ");
    assert!(
        !json.contains("127.0.0.1") && !json.contains("root"),
        "the snapshot names the server"
    );
}

#[tokio::test]
async fn fingerprint_changes_exactly_when_the_schema_does() {
    let db = TestDb::create(SHOP_DDL).await;
    let options = IntrospectOptions::default();
    let mut last = fingerprint(&db.url, &options).await.unwrap();
    assert!(last.starts_with("mysql:"), "{last}");
    assert_eq!(
        fingerprint(&db.url, &options).await.unwrap(),
        last,
        "not stable"
    );

    db.execute("INSERT INTO tags VALUES (1, 'a'); ANALYZE TABLE tags;")
        .await;
    assert_eq!(
        fingerprint(&db.url, &options).await.unwrap(),
        last,
        "data is not schema"
    );

    // Another database changing is not this one changing.
    let neighbour = TestDb::create(NEIGHBOUR_DDL).await;
    neighbour
        .execute("ALTER TABLE accounts ADD COLUMN extra INT")
        .await;
    assert_eq!(
        fingerprint(&db.url, &options).await.unwrap(),
        last,
        "a neighbour's change"
    );

    for change in [
        "ALTER TABLE tags ADD COLUMN color VARCHAR(10)",
        "ALTER TABLE tags CHANGE color colour VARCHAR(10)",
        "ALTER TABLE tags MODIFY colour VARCHAR(20)",
        "UPDATE tags SET colour = 'blue'; ALTER TABLE tags MODIFY colour VARCHAR(20) NOT NULL DEFAULT 'red'",
        "ALTER TABLE customers MODIFY mood ENUM('happy', 'sad, really', 'angry') NOT NULL",
        "ALTER TABLE customer_tags DROP FOREIGN KEY fk_ct_tag",
        "ALTER TABLE accounts DROP PRIMARY KEY, ADD PRIMARY KEY (code)",
        "CREATE TABLE more_things (id INT)",
        "RENAME TABLE more_things TO most_things",
        "CREATE INDEX most_things_id ON most_things (id)",
        "CREATE FUNCTION two() RETURNS INT DETERMINISTIC RETURN 2",
        "DROP VIEW happy_customers",
    ] {
        db.execute(change).await;
        let now = fingerprint(&db.url, &options).await.unwrap();
        assert_ne!(now, last, "unchanged after {change}");
        last = now;
    }
}

// ---------------------------------------------------------------------------------------------
// Failures, against a real server and real sockets

#[tokio::test]
async fn a_wrong_password_fails_authentication_without_showing_it() {
    let db = TestDb::create(SHOP_DDL).await;
    let user = db.create_user("Right-Pa55-word").await;
    let wrong = with_database(
        &with_user(&admin_url(), &format!("{user}:Wrong-Pa55-word")),
        &db.name,
    );
    let err = introspect(&wrong, &IntrospectOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, IntrospectError::AuthenticationFailed { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    let prefix = format!(
        "authentication failed for mysql://{user}@127.0.0.1:3306/{}: Access denied for user '{user}'@",
        db.name
    );
    assert!(text.starts_with(&prefix), "{text}");
    assert!(text.ends_with("(using password: YES)"), "{text}");
    for secret in ["Wrong-Pa55-word", "Right-Pa55-word", "Pa55"] {
        assert!(!text.contains(secret), "{text}");
        assert!(!format!("{err:?}").contains(secret), "{err:?}");
    }

    // The right password works, for a user that sees this database only.
    let right = with_database(
        &with_user(&admin_url(), &format!("{user}:Right-Pa55-word")),
        &db.name,
    );
    let catalog = introspect(&right, &IntrospectOptions::default())
        .await
        .unwrap();
    assert_eq!(catalog.tables.len(), 7);
    assert_eq!(
        CatalogIndex::new(&catalog)
            .table(&catalog, &db.name, "customer_tags")
            .unwrap()
            .primary_key,
        ["tag_id", "customer_id"]
    );

    // A database the user has no grant on.
    let elsewhere = with_database(&right, "mysql");
    let err = introspect(&elsewhere, &IntrospectOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, IntrospectError::PermissionDenied { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(&format!(
            "permission denied reading the catalog of mysql://{user}@127.0.0.1:3306/mysql: Access denied for user '{user}'@"
        )),
        "{err}"
    );
}

#[tokio::test]
async fn a_missing_database_is_named() {
    let missing = format!("schemals_no_such_db_{}", std::process::id());
    let err = introspect(
        &with_database(&admin_url(), &missing),
        &IntrospectOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, IntrospectError::DatabaseNotFound { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "database \"{missing}\" does not exist on the server of mysql://root@127.0.0.1:3306/{missing}"
        )
    );
}

#[tokio::test]
async fn a_url_without_database_is_refused_before_connecting() {
    let err = introspect(
        "mysql://root:hunter2@127.0.0.1:3306",
        &IntrospectOptions::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot use the database URL: mysql://root@127.0.0.1:3306/ names no database; add it to the path, as in mysql://user@host:3306/DATABASE"
    );
}

#[tokio::test]
async fn nothing_listening_is_unreachable_within_the_timeout() {
    let options = IntrospectOptions {
        connect_timeout: Duration::from_secs(2),
        ..IntrospectOptions::default()
    };
    let started = Instant::now();
    let err = introspect("mariadb://root:hunter2@127.0.0.1:1/shop", &options)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(err, IntrospectError::Unreachable { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("cannot reach the database server of mysql://root@127.0.0.1:1/shop: "),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn tls_follows_the_ssl_mode_of_the_url() {
    let db = TestDb::create("").await;
    let mut connection = MySqlConnection::connect(&db.url).await.unwrap();
    let have_ssl: Option<(String, String)> = sqlx::query_as("SHOW VARIABLES LIKE 'have_ssl'")
        .fetch_optional(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    let result = introspect(
        &format!("{}?ssl-mode=required", db.url),
        &IntrospectOptions::default(),
    )
    .await;
    if have_ssl.is_some_and(|(_, value)| value == "YES") {
        assert!(result.is_ok(), "{result:?}");
    } else {
        let err = result.unwrap_err();
        assert!(
            matches!(err, IntrospectError::TlsUnavailable { .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "cannot set up the TLS connection that the URL asks for with mysql://root@127.0.0.1:3306/{}: server does not support TLS",
                db.name
            )
        );
    }
}

#[tokio::test]
async fn a_slow_catalog_read_times_out() {
    let db = TestDb::create(SHOP_DDL).await;
    // A slow network in front of the real server: every answer of the server arrives 300 ms late,
    // so connecting still succeeds within its limit and the catalog read cannot.
    let port = slow_proxy(3306, Duration::from_millis(300)).await;
    let url = db.url.replace(":3306/", &format!(":{port}/"));
    let options = IntrospectOptions {
        statement_timeout: Duration::from_millis(200),
        ..IntrospectOptions::default()
    };
    let err = introspect(&url, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            IntrospectError::Timeout {
                stage: Stage::ReadingCatalog,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "reading the catalog of mysql://root@127.0.0.1:{port}/{} timed out after 200 ms",
            db.name
        )
    );
}

/// A TCP proxy on a free local port to `127.0.0.1:upstream` that holds every chunk the server
/// sends for `delay` before passing it on. Serves one connection, then stops.
async fn slow_proxy(upstream: u16, delay: Duration) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a local port");
    let port = listener.local_addr().expect("local address").port();
    tokio::spawn(async move {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await else {
            return;
        };
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        tokio::spawn(async move {
            let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        });
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let Ok(n) = server_read.read(&mut buffer).await else {
                return;
            };
            if n == 0 {
                return;
            }
            tokio::time::sleep(delay).await;
            if client_write.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    });
    port
}

// ---------------------------------------------------------------------------------------------
// Test databases

fn admin_url() -> String {
    std::env::var("SCHEMALS_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".to_owned())
}

/// `url` with its path replaced by `/database` (query kept).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or_default();
    match query {
        Some(query) => format!("{scheme}://{authority}/{database}?{query}"),
        None => format!("{scheme}://{authority}/{database}"),
    }
}

/// `url` with its user info replaced by `user` (`name` or `name:password`).
fn with_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{host}")
}

/// A foreign key as (name, columns, referenced schema, table, columns).
type FkRow<'a> = (&'a str, Vec<&'a str>, &'a str, &'a str, Vec<&'a str>);

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh database, dropped (with any users made for it) when the value is dropped, also when the
/// test panics.
struct TestDb {
    name: String,
    url: String,
    users: Mutex<Vec<String>>,
}

impl TestDb {
    async fn create(ddl: &str) -> TestDb {
        let admin = admin_url();
        let mut connection = MySqlConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "MariaDB/MySQL is not reachable at {} ({e}); start it with `bash .ci/services.sh`",
                schemals_catalog::live::redact(&admin)
            )
        });
        drop_stale(&mut connection).await;
        let name = format!(
            "schemals_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4"
        )))
        .execute(&mut connection)
        .await
        .expect("CREATE DATABASE");
        connection.close().await.ok();
        let db = TestDb {
            url: with_database(&admin, &name),
            name,
            users: Mutex::new(Vec::new()),
        };
        if !ddl.trim().is_empty() {
            db.execute(ddl).await;
        }
        db
    }

    async fn execute(&self, sql: &str) {
        let mut connection = MySqlConnection::connect(&self.url)
            .await
            .expect("connect to the test database");
        if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut connection)
            .await
        {
            panic!("{e}\nin:\n{sql}");
        }
        connection.close().await.ok();
    }

    /// A user with a password and every privilege on this database only.
    async fn create_user(&self, password: &str) -> String {
        let user = format!("{}_user", self.name);
        self.users.lock().expect("not poisoned").push(user.clone());
        self.execute(&format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY '{password}';
             GRANT ALL PRIVILEGES ON `{}`.* TO '{user}'@'%';",
            self.name
        ))
        .await;
        user
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let users = std::mem::take(&mut *self.users.lock().unwrap_or_else(|e| e.into_inner()));
        // Drop runs inside the test's runtime: use a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let mut connection = MySqlConnection::connect(&admin_url()).await?;
                let mut sql = format!("DROP DATABASE IF EXISTS {name};");
                for user in users {
                    sql.push_str(&format!("DROP USER IF EXISTS '{user}'@'%';"));
                }
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut connection)
                    .await?;
                connection.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "warning: could not drop test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// Drops test databases and users left behind by test processes that no longer exist (killed before
/// their guards ran).
async fn drop_stale(connection: &mut MySqlConnection) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let databases: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'schemals\\_test\\_%'",
    )
    .fetch_all(&mut *connection)
    .await
    .unwrap_or_default();
    let users: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(User AS CHAR) FROM mysql.user WHERE User LIKE 'schemals\\_test\\_%'",
    )
    .fetch_all(&mut *connection)
    .await
    .unwrap_or_default();
    let stale = |name: &str| {
        let pid = name.split('_').nth(2).unwrap_or_default();
        !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
    };
    for (name,) in databases.iter().filter(|(name,)| stale(name)) {
        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *connection)
            .await;
    }
    for (name,) in users.iter().filter(|(name,)| stale(name)) {
        let sql = format!("DROP USER IF EXISTS '{name}'@'%'");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *connection)
            .await;
    }
}
