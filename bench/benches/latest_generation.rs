//! The latest generation of a conduit among 1,000,000 `sync_generation` rows
//! (100 conduits × 10,000 generations), through `idx_sync_generation_conduit`,
//! on a SQLite file: `fsync::sync::latest_generation` (derived entities)
//! against the same query on the hand-written entities.
//!
//! Goal: p50 ≤ 0.1 ms. Criterion times batches of calls (its median is the
//! median batch mean); after it, every call of a 20,000-call pass per side is
//! timed alone, the sides taking turns (each going first in a third of the
//! rounds), for p50/p90/p99, with a third line for
//! the same query with `LIMIT 1` in the SQL text instead of bound (SeaORM
//! binds it, which makes SQLite re-prepare the statement on every call; see
//! `docs/BENCHMARKS.md`). No `ANALYZE`, as the application runs none
//! (`FSYNC_BENCH_ANALYZE=1` runs it after the fill). Run with
//! `cargo bench -p fsync-bench --bench latest_generation`.

use criterion::Criterion;
use fsync_bench::{report, workload};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

const CONDUITS: usize = 100;

/// The rows of the table: 1M, or 10,000 in a test run.
fn rows() -> usize {
    if report::test_run() {
        10_000
    } else {
        1_000_000
    }
}

/// The calls per side timed alone: 20,000, or 100 in a test run.
fn calls() -> usize {
    if report::test_run() { 100 } else { 20_000 }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A SQLite file holding 1M generations; removed with the directory.
async fn database(dir: &std::path::Path) -> DatabaseConnection {
    let path = dir.join("generations.db");
    let db = fsync::db::connect(&fsync::db::sqlite_url(&path))
        .await
        .unwrap();
    workload::create_schema(&db).await.unwrap();
    workload::seed(&db, CONDUITS).await.unwrap();
    let start = Instant::now();
    workload::fill_generations(&db, CONDUITS, rows())
        .await
        .unwrap();
    eprintln!(
        "filled {} rows in {:.1} s",
        rows(),
        start.elapsed().as_secs_f64()
    );
    if std::env::var_os("FSYNC_BENCH_ANALYZE").is_some() {
        workload::exec(&db, "ANALYZE").await.unwrap();
        eprintln!("ran ANALYZE (FSYNC_BENCH_ANALYZE)");
    }
    let plan = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "EXPLAIN QUERY PLAN SELECT * FROM sync_generation WHERE conduit_id = 7 \
             ORDER BY generation DESC LIMIT 1",
        ))
        .await
        .unwrap();
    for row in plan {
        let detail: String = row.try_get("", "detail").unwrap();
        eprintln!("query plan: {detail}");
        assert!(
            detail.contains("idx_sync_generation_conduit"),
            "the query must use the index: {detail}"
        );
    }
    db
}

/// Conduit for call `i`: every conduit in turn.
fn conduit(i: usize) -> i32 {
    (i % CONDUITS) as i32 + 1
}

fn bench(c: &mut Criterion, rt: &tokio::runtime::Runtime, db: &DatabaseConnection) {
    let mut group = c.benchmark_group("latest_generation_1m");
    group.measurement_time(Duration::from_secs(5));
    let mut i = 0;
    group.bench_function("derived", |b| {
        b.to_async(rt).iter(|| {
            i += 1;
            let id = conduit(i);
            async move {
                let row = fsync::sync::latest_generation(db, id).await.unwrap();
                black_box(row.unwrap().generation)
            }
        })
    });
    group.bench_function("hand", |b| {
        b.to_async(rt).iter(|| {
            i += 1;
            let id = conduit(i);
            async move {
                let row = workload::hand::latest_generation(db, id).await.unwrap();
                black_box(row.unwrap().generation)
            }
        })
    });
    group.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Times each call alone, the sides taking turns, and prints percentiles.
fn latencies(rt: &tokio::runtime::Runtime, db: &DatabaseConnection) {
    let (mut derived, mut hand) = (Vec::with_capacity(calls()), Vec::with_capacity(calls()));
    let mut literal = Vec::with_capacity(calls());
    rt.block_on(async {
        for i in 0..calls() {
            // The three queries in turn, starting with a different one each time.
            for k in 0..3 {
                let id = conduit(i);
                let start = Instant::now();
                let generation = match (i + k) % 3 {
                    0 => fsync::sync::latest_generation(db, id)
                        .await
                        .map(|r| r.map(|m| m.generation)),
                    1 => workload::hand::latest_generation(db, id)
                        .await
                        .map(|r| r.map(|m| m.generation)),
                    _ => workload::derived::latest_generation_literal_limit(db, id)
                        .await
                        .map(|r| r.map(|m| m.generation)),
                }
                .unwrap();
                let elapsed = start.elapsed();
                [&mut derived, &mut hand, &mut literal][(i + k) % 3].push(elapsed);
                assert_eq!(black_box(generation), Some((rows() / CONDUITS) as i64));
            }
        }
    });
    derived.sort();
    hand.sort();
    literal.sort();
    println!(
        "\nlatest generation among {} rows, each of {} calls per side timed alone (goal: p50 ≤ 0.1 ms)",
        rows(),
        calls()
    );
    for (name, times) in [
        ("derived", &derived),
        ("hand", &hand),
        ("derived, LIMIT 1 in the SQL text", &literal),
    ] {
        println!(
            "  {name:<8} p50 {}  p90 {}  p99 {}  max {}",
            report::human(percentile(times, 0.5).as_nanos() as f64),
            report::human(percentile(times, 0.9).as_nanos() as f64),
            report::human(percentile(times, 0.99).as_nanos() as f64),
            report::human(times[times.len() - 1].as_nanos() as f64),
        );
    }
    let ratio =
        percentile(&derived, 0.5).as_nanos() as f64 / percentile(&hand, 0.5).as_nanos() as f64;
    let p50 = percentile(&derived, 0.5);
    println!(
        "  p50 derived / hand = {ratio:.3}; derived p50 {} the goal",
        if report::test_run() {
            "(a test run: no verdict on)"
        } else if p50 <= Duration::from_micros(100) {
            "meets"
        } else {
            "MISSES"
        }
    );
}

fn main() {
    let since = SystemTime::now();
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let db = rt.block_on(database(dir.path()));
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &rt, &db);
    criterion.final_summary();
    report::print_ratios(
        "latest generation among 1M rows",
        &[("latest_generation_1m", "derived", "hand")],
        1.02,
        since,
    );
    latencies(&rt, &db);
}
