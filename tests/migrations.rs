//! `migrate` on SQLite, PostgreSQL and MariaDB: up, down and up again leave
//! no residue, `status` tells what is applied, and a migration that fails
//! part-way leaves the database as it was.

mod common;

use fsync::migrations::Migrator;
use fsync_schema::migration::prelude::*;
use fsync_schema::migration::{self, Command};
use fsync_schema::{Backend, Schema};
use fsync_test_macros::each_backend;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::{MigrationStatus, MigratorTrait};

/// The user tables of the database, sorted.
async fn tables(backend: Backend, db: &DatabaseConnection) -> Vec<String> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        }
        Backend::MySql => {
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name"
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

#[each_backend]
async fn up_down_up_leaves_no_residue_and_status_tells(backend: Backend) {
    let test_db = common::db(backend, "up_down").await;
    let (backend, db) = (test_db.backend, &test_db.db);
    migration::run::<Migrator>(db, Command::Up(None))
        .await
        .unwrap();
    let built = tables(backend, db).await;
    assert_eq!(
        built,
        [
            "entry",
            "seaql_migrations",
            "sync_conduit",
            "sync_generation"
        ],
        "{backend:?}"
    );
    let status = Migrator::get_migration_with_status(db).await.unwrap();
    assert!(
        status
            .iter()
            .all(|m| m.status() == MigrationStatus::Applied),
        "{backend:?}"
    );

    migration::run::<Migrator>(db, Command::Down(None))
        .await
        .unwrap();
    assert_eq!(
        tables(backend, db).await,
        ["seaql_migrations"],
        "{backend:?}: down leaves residue"
    );
    let status = Migrator::get_migration_with_status(db).await.unwrap();
    assert!(
        status
            .iter()
            .all(|m| m.status() == MigrationStatus::Pending),
        "{backend:?}"
    );

    migration::run::<Migrator>(db, Command::Up(None))
        .await
        .unwrap();
    assert_eq!(tables(backend, db).await, built, "{backend:?}");
    // Re-running is a no-op; fresh rebuilds from scratch.
    migration::run::<Migrator>(db, Command::Up(None))
        .await
        .unwrap();
    migration::run::<Migrator>(db, Command::Fresh)
        .await
        .unwrap();
    assert_eq!(tables(backend, db).await, built, "{backend:?}");
    test_db.drop_database().await;
}

/// A migration made of steps, as a generated migration file is.
struct StepsMigration {
    name: &'static str,
    steps: Vec<Step>,
}

impl MigrationName for StepsMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait]
impl MigrationTrait for StepsMigration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &self.steps, Direction::Up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &self.steps, Direction::Down).await
    }
}

/// A migration whose second step fails: its default is not SQL.
fn broken_steps() -> Vec<Step> {
    vec![
        Step::CreateTable(
            Table::new("half_done")
                .with_column(Column::new("id", ColumnType::Integer).autoincrement())
                .primary_key(["id"]),
        ),
        Step::CreateTable(
            Table::new("never_made")
                .with_column(
                    Column::new("id", ColumnType::Integer)
                        .default(DefaultValue::Sql("(1 +)".into())),
                )
                .primary_key(["id"]),
        ),
    ]
}

struct BrokenMigrator;

#[async_trait]
impl MigratorTrait for BrokenMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(StepsMigration {
            name: "m20990101_000001_broken",
            steps: broken_steps(),
        })]
    }
}

#[each_backend]
async fn a_migration_failing_part_way_leaves_the_database_as_it_was(backend: Backend) {
    // The steps are valid one by one: the failure comes from the database.
    assert!(fsync_schema::step::replay(&Schema::default(), &broken_steps()).is_ok());
    let test_db = common::db(backend, "atomic").await;
    let (backend, db) = (test_db.backend, &test_db.db);
    let error = migration::run::<BrokenMigrator>(db, Command::Up(None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("step 2 (create table `never_made`)"),
        "{backend:?}: {error}"
    );
    assert_eq!(
        tables(backend, db).await,
        ["seaql_migrations"],
        "{backend:?}: the first step was kept"
    );
    let status = BrokenMigrator::get_migration_with_status(db).await.unwrap();
    assert_eq!(status[0].status(), MigrationStatus::Pending, "{backend:?}");
    test_db.drop_database().await;
}

/// `gadget`, with `size` NOT NULL or not: changing that is a SQLite rebuild.
fn gadget(size_nullable: bool) -> Schema {
    let mut size = Column::new("size", ColumnType::Integer).default(DefaultValue::Int(0));
    size.nullable = size_nullable;
    Schema::new([Table::new("gadget")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(size)
        .primary_key(["id"])])
}

/// The steps of migration `n`: create `gadget`, then rebuild it.
fn gadget_steps(n: usize) -> Vec<Step> {
    let versions = [Schema::default(), gadget(false), gadget(true)];
    fsync_schema::changes::steps(&versions[n], &versions[n + 1])
}

struct RebuildMigrator;

#[async_trait]
impl MigratorTrait for RebuildMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let names = [
            "m20990101_000001_create_gadget",
            "m20990101_000002_rebuild_gadget",
        ];
        names
            .into_iter()
            .enumerate()
            .map(|(n, name)| {
                Box::new(StepsMigration {
                    name,
                    steps: gadget_steps(n),
                }) as Box<dyn MigrationTrait>
            })
            .collect()
    }
}

#[each_backend]
async fn fresh_and_refresh_run_migrations_that_rebuild_a_table(backend: Backend) {
    assert!(migration::needs_sqlite_rebuild(&gadget_steps(1)[0]));
    let test_db = common::db(backend, "fresh_rebuild").await;
    let (backend, db) = (test_db.backend, &test_db.db);
    for command in [
        Command::Up(None),
        Command::Fresh,
        Command::Refresh,
        Command::Fresh,
    ] {
        migration::run::<RebuildMigrator>(db, command)
            .await
            .unwrap_or_else(|e| panic!("{backend:?} {command:?}: {e}"));
        assert_eq!(
            tables(backend, db).await,
            ["gadget", "seaql_migrations"],
            "{backend:?} {command:?}"
        );
        let status = RebuildMigrator::get_migration_with_status(db)
            .await
            .unwrap();
        assert!(
            status
                .iter()
                .all(|m| m.status() == MigrationStatus::Applied),
            "{backend:?} {command:?}"
        );
    }
    if backend == Backend::Sqlite {
        let on = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA foreign_keys",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i32>(0)
            .unwrap();
        assert_eq!(on, 1, "foreign keys are on again after `fresh`");
    }
    test_db.drop_database().await;
}
