//! Data steps and one-off fills on SQLite, PostgreSQL and MariaDB, run from
//! migration files that `gen-migration` wrote (`tests/data_migrations/`, made
//! by `write_fixture` below; the data steps of 3–5 were then written by hand
//! in the place made for them, which `--check` accepts).
//!
//! 1. `create_items`: table `item` (id, name).
//! 2. `add_size` (`--fill "item.size=length(name)"`): NOT NULL `size`, filled once.
//! 3. `add_title`: nullable `title`, filled by a Rust function; `down` drops it.
//! 4. `upper_names` (`--empty`): SQL with its `down`.
//! 5. `scale_sizes` (`--empty`): irreversible SQL.

mod common;

#[path = "data_migrations/mod.rs"]
#[rustfmt::skip] // written by gen-migration, formatted by it
mod data_migrations;

use common::TestDb;
use data_migrations::Migrator;
use fsync_schema::migration::prelude::*;
use fsync_schema::migration::{self, Command, MigrateError, Runner};
use fsync_schema::{Backend, Column, ColumnType, Schema, Table};
use fsync_schema_cli::gen_migration::{self, Args};
use fsync_test_macros::each_backend;
use sea_orm::{ConnectionTrait, Statement};
use std::path::Path;

const FIXTURE: &str = "tests/data_migrations";
const TOOL: &str = "fixture";

/// The entities after migrations 1, 2 and 3 (4 and 5 change no schema).
fn versions() -> [Schema; 3] {
    let mut item = Table::new("item")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("name", ColumnType::Text))
        .primary_key(["id"]);
    let first = Schema::new([item.clone()]);
    item.columns.push(Column::new("size", ColumnType::BigInt));
    let second = Schema::new([item.clone()]);
    item.columns
        .push(Column::new("title", ColumnType::Text).nullable());
    [first, second, Schema::new([item])]
}

fn args(name: &str) -> Args {
    Args {
        name: Some(name.to_owned()),
        version: Some("20260101".to_owned()),
        ..Args::default()
    }
}

fn compiled() -> Vec<(String, Vec<Step>)> {
    data_migrations::steps()
        .into_iter()
        .map(|(name, steps)| (name.to_owned(), steps))
        .collect()
}

/// Writes the fixture's migrations into an empty directory `FSYNC_FIXTURE_DIR`
/// (then write the data steps of 3–5 by hand): how `tests/data_migrations/` was made.
#[test]
#[ignore = "writes the fixture; run by hand with FSYNC_FIXTURE_DIR set"]
fn write_fixture() {
    let dir = std::env::var("FSYNC_FIXTURE_DIR").expect("FSYNC_FIXTURE_DIR");
    let dir = Path::new(&dir);
    let [first, second, third] = versions();
    let mut history: Vec<(String, Vec<Step>)> = Vec::new();
    let mut run = |schema: &Schema, args: Args, previous: &Schema| {
        let written = gen_migration::generate(dir, schema, &history, TOOL, &args)
            .unwrap()
            .written
            .unwrap();
        let module = written.file_stem().unwrap().to_string_lossy().into_owned();
        let steps = if args.empty {
            Vec::new()
        } else {
            let steps = fsync_schema::changes::steps(previous, schema);
            let fills: Vec<_> = args
                .fill
                .iter()
                .map(|f| fsync_schema::fill::parse(f).unwrap())
                .collect();
            fsync_schema::fill::apply(previous, &steps, &fills)
                .unwrap()
                .0
        };
        history.push((module, steps));
    };
    run(&first, args("create_items"), &Schema::default());
    let fill = Args {
        fill: vec!["item.size=length(name)".to_owned()],
        ..args("add_size")
    };
    run(&second, fill, &first);
    run(&third, args("add_title"), &second);
    let empty = |name: &str| Args {
        empty: true,
        ..args(name)
    };
    run(&third, empty("upper_names"), &third);
    run(&third, empty("scale_sizes"), &third);
}

#[test]
fn the_fixture_passes_check_with_its_hand_written_data_steps() {
    let check = Args {
        check: true,
        ..Args::default()
    };
    let [.., last] = versions();
    let outcome =
        gen_migration::generate(Path::new(FIXTURE), &last, &compiled(), TOOL, &check).unwrap();
    assert!(outcome.ok, "{}", outcome.report);
    let hand_written =
        std::fs::read_to_string(format!("{FIXTURE}/m20260101_000004_upper_names.rs")).unwrap();
    assert!(
        hand_written.contains(".down_sql_for("),
        "the fixture has its data steps"
    );
}

/// `(name, size, title)` of every row, by id.
async fn rows(test: &TestDb) -> Vec<(String, i64, Option<String>)> {
    let sql = match test.backend {
        Backend::MySql => "SELECT name, CAST(size AS SIGNED), title FROM item ORDER BY id",
        _ => "SELECT name, CAST(size AS BIGINT), title FROM item ORDER BY id",
    };
    let columns = |has_size: bool, has_title: bool| {
        let size = if has_size { "size" } else { "0" };
        let title = if has_title { "title" } else { "NULL" };
        sql.replace("size", size).replace("title", title)
    };
    let present = |column: &'static str| async move {
        let probe = format!("SELECT {column} FROM item WHERE 1 = 0");
        test.db
            .query_all_raw(Statement::from_string(
                test.db.get_database_backend(),
                probe,
            ))
            .await
            .is_ok()
    };
    let (size, title) = (present("size").await, present("title").await);
    test.db
        .query_all_raw(Statement::from_string(
            test.db.get_database_backend(),
            columns(size, title),
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
                row.try_get_by_index(2).unwrap(),
            )
        })
        .collect()
}

fn row(name: &str, size: i64, title: Option<&str>) -> (String, i64, Option<String>) {
    (name.to_owned(), size, title.map(str::to_owned))
}

/// Runs `command` through the runner `migrate` uses, forced (the test's
/// `down`s drop columns that hold values on purpose).
async fn run(test: &TestDb, command: Command) -> Result<(), MigrateError> {
    Runner::of::<Migrator>(&test.db)
        .with_steps(data_migrations::steps())
        .with_data_steps(data_migrations::data_steps())
        .run(command, true)
        .await
        .map(|_| ())
}

#[each_backend]
async fn data_steps_and_fills_keep_and_fill_rows_on_every_backend(backend: Backend) {
    let test = common::db(backend, "data_steps").await;
    let backend = test.backend;
    run(&test, Command::Up(Some(1))).await.unwrap();
    common::exec(
        &test.db,
        "INSERT INTO item (name) VALUES ('alpha'), ('beta')",
    )
    .await;

    // 2: the rows are filled once; the column is NOT NULL with no default.
    run(&test, Command::Up(Some(1))).await.unwrap();
    assert_eq!(
        rows(&test).await,
        [row("alpha", 5, None), row("beta", 4, None)],
        "{backend:?}"
    );
    let insert = Statement::from_string(
        test.db.get_database_backend(),
        "INSERT INTO item (name) VALUES ('gamma')",
    );
    assert!(
        test.db.execute_raw(insert).await.is_err(),
        "{backend:?}: `size` must be NOT NULL without a default"
    );

    // 3 and 4: a Rust function and SQL, each after its generated step.
    run(&test, Command::Up(Some(2))).await.unwrap();
    assert_eq!(
        rows(&test).await,
        [
            row("ALPHA", 5, Some("Alpha (5)")),
            row("BETA", 4, Some("Beta (4)"))
        ],
        "{backend:?}"
    );

    // Down runs the data steps' `down`, backwards; the rows stay.
    run(&test, Command::Down(Some(2))).await.unwrap();
    assert_eq!(
        rows(&test).await,
        [row("alpha", 5, None), row("beta", 4, None)],
        "{backend:?}"
    );
    run(&test, Command::Down(Some(1))).await.unwrap();
    assert_eq!(
        rows(&test).await,
        [row("alpha", 0, None), row("beta", 0, None)],
        "{backend:?}: `size` is dropped"
    );

    // 5 is irreversible: down refuses and changes nothing.
    run(&test, Command::Up(None)).await.unwrap();
    let scaled = [
        row("ALPHA", 50, Some("Alpha (5)")),
        row("BETA", 40, Some("Beta (4)")),
    ];
    assert_eq!(rows(&test).await, scaled, "{backend:?}");
    let error = run(&test, Command::Down(Some(1))).await.unwrap_err();
    assert!(
        error.to_string().contains(
            "this migration cannot be rolled back: data step 1 (before the first step: multiply sizes by ten) is irreversible; nothing was changed"
        ),
        "{backend:?}: {error}"
    );
    assert_eq!(rows(&test).await, scaled, "{backend:?}");
    let applied = Migrator::get_applied_migrations(&test.db).await.unwrap();
    assert_eq!(applied.len(), 5, "{backend:?}");
    test.drop_database().await;
}

/// A migration of steps and data steps, as a generated file is: `item.size`
/// added with a fill, then a data step that fails.
struct FailingMigration;

impl MigrationName for FailingMigration {
    fn name(&self) -> &str {
        "m20260101_000002_fails"
    }
}

fn failing_steps() -> (Vec<Step>, Vec<DataStep>) {
    let [first, second, _] = versions();
    let steps = fsync_schema::changes::steps(&first, &second);
    let fill = fsync_schema::fill::parse("item.size=7").unwrap();
    let (steps, fills) = fsync_schema::fill::apply(&first, &steps, &[fill]).unwrap();
    let fill = &fills[0];
    let data = vec![
        DataStep::fill(fill.after, &fill.table, &fill.column, &fill.expr),
        DataStep::after(2)
            .named("broken")
            .sql("UPDATE item SET no_such_column = 1")
            .down_nothing(),
    ];
    (steps, data)
}

#[async_trait]
impl MigrationTrait for FailingMigration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (steps, data) = failing_steps();
        apply_with_data(manager, &steps, &data, Direction::Up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (steps, data) = failing_steps();
        apply_with_data(manager, &steps, &data, Direction::Down).await
    }
}

/// The fixture's first migration, then the failing one.
struct FailingMigrator;

#[async_trait]
impl MigratorTrait for FailingMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(data_migrations::m20260101_000001_create_items::Migration),
            Box::new(FailingMigration),
        ]
    }
}

#[each_backend]
async fn a_failing_data_step_leaves_the_database_as_it_was(backend: Backend) {
    let test = common::db(backend, "data_fail").await;
    let backend = test.backend;
    migration::run::<FailingMigrator>(&test.db, Command::Up(Some(1)))
        .await
        .unwrap();
    common::exec(&test.db, "INSERT INTO item (name) VALUES ('alpha')").await;
    let error = migration::run::<FailingMigrator>(&test.db, Command::Up(None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("data step 2 (after step 2: broken) failed"),
        "{backend:?}: {error}"
    );
    // The added column is gone (rolled back; on MySQL, undone) and the row kept.
    assert_eq!(rows(&test).await, [row("alpha", 0, None)], "{backend:?}");
    let applied = FailingMigrator::get_applied_migrations(&test.db)
        .await
        .unwrap();
    assert_eq!(applied.len(), 1, "{backend:?}");
    test.drop_database().await;
}

/// The runner of the fixture, as `migrate` builds it.
fn runner(test: &TestDb) -> Runner<'_> {
    Runner::of::<Migrator>(&test.db)
        .with_steps(data_migrations::steps())
        .with_data_steps(data_migrations::data_steps())
}

/// `up --dry-run` prints the plan the run executes: the fill between the
/// added column and its NOT NULL, the data steps (a Rust one as a comment),
/// on SQLite the closing `foreign_key_check`; and `down --dry-run` fails
/// where `down` would (an irreversible data step).
#[each_backend]
async fn dry_runs_show_fills_and_data_steps_as_the_run_runs_them(backend: Backend) {
    let test = common::db(backend, "data_plan").await;
    let backend = test.backend;
    let plan = runner(&test).plan(Command::Up(None)).await.unwrap();
    let sql = |i: usize| plan.migrations[i].statements.clone().unwrap();
    let q = |name: &str| match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let fill = format!("UPDATE {} SET {} = length(name)", q("item"), q("size"));
    let add_size = sql(1);
    let at = |needle: &str| {
        add_size
            .iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("{backend:?}: no `{needle}` in {add_size:#?}"))
    };
    assert!(at("ADD COLUMN") < at(&fill), "{backend:?}: {add_size:#?}");
    assert!(
        at(&fill) < add_size.len() - 1,
        "{backend:?}: the fill runs before the record"
    );
    assert!(
        sql(2)
            .iter()
            .any(|s| s.contains("Rust code (`.run(..)`), run only for real")),
        "{backend:?}: {:#?}",
        sql(2)
    );
    assert!(sql(3).contains(&"UPDATE item SET name = upper(name)".to_owned()));
    assert_eq!(
        sql(0).iter().any(|s| s == "PRAGMA foreign_key_check"),
        backend == Backend::Sqlite
    );
    assert_eq!(plan.before.len(), usize::from(backend == Backend::Sqlite));

    // For real: the plan's migrations are the ones that run.
    let report = runner(&test).run(Command::Up(None), false).await.unwrap();
    let planned: Vec<String> = plan.migrations.iter().map(|m| m.name.clone()).collect();
    assert_eq!(report.applied, planned, "{backend:?}");
    let error = runner(&test)
        .plan(Command::Down(Some(1)))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("is irreversible"),
        "{backend:?}: {error}"
    );
    test.drop_database().await;
}

/// When a later migration fails, the error says what this run applied
/// before it (that stays applied).
#[each_backend]
async fn a_failure_after_some_migrations_names_those_it_applied(backend: Backend) {
    let test = common::db(backend, "data_after_some").await;
    let backend = test.backend;
    let error = Runner::of::<FailingMigrator>(&test.db)
        .run(Command::Up(None), false)
        .await
        .unwrap_err();
    let MigrateError::AfterSome { done, error } = &error else {
        panic!("{backend:?}: {error}");
    };
    assert_eq!(done.applied, ["m20260101_000001_create_items"]);
    assert!(error.to_string().contains("broken"), "{backend:?}: {error}");
    let text = MigrateError::AfterSome {
        done: done.clone(),
        error: Box::new(MigrateError::NoDryRun("x".into())),
    }
    .to_string();
    assert!(
        text.ends_with("\n  before that, this run applied m20260101_000001_create_items"),
        "{text}"
    );
    test.drop_database().await;
}

/// A migration that drops the NOT NULL column `item.name`.
struct DropName;

impl MigrationName for DropName {
    fn name(&self) -> &str {
        "m20260101_000002_drop_name"
    }
}

fn drop_name_steps() -> Vec<Step> {
    let [first, ..] = versions();
    let mut without = first.clone();
    without.tables[0].columns.retain(|c| c.name != "name");
    fsync_schema::changes::steps(&first, &without)
}

#[async_trait]
impl MigrationTrait for DropName {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &drop_name_steps(), Direction::Up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &drop_name_steps(), Direction::Down).await
    }
}

struct DropNameMigrator;

#[async_trait]
impl MigratorTrait for DropNameMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(data_migrations::m20260101_000001_create_items::Migration),
            Box::new(DropName),
        ]
    }
}

/// `down` of a migration that dropped a NOT NULL column cannot bring its
/// values back: every backend fails and changes nothing (MariaDB would fill
/// the rows with `''`), journaled or not.
#[each_backend]
async fn down_of_a_dropped_not_null_column_fails_on_every_backend(backend: Backend) {
    let test = common::db(backend, "data_drop_column").await;
    let backend = test.backend;
    let steps = || {
        data_migrations::steps()
            .into_iter()
            .take(1)
            .chain([("m20260101_000002_drop_name", drop_name_steps())])
    };
    for journaled in [false, true] {
        let runner = || {
            let runner = Runner::of::<DropNameMigrator>(&test.db);
            match journaled {
                true => runner
                    .with_steps(steps())
                    .with_data_steps(std::iter::empty::<(&str, Vec<DataStep>)>()),
                false => runner,
            }
        };
        runner().run(Command::Up(None), true).await.unwrap();
        let insert = match backend {
            Backend::MySql => "INSERT INTO item () VALUES ()",
            _ => "INSERT INTO item DEFAULT VALUES",
        };
        common::exec(&test.db, insert).await;
        let error = runner()
            .run(Command::Down(Some(1)), true)
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("m20260101_000002_drop_name"),
            "{backend:?}: {text}"
        );
        if backend == Backend::MySql {
            assert!(
                text.contains(
                    "column `item.name` is NOT NULL without a default, and `item` holds 1 row(s)"
                ),
                "{text}"
            );
        }
        let applied = DropNameMigrator::get_applied_migrations(&test.db)
            .await
            .unwrap();
        assert_eq!(applied.len(), 2, "{backend:?} journaled {journaled}");
        common::exec(&test.db, "DELETE FROM item").await;
        runner().run(Command::Reset, true).await.unwrap();
    }
    test.drop_database().await;
}

/// Whether any session holds the migration lock of `test`'s database, read
/// from a connection of its own.
async fn lock_is_held(test: &TestDb) -> bool {
    let probe = fsync::db::connect(&test.url).await.unwrap();
    let sql = match test.backend {
        Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        }
        _ => {
            "SELECT COUNT(*) FROM (SELECT IS_USED_LOCK(LEFT(CONCAT('fsync_schema.migrate.', \
             DATABASE()), 64)) AS holder) AS l WHERE holder IS NOT NULL"
        }
    };
    let row = probe
        .query_one_raw(Statement::from_string(probe.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    let held = row.try_get_by_index::<i64>(0).unwrap() > 0;
    probe.close().await.ok();
    held
}

/// The library call on an application's pool (`Runner::of(&pool)`, what
/// `migration::up` does at start-up): the session lock is taken, used and
/// given back on one connection, so runs back to back never wait for a lock
/// a pooled connection still holds.
#[each_backend(postgres, mysql)]
async fn a_runner_on_a_pool_gives_its_lock_back(backend: Backend) {
    let test = common::db(backend, "runner_pool").await;
    let runner = || {
        Runner::of::<Migrator>(&test.db)
            .with_steps(data_migrations::steps())
            .with_data_steps(data_migrations::data_steps())
            .lock_timeout(std::time::Duration::from_secs(2))
    };
    for round in 0..4 {
        for command in [Command::Up(Some(3)), Command::Down(Some(3))] {
            runner()
                .run(command, true)
                .await
                .unwrap_or_else(|e| panic!("{backend:?} round {round} {command:?}: {e}"));
            assert!(
                !lock_is_held(&test).await,
                "{backend:?} round {round}: the lock is still held after {command:?}"
            );
        }
    }
    // A run that fails gives the lock back too (5 is irreversible).
    runner().run(Command::Up(None), true).await.unwrap();
    let error = runner()
        .run(Command::Down(Some(1)), true)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("irreversible"), "{error}");
    assert!(
        !lock_is_held(&test).await,
        "{backend:?}: held after a failed down"
    );
    runner().run(Command::Up(None), true).await.unwrap();
    test.drop_database().await;
}
