//! `migrate` over a fleet: 1,000 fresh SQLite files migrated by one
//! `fsync migrate --urls-from FILE up` against 1,000 separate
//! `fsync migrate -u URL up` processes, one after the other (goal: ≤ 0.1×
//! the time); then `status` over the same fleet both ways; then, where a
//! PostgreSQL server is configured (`FSYNC_BENCH_POSTGRES_URL` or
//! `FSYNC_TEST_POSTGRES_URL`), 200 tenant schemas (`--schemas-from`) the same
//! ways, in a database made for the run and dropped after it.
//!
//! The `fsync` binary is built in release first (`cargo build --release -p
//! fsync`), so the bench crate's features do not reach it. Each side runs
//! once (the work is a thousand databases, not a microsecond loop).
//! `FSYNC_BENCH_FILES` and `FSYNC_BENCH_SCHEMAS` change the counts,
//! `FSYNC_BENCH_JOBS` the one command's `--jobs` (default: `migrate`'s own,
//! four per CPU). Run with `cargo bench -p fsync-bench --bench fleet`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The workspace's target directory.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// Builds `fsync` in release and returns its path; in a test run (`cargo
/// test --benches`: one small pass, no verdict) the debug binary the tests
/// built does, when it is there.
fn fsync_binary() -> PathBuf {
    let test_run = fsync_bench::report::test_run();
    let debug = target_dir().join("debug/fsync");
    if test_run && debug.exists() {
        return debug;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut args = vec!["build", "--quiet", "-p", "fsync", "--bin", "fsync"];
    if !test_run {
        args.push("--release");
    }
    let status = Command::new(cargo)
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo {args:?} failed");
    target_dir().join(if test_run {
        "debug/fsync"
    } else {
        "release/fsync"
    })
}

/// Runs `fsync` with `args`, `input` on standard input; panics unless it succeeds.
fn run(fsync: &Path, args: &[&str], input: Option<&str>) -> Duration {
    use std::io::Write;
    let started = Instant::now();
    let mut child = Command::new(fsync)
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fsync runs");
    if let Some(input) = input {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "fsync {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

struct Row {
    what: String,
    one: Duration,
    separate: Duration,
}

fn print(rows: &[Row]) {
    println!("\n| fleet | one command | separate processes | ratio |");
    println!("| --- | --- | --- | --- |");
    for row in rows {
        let ratio = row.one.as_secs_f64() / row.separate.as_secs_f64();
        let verdict = if fsync_bench::report::test_run() {
            "a test run, no verdict"
        } else if ratio <= 0.1 {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "| {} | {:.3} s | {:.3} s | **{ratio:.3}** ({verdict}: goal ≤ 0.1) |",
            row.what,
            row.one.as_secs_f64(),
            row.separate.as_secs_f64()
        );
    }
}

fn sqlite_fleet(fsync: &Path, dir: &Path, files: usize, jobs: &str) -> Vec<Row> {
    let urls = |side: &str| -> Vec<String> {
        let dir = dir.join(side);
        std::fs::create_dir_all(&dir).unwrap();
        (0..files)
            .map(|n| format!("sqlite://{}/lib{n:04}.db?mode=rwc", dir.display()))
            .collect()
    };
    let (one, separate) = (urls("one"), urls("separate"));
    let list = dir.join("fleet.txt");
    std::fs::write(&list, one.join("\n")).unwrap();
    let list = list.display().to_string();
    let fleet_args = |command| vec!["migrate", "--urls-from", &list, "--jobs", jobs, command];
    let up_one = run(fsync, &fleet_args("up"), None);
    let up_separate = separate
        .iter()
        .map(|url| run(fsync, &["migrate", "-u", url, "up"], None))
        .sum();
    let status_one = run(fsync, &fleet_args("status"), None);
    let status_separate = separate
        .iter()
        .map(|url| run(fsync, &["migrate", "-u", url, "status"], None))
        .sum();
    vec![
        Row {
            what: format!("`up`, {files} fresh SQLite files"),
            one: up_one,
            separate: up_separate,
        },
        Row {
            what: format!("`status`, the same {files} files"),
            one: status_one,
            separate: status_separate,
        },
    ]
}

fn postgres_fleet(fsync: &Path, url: &str, schemas: usize, jobs: &str) -> Vec<Row> {
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    let name = format!("fsync_bench_fleet_{}", std::process::id());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exec = |url: &str, sql: String| {
        runtime.block_on(async {
            use sea_orm::ConnectionTrait;
            let db = sea_orm::Database::connect(url)
                .await
                .expect("the server answers");
            db.execute_unprepared(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            db.close().await.ok();
        })
    };
    exec(url, format!("CREATE DATABASE \"{name}\""));
    let db = format!("{base}/{name}");
    let names =
        |side: &str| -> Vec<String> { (0..schemas).map(|n| format!("{side}_{n:04}")).collect() };
    let one = names("one").join("\n");
    let separate = names("separate");
    let fleet_args = |command| {
        vec![
            "migrate",
            "-u",
            &db,
            "--schemas-from",
            "-",
            "--jobs",
            jobs,
            command,
        ]
    };
    let up_one = run(fsync, &fleet_args("up"), Some(&one));
    let status_one = run(fsync, &fleet_args("status"), Some(&one));
    // A process per tenant: the schema set by the URL (and made first, as
    // the fleet makes it on `up`).
    let tenant = |schema: &str| format!("{db}?options%5Bsearch_path%5D=%22{schema}%22");
    let up_separate = separate
        .iter()
        .map(|schema| {
            exec(&db, format!("CREATE SCHEMA \"{schema}\""));
            run(fsync, &["migrate", "-u", &tenant(schema), "up"], None)
        })
        .sum();
    let status_separate = separate
        .iter()
        .map(|schema| run(fsync, &["migrate", "-u", &tenant(schema), "status"], None))
        .sum();
    exec(url, format!("DROP DATABASE \"{name}\" WITH (FORCE)"));
    vec![
        Row {
            what: format!("`up`, {schemas} PostgreSQL tenant schemas"),
            one: up_one,
            separate: up_separate,
        },
        Row {
            what: format!("`status`, the same {schemas} schemas"),
            one: status_one,
            separate: status_separate,
        },
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not `fleet` skips it.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"fleet".contains(&a))
    {
        return;
    }
    // A test run (`cargo test --benches`) checks that it works, on a few.
    let small = fsync_bench::report::test_run();
    let files = count("FSYNC_BENCH_FILES", if small { 10 } else { 1000 });
    let schemas = count("FSYNC_BENCH_SCHEMAS", if small { 4 } else { 200 });
    let jobs = std::env::var("FSYNC_BENCH_JOBS").unwrap_or_else(|_| {
        (4 * std::thread::available_parallelism().map_or(2, usize::from)).to_string()
    });
    let fsync = fsync_binary();
    let dir = tempfile::tempdir_in(target_dir()).unwrap();
    println!(
        "fleet: one `fsync migrate` (--jobs {jobs}) against a process per database, one after the other"
    );
    let mut rows = sqlite_fleet(&fsync, dir.path(), files, &jobs);
    let server = ["FSYNC_BENCH_POSTGRES_URL", "FSYNC_TEST_POSTGRES_URL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()));
    match server {
        Some(url) => rows.extend(postgres_fleet(&fsync, &url, schemas, &jobs)),
        None => println!("(no PostgreSQL: set FSYNC_BENCH_POSTGRES_URL for the tenant schemas)"),
    }
    print(&rows);
}
