//! Migration steps as SQL: the statements each [`Step`] becomes on a backend.
//!
//! Most steps render through sea-query like [`super::create_table`]; SQLite
//! changes that its `ALTER TABLE` cannot express become the table rebuild
//! SQLite documents (create the new table, copy the rows, drop, rename,
//! recreate the indexes). Running them is `migration`'s job.

use crate::model::{Backend, Check, Column, ForeignKey, Table, Unique};
use crate::naming;
use crate::render;
use crate::step::{Change, Step};
use sea_query::{Alias, IntoIden};

/// Whether SQLite must rebuild the table for this step.
pub fn needs_sqlite_rebuild(step: &Step) -> bool {
    match step {
        Step::AlterTable { table, changes } => {
            let before = fsync_schema_model::step::table_before(table, changes)
                .unwrap_or_else(|error| panic!("{error}"));
            changes
                .iter()
                .any(|change| !sqlite_alters(change, &before, table))
        }
        _ => false,
    }
}

/// Whether SQLite's `ALTER TABLE` expresses `change` directly.
fn sqlite_alters(change: &Change, before: &Table, after: &Table) -> bool {
    match change {
        Change::RenameColumn { .. } => true,
        Change::AddColumn(column) => {
            let constant_default = !matches!(
                column.default,
                Some(
                    crate::model::DefaultValue::CurrentTimestamp
                        | crate::model::DefaultValue::Sql(_)
                )
            );
            (column.nullable || column.default.is_some())
                && constant_default
                && !in_any_key(after, &column.name)
        }
        Change::DropColumn(column) => !in_any_key(before, &column.name),
        Change::AlterColumn { from, to } => same_column(before, from, to, Backend::Sqlite),
        Change::SetOptions { from, to } => {
            (from.strict, from.without_rowid) == (to.strict, to.without_rowid)
        }
        _ => false,
    }
}

/// Whether `from` and `to` are the same column on `backend` (they differ in
/// what the backend does not keep, such as an enum's values on SQLite).
fn same_column(table: &Table, from: &Column, to: &Column, backend: Backend) -> bool {
    from.name == to.name && bare_column(table, from, backend) == bare_column(table, to, backend)
}

/// Whether `name` is in the table's primary key, a UNIQUE, a foreign key or an index.
fn in_any_key(table: &Table, name: &str) -> bool {
    let has = |columns: &[String]| columns.iter().any(|c| c == name);
    has(&table.primary_key)
        || table.uniques.iter().any(|u| has(&u.columns))
        || table.foreign_keys.iter().any(|f| has(&f.columns))
        || table.indexes.iter().any(|i| has(&i.columns))
}

fn iden(name: &str) -> sea_query::DynIden {
    Alias::new(name).into_iden()
}

fn quoted(name: &str, backend: Backend) -> String {
    render::quote(name, backend)
}

/// The SQL statements of one step on `backend`, in order.
pub fn statements(step: &Step, backend: Backend) -> Vec<String> {
    match step {
        Step::CreateTable(table) => render::table_statements(table, backend),
        Step::DropTable(table) => vec![render::build(&render::drop_table(&table.name), backend)],
        Step::RenameTable { from, table } => rename_table(from, table, backend),
        Step::CreateIndex { table, index } => vec![render::index_sql(table, index, backend)],
        Step::DropIndex { table, index } => {
            let owner = Table::new(table);
            vec![render::build(&render::drop_index(&owner, index), backend)]
        }
        Step::AlterTable { table, changes } => match backend {
            Backend::Sqlite if needs_sqlite_rebuild(step) => sqlite_rebuild(table, changes),
            _ => changes
                .iter()
                .flat_map(|change| alter_statements(table, change, backend))
                .collect(),
        },
        Step::CreateEnum(enum_type) => match backend {
            Backend::Postgres => vec![render::create_enum(enum_type)],
            _ => Vec::new(),
        },
        Step::DropEnum(enum_type) => match backend {
            Backend::Postgres => vec![render::drop_enum(enum_type)],
            _ => Vec::new(),
        },
        Step::AlterEnum { from, to } => match backend {
            Backend::Postgres => alter_enum(from, to),
            _ => Vec::new(),
        },
    }
}

/// PostgreSQL's `ALTER TYPE .. ADD VALUE` for each value `to` adds to
/// `from`, in place (`IF NOT EXISTS`: safe to run again). Values cannot be
/// dropped or reordered in place; `changes` refuses such a step, and one
/// written by hand fails here with the reason.
fn alter_enum(from: &crate::model::EnumType, to: &crate::model::EnumType) -> Vec<String> {
    let name = render::postgres_name(&to.name);
    let quote = |v: &str| format!("'{}'", v.replace('\'', "''"));
    match from.added_values(to) {
        Some(added) => added
            .into_iter()
            .map(|(value, after)| {
                let place = match after {
                    Some(after) => format!(" AFTER {}", quote(after)),
                    None => to
                        .values
                        .iter()
                        .find(|v| from.values.contains(v))
                        .map_or(String::new(), |first| format!(" BEFORE {}", quote(first))),
                };
                format!(
                    "ALTER TYPE {name} ADD VALUE IF NOT EXISTS {}{place}",
                    quote(value)
                )
            })
            .collect(),
        None => vec![format!(
            "DO $$ BEGIN RAISE EXCEPTION 'enum {} cannot go from ({}) to ({}) in place: PostgreSQL only adds values'; END $$",
            to.name.replace('\'', "''"),
            from.sql_values().replace('\'', "''"),
            to.sql_values().replace('\'', "''")
        )],
    }
}

/// Renames a table, and on PostgreSQL and MySQL the constraints whose names
/// derive from the table's name, so that later steps find them by name.
fn rename_table(from: &str, table: &Table, backend: Backend) -> Vec<String> {
    let mut out = vec![render::build(
        &sea_query::Table::rename()
            .table(iden(from), iden(&table.name))
            .to_owned(),
        backend,
    )];
    let old = Table {
        name: from.to_owned(),
        ..table.clone()
    };
    let t = quoted(&table.name, backend);
    let q = |name: &str| quoted(name, backend);
    match backend {
        Backend::Sqlite => {}
        Backend::Postgres => {
            let mut renames: Vec<(String, String)> = naming::primary_key(from, backend)
                .zip(naming::primary_key(&table.name, backend))
                .into_iter()
                .collect();
            for unique in table.uniques.iter().filter(|u| u.name.is_none()) {
                renames.push((
                    unique_name(&old, unique, backend),
                    unique_name(table, unique, backend),
                ));
            }
            for fk in table.foreign_keys.iter().filter(|f| f.name.is_none()) {
                renames.push((
                    naming::foreign_key(from, fk),
                    naming::foreign_key(&table.name, fk),
                ));
            }
            for check in table.checks.iter().filter(|c| c.name.is_none()) {
                renames.push((check_name(&old, check), check_name(table, check)));
            }
            out.extend(
                renames.into_iter().map(|(a, b)| {
                    format!("ALTER TABLE {t} RENAME CONSTRAINT {} TO {}", q(&a), q(&b))
                }),
            );
        }
        Backend::MySql => {
            // MySQL renames no constraint: drop and add again under the new name.
            for fk in table.foreign_keys.iter().filter(|f| f.name.is_none()) {
                let (old_name, new_name) = (
                    q(&naming::foreign_key(from, fk)),
                    q(&naming::foreign_key(&table.name, fk)),
                );
                out.push(format!("ALTER TABLE {t} DROP FOREIGN KEY {old_name}"));
                out.push(format!(
                    "ALTER TABLE {t} RENAME KEY {old_name} TO {new_name}"
                ));
                out.push(render::build(
                    &render::foreign_key_create(table, fk, backend),
                    backend,
                ));
            }
            for check in table.checks.iter().filter(|c| c.name.is_none()) {
                out.push(format!(
                    "ALTER TABLE {t} DROP CONSTRAINT {}, ADD CONSTRAINT {} CHECK ({})",
                    q(&check_name(&old, check)),
                    q(&check_name(table, check)),
                    check.expr
                ));
            }
        }
    }
    out
}

/// A column definition for `ALTER TABLE`: keys and UNIQUE come as their own changes.
fn bare_column(table: &Table, column: &Column, backend: Backend) -> String {
    let mut bare = Table::new(&table.name);
    bare.columns.push(column.clone());
    let def = render::column_def(&bare, column, backend);
    let sql = render::build(
        &sea_query::Table::alter()
            .table(iden(&table.name))
            .add_column(def)
            .to_owned(),
        backend,
    );
    // `ALTER TABLE "t" ADD COLUMN <definition>`: keep the definition.
    sql.split_once(" ADD COLUMN ")
        .map_or(sql.clone(), |(_, column)| column.to_owned())
}

/// The constraint name of `unique` on `backend` (see [`naming::unique`]).
fn unique_name(table: &Table, unique: &Unique, backend: Backend) -> String {
    naming::unique(table, unique, backend)
}

/// The constraint name of a CHECK (see [`naming::check`]).
pub fn check_name(table: &Table, check: &Check) -> String {
    naming::check(&table.name, check)
}

fn alter_statements(table: &Table, change: &Change, backend: Backend) -> Vec<String> {
    let t = quoted(&table.name, backend);
    let q = |name: &str| quoted(name, backend);
    let alter = |rest: String| format!("ALTER TABLE {t} {rest}");
    match change {
        Change::AddColumn(column) => vec![alter(format!(
            "ADD COLUMN {}",
            bare_column(table, column, backend)
        ))],
        Change::DropColumn(column) => vec![alter(format!("DROP COLUMN {}", q(&column.name)))],
        Change::RenameColumn { from, to } => {
            vec![alter(format!("RENAME COLUMN {} TO {}", q(from), q(to)))]
        }
        Change::AlterColumn { from, to } => alter_column(table, from, to, backend),
        Change::AddUnique(unique) => vec![alter(format!(
            "ADD CONSTRAINT {} UNIQUE ({})",
            q(&unique_name(table, unique, backend)),
            unique
                .columns
                .iter()
                .map(|c| q(c))
                .collect::<Vec<_>>()
                .join(", ")
        ))],
        Change::DropUnique(unique) => {
            let name = q(&unique_name(table, unique, backend));
            match backend {
                Backend::MySql => vec![alter(format!("DROP INDEX {name}"))],
                _ => vec![alter(format!("DROP CONSTRAINT {name}"))],
            }
        }
        Change::AddForeignKey(fk) => add_foreign_key(table, fk, backend),
        Change::DropForeignKey(fk) => {
            let name = q(&naming::foreign_key(&table.name, fk));
            match backend {
                Backend::MySql => vec![
                    alter(format!("DROP FOREIGN KEY {name}")),
                    alter(format!("DROP KEY {name}")),
                ],
                _ => vec![alter(format!("DROP CONSTRAINT {name}"))],
            }
        }
        Change::AddCheck(check) => vec![alter(format!(
            "ADD CONSTRAINT {} CHECK ({})",
            q(&check_name(table, check)),
            check.expr
        ))],
        Change::DropCheck(check) => {
            vec![alter(format!(
                "DROP CONSTRAINT {}",
                q(&check_name(table, check))
            ))]
        }
        // SQLite rebuilds the table; MySQL converts its text columns to the
        // table's new collation; PostgreSQL has no table options.
        Change::SetOptions { from, to }
            if backend == Backend::MySql && from.collation != to.collation =>
        {
            match &to.collation {
                Some(collation) => {
                    let charset = collation.split('_').next().unwrap_or(collation);
                    vec![alter(format!(
                        "CONVERT TO CHARACTER SET {charset} COLLATE {collation}"
                    ))]
                }
                // Back to the database's default.
                None => vec![format!("ALTER TABLE {t} CONVERT TO CHARACTER SET DEFAULT")],
            }
        }
        Change::SetOptions { from, to }
            if from.comment != to.comment && backend != Backend::Sqlite =>
        {
            vec![render::table_comment(
                &table.name,
                to.comment.as_deref(),
                backend,
            )]
        }
        Change::SetOptions { .. } => Vec::new(),
        Change::SetPrimaryKey { from, to } => {
            let mut out = Vec::new();
            if !from.is_empty() {
                out.push(match naming::primary_key(&table.name, backend) {
                    Some(name) => alter(format!("DROP CONSTRAINT {}", q(&name))),
                    None => alter("DROP PRIMARY KEY".to_owned()),
                });
            }
            if !to.is_empty() {
                let columns: Vec<String> = to.iter().map(|c| q(c)).collect();
                out.push(alter(format!("ADD PRIMARY KEY ({})", columns.join(", "))));
            }
            out
        }
    }
}

/// `ALTER TABLE .. ADD CONSTRAINT .. FOREIGN KEY` for `fk` of `table`
/// (PostgreSQL, MySQL), on MySQL after the explicit index that
/// [`render::create_table`] also gives a foreign key.
pub fn add_foreign_key(table: &Table, fk: &ForeignKey, backend: Backend) -> Vec<String> {
    let add = render::build(&render::foreign_key_create(table, fk, backend), backend);
    if backend != Backend::MySql {
        return vec![add];
    }
    let q = |name: &str| quoted(name, backend);
    let columns: Vec<String> = fk.columns.iter().map(|c| q(c)).collect();
    let name = q(&naming::foreign_key(&table.name, fk));
    vec![
        format!(
            "ALTER TABLE {} ADD KEY {name} ({})",
            q(&table.name),
            columns.join(", ")
        ),
        add,
    ]
}

fn alter_column(table: &Table, from: &Column, to: &Column, backend: Backend) -> Vec<String> {
    // SQLite reaches here only for a change it renders the same (or a
    // comment, which it does not keep).
    if backend == Backend::Sqlite
        || (same_column(table, from, to, backend) && from.comment == to.comment)
    {
        return Vec::new();
    }
    let t = quoted(&table.name, backend);
    let c = quoted(&to.name, backend);
    let mut out = Vec::new();
    if let (true, false, Some(value)) = (from.nullable, to.nullable, &to.default) {
        // Rows holding NULL take the default before the column becomes NOT NULL.
        let value = render::default_sql(value, to.ty, backend);
        out.push(format!("UPDATE {t} SET {c} = {value} WHERE {c} IS NULL"));
    }
    if backend == Backend::MySql {
        out.push(format!(
            "ALTER TABLE {t} MODIFY COLUMN {}",
            bare_column(table, to, backend)
        ));
        return out;
    }
    let alter = |rest: String| format!("ALTER TABLE {t} ALTER COLUMN {c} {rest}");
    let (old_type, new_type) = (
        render::sql_type(from, backend),
        render::sql_type(to, backend),
    );
    if old_type != new_type || from.collation != to.collation {
        let typed = render::typed_with_collation(&new_type, to, backend);
        out.push(alter(format!("TYPE {typed} USING {c}::{new_type}")));
    }
    if from.nullable != to.nullable {
        out.push(alter(
            if to.nullable {
                "DROP NOT NULL"
            } else {
                "SET NOT NULL"
            }
            .to_owned(),
        ));
    }
    if from.default != to.default {
        out.push(match &to.default {
            Some(value) => alter(format!(
                "SET DEFAULT {}",
                render::default_sql(value, to.ty, backend)
            )),
            None => alter("DROP DEFAULT".to_owned()),
        });
    }
    if from.comment != to.comment {
        out.push(render::column_comment(
            &table.name,
            &to.name,
            to.comment.as_deref(),
            backend,
        ));
    }
    if from.autoincrement != to.autoincrement {
        out.push(alter(if to.autoincrement {
            "ADD GENERATED BY DEFAULT AS IDENTITY".to_owned()
        } else {
            "DROP IDENTITY IF EXISTS".to_owned()
        }));
    }
    out
}

/// SQLite's twelve-step table rebuild, the part that runs in a transaction:
/// create the new table, copy every row, drop the old one, rename, recreate
/// the indexes. `apply` then runs `PRAGMA foreign_key_check`.
fn sqlite_rebuild(after: &Table, changes: &[Change]) -> Vec<String> {
    let backend = Backend::Sqlite;
    let temporary = format!("__fsync_new_{}", after.name);
    let mut new_table = after.clone();
    // Names as the table will be called, not after the temporary name.
    for unique in &mut new_table.uniques {
        unique.name = Some(naming::unique(after, unique, backend));
    }
    // Unnamed CHECKs stay unnamed on SQLite (see `render::create_table`).
    new_table.name = temporary.clone();
    let create = render::build(&render::create_table(&new_table, backend), backend);

    let mut targets = Vec::new();
    let mut sources = Vec::new();
    for column in &after.columns {
        let added = changes
            .iter()
            .any(|c| matches!(c, Change::AddColumn(added) if added.name == column.name));
        if added {
            continue;
        }
        let old_name = changes
            .iter()
            .find_map(|c| match c {
                Change::RenameColumn { from, to } if *to == column.name => Some(from.as_str()),
                _ => None,
            })
            .unwrap_or(&column.name);
        let became_required = changes.iter().any(|c| {
            matches!(c, Change::AlterColumn { from, to } if to.name == column.name && from.nullable && !to.nullable)
        });
        let source = match (&column.default, became_required) {
            (Some(value), true) => format!(
                "COALESCE({}, {})",
                quoted(old_name, backend),
                render::default_sql(value, column.ty, backend)
            ),
            _ => quoted(old_name, backend),
        };
        targets.push(quoted(&column.name, backend));
        sources.push(source);
    }
    let table = quoted(&after.name, backend);
    let mut out = vec![
        create,
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM {table}",
            quoted(&temporary, backend),
            targets.join(", "),
            sources.join(", ")
        ),
        format!("DROP TABLE {table}"),
        format!(
            "ALTER TABLE {} RENAME TO {table}",
            quoted(&temporary, backend)
        ),
    ];
    out.extend(render::index_statements(after, backend));
    out
}

/// Every statement of `steps` on `backend`, for review and tests.
pub fn script(steps: &[Step], backend: Backend) -> Vec<String> {
    steps
        .iter()
        .flat_map(|step| statements(step, backend))
        .collect()
}
