//! A database catalog as plain data.
//!
//! Architecture invariant: this crate knows nothing of TypeScript, LSP or the schema model. Its types
//! are what a database says about itself: schemas, tables and views, columns, keys, enums and
//! functions. They serialize to a stable, pretty JSON snapshot that carries no secrets (no URL, no
//! user, no password), so the snapshot can be committed next to the schema. Live introspection lives
//! behind the `live` feature, so the analyses build and test without sqlx.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

mod index;
#[cfg(feature = "live")]
pub mod live;
mod snapshot;

pub use index::CatalogIndex;
pub use snapshot::{SNAPSHOT_FORMAT_VERSION, SnapshotError};

/// The database engine a catalog was read from; it decides the SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Postgresql,
    Mysql,
}

impl Engine {
    /// The spelling Amplify uses in `configure({ database: { engine } })`.
    pub fn amplify_name(self) -> &'static str {
        match self {
            Engine::Postgresql => "postgresql",
            Engine::Mysql => "mysql",
        }
    }

    pub fn from_amplify_name(name: &str) -> Option<Engine> {
        match name {
            "postgresql" => Some(Engine::Postgresql),
            "mysql" => Some(Engine::Mysql),
            _ => None,
        }
    }
}

/// Everything schemals knows about one database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Snapshot format version, [`SNAPSHOT_FORMAT_VERSION`] for catalogs written by this build.
    pub format: u32,
    pub engine: Engine,
    /// The database name (PostgreSQL: the current database; MySQL: the default schema).
    pub database: String,
    /// Where unqualified table names are looked up, in order. PostgreSQL: the search path, usually
    /// `["public"]`; MySQL: the database itself.
    pub search_path: Vec<String>,
    /// Server version string, for information only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// Tables and views of every user schema, sorted by (schema, name).
    pub tables: Vec<Table>,
    /// Enum types, sorted by (schema, name). MySQL enums are column types, not named types: their
    /// values are on the column instead.
    #[serde(default)]
    pub enums: Vec<EnumType>,
    /// Functions callable from SQL (for completion and signature help), sorted by (schema, name).
    #[serde(default)]
    pub functions: Vec<Function>,
    /// MySQL: table names in the order the server lists them to Amplify's introspection query
    /// (tables with index rows first, each group in the server's own order), which decides the
    /// model order of a generated `schema.sql.ts`. Empty for PostgreSQL, whose order is by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generator_table_order: Vec<String>,
    /// Descriptions of the project's SQL statements by the database (`schemals introspect`),
    /// sorted by key, so that checks that need the database's own types work offline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<StatementDescription>,
}

/// What the database says about one SQL text, prepared without running it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementDescription {
    /// [`statement_key`] of the SQL text as written in the project.
    pub key: String,
    /// The result columns, in order; empty for a statement that returns no rows.
    pub columns: Vec<DescribedColumn>,
    /// The `:name` placeholders with the type the database inferred for each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<DescribedParameter>,
    /// The database's error when it refused to prepare the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where the database placed that error, as a byte offset in the SQL as written (PostgreSQL
    /// says where; MySQL does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_offset: Option<usize>,
    /// The database's code for that error: PostgreSQL's SQLSTATE (`42883`), MySQL's error number
    /// (`1305`). It tells a refusal of the text from a limit of the session that described it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// One SQL text of a project for the database to describe, with its `:name` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementToDescribe {
    /// The text as written (its hash is the description's key).
    pub sql: String,
    /// Each placeholder's name (without the colon) and byte range (covering `:name`), in text
    /// order.
    pub placeholders: Vec<(String, std::ops::Range<usize>)>,
}

impl StatementDescription {
    /// Whether the database refused the text itself, as it would refuse it when the query runs:
    /// not for lack of a privilege of the user that described it, a read-only transaction, a
    /// timeout or a kind of statement it does not prepare. Unknown without a code (a snapshot
    /// written before codes were kept).
    pub fn refused_text(&self) -> bool {
        const NOT_THE_TEXT: [&str; 14] = [
            // PostgreSQL: insufficient privilege, query canceled (timeout), read-only
            // transaction, lock not available.
            "42501", "57014", "25006", "55P03",
            // MySQL and MariaDB: access denied to a database, table, column or routine, or for
            // an operation; lock wait timeout; read-only transaction; statement timeout (MySQL,
            // MariaDB); a kind of statement not prepared.
            "1044", "1142", "1143", "1370", "1227", "1205", "1792", "3024", "1969", "1295",
        ];
        self.error.is_some()
            && self
                .error_code
                .as_deref()
                .is_some_and(|code| !NOT_THE_TEXT.contains(&code))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescribedColumn {
    pub name: String,
    /// The type's name as the driver reports it: PostgreSQL `INT4`, `TEXT`, `GEOMETRY`; MySQL
    /// `INT`, `VARCHAR`, `DOUBLE`.
    pub data_type: String,
    /// Whether the column can be null, when the database says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescribedParameter {
    pub name: String,
    pub data_type: String,
}

/// The key of a statement description: a 64-bit FNV-1a hash of the SQL text, in hex. Stable across
/// builds and platforms (unlike `std`'s hasher), so snapshots written on one machine match on
/// another.
pub fn statement_key(sql: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The description of key `key` ([`statement_key`]) in `sorted`, a list sorted by key.
pub fn find_statement<'a>(
    sorted: &'a [StatementDescription],
    key: &str,
) -> Option<&'a StatementDescription> {
    sorted
        .binary_search_by(|s| s.key.as_str().cmp(key))
        .ok()
        .and_then(|i| sorted.get(i))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Table,
    View,
    MaterializedView,
    ForeignTable,
    PartitionedTable,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Table {
    pub schema: String,
    pub name: String,
    pub kind: TableKind,
    /// Columns in ordinal order.
    pub columns: Vec<Column>,
    /// Primary key columns in key order; empty when the table has none.
    #[serde(default)]
    pub primary_key: Vec<String>,
    #[serde(default)]
    pub foreign_keys: Vec<ForeignKey>,
    /// The partitioned table this table is a partition of (PostgreSQL). Partitions are listed as
    /// tables of their own, as `information_schema` and Amplify's generator list them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<QualifiedName>,
}

/// A schema-qualified object name, names as stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QualifiedName {
    pub schema: String,
    pub name: String,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Column {
    pub name: CompactString,
    /// 1-based position in the table.
    pub ordinal: u32,
    /// The type as the database spells it for people, e.g. `character varying(255)`,
    /// `geometry(Point,4326)`, `enum('a','b')`.
    pub data_type: CompactString,
    /// The type's internal name, the key of Amplify's type mapping: PostgreSQL `udt_name`
    /// (`int4`, `_text`, `timestamptz`, an enum's name; for a domain, its base type's name, while
    /// `data_type` names the domain), MySQL `DATA_TYPE` (`int`, `varchar`, `enum`).
    pub udt_name: CompactString,
    /// False for `NOT NULL` columns (PostgreSQL: also for a `NOT NULL` domain).
    pub nullable: bool,
    /// The default expression as the database prints it, e.g.
    /// `nextval('events_id_seq'::regclass)`; none for identity and generated columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Schema of the column's type (a domain's base type) when it is not a built-in one: enums,
    /// composite types, extension types such as PostGIS `geometry` (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_schema: Option<String>,
    /// Values of an enum column, in declaration order (MySQL `enum(...)`, or a PostgreSQL enum type,
    /// also behind a domain); empty for enum arrays and MySQL `set(...)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_maximum_length: Option<i64>,
    /// Identity or generated column (PostgreSQL `GENERATED ... AS IDENTITY`, MySQL `AUTO_INCREMENT`
    /// or generated expressions).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
}

impl Column {
    /// Whether the column holds an array (PostgreSQL element types are prefixed with `_`).
    pub fn is_array(&self) -> bool {
        self.udt_name.starts_with('_')
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub referenced_schema: String,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    /// Labels in declaration order.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKind {
    Function,
    Aggregate,
    Window,
    Procedure,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Function {
    pub schema: String,
    pub name: String,
    pub kind: FunctionKind,
    /// Argument list as the database prints it, e.g. `geom geometry, srid integer`.
    pub arguments: String,
    /// Result type as the database prints it, e.g. `double precision`, `SETOF record`.
    pub result: String,
}

impl Catalog {
    /// The database objects a catalog describes: everything but the snapshot format and the
    /// statement descriptions, which only `schemals introspect` makes.
    #[allow(clippy::type_complexity)]
    fn objects(
        &self,
    ) -> (
        &Engine,
        &str,
        &[String],
        &Option<String>,
        &[Table],
        &[EnumType],
        &[Function],
        &[String],
    ) {
        // Exhaustive: a field added to the catalog must say whether it is an object.
        let Catalog {
            format: _,
            engine,
            database,
            search_path,
            server_version,
            tables,
            enums,
            functions,
            generator_table_order,
            statements: _,
        } = self;
        (
            engine,
            database,
            search_path,
            server_version,
            tables,
            enums,
            functions,
            generator_table_order,
        )
    }

    /// Whether `other` describes the same database objects ([`Catalog::objects`]). A live read
    /// that finds what the snapshot says changes no analysis.
    pub fn same_objects_as(&self, other: &Catalog) -> bool {
        self.objects() == other.objects()
    }

    /// Feeds `state` what [`Catalog::same_objects_as`] compares: two catalogs it finds the same
    /// hash the same.
    pub fn hash_objects(&self, state: &mut impl std::hash::Hasher) {
        std::hash::Hash::hash(&self.objects(), state);
    }

    /// An empty catalog for `engine`, with the engine's usual search path.
    pub fn empty(engine: Engine, database: &str) -> Catalog {
        let search_path = match engine {
            Engine::Postgresql => vec!["public".to_owned()],
            Engine::Mysql => vec![database.to_owned()],
        };
        Catalog {
            format: SNAPSHOT_FORMAT_VERSION,
            engine,
            database: database.to_owned(),
            search_path,
            server_version: None,
            tables: Vec::new(),
            enums: Vec::new(),
            functions: Vec::new(),
            generator_table_order: Vec::new(),
            statements: Vec::new(),
        }
    }

    /// The stored description of `sql`, if `schemals introspect` described it.
    pub fn statement(&self, sql: &str) -> Option<&StatementDescription> {
        find_statement(&self.statements, &statement_key(sql))
    }

    /// Sorts every list into the snapshot's canonical order, so that two introspections of the same
    /// database serialize to the same bytes.
    pub fn normalize(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        for table in &mut self.tables {
            table.columns.sort_by_key(|c| c.ordinal);
            table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.enums
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
        self.functions.sort_by(|a, b| {
            (&a.schema, &a.name, &a.arguments).cmp(&(&b.schema, &b.name, &b.arguments))
        });
        self.functions.dedup();
        self.statements.sort_by(|a, b| a.key.cmp(&b.key));
        self.statements.dedup_by(|a, b| a.key == b.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: Option<&str>) -> StatementDescription {
        StatementDescription {
            key: statement_key("SELECT 1"),
            columns: Vec::new(),
            parameters: Vec::new(),
            error: Some("the reason".to_owned()),
            error_offset: None,
            error_code: code.map(str::to_owned),
        }
    }

    #[test]
    fn only_a_refusal_of_the_text_with_a_code_counts_as_one() {
        // undefined function (PostgreSQL), unknown function (MySQL)
        assert!(refusal(Some("42883")).refused_text());
        assert!(refusal(Some("1305")).refused_text());
        // insufficient privilege, timeout, read-only transaction: the describing session's
        for code in ["42501", "57014", "1142", "1792", "1295"] {
            assert!(!refusal(Some(code)).refused_text(), "{code}");
        }
        // A snapshot written before codes were kept: not known to be the text's fault.
        assert!(!refusal(None).refused_text());
        let described = StatementDescription {
            error: None,
            ..refusal(Some("42883"))
        };
        assert!(!described.refused_text());
    }
}
