//! Runtime cost of the derived entities against hand-written SeaORM ones, on
//! SQLite in memory (no disk, so the ORM's own work is the largest share):
//!
//! - `insert_100k`: 100,000 `sync_generation` rows in `insert_many` batches of
//!   1,000, in one transaction, on a fresh database each iteration;
//! - `read_100k_with_conduit`: the same rows read back with their conduit
//!   (`find_also_related`, one join), text enums decoded on both tables.
//!
//! Goal: derived / hand-written ≤ 1.02. Run with
//! `cargo bench -p fsync-bench --bench runtime`; the ratios print at the end.

use criterion::{Criterion, criterion_group};
use fsync_bench::{report, workload};
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

const ROWS: usize = 100_000;

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
                        workload::$side::insert_generations(&db, &conduits, ROWS)
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
        workload::derived::insert_generations(&db, &conduits, ROWS)
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
            assert_eq!(black_box(n), ROWS);
        })
    });
    group.bench_function("hand", |b| {
        b.to_async(&rt).iter(|| async {
            let n = workload::hand::read_with_conduit(&db).await.unwrap();
            assert_eq!(black_box(n), ROWS);
        })
    });
    group.finish();
}

criterion_group!(benches, insert, read);

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
}
