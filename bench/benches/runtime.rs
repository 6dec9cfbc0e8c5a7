//! Runtime cost of the derived entities against hand-written SeaORM ones, on
//! SQLite in memory (no disk, so the ORM's own work is the largest share):
//!
//! - `insert_100k`: 100,000 `sync_generation` rows in `insert_many` batches of
//!   1,000, in one transaction, on a fresh database each iteration;
//! - `read_100k_with_conduit`: the same rows read back with their conduit
//!   (`find_also_related`, one join), text enums decoded on both tables.
//!
//! Goal: derived / hand-written ≤ 1.02. Run with
//! `cargo bench -p fsync-bench --bench runtime`; the ratios print at the end,
//! followed by a pass of paired runs, the sides alternating, which a changing
//! background load disturbs less than criterion's one-side-then-the-other.
//! Instruction counts, which no load disturbs: `src/bin/workload.rs`.

use criterion::{Criterion, criterion_group};
use fsync_bench::{report, workload};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

/// The rows of each operation: 100,000, or 1,000 in a test run (`cargo test
/// --benches`, which checks that the benchmark works and gives no verdict).
fn rows() -> usize {
    if report::test_run() { 1_000 } else { 100_000 }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn insert(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("insert_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    macro_rules! side {
        ($name:literal, $side:ident) => {
            group.bench_function($name, |b| {
                b.to_async(&rt).iter_custom(|iters| async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let db = workload::memory().await.unwrap();
                        workload::create_schema(&db).await.unwrap();
                        let conduits = workload::seed(&db, workload::CONDUITS).await.unwrap();
                        let start = Instant::now();
                        workload::$side::insert_generations(&db, &conduits, rows())
                            .await
                            .unwrap();
                        total += start.elapsed();
                        db.close().await.unwrap();
                    }
                    total
                })
            });
        };
    }
    side!("derived", derived);
    side!("hand", hand);
    group.finish();
}

fn read(c: &mut Criterion) {
    let rt = runtime();
    let db = rt.block_on(async {
        let db = workload::memory().await.unwrap();
        workload::create_schema(&db).await.unwrap();
        let conduits = workload::seed(&db, workload::CONDUITS).await.unwrap();
        workload::derived::insert_generations(&db, &conduits, rows())
            .await
            .unwrap();
        db
    });
    let mut group = c.benchmark_group("read_100k_with_conduit");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("derived", |b| {
        b.to_async(&rt).iter(|| async {
            let n = workload::derived::read_with_conduit(&db).await.unwrap();
            assert_eq!(black_box(n), rows());
        })
    });
    group.bench_function("hand", |b| {
        b.to_async(&rt).iter(|| async {
            let n = workload::hand::read_with_conduit(&db).await.unwrap();
            assert_eq!(black_box(n), rows());
        })
    });
    group.finish();
}

criterion_group!(benches, insert, read);

/// Pairs for [`paired`]: `$FSYNC_BENCH_PAIRS`, default 10 (1 in a test run;
/// 0 skips the pass).
fn pairs() -> usize {
    std::env::var("FSYNC_BENCH_PAIRS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(if report::test_run() { 1 } else { 10 })
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The same work timed in pairs, the two sides alternating (derived first in
/// even pairs, hand first in odd ones), so that a change of background load
/// hits both sides alike; prints the medians and the median of the per-pair
/// ratios.
fn paired(rt: &tokio::runtime::Runtime, pairs: usize) {
    if pairs == 0 {
        return;
    }
    println!("\npaired runs, sides alternating ({pairs} pairs; FSYNC_BENCH_PAIRS to change)");
    let read_db = rt.block_on(async {
        let db = workload::memory().await.unwrap();
        workload::create_schema(&db).await.unwrap();
        workload::seed(&db, workload::CONDUITS).await.unwrap();
        workload::fill_generations(&db, workload::CONDUITS, rows())
            .await
            .unwrap();
        db
    });
    for op in ["insert_100k", "read_100k_with_conduit"] {
        let mut times = [Vec::new(), Vec::new()];
        for k in 0..pairs {
            let order = if k % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in order {
                let elapsed = rt.block_on(async {
                    if op == "insert_100k" {
                        let db = workload::memory().await.unwrap();
                        workload::create_schema(&db).await.unwrap();
                        let conduits = workload::seed(&db, workload::CONDUITS).await.unwrap();
                        let start = Instant::now();
                        if side == 0 {
                            workload::derived::insert_generations(&db, &conduits, rows()).await
                        } else {
                            workload::hand::insert_generations(&db, &conduits, rows()).await
                        }
                        .unwrap();
                        start.elapsed()
                    } else {
                        let start = Instant::now();
                        let n = if side == 0 {
                            workload::derived::read_with_conduit(&read_db).await
                        } else {
                            workload::hand::read_with_conduit(&read_db).await
                        }
                        .unwrap();
                        assert_eq!(n, rows());
                        start.elapsed()
                    }
                });
                times[side].push(elapsed);
            }
        }
        let mut ratios: Vec<f64> = times[0]
            .iter()
            .zip(&times[1])
            .map(|(d, h)| d.as_secs_f64() / h.as_secs_f64())
            .collect();
        ratios.sort_by(f64::total_cmp);
        let (d, h) = (median(&mut times[0]), median(&mut times[1]));
        println!(
            "  {op}: derived median {} / hand median {} = {:.3}; per-pair ratios median {:.3} (min {:.3}, max {:.3})",
            report::human(d.as_nanos() as f64),
            report::human(h.as_nanos() as f64),
            d.as_secs_f64() / h.as_secs_f64(),
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1],
        );
    }
}

fn main() {
    let since = SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    report::print_ratios(
        "runtime on SQLite in memory",
        &[
            ("insert_100k", "derived", "hand"),
            ("read_100k_with_conduit", "derived", "hand"),
        ],
        1.02,
        since,
    );
    paired(&runtime(), pairs());
}
