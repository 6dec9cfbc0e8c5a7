//! The longest write stall while `migrate up` adds an index and a foreign key
//! to a PostgreSQL table of 1,000,000 rows, with the plain plan (one
//! transaction: `ADD FOREIGN KEY`, `CREATE INDEX`) and with the online plan
//! (`ADD .. NOT VALID` under `lock_timeout`, then `VALIDATE CONSTRAINT` and
//! `CREATE INDEX CONCURRENTLY` outside the transaction), in the same run.
//!
//! A writer inserts one row at a time into the table on its own connection,
//! back to back, timing each insert; the stall is the longest insert that
//! overlaps the migration. Goal: online ≤ 100 ms. Needs a server:
//! `FSYNC_BENCH_POSTGRES_URL` (or `FSYNC_TEST_POSTGRES_URL`); `FSYNC_BENCH_ROWS`
//! changes the row count. Run with
//! `cargo bench -p fsync-bench --bench online_stall`.

use fsync_schema::migration::prelude::*;
use fsync_schema::migration::{self, Command, Runner};
use fsync_schema::{Column, ColumnType, ForeignKey, Schema, Table};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ONLINE: Online = Online { lock_timeout: "5s" };
const PARENTS: i64 = 100;

fn schemas() -> (Schema, Schema) {
    let parent = Table::new("parent")
        .with_column(Column::new("id", ColumnType::Integer))
        .primary_key(["id"]);
    let item = Table::new("item")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("parent_id", ColumnType::Integer))
        .primary_key(["id"]);
    let before = Schema::new([parent.clone(), item.clone()]);
    let after = item
        .foreign_key(ForeignKey::new(["parent_id"], "parent", ["id"]))
        .index("idx_item_parent", ["parent_id"]);
    (before, Schema::new([parent, after]))
}

fn create_steps() -> Vec<Step> {
    fsync_schema::changes::steps(&Schema::default(), &schemas().0)
}

fn evolve_steps() -> Vec<Step> {
    let (before, after) = schemas();
    fsync_schema::changes::steps(&before, &after)
}

struct Create;
struct Plain;
struct Evolve;
struct EvolveConcurrently;

impl MigrationName for Create {
    fn name(&self) -> &str {
        "m20260101_000001_create"
    }
}
impl MigrationName for Plain {
    fn name(&self) -> &str {
        "m20260101_000002_evolve"
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
}

#[async_trait]
impl MigrationTrait for Plain {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply(manager, &evolve_steps(), Direction::Up).await
    }
}

#[async_trait]
impl MigrationTrait for Evolve {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_online(manager, &evolve_steps(), &[], Direction::Up, &ONLINE).await
    }
}

#[async_trait]
impl MigrationTrait for EvolveConcurrently {
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        apply_concurrently(manager, &evolve_steps(), Direction::Up, &ONLINE).await
    }
}

struct PlainMigrator;
struct OnlineMigrator;

#[async_trait]
impl MigratorTrait for PlainMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(Create), Box::new(Plain)]
    }
}

#[async_trait]
impl MigratorTrait for OnlineMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Create),
            Box::new(Evolve),
            Box::new(EvolveConcurrently),
        ]
    }
}

async fn connect(url: &str, schema: Option<&str>) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    if let Some(schema) = schema {
        options.set_schema_search_path(schema.to_owned());
    }
    Database::connect(options)
        .await
        .expect("cannot connect to PostgreSQL")
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One plan's run: (longest insert overlapping the migration, inserts during
/// it, migration time, longest insert before it).
struct Run {
    stall: Duration,
    inserts: usize,
    migration: Duration,
    before: Duration,
}

async fn run(url: &str, online: bool, rows: i64) -> Run {
    let schema = format!(
        "fsync_bench_stall_{}_{}",
        if online { "online" } else { "plain" },
        std::process::id()
    );
    let admin = connect(url, None).await;
    exec(
        &admin,
        &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
    )
    .await;
    exec(&admin, &format!("CREATE SCHEMA \"{schema}\"")).await;
    let db = connect(url, Some(&schema)).await;
    migration::run::<PlainMigrator>(&db, Command::Up(Some(1)))
        .await
        .unwrap();
    exec(
        &db,
        &format!("INSERT INTO parent (id) SELECT g FROM generate_series(1, {PARENTS}) AS g"),
    )
    .await;
    exec(
        &db,
        &format!(
            "INSERT INTO item (parent_id) SELECT 1 + g % {PARENTS} FROM generate_series(1, {rows}) AS g"
        ),
    )
    .await;
    exec(&db, "VACUUM ANALYZE item").await;

    let writer_db = connect(url, Some(&schema)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut timings = Vec::new();
            let mut n = 0_i64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let sql = format!("INSERT INTO item (parent_id) VALUES ({})", 1 + n % PARENTS);
                let start = Instant::now();
                writer_db
                    .execute_raw(Statement::from_string(
                        writer_db.get_database_backend(),
                        sql,
                    ))
                    .await
                    .expect("the writer's insert");
                timings.push((start, start.elapsed()));
            }
            timings
        })
    };
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let started = Instant::now();
    // Through the runner `migrate up` uses (advisory lock, one transaction
    // per migration, the `Concurrently` part outside it).
    let steps = [
        ("m20260101_000001_create", create_steps()),
        ("m20260101_000002_evolve", evolve_steps()),
    ];
    if online {
        Runner::of::<OnlineMigrator>(&db).with_steps(steps)
    } else {
        Runner::of::<PlainMigrator>(&db).with_steps(steps)
    }
    .run(Command::Up(None), false)
    .await
    .expect("the migration");
    let ended = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let timings = writer.await.unwrap();
    let during: Vec<Duration> = timings
        .iter()
        .filter(|(start, took)| *start <= ended && *start + *took >= started)
        .map(|(_, took)| *took)
        .collect();
    let before = timings
        .iter()
        .filter(|(start, _)| *start + Duration::from_millis(200) < started)
        .map(|(_, took)| *took)
        .max()
        .unwrap_or_default();
    let _ = db.close().await;
    exec(&admin, &format!("DROP SCHEMA \"{schema}\" CASCADE")).await;
    Run {
        stall: during.iter().copied().max().unwrap_or_default(),
        inserts: during.len(),
        migration: ended - started,
        before,
    }
}

fn main() {
    let Some(url) = ["FSYNC_BENCH_POSTGRES_URL", "FSYNC_TEST_POSTGRES_URL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()))
    else {
        eprintln!("skipped: set FSYNC_BENCH_POSTGRES_URL to a PostgreSQL server");
        return;
    };
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rows: i64 = std::env::var("FSYNC_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if fsync_bench::report::test_run() {
            1_000
        } else {
            1_000_000
        });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        println!(
            "online_stall: {rows} rows; `migrate up` adds a foreign key and an index to them while a writer inserts"
        );
        println!("plan    longest stall  inserts during  migration  longest insert before");
        let mut stalls = Vec::new();
        for online in [false, true] {
            let run = run(&url, online, rows).await;
            println!(
                "{:<7} {:>10.1} ms  {:>14}  {:>6.0} ms  {:>10.1} ms",
                if online { "online" } else { "plain" },
                run.stall.as_secs_f64() * 1e3,
                run.inserts,
                run.migration.as_secs_f64() * 1e3,
                run.before.as_secs_f64() * 1e3,
            );
            stalls.push(run.stall);
        }
        println!(
            "online / plain longest stall: {:.3} (goal: online ≤ 100 ms: {})",
            stalls[1].as_secs_f64() / stalls[0].as_secs_f64(),
            if fsync_bench::report::test_run() {
                "a test run, no verdict"
            } else if stalls[1] <= Duration::from_millis(100) {
                "met"
            } else {
                "missed"
            }
        );
    });
}
