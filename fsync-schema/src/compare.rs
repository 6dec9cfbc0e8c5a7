//! Comparing two schemas: readable findings, and the normalization that makes
//! a schema comparable at the level one backend sees.
//!
//! [`compare`] works on any two models. Models from different sources (the
//! entities, the SQL in the docs, a live database) describe the same table in
//! different words: SQLite has one INTEGER for `i16`, `i32`, `i64` and `bool`,
//! MariaDB reports `BOOL` back as `tinyint(1)` and PostgreSQL a default `-5` as
//! `'-5'::integer`. [`comparable`] rewrites a model into what `backend` itself
//! sees (types and defaults as canonical SQL text, implied names dropped), so
//! that two models normalized for the same backend compare equal exactly when
//! the backend cannot tell them apart.

use crate::model::{
    Action, Backend, Check, Column, ColumnType, DefaultValue, ForeignKey, Index, Schema, SqlTypes,
    Table, Unique,
};
use crate::render;
use serde::Serialize;
use std::fmt;

/// The names of the two sides in messages, e.g. `entities` and `docs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sides {
    pub expected: String,
    pub actual: String,
}

impl Sides {
    /// Sides called `expected` and `actual`.
    pub fn new(expected: &str, actual: &str) -> Self {
        Sides {
            expected: expected.to_owned(),
            actual: actual.to_owned(),
        }
    }
}

impl Default for Sides {
    fn default() -> Self {
        Sides::new("expected", "actual")
    }
}

/// What a finding is about, inside its table.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// The table itself.
    Table,
    Column {
        name: String,
    },
    PrimaryKey,
    /// A UNIQUE constraint, known by its columns.
    Unique {
        columns: Vec<String>,
    },
    /// A foreign key, known by its local columns.
    ForeignKey {
        columns: Vec<String>,
    },
    Index {
        name: String,
    },
    /// A CHECK constraint, known by its name or else its expression.
    Check {
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        expr: String,
    },
}

/// Which property of the target differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The target exists on one side only.
    Presence,
    /// The order of the columns both sides have.
    ColumnOrder,
    Type,
    Nullable,
    Default,
    Autoincrement,
    /// The columns of a primary key or index.
    Columns,
    /// Whether an index is unique.
    Unique,
    /// The table and columns a foreign key references.
    References,
    OnDelete,
    OnUpdate,
    /// The constraint name.
    Name,
    /// A CHECK expression.
    Expression,
}

/// One difference between the expected and the actual schema.
///
/// `expected` and `actual` hold the property on each side, as SQL-like text
/// (`NOT NULL`, `'manual'`, `(id, uuid)`); `None` means absent. `message` is
/// the same finding as a sentence, also what `Display` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub table: String,
    pub target: Target,
    pub aspect: Aspect,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub sides: Sides,
    pub message: String,
}

impl Finding {
    fn new(
        sides: &Sides,
        table: &str,
        target: Target,
        aspect: Aspect,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Self {
        let mut finding = Finding {
            table: table.to_owned(),
            target,
            aspect,
            expected,
            actual,
            sides: sides.clone(),
            message: String::new(),
        };
        finding.message = finding.sentence();
        finding
    }

    /// `table` or `table.column`: what the finding is about.
    pub fn subject(&self) -> String {
        match &self.target {
            Target::Column { name } => format!("{}.{name}", self.table),
            _ => self.table.clone(),
        }
    }

    /// The column the finding is about, if any.
    pub fn column(&self) -> Option<&str> {
        match &self.target {
            Target::Column { name } => Some(name),
            _ => None,
        }
    }

    fn thing(&self) -> String {
        match &self.target {
            Target::Table => "table".to_owned(),
            Target::Column { .. } => "column".to_owned(),
            Target::PrimaryKey => "primary key".to_owned(),
            Target::Unique { columns } => format!("unique ({})", columns.join(", ")),
            Target::ForeignKey { columns } => format!("foreign key ({})", columns.join(", ")),
            Target::Index { name } => format!("index `{name}`"),
            Target::Check {
                name: Some(name), ..
            } => format!("check `{name}`"),
            Target::Check { expr, .. } => format!("check ({expr})"),
        }
    }

    fn sentence(&self) -> String {
        let (e, a) = (&self.sides.expected, &self.sides.actual);
        let subject = self.subject();
        let thing = self.thing();
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        let prefix = match &self.target {
            Target::Table | Target::Column { .. } => String::new(),
            _ => format!("{thing}: "),
        };
        match self.aspect {
            Aspect::Presence => match self.expected {
                Some(_) => format!("{subject}: {thing} is in the {e} but not in the {a}"),
                None => format!("{subject}: {thing} is in the {a} but not in the {e}"),
            },
            Aspect::Nullable => format!(
                "{subject}: {prefix}{} in the {e} but {} in the {a}",
                value(&self.expected),
                value(&self.actual)
            ),
            Aspect::Autoincrement => {
                let on = |v: &Option<String>| {
                    if v.is_some() {
                        "AUTOINCREMENT"
                    } else {
                        "not AUTOINCREMENT"
                    }
                };
                format!(
                    "{subject}: {} in the {e} but {} in the {a}",
                    on(&self.expected),
                    on(&self.actual)
                )
            }
            aspect => {
                let what = match aspect {
                    Aspect::ColumnOrder => "column order",
                    Aspect::Type => "type",
                    Aspect::Default => "default",
                    Aspect::Columns => "columns",
                    Aspect::Unique => "uniqueness",
                    Aspect::References => "target",
                    Aspect::OnDelete => "ON DELETE",
                    Aspect::OnUpdate => "ON UPDATE",
                    Aspect::Name => "name",
                    Aspect::Expression => "expression",
                    Aspect::Presence | Aspect::Nullable | Aspect::Autoincrement => unreachable!(),
                };
                format!(
                    "{subject}: {prefix}{what} is {} in the {e} but {} in the {a}",
                    value(&self.expected),
                    value(&self.actual)
                )
            }
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The differences between `expected` and `actual`, with sides called
/// `expected` and `actual`; see [`compare_with`].
pub fn compare(expected: &Schema, actual: &Schema) -> Vec<Finding> {
    compare_with(expected, actual, &Sides::default())
}

/// The differences between `expected` and `actual`, in a deterministic order:
/// the expected side's tables in their order, then tables only the actual side
/// has (by name); inside a table: presence, column order, columns (in order),
/// primary key, uniques, foreign keys, indexes, checks.
///
/// The models are compared as given; normalize both with [`comparable`] first
/// when they come from different sources.
pub fn compare_with(expected: &Schema, actual: &Schema, sides: &Sides) -> Vec<Finding> {
    let mut out = Vec::new();
    for table in &expected.tables {
        match actual.table(&table.name) {
            Some(other) => compare_table(table, other, sides, &mut out),
            None => out.push(Finding::new(
                sides,
                &table.name,
                Target::Table,
                Aspect::Presence,
                Some(table.name.clone()),
                None,
            )),
        }
    }
    let mut extra: Vec<&Table> = actual
        .tables
        .iter()
        .filter(|table| expected.table(&table.name).is_none())
        .collect();
    extra.sort_by(|a, b| a.name.cmp(&b.name));
    for table in extra {
        out.push(Finding::new(
            sides,
            &table.name,
            Target::Table,
            Aspect::Presence,
            None,
            Some(table.name.clone()),
        ));
    }
    out
}

fn list(columns: &[String]) -> String {
    format!("({})", columns.join(", "))
}

/// The type of a column as text: its SQL type overrides if any, else the
/// logical type's name.
pub fn type_label(column: &Column) -> String {
    let overrides: Vec<&str> = [
        column.sql_type.sqlite.as_deref(),
        column.sql_type.postgres.as_deref(),
        column.sql_type.mysql.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if overrides.is_empty() {
        column.ty.name()
    } else {
        overrides.join(" / ")
    }
}

/// A default as text: SQL for literals, the expression for `Sql`.
pub fn default_label(value: &DefaultValue) -> String {
    match value {
        DefaultValue::Int(int) => int.to_string(),
        DefaultValue::Float(float) => format!("{float:?}"),
        DefaultValue::Bool(flag) => if *flag { "TRUE" } else { "FALSE" }.to_owned(),
        DefaultValue::Text(text) => format!("'{}'", text.replace('\'', "''")),
        DefaultValue::CurrentTimestamp => "CURRENT_TIMESTAMP".to_owned(),
        DefaultValue::Sql(sql) => sql.clone(),
    }
}

fn nullability(column: &Column) -> String {
    if column.nullable {
        "nullable"
    } else {
        "NOT NULL"
    }
    .to_owned()
}

fn compare_table(expected: &Table, actual: &Table, sides: &Sides, out: &mut Vec<Finding>) {
    let name = expected.name.as_str();
    let push = |out: &mut Vec<Finding>, target, aspect, e: Option<String>, a: Option<String>| {
        out.push(Finding::new(sides, name, target, aspect, e, a))
    };

    // Column order, over the columns both sides have.
    let common_expected: Vec<String> = expected
        .columns
        .iter()
        .filter(|c| actual.column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect();
    let common_actual: Vec<String> = actual
        .columns
        .iter()
        .filter(|c| expected.column(&c.name).is_some())
        .map(|c| c.name.clone())
        .collect();
    if common_expected != common_actual {
        push(
            out,
            Target::Table,
            Aspect::ColumnOrder,
            Some(list(&common_expected)),
            Some(list(&common_actual)),
        );
    }

    // Columns.
    for column in &expected.columns {
        let target = || Target::Column {
            name: column.name.clone(),
        };
        let Some(other) = actual.column(&column.name) else {
            push(
                out,
                target(),
                Aspect::Presence,
                Some(column.name.clone()),
                None,
            );
            continue;
        };
        let (te, ta) = (type_label(column), type_label(other));
        if column.ty != other.ty || column.sql_type != other.sql_type {
            push(out, target(), Aspect::Type, Some(te), Some(ta));
        }
        if column.nullable != other.nullable {
            push(
                out,
                target(),
                Aspect::Nullable,
                Some(nullability(column)),
                Some(nullability(other)),
            );
        }
        if column.default != other.default {
            push(
                out,
                target(),
                Aspect::Default,
                column.default.as_ref().map(default_label),
                other.default.as_ref().map(default_label),
            );
        }
        if column.autoincrement != other.autoincrement {
            let flag = |on: bool| on.then(|| "AUTOINCREMENT".to_owned());
            push(
                out,
                target(),
                Aspect::Autoincrement,
                flag(column.autoincrement),
                flag(other.autoincrement),
            );
        }
    }
    for column in &actual.columns {
        if expected.column(&column.name).is_none() {
            push(
                out,
                Target::Column {
                    name: column.name.clone(),
                },
                Aspect::Presence,
                None,
                Some(column.name.clone()),
            );
        }
    }

    // Primary key.
    if expected.primary_key != actual.primary_key {
        let key = |columns: &[String]| (!columns.is_empty()).then(|| list(columns));
        push(
            out,
            Target::PrimaryKey,
            Aspect::Columns,
            key(&expected.primary_key),
            key(&actual.primary_key),
        );
    }

    // Uniques: the same ones first, then the rest by their columns.
    let mut unmatched: Vec<&Unique> = actual.uniques.iter().collect();
    let rest: Vec<&Unique> = expected
        .uniques
        .iter()
        .filter(|unique| match unmatched.iter().position(|u| u == unique) {
            Some(position) => {
                unmatched.remove(position);
                false
            }
            None => true,
        })
        .collect();
    for unique in rest {
        let target = || Target::Unique {
            columns: unique.columns.clone(),
        };
        match unmatched.iter().position(|u| u.columns == unique.columns) {
            None => push(
                out,
                target(),
                Aspect::Presence,
                Some(list(&unique.columns)),
                None,
            ),
            Some(position) => {
                let other = unmatched.remove(position);
                push(
                    out,
                    target(),
                    Aspect::Name,
                    unique.name.as_ref().map(|n| format!("`{n}`")),
                    other.name.as_ref().map(|n| format!("`{n}`")),
                );
            }
        }
    }
    for unique in unmatched {
        push(
            out,
            Target::Unique {
                columns: unique.columns.clone(),
            },
            Aspect::Presence,
            None,
            Some(list(&unique.columns)),
        );
    }

    // Foreign keys: the same ones first, then the rest by their local columns.
    let reference = |fk: &ForeignKey| format!("{}{}", fk.ref_table, list(&fk.ref_columns));
    let mut unmatched: Vec<&ForeignKey> = actual.foreign_keys.iter().collect();
    let rest: Vec<&ForeignKey> = expected
        .foreign_keys
        .iter()
        .filter(|fk| match unmatched.iter().position(|f| f == fk) {
            Some(position) => {
                unmatched.remove(position);
                false
            }
            None => true,
        })
        .collect();
    for fk in rest {
        let target = || Target::ForeignKey {
            columns: fk.columns.clone(),
        };
        let Some(position) = unmatched.iter().position(|f| f.columns == fk.columns) else {
            push(out, target(), Aspect::Presence, Some(reference(fk)), None);
            continue;
        };
        let other = unmatched.remove(position);
        if (&fk.ref_table, &fk.ref_columns) != (&other.ref_table, &other.ref_columns) {
            push(
                out,
                target(),
                Aspect::References,
                Some(reference(fk)),
                Some(reference(other)),
            );
        }
        if fk.on_delete != other.on_delete {
            push(
                out,
                target(),
                Aspect::OnDelete,
                Some(fk.on_delete.sql().to_owned()),
                Some(other.on_delete.sql().to_owned()),
            );
        }
        if fk.on_update != other.on_update {
            push(
                out,
                target(),
                Aspect::OnUpdate,
                Some(fk.on_update.sql().to_owned()),
                Some(other.on_update.sql().to_owned()),
            );
        }
        if fk.name != other.name {
            push(
                out,
                target(),
                Aspect::Name,
                fk.name.as_ref().map(|n| format!("`{n}`")),
                other.name.as_ref().map(|n| format!("`{n}`")),
            );
        }
    }
    for fk in unmatched {
        push(
            out,
            Target::ForeignKey {
                columns: fk.columns.clone(),
            },
            Aspect::Presence,
            None,
            Some(reference(fk)),
        );
    }

    // Indexes, matched by name.
    for index in &expected.indexes {
        let target = || Target::Index {
            name: index.name.clone(),
        };
        let Some(other) = actual.indexes.iter().find(|i| i.name == index.name) else {
            push(
                out,
                target(),
                Aspect::Presence,
                Some(list(&index.columns)),
                None,
            );
            continue;
        };
        if index.columns != other.columns {
            push(
                out,
                target(),
                Aspect::Columns,
                Some(list(&index.columns)),
                Some(list(&other.columns)),
            );
        }
        if index.unique != other.unique {
            let kind = |unique: bool| if unique { "UNIQUE" } else { "not unique" }.to_owned();
            push(
                out,
                target(),
                Aspect::Unique,
                Some(kind(index.unique)),
                Some(kind(other.unique)),
            );
        }
    }
    for index in &actual.indexes {
        if !expected.indexes.iter().any(|i| i.name == index.name) {
            push(
                out,
                Target::Index {
                    name: index.name.clone(),
                },
                Aspect::Presence,
                None,
                Some(list(&index.columns)),
            );
        }
    }

    // Checks: by name when named, else by expression.
    let same_check = |a: &Check, b: &Check| match (&a.name, &b.name) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.expr == b.expr,
        _ => false,
    };
    let check_target = |check: &Check| Target::Check {
        name: check.name.clone(),
        expr: check.expr.clone(),
    };
    for check in &expected.checks {
        match actual.checks.iter().find(|c| same_check(check, c)) {
            None => push(
                out,
                check_target(check),
                Aspect::Presence,
                Some(check.expr.clone()),
                None,
            ),
            Some(other) if other.expr != check.expr => push(
                out,
                check_target(check),
                Aspect::Expression,
                Some(format!("({})", check.expr)),
                Some(format!("({})", other.expr)),
            ),
            Some(_) => {}
        }
    }
    for check in &actual.checks {
        if !expected.checks.iter().any(|c| same_check(c, check)) {
            push(
                out,
                check_target(check),
                Aspect::Presence,
                None,
                Some(check.expr.clone()),
            );
        }
    }
}

/// `schema` as `backend` sees it, for [`compare`]:
///
/// - each column's type becomes the canonical spelling of its SQL type on
///   `backend` (in `sql_type`, the logical `ty` the first logical type with that
///   SQL type), so `i32`/`i64`/`bool` all read INTEGER on SQLite;
/// - each default becomes `DefaultValue::Sql` of its canonical SQL text on
///   `backend` ([`canonical_default`]); `NULL` defaults are dropped;
/// - primary-key columns are NOT NULL;
/// - names the backend makes up or forgets are dropped: unique and foreign-key
///   names on SQLite, PostgreSQL's `<table>_<columns>_key` and MySQL's
///   first-column names for unnamed uniques; foreign keys get their constraint
///   name on PostgreSQL and MySQL;
/// - on MySQL, unique indexes become unique constraints (MySQL has no
///   difference) and NO ACTION becomes RESTRICT (the same in InnoDB);
/// - uniques and foreign keys are sorted by columns, indexes by name, and
///   renames are forgotten.
pub fn comparable(schema: &Schema, backend: Backend) -> Schema {
    Schema {
        tables: schema
            .tables
            .iter()
            .map(|table| comparable_table(table, backend))
            .collect(),
    }
}

fn comparable_table(table: &Table, backend: Backend) -> Table {
    let columns = table
        .columns
        .iter()
        .map(|column| comparable_column(table, column, backend))
        .collect();
    let mut uniques: Vec<Unique> = table.uniques.clone();
    let mut indexes: Vec<Index> = Vec::new();
    for index in &table.indexes {
        if backend == Backend::MySql && index.unique {
            uniques.push(Unique {
                name: Some(index.name.clone()),
                columns: index.columns.clone(),
            });
        } else {
            indexes.push(index.clone());
        }
    }
    for unique in &mut uniques {
        let implied = match (backend, &unique.name) {
            (_, None) | (Backend::Sqlite, _) => true,
            (Backend::Postgres, Some(name)) => {
                *name == format!("{}_{}_key", table.name, unique.columns.join("_"))
            }
            (Backend::MySql, Some(name)) => {
                let first = unique.columns.first().map_or("", String::as_str);
                name.strip_prefix(first).is_some_and(|rest| {
                    rest.is_empty()
                        || rest
                            .strip_prefix('_')
                            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                })
            }
        };
        if implied {
            unique.name = None;
        }
    }
    uniques.sort_by(|a, b| (&a.columns, &a.name).cmp(&(&b.columns, &b.name)));
    uniques.dedup();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut foreign_keys: Vec<ForeignKey> = table
        .foreign_keys
        .iter()
        .map(|fk| {
            let mut fk = fk.clone();
            fk.name = match backend {
                Backend::Sqlite => None,
                _ => Some(fk.constraint_name(&table.name)),
            };
            if backend == Backend::MySql {
                for action in [&mut fk.on_delete, &mut fk.on_update] {
                    if *action == Action::NoAction {
                        *action = Action::Restrict;
                    }
                }
            }
            fk
        })
        .collect();
    foreign_keys.sort_by(|a, b| a.columns.cmp(&b.columns));
    let mut checks: Vec<Check> = table
        .checks
        .iter()
        .map(|check| Check {
            name: check.name.clone(),
            expr: canonical_expression(&check.expr),
        })
        .collect();
    checks.sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    Table {
        name: table.name.clone(),
        renamed_from: None,
        columns,
        primary_key: table.primary_key.clone(),
        uniques,
        foreign_keys,
        indexes,
        checks,
    }
}

fn comparable_column(table: &Table, column: &Column, backend: Backend) -> Column {
    let sql = canonical_type(&render::sql_type(column, backend), backend);
    let ty = logical_type(&sql, backend).unwrap_or(column.ty);
    let default = column.default.as_ref().and_then(|value| {
        canonical_default(&render::default_sql(value, column.ty, backend), backend)
            .map(DefaultValue::Sql)
    });
    let mut sql_type = SqlTypes::default();
    match backend {
        Backend::Sqlite => sql_type.sqlite = Some(sql),
        Backend::Postgres => sql_type.postgres = Some(sql),
        Backend::MySql => sql_type.mysql = Some(sql),
    }
    Column {
        name: column.name.clone(),
        renamed_from: None,
        ty,
        sql_type,
        nullable: column.nullable && !table.primary_key.contains(&column.name),
        default,
        autoincrement: column.autoincrement,
    }
}

/// The logical type for the SQL type `sql` on `backend`: on SQLite, what the
/// declared type suggests (`INTEGER` is `integer`, `BOOLEAN` `boolean`, by
/// affinity otherwise); elsewhere the logical type whose rendered type has
/// the same canonical spelling, the most common one when several do.
pub fn logical_type(sql: &str, backend: Backend) -> Option<ColumnType> {
    use ColumnType as T;
    if backend == Backend::Sqlite {
        return Some(sqlite_logical_type(sql));
    }
    let sql = &canonical_type(sql, backend);
    if let Some(len) = sql
        .strip_prefix("VARCHAR(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|n| n.parse().ok())
    {
        return Some(T::String(len));
    }
    const PREFERENCE: [ColumnType; 14] = [
        T::Integer,
        T::BigInt,
        T::SmallInt,
        T::Boolean,
        T::Double,
        T::Float,
        T::Text,
        T::Blob,
        T::Uuid,
        T::Date,
        T::Time,
        T::DateTime,
        T::TimestampTz,
        T::Json,
    ];
    PREFERENCE
        .into_iter()
        .find(|ty| canonical_type(&render::native_type(*ty, backend), backend) == *sql)
}

/// The logical type SQLite's affinity rules suggest for a declared type.
fn sqlite_logical_type(declared: &str) -> ColumnType {
    use ColumnType as T;
    let upper = declared.trim().to_uppercase();
    let (base, args) = match upper.split_once('(') {
        Some((base, args)) => (base.trim(), Some(args.trim_end_matches(')').trim())),
        None => (upper.as_str(), None),
    };
    match (base, args) {
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR", Some(len)) => match len.parse() {
            Ok(len) => T::String(len),
            Err(_) => T::Text,
        },
        ("INTEGER" | "INT" | "MEDIUMINT", _) => T::Integer,
        ("BIGINT" | "INT8", _) => T::BigInt,
        ("SMALLINT" | "TINYINT" | "INT2", _) => T::SmallInt,
        ("BOOLEAN" | "BOOL", _) => T::Boolean,
        ("FLOAT", _) => T::Float,
        ("REAL" | "DOUBLE" | "DOUBLE PRECISION", _) => T::Double,
        ("TEXT", _) => T::Text,
        ("BLOB", _) => T::Blob,
        ("UUID", _) => T::Uuid,
        ("DATE", _) => T::Date,
        ("TIME", _) => T::Time,
        ("DATETIME" | "TIMESTAMP", _) => T::DateTime,
        ("TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE", _) => T::TimestampTz,
        ("JSON" | "JSONB", _) => T::Json,
        // SQLite's affinity rules, in its order.
        (base, _) if base.contains("INT") => T::Integer,
        (base, _) if base.contains("CHAR") || base.contains("CLOB") || base.contains("TEXT") => {
            T::Text
        }
        (base, _) if base.contains("BLOB") || base.is_empty() => T::Blob,
        (base, _) if base.contains("REAL") || base.contains("FLOA") || base.contains("DOUB") => {
            T::Double
        }
        _ => T::Text,
    }
}

/// Upper case, single spaces, no spaces around parentheses and commas.
fn squeeze(sql: &str) -> String {
    let upper = sql.trim().to_uppercase();
    let words: Vec<&str> = upper.split_whitespace().collect();
    let joined = words.join(" ");
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if ch == ' ' {
            let before = out.chars().last();
            let after = chars.get(i + 1).copied();
            if matches!(before, Some('(' | ',')) || matches!(after, Some('(' | ')' | ',')) {
                continue;
            }
        }
        out.push(ch);
    }
    out
}

/// The canonical spelling of an SQL type on `backend`: what the renderer
/// writes for the type the database understands, whatever synonym or detail
/// the database reports (`int4`, `character varying(64)`, `int(11)`,
/// `tinyint(1)`, `timestamp(6) with time zone`, MariaDB's `longtext` for JSON).
/// SQLite keeps declared types verbatim, so there only case and spaces change.
pub fn canonical_type(sql: &str, backend: Backend) -> String {
    let mut text = squeeze(sql);
    match backend {
        Backend::Sqlite => text,
        Backend::Postgres => {
            let (base, array) = match text.strip_suffix("[]") {
                Some(base) => (base.to_owned(), "[]"),
                None => (text.clone(), ""),
            };
            let base = match base.as_str() {
                "INT" | "INT4" | "INTEGER" | "SERIAL" | "SERIAL4" => "INTEGER".to_owned(),
                "INT2" | "SMALLINT" | "SMALLSERIAL" | "SERIAL2" => "SMALLINT".to_owned(),
                "INT8" | "BIGINT" | "BIGSERIAL" | "SERIAL8" => "BIGINT".to_owned(),
                "BOOL" | "BOOLEAN" => "BOOLEAN".to_owned(),
                "FLOAT4" | "REAL" => "REAL".to_owned(),
                "FLOAT8" | "FLOAT" | "DOUBLE PRECISION" => "DOUBLE PRECISION".to_owned(),
                "CHARACTER VARYING" | "VARCHAR" => "VARCHAR".to_owned(),
                "TIMESTAMP"
                | "TIMESTAMP WITHOUT TIME ZONE"
                | "TIMESTAMP(6)"
                | "TIMESTAMP(6) WITHOUT TIME ZONE" => "TIMESTAMP".to_owned(),
                "TIMESTAMPTZ"
                | "TIMESTAMP WITH TIME ZONE"
                | "TIMESTAMPTZ(6)"
                | "TIMESTAMP(6) WITH TIME ZONE" => "TIMESTAMPTZ".to_owned(),
                "TIME" | "TIME WITHOUT TIME ZONE" | "TIME(6)" | "TIME(6) WITHOUT TIME ZONE" => {
                    "TIME".to_owned()
                }
                "TIMETZ" | "TIME WITH TIME ZONE" | "TIME(6) WITH TIME ZONE" => "TIMETZ".to_owned(),
                other => {
                    if let Some(rest) = other.strip_prefix("CHARACTER VARYING(") {
                        format!("VARCHAR({rest}")
                    } else if let Some(rest) = other.strip_prefix("CHARACTER(") {
                        format!("CHAR({rest}")
                    } else {
                        other.to_owned()
                    }
                }
            };
            base + array
        }
        Backend::MySql => {
            for cut in [" CHARACTER SET ", " COLLATE "] {
                if let Some(at) = text.find(cut) {
                    text.truncate(at);
                }
            }
            let (name, rest) = match text.find(['(', ' ']) {
                Some(at) => (text[..at].to_owned(), text[at..].to_owned()),
                None => (text.clone(), String::new()),
            };
            let (width, suffix) = match rest.strip_prefix('(') {
                Some(inner) => match inner.find(')') {
                    Some(end) => (Some(inner[..end].to_owned()), inner[end + 1..].to_owned()),
                    None => (None, rest.clone()),
                },
                None => (None, rest.clone()),
            };
            let integer = |canonical: &str| format!("{canonical}{suffix}");
            match name.as_str() {
                "BOOL" | "BOOLEAN" => "BOOL".to_owned(),
                "TINYINT" if width.as_deref() == Some("1") && suffix.is_empty() => {
                    "BOOL".to_owned()
                }
                "TINYINT" => integer("TINYINT"),
                "SMALLINT" => integer("SMALLINT"),
                "MEDIUMINT" => integer("MEDIUMINT"),
                "INT" | "INTEGER" => integer("INT"),
                "BIGINT" => integer("BIGINT"),
                "DOUBLE" if rest.trim() == "PRECISION" => "DOUBLE".to_owned(),
                "REAL" => "DOUBLE".to_owned(),
                "JSON" => "LONGTEXT".to_owned(),
                _ => text,
            }
        }
    }
}

/// The canonical text of a default on `backend`, or `None` for `NULL`:
/// outer parentheses and PostgreSQL casts dropped (`'-5'::integer` is `-5`),
/// numbers in their shortest form (`1.0` is `1`, `1e20` stays), strings
/// unescaped and requoted with `''` (MySQL's backslash escapes included),
/// date-time strings without a zero fraction or UTC offset,
/// `CURRENT_TIMESTAMP(6)`/`current_timestamp()`/`now()` as
/// `CURRENT_TIMESTAMP`, booleans in capitals; other expressions with
/// identifiers and keywords in lower case and without spaces around symbols.
pub fn canonical_default(sql: &str, backend: Backend) -> Option<String> {
    let mut text = strip_parens(sql.trim());
    let mut numeric_cast = false;
    if backend == Backend::Postgres {
        let (literal, casts) = strip_casts(&text);
        numeric_cast = casts.iter().any(|cast| {
            matches!(
                cast.trim().to_lowercase().as_str(),
                "integer" | "bigint" | "smallint" | "numeric" | "real" | "double precision"
            )
        });
        text = strip_parens(&literal);
    }
    let upper = text.to_uppercase();
    match upper.as_str() {
        "NULL" => return None,
        "TRUE" | "FALSE" => return Some(upper),
        "CURRENT_TIMESTAMP" | "CURRENT_TIMESTAMP()" | "NOW()" | "LOCALTIMESTAMP" => {
            return Some("CURRENT_TIMESTAMP".to_owned());
        }
        _ => {}
    }
    if let Some(digits) = upper
        .strip_prefix("CURRENT_TIMESTAMP(")
        .and_then(|rest| rest.strip_suffix(')'))
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some("CURRENT_TIMESTAMP".to_owned());
    }
    if let Some(number) = canonical_number(&text) {
        return Some(number);
    }
    if let Some(string) = unquote(&text, backend) {
        // PostgreSQL writes negative and large numbers as quoted strings.
        if numeric_cast && let Some(number) = canonical_number(&string) {
            return Some(number);
        }
        let string = canonical_datetime(&string).unwrap_or(string);
        return Some(format!("'{}'", string.replace('\'', "''")));
    }
    Some(canonical_expression(&text))
}

/// A number in its shortest form, if `text` is one.
fn canonical_number(text: &str) -> Option<String> {
    let text = text.trim();
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    if let Ok(int) = text.parse::<i64>() {
        return Some(int.to_string());
    }
    let float: f64 = text.parse().ok()?;
    if float.fract() == 0.0 && float.abs() < 1e15 {
        Some(format!("{}", float as i64))
    } else {
        Some(format!("{float:?}"))
    }
}

/// `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][+00[:00]|Z]` and `HH:MM:SS[.ffffff]`
/// without a zero fraction, a `T` or a UTC offset.
fn canonical_datetime(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let time = |s: &str| -> Option<String> {
        let (clock, fraction) = match s.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (s, None),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() != 3 || !parts.iter().all(|p| digits(p, 2)) {
            return None;
        }
        match fraction {
            None => Some(clock.to_owned()),
            Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                let f = f.trim_end_matches('0');
                Some(if f.is_empty() {
                    clock.to_owned()
                } else {
                    format!("{clock}.{f}")
                })
            }
            Some(_) => None,
        }
    };
    if let Some(clock) = time(text) {
        return Some(clock);
    }
    if text.len() < 19 {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let date_parts: Vec<&str> = date.split('-').collect();
    if date_parts.len() != 3
        || !digits(date_parts[0], 4)
        || !digits(date_parts[1], 2)
        || !digits(date_parts[2], 2)
    {
        return None;
    }
    let rest = rest.strip_prefix([' ', 'T'])?;
    let mut clock = rest;
    for utc in ["+00:00", "+00", "Z"] {
        if let Some(stripped) = rest.strip_suffix(utc) {
            clock = stripped;
            break;
        }
    }
    Some(format!("{date} {}", time(clock)?))
}

/// `text` without parentheses around the whole of it.
fn strip_parens(text: &str) -> String {
    let mut text = text.trim().to_owned();
    while text.starts_with('(') && text.ends_with(')') && encloses(&text) {
        text = text[1..text.len() - 1].trim().to_owned();
    }
    text
}

/// Whether the opening parenthesis at 0 closes at the very end.
fn encloses(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if let Some(q) = quote {
            if ch == '\\' {
                i += 1;
            } else if ch == q {
                quote = None;
            }
        } else if ch == '\'' || ch == '"' || ch == '`' {
            quote = Some(ch);
        } else if ch == '(' {
            depth += 1;
        } else if ch == ')' {
            depth -= 1;
            if depth == 0 && i != chars.len() - 1 {
                return false;
            }
        }
        i += 1;
    }
    depth == 0
}

/// Splits PostgreSQL casts off a literal: `'x'::character varying`,
/// `'1'::numeric::double precision`; returns the literal and the cast types.
fn strip_casts(text: &str) -> (String, Vec<String>) {
    let literal_end = if text.starts_with('\'') || text.starts_with("E'") {
        let start = text.find('\'').unwrap_or(0) + 1;
        let bytes = text.as_bytes();
        let mut i = start;
        let mut end = None;
        while i < bytes.len() {
            if bytes[i] == b'\\' && text.starts_with('E') {
                i += 2;
                continue;
            }
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                end = Some(i + 1);
                break;
            }
            i += 1;
        }
        match end {
            Some(end) => end,
            None => return (text.to_owned(), Vec::new()),
        }
    } else {
        match text.find("::") {
            Some(at) => at,
            None => return (text.to_owned(), Vec::new()),
        }
    };
    let rest = &text[literal_end..];
    let is_cast = rest.starts_with("::")
        && rest.split("::").skip(1).all(|ty| {
            !ty.is_empty()
                && ty.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, ' ' | '_' | '(' | ')' | '[' | ']' | '"')
                })
        });
    if is_cast {
        let casts = rest.split("::").skip(1).map(str::to_owned).collect();
        (text[..literal_end].to_owned(), casts)
    } else {
        (text.to_owned(), Vec::new())
    }
}

/// The content of a single-quoted SQL string, if `text` is exactly one.
/// Handles `''`, PostgreSQL's `E'..'` and MySQL's backslash escapes.
fn unquote(text: &str, backend: Backend) -> Option<String> {
    let (body, backslashes) = if let Some(rest) = text.strip_prefix("E'") {
        (rest, true)
    } else {
        (text.strip_prefix('\'')?, backend == Backend::MySql)
    };
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if backslashes => {
                let escaped = chars.next()?;
                out.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'b' => '\u{8}',
                    'Z' => '\u{1a}',
                    other => other,
                });
            }
            '\'' => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return chars.next().is_none().then_some(out);
                }
            }
            other => out.push(other),
        }
    }
    None
}

/// An expression with single spaces, no spaces next to symbols, and lower
/// case outside quotes; outer parentheses dropped.
pub fn canonical_expression(sql: &str) -> String {
    let text = strip_parens(sql);
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    for ch in text.chars() {
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch.is_whitespace() {
            pending_space = true;
            continue;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if pending_space {
            if out.chars().last().is_some_and(word) && word(ch) {
                out.push(' ');
            }
            pending_space = false;
        }
        if matches!(ch, '\'' | '"' | '`') {
            quote = Some(ch);
            out.push(ch);
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType as T, ForeignKey, Table};

    fn conduit() -> Table {
        Table::new("sync_conduit")
            .column_def(Column::new("id", T::Integer).autoincrement())
            .column_def(Column::new("entry_id", T::Integer))
            .column_def(Column::new("enabled", T::Boolean).default(DefaultValue::Bool(true)))
            .column_def(
                Column::new("schedule", T::Text).default(DefaultValue::Text("manual".into())),
            )
            .primary_key(["id"])
            .index("idx_enabled", ["enabled"], false)
            .foreign_key(ForeignKey::new(["entry_id"], "entry", ["id"]).on_delete(Action::Cascade))
    }

    #[test]
    fn equal_schemas_have_no_findings() {
        let schema = Schema::new([conduit()]);
        assert_eq!(compare(&schema, &schema), vec![]);
    }

    #[test]
    fn findings_read_as_sentences_naming_both_sides() {
        let expected = Schema::new([conduit()]);
        let mut changed = conduit();
        changed.columns[2].default = Some(DefaultValue::Int(0));
        changed.columns[1].nullable = true;
        changed.columns.swap(1, 2);
        changed.columns.push(Column::new("extra", T::Text));
        changed.foreign_keys[0].on_delete = Action::SetNull;
        changed.indexes[0].columns.push("id".into());
        let findings = compare_with(
            &expected,
            &Schema::new([changed]),
            &Sides::new("entities", "docs"),
        );
        let messages: Vec<String> = findings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "sync_conduit: column order is (id, entry_id, enabled, schedule) in the entities but (id, enabled, entry_id, schedule) in the docs",
                "sync_conduit.entry_id: NOT NULL in the entities but nullable in the docs",
                "sync_conduit.enabled: default is TRUE in the entities but 0 in the docs",
                "sync_conduit.extra: column is in the docs but not in the entities",
                "sync_conduit: foreign key (entry_id): ON DELETE is CASCADE in the entities but SET NULL in the docs",
                "sync_conduit: index `idx_enabled`: columns is (enabled) in the entities but (enabled, id) in the docs",
            ]
        );
    }

    #[test]
    fn comparable_sees_what_sqlite_sees() {
        let mut docs = conduit();
        docs.columns[2].ty = T::Integer;
        docs.columns[2].default = Some(DefaultValue::Int(1));
        docs.columns[0].ty = T::BigInt;
        docs.columns[0].nullable = true;
        let sqlite = |t: Table| comparable(&Schema::new([t]), Backend::Sqlite);
        assert_eq!(compare(&sqlite(conduit()), &sqlite(docs.clone())), vec![]);
        let messages: Vec<String> = compare(
            &comparable(&Schema::new([conduit()]), Backend::Postgres),
            &comparable(&Schema::new([docs]), Backend::Postgres),
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            messages,
            [
                "sync_conduit.id: type is INTEGER in the expected but BIGINT in the actual",
                "sync_conduit.enabled: type is BOOLEAN in the expected but INTEGER in the actual",
                "sync_conduit.enabled: default is TRUE in the expected but 1 in the actual",
            ]
        );
    }

    #[test]
    fn reported_types_have_one_spelling_per_backend() {
        let cases = [
            (Backend::Postgres, "int4", "INTEGER"),
            (Backend::Postgres, "character varying(64)", "VARCHAR(64)"),
            (Backend::Postgres, "timestamp with time zone", "TIMESTAMPTZ"),
            (Backend::Postgres, "double precision", "DOUBLE PRECISION"),
            (Backend::MySql, "tinyint(1)", "BOOL"),
            (Backend::MySql, "int(11)", "INT"),
            (Backend::MySql, "bigint(20) unsigned", "BIGINT UNSIGNED"),
            (Backend::MySql, "datetime(6)", "DATETIME(6)"),
            (Backend::MySql, "binary(16)", "BINARY(16)"),
            (Backend::MySql, "json", "LONGTEXT"),
            (
                Backend::MySql,
                "varchar(10) character set utf8mb4",
                "VARCHAR(10)",
            ),
            (Backend::Sqlite, "varchar ( 10 )", "VARCHAR(10)"),
        ];
        for (backend, reported, canonical) in cases {
            assert_eq!(canonical_type(reported, backend), canonical, "{reported}");
        }
    }

    #[test]
    fn reported_defaults_have_one_spelling_per_backend() {
        let cases = [
            (Backend::Postgres, "'-5'::integer", "-5"),
            (
                Backend::Postgres,
                "'100000000000000000000'::numeric",
                "1e20",
            ),
            (Backend::Postgres, "'it''s a\\b'::text", "'it''s a\\b'"),
            (Backend::Postgres, "'x'::character varying", "'x'"),
            (
                Backend::Postgres,
                "'2024-01-01 10:00:00+00'::timestamp with time zone",
                "'2024-01-01 10:00:00'",
            ),
            (Backend::Postgres, "true", "TRUE"),
            (Backend::Postgres, "(1 + 2)", "1+2"),
            (Backend::Postgres, "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
            (Backend::MySql, "'it\\'s a\\\\b'", "'it''s a\\b'"),
            (Backend::MySql, "'it''s'", "'it''s'"),
            (Backend::MySql, "('manual')", "'manual'"),
            (Backend::MySql, "current_timestamp(6)", "CURRENT_TIMESTAMP"),
            (
                Backend::MySql,
                "'2024-01-01 10:00:00.000000'",
                "'2024-01-01 10:00:00'",
            ),
            (Backend::MySql, "'10:00:00.500000'", "'10:00:00.5'"),
            (Backend::MySql, "1", "1"),
            (Backend::Sqlite, "1.0", "1"),
            (Backend::Sqlite, "-1.5", "-1.5"),
            (Backend::Sqlite, "'a\\b'", "'a\\b'"),
        ];
        for (backend, reported, canonical) in cases {
            assert_eq!(
                canonical_default(reported, backend).as_deref(),
                Some(canonical),
                "{reported}"
            );
        }
        assert_eq!(canonical_default("NULL", Backend::MySql), None);
    }

    #[test]
    fn same_columns_twice_are_matched_by_name_first() {
        let expected = Table::new("t")
            .column_def(Column::new("a", T::Integer))
            .primary_key(["a"])
            .unique(None, ["a"])
            .unique(Some("uq_a"), ["a"]);
        let mut actual = expected.clone();
        actual.uniques.reverse();
        assert_eq!(
            compare(
                &Schema::new([expected.clone()]),
                &Schema::new([actual.clone()])
            ),
            vec![]
        );
        actual.uniques[0].name = Some("uq_b".into());
        let messages: Vec<String> = compare(&Schema::new([expected]), &Schema::new([actual]))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            messages,
            ["t: unique (a): name is `uq_a` in the expected but `uq_b` in the actual"]
        );
    }

    proptest::proptest! {
        /// Any text default, rendered for a backend, reads back as itself.
        #[test]
        fn text_defaults_survive_rendering(text in "[^\\x00]{0,16}", backend in 0usize..3, long in proptest::bool::ANY) {
            let backend = Backend::ALL[backend];
            let ty = if long { T::Text } else { T::String(16) };
            let sql = render::default_sql(&DefaultValue::Text(text.clone()), ty, backend);
            let canonical = canonical_default(&sql, backend).expect("not NULL");
            let expected = canonical_datetime(&text).unwrap_or(text);
            proptest::prop_assert_eq!(canonical, format!("'{}'", expected.replace('\'', "''")));
        }

        /// Reading arbitrary text as a default never panics.
        #[test]
        fn canonical_forms_accept_any_text(text in "\\PC{0,24}", backend in 0usize..3) {
            let backend = Backend::ALL[backend];
            let _ = canonical_default(&text, backend);
            let _ = canonical_type(&text, backend);
            let _ = canonical_expression(&text);
        }
    }

    #[test]
    fn mysql_unique_indexes_and_implied_names_fold_together() {
        let entity = Table::new("t")
            .column_def(Column::new("a", T::Integer))
            .column_def(Column::new("b", T::Integer))
            .primary_key(["a"])
            .unique(None, ["b"])
            .index("ux", ["a", "b"], true);
        let database = Table::new("t")
            .column_def(Column::new("a", T::Integer).sql_type(Backend::MySql, "int(11)"))
            .column_def(Column::new("b", T::Integer).sql_type(Backend::MySql, "int(11)"))
            .primary_key(["a"])
            .unique(Some("b"), ["b"])
            .unique(Some("ux"), ["a", "b"]);
        let mysql = |t: Table| comparable(&Schema::new([t]), Backend::MySql);
        assert_eq!(compare(&mysql(entity), &mysql(database)), vec![]);
    }
}
