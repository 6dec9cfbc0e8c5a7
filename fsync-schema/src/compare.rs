//! Comparing two schemas: readable findings naming both sides.
//!
//! [`compare`] works on any two models. Models from different sources (the
//! entities, the SQL in the docs, a live database) describe the same table in
//! different words; [`crate::normalize::comparable`] first rewrites each into
//! what one backend sees, so that two models normalized for the same backend
//! compare equal exactly when the backend cannot tell them apart.

use crate::model::{Check, Column, DefaultValue, ForeignKey, Index, Schema, Table, Unique};
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
    /// An index's method (`USING gin`, `FULLTEXT`).
    Method,
    /// A partial index's predicate.
    Predicate,
    /// The columns an index includes outside its key.
    Include,
    /// A table's storage options (SQLite's `STRICT`, `WITHOUT ROWID`,
    /// MySQL's default collation).
    Options,
    /// A column's collation.
    Collation,
    /// A column's comment.
    Comment,
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
                    Aspect::Method => "method",
                    Aspect::Predicate => "predicate",
                    Aspect::Include => "include",
                    Aspect::Options => "options",
                    Aspect::Collation => "collation",
                    Aspect::Comment => "comment",
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
/// The models are compared as given; normalize both with [`crate::normalize::comparable`] first
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

/// An index's key parts as text, each with its prefix length and order:
/// `(a, body(191), created_at DESC)`.
fn index_columns(index: &Index) -> String {
    let columns: Vec<String> = index
        .columns
        .iter()
        .map(|c| {
            let part = match index.prefix_of(c) {
                Some(chars) => format!("{c}({chars})"),
                None => c.clone(),
            };
            if index.descending.contains(c) {
                format!("{part} DESC")
            } else {
                part
            }
        })
        .collect();
    list(&columns)
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
    let label = if overrides.is_empty() {
        column.ty.name()
    } else {
        overrides.join(" / ")
    };
    match &column.enum_type {
        Some(e) => format!("{label} ({})", e.sql_values()),
        None => label,
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

    if expected.options != actual.options {
        let options = |o: &crate::model::TableOptions| Some(o.describe());
        push(
            out,
            Target::Table,
            Aspect::Options,
            options(&expected.options),
            options(&actual.options),
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
        if column.ty != other.ty
            || column.sql_type != other.sql_type
            || column.enum_type != other.enum_type
        {
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
        if column.comment != other.comment {
            let comment = |c: &Option<String>| {
                Some(
                    c.as_ref()
                        .map_or_else(|| "none".to_owned(), |c| format!("'{c}'")),
                )
            };
            push(
                out,
                target(),
                Aspect::Comment,
                comment(&column.comment),
                comment(&other.comment),
            );
        }
        if column.collation != other.collation {
            let collation =
                |c: &Option<String>| Some(c.clone().unwrap_or_else(|| "the default".to_owned()));
            push(
                out,
                target(),
                Aspect::Collation,
                collation(&column.collation),
                collation(&other.collation),
            );
        }
        if column.on_update_current_timestamp != other.on_update_current_timestamp {
            let set = |on: bool| Some(if on { "CURRENT_TIMESTAMP" } else { "none" }.to_owned());
            push(
                out,
                target(),
                Aspect::OnUpdate,
                set(column.on_update_current_timestamp),
                set(other.on_update_current_timestamp),
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
        if index.columns != other.columns
            || index.prefixes != other.prefixes
            || index.descending != other.descending
        {
            push(
                out,
                target(),
                Aspect::Columns,
                Some(index_columns(index)),
                Some(index_columns(other)),
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
        if index.using != other.using {
            push(
                out,
                target(),
                Aspect::Method,
                Some(index.using.key().to_owned()),
                Some(other.using.key().to_owned()),
            );
        }
        if index.predicate != other.predicate {
            let predicate = |p: &Option<String>| {
                Some(
                    p.as_ref()
                        .map_or("none (every row)".to_owned(), |p| format!("WHERE {p}")),
                )
            };
            push(
                out,
                target(),
                Aspect::Predicate,
                predicate(&index.predicate),
                predicate(&other.predicate),
            );
        }
        if index.include != other.include {
            push(
                out,
                target(),
                Aspect::Include,
                Some(list(&index.include)),
                Some(list(&other.include)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Backend};
    use crate::model::{Column, ColumnType as T, ForeignKey, Table};
    use crate::normalize::comparable;

    fn conduit() -> Table {
        Table::new("sync_conduit")
            .with_column(Column::new("id", T::Integer).autoincrement())
            .with_column(Column::new("entry_id", T::Integer))
            .with_column(Column::new("enabled", T::Boolean).default(DefaultValue::Bool(true)))
            .with_column(
                Column::new("schedule", T::Text).default(DefaultValue::Text("manual".into())),
            )
            .primary_key(["id"])
            .index("idx_enabled", ["enabled"])
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
    fn same_columns_twice_are_matched_by_name_first() {
        let expected = Table::new("t")
            .with_column(Column::new("a", T::Integer))
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

    #[test]
    fn mysql_unique_indexes_and_implied_names_fold_together() {
        let entity = Table::new("t")
            .with_column(Column::new("a", T::Integer))
            .with_column(Column::new("b", T::Integer))
            .primary_key(["a"])
            .unique(None, ["b"])
            .unique_index("ux", ["a", "b"]);
        let database = Table::new("t")
            .with_column(Column::new("a", T::Integer).sql_type(Backend::MySql, "int(11)"))
            .with_column(Column::new("b", T::Integer).sql_type(Backend::MySql, "int(11)"))
            .primary_key(["a"])
            .unique(Some("b"), ["b"])
            .unique(Some("ux"), ["a", "b"]);
        let mysql = |t: Table| comparable(&Schema::new([t]), Backend::MySql);
        assert_eq!(compare(&mysql(entity), &mysql(database)), vec![]);
    }
}
