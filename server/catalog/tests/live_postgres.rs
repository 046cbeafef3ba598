//! Live introspection against a real PostgreSQL with PostGIS (`bash .ci/services.sh` starts one).
//!
//! Every test creates a fresh database, loads DDL, introspects and drops the database again, also
//! when it fails. Set `SCHEMALS_TEST_POSTGRES_URL` to use another server than
//! `postgres://postgres@127.0.0.1:5432/postgres` (a superuser, for CREATE DATABASE and roles).
//! A server that cannot be reached fails the tests: they never pass silently.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use schemals_catalog::live::{
    ConnectionTarget, IntrospectError, IntrospectOptions, Stage, fingerprint, introspect,
};
use schemals_catalog::{Catalog, CatalogIndex, Engine, FunctionKind, QualifiedName, TableKind};
use sqlx::{Connection, PgConnection};

const ANNOUNCEMENT_DDL: &str = r#"
CREATE EXTENSION postgis;
CREATE TABLE events (id serial PRIMARY KEY, name varchar(100), geom geometry(Point, 4326));
CREATE TABLE notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), content text NOT NULL, owner text);
"#;

const RICH_DDL: &str = r#"
CREATE EXTENSION postgres_fdw;
CREATE TYPE mood AS ENUM ('happy', 'sad', 'on hold');
CREATE DOMAIN email AS varchar(254) NOT NULL CHECK (VALUE ~ '@');
CREATE DOMAIN gentle_mood AS mood CHECK (VALUE <> 'sad');

CREATE TABLE customers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    legacy       int,
    email        email,
    current_mood mood NOT NULL DEFAULT 'happy',
    past_moods   mood[],
    tags         text[] NOT NULL DEFAULT '{}',
    nickname     char(8),
    created_at   timestamptz NOT NULL DEFAULT now(),
    total        numeric(12, 2),
    total_cents  bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED
);
ALTER TABLE customers DROP COLUMN legacy;

-- The key order differs from the column order.
CREATE TABLE customer_tags (
    customer_id bigint NOT NULL REFERENCES customers (id),
    tag         text NOT NULL,
    PRIMARY KEY (tag, customer_id)
);

CREATE TABLE orders (
    id          int PRIMARY KEY,
    customer_id bigint,
    tag         text,
    mood        gentle_mood,
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_tag_fk FOREIGN KEY (tag, customer_id) REFERENCES customer_tags (tag, customer_id)
);

CREATE VIEW happy_customers AS SELECT id, email FROM customers WHERE current_mood = 'happy';
CREATE MATERIALIZED VIEW mood_counts AS SELECT current_mood, count(*) AS n FROM customers GROUP BY 1;

CREATE TABLE measurements (id bigint, taken_on date, value real, PRIMARY KEY (id, taken_on))
    PARTITION BY RANGE (taken_on);
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE readings (
    id   int PRIMARY KEY,
    m_id bigint,
    m_on date,
    CONSTRAINT readings_measurement_fk FOREIGN KEY (m_id, m_on) REFERENCES measurements (id, taken_on)
);

CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname 'nowhere');
CREATE FOREIGN TABLE remote_things (id int, label text) SERVER elsewhere;

CREATE SCHEMA inventory;
CREATE TYPE inventory.status AS ENUM ('in stock', 'sold out');
CREATE TABLE inventory.notes (
    sku      text PRIMARY KEY,
    status   inventory.status,
    event_id int REFERENCES public.events (id)
);

-- Names that need quoting, with non-ASCII letters.
CREATE TABLE "Café Menu" ("prénom" text PRIMARY KEY, "Order ID" int);

CREATE FUNCTION add_one(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';
CREATE PROCEDURE inventory.restock(sku text, qty integer) LANGUAGE sql AS 'SELECT 1';
"#;

// ---------------------------------------------------------------------------------------------
// Happy paths

#[tokio::test]
async fn reads_tables_columns_keys_and_enums_of_every_schema() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL, RICH_DDL]).await;
    let started = Instant::now();
    let catalog = introspect(&db.url, &IntrospectOptions::default())
        .await
        .expect("introspection");
    eprintln!(
        "introspected {} tables and {} functions in {:?}",
        catalog.tables.len(),
        catalog.functions.len(),
        started.elapsed()
    );

    assert_eq!(catalog.engine, Engine::Postgresql);
    assert_eq!(catalog.database, db.name);
    assert_eq!(catalog.search_path, ["public"]);
    assert!(
        catalog
            .server_version
            .as_deref()
            .unwrap_or_default()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit()),
        "{:?}",
        catalog.server_version
    );

    let tables: Vec<(&str, &str, TableKind)> = catalog
        .tables
        .iter()
        .map(|t| (t.schema.as_str(), t.name.as_str(), t.kind))
        .collect();
    assert_eq!(
        tables,
        [
            ("inventory", "notes", TableKind::Table),
            ("public", "Café Menu", TableKind::Table),
            ("public", "customer_tags", TableKind::Table),
            ("public", "customers", TableKind::Table),
            ("public", "events", TableKind::Table),
            ("public", "geography_columns", TableKind::View),
            ("public", "geometry_columns", TableKind::View),
            ("public", "happy_customers", TableKind::View),
            ("public", "measurements", TableKind::PartitionedTable),
            ("public", "measurements_2024", TableKind::Table),
            ("public", "mood_counts", TableKind::MaterializedView),
            ("public", "notes", TableKind::Table),
            ("public", "orders", TableKind::Table),
            ("public", "readings", TableKind::Table),
            ("public", "remote_things", TableKind::ForeignTable),
            ("public", "spatial_ref_sys", TableKind::Table),
        ]
    );

    let index = CatalogIndex::new(&catalog);
    let table = |schema: &str, name: &str| {
        index
            .table(&catalog, schema, name)
            .unwrap_or_else(|| panic!("no table {schema}.{name}"))
    };

    // The announcement tables.
    let events = table("public", "events");
    let columns: Vec<(&str, u32, &str, &str, bool)> = events
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
    assert_eq!(
        columns,
        [
            ("id", 1, "integer", "int4", false),
            ("name", 2, "character varying(100)", "varchar", true),
            ("geom", 3, "geometry(Point,4326)", "geometry", true),
        ]
    );
    let id = events.column("id").unwrap();
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('events_id_seq'::regclass)")
    );
    assert!(!id.generated, "serial is a default, not a generated column");
    assert_eq!(
        events.column("name").unwrap().character_maximum_length,
        Some(100)
    );
    assert_eq!(
        events.column("geom").unwrap().type_schema.as_deref(),
        Some("public")
    );
    assert_eq!(id.type_schema, None);
    assert_eq!(events.primary_key, ["id"]);

    let notes = table("public", "notes");
    let id = notes.column("id").unwrap();
    assert_eq!((id.udt_name.as_str(), id.nullable), ("uuid", false));
    assert_eq!(id.default.as_deref(), Some("gen_random_uuid()"));
    assert!(!notes.column("content").unwrap().nullable);
    assert!(notes.column("owner").unwrap().nullable);
    assert_eq!(notes.primary_key, ["id"]);

    // Identity, domain, enum, enum array, text array, generated column; the dropped column leaves
    // a gap in the ordinals, as information_schema shows it.
    let customers = table("public", "customers");
    let names: Vec<(&str, u32)> = customers
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ordinal))
        .collect();
    assert_eq!(
        names,
        [
            ("id", 1),
            ("email", 3),
            ("current_mood", 4),
            ("past_moods", 5),
            ("tags", 6),
            ("nickname", 7),
            ("created_at", 8),
            ("total", 9),
            ("total_cents", 10),
        ]
    );
    let id = customers.column("id").unwrap();
    assert!(
        id.generated && !id.nullable && id.default.is_none(),
        "{id:?}"
    );
    let email = customers.column("email").unwrap();
    assert_eq!(
        (
            email.data_type.as_str(),
            email.udt_name.as_str(),
            email.nullable
        ),
        ("email", "varchar", false),
        "a domain shows its base type's udt_name, and its NOT NULL"
    );
    assert_eq!(email.character_maximum_length, Some(254));
    let mood = customers.column("current_mood").unwrap();
    assert_eq!(
        (mood.data_type.as_str(), mood.udt_name.as_str()),
        ("mood", "mood")
    );
    assert_eq!(mood.type_schema.as_deref(), Some("public"));
    assert_eq!(mood.enum_values, ["happy", "sad", "on hold"]);
    assert_eq!(mood.default.as_deref(), Some("'happy'::mood"));
    assert!(!mood.nullable);
    let past = customers.column("past_moods").unwrap();
    assert_eq!(
        (past.data_type.as_str(), past.udt_name.as_str()),
        ("mood[]", "_mood")
    );
    assert!(past.is_array() && past.enum_values.is_empty());
    let tags = customers.column("tags").unwrap();
    assert_eq!(
        (tags.data_type.as_str(), tags.udt_name.as_str()),
        ("text[]", "_text")
    );
    assert!(tags.is_array() && !tags.nullable);
    assert_eq!(tags.default.as_deref(), Some("'{}'::text[]"));
    let nickname = customers.column("nickname").unwrap();
    assert_eq!(
        (nickname.data_type.as_str(), nickname.udt_name.as_str()),
        ("character(8)", "bpchar")
    );
    assert_eq!(nickname.character_maximum_length, Some(8));
    let created = customers.column("created_at").unwrap();
    assert_eq!(
        (
            created.data_type.as_str(),
            created.udt_name.as_str(),
            created.default.as_deref()
        ),
        ("timestamp with time zone", "timestamptz", Some("now()"))
    );
    assert_eq!(
        customers.column("total").unwrap().data_type,
        "numeric(12,2)"
    );
    let cents = customers.column("total_cents").unwrap();
    assert!(
        cents.generated && cents.nullable && cents.default.is_none(),
        "{cents:?}"
    );
    assert_eq!(customers.primary_key, ["id"]);

    // Keys.
    let customer_tags = table("public", "customer_tags");
    assert_eq!(customer_tags.primary_key, ["tag", "customer_id"]);
    let orders = table("public", "orders");
    let fks: Vec<FkRow<'_>> = orders
        .foreign_keys
        .iter()
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
                "orders_customer_fk",
                vec!["customer_id"],
                "public",
                "customers",
                vec!["id"]
            ),
            (
                "orders_tag_fk",
                vec!["tag", "customer_id"],
                "public",
                "customer_tags",
                vec!["tag", "customer_id"]
            ),
        ]
    );

    let gentle = orders.column("mood").unwrap();
    assert_eq!(
        (gentle.data_type.as_str(), gentle.udt_name.as_str()),
        ("gentle_mood", "mood"),
        "a domain over an enum"
    );
    assert_eq!(gentle.enum_values, ["happy", "sad", "on hold"]);
    assert_eq!(gentle.type_schema.as_deref(), Some("public"));

    // Partitions are tables of their own, with their parent; a key that references a
    // partitioned table is listed once.
    let parent = table("public", "measurements");
    assert_eq!(parent.primary_key, ["id", "taken_on"]);
    assert_eq!(parent.partition_of, None);
    let partition = table("public", "measurements_2024");
    assert_eq!(
        partition.partition_of,
        Some(QualifiedName {
            schema: "public".into(),
            name: "measurements".into()
        })
    );
    assert_eq!(partition.primary_key, ["id", "taken_on"]);
    let readings = table("public", "readings");
    assert_eq!(
        readings.foreign_keys.len(),
        1,
        "{:?}",
        readings.foreign_keys
    );
    assert_eq!(readings.foreign_keys[0].referenced_table, "measurements");
    assert_eq!(
        readings.foreign_keys[0].referenced_columns,
        ["id", "taken_on"]
    );

    // Views and friends have columns but no keys.
    let view = table("public", "happy_customers");
    assert_eq!(
        view.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "email"]
    );
    assert!(view.primary_key.is_empty());
    assert_eq!(table("public", "mood_counts").columns.len(), 2);
    assert_eq!(table("public", "remote_things").columns.len(), 2);

    // A second schema with a table of the same name; the search path decides.
    let inventory_notes = table("inventory", "notes");
    assert_eq!(inventory_notes.primary_key, ["sku"]);
    let status = inventory_notes.column("status").unwrap();
    assert_eq!(
        (status.udt_name.as_str(), status.type_schema.as_deref()),
        ("status", Some("inventory"))
    );
    assert_eq!(status.data_type, "inventory.status");
    assert_eq!(status.enum_values, ["in stock", "sold out"]);
    assert_eq!(inventory_notes.foreign_keys[0].referenced_schema, "public");
    assert_eq!(inventory_notes.foreign_keys[0].referenced_table, "events");
    assert_eq!(index.tables_named(&catalog, "notes").count(), 2);
    assert_eq!(
        index.resolve_unqualified(&catalog, "notes").unwrap().schema,
        "public"
    );

    let menu = table("public", "Café Menu");
    assert_eq!(
        menu.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["prénom", "Order ID"]
    );
    assert_eq!(menu.primary_key, ["prénom"]);

    // Enum types, labels in declaration order.
    let enums: Vec<(&str, &str, Vec<&str>)> = catalog
        .enums
        .iter()
        .map(|e| {
            (
                e.schema.as_str(),
                e.name.as_str(),
                e.values.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        enums,
        [
            ("inventory", "status", vec!["in stock", "sold out"]),
            ("public", "mood", vec!["happy", "sad", "on hold"]),
        ]
    );
}

#[tokio::test]
async fn columns_agree_with_information_schema() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL, RICH_DDL]).await;
    let catalog = introspect(&db.url, &IntrospectOptions::default())
        .await
        .unwrap();

    type Row = (
        String,
        String,
        String,
        i32,
        String,
        String,
        Option<String>,
        Option<i32>,
    );
    let mut connection = PgConnection::connect(&db.url).await.unwrap();
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text, column_name::text, ordinal_position::int4,
                udt_name::text, is_nullable::text, column_default::text, character_maximum_length::int4
         FROM information_schema.columns
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    connection.close().await.unwrap();
    assert!(rows.len() > 40, "{} rows", rows.len());

    let index = CatalogIndex::new(&catalog);
    for (schema, table, column, ordinal, udt_name, is_nullable, default, max_length) in rows {
        let found = index
            .table(&catalog, &schema, &table)
            .and_then(|t| t.column(&column))
            .unwrap_or_else(|| panic!("{schema}.{table}.{column} is missing"));
        let what = format!("{schema}.{table}.{column}");
        assert_eq!(found.ordinal, ordinal as u32, "{what}");
        assert_eq!(found.udt_name, udt_name, "{what}");
        assert_eq!(found.nullable, is_nullable == "YES", "{what}");
        assert_eq!(found.default, default, "{what}");
        assert_eq!(
            found.character_maximum_length,
            max_length.map(i64::from),
            "{what}"
        );
    }
}

#[tokio::test]
async fn functions_cover_builtins_and_postgis_without_internals() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL, RICH_DDL]).await;
    let catalog = introspect(&db.url, &IntrospectOptions::default())
        .await
        .unwrap();
    let find = |schema: &str, name: &str| {
        catalog
            .functions
            .iter()
            .filter(|f| f.schema == schema && f.name == name)
            .collect::<Vec<_>>()
    };

    let st_x = find("public", "st_x");
    assert_eq!(st_x.len(), 1, "{st_x:?}");
    assert_eq!(
        (st_x[0].arguments.as_str(), st_x[0].result.as_str()),
        ("geometry", "double precision")
    );
    assert_eq!(st_x[0].kind, FunctionKind::Function);
    assert!(!find("public", "st_makepoint").is_empty());
    assert!(!find("public", "st_distance").is_empty());

    assert!(
        find("pg_catalog", "count")
            .iter()
            .all(|f| f.kind == FunctionKind::Aggregate)
    );
    assert!(!find("pg_catalog", "count").is_empty());
    assert_eq!(
        find("pg_catalog", "row_number")[0].kind,
        FunctionKind::Window
    );
    assert!(
        find("pg_catalog", "lower")
            .iter()
            .any(|f| f.arguments == "text" && f.result == "text")
    );
    assert!(!find("pg_catalog", "now").is_empty());

    let add_one = find("public", "add_one");
    assert_eq!(
        (add_one[0].arguments.as_str(), add_one[0].result.as_str()),
        ("x integer", "integer")
    );
    let restock = find("inventory", "restock");
    assert_eq!(restock[0].kind, FunctionKind::Procedure);
    assert_eq!(restock[0].arguments, "IN sku text, IN qty integer");

    // Skipped: type I/O (cstring), operator implementations, aggregate support, triggers.
    for (schema, name) in [
        ("pg_catalog", "int4in"),
        ("pg_catalog", "int4pl"),
        ("pg_catalog", "int4_sum"),
        ("public", "geometry_in"),
        ("public", "geometry_overlaps"),
        ("public", "postgis_cache_bbox"),
    ] {
        assert!(
            find(schema, name).is_empty(),
            "{schema}.{name} should be skipped"
        );
    }
    assert!(
        (1500..4000).contains(&catalog.functions.len()),
        "{} functions",
        catalog.functions.len()
    );
}

/// The parts read a row per table (columns, keys) have no row at all in a database without tables.
#[tokio::test]
async fn a_database_without_tables_reads_as_a_catalog_without_tables() {
    let db = TestDb::create(&["CREATE TYPE mood AS ENUM ('ok', 'sad')"]).await;
    let catalog = introspect(&db.url, &IntrospectOptions::default())
        .await
        .unwrap();
    assert!(catalog.tables.is_empty(), "{:?}", catalog.tables);
    assert_eq!(catalog.enums.len(), 1);
    assert_eq!(catalog.enums[0].values, ["ok", "sad"]);
    assert!(!catalog.functions.is_empty());
}

#[tokio::test]
async fn snapshots_round_trip_and_repeat_byte_for_byte() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL, RICH_DDL]).await;
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
        !json.contains("127.0.0.1") && !json.contains("\"postgres\""),
        "the snapshot names the server"
    );
    let size = json.len();
    eprintln!("snapshot: {size} bytes");
    assert!(size < 2_000_000, "snapshot of {size} bytes");
}

#[tokio::test]
async fn fingerprint_changes_exactly_when_the_schema_does() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL, RICH_DDL]).await;
    let options = IntrospectOptions::default();
    let mut last = fingerprint(&db.url, &options).await.unwrap();
    assert!(last.starts_with("postgresql:"), "{last}");
    assert_eq!(
        fingerprint(&db.url, &options).await.unwrap(),
        last,
        "not stable"
    );

    db.execute("INSERT INTO orders (id) VALUES (1); ANALYZE orders;")
        .await;
    assert_eq!(
        fingerprint(&db.url, &options).await.unwrap(),
        last,
        "data is not schema"
    );

    for change in [
        "ALTER TABLE orders ADD COLUMN note text",
        "ALTER TABLE orders RENAME COLUMN note TO remark",
        "ALTER TABLE orders ALTER COLUMN remark TYPE varchar(10)",
        "ALTER TABLE orders ALTER COLUMN remark SET DEFAULT 'x'",
        "UPDATE orders SET remark = 'y'; ALTER TABLE orders ALTER COLUMN remark SET NOT NULL",
        "ALTER TYPE mood ADD VALUE 'angry'",
        "ALTER TYPE inventory.status RENAME VALUE 'sold out' TO 'gone'",
        "ALTER TABLE customer_tags DROP CONSTRAINT customer_tags_customer_id_fkey",
        "CREATE TABLE inventory.more (id int)",
        "ALTER TABLE inventory.more RENAME TO most",
        "CREATE FUNCTION inventory.two() RETURNS int LANGUAGE sql AS 'SELECT 2'",
        "CREATE FUNCTION inventory.add(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
        "CREATE OR REPLACE FUNCTION inventory.add(a int, b int DEFAULT 2) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
        "DROP VIEW happy_customers",
    ] {
        db.execute(change).await;
        let now = fingerprint(&db.url, &options).await.unwrap();
        assert_ne!(now, last, "unchanged after {change}");
        last = now;
    }
}

#[tokio::test]
async fn a_role_without_table_privileges_still_sees_tables_and_keys() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL]).await;
    let role = db.create_role().await;
    let url = with_database(&with_user(&admin_url(), &role), &db.name);
    let catalog = introspect(&url, &IntrospectOptions::default())
        .await
        .unwrap();
    let index = CatalogIndex::new(&catalog);
    let events = index.table(&catalog, "public", "events").unwrap();
    assert_eq!(
        events.primary_key,
        ["id"],
        "Amplify's generator finds no keys here"
    );
    assert_eq!(events.columns.len(), 3);
}

#[tokio::test]
async fn tls_follows_the_sslmode_of_the_url() {
    let db = TestDb::create(&[]).await;
    let mut connection = PgConnection::connect(&db.url).await.unwrap();
    let (ssl,): (String,) = sqlx::query_as("SHOW ssl")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();

    let required = introspect(
        &format!("{}?sslmode=require", db.url),
        &IntrospectOptions::default(),
    )
    .await;
    if ssl == "on" {
        assert!(required.is_ok(), "{required:?}");
        // The server's certificate is self-signed: verification must fail, and say so.
        let err = introspect(
            &format!("{}?sslmode=verify-full", db.url),
            &IntrospectOptions::default(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, IntrospectError::TlsUnavailable { .. }),
            "{err:?}"
        );
        let prefix = format!(
            "cannot set up the TLS connection that the URL asks for with postgres://postgres@127.0.0.1:5432/{}: ",
            db.name
        );
        assert!(err.to_string().starts_with(&prefix), "{err}");
    } else {
        let err = required.unwrap_err();
        assert!(
            matches!(err, IntrospectError::TlsUnavailable { .. }),
            "{err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Failures, against real sockets and a real server

#[tokio::test]
async fn nothing_listening_is_unreachable_within_the_timeout() {
    let options = IntrospectOptions {
        connect_timeout: Duration::from_secs(2),
        ..IntrospectOptions::default()
    };
    let started = Instant::now();
    let err = introspect("postgres://postgres:hunter2@127.0.0.1:1/app", &options)
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
        text.starts_with(
            "cannot reach the database server of postgres://postgres@127.0.0.1:1/app: "
        ),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let err = fingerprint("postgres://postgres:hunter2@127.0.0.1:1/app", &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, IntrospectError::Unreachable { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // A real socket that accepts connections and then says nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let options = IntrospectOptions {
        connect_timeout: Duration::from_millis(300),
        ..IntrospectOptions::default()
    };
    let url = format!("postgres://postgres:hunter2@127.0.0.1:{port}/app?sslmode=disable");
    let started = Instant::now();
    let err = introspect(&url, &options).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        err,
        IntrospectError::Timeout {
            target: ConnectionTarget::parse(&url).unwrap(),
            stage: Stage::Connecting,
            after: Duration::from_millis(300),
        }
    );
    assert_eq!(
        err.to_string(),
        format!("connecting to postgres://postgres@127.0.0.1:{port}/app timed out after 300 ms")
    );
    silent.abort();
}

#[tokio::test]
async fn a_slow_catalog_read_times_out() {
    let db = TestDb::create(&[ANNOUNCEMENT_DDL]).await;
    let options = IntrospectOptions {
        statement_timeout: Duration::from_millis(1),
        ..IntrospectOptions::default()
    };
    let err = introspect(&db.url, &options).await.unwrap_err();
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
            "reading the catalog of postgres://postgres@127.0.0.1:5432/{} timed out after 1 ms",
            db.name
        )
    );
}

#[tokio::test]
async fn a_missing_database_or_role_is_named() {
    let admin = admin_url();
    let missing = format!("schemals_no_such_db_{}", std::process::id());
    let err = introspect(
        &with_database(&admin, &missing),
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
            "database \"{missing}\" does not exist on the server of postgres://postgres@127.0.0.1:5432/{missing}"
        )
    );

    let url = with_user(&admin, "schemals_no_such_role:hunter2");
    let err = introspect(&url, &IntrospectOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, IntrospectError::AuthenticationFailed { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "authentication failed for postgres://schemals_no_such_role@127.0.0.1:5432/postgres: role \"schemals_no_such_role\" does not exist"
    );
}

// ---------------------------------------------------------------------------------------------
// Test databases

fn admin_url() -> String {
    std::env::var("SCHEMALS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
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

/// A fresh database, dropped (with any roles made for it) when the value is dropped, also when the
/// test panics.
struct TestDb {
    name: String,
    url: String,
    roles: Mutex<Vec<String>>,
}

impl TestDb {
    async fn create(ddl: &[&str]) -> TestDb {
        let admin = admin_url();
        let mut connection = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {} ({e}); start it with `bash .ci/services.sh`",
                schemals_catalog::live::redact(&admin)
            )
        });
        drop_stale(&mut connection).await;
        let name = format!(
            "schemals_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut connection)
            .await
            .expect("CREATE DATABASE");
        connection.close().await.ok();
        let db = TestDb {
            url: with_database(&admin, &name),
            name,
            roles: Mutex::new(Vec::new()),
        };
        for sql in ddl {
            db.execute(sql).await;
        }
        db
    }

    async fn execute(&self, sql: &str) {
        let mut connection = PgConnection::connect(&self.url)
            .await
            .expect("connect to the test database");
        if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut connection)
            .await
        {
            if sql.contains("CREATE EXTENSION postgis") {
                panic!("PostGIS is not available ({e}); install it with `bash .ci/services.sh`");
            }
            panic!("{e}\nin:\n{sql}");
        }
        connection.close().await.ok();
    }

    /// A login role with no privileges on any table.
    async fn create_role(&self) -> String {
        let role = format!("{}_role", self.name);
        self.roles.lock().expect("not poisoned").push(role.clone());
        self.execute(&format!("CREATE ROLE {role} LOGIN")).await;
        role
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let roles = std::mem::take(&mut *self.roles.lock().unwrap_or_else(|e| e.into_inner()));
        // Drop runs inside the test's runtime: use a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let mut connection = PgConnection::connect(&admin_url()).await?;
                // One statement at a time: DROP DATABASE refuses to run in a multi-statement batch.
                let drop_database = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                for sql in std::iter::once(drop_database).chain(
                    roles
                        .iter()
                        .map(|role| format!("DROP ROLE IF EXISTS {role}")),
                ) {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut connection)
                        .await?;
                }
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

/// Drops test databases and roles left behind by test processes that no longer exist (killed before
/// their guards ran).
async fn drop_stale(connection: &mut PgConnection) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let names: Vec<(String, bool)> = sqlx::query_as(
        "SELECT datname::text, true FROM pg_database WHERE datname LIKE 'schemals\\_test\\_%'
         UNION ALL
         SELECT rolname::text, false FROM pg_roles WHERE rolname LIKE 'schemals\\_test\\_%'",
    )
    .fetch_all(&mut *connection)
    .await
    .unwrap_or_default();
    for (name, is_database) in names {
        let pid = name.split('_').nth(2).unwrap_or_default();
        if pid.is_empty() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let sql = if is_database {
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        } else {
            format!("DROP ROLE IF EXISTS {name}")
        };
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *connection)
            .await;
    }
}
