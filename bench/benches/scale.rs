//! fsync-schema's tools on synthetic schemas of 10, 100 and 1,000 tables × 20
//! columns, with foreign keys, a UNIQUE and indexes per table
//! (`fsync_bench::synthetic`):
//!
//! - `migration`: what `cargo xtask gen-migration` does for a new schema: the
//!   diff from the empty schema, the SQLite statements of its steps, and the
//!   Rust source of the migration file;
//! - `docs_check`: what the docs check does: the ```` ```sql ```` block of the
//!   schema's DDL parsed into the model, both sides normalized for SQLite and
//!   compared (no finding expected).
//!
//! - `diff`, `sql`, `codegen`: the three parts of `migration` alone;
//! - `dependency_order`: `Schema::in_dependency_order`, which `diff` and
//!   `render::schema_sql` call.
//!
//! Goal: 1,000 tables ≤ 1 s each, growth near-linear (criterion's throughput
//! is per table). Run with `cargo bench -p fsync-bench --bench scale`.

use criterion::{BenchmarkId, Criterion, Throughput};
use fsync_bench::{report, synthetic};
use fsync_schema::compare::{self, Sides};
use fsync_schema::{Backend, Schema, Step, changes, codegen, migration, normalize, sql_docs};
use std::hint::black_box;
use std::time::{Duration, SystemTime};

const SIZES: [usize; 3] = [10, 100, 1_000];
const COLUMNS: usize = 20;

/// The whole of `gen-migration`'s work for a new schema.
fn migration_work(schema: &Schema) -> (usize, usize) {
    let steps = changes::steps(&Schema::default(), schema);
    let sql = migration::script(&steps, Backend::Sqlite);
    let file = codegen::migration_file(
        "m20250101_000001_synthetic",
        "cargo xtask",
        "cargo xtask gen-migration --name synthetic",
        &steps,
    );
    (sql.len(), file.len())
}

/// The docs check: parse the Markdown, normalize both sides, compare.
fn docs_check(schema: &Schema, markdown: &str) -> usize {
    let docs = sql_docs::parse_markdown("synthetic.md", markdown).expect("the docs parse");
    let findings = compare::compare_with(
        &normalize::comparable(schema, Backend::Sqlite),
        &normalize::comparable(&docs.schema, Backend::Sqlite),
        &Sides::new("entities", "docs"),
    );
    assert!(findings.is_empty(), "{}", findings[0]);
    findings.len()
}

/// A synthetic schema with what the benchmarks start from, built once.
struct Fixture {
    tables: usize,
    schema: Schema,
    markdown: String,
    steps: Vec<Step>,
}

fn fixtures() -> Vec<Fixture> {
    SIZES
        .into_iter()
        .map(|tables| {
            let schema = synthetic::schema(tables, COLUMNS);
            let markdown = synthetic::markdown(&schema);
            let steps = changes::steps(&Schema::default(), &schema);
            Fixture {
                tables,
                schema,
                markdown,
                steps,
            }
        })
        .collect()
}

fn group(c: &mut Criterion, fixtures: &[Fixture], name: &str, mut work: impl FnMut(&Fixture)) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for fixture in fixtures {
        group.throughput(Throughput::Elements(fixture.tables as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.tables),
            fixture,
            |b, fixture| b.iter(|| work(black_box(fixture))),
        );
    }
    group.finish();
}

/// The groups, in the order they run and print.
const GROUPS: [&str; 6] = [
    "migration",
    "docs_check",
    "diff",
    "sql",
    "codegen",
    "dependency_order",
];

fn scale(c: &mut Criterion, fixtures: &[Fixture]) {
    group(c, fixtures, "migration", |f| {
        black_box(migration_work(&f.schema));
    });
    group(c, fixtures, "docs_check", |f| {
        black_box(docs_check(&f.schema, &f.markdown));
    });
    group(c, fixtures, "diff", |f| {
        black_box(changes::steps(&Schema::default(), &f.schema));
    });
    group(c, fixtures, "sql", |f| {
        black_box(migration::script(&f.steps, Backend::Sqlite));
    });
    group(c, fixtures, "codegen", |f| {
        black_box(codegen::migration_file(
            "m20250101_000001_synthetic",
            "cargo xtask",
            "cargo xtask gen-migration --name synthetic",
            &f.steps,
        ));
    });
    // Where `diff` spends its time at 1,000 tables: ordering tables by foreign keys.
    group(c, fixtures, "dependency_order", |f| {
        black_box(f.schema.in_dependency_order());
    });
}

fn main() {
    let since = SystemTime::now();
    let fixtures = fixtures();
    let mut criterion = Criterion::default().configure_from_args();
    scale(&mut criterion, &fixtures);
    criterion.final_summary();
    println!("\nscale: median time per run, and per table (goal: 1,000 tables ≤ 1 s, near-linear)");
    for name in GROUPS {
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
