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

use super::Direction;
use super::records::{self, execute, quoted, table_exists};
use super::runner::MigrateError;
use crate::model::Backend;
use crate::step::Step;
use sea_orm::{ConnectionTrait, DbErr};

/// The journal table.
pub const JOURNAL: &str = "fsync_schema_journal";

/// A migration caught half-way, as the journal recorded it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// The migration's name.
    pub version: String,
    /// `up` or `down`.
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

fn t() -> String {
    quoted(JOURNAL, Backend::MySql)
}

/// The journal's rows, read-only: none when the table does not exist.
pub async fn read(db: &impl ConnectionTrait) -> Result<Vec<Entry>, DbErr> {
    if !table_exists(db, JOURNAL).await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT version, direction, steps_done, statements_done, started_at FROM {} ORDER BY version",
        t()
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
            t()
        ),
    )
    .await
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

async fn start(db: &impl ConnectionTrait, name: &str, direction: Direction) -> Result<(), DbErr> {
    let direction = if direction == Direction::Up {
        "up"
    } else {
        "down"
    };
    execute(
        db,
        &format!(
            "REPLACE INTO {} (version, direction, steps_done, statements_done, started_at) \
             VALUES ({}, '{direction}', 0, 0, {})",
            t(),
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
            t(),
            literal(name)
        ),
    )
    .await
}

async fn finish(db: &impl ConnectionTrait, name: &str) -> Result<(), DbErr> {
    execute(
        db,
        &format!("DELETE FROM {} WHERE version = {}", t(), literal(name)),
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
    start(db, name, direction)
        .await
        .map_err(|e| MigrateError::db(&context("starting"), None, e))?;
    let steps = oriented(steps, direction);
    for (position, step) in steps.iter().enumerate() {
        let statements = super::statements(step, Backend::MySql);
        for (done, sql) in statements.iter().enumerate() {
            if let Err(error) = execute(db, sql).await {
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
                    message: super::runner::clean(&error),
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

/// Repairs every migration the journal shows half-run. The caller holds
/// the migration lock. `steps_of` gives a migration's steps.
pub(crate) async fn recover<'a>(
    db: &impl ConnectionTrait,
    steps_of: impl Fn(&str) -> Option<&'a [Step]>,
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
