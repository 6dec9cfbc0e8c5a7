//! `baseline`: a database built by hand from the docs' SQL
//! (`docs/schema/file-sync.md`) is recorded as migrated up to the first
//! migration without running it, then takes a next migration; a database that
//! differs is refused with its drift and nothing is recorded.

mod common;

use fsync::migrations::{Migrator, m20250315_000001_create_sync_tables as first};
use fsync_schema::baseline::{self, BaselineError};
use fsync_schema::migration::prelude::*;
use fsync_schema::migration::{self, Command, GeneratedMigrator};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sea_orm_migration::MigratorTrait;

const FIRST: &str = "m20250315_000001_create_sync_tables";
const NEXT: &str = "m20990101_000002_add_device";

/// The ```sql blocks of the schema docs, statement by statement.
fn docs_statements() -> Vec<String> {
    let doc = include_str!("../docs/schema/file-sync.md");
    let mut statements = Vec::new();
    let mut block = None::<String>;
    for line in doc.lines() {
        match (&mut block, line.trim()) {
            (None, "```sql") => block = Some(String::new()),
            (Some(sql), "```") => {
                statements.extend(
                    sql.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
                block = None;
            }
            (Some(sql), _) if !line.trim_start().starts_with("--") => {
                sql.push_str(line);
                sql.push('\n');
            }
            _ => {}
        }
    }
    statements
}

async fn built_by_hand(skip: Option<&str>) -> common::TestDb {
    let test_db = common::sqlite().await;
    let statements = docs_statements();
    assert!(statements.len() >= 3, "the docs hold the schema's SQL");
    for statement in statements {
        if skip.is_some_and(|s| statement.contains(s)) {
            continue;
        }
        common::exec(&test_db.db, &statement).await;
    }
    test_db
}

/// The file-sync migrations and one more, made here.
struct NextMigrator;

struct AddDevice;

fn add_device() -> Vec<Step> {
    vec![Step::CreateTable(
        Table::new("device")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("name", ColumnType::Text))
            .primary_key(["id"]),
    )]
}

impl MigrationName for AddDevice {
    fn name(&self) -> &str {
        NEXT
    }
}

#[async_trait]
impl MigrationTrait for AddDevice {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &add_device(), Direction::Up).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &add_device(), Direction::Down).await
    }
}

#[async_trait]
impl MigratorTrait for NextMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(first::Migration), Box::new(AddDevice)]
    }
}

impl GeneratedMigrator for NextMigrator {
    fn steps() -> Vec<(&'static str, Vec<Step>)> {
        let mut steps = <Migrator as GeneratedMigrator>::steps();
        steps.push((NEXT, add_device()));
        steps
    }
}

async fn recorded(db: &DatabaseConnection) -> Vec<(String, i64)> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT version, applied_at FROM seaql_migrations ORDER BY version",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
            )
        })
        .collect()
}

async fn has_migrations_table(db: &DatabaseConnection) -> bool {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT name FROM sqlite_master WHERE name = 'seaql_migrations'",
        ))
        .await
        .unwrap();
    !rows.is_empty()
}

#[tokio::test]
async fn a_database_built_by_hand_is_baselined_then_migrated() {
    let test_db = built_by_hand(None).await;
    let db = &test_db.db;
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let done = baseline::baseline::<NextMigrator>(db, FIRST).await.unwrap();
    assert_eq!(done.recorded, [FIRST]);
    assert!(done.already_applied.is_empty());
    let rows = recorded(db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, FIRST);
    assert!(
        (before..=before + 60).contains(&rows[0].1),
        "applied_at is seconds since the epoch, as the runner writes it: {}",
        rows[0].1
    );
    // sea-orm-migration reads the record back as its own.
    let status = NextMigrator::get_migration_with_status(db).await.unwrap();
    let applied: Vec<bool> = status
        .iter()
        .map(|m| m.status() == sea_orm_migration::MigrationStatus::Applied)
        .collect();
    assert_eq!(applied, [true, false]);

    // `migrate up` runs only the next one (the first would fail: its tables exist).
    migration::run::<NextMigrator>(db, Command::Up(None))
        .await
        .unwrap();
    let versions: Vec<String> = recorded(db).await.into_iter().map(|(v, _)| v).collect();
    assert_eq!(versions, [FIRST, NEXT]);
    let (schema, _) = baseline::schema_up_to::<NextMigrator>(NEXT).unwrap();
    let drift = fsync_schema::introspect::drift(db, &schema).await.unwrap();
    assert!(
        drift
            .iter()
            .all(|f| f.aspect == fsync_schema::compare::Aspect::ColumnOrder),
        "{drift:#?}"
    );

    // Up to the next one: both were recorded already.
    let again = baseline::baseline::<NextMigrator>(db, NEXT).await.unwrap();
    assert!(again.recorded.is_empty());
    assert_eq!(again.already_applied, [FIRST, NEXT]);
    // Up to the first one: the database has moved on (`device`).
    let error = baseline::baseline::<NextMigrator>(db, FIRST)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("device"), "{error}");
}

#[tokio::test]
async fn a_database_that_differs_is_refused_and_nothing_is_recorded() {
    // Without the index on `sync_conduit.enabled`.
    let test_db = built_by_hand(Some("CREATE INDEX idx_sync_conduit_enabled")).await;
    let db = &test_db.db;
    let error = baseline::baseline::<Migrator>(db, FIRST).await.unwrap_err();
    let BaselineError::Drift { findings, .. } = &error else {
        panic!("expected drift, got {error}");
    };
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let message = error.to_string();
    assert!(message.contains("idx_sync_conduit_enabled"), "{message}");
    assert!(message.contains("nothing was recorded"), "{message}");
    assert!(!has_migrations_table(db).await, "nothing was written");
}

#[tokio::test]
async fn an_unknown_migration_is_named_with_the_known_ones() {
    let test_db = built_by_hand(None).await;
    let error = baseline::baseline::<Migrator>(&test_db.db, "m2025_nope")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("no migration is called `m2025_nope`; the migrations are: {FIRST}")
    );
    assert!(!has_migrations_table(&test_db.db).await);
}
