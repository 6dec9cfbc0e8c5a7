//! Crash recovery where DDL is not transactional (MySQL/MariaDB).
//!
//! Each DDL statement commits on its own, so a runner killed half-way
//! through a migration leaves some of its tables behind and no record. The
//! journal (`fsync_schema_journal`, one row per migration in progress) says
//! how far the migration got: it is written before the first statement and
//! after each one, and deleted once the migration's record is written. The
//! next runner, holding the lock, finds the row and repairs the database
//! (`recover`): when every step ran it writes the missing record; else it
//! undoes the steps that ran, newest first, so the migration can run again.
//! A row that says every step ran while the database lacks what they build
//! (tables, columns) is not turned into a record: the runner refuses and
//! names what is missing.
//!
//! `fresh` is journaled the same way, under the name [`FRESH`]: a runner
//! killed while it drops the migrations' tables leaves the row, and the next
//! runner finishes the drops (and clears the records) before anything else.

use super::Direction;
use super::records::{self, execute, quoted, table_exists};
use super::runner::MigrateError;
use crate::model::Backend;
use crate::step::Step;
use sea_orm::{ConnectionTrait, DbErr};

/// The journal table.
pub const JOURNAL: &str = crate::RUNNER_TABLES[1];

/// The journal's name for a `fresh` in progress (no migration is named so).
pub const FRESH: &str = "(fresh)";

/// A migration caught half-way, as the journal recorded it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// The migration's name.
    pub version: String,
    /// `up`, `down`, or `fresh` (for the row named [`FRESH`]).
    pub direction: String,
    /// Steps run to the end; the next one may have started.
    pub steps_done: u32,
    /// Statements of the next step that ran.
    pub statements_done: u32,
    /// When the run started, in seconds since the Unix epoch.
    pub started_at: i64,
}

impl Entry {
    fn direction(&self) -> Direction {
        if self.direction == "down" {
            Direction::Down
        } else {
            Direction::Up
        }
    }
}

/// How a half-run migration was repaired.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Recovery {
    /// The migration's name.
    pub migration: String,
    /// `up` or `down`: what the killed runner was doing.
    pub direction: String,
    /// `finished` (every step had run; the record was written) or
    /// `undone` (the steps that ran were undone).
    pub outcome: String,
}

/// The journal table, quoted for the connection's backend.
fn t(db: &impl ConnectionTrait) -> String {
    quoted(JOURNAL, records::backend_of(db))
}

/// The journal's rows, read-only: none when the table does not exist, and
/// none but on MySQL, the one backend that keeps a journal (a table of that
/// name elsewhere is someone else's).
pub async fn read(db: &impl ConnectionTrait) -> Result<Vec<Entry>, DbErr> {
    if records::backend_of(db) != Backend::MySql || !table_exists(db, JOURNAL).await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT version, direction, steps_done, statements_done, started_at FROM {} ORDER BY version",
        t(db)
    );
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await?
    .into_iter()
    .map(|row| {
        Ok(Entry {
            version: row.try_get_by_index(0)?,
            direction: row.try_get_by_index(1)?,
            steps_done: row.try_get_by_index::<i32>(2)? as u32,
            statements_done: row.try_get_by_index::<i32>(3)? as u32,
            started_at: row.try_get_by_index(4)?,
        })
    })
    .collect()
}

/// Creates the journal table if missing.
pub async fn install(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    execute(
        db,
        &format!(
            "CREATE TABLE IF NOT EXISTS {} (version varchar(255) NOT NULL PRIMARY KEY, \
             direction varchar(8) NOT NULL, steps_done int NOT NULL, \
             statements_done int NOT NULL, started_at bigint NOT NULL)",
            t(db)
        ),
    )
    .await
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

async fn start(db: &impl ConnectionTrait, name: &str, direction: &str) -> Result<(), DbErr> {
    execute(
        db,
        &format!(
            "REPLACE INTO {} (version, direction, steps_done, statements_done, started_at) \
             VALUES ({}, '{direction}', 0, 0, {})",
            t(db),
            literal(name),
            records::now()
        ),
    )
    .await
}

async fn advance(
    db: &impl ConnectionTrait,
    name: &str,
    steps_done: usize,
    statements_done: usize,
) -> Result<(), DbErr> {
    execute(
        db,
        &format!(
            "UPDATE {} SET steps_done = {steps_done}, statements_done = {statements_done} WHERE version = {}",
            t(db),
            literal(name)
        ),
    )
    .await
}

async fn finish(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    execute(
        db,
        &format!("DELETE FROM {} WHERE version = {}", t(db), literal(name)),
    )
    .await
}

/// The steps as run in `direction`: `Down` runs the inverses, newest first.
fn oriented(steps: &[Step], direction: Direction) -> Vec<Step> {
    match direction {
        Direction::Up => steps.to_vec(),
        Direction::Down => crate::step::inverse(steps),
    }
}

/// Runs one migration's steps on MySQL, journaled, and writes (or, going
/// down, deletes) its record. On a failing statement the steps that ran are
/// undone and the error names the statement.
pub(crate) async fn run(
    db: &impl ConnectionTrait,
    name: &str,
    steps: &[Step],
    direction: Direction,
) -> Result<(), MigrateError> {
    let context = |what: &str| format!("{what} the journal of `{name}`");
    let word = if direction == Direction::Up {
        "up"
    } else {
        "down"
    };
    start(db, name, word)
        .await
        .map_err(|e| MigrateError::db(&context("starting"), None, e))?;
    let steps = oriented(steps, direction);
    for (position, step) in steps.iter().enumerate() {
        let statements = super::statements(step, Backend::MySql);
        for (done, sql) in statements.iter().enumerate() {
            let guarded = match done {
                0 => super::refuse_implicit_fill(db, step).await,
                _ => Ok(()),
            };
            let result = match guarded {
                Ok(()) => execute(db, sql).await.map_err(|e| super::runner::clean(&e)),
                Err(refusal) => Err(refusal),
            };
            if let Err(message) = result {
                // The failing statement did not run: a step that failed on
                // its first statement is not undone (what it would drop may
                // be someone else's table of the same name).
                let last = if done == 0 {
                    position.checked_sub(1)
                } else {
                    Some(position)
                };
                undo(db, name, &steps, last).await;
                let _ = finish(db, name).await;
                return Err(MigrateError::Statement {
                    migration: name.to_owned(),
                    step: format!("step {} ({})", position + 1, step.describe().join("; ")),
                    statement: sql.clone(),
                    message,
                });
            }
            let (steps_done, statements_done) = if done + 1 == statements.len() {
                (position + 1, 0)
            } else {
                (position, done + 1)
            };
            advance(db, name, steps_done, statements_done)
                .await
                .map_err(|e| MigrateError::db(&context("advancing"), None, e))?;
        }
    }
    let record = match direction {
        Direction::Up => records::insert_sql(Backend::MySql, name),
        Direction::Down => records::delete_sql(Backend::MySql, name),
    };
    execute(db, &record)
        .await
        .map_err(|e| MigrateError::db("recording the migration", Some(&record), e))?;
    finish(db, name)
        .await
        .map_err(|e| MigrateError::db(&context("closing"), None, e))
}

/// Undoes `steps[..=last]`, newest first. The last step may have run in
/// part (or, after a kill, not at all): failures of its inverse are
/// expected and ignored; so are those of steps a killed recovery already
/// undid.
async fn undo(db: &impl ConnectionTrait, name: &str, steps: &[Step], last: Option<usize>) {
    let Some(last) = last else {
        return;
    };
    let last = last.min(steps.len().saturating_sub(1));
    for position in (0..=last).rev() {
        for sql in super::statements(&steps[position].inverse(), Backend::MySql) {
            let _ = execute(db, &sql).await;
        }
        let _ = advance(db, name, position, 0).await;
    }
}

/// Runs `fresh`'s drops on MySQL, journaled under [`FRESH`]: each table of
/// `drops` (dependants first), then every record. A runner killed half-way
/// leaves the row, and the next one finishes the drops ([`recover`]).
pub(crate) async fn run_fresh(
    db: &impl ConnectionTrait,
    drops: &[String],
) -> Result<(), MigrateError> {
    start(db, FRESH, "fresh")
        .await
        .map_err(|e| MigrateError::db("starting the journal of `fresh`", None, e))?;
    finish_fresh(db, drops).await
}

/// The drops of `fresh` (what is left of them), the records, then the row.
async fn finish_fresh(db: &impl ConnectionTrait, drops: &[String]) -> Result<(), MigrateError> {
    for (done, table) in drops.iter().enumerate() {
        let sql = format!("DROP TABLE IF EXISTS {}", quoted(table, Backend::MySql));
        execute(db, &sql)
            .await
            .map_err(|e| MigrateError::db("fresh: dropping", Some(&sql), e))?;
        advance(db, FRESH, done + 1, 0)
            .await
            .map_err(|e| MigrateError::db("advancing the journal of `fresh`", None, e))?;
    }
    let clear = format!("DELETE FROM {}", quoted(records::RECORDS, Backend::MySql));
    execute(db, &clear)
        .await
        .map_err(|e| MigrateError::db("fresh: clearing the records", Some(&clear), e))?;
    finish(db, FRESH)
        .await
        .map_err(|e| MigrateError::db("closing the journal of `fresh`", None, e))
}

/// What the database holds once some steps have all run: each table, or
/// column (`table`, `Some(column)`), present (`true`) or gone (`false`).
pub(crate) fn expected_after(
    steps: &[Step],
) -> std::collections::BTreeMap<(String, Option<String>), bool> {
    use crate::step::Change;
    let mut out = std::collections::BTreeMap::new();
    let table_is =
        |out: &mut std::collections::BTreeMap<_, _>, table: &crate::model::Table, present: bool| {
            out.retain(|(t, column): &(String, Option<String>), _| {
                !(t == &table.name && column.is_some())
            });
            out.insert((table.name.clone(), None), present);
            if present {
                for column in &table.columns {
                    out.insert((table.name.clone(), Some(column.name.clone())), true);
                }
            }
        };
    for step in steps {
        match step {
            Step::CreateTable(table) => table_is(&mut out, table, true),
            Step::DropTable(table) => table_is(&mut out, table, false),
            Step::RenameTable { from, table } => {
                let old = crate::model::Table::new(from);
                table_is(&mut out, &old, false);
                table_is(&mut out, table, true);
            }
            Step::AlterTable { table, changes } => {
                for change in changes {
                    let mut column = |name: &str, present: bool| {
                        out.insert((table.name.clone(), Some(name.to_owned())), present);
                    };
                    match change {
                        Change::AddColumn(c) => column(&c.name, true),
                        Change::DropColumn(c) => column(&c.name, false),
                        Change::RenameColumn { from, to } => {
                            column(from, false);
                            column(to, true);
                        }
                        _ => {}
                    }
                }
            }
            // Indexes and MySQL's column enums leave no table or column behind.
            Step::CreateIndex { .. }
            | Step::DropIndex { .. }
            | Step::CreateEnum(_)
            | Step::DropEnum(_)
            | Step::AlterEnum { .. } => {}
        }
    }
    out
}

/// How the database differs from what `steps` leave behind, one line each
/// (`table `entry` is missing`); empty when it holds what they build.
pub(crate) async fn differences_after(
    db: &impl ConnectionTrait,
    steps: &[Step],
) -> Result<Vec<String>, DbErr> {
    let mut out = Vec::new();
    for ((table, column), present) in expected_after(steps) {
        let (found, what) = match &column {
            None => (table_exists(db, &table).await?, format!("table `{table}`")),
            Some(column) => (
                records::column_exists(db, &table, column).await?,
                format!("column `{table}.{column}`"),
            ),
        };
        if found != present {
            out.push(match present {
                true => format!("{what} is missing"),
                false => format!("{what} is still there"),
            });
        }
    }
    Ok(out)
}

/// Repairs every migration the journal shows half-run, and a `fresh` left
/// half-done (its drops are finished: `fresh_drops` gives them, when the
/// runner knows what the migrations build). The caller holds the migration
/// lock. `steps_of` gives a migration's steps.
pub(crate) async fn recover<'a>(
    db: &impl ConnectionTrait,
    steps_of: impl Fn(&str) -> Option<&'a [Step]>,
    fresh_drops: impl Fn() -> Result<Vec<String>, MigrateError>,
) -> Result<Vec<Recovery>, MigrateError> {
    let entries = read(db)
        .await
        .map_err(|e| MigrateError::db("reading the migration journal", None, e))?;
    let applied = records::read(db)
        .await
        .map_err(|e| MigrateError::db("reading the applied migrations", None, e))?;
    let mut out = Vec::new();
    for entry in entries {
        let name = entry.version.clone();
        if name == FRESH {
            finish_fresh(db, &fresh_drops()?).await?;
            out.push(Recovery {
                migration: name,
                direction: entry.direction.clone(),
                outcome: "finished".to_owned(),
            });
            continue;
        }
        let direction = entry.direction();
        let steps = steps_of(&name).ok_or_else(|| MigrateError::Unknown {
            names: vec![format!("{name} (half-run, per {JOURNAL})")],
        })?;
        let steps = oriented(steps, direction);
        let recorded = applied.iter().any(|r| r.version == name);
        let complete = match direction {
            Direction::Up => recorded,
            Direction::Down => !recorded,
        };
        let outcome = if complete {
            "finished"
        } else if entry.steps_done as usize >= steps.len() {
            // The row says every step ran: believe it only if the database
            // holds what they build.
            let differences = differences_after(db, &steps)
                .await
                .map_err(|e| MigrateError::db("checking what the journal says ran", None, e))?;
            if !differences.is_empty() {
                return Err(MigrateError::JournalDisagrees {
                    migration: name,
                    direction: entry.direction.clone(),
                    differences,
                });
            }
            let record = match direction {
                Direction::Up => records::insert_sql(Backend::MySql, &name),
                Direction::Down => records::delete_sql(Backend::MySql, &name),
            };
            execute(db, &record)
                .await
                .map_err(|e| MigrateError::db("recording the migration", Some(&record), e))?;
            "finished"
        } else {
            undo(db, &name, &steps, Some(entry.steps_done as usize)).await;
            "undone"
        };
        finish(db, &name)
            .await
            .map_err(|e| MigrateError::db("closing the journal", None, e))?;
        out.push(Recovery {
            migration: name,
            direction: entry.direction.clone(),
            outcome: outcome.to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, Table};
    use crate::step::Change;

    #[test]
    fn what_steps_leave_behind() {
        let entry = Table::new("entry")
            .with_column(Column::new("id", ColumnType::Integer))
            .primary_key(["id"]);
        let note = Column::new("note", ColumnType::Text);
        let steps = [
            Step::CreateTable(entry.clone()),
            Step::AlterTable {
                table: entry.clone().with_column(note.clone()),
                changes: vec![Change::AddColumn(note.clone())],
            },
            Step::CreateTable(Table::new("gone")),
            Step::DropTable(Table::new("gone")),
        ];
        let expected: Vec<_> = expected_after(&steps).into_iter().collect();
        let key = |t: &str, c: Option<&str>| (t.to_owned(), c.map(str::to_owned));
        assert_eq!(
            expected,
            [
                (key("entry", None), true),
                (key("entry", Some("id")), true),
                (key("entry", Some("note")), true),
                (key("gone", None), false),
            ]
        );
        let down = crate::step::inverse(&steps[..2]);
        let expected: Vec<_> = expected_after(&down).into_iter().collect();
        assert_eq!(expected, [(key("entry", None), false)]);
    }
}
