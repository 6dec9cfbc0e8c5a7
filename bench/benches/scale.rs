//! fsync-schema's tools on synthetic schemas of 10, 100 and 1,000 tables × 20
//! columns, with foreign keys, a UNIQUE and indexes per table
//! (`fsync_bench::synthetic`):
//!
//! - `migration`: what `cargo xtask gen-migration` does for a new schema: the
//!   diff from the empty schema, the SQLite statements of its steps, and the
//!   Rust source of the migration file; `diff`, `sql` and `codegen` time the
//!   three parts alone;
//! - `docs_check`: what the docs check does: the ```` ```sql ```` block of the
//!   schema's DDL parsed into the model, both sides normalized for SQLite and
//!   compared (no finding expected).
//!
//! Goal: 1,000 tables ≤ 1 s each, growth near-linear (criterion's throughput
//! is per table). Run with `cargo bench -p fsync-bench --bench scale`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use fsync_bench::{report, synthetic};
use fsync_schema::compare::{self, Sides};
use fsync_schema::{Backend, Schema, codegen, diff, migration, sql_docs};
use std::hint::black_box;
use std::time::{Duration, SystemTime};

const SIZES: [usize; 3] = [10, 100, 1_000];
const COLUMNS: usize = 20;

/// The whole of `gen-migration`'s work for a new schema.
fn migration_work(schema: &Schema) -> (usize, usize) {
    let steps = diff::diff(&Schema::default(), schema);
    let sql = migration::script(&steps, Backend::Sqlite);
    let file = codegen::migration_file(
        "m20250101_000001_synthetic",
        "cargo xtask gen-migration --name synthetic",
        &steps,
    );
    (sql.len(), file.len())
}

/// The docs check: parse the Markdown, normalize both sides, compare.
fn docs_check(schema: &Schema, markdown: &str) -> usize {
    let docs = sql_docs::parse_markdown("synthetic.md", markdown).expect("the docs parse");
    let findings = compare::compare_with(
        &sql_docs::comparable(schema),
        &sql_docs::comparable(&docs.schema),
        &Sides::new("entities", "docs"),
    );
    assert!(findings.is_empty(), "{}", findings[0]);
    findings.len()
}

fn group(
    c: &mut Criterion,
    name: &str,
    mut work: impl FnMut(&Schema, &str, &[fsync_schema::Step]),
) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for tables in SIZES {
        let schema = synthetic::schema(tables, COLUMNS);
        let markdown = synthetic::markdown(&schema);
        let steps = diff::diff(&Schema::default(), &schema);
        group.throughput(Throughput::Elements(tables as u64));
        group.bench_with_input(BenchmarkId::from_parameter(tables), &tables, |b, _| {
            b.iter(|| work(black_box(&schema), &markdown, &steps))
        });
    }
    group.finish();
}

fn scale(c: &mut Criterion) {
    group(c, "migration", |schema, _, _| {
        black_box(migration_work(schema));
    });
    group(c, "docs_check", |schema, markdown, _| {
        black_box(docs_check(schema, markdown));
    });
    group(c, "diff", |schema, _, _| {
        black_box(diff::diff(&Schema::default(), schema));
    });
    group(c, "sql", |_, _, steps| {
        black_box(migration::script(steps, Backend::Sqlite));
    });
    group(c, "codegen", |_, _, steps| {
        black_box(codegen::migration_file(
            "m20250101_000001_synthetic",
            "cargo xtask gen-migration --name synthetic",
            steps,
        ));
    });
}

criterion_group!(benches, scale);

fn main() {
    let since = SystemTime::now();
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    println!("\nscale: median time per run, and per table (goal: 1,000 tables ≤ 1 s, near-linear)");
    for name in ["migration", "docs_check", "diff", "sql", "codegen"] {
        let mut line = format!("  {name:<11}");
        for tables in SIZES {
            match report::median(name, &tables.to_string(), since) {
                Some(m) => line.push_str(&format!(
                    " {tables:>5}: {:>10} ({:>8}/table)",
                    report::human(m.ns),
                    report::human(m.ns / tables as f64)
                )),
                None => line.push_str(&format!(" {tables:>5}: {:>10}", "-")),
            }
        }
        println!("{line}");
    }
}
