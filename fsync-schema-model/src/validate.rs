//! What a valid table and a valid schema are: the one definition that the derive
//! macro (at compile time) and the tools (at run time) both call.
//!
//! Rules come in two kinds. *Structural* rules need only names and keys, so the
//! macro checks them while it expands. *Typed* rules depend on a column's Rust
//! type, which a macro cannot see; [`requirements`] lists them as data, the macro
//! evaluates each with [`Need::unmet`] in a constant placed under the offending
//! token, and [`table`] checks them against the model's [`ColumnType`]s directly.
//!
//! Some rules exist because of one backend; they apply only when the schema
//! targets it ([`Schema::targets`]), and each [`Problem`] says which backends
//! its rule belongs to. The backend rules:
//!
//! | rule | backends |
//! |------|----------|
//! | a text, blob or JSON column in a primary key, index (without a prefix length) or foreign key | MySQL |
//! | a key (primary key, index, foreign key) longer than 3072 bytes in utf8mb4 | MySQL |
//! | a unique over a text, blob or JSON column that also holds an `autoincrement` column (MariaDB's hash unique) | MySQL |
//! | `string(n)` longer than 16383 characters | MySQL |
//! | `string(n)` longer than 10485760 characters, or `string(0)` | PostgreSQL |
//! | `on_delete` / `on_update = set_default` (InnoDB ignores it) | MySQL |
//! | `on_delete` / `on_update = set_null` on a NOT NULL column (MySQL refuses the key) | MySQL |
//! | `PRIMARY` as an index or unique name | MySQL |
//! | referenced columns listed in another order than the referenced key | MySQL |
//! | `on_update = cascade` from a nullable column into a NOT NULL one | MySQL |
//! | index or constraint names that differ only in case | MySQL |
//! | identifiers longer than 63 bytes (PostgreSQL) or 64 characters (MySQL) | PostgreSQL, MySQL |
//! | a default on an `autoincrement` column (identity / AUTO_INCREMENT take none) | PostgreSQL, MySQL |
//! | a text default containing NUL | PostgreSQL |
//! | an index or unique name equal to a table name (one namespace) | PostgreSQL |
//! | an index name used by two tables (index names are per schema) | SQLite, PostgreSQL |
//! | a foreign key to a column set that is unique only through an index | PostgreSQL, MySQL |
//! | a unique repeating the primary key or another unique | SQLite |
//! | a `u64` column | SQLite, PostgreSQL |
//! | an array (`Vec<_>`) column | SQLite, MySQL |
//! | a string default on a `Uuid` column | MySQL |
//!
//! Every other rule holds for every backend.

use crate::model::{
    Action, Backend, Column, ColumnType, DefaultKind, DefaultValue, Index, IndexMethod, Schema,
    Table, Targets,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The longest identifier PostgreSQL keeps: it truncates names past 63 bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The longest identifier MySQL accepts, in characters.
pub const MYSQL_MAX_IDENTIFIER_CHARS: usize = 64;

/// Where in a table a problem lies; the macro maps each place back to a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// The table as a whole, or its name.
    Table,
    /// The primary key as a whole (e.g. when there is none).
    PrimaryKey,
    /// The `i`th primary-key column.
    PrimaryKeyColumn(usize),
    /// The column itself (its name).
    Column(usize),
    /// The column's type (the field's Rust type).
    ColumnType(usize),
    /// The column's `autoincrement` flag.
    Autoincrement(usize),
    /// The column's default.
    Default(usize),
    /// The column's `on_update = current_timestamp`.
    OnUpdateTimestamp(usize),
    /// The `i`th UNIQUE constraint.
    Unique(usize),
    /// Column `j` of UNIQUE constraint `i`.
    UniqueColumn(usize, usize),
    /// The `i`th index.
    Index(usize),
    /// Column `j` of index `i`.
    IndexColumn(usize, usize),
    /// The `i`th foreign key.
    ForeignKey(usize),
    /// Local column `j` of foreign key `i`.
    ForeignKeyColumn(usize, usize),
    /// What foreign key `i` references.
    ForeignKeyTarget(usize),
    /// The ON DELETE action of foreign key `i`.
    OnDelete(usize),
    /// The ON UPDATE action of foreign key `i`.
    OnUpdate(usize),
    /// The `i`th CHECK constraint.
    Check(usize),
}

impl Place {
    /// A human name for the place inside `table`, e.g. `sync_conduit.enabled`.
    pub fn describe(&self, table: &Table) -> String {
        let column = |i: usize| {
            table
                .columns
                .get(i)
                .map_or_else(|| format!("column #{i}"), |c| c.name.clone())
        };
        let t = &table.name;
        match *self {
            Place::Table => format!("table `{t}`"),
            Place::PrimaryKey => format!("primary key of `{t}`"),
            Place::PrimaryKeyColumn(i) => format!(
                "primary key of `{t}`, column `{}`",
                table.primary_key.get(i).map_or("?", String::as_str)
            ),
            Place::Column(i)
            | Place::ColumnType(i)
            | Place::Autoincrement(i)
            | Place::Default(i)
            | Place::OnUpdateTimestamp(i) => {
                format!("`{t}.{}`", column(i))
            }
            Place::Unique(i) | Place::UniqueColumn(i, _) => format!(
                "unique ({}) of `{t}`",
                table
                    .uniques
                    .get(i)
                    .map_or(String::new(), |u| u.columns.join(", "))
            ),
            Place::Index(i) | Place::IndexColumn(i, _) => format!(
                "index `{}` of `{t}`",
                table.indexes.get(i).map_or("?", |x| x.name.as_str())
            ),
            Place::ForeignKey(i)
            | Place::ForeignKeyColumn(i, _)
            | Place::ForeignKeyTarget(i)
            | Place::OnDelete(i)
            | Place::OnUpdate(i) => format!(
                "foreign key ({}) of `{t}`",
                table
                    .foreign_keys
                    .get(i)
                    .map_or(String::new(), |f| f.columns.join(", "))
            ),
            Place::Check(i) => format!(
                "check `{}` of `{t}`",
                table
                    .checks
                    .get(i)
                    .map_or("?", |c| c.name.as_deref().unwrap_or(&c.expr))
            ),
        }
    }
}

/// One broken rule: where, what to do about it, and the backends the rule
/// exists for ([`Targets::ALL`] for a rule of every backend).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    pub message: String,
    pub backends: Targets,
}

impl Problem {
    fn new(place: Place, message: impl Into<String>) -> Self {
        Problem {
            place,
            message: message.into(),
            backends: Targets::ALL,
        }
    }

    /// Whether the rule is one of every backend (not of some backends only).
    pub fn is_general(&self) -> bool {
        self.backends.is_all()
    }
}

/// A problem found in one table of a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub table: String,
    pub place: String,
    pub problem: Problem,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem.message)
    }
}

/// The problems of a check, keeping only the rules of targeted backends.
struct Found {
    targets: Targets,
    problems: Vec<Problem>,
}

impl Found {
    fn new(targets: Targets) -> Self {
        Found {
            targets,
            problems: Vec::new(),
        }
    }

    /// A rule of every backend.
    fn push(&mut self, place: Place, message: impl Into<String>) {
        self.problems.push(Problem::new(place, message));
    }

    /// A rule of `backends` only: kept when the schema targets one of them.
    fn push_for(&mut self, backends: Targets, place: Place, message: impl Into<String>) {
        if backends.intersects(self.targets) {
            self.problems.push(Problem {
                backends,
                ..Problem::new(place, message)
            });
        }
    }
}

/// A default as a typed rule sees it: a [`DefaultValue`] that borrows its
/// text, so that the derive can write one in a constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultRef<'a> {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(&'a str),
    CurrentTimestamp,
    Sql(&'a str),
}

impl DefaultRef<'_> {
    /// The kind of literal.
    pub const fn kind(self) -> DefaultKind {
        match self {
            DefaultRef::Int(_) => DefaultKind::Int,
            DefaultRef::Float(_) => DefaultKind::Float,
            DefaultRef::Bool(_) => DefaultKind::Bool,
            DefaultRef::Text(_) => DefaultKind::Text,
            DefaultRef::CurrentTimestamp => DefaultKind::CurrentTimestamp,
            DefaultRef::Sql(_) => DefaultKind::Sql,
        }
    }
}

impl DefaultValue {
    /// The default as a typed rule sees it.
    pub fn borrowed(&self) -> DefaultRef<'_> {
        match self {
            DefaultValue::Int(int) => DefaultRef::Int(*int),
            DefaultValue::Float(float) => DefaultRef::Float(*float),
            DefaultValue::Bool(flag) => DefaultRef::Bool(*flag),
            DefaultValue::Text(text) => DefaultRef::Text(text),
            DefaultValue::CurrentTimestamp => DefaultRef::CurrentTimestamp,
            DefaultValue::Sql(sql) => DefaultRef::Sql(sql),
        }
    }
}

/// What a typed rule needs of a column's type: the one definition of the typed
/// rules, checked by [`table`] on model types and by the derive at compile
/// time (through `fsync_schema::__private::unmet`, which adds the text-enum
/// rule for defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Need<'a> {
    /// Primary-key columns cannot be NULL.
    NotNull,
    /// `SET NULL` actions need a nullable column.
    Nullable,
    /// AUTOINCREMENT needs an integer type.
    Integer,
    /// The default must fit the type.
    Default(DefaultRef<'a>),
    /// Columns of a primary key, an index (without a prefix length) or a
    /// foreign key: MySQL indexes TEXT, BLOB and JSON only by a prefix.
    Keyable,
    /// `max_len` makes a text column string(n): it needs a text column.
    MaxLen,
    /// An index column with a prefix length (in characters) needs text.
    Prefix(u32),
    /// `precision` and `scale` make a decimal column decimal(p, s): they
    /// need a decimal column.
    Decimal,
    /// Every column: the backend must have a column of its type (`u64` and
    /// arrays do not exist everywhere).
    Storable(Backend),
    /// `nullable` on a field makes a plain (not `Option`) field's column
    /// nullable: the field must not be an `Option` already.
    PlainType,
    /// A text default on MySQL: not on a `Uuid` column (BINARY(16), whose
    /// default MariaDB reports with its bytes lost, so it cannot be compared).
    MySqlTextDefault,
    /// `on_update = current_timestamp` needs a date-and-time column.
    Timestamp,
}

impl Need<'_> {
    /// The backends whose rule this is ([`Targets::ALL`]: every backend's).
    pub const fn backends(self) -> Targets {
        match self {
            // MySQL refuses `SET NULL` on a NOT NULL column ("foreign key
            // constraint is incorrectly formed"); PostgreSQL and SQLite take
            // it (and refuse the delete), and `pull` writes what they hold.
            Need::Keyable | Need::MySqlTextDefault | Need::Nullable => Targets::MYSQL,
            Need::Storable(backend) => Targets::only(backend),
            _ => Targets::ALL,
        }
    }

    /// Why a column of type `ty` fails the rule, or `None` when it meets it.
    /// A `const fn`, so the derive evaluates it at compile time.
    pub const fn unmet(self, ty: ColumnType, nullable: bool) -> Option<&'static str> {
        use ColumnType as T;
        match self {
            Need::NotNull if nullable => Some(
                "a primary key column cannot be nullable; make the field a plain type instead of an `Option<_>`",
            ),
            Need::Nullable if !nullable => Some(
                "`set_null` needs a nullable column when the schema targets MySQL (MySQL refuses the foreign key; PostgreSQL and SQLite take it and refuse the delete instead); make the field an `Option<_>`, choose another action, or leave `mysql` out of the schema's `targets(..)`",
            ),
            Need::Integer if !ty.is_integer() => Some(
                "`autoincrement` needs an integer column; make the field an i16, i32, i64 or an unsigned integer, or remove `autoincrement`",
            ),
            Need::Keyable if !ty.is_keyable() => Some(
                "a text, blob or JSON column cannot be part of a primary key, an index or a foreign key when the schema targets MySQL (MySQL indexes only a prefix of it); give a `String` field `max_len = n` to make it string(n), give an index column a prefix length (`columns(name(191))`), or leave `mysql` out of the schema's `targets(..)`",
            ),
            Need::MaxLen if !matches!(ty, T::Text | T::String(_)) => Some(
                "`max_len` needs a text column (a `String` or a text enum); remove it or change the field's type",
            ),
            Need::Decimal if !matches!(ty, T::Decimal(..)) => Some(
                "`precision` and `scale` need a decimal column (a `Decimal`); remove them or change the field's type",
            ),
            Need::Prefix(_) if !matches!(ty, T::Text | T::String(_) | T::Blob) => Some(
                "a prefix length needs a text or blob column; remove it or index the whole column",
            ),
            Need::Prefix(chars) => match ty {
                T::String(len) if chars > len => Some(
                    "the prefix is longer than the column's `max_len`; shorten it or index the whole column",
                ),
                _ => None,
            },
            Need::Default(value) => default_unmet(value, ty),
            Need::Storable(backend) => ty.unsupported_on(backend),
            Need::MySqlTextDefault if matches!(ty, T::Uuid) => Some(
                "a string default on a Uuid column is refused when the schema targets MySQL: it stores a Uuid as BINARY(16), whose default MariaDB reports with its bytes lost (no comparison could hold); set the value in code, or leave `mysql` out of the schema's `targets(..)`",
            ),
            Need::PlainType if nullable => Some(
                "`nullable` is for a plain field whose column may hold NULL; an `Option<_>` field is nullable already: remove `nullable`",
            ),
            Need::Timestamp if !matches!(ty, T::DateTime | T::TimestampTz) => Some(
                "`on_update = current_timestamp` needs a date-and-time column (`DateTime`, `DateTimeUtc`); remove it or change the field's type",
            ),
            _ => None,
        }
    }
}

/// Why `value` does not fit a column of type `ty`, or `None`.
const fn default_unmet(value: DefaultRef<'_>, ty: ColumnType) -> Option<&'static str> {
    let kind = value.kind();
    let chars = match value {
        DefaultRef::Text(text) => char_count(text),
        _ => 0,
    };
    if !ty.accepts_kind(kind, chars) {
        return Some(match kind {
            DefaultKind::Int => {
                "an integer default needs an integer or float column; write a default of the column's type"
            }
            DefaultKind::Float => {
                "a float default needs an f32 or f64 column; write a default of the column's type"
            }
            DefaultKind::Bool => {
                "a boolean default needs a bool column; write a default of the column's type"
            }
            DefaultKind::Text => match ty {
                ColumnType::String(_) => {
                    "this default is longer than the column's `max_len`; shorten it or raise `max_len`"
                }
                ColumnType::Uuid => {
                    "a string default on a Uuid column is a UUID in its 36-character text form (`00000000-0000-0000-0000-000000000000`)"
                }
                _ => {
                    "a string default needs a String, text enum, Uuid, JSON, date or time column; write a default of the column's type"
                }
            },
            DefaultKind::CurrentTimestamp => {
                "`current_timestamp` needs a date-time column (NaiveDateTime or DateTime<Utc>)"
            }
            DefaultKind::Sql => "this default does not fit the column's type",
        });
    }
    match (value, ty) {
        (DefaultRef::Int(int), _) if !ty.int_in_range(int) => Some(
            "this default is out of the column's range; write a value the field's type holds (i16, i32 and the unsigned types are narrower than i64) or widen the type",
        ),
        (DefaultRef::Float(float), ColumnType::Float)
            if float.is_finite() && float.abs() > f32::MAX as f64 =>
        {
            Some(
                "this default is out of the range of an f32 column; write a smaller value or make the field an f64",
            )
        }
        _ => None,
    }
}

/// The number of characters of UTF-8 `text`, in a `const fn`.
pub const fn char_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() {
        if bytes[i] & 0b1100_0000 != 0b1000_0000 {
            count += 1;
        }
        i += 1;
    }
    count
}

/// A typed rule on one column, and the place the rule comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement<'a> {
    pub place: Place,
    pub column: usize,
    pub need: Need<'a>,
}

impl Requirement<'_> {
    /// Checks the requirement against the column's model type.
    pub fn check(&self, column: &Column) -> Result<(), &'static str> {
        match self.need.unmet(column.ty, column.nullable) {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }
}

/// The typed rules that `table` must satisfy, one per (place, column), for
/// every backend (see [`Need::backends`]).
pub fn requirements(table: &Table) -> Vec<Requirement<'_>> {
    let mut out = Vec::new();
    let index_of = |name: &str| table.columns.iter().position(|c| c.name == name);
    for (position, name) in table.primary_key.iter().enumerate() {
        if let Some(column) = index_of(name) {
            for need in [Need::NotNull, Need::Keyable] {
                out.push(Requirement {
                    place: Place::PrimaryKeyColumn(position),
                    column,
                    need,
                });
            }
        }
    }
    for (x, index) in table.indexes.iter().enumerate() {
        // MySQL's FULLTEXT and SPATIAL indexes take whole text and geometry columns.
        if matches!(index.using, IndexMethod::Fulltext | IndexMethod::Spatial) {
            continue;
        }
        for (j, name) in index.columns.iter().enumerate() {
            if let Some(column) = index_of(name) {
                out.push(Requirement {
                    place: Place::IndexColumn(x, j),
                    column,
                    need: match index.prefix_of(name) {
                        Some(chars) => Need::Prefix(chars),
                        None => Need::Keyable,
                    },
                });
            }
        }
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        for (j, name) in fk.columns.iter().enumerate() {
            if let Some(column) = index_of(name) {
                out.push(Requirement {
                    place: Place::ForeignKeyColumn(f, j),
                    column,
                    need: Need::Keyable,
                });
            }
        }
    }
    for (i, column) in table.columns.iter().enumerate() {
        for backend in Backend::ALL {
            out.push(Requirement {
                place: Place::ColumnType(i),
                column: i,
                need: Need::Storable(backend),
            });
        }
        if column.autoincrement {
            out.push(Requirement {
                place: Place::Autoincrement(i),
                column: i,
                need: Need::Integer,
            });
        }
        if let Some(default) = &column.default {
            out.push(Requirement {
                place: Place::Default(i),
                column: i,
                need: Need::Default(default.borrowed()),
            });
            if let DefaultValue::Text(_) = default {
                out.push(Requirement {
                    place: Place::Default(i),
                    column: i,
                    need: Need::MySqlTextDefault,
                });
            }
        }
        if column.on_update_current_timestamp {
            out.push(Requirement {
                place: Place::OnUpdateTimestamp(i),
                column: i,
                need: Need::Timestamp,
            });
        }
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        let actions = [
            (fk.on_delete, Place::OnDelete(f)),
            (fk.on_update, Place::OnUpdate(f)),
        ];
        for (action, place) in actions {
            if action == Action::SetNull {
                for name in &fk.columns {
                    if let Some(column) = index_of(name) {
                        out.push(Requirement {
                            place,
                            column,
                            need: Need::Nullable,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Checks every rule of a single table for the backends in `targets`: the
/// structural ones, the typed ones and the [`portable`] ones.
pub fn table(table: &Table, targets: Targets) -> Vec<Problem> {
    let mut problems = structure(table, targets);
    for requirement in requirements(table) {
        let backends = requirement.need.backends();
        if !backends.intersects(targets) {
            continue;
        }
        if let Err(message) = requirement.check(&table.columns[requirement.column]) {
            problems.push(Problem {
                backends,
                ..Problem::new(requirement.place, message)
            });
        }
    }
    problems.extend(portable(table, targets));
    problems
}

/// The longest key MySQL (InnoDB) accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 3072;

/// The longest VARCHAR MySQL accepts in utf8mb4, in characters.
pub const MAX_VARCHAR_CHARS: u32 = 16383;

/// The largest DECIMAL precision MySQL accepts (and the largest scale is 30).
pub const MAX_DECIMAL_PRECISION: u32 = 65;

/// The longest VARCHAR PostgreSQL accepts, in characters.
pub const POSTGRES_MAX_VARCHAR_CHARS: u32 = 10_485_760;

/// The bytes one column takes in a MySQL (InnoDB, utf8mb4) key, indexed
/// whole or by its first `prefix` characters.
fn key_bytes(ty: ColumnType, prefix: Option<u32>) -> usize {
    use ColumnType as T;
    match (ty, prefix) {
        (T::String(_) | T::Text | T::Blob, Some(chars)) => 4 * chars as usize + 2,
        (T::Boolean | T::TinyUnsigned | T::Enum, _) => 1,
        (T::Set, _) => 8,
        (T::SmallInt | T::SmallUnsigned, _) => 2,
        (T::Integer | T::Unsigned | T::Float | T::Date, _) => 4,
        (T::BigInt | T::BigUnsigned | T::Double | T::Time | T::DateTime | T::TimestampTz, _) => 8,
        (T::Uuid, _) => 16,
        (T::String(len), None) => 4 * len as usize + 2,
        // MySQL packs nine digits in four bytes.
        (T::Decimal(precision, _), _) => precision as usize / 2 + 1,
        (T::Text | T::Blob | T::Json | T::Array(_), _) => MAX_KEY_BYTES + 1,
    }
}

/// Rules on column types that MySQL imposes at run time, where the derive
/// cannot see the types: key lengths and MariaDB's hash uniques. UNIQUE
/// constraints are not keys here: MariaDB (10.4 and later) backs a unique over
/// TEXT or long columns with a hash (MySQL 8 refuses those).
pub fn portable(table: &Table, targets: Targets) -> Vec<Problem> {
    let mut found = Found::new(targets);
    for (u, unique) in table.uniques.iter().enumerate() {
        let hashed = unique.columns.iter().any(|name| {
            table.column(name).is_some_and(|c| {
                matches!(c.ty, ColumnType::Text | ColumnType::Blob | ColumnType::Json)
            })
        });
        for (j, name) in unique.columns.iter().enumerate() {
            if hashed && table.column(name).is_some_and(|c| c.autoincrement) {
                found.push_for(
                    Targets::MYSQL,
                    Place::UniqueColumn(u, j),
                    format!(
                        "`{name}` is `autoincrement` and cannot be in a unique with a text, blob or json column: MariaDB backs such a unique with a hash, which refuses AUTO_INCREMENT columns"
                    ),
                );
            }
        }
    }
    let mut key = |what: &str, columns: &[String], prefix: &dyn Fn(&str) -> Option<u32>, whole| {
        let mut bytes = 0;
        for name in columns {
            let Some(column) = table.column(name) else {
                continue;
            };
            let prefix = prefix(name);
            if !column.ty.is_keyable() && prefix.is_none() {
                // Reported by the typed rule `Need::Keyable`.
                return;
            }
            bytes += key_bytes(column.ty, prefix);
        }
        if bytes > MAX_KEY_BYTES {
            found.push_for(
                Targets::MYSQL,
                whole,
                format!(
                    "{what} ({}) takes {bytes} bytes in MySQL (utf8mb4), more than its limit of {MAX_KEY_BYTES}; use shorter string(n) columns or prefixes",
                    columns.join(", ")
                ),
            );
        }
    };
    key(
        "the primary key",
        &table.primary_key,
        &|_| None,
        Place::PrimaryKey,
    );
    for (x, index) in table.indexes.iter().enumerate() {
        if !index.using.is_btree() {
            continue;
        }
        key(
            "an index",
            &index.columns,
            &|name| index.prefix_of(name),
            Place::Index(x),
        );
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        key(
            "a foreign key",
            &fk.columns,
            &|_| None,
            Place::ForeignKey(f),
        );
    }
    found.problems
}

/// Checks the rules of a single table that need no column types (a
/// `string(n)` column's length aside, which the derive knows), for the
/// backends in `targets`.
pub fn structure(table: &Table, targets: Targets) -> Vec<Problem> {
    let mut found = Found::new(targets);

    identifier(&mut found, Place::Table, &table.name, "table name");
    if table.columns.is_empty() {
        found.push(
            Place::Table,
            format!("table `{}` has no columns", table.name),
        );
    }

    let mut seen = BTreeSet::new();
    for (i, column) in table.columns.iter().enumerate() {
        if identifier(&mut found, Place::Column(i), &column.name, "column name")
            && !seen.insert(column.name.as_str())
        {
            found.push(
                Place::Column(i),
                format!("duplicate column `{}`", column.name),
            );
        }
        if column.autoincrement && table.options.without_rowid {
            found.push_for(
                Targets::only(Backend::Sqlite),
                Place::Autoincrement(i),
                "`autoincrement` needs a rowid, and the table is `without_rowid` on SQLite; remove one of them",
            );
        }
        if column.on_update_current_timestamp {
            found.push_for(
                Targets::of(&[Backend::Sqlite, Backend::Postgres]),
                Place::OnUpdateTimestamp(i),
                "`on_update = current_timestamp` exists only on MySQL; leave sqlite and postgres out of the schema's `targets(..)`, or set the column in the application or a trigger",
            );
        }
        if let ColumnType::String(len) = column.ty {
            let message = |limit: &str| {
                format!(
                    "`{}` is string({len}); {limit}; use text for longer strings",
                    column.name
                )
            };
            if len == 0 || len > POSTGRES_MAX_VARCHAR_CHARS {
                found.push_for(
                    Targets::POSTGRES,
                    Place::Column(i),
                    message(&format!(
                        "PostgreSQL takes a length from 1 to {POSTGRES_MAX_VARCHAR_CHARS}"
                    )),
                );
            }
            if len > MAX_VARCHAR_CHARS {
                found.push_for(
                    Targets::MYSQL,
                    Place::Column(i),
                    message(&format!(
                        "MySQL (utf8mb4) takes a length of at most {MAX_VARCHAR_CHARS}"
                    )),
                );
            }
        }
        if let ColumnType::Decimal(precision, scale) = column.ty {
            let name = &column.name;
            if precision == 0 || scale > precision {
                found.push(
                    Place::Column(i),
                    format!("`{name}` is decimal({precision},{scale}); the precision must be at least 1 and the scale at most the precision"),
                );
            }
            if precision > MAX_DECIMAL_PRECISION || scale > 30 {
                found.push_for(
                    Targets::MYSQL,
                    Place::Column(i),
                    format!("`{name}` is decimal({precision},{scale}); MySQL takes a precision of at most {MAX_DECIMAL_PRECISION} and a scale of at most 30"),
                );
            }
        }
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let unknown = |name: &str| {
        format!(
            "primary key refers to unknown column `{name}`{}",
            hint(did_you_mean(name, names.iter().copied()))
        )
    };

    if table.primary_key.is_empty() {
        found.push(
            Place::PrimaryKey,
            format!(
                "table `{}` has no primary key; mark a field `#[schema(primary_key)]`, or list the key on the struct with `primary_key(a, b)`",
                table.name
            ),
        );
    }
    let mut key_seen = BTreeSet::new();
    for (i, name) in table.primary_key.iter().enumerate() {
        if !names.contains(&name.as_str()) {
            found.push(Place::PrimaryKeyColumn(i), unknown(name));
        } else if !key_seen.insert(name) {
            found.push(
                Place::PrimaryKeyColumn(i),
                format!("column `{name}` appears twice in the primary key"),
            );
        }
    }

    for (i, column) in table.columns.iter().enumerate() {
        match &column.default {
            Some(DefaultValue::Float(float)) if !float.is_finite() => found.push(
                Place::Default(i),
                format!(
                    "default of `{}` is {float}; SQL has no such number",
                    column.name
                ),
            ),
            Some(DefaultValue::Text(text)) if text.contains('\0') => found.push_for(
                Targets::POSTGRES,
                Place::Default(i),
                format!(
                    "default of `{}` contains a NUL character, which PostgreSQL text cannot hold",
                    column.name
                ),
            ),
            Some(_) if column.autoincrement => found.push_for(
                Targets::of(&[Backend::Postgres, Backend::MySql]),
                Place::Default(i),
                format!(
                    "`{}` is `autoincrement` and cannot also have a default (PostgreSQL identity and MySQL AUTO_INCREMENT columns take none)",
                    column.name
                ),
            ),
            _ => {}
        }
        if column.autoincrement && table.primary_key != [column.name.clone()] {
            found.push(
                Place::Autoincrement(i),
                format!(
                    "`autoincrement` needs `{}` to be the table's only primary key column",
                    column.name
                ),
            );
        }
    }

    for (u, unique) in table.uniques.iter().enumerate() {
        if let Some(name) = &unique.name
            && identifier(&mut found, Place::Unique(u), name, "constraint name")
        {
            not_primary(&mut found, Place::Unique(u), name);
        }
        if !unique.columns.is_empty() {
            if unique.columns == table.primary_key {
                found.push_for(
                    Targets::only(Backend::Sqlite),
                    Place::Unique(u),
                    format!(
                        "unique ({}) repeats the primary key; SQLite keeps only one of them, so remove it",
                        unique.columns.join(", ")
                    ),
                );
            } else if table.uniques[..u]
                .iter()
                .any(|other| other.columns == unique.columns)
            {
                found.push_for(
                    Targets::only(Backend::Sqlite),
                    Place::Unique(u),
                    format!(
                        "unique ({}) is declared twice; SQLite keeps only one of them, so remove one",
                        unique.columns.join(", ")
                    ),
                );
            }
        }
        column_list(&unique.columns, &names, "unique", &mut |j, m| {
            found.push(
                if j == usize::MAX {
                    Place::Unique(u)
                } else {
                    Place::UniqueColumn(u, j)
                },
                m,
            )
        });
    }

    let mut index_names = BTreeSet::new();
    for (x, index) in table.indexes.iter().enumerate() {
        if identifier(&mut found, Place::Index(x), &index.name, "index name") {
            not_primary(&mut found, Place::Index(x), &index.name);
            if !index_names.insert(index.name.as_str()) {
                found.push(
                    Place::Index(x),
                    format!(
                        "duplicate index name `{}`; every index of a table needs its own name",
                        index.name
                    ),
                );
            }
        }
        // Expressions name no column (the backend checks them); the
        // column parts must exist, each once.
        let positions: Vec<usize> = (0..index.columns.len())
            .filter(|&j| !Index::is_expression(&index.columns[j]))
            .collect();
        let key_only: Vec<String> = index.key_columns().cloned().collect();
        if index.columns.is_empty() || !key_only.is_empty() {
            column_list(&key_only, &names, "index", &mut |j, m| {
                let place = positions
                    .get(j)
                    .map_or(Place::Index(x), |&j| Place::IndexColumn(x, j));
                found.push(place, m)
            });
        }
        index_kind(&mut found, x, index, &names);
        for (column, chars) in &index.prefixes {
            let j = index.columns.iter().position(|c| c == column);
            if j.is_none() || *chars == 0 {
                found.push(
                    j.map_or(Place::Index(x), |j| Place::IndexColumn(x, j)),
                    format!(
                        "the prefix length of `{column}` must be at least 1 and name a column of the index"
                    ),
                );
            }
        }
    }

    for (f, fk) in table.foreign_keys.iter().enumerate() {
        if let Some(name) = &fk.name {
            identifier(&mut found, Place::ForeignKey(f), name, "constraint name");
        } else {
            let derived = fk.constraint_name(&table.name);
            if let Some((backends, length)) = too_long(&derived, targets) {
                found.push_for(
                    backends,
                    Place::ForeignKey(f),
                    format!(
                        "the derived constraint name `{derived}` is {length}; name the foreign key with a shorter `constraint = \"..\"`"
                    ),
                );
            }
        }
        column_list(&fk.columns, &names, "foreign key", &mut |j, m| {
            found.push(
                if j == usize::MAX {
                    Place::ForeignKey(f)
                } else {
                    Place::ForeignKeyColumn(f, j)
                },
                m,
            )
        });
        if fk.ref_columns.len() != fk.columns.len() {
            found.push(
                Place::ForeignKeyTarget(f),
                format!(
                    "the foreign key has {} column(s) in `columns(..)` but {} in `ref_columns(..)`; list one referenced column per column",
                    fk.columns.len(),
                    fk.ref_columns.len()
                ),
            );
        }
        identifier(
            &mut found,
            Place::ForeignKeyTarget(f),
            &fk.ref_table,
            "table name",
        );
        let actions = [
            (fk.on_delete, Place::OnDelete(f), "on_delete"),
            (fk.on_update, Place::OnUpdate(f), "on_update"),
        ];
        for (action, place, key) in actions {
            if action == Action::SetDefault {
                found.push_for(
                    Targets::MYSQL,
                    place,
                    format!(
                        "`{key} = set_default` is not supported when the schema targets MySQL: MySQL and MariaDB (InnoDB) accept it and then ignore it; choose `set_null`, `cascade`, `restrict` or `no_action`"
                    ),
                );
            }
        }
    }

    for (c, check) in table.checks.iter().enumerate() {
        if check.expr.trim().is_empty() {
            found.push(
                Place::Check(c),
                "empty check expression; write the condition in SQL, e.g. `check(expr = \"size >= 0\")`",
            );
        }
        if let Some(name) = &check.name {
            identifier(&mut found, Place::Check(c), name, "constraint name");
        }
    }
    found.problems
}

/// "; did you mean `x`?" for a suggestion, else "".
fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// Checks a list of column names: non-empty, known, no repeats. Reports with
/// `usize::MAX` for the list as a whole.
fn column_list(
    columns: &[String],
    names: &[&str],
    what: &str,
    report: &mut dyn FnMut(usize, String),
) {
    if columns.is_empty() {
        report(usize::MAX, format!("{what} has no columns"));
    }
    let mut seen = BTreeSet::new();
    for (j, name) in columns.iter().enumerate() {
        if !names.contains(&name.as_str()) {
            report(
                j,
                format!(
                    "{what} refers to unknown column `{name}`{}",
                    hint(did_you_mean(name, names.iter().copied()))
                ),
            );
        } else if !seen.insert(name) {
            report(j, format!("column `{name}` appears twice in the {what}"));
        }
    }
}

/// The rules of an index's kind: its method, predicate, expressions,
/// descending and included columns, each on the backends that lack it.
fn index_kind(found: &mut Found, x: usize, index: &Index, names: &[&str]) {
    let place = Place::Index(x);
    let method = index.using;
    let lacking = Targets::ALL.without(method.backends());
    if !lacking.is_empty() {
        found.push_for(
            lacking,
            place,
            format!(
                "`using = {}` exists only on {}; leave {} out of the schema's `targets(..)` or use another index",
                method.key(),
                method.backends().names(),
                lacking.names()
            ),
        );
    }
    if index.unique && !method.is_btree() {
        found.push(
            place,
            format!(
                "a unique index must be a B-tree, not `using = {}`; drop `unique` or `using`",
                method.key()
            ),
        );
    }
    if let Some(predicate) = &index.predicate {
        if predicate.trim().is_empty() {
            found.push(
                place,
                "`where` needs an SQL condition, e.g. `where = \"deleted_at IS NULL\"`",
            );
        }
        found.push_for(
            Targets::MYSQL,
            place,
            "a partial index (`where = ..`) does not exist on MySQL; leave mysql out of the schema's `targets(..)` or index every row",
        );
    }
    if index.columns.iter().any(|c| Index::is_expression(c)) {
        found.push_for(
            Targets::MYSQL,
            place,
            "an expression in an index does not exist on MariaDB (MySQL has it from 8.0.13); leave mysql out of the schema's `targets(..)`, or index a generated column",
        );
    }
    if !index.include.is_empty() {
        found.push_for(
            Targets::of(&[Backend::Sqlite, Backend::MySql]),
            place,
            "`include(..)` exists only on PostgreSQL; leave sqlite and mysql out of the schema's `targets(..)` or make the columns part of the key",
        );
        column_list(&index.include, names, "`include(..)`", &mut |_, m| {
            found.push(place, m)
        });
        for name in &index.include {
            if index.columns.contains(name) {
                found.push(
                    place,
                    format!("`{name}` is both a key column and an included column of the index; keep one"),
                );
            }
        }
    }
    for part in &index.descending {
        if !index.columns.contains(part) {
            found.push(
                place,
                format!("`{part}` is sorted descending but is not a key part of the index"),
            );
        }
    }
}

/// Refuses `PRIMARY` as an index or unique name when MySQL is targeted: MySQL
/// keeps it for the primary key.
fn not_primary(found: &mut Found, place: Place, name: &str) {
    if name.eq_ignore_ascii_case("primary") {
        found.push_for(
            Targets::MYSQL,
            place,
            format!(
                "`{name}` cannot name an index or unique constraint when the schema targets MySQL, which reserves it for the primary key"
            ),
        );
    }
}

/// Checks an identifier: not empty (every backend), and not too long for a
/// targeted backend (see [`too_long`]). Whether it is not empty.
fn identifier(found: &mut Found, place: Place, name: &str, what: &str) -> bool {
    if name.is_empty() {
        found.push(place, format!("empty {what}"));
        return false;
    }
    if let Some((backends, length)) = too_long(name, found.targets) {
        found.push_for(backends, place, format!("{what} `{name}` is {length}"));
    }
    true
}

/// When `name` is longer than a targeted backend allows: the backends whose
/// limit it passes, and its length and the limit in words. PostgreSQL keeps
/// [`MAX_IDENTIFIER_BYTES`] bytes, MySQL [`MYSQL_MAX_IDENTIFIER_CHARS`] characters.
fn too_long(name: &str, targets: Targets) -> Option<(Targets, String)> {
    let (bytes, chars) = (name.len(), name.chars().count());
    let postgres = bytes > MAX_IDENTIFIER_BYTES;
    let mysql = chars > MYSQL_MAX_IDENTIFIER_CHARS;
    if postgres && targets.contains(Backend::Postgres) {
        let backends = if mysql {
            Targets::of(&[Backend::Postgres, Backend::MySql])
        } else {
            Targets::POSTGRES
        };
        Some((
            backends,
            format!(
                "{bytes} bytes long; the limit is {MAX_IDENTIFIER_BYTES} (PostgreSQL truncates longer names)"
            ),
        ))
    } else if mysql && targets.contains(Backend::MySql) {
        Some((
            Targets::MYSQL,
            format!("{chars} characters long; the limit is {MYSQL_MAX_IDENTIFIER_CHARS} (MySQL)"),
        ))
    } else {
        None
    }
}

/// Checks a whole schema for the backends it targets: each table, then the
/// rules between tables (names unique, foreign keys pointing at existing
/// unique columns of the same type). Foreign keys may form cycles: the
/// tools create such tables first and add the keys that close the cycle after.
pub fn schema(schema: &Schema) -> Vec<TableProblem> {
    let targets = schema.targets;
    let mut out = Vec::new();
    let mut push = |table: &Table, problem: Problem| {
        out.push(TableProblem {
            table: table.name.clone(),
            place: problem.place.describe(table),
            problem,
        })
    };
    let mut table_names = BTreeSet::new();
    let mut index_owner: BTreeMap<&str, &str> = BTreeMap::new();
    // Index and constraint names, exactly and folded to lower case (MySQL
    // compares names without case): the first owner of each.
    let mut constraint_owner: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let mut folded_owner: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for table in &schema.tables {
        for problem in self::table(table, targets) {
            push(table, problem);
        }
        if !table_names.insert(table.name.as_str()) {
            push(
                table,
                Problem::new(Place::Table, format!("duplicate table `{}`", table.name)),
            );
        }
        let mut found = Found::new(targets);
        for (x, index) in table.indexes.iter().enumerate() {
            if let Some(owner) = index_owner.insert(&index.name, &table.name)
                && owner != table.name
            {
                found.push_for(
                    Targets::of(&[Backend::Sqlite, Backend::Postgres]),
                    Place::Index(x),
                    format!(
                        "index name `{}` is already used by table `{owner}`; SQLite and PostgreSQL share index names across the whole schema",
                        index.name
                    ),
                );
            }
        }
        // Constraint names: PostgreSQL keeps indexes and unique constraints
        // in one namespace with the tables, MySQL foreign-key names per
        // database.
        let mut names: Vec<(Place, String, String)> = Vec::new();
        for (x, index) in table.indexes.iter().enumerate() {
            names.push((Place::Index(x), index.name.clone(), "index".to_owned()));
        }
        for (u, unique) in table.uniques.iter().enumerate() {
            if let Some(name) = &unique.name {
                names.push((
                    Place::Unique(u),
                    name.clone(),
                    "unique constraint".to_owned(),
                ));
            }
        }
        for (f, fk) in table.foreign_keys.iter().enumerate() {
            names.push((
                Place::ForeignKey(f),
                fk.constraint_name(&table.name),
                "foreign key".to_owned(),
            ));
        }
        for (c, check) in table.checks.iter().enumerate() {
            if let Some(name) = &check.name {
                names.push((Place::Check(c), name.clone(), "check".to_owned()));
            }
        }
        for (place, name, what) in names {
            if matches!(place, Place::Index(_) | Place::Unique(_))
                && let Some(other) = schema.tables.iter().find(|t| t.name == name)
            {
                found.push_for(
                    Targets::POSTGRES,
                    place,
                    format!(
                        "{what} name `{name}` is also a table name (`{}`); PostgreSQL keeps indexes and tables in one namespace",
                        other.name
                    ),
                );
            }
            let both_indexes = |owner_what: &str| what == "index" && owner_what == "index";
            let folded = name.to_lowercase();
            match (constraint_owner.get(&name), folded_owner.get(&folded)) {
                (Some((owner_table, owner_what, owner_name)), _) if !both_indexes(owner_what) => {
                    found.push(
                        place,
                        format!(
                            "{what} name `{name}` is already used by the {owner_what} `{owner_name}` of table `{owner_table}`; index and constraint names must be unique in the schema"
                        ),
                    );
                }
                (None, Some((owner_table, owner_what, owner_name)))
                    if !both_indexes(owner_what) =>
                {
                    found.push_for(
                        Targets::MYSQL,
                        place,
                        format!(
                            "{what} name `{name}` differs only in case from the {owner_what} `{owner_name}` of table `{owner_table}`; MySQL compares names without case"
                        ),
                    );
                }
                _ => {}
            }
            let owner = (table.name.clone(), what, name.clone());
            folded_owner.entry(folded).or_insert_with(|| owner.clone());
            constraint_owner.entry(name).or_insert(owner);
        }
        for f in 0..table.foreign_keys.len() {
            foreign_key_target(&mut found, schema, table, f);
        }
        // A native enum type is one PostgreSQL type: every column of that
        // name must say the same values.
        for (i, column) in table.columns.iter().enumerate() {
            let Some(enum_type) = &column.enum_type else {
                continue;
            };
            let first = schema
                .enum_types()
                .into_iter()
                .find(|e| e.name == enum_type.name);
            if let Some(first) = first.filter(|first| first.values != enum_type.values) {
                found.push_for(
                    Targets::POSTGRES,
                    Place::Column(i),
                    format!(
                        "`{}` is the enum `{}` with values ({}), but another column's enum of that name has ({}); PostgreSQL has one type of a name: give one enum another `native = \"..\"` name, or the same values",
                        column.name,
                        enum_type.name,
                        enum_type.sql_values(),
                        first.sql_values()
                    ),
                );
            }
        }
        for problem in found.problems {
            push(table, problem);
        }
    }
    out
}

/// The rules of foreign key `f` of `table` that need the referenced table.
fn foreign_key_target(found: &mut Found, schema: &Schema, table: &Table, f: usize) {
    let fk = &table.foreign_keys[f];
    let place = Place::ForeignKeyTarget(f);
    let Some(target) = schema.table(&fk.ref_table) else {
        found.push(
            place,
            format!(
                "foreign key references unknown table `{}`{}",
                fk.ref_table,
                hint(did_you_mean(
                    &fk.ref_table,
                    schema.tables.iter().map(|t| t.name.as_str())
                ))
            ),
        );
        return;
    };
    let unknown: Vec<&String> = fk
        .ref_columns
        .iter()
        .filter(|name| target.column(name).is_none())
        .collect();
    for name in &unknown {
        found.push(
            place,
            format!(
                "foreign key references unknown column `{}.{name}`{}",
                target.name,
                hint(did_you_mean(
                    name,
                    target.columns.iter().map(|c| c.name.as_str())
                ))
            ),
        );
    }
    if !unknown.is_empty() {
        return;
    }
    if !target.is_unique_key(&fk.ref_columns) {
        found.push(
            place,
            format!(
                "`{}({})` is neither the primary key nor unique; a foreign key must reference a unique column set",
                target.name,
                fk.ref_columns.join(", ")
            ),
        );
    } else {
        let same_set = |key: &Vec<String>| {
            key.len() == fk.ref_columns.len() && fk.ref_columns.iter().all(|c| key.contains(c))
        };
        let constraints: Vec<&Vec<String>> = std::iter::once(&target.primary_key)
            .chain(target.uniques.iter().map(|u| &u.columns))
            .collect();
        if !constraints.iter().any(|key| same_set(key))
            && let Some(index) = target
                .indexes
                .iter()
                .find(|i| i.unique && same_set(&i.columns))
        {
            found.push_for(
                Targets::of(&[Backend::Postgres, Backend::MySql]),
                place,
                format!(
                    "`{}({})` is unique only through the index `{}`, which is created after the tables; a foreign key must reference the primary key or a unique constraint",
                    target.name,
                    fk.ref_columns.join(", "),
                    index.name
                ),
            );
            return;
        }
        let mut same_set_key = None;
        let mut in_order = false;
        for key in constraints {
            if *key == fk.ref_columns {
                in_order = true;
            } else if same_set(key) {
                same_set_key.get_or_insert(key);
            }
        }
        if let (false, Some(key)) = (in_order, same_set_key) {
            found.push_for(
                Targets::MYSQL,
                place,
                format!(
                    "the foreign key lists `{}({})` but the key is ({}); list the referenced columns in the key's order (MySQL requires it)",
                    target.name,
                    fk.ref_columns.join(", "),
                    key.join(", ")
                ),
            );
        }
    }
    for (j, (local, remote)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
        let (Some(local_column), Some(remote_column)) =
            (table.column(local), target.column(remote))
        else {
            continue;
        };
        if local_column.ty != remote_column.ty {
            found.push(
                Place::ForeignKeyColumn(f, j),
                format!(
                    "`{}.{local}` is {} but the referenced `{}.{remote}` is {}",
                    table.name,
                    local_column.ty.name(),
                    target.name,
                    remote_column.ty.name()
                ),
            );
        }
        if fk.on_update == Action::Cascade && remote_column.nullable && !local_column.nullable {
            found.push_for(
                Targets::MYSQL,
                Place::OnUpdate(f),
                format!(
                    "`on_update = cascade` would copy a NULL of the nullable `{}.{remote}` into `{}.{local}`, which is NOT NULL; MariaDB refuses such a key, so make `{local}` nullable or `{remote}` NOT NULL",
                    target.name, table.name
                ),
            );
        }
    }
}

/// The candidate closest to `name`, when one is close enough to be a likely
/// misspelling of it.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = name.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnType, ForeignKey, Schema, Unique};

    fn conduit() -> Table {
        Table::new("conduit")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("entry_id", ColumnType::Integer))
            .with_column(
                Column::new("enabled", ColumnType::Boolean).default(DefaultValue::Bool(true)),
            )
            .primary_key(["id"])
            .index("idx_conduit_enabled", ["enabled"])
            .foreign_key(ForeignKey::new(["entry_id"], "entry", ["id"]).on_delete(Action::Cascade))
    }

    fn entry() -> Table {
        Table::new("entry")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("name", ColumnType::Text))
            .primary_key(["id"])
    }

    #[test]
    fn valid_schema_has_no_problems() {
        assert_eq!(schema(&Schema::new([entry(), conduit()])), vec![]);
    }

    #[test]
    fn unknown_index_column_suggests_the_closest() {
        let mut t = conduit();
        t.indexes[0].columns = vec!["enabeld".into()];
        let problems = table(&t, Targets::ALL);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].place, Place::IndexColumn(0, 0));
        assert_eq!(
            problems[0].message,
            "index refers to unknown column `enabeld`; did you mean `enabled`?"
        );
    }

    #[test]
    fn typed_rules_are_checked_against_model_types() {
        let mut t = conduit();
        t.columns[2].default = Some(DefaultValue::Text("yes".into()));
        t.columns[1].autoincrement = true;
        t.foreign_keys[0].on_delete = Action::SetNull;
        let places: Vec<Place> = table(&t, Targets::ALL)
            .into_iter()
            .map(|p| p.place)
            .collect();
        assert_eq!(
            places,
            vec![
                Place::Autoincrement(1),
                Place::Default(2),
                Place::OnDelete(0)
            ]
        );
        // `set_null` on a NOT NULL column is MySQL's rule only.
        let problems = table(&t, Targets::of(&[Backend::Postgres, Backend::Sqlite]));
        assert!(
            problems.iter().all(|p| p.place != Place::OnDelete(0)),
            "{problems:#?}"
        );
        let problems = table(&t, Targets::MYSQL);
        let set_null = problems.iter().find(|p| p.place == Place::OnDelete(0));
        assert_eq!(set_null.map(|p| p.backends), Some(Targets::MYSQL));
    }

    #[test]
    fn foreign_key_to_wrong_table_is_reported_with_a_suggestion() {
        let mut t = conduit();
        t.foreign_keys[0].ref_table = "entries".into();
        let problems = schema(&Schema::new([entry(), t]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "foreign key (entry_id) of `conduit`: foreign key references unknown table `entries`; did you mean `entry`?"
        );
    }

    #[test]
    fn foreign_key_must_reference_unique_columns_of_the_same_type() {
        let mut t = conduit();
        t.foreign_keys[0].ref_columns = vec!["name".into()];
        let messages: Vec<String> = schema(&Schema::new([entry(), t]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        assert_eq!(
            messages,
            vec![
                "`entry(name)` is neither the primary key nor unique; a foreign key must reference a unique column set",
                "`conduit.entry_id` is integer but the referenced `entry.name` is text",
            ]
        );
    }

    #[test]
    fn cycles_are_accepted_and_long_names_rejected() {
        let mut e = entry();
        e.columns
            .push(Column::new("conduit_id", ColumnType::Integer));
        e.foreign_keys
            .push(ForeignKey::new(["conduit_id"], "conduit", ["id"]));
        let long = "x".repeat(64);
        e.indexes.push(crate::model::Index {
            name: long,
            columns: vec!["conduit_id".into()],
            unique: false,
            prefixes: Default::default(),
            ..Default::default()
        });
        let messages: Vec<String> = schema(&Schema::new([e, conduit()]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        // The tools create the tables, then the key that closes the cycle.
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].starts_with("index name `xxx"), "{messages:?}");
    }

    #[test]
    fn what_a_backend_refuses_is_rejected() {
        let mut t = conduit();
        t.columns.push(Column::new("note", ColumnType::Text));
        t.columns.push(Column::new("code", ColumnType::String(0)));
        t.columns
            .push(Column::new("small", ColumnType::SmallInt).default(DefaultValue::Int(40_000)));
        t.columns[0].default = Some(DefaultValue::Int(1));
        t.indexes.push(crate::model::Index {
            name: "PRIMARY".into(),
            columns: vec!["note".into()],
            unique: false,
            prefixes: Default::default(),
            ..Default::default()
        });
        t.foreign_keys[0].on_update = Action::SetDefault;
        let found: Vec<(String, Targets)> = table(&t, Targets::ALL)
            .into_iter()
            .map(|p| (p.message, p.backends))
            .collect();
        let both = Targets::of(&[Backend::Postgres, Backend::MySql]);
        assert_eq!(
            found,
            [
                ("`code` is string(0); PostgreSQL takes a length from 1 to 10485760; use text for longer strings".to_owned(), Targets::POSTGRES),
                ("`id` is `autoincrement` and cannot also have a default (PostgreSQL identity and MySQL AUTO_INCREMENT columns take none)".to_owned(), both),
                ("`PRIMARY` cannot name an index or unique constraint when the schema targets MySQL, which reserves it for the primary key".to_owned(), Targets::MYSQL),
                ("`on_update = set_default` is not supported when the schema targets MySQL: MySQL and MariaDB (InnoDB) accept it and then ignore it; choose `set_null`, `cascade`, `restrict` or `no_action`".to_owned(), Targets::MYSQL),
                ("a text, blob or JSON column cannot be part of a primary key, an index or a foreign key when the schema targets MySQL (MySQL indexes only a prefix of it); give a `String` field `max_len = n` to make it string(n), give an index column a prefix length (`columns(name(191))`), or leave `mysql` out of the schema's `targets(..)`".to_owned(), Targets::MYSQL),
                ("this default is out of the column's range; write a value the field's type holds (i16, i32 and the unsigned types are narrower than i64) or widen the type".to_owned(), Targets::ALL),
            ]
        );
        // On SQLite alone, only the rule of every backend is left.
        let sqlite: Vec<Place> = table(&t, Targets::only(Backend::Sqlite))
            .into_iter()
            .map(|p| p.place)
            .collect();
        assert_eq!(sqlite, [Place::Default(5)]);

        let mut wide = conduit();
        wide.columns.push(Column::new("a", ColumnType::String(400)));
        wide.columns.push(Column::new("b", ColumnType::String(400)));
        wide.indexes[0].columns = vec!["a".into(), "b".into()];
        assert_eq!(
            table(&wide, Targets::ALL)[0].message,
            "an index (a, b) takes 3204 bytes in MySQL (utf8mb4), more than its limit of 3072; use shorter string(n) columns or prefixes"
        );
        assert_eq!(table(&wide, Targets::POSTGRES), vec![]);
    }

    #[test]
    fn a_prefix_length_makes_a_text_column_indexable_on_mysql() {
        let mut t = conduit();
        t.columns.push(Column::new("body", ColumnType::Text));
        t.columns.push(Column::new("id_code", ColumnType::Integer));
        t.indexes
            .push(crate::model::Index::new("idx_conduit_body", ["body"]).prefix("body", 191));
        assert_eq!(table(&t, Targets::ALL), vec![]);
        // A prefix needs text, and counts in the key's length.
        t.indexes
            .push(crate::model::Index::new("idx_conduit_code", ["id_code"]).prefix("id_code", 4));
        t.indexes.push(
            crate::model::Index::new("idx_conduit_long", ["body", "entry_id"]).prefix("body", 800),
        );
        let found: Vec<(Place, String)> = table(&t, Targets::ALL)
            .into_iter()
            .map(|p| (p.place, p.message))
            .collect();
        assert_eq!(
            found,
            [
                (Place::IndexColumn(2, 0), "a prefix length needs a text or blob column; remove it or index the whole column".to_owned()),
                (Place::Index(3), "an index (body, entry_id) takes 3206 bytes in MySQL (utf8mb4), more than its limit of 3072; use shorter string(n) columns or prefixes".to_owned()),
            ]
        );
    }

    #[test]
    fn long_names_break_the_limit_of_each_targeted_backend() {
        let mut t = conduit();
        t.foreign_keys.clear();
        t.name = "t".repeat(64);
        let only = |t: &Table, targets| -> Vec<(String, Targets)> {
            structure(t, targets)
                .into_iter()
                .map(|p| (p.message, p.backends))
                .collect()
        };
        assert_eq!(
            only(&t, Targets::ALL),
            [(
                format!(
                    "table name `{}` is 64 bytes long; the limit is 63 (PostgreSQL truncates longer names)",
                    t.name
                ),
                Targets::POSTGRES
            )]
        );
        assert_eq!(only(&t, Targets::MYSQL), []);
        assert_eq!(only(&t, Targets::only(Backend::Sqlite)), []);
        t.name.push('t');
        assert_eq!(
            only(&t, Targets::MYSQL),
            [(
                format!(
                    "table name `{}` is 65 characters long; the limit is 64 (MySQL)",
                    t.name
                ),
                Targets::MYSQL
            )]
        );
    }

    #[test]
    fn names_differing_only_in_case_clash_on_mysql_only() {
        let mut c = conduit();
        c.indexes[0].name = "Idx_Entry".into();
        let mut e = entry();
        e.uniques.push(Unique {
            name: Some("idx_entry".into()),
            columns: vec!["name".into()],
        });
        let all = schema(&Schema::new([e.clone(), c.clone()]));
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].problem.backends, Targets::MYSQL);
        assert_eq!(
            all[0].problem.message,
            "index name `Idx_Entry` differs only in case from the unique constraint `idx_entry` of table `entry`; MySQL compares names without case"
        );
        let lite =
            Schema::new([e, c]).targeting(Targets::of(&[Backend::Sqlite, Backend::Postgres]));
        assert_eq!(schema(&lite), vec![]);
    }

    #[test]
    fn names_are_unique_in_the_schema_and_keys_referenced_in_order() {
        let mut e = entry();
        e.columns.push(Column::new("code", ColumnType::String(8)));
        e.uniques.push(Unique {
            name: Some("conduit".into()),
            columns: vec!["code".into(), "id".into()],
        });
        e.indexes.push(crate::model::Index {
            name: "uq_entry_code".into(),
            columns: vec!["code".into()],
            unique: true,
            prefixes: Default::default(),
            ..Default::default()
        });
        let mut c = conduit();
        c.columns
            .push(Column::new("entry_code", ColumnType::String(8)));
        c.foreign_keys.push(ForeignKey::new(
            ["entry_id", "entry_code"],
            "entry",
            ["id", "code"],
        ));
        c.indexes[0].name = "fk_conduit_entry_id".into();
        c.columns
            .push(Column::new("entry_name", ColumnType::String(8)));
        c.foreign_keys
            .push(ForeignKey::new(["entry_name"], "entry", ["code"]));

        let messages: Vec<String> = schema(&Schema::new([e, c]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        assert_eq!(
            messages,
            [
                "unique constraint name `conduit` is also a table name (`conduit`); PostgreSQL keeps indexes and tables in one namespace",
                "foreign key name `fk_conduit_entry_id` is already used by the index `fk_conduit_entry_id` of table `conduit`; index and constraint names must be unique in the schema",
                "the foreign key lists `entry(id, code)` but the key is (code, id); list the referenced columns in the key's order (MySQL requires it)",
                "`entry(code)` is unique only through the index `uq_entry_code`, which is created after the tables; a foreign key must reference the primary key or a unique constraint",
            ]
        );
    }

    #[test]
    fn cascading_updates_cannot_copy_nulls_into_not_null_columns() {
        let mut e = entry();
        e.columns
            .push(Column::new("slug", ColumnType::String(8)).nullable());
        e.uniques.push(Unique {
            name: None,
            columns: vec!["slug".into()],
        });
        let mut c = conduit();
        c.columns
            .push(Column::new("entry_slug", ColumnType::String(8)));
        c.foreign_keys
            .push(ForeignKey::new(["entry_slug"], "entry", ["slug"]).on_update(Action::Cascade));
        let problems = schema(&Schema::new([e.clone(), c.clone()]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].problem.place, Place::OnUpdate(1));
        c.columns.last_mut().unwrap().nullable = true;
        assert_eq!(schema(&Schema::new([e, c])), vec![]);
    }

    /// The definition of the order, one table at a time: the first waiting
    /// table (in declaration order) whose referenced tables are all placed.
    fn reference_order(schema: &Schema) -> Vec<String> {
        let mut placed: Vec<String> = Vec::new();
        let mut waiting: Vec<&Table> = schema.tables.iter().collect();
        while !waiting.is_empty() {
            let ready = waiting.iter().position(|table| {
                table.foreign_keys.iter().all(|fk| {
                    fk.ref_table == table.name
                        || placed.contains(&fk.ref_table)
                        || schema.table(&fk.ref_table).is_none()
                })
            });
            match ready {
                Some(i) => placed.push(waiting.remove(i).name.clone()),
                None => placed.extend(waiting.drain(..).map(|t| t.name.clone())),
            }
        }
        placed
    }

    #[test]
    fn dependency_order_matches_its_definition() {
        // Tables t0..t29; table i references tables chosen by a fixed pattern,
        // some missing, some forward (cycles among a few), some itself.
        for seed in 0..40_u64 {
            let mut tables = Vec::new();
            for i in 0..30_u64 {
                let mut table = Table::new(format!("t{i}"))
                    .with_column(Column::new("id", ColumnType::Integer))
                    .primary_key(["id"]);
                for k in 0..3 {
                    let pick = (i * 7 + seed * 13 + k * 5) % 37;
                    let forward = seed % 5 == 0 && k == 2;
                    if pick < i || forward || pick >= 30 {
                        let target = format!("t{pick}");
                        table
                            .foreign_keys
                            .push(ForeignKey::new(["id"], &target, ["id"]));
                    }
                }
                tables.push(table);
            }
            if seed % 2 == 1 {
                tables.reverse();
            }
            let schema = Schema::new(tables);
            let order: Vec<String> = schema
                .in_dependency_order()
                .iter()
                .map(|t| t.name.clone())
                .collect();
            assert_eq!(order, reference_order(&schema), "seed {seed}");
        }
    }

    #[test]
    fn dependency_order_puts_parents_first() {
        let s = Schema::new([conduit(), entry()]);
        let order: Vec<&str> = s
            .in_dependency_order()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["entry", "conduit"]);
    }

    #[test]
    fn one_postgresql_enum_type_per_name() {
        use crate::model::EnumType;
        let table = |name: &str, values: &[&str]| {
            Table::new(name)
                .with_column(Column::new("id", ColumnType::Integer))
                .with_column(Column::enumeration(
                    "rating",
                    EnumType::new("rating", values.iter().copied()),
                ))
                .primary_key(["id"])
        };
        let same = Schema::new([table("a", &["G", "PG"]), table("b", &["G", "PG"])]);
        assert!(schema(&same).is_empty());
        let differ = Schema::new([table("a", &["G", "PG"]), table("b", &["G"])]);
        let problems = schema(&differ);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .to_string()
                .contains("PostgreSQL has one type of a name")
        );
        let mysql_only = differ.targeting(Targets::MYSQL);
        assert!(schema(&mysql_only).is_empty());
    }
}
