//! `workload <derived|hand|none> <insert|read|latest> [rows]`: one run of a
//! runtime benchmark's work, for instruction counts under callgrind, which do
//! not depend on what else the machine is doing:
//!
//! ```sh
//! for side in none derived hand; do
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$side \
//!     target/release/workload $side read 20000 2>&1 | grep Collected
//! done
//! ```
//!
//! `none` does the setup only (database, schema, conduits, and for `read` and
//! `latest` the rows, written with plain SQL); a side's cost is its count
//! minus `none`'s. `insert` writes `rows` generations in batches; `read`
//! reads them back with their conduit; `latest` asks for the latest
//! generation of each conduit in turn, `rows / 100` times;
//! `latest_literal_limit` (derived only) does the same with `LIMIT 1` in the
//! SQL text instead of a bound parameter.

use fsync_bench::workload::{self, CONDUITS};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: workload <derived|hand|none> <insert|read|latest> [rows]";
    let (side, op) = match (args.first(), args.get(1)) {
        (Some(side), Some(op)) => (side.as_str(), op.as_str()),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let rows: usize = args.get(2).map_or(20_000, |r| r.parse().expect(usage));
    let db = workload::memory().await.unwrap();
    workload::create_schema(&db).await.unwrap();
    let conduits = workload::seed(&db, CONDUITS).await.unwrap();
    if op != "insert" {
        workload::fill_generations(&db, CONDUITS, rows)
            .await
            .unwrap();
    }
    match (side, op) {
        ("none", _) => {}
        ("derived", "insert") => workload::derived::insert_generations(&db, &conduits, rows)
            .await
            .unwrap(),
        ("hand", "insert") => workload::hand::insert_generations(&db, &conduits, rows)
            .await
            .unwrap(),
        ("derived", "read") => {
            assert_eq!(
                workload::derived::read_with_conduit(&db).await.unwrap(),
                rows
            )
        }
        ("hand", "read") => {
            assert_eq!(workload::hand::read_with_conduit(&db).await.unwrap(), rows)
        }
        ("derived", "latest") => {
            for i in 0..rows / 100 {
                let id = (i % CONDUITS) as i32 + 1;
                std::hint::black_box(fsync::sync::latest_generation(&db, id).await.unwrap());
            }
        }
        ("hand", "latest") => {
            for i in 0..rows / 100 {
                let id = (i % CONDUITS) as i32 + 1;
                std::hint::black_box(workload::hand::latest_generation(&db, id).await.unwrap());
            }
        }
        ("derived", "latest_literal_limit") => {
            for i in 0..rows / 100 {
                let id = (i % CONDUITS) as i32 + 1;
                std::hint::black_box(
                    workload::derived::latest_generation_literal_limit(&db, id)
                        .await
                        .unwrap(),
                );
            }
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
