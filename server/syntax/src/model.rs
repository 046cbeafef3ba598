//! The schema model: what an Amplify project's data schema files declare, as plain data with exact
//! source ranges. It is produced by [`crate::eval`] and read by the analyses.
//!
//! Everything that could not be followed (a helper's result, a computed key, a value from a
//! package) is recorded as unknown or incomplete, never guessed: analyses must stay quiet about it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::source_map::MappedText;
use crate::text::TextRange;

/// The text of a [`Name`].
pub type NameText = compact_str::CompactString;

/// A file of the project, numbered by the [`crate::eval::Sources`] that provided it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

/// A name written in source: an identifier, an object key or the text of a string literal
/// (the span then excludes the quotes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Name {
    /// Held inline up to 24 bytes: a model is copied on every keystroke that replays it, and a
    /// heap string per name made most of that copy's cost (and of freeing it).
    pub text: NameText,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SchemaId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ModelId(pub usize);

/// Everything the project's schema files build.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct SchemaModel {
    pub schemas: Vec<Schema>,
    pub models: Vec<Model>,
    pub combines: Vec<Combine>,
    /// Errors the builders themselves would throw while the module runs, found during evaluation.
    pub diagnostics: Vec<ModelDiagnostic>,
    /// Where `models.X` and `models.X.fields.f` are written in `setAuthorization` and
    /// `setRelationships` callbacks, and what they name.
    pub name_uses: Vec<NameUse>,
    /// The callbacks of `setAuthorization`/`setRelationships`: whose `models` they receive.
    pub models_callbacks: Vec<ModelsCallback>,
}

/// A `models.X` or `models.X.fields.f` member written in a callback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NameUse {
    /// The property name (`X` or `f`).
    pub span: Span,
    pub target: UseTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UseTarget {
    Model(ModelId),
    Field(ModelId, String),
    /// A `models.X` naming no model of the schema.
    UnknownModel(SchemaId),
    /// A `models.X.fields.f` naming no field of the model.
    UnknownField(ModelId),
}

/// The callback argument of `setAuthorization`/`setRelationships`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelsCallback {
    /// The callback expression.
    pub span: Span,
    pub schema: SchemaId,
}

impl SchemaModel {
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0]
    }

    pub fn model(&self, id: ModelId) -> &Model {
        &self.models[id.0]
    }

    /// The schemas whose types a `a.ref` in `schema` can see: the schema itself, or every schema
    /// of the `a.combine` it belongs to.
    pub fn ref_scope(&self, schema: SchemaId) -> Vec<SchemaId> {
        match self.schema(schema).combine {
            Some(c) => self.combines[c].schemas.clone(),
            None => vec![schema],
        }
    }
}

/// A diagnostic found while evaluating the builders.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelDiagnostic {
    pub span: Span,
    #[serde(with = "crate::interned")]
    pub code: crate::interned::StaticStr,
    pub message: String,
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Database {
    DynamoDb,
    Sql(SqlDatabase),
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SqlDatabase {
    /// `postgresql` or `mysql` as written; `None` when it could not be read.
    pub engine: Option<Name>,
    /// The `secret('NAME')` of `connectionUri`.
    pub connection_secret: Option<Name>,
    pub identifier: Option<Name>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    /// Where the schema is built: the `schema` of `a.schema(...)` or `configure(...).schema(...)`.
    pub span: Span,
    pub database: Database,
    pub entries: Vec<SchemaEntry>,
    /// False when some entries could not be read (a spread or computed key of unknown value).
    pub entries_complete: bool,
    pub auth: Option<AuthRules>,
    pub renames: Vec<Rename>,
    pub combine: Option<usize>,
    /// Whether the schema was built in a generated `schema.sql.ts`.
    pub generated: bool,
    /// The schema value was handed to code schemals cannot follow, which may have changed it:
    /// checks that need to know everything about it stay quiet.
    pub opaque: bool,
}

impl Schema {
    pub fn is_sql(&self) -> bool {
        matches!(self.database, Database::Sql(_))
    }

    pub fn engine(&self) -> Option<&str> {
        match &self.database {
            Database::Sql(db) => db.engine.as_ref().map(|n| n.text.as_str()),
            Database::DynamoDb => None,
        }
    }

    pub fn entry(&self, name: &str) -> Option<&SchemaEntry> {
        self.entries.iter().find(|e| e.name.text == name)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SchemaEntry {
    /// The key as it stands now (after `renameModels`, the new name, spanned where it was written).
    pub name: Name,
    pub def: TypeDef,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum TypeDef {
    Model(ModelId),
    CustomType(CustomType),
    Enum(EnumDef),
    Operation(Box<Operation>),
    /// `a.conversation(...)`, `a.generation(...)`: known kinds schemals does not model further.
    Ai,
    /// A value that could not be followed; its name is known, its kind is not.
    Unknown,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rename {
    pub from: Name,
    pub to: Name,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Combine {
    pub span: Span,
    pub schemas: Vec<SchemaId>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Model {
    /// The model's GraphQL name and where it is declared (the key in the schema object).
    pub name: Name,
    /// The key it was declared with, when `renameModels` renamed it (the table name for SQL).
    pub original_name: Option<Name>,
    /// Where `a.model` was called.
    pub span: Span,
    /// Shared between the copies of a model (the memo's kept evaluation, the one restored from it,
    /// the renamed one): a copy then costs the model's own few fields, not its fields'.
    pub fields: Arc<Vec<Field>>,
    pub fields_complete: bool,
    pub identifier: Option<Identifier>,
    pub auth: Option<AuthRules>,
    pub schema: Option<SchemaId>,
    /// `.secondaryIndexes(...)` method name, when called.
    pub secondary_indexes: Option<Span>,
    /// The model value was handed to code schemals cannot follow.
    pub opaque: bool,
}

impl Model {
    /// The table behind a SQL model: its original key.
    pub fn table_name(&self) -> &Name {
        self.original_name.as_ref().unwrap_or(&self.name)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name.text == name)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Identifier {
    pub span: Span,
    pub fields: Vec<Name>,
    pub complete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Scalar {
    Id,
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Time,
    DateTime,
    Timestamp,
    Email,
    Json,
    Phone,
    Url,
    IpAddress,
}

impl Scalar {
    pub fn from_factory(name: &str) -> Option<Scalar> {
        Some(match name {
            "id" => Scalar::Id,
            "string" => Scalar::String,
            "integer" => Scalar::Integer,
            "float" => Scalar::Float,
            "boolean" => Scalar::Boolean,
            "date" => Scalar::Date,
            "time" => Scalar::Time,
            "datetime" => Scalar::DateTime,
            "timestamp" => Scalar::Timestamp,
            "email" => Scalar::Email,
            "json" => Scalar::Json,
            "phone" => Scalar::Phone,
            "url" => Scalar::Url,
            "ipAddress" => Scalar::IpAddress,
            _ => return None,
        })
    }

    /// The GraphQL type name.
    pub fn graphql(self) -> &'static str {
        match self {
            Scalar::Id => "ID",
            Scalar::String => "String",
            Scalar::Integer => "Int",
            Scalar::Float => "Float",
            Scalar::Boolean => "Boolean",
            Scalar::Date => "AWSDate",
            Scalar::Time => "AWSTime",
            Scalar::DateTime => "AWSDateTime",
            Scalar::Timestamp => "AWSTimestamp",
            Scalar::Email => "AWSEmail",
            Scalar::Json => "AWSJSON",
            Scalar::Phone => "AWSPhone",
            Scalar::Url => "AWSURL",
            Scalar::IpAddress => "AWSIPAddress",
        }
    }

    /// Whether Amplify treats the type as a string for implied owner and group fields.
    pub fn is_string_like(self) -> bool {
        !matches!(
            self,
            Scalar::Integer | Scalar::Float | Scalar::Boolean | Scalar::Timestamp | Scalar::Json
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RelationshipKind {
    HasOne,
    HasMany,
    BelongsTo,
}

impl RelationshipKind {
    pub fn method(self) -> &'static str {
        match self {
            RelationshipKind::HasOne => "hasOne",
            RelationshipKind::HasMany => "hasMany",
            RelationshipKind::BelongsTo => "belongsTo",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Relationship {
    pub kind: RelationshipKind,
    pub target: Option<Name>,
    pub references: Vec<Name>,
    pub references_complete: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum FieldType {
    Scalar(Scalar),
    Ref(Name),
    Enum(EnumDef),
    CustomType(CustomType),
    Relationship(Relationship),
    Unknown,
}

/// `.default()` on a field.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FieldDefault {
    /// The `default` method name.
    pub span: Span,
    /// False for `.default()` without a value (a database-generated value).
    pub has_value: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Field {
    pub name: Name,
    pub ty: FieldType,
    /// The element is required (`.required()` not right after `.array()`).
    pub required: bool,
    pub array: bool,
    /// The list itself is required (`.array().required()`).
    pub list_required: bool,
    pub default: Option<FieldDefault>,
    /// Boxed: most fields have none, and a model's fields are kept by the thousand.
    pub auth: Option<Box<AuthRules>>,
    /// Where the field's builder expression is.
    pub span: Span,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CustomType {
    pub span: Span,
    /// A custom type's field can be a custom type: the one way the model nests itself.
    #[serde(deserialize_with = "crate::nesting::nested")]
    pub fields: Vec<Field>,
    pub complete: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EnumDef {
    pub span: Span,
    pub values: Vec<Name>,
    pub complete: bool,
}

/// Where an `.authorization(allow => ...)` callback stands: each level offers other `allow` builders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AuthLevel {
    Schema,
    Model,
    Field,
    Operation,
    Conversation,
}

/// Every `allow` builder of the DSL (`Authorization.ts`).
pub const ALLOW_BUILDERS: &[&str] = &[
    "publicApiKey",
    "guest",
    "authenticated",
    "owner",
    "ownerDefinedIn",
    "ownersDefinedIn",
    "group",
    "groups",
    "groupDefinedIn",
    "groupsDefinedIn",
    "custom",
    "resource",
];

/// The `allow` builders a level accepts (dsl.md §1.9): `resource` only for the schema, no owner or
/// field-based rules on custom operations, only `owner` on conversations.
pub fn allow_builders(level: AuthLevel) -> &'static [&'static str] {
    match level {
        AuthLevel::Schema => ALLOW_BUILDERS,
        AuthLevel::Model | AuthLevel::Field => &ALLOW_BUILDERS[..11],
        AuthLevel::Operation => &[
            "publicApiKey",
            "guest",
            "authenticated",
            "group",
            "groups",
            "custom",
        ],
        AuthLevel::Conversation => &["owner"],
    }
}

/// The rules of one `.authorization(...)` call.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AuthRules {
    /// The `authorization` method name.
    pub span: Span,
    pub rules: Vec<AuthRule>,
    /// False when some rule could not be read (a helper, a variable).
    pub complete: bool,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AuthRule {
    /// The `allow.X` builder, e.g. `ownerDefinedIn`.
    pub builder: Name,
    pub provider: Option<Name>,
    /// The field argument of `ownerDefinedIn`/`ownersDefinedIn`/`groupDefinedIn`/`groupsDefinedIn`.
    pub field: Option<Name>,
    /// The operations of `.to([...])`; `None` without `.to`.
    pub operations: Option<Vec<Name>>,
    /// The `to` method name.
    pub to_span: Option<Span>,
    pub complete: bool,
}

impl AuthRule {
    /// The owner or group field the rule implies, with whether it holds a list.
    pub fn implied_field(&self) -> Option<(&str, bool, Option<&Span>)> {
        match self.builder.text.as_str() {
            "owner" => Some(("owner", false, None)),
            "ownerDefinedIn" | "groupDefinedIn" => self
                .field
                .as_ref()
                .map(|f| (f.text.as_str(), false, Some(&f.span))),
            "ownersDefinedIn" | "groupsDefinedIn" => self
                .field
                .as_ref()
                .map(|f| (f.text.as_str(), true, Some(&f.span))),
            _ => None,
        }
    }

    /// The auth strategy Amplify emits for this builder.
    pub fn strategy(&self) -> &'static str {
        match self.builder.text.as_str() {
            "publicApiKey" | "guest" => "public",
            "authenticated" => "private",
            "owner" | "ownerDefinedIn" | "ownersDefinedIn" => "owner",
            "group" | "groups" | "groupDefinedIn" | "groupsDefinedIn" => "groups",
            "custom" => "custom",
            "resource" => "resource",
            _ => "unknown",
        }
    }

    /// The provider the rule ends up with, as Amplify defaults it.
    pub fn effective_provider(&self) -> &str {
        if let Some(p) = &self.provider {
            return &p.text;
        }
        match self.builder.text.as_str() {
            "publicApiKey" => "apiKey",
            "guest" => "identityPool",
            "custom" => "function",
            _ => "userPools",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
    Generation,
    Conversation,
}

impl OperationKind {
    pub fn graphql_type(self) -> &'static str {
        match self {
            OperationKind::Query | OperationKind::Generation => "Query",
            OperationKind::Mutation | OperationKind::Conversation => "Mutation",
            OperationKind::Subscription => "Subscription",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Returns {
    pub ty: FieldType,
    pub array: bool,
    pub required: bool,
    pub span: Span,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Handler {
    InlineSql {
        /// The `inlineSql` method name.
        span: Span,
        /// The SQL text with its map back into the file; `None` when the argument is not a string.
        sql: Option<MappedText>,
        /// The argument expression.
        argument: Option<Span>,
    },
    SqlReference {
        span: Span,
        /// The path as written.
        path: Option<Name>,
        /// The path joined to the folder of the calling file.
        resolved: Option<PathBuf>,
    },
    Function {
        span: Span,
        is_async: bool,
    },
    Custom {
        span: Span,
    },
    Unknown {
        span: Span,
    },
}

impl Handler {
    pub fn span(&self) -> &Span {
        match self {
            Handler::InlineSql { span, .. }
            | Handler::SqlReference { span, .. }
            | Handler::Function { span, .. }
            | Handler::Custom { span }
            | Handler::Unknown { span } => span,
        }
    }

    /// The name Amplify's message gives the handler kind.
    pub fn amplify_kind(&self) -> Option<&'static str> {
        match self {
            Handler::InlineSql { .. } => Some("inlineSql"),
            Handler::SqlReference { .. } => Some("sqlReference"),
            Handler::Function {
                is_async: false, ..
            } => Some("function"),
            Handler::Function { is_async: true, .. } => Some("asyncFunction"),
            Handler::Custom { .. } => Some("customHandler"),
            Handler::Unknown { .. } => None,
        }
    }

    pub fn is_sql(&self) -> bool {
        matches!(
            self,
            Handler::InlineSql { .. } | Handler::SqlReference { .. }
        )
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Operation {
    pub kind: OperationKind,
    /// The `query`/`mutation`/... factory name.
    pub span: Span,
    pub arguments: Option<Vec<Field>>,
    pub arguments_complete: bool,
    pub returns: Option<Returns>,
    pub auth: Option<AuthRules>,
    pub handlers: Option<Vec<Handler>>,
    pub handlers_complete: bool,
    /// The `handler` method name, when called.
    pub handler_span: Option<Span>,
    /// `.for(...)` sources of a subscription; `None` without `.for`.
    pub sources: Option<Span>,
}

impl Operation {
    /// The first SQL handler: the one that runs (Amplify ignores the others).
    pub fn sql_handler(&self) -> Option<&Handler> {
        self.handlers.iter().flatten().find(|h| h.is_sql())
    }
}
