//! Running migration steps on a live database.
//!
//! A generated migration file lists its [`Step`]s and calls [`apply`]; the
//! steps become SQL for the backend the `SchemaManager` reports
//! ([`statements`], in `render::steps`). SQLite table rebuilds run with
//! foreign keys off and end with `PRAGMA foreign_key_check`.
//!
//! [`Runner`] runs a project's migrations for deploys: a lock per backend,
//! crash recovery on MySQL ([`journal`]), a read-only status, row counts
//! before anything is dropped, dry runs.

use crate::model::Backend;
use crate::render;
use crate::step::Step;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use sea_orm_migration::{MigratorTrait, SchemaManager};

/// The step-to-SQL functions, now in [`crate::render::steps`], under their old paths.
pub use crate::render::steps::{check_name, needs_sqlite_rebuild, script, statements};

pub mod data;
pub mod failpoint;
pub mod journal;
mod lock;
pub mod online;
pub mod records;
mod runner;
pub mod topology;

pub use crate::render::online::Online;
use data::Planned;
pub use data::{BoxFuture, DataFn, DataStep};
pub use online::{apply_concurrently, apply_online};
pub use runner::{
    Loss, MigrateError, MigrationState, Plan, PlannedMigration, Progress, RunReport, Runner,
    StatusReport, command_name,
};
pub use topology::{Pooler, Pooling, Topology};

/// What generated migration files import.
pub mod prelude {
    pub use super::data::{BoxFuture, DataStep};
    pub use super::{Direction, Online, apply, apply_concurrently, apply_online, apply_with_data};
    pub use crate::model::Backend;
    pub use crate::model::{
        Action, Check, Column, ColumnType, DefaultValue, Element, EnumType, ForeignKey, Index,
        IndexMethod, SqlTypes, Table, TableOptions, Unique,
    };
    pub use crate::step::{Change, Step};
    pub use sea_orm_migration::async_trait::async_trait;
    pub use sea_orm_migration::{
        DbErr, MigrationName, MigrationTrait, MigratorTrait, SchemaManager,
    };
}

/// A migrator written by `gen-migration`: besides running its migrations, it
/// lists their steps, which the tools replay (the stale check, `baseline`).
pub trait GeneratedMigrator: MigratorTrait {
    /// Each generated migration's module name and steps, oldest first.
    fn steps() -> Vec<(&'static str, Vec<Step>)>;

    /// The fills and data steps of the generated migrations that have them;
    /// `None` from a `mod.rs` written before there was a list of them. On
    /// MySQL the runner journals the steps of a migration without data
    /// steps, and runs any other one (or any, when this is `None`) through
    /// its own `up`/`down`, which runs the data steps too.
    fn data_steps() -> Option<Vec<(&'static str, Vec<DataStep>)>> {
        None
    }
}

/// Applies every pending migration of `M` on `db` as `migrate up` does: the
/// one call for tests and for an application at start-up (several instances
/// starting at once take turns on the migration lock).
///
/// ```no_run
/// # async fn start(db: sea_orm::DatabaseConnection) -> Result<(), fsync_schema::migration::MigrateError> {
/// # struct Migrator;
/// # #[sea_orm_migration::async_trait::async_trait]
/// # impl sea_orm_migration::MigratorTrait for Migrator {
/// #     fn migrations() -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> { Vec::new() }
/// # }
/// # impl fsync_schema::migration::GeneratedMigrator for Migrator {
/// #     fn steps() -> Vec<(&'static str, Vec<fsync_schema::Step>)> { Vec::new() }
/// # }
/// let report = fsync_schema::migration::up::<Migrator>(&db).await?;
/// println!("{}", report.summary());
/// # Ok(())
/// # }
/// ```
pub async fn up<M: GeneratedMigrator>(
    db: &sea_orm::DatabaseConnection,
) -> Result<RunReport, MigrateError> {
    Runner::generated::<M>(db)
        .run(Command::Up(None), false)
        .await
}

/// Which way a migration runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// The backend of a SeaORM connection.
pub fn backend_of(backend: DbBackend) -> Backend {
    match backend {
        DbBackend::Postgres => Backend::Postgres,
        DbBackend::MySql => Backend::MySql,
        _ => Backend::Sqlite,
    }
}

pub(crate) fn to_db_backend(backend: Backend) -> DbBackend {
    match backend {
        Backend::Sqlite => DbBackend::Sqlite,
        Backend::Postgres => DbBackend::Postgres,
        Backend::MySql => DbBackend::MySql,
    }
}

/// Runs `steps` (or their inverse, for `Down`) on the manager's connection.
///
/// On SQLite and PostgreSQL the migrator runs this inside the migration's
/// transaction (generated migrations ask for one), so a failure leaves the
/// database as it was. MySQL commits each DDL statement; there a failure is
/// followed by the inverse of what already ran, as far as it goes.
pub async fn apply(
    manager: &SchemaManager<'_>,
    steps: &[Step],
    direction: Direction,
) -> Result<(), DbErr> {
    apply_with_data(manager, steps, &[], direction).await
}

/// [`apply`] with data steps placed between the generated steps (see
/// [`data::plan`]); they run on the same connection, so inside the
/// migration's transaction where the backend has one.
pub async fn apply_with_data(
    manager: &SchemaManager<'_>,
    steps: &[Step],
    data: &[DataStep],
    direction: Direction,
) -> Result<(), DbErr> {
    run_plan(manager, steps, data, direction, None).await
}

/// [`apply_with_data`], with the online plan on PostgreSQL when `online` is given.
async fn run_plan(
    manager: &SchemaManager<'_>,
    steps: &[Step],
    data: &[DataStep],
    direction: Direction,
    online: Option<&Online>,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = backend_of(db.get_database_backend());
    let plan = data::plan(steps, data, direction, backend)?;
    let online = online.filter(|_| backend == Backend::Postgres);
    if let Some(online) = online {
        online::set_lock_timeout(db, online).await?;
    }
    let rebuilds = plan
        .iter()
        .any(|p| matches!(p, Planned::Schema { step, .. } if needs_sqlite_rebuild(step)));
    if backend == Backend::Sqlite && rebuilds {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA foreign_keys",
            ))
            .await?;
        let enforced = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?;
        if enforced == Some(1) {
            return Err(DbErr::Migration(
                "this migration rebuilds a SQLite table, which needs foreign keys off while it runs; \
                 run it with `fsync_schema::migration::run` (or `PRAGMA foreign_keys = OFF` on a single connection)"
                    .to_owned(),
            ));
        }
    }
    for (position, planned) in plan.iter().enumerate() {
        let (step, number) = match planned {
            Planned::Schema { number, step } => (step, *number),
            Planned::Data { label, work, .. } => {
                if let Err(error) = data::run_work(manager, work, backend).await {
                    if backend == Backend::MySql {
                        undo_mysql(manager, &plan[..position]).await;
                    }
                    return Err(DbErr::Migration(format!("{label} failed: {error}")));
                }
                continue;
            }
        };
        if backend == Backend::MySql
            && let Err(message) = refuse_implicit_fill(db, step).await
        {
            undo_mysql(manager, &plan[..position]).await;
            return Err(DbErr::Migration(format!(
                "step {number} ({}) failed: {message}",
                step.describe().join("; ")
            )));
        }
        let sql_of_step = match (online, direction) {
            (Some(_), Direction::Up) => render::online::transactional_statements(steps, number - 1),
            (Some(_), Direction::Down) => render::online::down_statements(steps, number - 1),
            _ => statements(step, backend),
        };
        for (done, sql) in sql_of_step.into_iter().enumerate() {
            let result = db
                .execute_raw(Statement::from_string(to_db_backend(backend), sql.clone()))
                .await;
            if let Err(error) = result {
                if backend == Backend::MySql {
                    let end = position + usize::from(done > 0);
                    undo_mysql(manager, &plan[..end]).await;
                }
                let what = format!("step {number} ({})", step.describe().join("; "));
                if let Some(online) = online.filter(|_| online::is_lock_timeout(&error)) {
                    return Err(online::lock_timeout_error(&what, online, &sql));
                }
                return Err(DbErr::Migration(format!(
                    "{what} failed: {}\n  statement: {sql}",
                    crate::connect::error_text(&error)
                )));
            }
        }
    }
    if backend == Backend::Sqlite {
        let violations = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA foreign_key_check",
            ))
            .await?;
        if let Some(row) = violations.first() {
            let table: String = row.try_get_by_index(0)?;
            return Err(DbErr::Migration(format!(
                "the migration leaves rows of `{table}` whose foreign key points at no row ({} violation(s) in all)",
                violations.len()
            )));
        }
    }
    Ok(())
}

/// On MySQL, refuses a step that adds a NOT NULL column without a default
/// to a table holding rows: MySQL would fill them with an implicit value
/// (`''`, `0`) where SQLite and PostgreSQL fail. (A `down` that restores a
/// dropped column meets this: the values it held are gone.)
pub(crate) async fn refuse_implicit_fill(
    db: &impl ConnectionTrait,
    step: &Step,
) -> Result<(), String> {
    let Step::AlterTable { table, changes } = step else {
        return Ok(());
    };
    for change in changes {
        let crate::step::Change::AddColumn(column) = change else {
            continue;
        };
        if column.nullable || column.default.is_some() || column.autoincrement {
            continue;
        }
        let rows = records::count_rows(db, &table.name)
            .await
            .map_err(|e| runner::clean(&e))?;
        if rows > 0 {
            return Err(format!(
                "column `{}.{}` is NOT NULL without a default, and `{}` holds {rows} row(s): \
                 MySQL would fill them with an implicit value ('' or 0), so this is refused as on \
                 SQLite and PostgreSQL; give the column a default or a one-off `--fill` (for a `down`, \
                 the values the column held were dropped with it)",
                table.name, column.name, table.name
            ));
        }
    }
    Ok(())
}

/// Best effort after a MySQL failure: the inverse of what ran (the inverse
/// of each generated step, the `down` of each data step), newest first.
async fn undo_mysql(manager: &SchemaManager<'_>, done: &[Planned<'_>]) {
    let db = manager.get_connection();
    for planned in done.iter().rev() {
        match planned {
            Planned::Schema { step, .. } => {
                for sql in statements(&step.inverse(), Backend::MySql) {
                    let _ = db
                        .execute_raw(Statement::from_string(DbBackend::MySql, sql))
                        .await;
                }
            }
            Planned::Data { undo, .. } => {
                let _ = data::run_work(manager, undo.unwrap_or_default(), Backend::MySql).await;
            }
        }
    }
}

/// Runs a migrator command on `db`. On SQLite, foreign keys are switched off
/// while migrations run (table rebuilds need that; each migration still ends
/// with `PRAGMA foreign_key_check`) and on again afterwards. SQLite databases
/// must be opened with a single connection for this to hold.
pub async fn run<M: MigratorTrait>(
    db: &sea_orm::DatabaseConnection,
    command: Command,
) -> Result<(), DbErr> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let pragma = |on: bool| {
        Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA foreign_keys = {}", if on { "ON" } else { "OFF" }),
        )
    };
    if sqlite {
        db.execute_raw(pragma(false)).await?;
    }
    let result = match command {
        Command::Up(n) => M::up(db, n).await,
        Command::Down(n) => M::down(db, n).await,
        // sea-orm-migration's `fresh` turns SQLite's foreign keys back on
        // between dropping the tables and applying the migrations.
        Command::Fresh if sqlite => match drop_sqlite_tables(db).await {
            Ok(()) => M::up(db, None).await,
            Err(error) => Err(error),
        },
        Command::Fresh => M::fresh(db).await,
        Command::Refresh => M::refresh(db).await,
        Command::Reset => M::reset(db).await,
    };
    if sqlite {
        db.execute_raw(pragma(true)).await?;
    }
    result
}

/// Drops every table of a SQLite database (foreign keys must be off).
async fn drop_sqlite_tables(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    let tables = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ))
        .await?;
    for row in tables {
        let name: String = row.try_get("", "name")?;
        let sql = format!("DROP TABLE IF EXISTS \"{}\"", name.replace('"', "\"\""));
        db.execute_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await?;
    }
    Ok(())
}

/// A migrator command for [`run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Apply pending migrations (all, or this many).
    Up(Option<u32>),
    /// Roll back applied migrations (all, or this many).
    Down(Option<u32>),
    /// Drop every table, then apply all migrations.
    Fresh,
    /// Roll back all applied migrations, then apply all.
    Refresh,
    /// Roll back all applied migrations.
    Reset,
}
