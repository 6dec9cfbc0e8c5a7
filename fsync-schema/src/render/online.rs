//! PostgreSQL changes that do not block writes (the "online" plan), in the
//! manner of strong_migrations and Rails' `algorithm: :concurrently`:
//!
//! - an index on a table that existed before the migration is built with
//!   `CREATE INDEX CONCURRENTLY IF NOT EXISTS`, outside the migration's
//!   transaction (an invalid index left by an interrupted build is dropped and
//!   built again);
//! - a UNIQUE constraint added to an existing table gets its index the same
//!   way (`CREATE UNIQUE INDEX CONCURRENTLY`), then becomes the constraint by
//!   `ADD CONSTRAINT .. UNIQUE USING INDEX` (a brief lock, no scan, under
//!   `lock_timeout`);
//! - a foreign key or CHECK added to an existing table is added `NOT VALID`
//!   inside the transaction (a brief lock, no scan), then checked by
//!   `VALIDATE CONSTRAINT` outside it (which lets writes go on);
//! - the transactional part starts with `SET LOCAL lock_timeout`, so DDL that
//!   waits for a busy table fails (and rolls back) instead of queueing every
//!   write behind it.
//!
//! Only PostgreSQL uses this plan; other backends run the plain statements.

use super::steps::{check_name, statements};
use crate::model::{Backend, Index, Table, Unique};
use crate::naming;
use crate::step::{Change, Step};
use std::collections::BTreeSet;

/// The online plan's settings, written into a generated migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Online {
    /// PostgreSQL's `lock_timeout` for the DDL, e.g. "5s" or "500ms".
    pub lock_timeout: &'static str,
}

/// Whether `text` is a PostgreSQL duration for `lock_timeout`: digits with an
/// optional unit `ms`, `s` or `min`.
pub fn valid_lock_timeout(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && ["", "ms", "s", "min"].contains(&unit)
}

/// The tables that the migration's steps create (they hold no rows yet).
fn created(steps: &[Step]) -> BTreeSet<&str> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::CreateTable(t) => Some(t.name.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether generated step `position` is an index on an existing table, built
/// concurrently outside the transaction.
pub fn is_deferred(steps: &[Step], position: usize) -> bool {
    matches!(&steps[position], Step::CreateIndex { table, .. } if !created(steps).contains(table.as_str()))
}

/// Whether `change` of an existing table is left to the part outside the
/// transaction altogether (a UNIQUE constraint, built from its index there).
fn is_deferred_change(change: &Change) -> bool {
    matches!(change, Change::AddUnique(_))
}

/// Work that runs outside the transaction, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Concurrent {
    /// An index built concurrently; `create` is its `CREATE INDEX CONCURRENTLY IF NOT EXISTS`.
    Index { name: String, create: String },
    /// A UNIQUE constraint on an existing table: `create` builds its index
    /// concurrently (`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS`), then
    /// `attach` (`ALTER TABLE .. ADD CONSTRAINT .. UNIQUE USING INDEX ..`)
    /// makes it the constraint, in a short transaction under `lock_timeout`.
    /// Skipped when the constraint exists (`exists` returns a row).
    Unique {
        name: String,
        create: String,
        attach: String,
        exists: String,
    },
    /// `ALTER TABLE .. VALIDATE CONSTRAINT ..` of a constraint added `NOT VALID`.
    Validate(String),
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn create_concurrently(table: &str, index: &Index) -> String {
    crate::render::index_sql_with(
        table,
        index,
        Backend::Postgres,
        "CONCURRENTLY IF NOT EXISTS",
    )
}

/// The work for UNIQUE `unique` added to existing table `table`.
fn unique_work(table: &Table, unique: &Unique) -> Concurrent {
    let name = naming::unique(table, unique, Backend::Postgres);
    let index = Index {
        name: name.clone(),
        columns: unique.columns.clone(),
        unique: true,
        prefixes: Default::default(),
        ..Default::default()
    };
    Concurrent::Unique {
        create: create_concurrently(&table.name, &index),
        attach: format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
            q(&table.name),
            q(&name),
            q(&name)
        ),
        exists: format!(
            "SELECT 1 FROM pg_constraint WHERE conname = '{}' AND contype = 'u' \
             AND connamespace = current_schema()::regnamespace",
            name.replace('\'', "''")
        ),
        name,
    }
}

/// `DROP INDEX CONCURRENTLY IF EXISTS`, for an invalid index and for `down`.
pub fn drop_concurrently(name: &str) -> String {
    format!("DROP INDEX CONCURRENTLY IF EXISTS {}", q(name))
}

/// The query that finds an invalid index `name` (left by an interrupted
/// concurrent build) in the current schema; it returns a row if there is one.
pub fn invalid_index_query(name: &str) -> String {
    format!(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = '{}' AND c.relnamespace = current_schema()::regnamespace AND NOT i.indisvalid",
        name.replace('\'', "''")
    )
}

/// The statements of generated step `position` inside the transaction, on
/// PostgreSQL with the online plan, for `up`: nothing for a deferred index or
/// UNIQUE, `NOT VALID` on foreign keys and CHECKs added to existing tables.
pub fn transactional_statements(steps: &[Step], position: usize) -> Vec<String> {
    let step = &steps[position];
    if is_deferred(steps, position) {
        return Vec::new();
    }
    let Step::AlterTable { table, changes } = step else {
        return statements(step, Backend::Postgres);
    };
    if created(steps).contains(table.name.as_str()) {
        return statements(step, Backend::Postgres);
    }
    changes
        .iter()
        .filter(|change| !is_deferred_change(change))
        .flat_map(|change| {
            let one = Step::AlterTable {
                table: table.clone(),
                changes: vec![change.clone()],
            };
            let mut sql = statements(&one, Backend::Postgres);
            if matches!(change, Change::AddForeignKey(_) | Change::AddCheck(_)) {
                sql.iter_mut().for_each(|s| s.push_str(" NOT VALID"));
            }
            sql
        })
        .collect()
}

/// What runs outside the transaction for `up`, in step order.
pub fn concurrent_work(steps: &[Step]) -> Vec<Concurrent> {
    let created = created(steps);
    let mut out = Vec::new();
    for step in steps {
        match step {
            Step::CreateIndex { table, index } if !created.contains(table.as_str()) => {
                out.push(Concurrent::Index {
                    name: index.name.clone(),
                    create: create_concurrently(table, index),
                });
            }
            Step::AlterTable { table, changes } if !created.contains(table.name.as_str()) => {
                for change in changes {
                    let name = match change {
                        Change::AddForeignKey(fk) => fk.constraint_name(&table.name),
                        Change::AddCheck(check) => check_name(table, check),
                        Change::AddUnique(unique) => {
                            out.push(unique_work(table, unique));
                            continue;
                        }
                        _ => continue,
                    };
                    out.push(Concurrent::Validate(format!(
                        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                        q(&table.name),
                        q(&name)
                    )));
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether any step changes a table that existed before the migration (its
/// DDL then runs under `lock_timeout`).
pub fn touches_existing_tables(steps: &[Step]) -> bool {
    let created = created(steps);
    steps
        .iter()
        .filter(|s| s.enum_type().is_none())
        .any(|s| !created.contains(s.table_name()))
}

/// Whether the steps have work outside the transaction (a generated migration
/// then gets its `Concurrently` part).
pub fn has_concurrent_work(steps: &[Step]) -> bool {
    !concurrent_work(steps).is_empty()
}

/// The transactional part for `up`, as run inside the migration's
/// transaction: `SET LOCAL lock_timeout`, then each step's statements.
pub fn transactional_script(steps: &[Step], online: &Online) -> Vec<String> {
    let mut out = vec![format!(
        "SET LOCAL lock_timeout = '{}'",
        online.lock_timeout
    )];
    out.extend((0..steps.len()).flat_map(|i| transactional_statements(steps, i)));
    out
}

/// The part outside the transaction for `up`, for review and dry runs.
/// These locks let writes go on, so they may wait (no `lock_timeout`), but
/// for the brief one that makes an index a UNIQUE constraint.
pub fn concurrent_script(steps: &[Step], online: &Online) -> Vec<String> {
    concurrent_work(steps)
        .into_iter()
        .map(|work| match work {
            Concurrent::Index { name, create } => format!(
                "-- if an invalid `{name}` is left: {}\n{create}",
                drop_concurrently(&name)
            ),
            Concurrent::Unique {
                name,
                create,
                attach,
                ..
            } => format!(
                "-- unless constraint `{name}` exists; if an invalid index `{name}` is left: {}\n{create};\n\
                 BEGIN;\nSET LOCAL lock_timeout = '{}';\n{attach};\nCOMMIT",
                drop_concurrently(&name),
                online.lock_timeout
            ),
            Concurrent::Validate(sql) => sql,
        })
        .collect()
}

/// The whole online plan for `up` as PostgreSQL runs it, for review: the
/// transaction, then the statements outside it.
pub fn script(steps: &[Step], online: &Online) -> Vec<String> {
    let mut out = vec!["BEGIN".to_owned()];
    out.extend(transactional_script(steps, online));
    out.push("COMMIT".to_owned());
    out.extend(concurrent_script(steps, online));
    out
}

/// The statements that undo generated step `position` in the transactional
/// part's `down`. What the part outside the transaction built may be missing
/// (it failed, or never ran) or already gone (its own `down` ran first), so
/// indexes and UNIQUE constraints of existing tables are dropped `IF EXISTS`.
pub fn down_statements(steps: &[Step], position: usize) -> Vec<String> {
    let step = &steps[position];
    if let (true, Step::CreateIndex { index, .. }) = (is_deferred(steps, position), step) {
        return vec![format!("DROP INDEX IF EXISTS {}", q(&index.name))];
    }
    let inverse = step.inverse();
    match &inverse {
        Step::AlterTable { table, changes } if !created(steps).contains(table.name.as_str()) => {
            changes
                .iter()
                .flat_map(|change| match change {
                    Change::DropUnique(unique) => {
                        let name = q(&naming::unique(table, unique, Backend::Postgres));
                        vec![
                            format!(
                                "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {name}",
                                q(&table.name)
                            ),
                            format!("DROP INDEX IF EXISTS {name}"),
                        ]
                    }
                    _ => statements(
                        &Step::AlterTable {
                            table: table.clone(),
                            changes: vec![change.clone()],
                        },
                        Backend::Postgres,
                    ),
                })
                .collect()
        }
        _ => statements(&inverse, Backend::Postgres),
    }
}

/// The transactional part's `down`, for dry runs.
pub fn down_script(steps: &[Step], online: &Online) -> Vec<String> {
    let mut out = vec![format!(
        "SET LOCAL lock_timeout = '{}'",
        online.lock_timeout
    )];
    out.extend(
        (0..steps.len())
            .rev()
            .flat_map(|i| down_statements(steps, i)),
    );
    out
}

/// The `down` of the part outside the transaction: `DROP INDEX CONCURRENTLY
/// IF EXISTS` of each index it built, newest first.
pub fn concurrent_down_script(steps: &[Step]) -> Vec<String> {
    (0..steps.len())
        .rev()
        .filter_map(|position| match &steps[position] {
            Step::CreateIndex { index, .. } if is_deferred(steps, position) => {
                Some(drop_concurrently(&index.name))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Check, Column, ColumnType, ForeignKey, Table};

    fn parent() -> Table {
        Table::new("parent")
            .with_column(Column::new("id", ColumnType::Integer))
            .primary_key(["id"])
    }

    #[test]
    fn existing_tables_get_concurrent_indexes_and_not_valid_constraints() {
        let mut item = Table::new("item")
            .with_column(Column::new("id", ColumnType::Integer))
            .with_column(Column::new("parent_id", ColumnType::Integer))
            .primary_key(["id"]);
        let fk = ForeignKey::new(["parent_id"], "parent", ["id"]);
        item.foreign_keys.push(fk.clone());
        item.checks.push(Check::new("id > 0"));
        item.uniques.push(Unique::new(["parent_id", "id"]));
        let steps = vec![
            Step::CreateTable(parent()),
            Step::AlterTable {
                table: item.clone(),
                changes: vec![
                    Change::AddForeignKey(fk),
                    Change::AddCheck(Check::new("id > 0")),
                    Change::AddUnique(Unique::new(["parent_id", "id"])),
                ],
            },
            Step::CreateIndex {
                table: "item".into(),
                index: Index::new("idx_item_parent", ["parent_id"]),
            },
            Step::CreateIndex {
                table: "parent".into(),
                index: Index::new("idx_parent_id", ["id"]),
            },
        ];
        let plan = script(&steps, &Online { lock_timeout: "2s" });
        let text = plan.join(";\n");
        insta::assert_snapshot!(text);
        assert!(is_deferred(&steps, 2));
        assert!(
            !is_deferred(&steps, 3),
            "a new table has no rows to wait for"
        );
        assert!(has_concurrent_work(&steps));
        assert!(!has_concurrent_work(&steps[..1]));
    }

    #[test]
    fn lock_timeouts() {
        for ok in ["5s", "500ms", "2min", "100"] {
            assert!(valid_lock_timeout(ok), "{ok}");
        }
        for bad in ["", "s", "5 s", "5h", "-1s", "5s'; DROP"] {
            assert!(!valid_lock_timeout(bad), "{bad}");
        }
    }
}
