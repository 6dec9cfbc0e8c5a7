//! The online plan (PostgreSQL changes that let writes go on), run as a
//! generated migration runs it: `Migration` through `apply_online` in a
//! transaction, then `Concurrently` through `apply_concurrently` outside one.
//! The same migrations run the plain plan on SQLite and MariaDB.

mod common;

use common::TestDb;
use fsync_schema::migration::prelude::*;
use fsync_schema::migration::{self, Command};
use fsync_schema::{Backend, Column, ColumnType, ForeignKey, Schema, Table};
use fsync_test_macros::{each_backend, needs};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

const ONLINE: Online = Online {
    lock_timeout: "300ms",
};

fn parent() -> Table {
    Table::new("parent")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .primary_key(["id"])
}

/// `item` before and after the second migration, which adds a column, a
/// foreign key, an index and a UNIQUE constraint to it.
fn schemas() -> (Schema, Schema) {
    let item = Table::new("item")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("parent_id", ColumnType::Integer))
        .primary_key(["id"]);
    let before = Schema::new([parent(), item.clone()]);
    let after = item
        .with_column(Column::new("note", ColumnType::Text).nullable())
        .foreign_key(ForeignKey::new(["parent_id"], "parent", ["id"]))
        .index("idx_item_parent", ["parent_id"])
        .unique(None, ["parent_id", "id"]);
    (before, Schema::new([parent(), after]))
}

fn create_steps() -> Vec<Step> {
    fsync_schema::changes::steps(&Schema::default(), &schemas().0)
}

fn online_steps() -> Vec<Step> {
    let (before, after) = schemas();
    fsync_schema::changes::steps(&before, &after)
}

struct Create;
struct Evolve;
struct EvolveConcurrently;

impl MigrationName for Create {
    fn name(&self) -> &str {
        "m20260101_000001_create"
    }
}
impl MigrationName for Evolve {
    fn name(&self) -> &str {
        "m20260101_000002_evolve"
    }
}
impl MigrationName for EvolveConcurrently {
    fn name(&self) -> &str {
        "m20260101_000002_evolve_concurrently"
    }
}

#[async_trait]
impl MigrationTrait for Create {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &create_steps(), Direction::Up).await
    }
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &create_steps(), Direction::Down).await
    }
}

#[async_trait]
impl MigrationTrait for Evolve {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_online(manager, &online_steps(), &[], Direction::Up, &ONLINE).await
    }
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_online(manager, &online_steps(), &[], Direction::Down, &ONLINE).await
    }
}

#[async_trait]
impl MigrationTrait for EvolveConcurrently {
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_concurrently(manager, &online_steps(), Direction::Up, &ONLINE).await
    }
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_concurrently(manager, &online_steps(), Direction::Down, &ONLINE).await
    }
}

struct Migrator;

#[async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Create),
            Box::new(Evolve),
            Box::new(EvolveConcurrently),
        ]
    }
}

async fn query_i64(test: &TestDb, sql: &str) -> Vec<i64> {
    test.db
        .query_all_raw(Statement::from_string(test.db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

/// Whether each named index is valid, each named constraint validated, and
/// the UNIQUE constraint there (PostgreSQL).
async fn pg_state(test: &TestDb) -> (Vec<bool>, Vec<bool>, Vec<bool>) {
    let read = |sql: &'static str| async move {
        test.db
            .query_all_raw(Statement::from_string(test.db.get_database_backend(), sql))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index::<bool>(0).unwrap())
            .collect::<Vec<bool>>()
    };
    let indexes = read(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = 'idx_item_parent' AND c.relnamespace = current_schema()::regnamespace",
    )
    .await;
    let constraints = read(
        "SELECT convalidated FROM pg_constraint WHERE conname = 'fk_item_parent_id' \
         AND connamespace = current_schema()::regnamespace",
    )
    .await;
    let uniques = read(
        "SELECT i.indisvalid FROM pg_constraint k JOIN pg_index i ON i.indexrelid = k.conindid \
         WHERE k.conname = 'item_parent_id_id_key' AND k.contype = 'u' \
         AND k.connamespace = current_schema()::regnamespace",
    )
    .await;
    (indexes, constraints, uniques)
}

/// A fresh PostgreSQL database for a test of PostgreSQL's plan, if its
/// server is configured.
async fn postgres(test: &str) -> Option<TestDb> {
    std::env::var("FSYNC_TEST_POSTGRES_URL").ok()?;
    Some(common::db(Backend::Postgres, test).await)
}

async fn seed(test: &TestDb) {
    common::exec(&test.db, "INSERT INTO parent (id) VALUES (1), (2)").await;
    let rows = match test.backend {
        Backend::Postgres => {
            "INSERT INTO item (parent_id) SELECT 1 + g % 2 FROM generate_series(1, 2000) AS g"
        }
        _ => "INSERT INTO item (parent_id) VALUES (1), (2), (1), (2)",
    };
    common::exec(&test.db, rows).await;
}

#[each_backend]
async fn the_online_plan_indexes_and_constrains_a_table_with_rows(backend: Backend) {
    let test = common::db(backend, "online").await;
    let backend = test.backend;
    migration::run::<Migrator>(&test.db, Command::Up(Some(1)))
        .await
        .unwrap();
    seed(&test).await;
    migration::run::<Migrator>(&test.db, Command::Up(None))
        .await
        .unwrap();
    if backend == Backend::Postgres {
        assert_eq!(pg_state(&test).await, (vec![true], vec![true], vec![true]));
    }
    // The foreign key holds, on every backend.
    let orphan = Statement::from_string(
        test.db.get_database_backend(),
        "INSERT INTO item (parent_id) VALUES (99)",
    );
    assert!(test.db.execute_raw(orphan).await.is_err(), "{backend:?}");
    migration::run::<Migrator>(&test.db, Command::Down(Some(2)))
        .await
        .unwrap();
    if backend == Backend::Postgres {
        assert_eq!(pg_state(&test).await, (vec![], vec![], vec![]));
    }
    let count = query_i64(&test, "SELECT COUNT(*) FROM item").await;
    let expected = if backend == Backend::Postgres {
        2000
    } else {
        4
    };
    assert_eq!(count, [expected], "{backend:?}: rows kept");
    migration::run::<Migrator>(&test.db, Command::Up(None))
        .await
        .unwrap();
    test.drop_database().await;
}

#[tokio::test]
#[needs(postgres)]
async fn an_invalid_index_left_by_an_interrupted_build_is_rebuilt() {
    let Some(test) = postgres("online_invalid").await else {
        return;
    };
    migration::run::<Migrator>(&test.db, Command::Up(Some(2)))
        .await
        .unwrap();
    seed(&test).await;
    // A concurrent build that fails part-way (here on duplicate values)
    // leaves its index behind, invalid, as an interrupted one does.
    let interrupted = Statement::from_string(
        test.db.get_database_backend(),
        "CREATE UNIQUE INDEX CONCURRENTLY idx_item_parent ON item (parent_id)",
    );
    let error = test.db.execute_raw(interrupted).await.unwrap_err();
    let text = fsync_schema::connect::error_text(&error);
    assert!(
        text.contains("\n  detail: Key (parent_id)=(") && text.contains("is duplicated"),
        "PostgreSQL's DETAIL names the rows: {text}"
    );
    assert_eq!(pg_state(&test).await, (vec![false], vec![false], vec![]));
    migration::run::<Migrator>(&test.db, Command::Up(None))
        .await
        .unwrap();
    assert_eq!(pg_state(&test).await, (vec![true], vec![true], vec![true]));
    let unique = query_i64(
        &test,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = 'idx_item_parent' AND c.relnamespace = current_schema()::regnamespace AND i.indisunique",
    )
    .await;
    assert_eq!(
        unique,
        [0],
        "the migration's own index replaced the leftover"
    );
    test.drop_database().await;
}

#[tokio::test]
#[needs(postgres)]
async fn a_lock_timeout_fails_clearly_and_changes_nothing() {
    let Some(test) = postgres("online_lock").await else {
        return;
    };
    migration::run::<Migrator>(&test.db, Command::Up(Some(1)))
        .await
        .unwrap();
    seed(&test).await;
    // Another session holds the table.
    let other = fsync::db::connect(&test.url).await.unwrap();
    let holder = other.begin().await.unwrap();
    holder
        .execute_raw(Statement::from_string(
            holder.get_database_backend(),
            "LOCK TABLE item IN ACCESS EXCLUSIVE MODE",
        ))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let error = migration::run::<Migrator>(&test.db, Command::Up(None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "it gave up instead of queueing"
    );
    assert!(
        error.contains("waited longer than lock_timeout 300ms")
            && error.contains("nothing was changed"),
        "{error}"
    );
    holder.rollback().await.unwrap();
    other.close().await.unwrap();
    let note = query_i64(
        &test,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = 'item' AND column_name = 'note'",
    )
    .await;
    assert_eq!(
        note,
        [0],
        "the column added before the timeout was rolled back"
    );
    assert_eq!(pg_state(&test).await, (vec![], vec![], vec![]));
    let applied = Migrator::get_applied_migrations(&test.db).await.unwrap();
    assert_eq!(applied.len(), 1);
    migration::run::<Migrator>(&test.db, Command::Up(None))
        .await
        .unwrap();
    assert_eq!(pg_state(&test).await, (vec![true], vec![true], vec![true]));
    test.drop_database().await;
}

/// The runner `migrate` uses (not sea-orm-migration's): it runs the
/// `Concurrently` part outside a transaction, plans both parts for a dry
/// run, and rolls back the transactional part even when the concurrent one
/// never ran.
#[tokio::test]
#[needs(postgres)]
async fn the_runner_runs_the_online_plan_and_its_dry_run_shows_it() {
    use fsync_schema::migration::Runner;
    let Some(test) = postgres("online_runner").await else {
        return;
    };
    let runner = Runner::of::<Migrator>(&test.db).with_steps([
        ("m20260101_000001_create", create_steps()),
        ("m20260101_000002_evolve", online_steps()),
    ]);
    runner.run(Command::Up(Some(1)), false).await.unwrap();
    seed(&test).await;

    let plan = runner.plan(Command::Up(None)).await.unwrap();
    let [main, concurrent] = &plan.migrations[..] else {
        panic!("two parts: {plan:?}");
    };
    assert!(main.in_transaction && !concurrent.in_transaction);
    let main = main.statements.as_ref().unwrap().join("\n");
    let concurrent = concurrent.statements.as_ref().unwrap().join("\n");
    assert!(main.contains("SET LOCAL lock_timeout"), "{main}");
    assert!(main.contains("NOT VALID"), "{main}");
    assert!(!main.contains("CONCURRENTLY"), "{main}");
    for expected in [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"idx_item_parent\"",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"item_parent_id_id_key\"",
        "UNIQUE USING INDEX \"item_parent_id_id_key\"",
        "VALIDATE CONSTRAINT \"fk_item_parent_id\"",
    ] {
        assert!(concurrent.contains(expected), "{expected}:\n{concurrent}");
    }
    assert_eq!(pg_state(&test).await, (vec![], vec![], vec![]), "dry run");

    // The transactional part alone, then rolled back: what the
    // concurrent part would have built is dropped if it exists.
    runner.run(Command::Up(Some(1)), false).await.unwrap();
    assert_eq!(pg_state(&test).await, (vec![], vec![false], vec![]));
    runner.run(Command::Down(Some(1)), false).await.unwrap();
    assert_eq!(pg_state(&test).await, (vec![], vec![], vec![]));

    let report = runner.run(Command::Up(None), false).await.unwrap();
    assert_eq!(report.applied.len(), 2, "{report:?}");
    assert_eq!(pg_state(&test).await, (vec![true], vec![true], vec![true]));
    runner.run(Command::Down(Some(2)), false).await.unwrap();
    assert_eq!(pg_state(&test).await, (vec![], vec![], vec![]));
    assert_eq!(query_i64(&test, "SELECT COUNT(*) FROM item").await, [2000]);
    test.drop_database().await;
}

/// Off PostgreSQL the `Concurrently` part runs nothing: its dry run says
/// so and lists only its record, and the main part is the plain plan.
#[tokio::test]
async fn off_postgres_the_concurrent_part_plans_only_its_record() {
    use fsync_schema::migration::Runner;
    let test = common::sqlite().await;
    let runner = Runner::of::<Migrator>(&test.db).with_steps([
        ("m20260101_000001_create", create_steps()),
        ("m20260101_000002_evolve", online_steps()),
    ]);
    let plan = runner.plan(Command::Up(None)).await.unwrap();
    let [_, main, concurrent] = &plan.migrations[..] else {
        panic!("three migrations: {plan:?}");
    };
    let main = main.statements.as_ref().unwrap().join("\n");
    assert!(
        !main.contains("lock_timeout") && !main.contains("NOT VALID"),
        "{main}"
    );
    let concurrent = concurrent.statements.as_deref().unwrap();
    assert_eq!(concurrent.len(), 2, "{concurrent:?}");
    assert_eq!(
        concurrent[0],
        "-- nothing to run on sqlite: this part builds indexes concurrently on PostgreSQL only"
    );
    assert!(concurrent[1].starts_with("INSERT INTO \"seaql_migrations\""));
    let report = runner.run(Command::Up(None), false).await.unwrap();
    assert_eq!(report.applied.len(), 3);
}

/// The concurrent part waits for old transactions as long as they last,
/// even on a connection whose lock waits the tools bound (here to 1 s); the
/// connection's bound is back afterwards.
#[tokio::test]
#[needs(postgres)]
async fn the_concurrent_part_outwaits_the_sessions_lock_timeout() {
    use fsync_schema::connect::{ConnectSettings, connect};
    use fsync_schema::migration::Runner;
    use std::time::{Duration, Instant};
    let Some(test) = postgres("online_outwait").await else {
        return;
    };
    let settings =
        ConnectSettings::migrate(Duration::from_secs(5)).with_lock_timeout(Duration::from_secs(1));
    let db = connect(&test.url, &settings).await.unwrap();
    let runner = Runner::of::<Migrator>(&db).with_steps([
        ("m20260101_000001_create", create_steps()),
        ("m20260101_000002_evolve", online_steps()),
    ]);
    runner.run(Command::Up(Some(1)), false).await.unwrap();
    seed(&test).await;
    // A transaction whose snapshot `CREATE INDEX CONCURRENTLY` waits for
    // (it locks no table, so the transactional part does not wait).
    let old = test
        .db
        .begin_with_config(Some(sea_orm::IsolationLevel::RepeatableRead), None)
        .await
        .unwrap();
    common::exec(&old, "SELECT 1").await;
    let ends = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        old.commit().await.unwrap();
    });
    let started = Instant::now();
    let report = runner.run(Command::Up(None), false).await.unwrap();
    assert_eq!(report.applied.len(), 2, "{report:?}");
    assert!(started.elapsed() > Duration::from_secs(2), "it waited");
    ends.await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SHOW lock_timeout",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "1s");
    db.close().await.unwrap();
    test.drop_database().await;
}

/// Through PgBouncer in transaction mode the transactional parts run, and
/// the `Concurrently` part, which needs a session, is refused with the
/// server's direct URL; run there, it completes the migration.
#[tokio::test(flavor = "multi_thread")]
#[needs(postgres)]
async fn through_a_transaction_pooler_the_concurrent_part_is_refused_naming_the_direct_url() {
    use fsync_schema::connect::{self, ConnectSettings};
    use fsync_schema::migration::{MigrateError, Runner};
    let Some(test) = postgres("online_pooler").await else {
        return;
    };
    let server = std::env::var("FSYNC_TEST_POSTGRES_URL").unwrap();
    let bouncer = common::topology::PgBouncer::start(&server, "transaction", true);
    let name = test.url.rsplit('/').next().unwrap();
    let settings = ConnectSettings::migrate(std::time::Duration::from_secs(5));
    let pooled = connect::connect(&bouncer.url(name), &settings)
        .await
        .unwrap();
    let steps = || {
        [
            ("m20260101_000001_create", create_steps()),
            ("m20260101_000002_evolve", online_steps()),
        ]
    };
    let runner = Runner::of::<Migrator>(&pooled).with_steps(steps());
    let pooler = runner
        .topology()
        .await
        .unwrap()
        .pooler
        .clone()
        .expect("detected");
    assert_eq!(pooler.client, format!("127.0.0.1:{}", bouncer.port));
    match runner.run(Command::Up(None), false).await {
        Err(MigrateError::AfterSome { done, error }) => {
            assert_eq!(
                done.applied,
                ["m20260101_000001_create", "m20260101_000002_evolve"]
            );
            assert!(matches!(*error, MigrateError::NeedsSession { .. }));
            let text = error.to_string();
            assert!(
                text.starts_with(
                    "migration `m20260101_000002_evolve_concurrently` runs outside a transaction"
                ) && text.contains(&format!(
                    "e.g. `postgres://postgres@{}/{name}`",
                    pooler.server.unwrap()
                )),
                "{text}"
            );
        }
        other => panic!("refused, not {other:?}"),
    }
    let status = runner.status().await.unwrap();
    assert_eq!(status.summary(), "2 applied, 1 pending");
    assert_eq!(pg_state(&test).await, (vec![], vec![false], vec![]));

    let direct = Runner::of::<Migrator>(&test.db).with_steps(steps());
    assert!(direct.topology().await.unwrap().pooler.is_none());
    let report = direct.run(Command::Up(None), false).await.unwrap();
    assert_eq!(report.applied, ["m20260101_000002_evolve_concurrently"]);
    assert_eq!(
        runner.status().await.unwrap().summary(),
        "3 applied, 0 pending"
    );
    pooled.close().await.unwrap();
    drop(bouncer);
    test.drop_database().await;
}
