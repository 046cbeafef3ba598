//! Synthesis of `schema.sql.ts` from a catalog, byte for byte as Amplify's generator 0.11.16
//! (`@aws-amplify/graphql-schema-generator`, `ampx generate schema-from-database`) writes it.
//!
//! The layout, naming, type mapping, enum placement and identifier hash follow the generator (see
//! `shared/amplify/generator.md` §2–§8). Where the generator is wrong, this does the right thing:
//! - primary keys are the table's own (Amplify joins indexes and constraints of same-named tables
//!   in other schemas or databases, and finds no key at all as a SELECT-only PostgreSQL role or for
//!   `PRIMARY KEY ... INCLUDE (...)`);
//! - enum values and defaults with quotes, commas or spaces are written as they are (Amplify's CSV
//!   round trip crashes or keeps the array quotes; its MySQL regex splits `'it''s'`);
//! - a PostgreSQL enum column gets the values of its own type, even when two columns' enum names
//!   coincide, and only enum types of the schema `public` are enums (Amplify matches by type name).
//!
//! Kept as Amplify does it, for identical output: models in byte order of table name (PostgreSQL) or
//! in the server's order (MySQL, recorded in [`Catalog::generator_table_order`]); PostgreSQL enum
//! values in *reverse* declaration order (what PostgreSQL 15's plan for Amplify's unordered
//! `ARRAY_AGG` gives); enums of views and tables without a key are emitted.

use std::collections::HashSet;

use compact_str::CompactString;
use schemals_catalog::{Catalog, Column, Engine, Table, TableKind};

/// What the generator's command line decides beyond the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SynthesisOptions {
    /// The `identifier` of the `configure` block, see [`amplify_identifier`].
    pub identifier: String,
    /// `--connection-uri-secret`: the secret holding the connection URI (Amplify requires it).
    pub connection_uri_secret: Option<String>,
    /// `--ssl-cert-secret`: the secret holding the server's CA certificate.
    pub ssl_cert_secret: Option<String>,
    /// Beyond Amplify (PostgreSQL): schemas whose tables become models after those of `public`.
    /// Empty, the default, reads `public` only, as Amplify does. A table whose name an earlier
    /// schema already took is skipped (model keys are bare table names).
    pub extra_schemas: Vec<String>,
}

/// A generated `schema.sql.ts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synthesis {
    pub text: String,
    /// Tables and views left out for want of a primary key (Amplify skips them silently), and, with
    /// [`SynthesisOptions::extra_schemas`], tables whose name was taken; qualified as `schema.table`.
    pub skipped: Vec<SkippedTable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedTable {
    pub schema: String,
    pub name: String,
    pub kind: TableKind,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    NoPrimaryKey,
    NameTaken,
}

/// Why nothing can be generated; the messages are Amplify's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynthesisError {
    /// The database has no table or view Amplify would read.
    EmptySchema,
    /// No table has a primary key; the skipped tables are listed.
    NoPrimaryKey { skipped: Vec<SkippedTable> },
}

impl std::fmt::Display for SynthesisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SynthesisError::EmptySchema => f.write_str("Imported SQL schema is empty."),
            SynthesisError::NoPrimaryKey { .. } => f.write_str(
                "No valid tables found. Make sure at least one table has a primary key.",
            ),
        }
    }
}

impl std::error::Error for SynthesisError {}

/// The `identifier` Amplify writes into the `configure` block: `"ID"` and the base64 MD5 of
/// host, engine (`postgresql`/`mysql`), database and port, keeping only ASCII letters and digits.
/// `host` is the URL's host as written (IPv6 with brackets).
pub fn amplify_identifier(host: &str, engine: Engine, database: &str, port: u16) -> String {
    use base64::Engine as _;
    use md5::Digest as _;
    let input = format!("{host}{}{database}{port}", engine.amplify_name());
    let digest = md5::Md5::digest(input.as_bytes());
    let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
    let mut identifier = String::from("ID");
    identifier.extend(encoded.chars().filter(char::is_ascii_alphanumeric));
    identifier
}

/// The tables Amplify's introspection query sees, in the order its models come out.
fn generator_tables<'c>(
    catalog: &'c Catalog,
    options: &SynthesisOptions,
) -> (Vec<&'c Table>, Vec<SkippedTable>) {
    let mut skipped = Vec::new();
    match catalog.engine {
        Engine::Postgresql => {
            // information_schema.columns lists tables, views, foreign tables and partitioned
            // tables (partitions are tables), not materialized views; Amplify reads `public`.
            let readable = |t: &&Table| {
                matches!(
                    t.kind,
                    TableKind::Table
                        | TableKind::View
                        | TableKind::ForeignTable
                        | TableKind::PartitionedTable
                )
            };
            let mut public: Vec<&Table> = catalog
                .tables
                .iter()
                .filter(|t| t.schema == "public")
                .filter(readable)
                .collect();
            // `SELECT DISTINCT` sorts on table_name, of type `name` (C collation): byte order.
            public.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
            let mut taken: HashSet<&str> = public.iter().map(|t| t.name.as_str()).collect();
            for schema in options.extra_schemas.iter().filter(|s| *s != "public") {
                let mut tables: Vec<&Table> = catalog
                    .tables
                    .iter()
                    .filter(|t| &t.schema == schema)
                    .filter(readable)
                    .collect();
                tables.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
                for table in tables {
                    if taken.insert(table.name.as_str()) {
                        public.push(table);
                    } else {
                        skipped.push(skipped_table(table, SkipReason::NameTaken));
                    }
                }
            }
            (public, skipped)
        }
        Engine::Mysql => {
            // The server's row order, recorded at introspection; tables it did not record (an
            // older snapshot) follow in name order.
            let mut ordered: Vec<&Table> = Vec::with_capacity(catalog.tables.len());
            let mut seen: HashSet<&str> = HashSet::new();
            for name in &catalog.generator_table_order {
                if let Some(table) = catalog.tables.iter().find(|t| &t.name == name)
                    && seen.insert(table.name.as_str())
                {
                    ordered.push(table);
                }
            }
            for table in &catalog.tables {
                if seen.insert(table.name.as_str()) {
                    ordered.push(table);
                }
            }
            (ordered, skipped)
        }
    }
}

fn skipped_table(table: &Table, reason: SkipReason) -> SkippedTable {
    SkippedTable {
        schema: table.schema.clone(),
        name: table.name.clone(),
        kind: table.kind,
        reason,
    }
}

/// What generation writes, before it is printed: the models (tables with a primary key, in output
/// order) and the enums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedSchema {
    pub engine: Engine,
    pub models: Vec<GeneratedModel>,
    pub enums: Vec<GeneratedEnum>,
    pub skipped: Vec<SkippedTable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedModel {
    pub schema: String,
    /// The table name, which is the model key.
    pub table: String,
    pub fields: Vec<GeneratedField>,
    /// Primary key columns, raw names, in key order.
    pub identifier: Vec<String>,
}

/// Short texts are held inline (`CompactString`): drift keeps the plan of every column of the
/// catalog, and three heap strings per column were most of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedField {
    pub column: CompactString,
    /// The sanitized key (`"Payload Data"` → `Payload_Data`).
    pub key: CompactString,
    pub ty: GeneratedType,
    /// `.required()` is written (on the element, for arrays).
    pub required: bool,
    pub array: bool,
    /// `.default()` is written (a PostgreSQL `nextval(...)` default).
    pub database_default: bool,
    /// The builder expression, e.g. `a.integer().default()`.
    pub expression: CompactString,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneratedType {
    /// The `a.<method>()` factory: `string`, `integer`, `datetime`, ...
    Scalar(&'static str),
    /// `a.ref("<name>")` to a generated enum (boxed: most fields are scalars, and drift keeps
    /// every column's plan).
    Enum(Box<GeneratedEnum>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedEnum {
    pub name: String,
    pub values: Vec<String>,
}

/// Writes `schema.sql.ts` for `catalog` as Amplify's generator would.
pub fn synthesize(
    catalog: &Catalog,
    options: &SynthesisOptions,
) -> Result<Synthesis, SynthesisError> {
    let generated = generate(catalog, options)?;
    Ok(Synthesis {
        text: render(&generated, options),
        skipped: generated.skipped,
    })
}

/// What generation would write for `catalog`, as data.
pub fn generate(
    catalog: &Catalog,
    options: &SynthesisOptions,
) -> Result<GeneratedSchema, SynthesisError> {
    let (mut tables, mut skipped) = generator_tables(catalog, options);
    // A table without columns has no row in information_schema.columns: Amplify never sees it.
    tables.retain(|t| !t.columns.is_empty());
    if tables.is_empty() {
        return Err(SynthesisError::EmptySchema);
    }
    // MySQL names enums `<Table><Column>` and appends 0, 1, ... to a name already taken.
    let mut mysql_enum_names: HashSet<String> = HashSet::new();
    let mut all: Vec<(&Table, Vec<GeneratedField>)> = Vec::with_capacity(tables.len());
    for table in &tables {
        let mut columns: Vec<&Column> = table.columns.iter().collect();
        columns.sort_by_key(|c| c.ordinal);
        let fields = columns
            .into_iter()
            .map(|column| plan_field(catalog.engine, table, column, &mut mysql_enum_names))
            .collect();
        all.push((table, fields));
    }

    // Enums of every table (with a key or not): first those of nullable fields, then those of NOT
    // NULL fields, each in model and field order; the first of a name wins.
    let mut enums: Vec<GeneratedEnum> = Vec::new();
    let mut seen_enums: HashSet<String> = HashSet::new();
    for required in [false, true] {
        for (_, fields) in &all {
            for field in fields {
                if let GeneratedType::Enum(generated) = &field.ty
                    && field.required == required
                    && seen_enums.insert(generated.name.clone())
                {
                    enums.push((**generated).clone());
                }
            }
        }
    }

    let mut models = Vec::new();
    for (table, fields) in all {
        if table.primary_key.is_empty() {
            skipped.push(skipped_table(table, SkipReason::NoPrimaryKey));
            continue;
        }
        models.push(GeneratedModel {
            schema: table.schema.clone(),
            table: table.name.clone(),
            fields,
            identifier: table.primary_key.clone(),
        });
    }
    if models.is_empty() {
        return Err(SynthesisError::NoPrimaryKey { skipped });
    }
    Ok(GeneratedSchema {
        engine: catalog.engine,
        models,
        enums,
        skipped,
    })
}

/// Prints a generated schema with the layout of TypeScript's printer.
fn render(generated: &GeneratedSchema, options: &SynthesisOptions) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("/* eslint-disable */\n");
    out.push_str("/* THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY. */\n");
    out.push_str("import { a } from \"@aws-amplify/data-schema\";\n");
    if options.connection_uri_secret.is_some() || options.ssl_cert_secret.is_some() {
        out.push_str("import { configure } from \"@aws-amplify/data-schema/internals\";\n");
        out.push_str("import { secret } from \"@aws-amplify/backend\";\n");
    }
    out.push('\n');
    out.push_str("export const schema = configure({\n");
    out.push_str("    database: {\n");
    let mut database = vec![
        format!("identifier: {}", string_literal(&options.identifier)),
        format!(
            "engine: {}",
            string_literal(generated.engine.amplify_name())
        ),
    ];
    if let Some(name) = &options.connection_uri_secret {
        database.push(format!("connectionUri: secret({})", string_literal(name)));
    }
    if let Some(name) = &options.ssl_cert_secret {
        database.push(format!("sslCert: secret({})", string_literal(name)));
    }
    write_list(&mut out, &database, 8);
    out.push_str("    }\n");
    out.push_str("}).schema({\n");

    let mut entries: Vec<String> = Vec::new();
    for model in &generated.models {
        let mut entry = format!("{}: a.model({{\n", string_literal(&model.table));
        let field_lines: Vec<String> = model
            .fields
            .iter()
            .map(|f| format!("{}: {}", string_literal(&f.key), f.expression))
            .collect();
        write_list(&mut entry, &field_lines, 8);
        entry.push_str("    }).identifier([\n");
        let keys: Vec<String> = model.identifier.iter().map(|k| string_literal(k)).collect();
        write_list(&mut entry, &keys, 8);
        entry.push_str("    ])");
        entries.push(entry);
    }
    for generated_enum in &generated.enums {
        let mut entry = format!("{}: a.enum([\n", string_literal(&generated_enum.name));
        let lines: Vec<String> = generated_enum
            .values
            .iter()
            .map(|v| string_literal(v))
            .collect();
        write_list(&mut entry, &lines, 8);
        entry.push_str("    ])");
        entries.push(entry);
    }
    for (i, entry) in entries.iter().enumerate() {
        out.push_str("    ");
        out.push_str(entry);
        out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
    }
    out.push_str("});\n");
    out
}

/// Writes `items` one a line at `indent` spaces, comma-separated, no trailing comma.
fn write_list(out: &mut String, items: &[String], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        for _ in 0..indent {
            out.push(' ');
        }
        out.push_str(item);
        out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
    }
}

fn plan_field(
    engine: Engine,
    table: &Table,
    column: &Column,
    mysql_enum_names: &mut HashSet<String>,
) -> GeneratedField {
    let key = sanitize_identifier(&column.name, true);
    let array = engine == Engine::Postgresql && column.is_array();
    let required = !column.nullable;
    let (base, ty) = match enum_values(engine, column) {
        Some(values) => {
            let raw = match engine {
                Engine::Postgresql => pascal_case(&[&table.name, &column.name]),
                Engine::Mysql => {
                    let prefix = pascal_case(&[&table.name, &column.name]);
                    let mut name = prefix.clone();
                    let mut counter = 0u32;
                    while mysql_enum_names.contains(&name) {
                        name = format!("{prefix}{counter}");
                        counter += 1;
                    }
                    mysql_enum_names.insert(name.clone());
                    name
                }
            };
            let name = pascal_case(&[&sanitize_identifier(&raw, false)]);
            (
                format!("a.ref({})", string_literal(&name)),
                GeneratedType::Enum(Box::new(GeneratedEnum { name, values })),
            )
        }
        None => {
            let method = scalar_method(engine, column);
            (format!("a.{method}()"), GeneratedType::Scalar(method))
        }
    };
    let mut full = base.clone();
    if required {
        full.push_str(".required()");
    }
    if array {
        full.push_str(".array()");
    }
    let database_default = is_sequence_default(column.default.as_deref());
    let (expression, required) = if database_default {
        // `.default()` replaces the outermost `.required()`.
        if required && !array {
            (format!("{base}.default()"), false)
        } else {
            (format!("{full}.default()"), required)
        }
    } else {
        (full, required)
    };
    GeneratedField {
        column: column.name.clone(),
        key: key.into(),
        ty,
        required,
        array,
        database_default,
        expression: expression.into(),
    }
}

/// The values of an enum column as Amplify emits them, or `None` when Amplify types it otherwise.
fn enum_values(engine: Engine, column: &Column) -> Option<Vec<String>> {
    match engine {
        // Enum types of `public`, not arrays of them; Amplify's ARRAY_AGG comes out reversed.
        Engine::Postgresql => (!column.is_array()
            && !column.enum_values.is_empty()
            && column.type_schema.as_deref() == Some("public")
            && pg_scalar(&column.udt_name).is_none())
        .then(|| column.enum_values.iter().rev().cloned().collect()),
        Engine::Mysql => column
            .udt_name
            .eq_ignore_ascii_case("enum")
            .then(|| column.enum_values.clone()),
    }
}

/// `^nextval\(.+::regclass\)$`, with JavaScript's `.` (no line terminators).
fn is_sequence_default(default: Option<&str>) -> bool {
    let Some(inner) = default
        .and_then(|d| d.strip_prefix("nextval("))
        .and_then(|d| d.strip_suffix("::regclass)"))
    else {
        return false;
    };
    !inner.is_empty()
        && !inner
            .chars()
            .any(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
}

fn scalar_method(engine: Engine, column: &Column) -> &'static str {
    match engine {
        Engine::Postgresql => {
            let element = column
                .udt_name
                .strip_prefix('_')
                .unwrap_or(&column.udt_name);
            pg_scalar(element).unwrap_or("string")
        }
        Engine::Mysql => match column.udt_name.to_ascii_uppercase().as_str() {
            "BOOLEAN" | "BOOL" => "boolean",
            "BIT" | "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "INTEGER" | "BIGINT"
            | "YEAR" => "integer",
            "FLOAT" | "DOUBLE" | "DECIMAL" | "DEC" | "NUMERIC" => "float",
            "DATE" => "date",
            "TIMESTAMP" | "DATETIME" => "datetime",
            "TIME" => "time",
            "JSON" => "json",
            _ => "string",
        },
    }
}

/// Amplify's PostgreSQL mapping of a (non-array) `udt_name`; `None` falls through to enums and
/// then to `a.string()`.
fn pg_scalar(udt_name: &str) -> Option<&'static str> {
    Some(match udt_name.to_ascii_uppercase().as_str() {
        "VARCHAR" | "CHAR" | "TEXT" => "string",
        "BOOLEAN" | "BOOL" => "boolean",
        "BIGINT" | "INT8" | "BIGSERIAL" | "BIT" | "INT" | "INT4" | "INT2" | "SMALLINT"
        | "SMALLSERIAL" | "SERIAL" | "SERIAL4" => "integer",
        "FLOAT8" | "MONEY" | "NUMERIC" | "DECIMAL" | "REAL" | "FLOAT4" => "float",
        "UUID" => "id",
        "DATE" => "date",
        "TIMESTAMP" | "DATETIME" => "datetime",
        "TIME" => "time",
        "BOX" | "CIRCLE" | "JSON" | "JSONB" | "LINE" | "LSEG" | "PATH" | "POINT" | "POLYGON" => {
            "json"
        }
        "CIDR" | "INET" => "ipAddress",
        _ => return None,
    })
}

/// Amplify's `sanitizeIdentifier`: names without an ASCII letter become `field<digits>` (fields) or
/// `Model<digits>`; others lose their leading non-letters and have every run of characters other
/// than `[A-Za-z0-9_]` replaced by one `_`.
pub fn sanitize_identifier(name: &str, is_field: bool) -> String {
    if !name.chars().any(|c| c.is_ascii_alphabetic()) {
        let digits: String = name.chars().filter(char::is_ascii_digit).collect();
        return format!("{}{digits}", if is_field { "field" } else { "Model" });
    }
    let trimmed = name.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let mut out = String::with_capacity(trimmed.len());
    let mut in_run = false;
    for c in trimmed.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out
}

/// `graphql-transformer-common`'s `toPascalCase`: the first UTF-16 unit of each word upper-cased,
/// words concatenated.
fn pascal_case(words: &[&str]) -> String {
    let mut out = String::new();
    for word in words {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            // JavaScript upper-cases a UTF-16 unit; a character outside the BMP is half a
            // surrogate pair there, which stays as it is.
            if (first as u32) < 0x1_0000 {
                out.extend(first.to_uppercase());
            } else {
                out.push(first);
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// A double-quoted string literal as TypeScript 5.9's printer writes it (`escapeNonAsciiString`).
pub fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{0B}' => out.push_str("\\v"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\0' => {
                if chars.peek().is_some_and(char::is_ascii_digit) {
                    out.push_str("\\x00");
                } else {
                    out.push_str("\\0");
                }
            }
            c if (c as u32) < 0x20 || (c as u32) > 0x7F => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_matches_amplify() {
        assert_eq!(
            amplify_identifier("localhost", Engine::Postgresql, "gen_seed", 5432),
            "IDeaseQXHsyErKTGRNGGbZQ"
        );
        assert_eq!(
            amplify_identifier("host", Engine::Mysql, "database", 3306),
            "IDNb9LVUQdGlNwNzYAgL6A"
        );
        assert_eq!(
            amplify_identifier("127.0.0.1", Engine::Postgresql, "gen_seed", 5432),
            "IDZky2BYQUsbGirS6wJfF1g"
        );
    }

    #[test]
    fn sanitizes_like_amplify() {
        for (name, field) in [
            ("Payload Data", "Payload_Data"),
            ("line#", "line_"),
            ("1st_seen", "st_seen"),
            ("prénom", "pr_nom"),
            ("123", "field123"),
            ("!@#", "field"),
            ("e-mail", "e_mail"),
            ("a--b  c", "a_b_c"),
        ] {
            assert_eq!(sanitize_identifier(name, true), field, "{name}");
        }
        assert_eq!(sanitize_identifier("42", false), "Model42");
    }

    #[test]
    fn escapes_like_typescript() {
        assert_eq!(string_literal("données"), "\"donn\\u00E9es\"");
        assert_eq!(string_literal("😀"), "\"\\uD83D\\uDE00\"");
        assert_eq!(string_literal("a\"b\\c'"), "\"a\\\"b\\\\c'\"");
        assert_eq!(string_literal("\0x\u{0}1"), "\"\\0x\\x001\"");
        assert_eq!(string_literal("\u{1}\u{7F}\t"), "\"\\u0001\u{7F}\\t\"");
        assert_eq!(string_literal("\u{2028}"), "\"\\u2028\"");
    }

    #[test]
    fn sequence_defaults() {
        assert!(is_sequence_default(Some(
            "nextval('events_id_seq'::regclass)"
        )));
        assert!(!is_sequence_default(Some("nextval(::regclass)")));
        assert!(!is_sequence_default(Some("now()")));
        assert!(!is_sequence_default(None));
    }

    fn table(schema: &str, name: &str) -> Table {
        Table {
            schema: schema.to_owned(),
            name: name.to_owned(),
            kind: TableKind::Table,
            columns: vec![Column {
                name: "id".into(),
                ordinal: 1,
                data_type: "integer".into(),
                udt_name: "int4".into(),
                nullable: false,
                default: None,
                type_schema: None,
                enum_values: Vec::new(),
                character_maximum_length: None,
                generated: false,
            }],
            primary_key: vec!["id".to_owned()],
            foreign_keys: Vec::new(),
            partition_of: None,
        }
    }

    #[test]
    fn other_schemas_only_when_asked() {
        let mut catalog = Catalog::empty(Engine::Postgresql, "app");
        catalog.tables = vec![
            table("other", "a"),
            table("other", "b"),
            table("public", "a"),
        ];
        let models = |options: &SynthesisOptions| -> Vec<(String, String)> {
            generate(&catalog, options)
                .expect("generation")
                .models
                .into_iter()
                .map(|m| (m.schema, m.table))
                .collect()
        };
        let amplify = SynthesisOptions::default();
        assert_eq!(models(&amplify), [("public".to_owned(), "a".to_owned())]);
        let wider = SynthesisOptions {
            extra_schemas: vec!["other".to_owned()],
            ..SynthesisOptions::default()
        };
        assert_eq!(
            models(&wider),
            [
                ("public".to_owned(), "a".to_owned()),
                ("other".to_owned(), "b".to_owned())
            ]
        );
        let skipped = generate(&catalog, &wider).expect("generation").skipped;
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            (
                skipped[0].schema.as_str(),
                skipped[0].name.as_str(),
                skipped[0].reason
            ),
            ("other", "a", SkipReason::NameTaken)
        );
    }

    #[test]
    fn pascal_case_upper_cases_first_letters() {
        assert_eq!(
            pascal_case(&["order-events", "event-type"]),
            "Order-eventsEvent-type"
        );
        assert_eq!(pascal_case(&["ßa", "b"]), "SSaB");
    }
}
