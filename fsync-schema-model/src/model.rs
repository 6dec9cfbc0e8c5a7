//! The schema model: plain data describing tables, serializable with serde.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::types::{Element, EnumType};

/// A whole database schema: its tables, in declaration order, and the
/// backends it targets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub tables: Vec<Table>,
    /// The backends the schema is rendered for; a rule that exists because of
    /// one backend applies only when that backend is targeted. All three
    /// unless the schema says otherwise.
    #[serde(default, skip_serializing_if = "Targets::is_all")]
    pub targets: Targets,
}

/// One table: columns in order, keys, indexes and checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// The table's previous name, when the entity declares a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order.
    pub primary_key: Vec<String>,
    /// UNIQUE constraints, single-column ones included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// How the table is stored, on the backends that have such options.
    #[serde(default, skip_serializing_if = "TableOptions::is_default")]
    pub options: TableOptions,
}

/// Storage options of a table: SQLite's `STRICT` and `WITHOUT ROWID`, MySQL's
/// default collation (each backend renders its own, and no other).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableOptions {
    /// SQLite's `STRICT`: each value must have its column's type (INT,
    /// INTEGER, REAL, TEXT, BLOB or ANY, which render writes for it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// SQLite's `WITHOUT ROWID`: the rows are stored in primary-key order.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_rowid: bool,
    /// MySQL's default collation of the table's text columns (its character
    /// set follows), when it is not the database's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The table's comment (PostgreSQL and MySQL keep it; SQLite does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl TableOptions {
    /// Whether no option is set.
    pub fn is_default(&self) -> bool {
        *self == TableOptions::default()
    }

    /// The options for messages: `STRICT, WITHOUT ROWID, COLLATE utf8mb3_bin`,
    /// or `none`.
    pub fn describe(&self) -> String {
        let mut text = self.sqlite_sql();
        let mut add = |part: String| {
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str(&part);
        };
        if let Some(collation) = &self.collation {
            add(format!("COLLATE {collation}"));
        }
        if let Some(comment) = &self.comment {
            add(format!("COMMENT '{}'", comment.replace('\'', "''")));
        }
        if text.is_empty() {
            "none".to_owned()
        } else {
            text
        }
    }

    /// The options as SQLite writes them after the column list:
    /// `STRICT, WITHOUT ROWID`; empty when none is set.
    pub fn sqlite_sql(&self) -> String {
        let mut parts = Vec::new();
        if self.strict {
            parts.push("STRICT");
        }
        if self.without_rowid {
            parts.push("WITHOUT ROWID");
        }
        parts.join(", ")
    }
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The column's previous name, when the entity declares a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Per-backend SQL types that replace the one derived from `ty`.
    #[serde(default, skip_serializing_if = "SqlTypes::is_empty")]
    pub sql_type: SqlTypes,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// `INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite, an identity elsewhere.
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoincrement: bool,
    /// The native enum of a [`ColumnType::Enum`] column, or the members of a
    /// [`ColumnType::Set`] one.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_type: Option<EnumType>,
    /// MySQL's `ON UPDATE CURRENT_TIMESTAMP`: an update of the row sets the
    /// column to the time of the update.
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_update_current_timestamp: bool,
    /// The column's collation (`utf8mb3_bin`, `C`, `NOCASE`) when it is not
    /// the table's (MySQL) or the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The column's comment (PostgreSQL and MySQL keep it; SQLite does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The logical type of a column; each backend renders it as its native type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    Boolean,
    Float,
    Double,
    /// An exact number of `precision` digits, `scale` of them after the
    /// point: NUMERIC(precision, scale); `rust_decimal::Decimal` in Rust.
    Decimal(u32, u32),
    Text,
    /// Text with a maximum length in characters (VARCHAR(n)).
    String(u32),
    Blob,
    Uuid,
    Date,
    Time,
    /// A date and time without a time zone.
    DateTime,
    /// A point in time (UTC).
    TimestampTz,
    Json,
    /// `u8`: TINYINT UNSIGNED on MySQL; SMALLINT with a range CHECK elsewhere.
    TinyUnsigned,
    /// `u16`: SMALLINT UNSIGNED on MySQL; INTEGER with a range CHECK elsewhere.
    SmallUnsigned,
    /// `u32`: INT UNSIGNED on MySQL; BIGINT with a range CHECK elsewhere.
    Unsigned,
    /// `u64`: BIGINT UNSIGNED, on MySQL only.
    BigUnsigned,
    /// A native enum; the column's [`Column::enum_type`] names it and its values.
    Enum,
    /// A set of a native enum's values (MySQL's `SET(..)`; the values joined
    /// by commas in TEXT elsewhere): an `EnumSet<T>` field. The column's
    /// [`Column::enum_type`] holds the members.
    Set,
    /// A PostgreSQL array (`text[]`): a `Vec<T>` field.
    Array(Element),
}

impl ColumnType {
    /// Every logical type that every backend has, for generators and tests
    /// (not the unsigned types, native enums and arrays, which some backends
    /// lack or render otherwise).
    pub const ALL: [ColumnType; 16] = [
        ColumnType::SmallInt,
        ColumnType::Integer,
        ColumnType::BigInt,
        ColumnType::Boolean,
        ColumnType::Float,
        ColumnType::Double,
        ColumnType::Decimal(10, 2),
        ColumnType::Text,
        ColumnType::String(64),
        ColumnType::Blob,
        ColumnType::Uuid,
        ColumnType::Date,
        ColumnType::Time,
        ColumnType::DateTime,
        ColumnType::TimestampTz,
        ColumnType::Json,
    ];

    /// Whether the type is an integer (the only kind AUTOINCREMENT accepts).
    pub const fn is_integer(self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt
                | ColumnType::Integer
                | ColumnType::BigInt
                | ColumnType::TinyUnsigned
                | ColumnType::SmallUnsigned
                | ColumnType::Unsigned
                | ColumnType::BigUnsigned
        )
    }

    /// The range of an unsigned type's values: `(0, 255)` for `u8`.
    pub const fn unsigned_range(self) -> Option<(u64, u64)> {
        match self {
            ColumnType::TinyUnsigned => Some((0, u8::MAX as u64)),
            ColumnType::SmallUnsigned => Some((0, u16::MAX as u64)),
            ColumnType::Unsigned => Some((0, u32::MAX as u64)),
            ColumnType::BigUnsigned => Some((0, u64::MAX)),
            _ => None,
        }
    }

    /// Whether the integer `value` fits the type's range (types that are not
    /// 16 or 32-bit integers or unsigned take any `i64`).
    pub const fn int_in_range(self, value: i64) -> bool {
        match self {
            ColumnType::SmallInt => value >= i16::MIN as i64 && value <= i16::MAX as i64,
            ColumnType::Integer => value >= i32::MIN as i64 && value <= i32::MAX as i64,
            _ => match self.unsigned_range() {
                Some((_, max)) => value >= 0 && value as u64 <= max,
                None => true,
            },
        }
    }

    /// Whether a column of this type can be part of a primary key, an index or
    /// a foreign key everywhere (MySQL indexes TEXT, BLOB and JSON only by a prefix).
    pub const fn is_keyable(self) -> bool {
        !matches!(
            self,
            ColumnType::Text | ColumnType::Blob | ColumnType::Json | ColumnType::Array(_)
        )
    }

    /// Why `backend` has no column of this type, or `None` when it has one:
    /// `u64` exists on MySQL only, arrays on PostgreSQL only.
    pub const fn unsupported_on(self, backend: Backend) -> Option<&'static str> {
        match (self, backend) {
            (ColumnType::BigUnsigned, Backend::Sqlite) => Some(
                "`u64` has no column type on SQLite (its INTEGER holds up to 2^63-1); make the field an i64, or leave `sqlite` out of the schema's `targets(..)`",
            ),
            (ColumnType::BigUnsigned, Backend::Postgres) => Some(
                "`u64` has no column type on PostgreSQL (its BIGINT holds up to 2^63-1); make the field an i64 or a Decimal, or leave `postgres` out of the schema's `targets(..)`",
            ),
            (ColumnType::Array(_), Backend::Sqlite) => Some(
                "an array (`Vec<_>`) column exists on PostgreSQL only, and the schema targets SQLite; use serde_json::Value for a list, or target `postgres` only",
            ),
            (ColumnType::Array(_), Backend::MySql) => Some(
                "an array (`Vec<_>`) column exists on PostgreSQL only, and the schema targets MySQL; use serde_json::Value for a list, or target `postgres` only",
            ),
            _ => None,
        }
    }

    /// Whether a default of `kind` fits the type; `text_chars` is the length of
    /// a text default. A `const fn`, so the derive evaluates it at compile time.
    pub const fn accepts_kind(self, kind: DefaultKind, text_chars: usize) -> bool {
        use ColumnType as T;
        match kind {
            DefaultKind::Int => {
                self.is_integer() || matches!(self, T::Float | T::Double | T::Decimal(..))
            }
            DefaultKind::Float => matches!(self, T::Float | T::Double | T::Decimal(..)),
            DefaultKind::Bool => matches!(self, T::Boolean),
            DefaultKind::Text => match self {
                T::Text
                | T::Json
                | T::Date
                | T::Time
                | T::DateTime
                | T::TimestampTz
                | T::Enum
                | T::Set => true,
                // A UUID in its text form (36 characters).
                T::Uuid => text_chars == 36,
                T::String(len) => text_chars <= len as usize,
                _ => false,
            },
            DefaultKind::CurrentTimestamp => matches!(self, T::DateTime | T::TimestampTz),
            DefaultKind::Sql => true,
        }
    }

    /// Whether `default` fits the type.
    pub fn accepts(self, default: &DefaultValue) -> bool {
        let chars = match default {
            DefaultValue::Text(text) => text.chars().count(),
            _ => 0,
        };
        self.accepts_kind(default.kind(), chars)
    }

    /// A short name for messages, e.g. `big_int`.
    pub fn name(self) -> String {
        match self {
            ColumnType::String(len) => format!("string({len})"),
            ColumnType::Decimal(precision, scale) => format!("decimal({precision},{scale})"),
            ColumnType::Array(element) => format!("array({})", element.name()),
            other => {
                let debug = format!("{other:?}");
                let mut name = String::new();
                for (i, ch) in debug.chars().enumerate() {
                    if ch.is_uppercase() && i > 0 {
                        name.push('_');
                    }
                    name.push(ch.to_ascii_lowercase());
                }
                name
            }
        }
    }
}

/// SQL types written by hand for one or more backends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlTypes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<String>,
}

impl SqlTypes {
    /// True when no backend has an override.
    pub fn is_empty(&self) -> bool {
        self.sqlite.is_none() && self.postgres.is_none() && self.mysql.is_none()
    }

    /// The override for `backend`, if any.
    pub fn get(&self, backend: Backend) -> Option<&str> {
        match backend {
            Backend::Sqlite => self.sqlite.as_deref(),
            Backend::Postgres => self.postgres.as_deref(),
            Backend::MySql => self.mysql.as_deref(),
        }
    }
}

/// The database backends fsync-schema renders for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    /// All backends, in a fixed order.
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::MySql];

    /// The backend's name as written on command lines: `sqlite`, `postgres`, `mysql`.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    /// The backend's name for people: `SQLite`, `PostgreSQL`, `MySQL`.
    pub const fn title(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::MySql => "MySQL",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
            Backend::MySql => 4,
        }
    }
}

/// A set of backends: the ones a schema targets, or the ones a rule exists for.
/// Serialized as a list of backend names.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Targets(u8);

impl Targets {
    /// SQLite, PostgreSQL and MySQL.
    pub const ALL: Targets = Targets(0b111);
    /// No backend.
    pub const NONE: Targets = Targets(0);
    /// MySQL (and MariaDB) only.
    pub const MYSQL: Targets = Targets::only(Backend::MySql);
    /// PostgreSQL only.
    pub const POSTGRES: Targets = Targets::only(Backend::Postgres);

    /// The set holding `backend` alone.
    pub const fn only(backend: Backend) -> Targets {
        Targets(backend.bit())
    }

    /// The set of `backends`.
    pub const fn of(backends: &[Backend]) -> Targets {
        let (mut bits, mut i) = (0, 0);
        while i < backends.len() {
            bits |= backends[i].bit();
            i += 1;
        }
        Targets(bits)
    }

    /// This set and `other`'s backends.
    pub const fn with(self, other: Targets) -> Targets {
        Targets(self.0 | other.0)
    }

    /// This set without `other`'s backends.
    pub const fn without(self, other: Targets) -> Targets {
        Targets(self.0 & !other.0)
    }

    /// Whether `backend` is in the set.
    pub const fn contains(self, backend: Backend) -> bool {
        self.0 & backend.bit() != 0
    }

    /// Whether the two sets share a backend.
    pub const fn intersects(self, other: Targets) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set holds every backend.
    pub fn is_all(&self) -> bool {
        *self == Targets::ALL
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The backends of the set, in [`Backend::ALL`] order.
    pub fn backends(self) -> impl Iterator<Item = Backend> {
        Backend::ALL.into_iter().filter(move |b| self.contains(*b))
    }

    /// The set's names for messages: `sqlite, postgres`.
    pub fn names(self) -> String {
        self.backends()
            .map(Backend::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Default for Targets {
    fn default() -> Self {
        Targets::ALL
    }
}

impl std::fmt::Debug for Targets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.backends()).finish()
    }
}

impl FromIterator<Backend> for Targets {
    fn from_iter<I: IntoIterator<Item = Backend>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Targets::NONE, |set, b| set.with(Targets::only(b)))
    }
}

impl Serialize for Targets {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.backends())
    }
}

impl<'de> Deserialize<'de> for Targets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<Backend>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

/// The error of asking for SQL of a backend the schema does not target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotTargeted {
    pub targets: Targets,
    pub backend: Backend,
}

impl std::fmt::Display for NotTargeted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the schema targets {}; it has no {} rendering",
            self.targets.names(),
            self.backend.title()
        )
    }
}

impl std::error::Error for NotTargeted {}

impl std::str::FromStr for Backend {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "mysql" | "mariadb" => Ok(Backend::MySql),
            other => Err(format!(
                "unknown backend `{other}`; expected `sqlite`, `postgres` or `mysql`"
            )),
        }
    }
}

/// A column default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
    /// `CURRENT_TIMESTAMP`.
    CurrentTimestamp,
    /// Any other SQL expression, written as the backend expects it.
    Sql(String),
}

impl DefaultValue {
    /// The value as an attribute literal would write it: `3`, `true`, `'manual'`.
    pub fn literal(&self) -> String {
        match self {
            DefaultValue::Int(int) => int.to_string(),
            DefaultValue::Float(float) => format!("{float:?}"),
            DefaultValue::Bool(flag) => flag.to_string(),
            DefaultValue::Text(text) => format!("'{text}'"),
            DefaultValue::CurrentTimestamp => "CURRENT_TIMESTAMP".to_owned(),
            DefaultValue::Sql(sql) => format!("({sql})"),
        }
    }

    /// The kind of literal.
    pub fn kind(&self) -> DefaultKind {
        match self {
            DefaultValue::Int(_) => DefaultKind::Int,
            DefaultValue::Float(_) => DefaultKind::Float,
            DefaultValue::Bool(_) => DefaultKind::Bool,
            DefaultValue::Text(_) => DefaultKind::Text,
            DefaultValue::CurrentTimestamp => DefaultKind::CurrentTimestamp,
            DefaultValue::Sql(_) => DefaultKind::Sql,
        }
    }
}

/// The kind of a default, without its value: what the type rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultKind {
    Int,
    Float,
    Bool,
    Text,
    CurrentTimestamp,
    Sql,
}

impl DefaultKind {
    /// The kind for messages: `an integer`, `a string`, ...
    pub const fn describe(self) -> &'static str {
        match self {
            DefaultKind::Int => "an integer",
            DefaultKind::Float => "a float",
            DefaultKind::Bool => "a boolean",
            DefaultKind::Text => "a string",
            DefaultKind::CurrentTimestamp => "`current_timestamp`",
            DefaultKind::Sql => "an SQL expression",
        }
    }
}

/// A UNIQUE constraint over one or more columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unique {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// A foreign key to a unique column set (usually the primary key) of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Action::is_no_action")]
    pub on_delete: Action,
    #[serde(default, skip_serializing_if = "Action::is_no_action")]
    pub on_update: Action,
}

/// A referential action for ON DELETE / ON UPDATE.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 5] = [
        Action::NoAction,
        Action::Restrict,
        Action::Cascade,
        Action::SetNull,
        Action::SetDefault,
    ];

    fn is_no_action(&self) -> bool {
        *self == Action::NoAction
    }

    /// The action as SQL: `CASCADE`, `SET NULL`, ...
    pub fn sql(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }

    /// The action's attribute spelling: `cascade`, `set_null`, ...
    pub fn key(self) -> &'static str {
        match self {
            Action::NoAction => "no_action",
            Action::Restrict => "restrict",
            Action::Cascade => "cascade",
            Action::SetNull => "set_null",
            Action::SetDefault => "set_default",
        }
    }

    /// Parses the attribute spelling (`set_null`) or the SQL one (`SET NULL`).
    pub fn parse(text: &str) -> Option<Action> {
        let normal = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Action::ALL
            .into_iter()
            .find(|action| action.key() == normal)
    }
}

/// A named index over one or more key parts, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// The key parts: column names, or SQL expressions written in
    /// parentheses, `(lower(email))` (see [`Index::is_expression`]).
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Prefix lengths (in characters) of columns indexed by a prefix only, by
    /// column: MySQL indexes a text column only so. Rendered for MySQL only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefixes: BTreeMap<String, u32>,
    /// The key parts sorted in descending order.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub descending: BTreeSet<String>,
    /// The index method; B-tree unless said otherwise.
    #[serde(default, skip_serializing_if = "IndexMethod::is_btree")]
    pub using: IndexMethod,
    /// The predicate of a partial index (SQL): only rows where it holds are indexed.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// Columns stored in the index without being part of its key
    /// (PostgreSQL's `INCLUDE (..)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
}

/// How an index is built: B-tree everywhere, PostgreSQL's other access
/// methods, MySQL's FULLTEXT and SPATIAL indexes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    #[default]
    Btree,
    /// PostgreSQL's `USING hash`.
    Hash,
    /// PostgreSQL's `USING gin` (arrays, JSON, full-text search).
    Gin,
    /// PostgreSQL's `USING gist` (ranges, geometry, exclusion).
    Gist,
    /// PostgreSQL's `USING spgist`.
    Spgist,
    /// PostgreSQL's `USING brin` (block ranges of large, ordered tables).
    Brin,
    /// MySQL's `FULLTEXT` index.
    Fulltext,
    /// MySQL's `SPATIAL` index.
    Spatial,
}

impl IndexMethod {
    /// Every method.
    pub const ALL: [IndexMethod; 8] = [
        IndexMethod::Btree,
        IndexMethod::Hash,
        IndexMethod::Gin,
        IndexMethod::Gist,
        IndexMethod::Spgist,
        IndexMethod::Brin,
        IndexMethod::Fulltext,
        IndexMethod::Spatial,
    ];

    /// Whether this is the default, B-tree.
    pub fn is_btree(&self) -> bool {
        *self == IndexMethod::Btree
    }

    /// The method's attribute spelling: `gin`, `fulltext`, ...
    pub const fn key(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gin => "gin",
            IndexMethod::Gist => "gist",
            IndexMethod::Spgist => "spgist",
            IndexMethod::Brin => "brin",
            IndexMethod::Fulltext => "fulltext",
            IndexMethod::Spatial => "spatial",
        }
    }

    /// The method of an attribute spelling or of a catalogue's name for it
    /// (`GIN`, `FULLTEXT`, case aside).
    pub fn parse(text: &str) -> Option<IndexMethod> {
        let lower = text.trim().to_ascii_lowercase();
        IndexMethod::ALL.into_iter().find(|m| m.key() == lower)
    }

    /// The backends that have the method (B-tree: all of them).
    pub const fn backends(self) -> Targets {
        match self {
            IndexMethod::Btree => Targets::ALL,
            IndexMethod::Hash
            | IndexMethod::Gin
            | IndexMethod::Gist
            | IndexMethod::Spgist
            | IndexMethod::Brin => Targets::POSTGRES,
            IndexMethod::Fulltext | IndexMethod::Spatial => Targets::MYSQL,
        }
    }
}

/// A CHECK constraint; `expr` is SQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub expr: String,
}

impl Schema {
    /// A schema from tables, in the order given.
    pub fn new(tables: impl IntoIterator<Item = Table>) -> Self {
        Schema {
            tables: tables.into_iter().collect(),
            targets: Targets::ALL,
        }
    }

    /// The same schema, targeting only `targets`.
    pub fn targeting(mut self, targets: Targets) -> Self {
        self.targets = targets;
        self
    }

    /// Whether the schema may be rendered for `backend`: the one check that
    /// every tool calls before writing SQL for a backend.
    pub fn check_target(&self, backend: Backend) -> Result<(), NotTargeted> {
        if self.targets.contains(backend) {
            Ok(())
        } else {
            Err(NotTargeted {
                targets: self.targets,
                backend,
            })
        }
    }

    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The native enum types of the schema's columns (not the members of
    /// sets), each once (by name), in the order of first use.
    pub fn enum_types(&self) -> Vec<&EnumType> {
        let mut out: Vec<&EnumType> = Vec::new();
        let enums = self
            .tables
            .iter()
            .flat_map(|t| &t.columns)
            .filter(|c| c.ty == ColumnType::Enum);
        for column in enums {
            if let Some(enum_type) = &column.enum_type
                && !out.iter().any(|e| e.name == enum_type.name)
            {
                out.push(enum_type);
            }
        }
        out
    }

    /// The foreign keys that close a cycle when the tables are created in
    /// [`Schema::in_dependency_order`]: those that reference a table created
    /// later (self-references aside), as (table, position of the key in
    /// its table). PostgreSQL and MySQL add them with `ALTER TABLE` once
    /// every table exists; SQLite takes them inline.
    pub fn cycle_keys(&self) -> Vec<(String, usize)> {
        cycle_keys(&self.in_dependency_order())
    }

    /// Tables ordered so that each comes after the tables its foreign keys
    /// reference (self-references aside); ties keep declaration order. Tables
    /// in a cycle keep their declaration order at the end.
    ///
    /// Kahn's algorithm with a min-heap of declaration positions: linear in
    /// the number of tables and keys (up to a log factor).
    pub fn in_dependency_order(&self) -> Vec<&Table> {
        use std::cmp::Reverse;
        use std::collections::{BinaryHeap, HashMap};
        let tables = &self.tables;
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(tables.len());
        for (i, table) in tables.iter().enumerate() {
            position.entry(table.name.as_str()).or_insert(i);
        }
        let mut waiting_on = vec![0_usize; tables.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
        for (i, table) in tables.iter().enumerate() {
            let mut parents: Vec<usize> = table
                .foreign_keys
                .iter()
                .filter(|fk| fk.ref_table != table.name)
                .filter_map(|fk| position.get(fk.ref_table.as_str()).copied())
                .collect();
            parents.sort_unstable();
            parents.dedup();
            waiting_on[i] = parents.len();
            for parent in parents {
                dependents[parent].push(i);
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> = (0..tables.len())
            .filter(|&i| waiting_on[i] == 0)
            .map(Reverse)
            .collect();
        let mut placed = vec![false; tables.len()];
        let mut order = Vec::with_capacity(tables.len());
        while let Some(Reverse(i)) = ready.pop() {
            placed[i] = true;
            order.push(&tables[i]);
            for &child in &dependents[i] {
                waiting_on[child] -= 1;
                if waiting_on[child] == 0 {
                    ready.push(Reverse(child));
                }
            }
        }
        order.extend(
            (0..tables.len())
                .filter(|&i| !placed[i])
                .map(|i| &tables[i]),
        );
        order
    }
}

impl Table {
    /// An empty table called `name`; add columns and keys with the builder methods.
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            renamed_from: None,
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            options: TableOptions::default(),
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// Whether `columns` is exactly the primary key or a UNIQUE constraint or unique index.
    pub fn is_unique_key(&self, columns: &[String]) -> bool {
        let same = |other: &[String]| {
            other.len() == columns.len() && columns.iter().all(|c| other.contains(c))
        };
        same(&self.primary_key)
            || self.uniques.iter().any(|u| same(&u.columns))
            || self
                .indexes
                .iter()
                .any(|i| i.is_unique_key() && same(&i.columns))
    }

    /// Adds a column (look one up with [`Table::column`]).
    pub fn with_column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the primary key.
    pub fn primary_key<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.primary_key = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a UNIQUE constraint.
    pub fn unique<S: Into<String>>(
        mut self,
        name: Option<&str>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.uniques.push(Unique {
            name: name.map(str::to_owned),
            columns: columns.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Adds a foreign key.
    pub fn foreign_key(mut self, foreign_key: ForeignKey) -> Self {
        self.foreign_keys.push(foreign_key);
        self
    }

    /// Adds a (non-unique) index.
    pub fn index<S: Into<String>>(
        mut self,
        name: &str,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.indexes.push(Index::new(name, columns));
        self
    }

    /// Adds a unique index.
    pub fn unique_index<S: Into<String>>(
        mut self,
        name: &str,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.indexes.push(Index::new(name, columns).unique());
        self
    }

    /// Adds an index built with [`Index::new`].
    pub fn index_def(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a CHECK constraint.
    pub fn check(mut self, name: Option<&str>, expr: &str) -> Self {
        self.checks.push(Check {
            name: name.map(str::to_owned),
            expr: expr.to_owned(),
        });
        self
    }

    /// Declares the table's previous name.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.to_owned());
        self
    }

    /// Sets the table's storage options.
    pub fn with_options(mut self, options: TableOptions) -> Self {
        self.options = options;
        self
    }
}

impl Column {
    /// A NOT NULL column without default.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            renamed_from: None,
            ty,
            sql_type: SqlTypes::default(),
            nullable: false,
            default: None,
            autoincrement: false,
            on_update_current_timestamp: false,
            collation: None,
            comment: None,
            enum_type: None,
        }
    }

    /// A NOT NULL column of a set of `members`' values.
    pub fn set(name: impl Into<String>, members: EnumType) -> Self {
        Column {
            enum_type: Some(members),
            ..Column::new(name, ColumnType::Set)
        }
    }

    /// A NOT NULL column of the native enum `enum_type`.
    pub fn enumeration(name: impl Into<String>, enum_type: EnumType) -> Self {
        Column {
            enum_type: Some(enum_type),
            ..Column::new(name, ColumnType::Enum)
        }
    }

    /// Sets the column's comment.
    pub fn comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_owned());
        self
    }

    /// Sets the column's collation.
    pub fn collate(mut self, collation: &str) -> Self {
        self.collation = Some(collation.to_owned());
        self
    }

    /// Sets the column to the time of each update of its row (MySQL's
    /// `ON UPDATE CURRENT_TIMESTAMP`).
    pub fn on_update_current_timestamp(mut self) -> Self {
        self.on_update_current_timestamp = true;
        self
    }

    /// Makes the column nullable.
    pub fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// Sets the default.
    pub fn default(mut self, value: DefaultValue) -> Self {
        self.default = Some(value);
        self
    }

    /// Marks the column AUTOINCREMENT.
    pub fn autoincrement(mut self) -> Self {
        self.autoincrement = true;
        self
    }

    /// Overrides the SQL type on one backend.
    pub fn sql_type(mut self, backend: Backend, sql: &str) -> Self {
        let slot = match backend {
            Backend::Sqlite => &mut self.sql_type.sqlite,
            Backend::Postgres => &mut self.sql_type.postgres,
            Backend::MySql => &mut self.sql_type.mysql,
        };
        *slot = Some(sql.to_owned());
        self
    }

    /// Declares the column's previous name.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.to_owned());
        self
    }
}

impl ForeignKey {
    /// A foreign key from `columns` to `ref_table(ref_columns)` with NO ACTION.
    pub fn new<S: Into<String>, R: Into<String>>(
        columns: impl IntoIterator<Item = S>,
        ref_table: &str,
        ref_columns: impl IntoIterator<Item = R>,
    ) -> Self {
        ForeignKey {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
            ref_table: ref_table.to_owned(),
            ref_columns: ref_columns.into_iter().map(Into::into).collect(),
            on_delete: Action::NoAction,
            on_update: Action::NoAction,
        }
    }

    /// Sets ON DELETE.
    pub fn on_delete(mut self, action: Action) -> Self {
        self.on_delete = action;
        self
    }

    /// Sets ON UPDATE.
    pub fn on_update(mut self, action: Action) -> Self {
        self.on_update = action;
        self
    }

    /// Names the constraint (PostgreSQL and MySQL keep the name; SQLite drops it).
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// The constraint name: the declared one or `fk_<table>_<columns>`
    /// ([`crate::naming::foreign_key`]).
    pub fn constraint_name(&self, table: &str) -> String {
        crate::naming::foreign_key(table, self)
    }
}

impl Unique {
    /// An unnamed UNIQUE over `columns`.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Unique {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
        }
    }

    /// Names the constraint.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
}

impl Index {
    /// A non-unique index called `name` over `columns`.
    pub fn new<S: Into<String>>(name: &str, columns: impl IntoIterator<Item = S>) -> Self {
        Index {
            name: name.to_owned(),
            columns: columns.into_iter().map(Into::into).collect(),
            unique: false,
            prefixes: BTreeMap::new(),
            descending: BTreeSet::new(),
            using: IndexMethod::Btree,
            predicate: None,
            include: Vec::new(),
        }
    }

    /// Whether key part `part` is an SQL expression (written in parentheses)
    /// rather than a column name.
    pub fn is_expression(part: &str) -> bool {
        part.starts_with('(') && part.ends_with(')')
    }

    /// The key parts that are columns (not expressions), in order.
    pub fn key_columns(&self) -> impl Iterator<Item = &String> {
        self.columns.iter().filter(|c| !Index::is_expression(c))
    }

    /// Adds an expression key part: `expr` is SQL, kept in parentheses.
    pub fn expression(mut self, expr: &str) -> Self {
        self.columns.push(Index::expression_part(expr));
        self
    }

    /// The key part for the SQL expression `expr`: in one pair of
    /// parentheses, however many it was written in.
    pub fn expression_part(expr: &str) -> String {
        let mut inner = expr.trim();
        while inner.starts_with('(') && inner.ends_with(')') && encloses(inner) {
            inner = inner[1..inner.len() - 1].trim();
        }
        format!("({inner})")
    }

    /// Sorts key part `part` in descending order.
    pub fn desc(mut self, part: &str) -> Self {
        self.descending.insert(part.to_owned());
        self
    }

    /// Builds the index with `method`.
    pub fn using(mut self, method: IndexMethod) -> Self {
        self.using = method;
        self
    }

    /// Makes the index partial: only rows where `predicate` (SQL) holds.
    pub fn where_(mut self, predicate: &str) -> Self {
        self.predicate = Some(predicate.to_owned());
        self
    }

    /// Stores `columns` in the index outside its key (PostgreSQL's `INCLUDE`).
    pub fn include<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.include.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Whether the index makes its columns a unique key (that a foreign key
    /// may reference): unique, over every row, of columns only.
    pub fn is_unique_key(&self) -> bool {
        self.unique && self.predicate.is_none() && self.key_columns().count() == self.columns.len()
    }

    /// Whether the index is a plain one every backend builds: B-tree, no
    /// predicate, expression, descending part or included column.
    pub fn is_plain(&self) -> bool {
        self.using.is_btree()
            && self.predicate.is_none()
            && self.descending.is_empty()
            && self.include.is_empty()
            && self.key_columns().count() == self.columns.len()
    }

    /// Makes the index unique.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Indexes `column` by its first `chars` characters (on MySQL).
    pub fn prefix(mut self, column: &str, chars: u32) -> Self {
        self.prefixes.insert(column.to_owned(), chars);
        self
    }

    /// The prefix length of `column` in this index, if it is indexed by a prefix.
    pub fn prefix_of(&self, column: &str) -> Option<u32> {
        self.prefixes.get(column).copied()
    }
}

impl Check {
    /// An unnamed CHECK.
    pub fn new(expr: &str) -> Self {
        Check {
            name: None,
            expr: expr.to_owned(),
        }
    }

    /// Names the constraint.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }
}

/// Whether the parenthesis that opens `text` closes at its very end
/// (quotes aside): `(a) + (b)` is not enclosed, `((a) + (b))` is.
fn encloses(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let last = text.len() - 1;
    for (at, ch) in text.char_indices() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if matches!(ch, '\'' | '"' | '`') => quote = Some(ch),
            None if ch == '(' => depth += 1,
            None if ch == ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && at != last {
                    return false;
                }
            }
            None => {}
        }
    }
    depth == 0
}

/// The foreign keys of `tables`, created in this order, that reference a
/// table of the list created after theirs (self-references aside), as
/// (table, position of the key in its table).
pub fn cycle_keys(tables: &[&Table]) -> Vec<(String, usize)> {
    let position = |name: &str| tables.iter().position(|t| t.name == name);
    let mut out = Vec::new();
    for (at, table) in tables.iter().enumerate() {
        for (f, fk) in table.foreign_keys.iter().enumerate() {
            if fk.ref_table != table.name && position(&fk.ref_table).is_some_and(|p| p > at) {
                out.push((table.name.clone(), f));
            }
        }
    }
    out
}
