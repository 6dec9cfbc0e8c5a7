//! Migration steps: schema changes as data. A generated migration file lists
//! its steps; the runtime renders them for the connected backend, and `down`
//! runs the inverse of each step in reverse order.

use crate::model::{
    Check, Column, EnumType, ForeignKey, Index, Schema, Table, TableOptions, Unique,
};
use serde::{Deserialize, Serialize};

/// One schema change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Creates the table and its indexes.
    CreateTable(Table),
    /// Drops the table (the definition is kept so that the step can be reversed).
    DropTable(Table),
    /// Renames a table; `table` is its definition under the new name (PostgreSQL
    /// and MySQL also rename the constraints whose names derive from the table's).
    RenameTable {
        from: String,
        table: Table,
    },
    /// Changes one table; `table` is its definition after the changes (SQLite
    /// rebuilds tables from it when `ALTER TABLE` cannot express a change).
    AlterTable {
        table: Table,
        changes: Vec<Change>,
    },
    CreateIndex {
        table: String,
        index: Index,
    },
    DropIndex {
        table: String,
        index: Index,
    },
    /// Creates a native enum type (PostgreSQL's `CREATE TYPE .. AS ENUM`;
    /// nothing elsewhere, where the columns carry their values), before the
    /// tables that use it.
    CreateEnum(EnumType),
    /// Drops a native enum type, after the tables that used it.
    DropEnum(EnumType),
    /// Changes the values of a native enum type: PostgreSQL adds values in
    /// place (`ALTER TYPE .. ADD VALUE`); the columns of MySQL and SQLite
    /// change with their tables' `AlterColumn`.
    AlterEnum {
        from: EnumType,
        to: EnumType,
    },
}

/// One change inside [`Step::AlterTable`].
// `AlterColumn` holds two columns; boxing them would change the form every
// generated migration file writes its changes in.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    AddColumn(Column),
    DropColumn(Column),
    RenameColumn {
        from: String,
        to: String,
    },
    AlterColumn {
        from: Column,
        to: Column,
    },
    AddUnique(Unique),
    DropUnique(Unique),
    AddForeignKey(ForeignKey),
    DropForeignKey(ForeignKey),
    AddCheck(Check),
    DropCheck(Check),
    SetPrimaryKey {
        from: Vec<String>,
        to: Vec<String>,
    },
    /// The table's storage options (SQLite rebuilds the table).
    SetOptions {
        from: TableOptions,
        to: TableOptions,
    },
}

impl Change {
    /// The change that undoes this one.
    pub fn inverse(&self) -> Change {
        match self.clone() {
            Change::AddColumn(c) => Change::DropColumn(c),
            Change::DropColumn(c) => Change::AddColumn(c),
            Change::RenameColumn { from, to } => Change::RenameColumn { from: to, to: from },
            Change::AlterColumn { from, to } => Change::AlterColumn { from: to, to: from },
            Change::AddUnique(u) => Change::DropUnique(u),
            Change::DropUnique(u) => Change::AddUnique(u),
            Change::AddForeignKey(f) => Change::DropForeignKey(f),
            Change::DropForeignKey(f) => Change::AddForeignKey(f),
            Change::AddCheck(c) => Change::DropCheck(c),
            Change::DropCheck(c) => Change::AddCheck(c),
            Change::SetPrimaryKey { from, to } => Change::SetPrimaryKey { from: to, to: from },
            Change::SetOptions { from, to } => Change::SetOptions { from: to, to: from },
        }
    }

    /// Applies the change to a table definition.
    pub fn apply_to(&self, table: &mut Table) -> Result<(), String> {
        let t = table.name.clone();
        let position = |table: &Table, name: &str| {
            table
                .columns
                .iter()
                .position(|c| c.name == name)
                .ok_or_else(|| format!("table `{t}` has no column `{name}`"))
        };
        match self {
            Change::AddColumn(column) => {
                if table.column(&column.name).is_some() {
                    return Err(format!(
                        "table `{t}` already has a column `{}`",
                        column.name
                    ));
                }
                table.columns.push(column.clone());
            }
            Change::DropColumn(column) => {
                let i = position(table, &column.name)?;
                table.columns.remove(i);
            }
            Change::RenameColumn { from, to } => {
                let i = position(table, from)?;
                table.columns[i].name = to.clone();
                rename_in_table(table, from, to);
            }
            Change::AlterColumn { from, to } => {
                let i = position(table, &from.name)?;
                table.columns[i] = to.clone();
            }
            Change::AddUnique(unique) => table.uniques.push(unique.clone()),
            Change::DropUnique(unique) => remove(&mut table.uniques, unique, &t, "unique")?,
            Change::AddForeignKey(fk) => table.foreign_keys.push(fk.clone()),
            Change::DropForeignKey(fk) => remove(&mut table.foreign_keys, fk, &t, "foreign key")?,
            Change::AddCheck(check) => table.checks.push(check.clone()),
            Change::DropCheck(check) => remove(&mut table.checks, check, &t, "check")?,
            Change::SetPrimaryKey { to, .. } => table.primary_key = to.clone(),
            Change::SetOptions { to, .. } => table.options = to.clone(),
        }
        Ok(())
    }
}

fn remove<T: PartialEq>(
    items: &mut Vec<T>,
    item: &T,
    table: &str,
    what: &str,
) -> Result<(), String> {
    let i = items
        .iter()
        .position(|x| x == item)
        .ok_or_else(|| format!("table `{table}` has no such {what}"))?;
    items.remove(i);
    Ok(())
}

/// The table an alter starts from: `after` with `changes` undone, last first.
pub fn table_before(after: &Table, changes: &[Change]) -> Result<Table, String> {
    let mut before = after.clone();
    for change in changes.iter().rev() {
        change
            .inverse()
            .apply_to(&mut before)
            .map_err(|e| disagree(after, change, &e))?;
    }
    Ok(before)
}

/// The error of an alter whose `change` does not fit its table.
fn disagree(table: &Table, change: &Change, error: &str) -> String {
    format!(
        "the alter of `{}` does not agree with its own table at {change:?}: {error}",
        table.name
    )
}

/// Renames a column in every key, constraint and index of its table.
fn rename_in_table(table: &mut Table, from: &str, to: &str) {
    let rename = |names: &mut Vec<String>| {
        for name in names.iter_mut().filter(|n| *n == from) {
            *name = to.to_owned();
        }
    };
    rename(&mut table.primary_key);
    table
        .uniques
        .iter_mut()
        .for_each(|u| rename(&mut u.columns));
    table
        .foreign_keys
        .iter_mut()
        .for_each(|f| rename(&mut f.columns));
    table.indexes.iter_mut().for_each(|x| {
        rename(&mut x.columns);
        rename(&mut x.include);
        if let Some(chars) = x.prefixes.remove(from) {
            x.prefixes.insert(to.to_owned(), chars);
        }
        if x.descending.remove(from) {
            x.descending.insert(to.to_owned());
        }
    });
}

impl Step {
    /// The name of the table the step changes (its new name for renames).
    pub fn table_name(&self) -> &str {
        match self {
            Step::CreateTable(t) | Step::DropTable(t) | Step::AlterTable { table: t, .. } => {
                &t.name
            }
            Step::RenameTable { table, .. } => &table.name,
            Step::CreateIndex { table, .. } | Step::DropIndex { table, .. } => table,
            Step::CreateEnum(e) | Step::DropEnum(e) | Step::AlterEnum { to: e, .. } => &e.name,
        }
    }

    /// The native enum type the step creates, drops or changes, if it is an
    /// enum step (its [`Step::table_name`] is then the type's name).
    pub fn enum_type(&self) -> Option<&EnumType> {
        match self {
            Step::CreateEnum(e) | Step::DropEnum(e) | Step::AlterEnum { to: e, .. } => Some(e),
            _ => None,
        }
    }

    /// An [`Step::AlterTable`] whose table is `before` with `changes`
    /// applied: the one way to build an alter whose changes and table agree.
    pub fn alter_table(before: &Table, changes: Vec<Change>) -> Result<Step, String> {
        let mut table = before.clone();
        for change in &changes {
            change.apply_to(&mut table)?;
        }
        Ok(Step::AlterTable { table, changes })
    }

    /// Checks that the step is consistent: for an [`Step::AlterTable`], that
    /// undoing its changes from its table and redoing them gives the table back.
    pub fn check(&self) -> Result<(), String> {
        if let Step::AlterTable { table, changes } = self {
            let before = table_before(table, changes)?;
            let mut redone = before;
            for change in changes {
                change
                    .apply_to(&mut redone)
                    .map_err(|e| disagree(table, change, &e))?;
            }
            if redone != *table {
                return Err(format!(
                    "the changes of the alter of `{}` do not lead to its table; build the step with `Step::alter_table`",
                    table.name
                ));
            }
        }
        Ok(())
    }

    /// The step that undoes this one, or why there is none: an alter whose
    /// changes do not apply backwards to its table.
    pub fn try_inverse(&self) -> Result<Step, String> {
        Ok(match self.clone() {
            Step::CreateTable(t) => Step::DropTable(t),
            Step::DropTable(t) => Step::CreateTable(t),
            Step::RenameTable { from, table } => Step::RenameTable {
                from: table.name.clone(),
                table: Table {
                    name: from,
                    ..table
                },
            },
            Step::AlterTable { table, changes } => Step::AlterTable {
                table: table_before(&table, &changes)?,
                changes: changes.iter().rev().map(Change::inverse).collect(),
            },
            Step::CreateIndex { table, index } => Step::DropIndex { table, index },
            Step::DropIndex { table, index } => Step::CreateIndex { table, index },
            Step::CreateEnum(e) => Step::DropEnum(e),
            Step::DropEnum(e) => Step::CreateEnum(e),
            Step::AlterEnum { from, to } => Step::AlterEnum { from: to, to: from },
        })
    }

    /// The step that undoes this one.
    ///
    /// # Panics
    /// When an alter's changes do not apply backwards to its table (a step
    /// edited by hand); [`Step::try_inverse`] returns that error instead.
    pub fn inverse(&self) -> Step {
        self.try_inverse().unwrap_or_else(|error| panic!("{error}"))
    }

    /// Applies the step to a schema model (replaying migrations rebuilds the
    /// schema they produce).
    pub fn apply_to(&self, schema: &mut Schema) -> Result<(), String> {
        let find = |schema: &mut Schema, name: &str| -> Result<usize, String> {
            schema
                .tables
                .iter()
                .position(|t| t.name == name)
                .ok_or_else(|| format!("no table `{name}`"))
        };
        match self {
            Step::CreateTable(table) => {
                if schema.table(&table.name).is_some() {
                    return Err(format!("table `{}` already exists", table.name));
                }
                let mut table = table.clone();
                table.renamed_from = None;
                table.columns.iter_mut().for_each(|c| c.renamed_from = None);
                schema.tables.push(table);
            }
            Step::DropTable(table) => {
                let i = find(schema, &table.name)?;
                schema.tables.remove(i);
            }
            Step::RenameTable { from, table } => {
                let to = &table.name;
                let i = find(schema, from)?;
                schema.tables[i].name = to.clone();
                for table in &mut schema.tables {
                    for fk in &mut table.foreign_keys {
                        if fk.ref_table == *from {
                            fk.ref_table = to.clone();
                        }
                    }
                }
            }
            Step::AlterTable { table, changes } => {
                let i = find(schema, &table.name)?;
                for change in changes {
                    change.apply_to(&mut schema.tables[i])?;
                    if let Change::RenameColumn { from, to } = change {
                        rename_references(schema, &table.name, from, to);
                    }
                }
                let indexes = std::mem::take(&mut schema.tables[i].indexes);
                let mut updated = table.clone();
                updated.renamed_from = None;
                updated
                    .columns
                    .iter_mut()
                    .for_each(|c| c.renamed_from = None);
                updated.indexes = indexes;
                schema.tables[i] = updated;
            }
            Step::CreateIndex { table, index } => {
                let i = find(schema, table)?;
                schema.tables[i].indexes.push(index.clone());
            }
            Step::DropIndex { table, index } => {
                let i = find(schema, table)?;
                let name = schema.tables[i].name.clone();
                remove(&mut schema.tables[i].indexes, index, &name, "index")?;
            }
            // The columns carry their enum types: the tables' steps change them.
            Step::CreateEnum(_) | Step::DropEnum(_) | Step::AlterEnum { .. } => {}
        }
        Ok(())
    }
}

/// After a column rename, foreign keys of other tables that reference it follow.
fn rename_references(schema: &mut Schema, table: &str, from: &str, to: &str) {
    for other in &mut schema.tables {
        for fk in other
            .foreign_keys
            .iter_mut()
            .filter(|f| f.ref_table == table)
        {
            for column in fk.ref_columns.iter_mut().filter(|c| *c == from) {
                *column = to.to_owned();
            }
        }
    }
}

/// The schema that `steps` build from `start`.
pub fn replay<'a>(
    start: &Schema,
    steps: impl IntoIterator<Item = &'a Step>,
) -> Result<Schema, String> {
    let mut schema = start.clone();
    for step in steps {
        step.apply_to(&mut schema)?;
    }
    Ok(schema)
}

/// The steps that undo `steps`: each inverted, in reverse order.
pub fn inverse(steps: &[Step]) -> Vec<Step> {
    steps.iter().rev().map(Step::inverse).collect()
}

impl Step {
    /// One line per change, for `--check` reports and reviews, e.g.
    /// "sync_conduit.parallel_transfers: default 3 → 4".
    pub fn describe(&self) -> Vec<String> {
        match self {
            Step::CreateTable(t) => vec![format!("create table `{}`", t.name)],
            Step::DropTable(t) => vec![format!("drop table `{}`", t.name)],
            Step::RenameTable { from, table } => {
                vec![format!("rename table `{from}` to `{}`", table.name)]
            }
            Step::CreateIndex { table, index } => vec![format!(
                "create {}{}index `{}` on {table}({}){}",
                if index.unique { "unique " } else { "" },
                if index.using.is_btree() {
                    String::new()
                } else {
                    format!("{} ", index.using.key())
                },
                index.name,
                index.columns.join(", "),
                index
                    .predicate
                    .as_ref()
                    .map_or_else(String::new, |p| format!(" where {p}"))
            )],
            Step::DropIndex { table, index } => {
                vec![format!("drop index `{}` of `{table}`", index.name)]
            }
            Step::AlterTable { table, changes } => changes
                .iter()
                .flat_map(|change| describe_change(&table.name, change))
                .collect(),
            Step::CreateEnum(e) => vec![format!("create enum `{}` ({})", e.name, e.sql_values())],
            Step::DropEnum(e) => vec![format!("drop enum `{}`", e.name)],
            Step::AlterEnum { from, to } => vec![format!(
                "enum `{}`: ({}) → ({})",
                to.name,
                from.sql_values(),
                to.sql_values()
            )],
        }
    }
}

fn describe_change(table: &str, change: &Change) -> Vec<String> {
    let one = |text: String| vec![text];
    match change {
        Change::AddColumn(c) => one(format!("add column `{table}.{}`", c.name)),
        Change::DropColumn(c) => one(format!("drop column `{table}.{}`", c.name)),
        Change::RenameColumn { from, to } => {
            one(format!("rename column `{table}.{from}` to `{to}`"))
        }
        Change::AlterColumn { from, to } => column_differences(from, to)
            .into_iter()
            .map(|what| format!("{table}.{}: {what}", to.name))
            .collect(),
        Change::AddUnique(u) => one(format!(
            "add unique ({}) on `{table}`",
            u.columns.join(", ")
        )),
        Change::DropUnique(u) => one(format!(
            "drop unique ({}) of `{table}`",
            u.columns.join(", ")
        )),
        Change::AddForeignKey(f) => one(format!(
            "add foreign key `{table}`({}) -> {}({})",
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", ")
        )),
        Change::DropForeignKey(f) => one(format!(
            "drop foreign key `{table}`({}) -> {}({})",
            f.columns.join(", "),
            f.ref_table,
            f.ref_columns.join(", ")
        )),
        Change::AddCheck(c) => one(format!("add check ({}) on `{table}`", c.expr)),
        Change::DropCheck(c) => one(format!("drop check ({}) of `{table}`", c.expr)),
        Change::SetPrimaryKey { from, to } => one(format!(
            "primary key of `{table}`: ({}) → ({})",
            from.join(", "),
            to.join(", ")
        )),
        Change::SetOptions { from, to } => {
            let options = |o: &TableOptions| o.describe();
            one(format!(
                "options of `{table}`: {} → {}",
                options(from),
                options(to)
            ))
        }
    }
}

/// What differs between two definitions of a column, e.g. "default 3 → 4".
pub fn column_differences(from: &Column, to: &Column) -> Vec<String> {
    let mut out = Vec::new();
    if from.ty != to.ty {
        out.push(format!("type {} → {}", from.ty.name(), to.ty.name()));
    }
    if from.sql_type != to.sql_type {
        out.push(format!("SQL type {:?} → {:?}", from.sql_type, to.sql_type));
    }
    if from.enum_type != to.enum_type {
        let values = |e: &Option<EnumType>| match e {
            Some(e) => format!("enum `{}` ({})", e.name, e.sql_values()),
            None => "no enum".to_owned(),
        };
        out.push(format!(
            "{} → {}",
            values(&from.enum_type),
            values(&to.enum_type)
        ));
    }
    if from.nullable != to.nullable {
        let word = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" };
        out.push(format!("{} → {}", word(from.nullable), word(to.nullable)));
    }
    if from.default != to.default {
        let word = |d: &Option<crate::model::DefaultValue>| match d {
            None => "no default".to_owned(),
            Some(value) => format!("default {}", value.literal()),
        };
        out.push(match (&from.default, &to.default) {
            (Some(a), Some(b)) => format!("default {} → {}", a.literal(), b.literal()),
            (a, b) => format!("{} → {}", word(a), word(b)),
        });
    }
    if from.comment != to.comment {
        out.push("comment changed".to_owned());
    }
    if from.collation != to.collation {
        let word = |c: &Option<String>| c.clone().unwrap_or_else(|| "default".to_owned());
        out.push(format!(
            "collation {} → {}",
            word(&from.collation),
            word(&to.collation)
        ));
    }
    if from.on_update_current_timestamp != to.on_update_current_timestamp {
        out.push(format!(
            "on update current_timestamp {} → {}",
            from.on_update_current_timestamp, to.on_update_current_timestamp
        ));
    }
    if from.autoincrement != to.autoincrement {
        out.push(format!(
            "autoincrement {} → {}",
            from.autoincrement, to.autoincrement
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;

    fn entry() -> Table {
        Table::new("entry")
            .with_column(Column::new("id", ColumnType::Integer))
            .with_column(Column::new("name", ColumnType::Text))
            .primary_key(["id"])
    }

    #[test]
    fn an_alter_built_from_its_table_inverts() {
        let step = Step::alter_table(
            &entry(),
            vec![Change::RenameColumn {
                from: "name".into(),
                to: "title".into(),
            }],
        )
        .unwrap();
        assert_eq!(step.check(), Ok(()));
        let Step::AlterTable { table, .. } = step.try_inverse().unwrap() else {
            panic!("the inverse of an alter is an alter");
        };
        assert_eq!(table, entry());
    }

    #[test]
    fn an_alter_whose_changes_disagree_with_its_table_fails_loudly() {
        // The table says `name` was renamed, the change renames a column it lacks.
        let step = Step::AlterTable {
            table: entry(),
            changes: vec![Change::RenameColumn {
                from: "label".into(),
                to: "title".into(),
            }],
        };
        let error = step.try_inverse().unwrap_err();
        assert!(
            error.starts_with("the alter of `entry` does not agree with its own table"),
            "{error}"
        );
        assert!(step.check().is_err());
        let panic = std::panic::catch_unwind(|| step.inverse()).unwrap_err();
        assert_eq!(panic.downcast_ref::<String>(), Some(&error));
    }
}
