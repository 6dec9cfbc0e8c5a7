//! Reading a live schema: `fsync_schema::introspect::schema` (a constant
//! number of catalogue queries per backend) against
//! `fsync_schema::introspect::discovery::schema` (sea-schema's discovery, a
//! few queries per table), in the same run, on synthetic schemas of 10, 100
//! and 1,000 tables × 20 columns (`fsync_bench::synthetic`: per table two
//! foreign keys, each with an index, a UNIQUE and a composite index).
//!
//! Per backend and size: a fresh database (SQLite: a file in a temporary
//! directory; PostgreSQL, MariaDB/MySQL: a new database on the server of
//! `FSYNC_TEST_POSTGRES_URL` / `FSYNC_TEST_MYSQL_URL`, skipped when unset),
//! dropped at the end; the schema is created in batches of statements. Both
//! readers are called once (warm-up), and their models must be equal; then
//! timed calls alternate between the readers, the catalogue reader going
//! first in every other round, until each has `RUNS` calls or its time
//! budget is spent (at least one call). A discovery warm-up call longer than
//! `SLOW` is its only measurement. Discovery is not run on PostgreSQL at
//! 1,000 tables: its cost grows with the square of the table count (about a
//! minute at 100), and it would not finish.
//!
//! The figure is the median call; the ratio is discovery's median over the
//! catalogue's. The load average (`/proc/loadavg`) is printed with each
//! size, as other work may share the CPU. Goal: 1,000 tables ≤ 1 s on each
//! backend, near-linear. Run with
//! `cargo bench -p fsync-bench --bench introspect [-- sqlite|postgres|mysql 10|100|1000 ..]`;
//! with `FSYNC_BENCH_KEEP=1` the server databases are kept, not dropped.

use fsync_bench::{report, synthetic};
use fsync_schema::{Backend, Schema, introspect, render};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, TransactionTrait};
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [10, 100, 1_000];
const COLUMNS: usize = 20;
/// Timed calls per reader, at most.
const RUNS: usize = 10;
/// Time each reader may spend on its timed calls, per size.
const BUDGET: Duration = Duration::from_secs(20);
/// A discovery warm-up call longer than this is its only measurement.
const SLOW: Duration = Duration::from_secs(10);
/// Statements sent to the server at once while building a schema.
const BATCH: usize = 200;

/// A database made for one measurement; [`Fresh::drop`] removes it.
struct Fresh {
    db: DatabaseConnection,
    /// The server connection that made it, and the database's name.
    admin: Option<(DatabaseConnection, String)>,
    /// SQLite: the directory holding the file.
    _dir: Option<tempfile::TempDir>,
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |at| scheme_end + at);
    format!("{}/{database}{query}", &base[..path_start])
}

async fn connect(url: &str, connections: u32) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url);
    options.max_connections(connections).sqlx_logging(false);
    Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("cannot connect: {e}"))
}

impl Fresh {
    /// A new, empty database on `backend` (server at `url`).
    async fn create(backend: Backend, url: &str, tables: usize) -> Fresh {
        if backend == Backend::Sqlite {
            let dir = tempfile::tempdir().unwrap();
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("schema.db").display()
            );
            return Fresh {
                db: connect(&url, 1).await,
                admin: None,
                _dir: Some(dir),
            };
        }
        let admin = connect(url, 1).await;
        let name = format!("fsync_bench_introspect_{}_{tables}", std::process::id());
        let (drop, create) = match backend {
            Backend::Postgres => (
                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                format!("CREATE DATABASE \"{name}\""),
            ),
            _ => (
                format!("DROP DATABASE IF EXISTS `{name}`"),
                format!("CREATE DATABASE `{name}`"),
            ),
        };
        admin.execute_unprepared(&drop).await.unwrap();
        admin.execute_unprepared(&create).await.unwrap();
        Fresh {
            db: connect(&with_database(url, &name), 2).await,
            admin: Some((admin, name)),
            _dir: None,
        }
    }

    /// Builds `schema`, `BATCH` statements per round trip. SQLite: in one
    /// transaction (else each statement syncs the file); PostgreSQL: each
    /// batch in its implicit transaction (the whole schema at once takes more
    /// locks than a transaction may hold); MySQL commits each DDL statement.
    async fn build(&self, schema: &Schema, backend: Backend) {
        let statements = render::schema_statements(schema, backend);
        let transaction = if backend == Backend::Sqlite {
            Some(self.db.begin().await.unwrap())
        } else {
            None
        };
        for batch in statements.chunks(BATCH) {
            let sql = batch.join(";\n");
            match &transaction {
                Some(transaction) => transaction.execute_unprepared(&sql).await,
                None => self.db.execute_unprepared(&sql).await,
            }
            .unwrap_or_else(|e| panic!("building the schema: {e}"));
        }
        if let Some(transaction) = transaction {
            transaction.commit().await.unwrap();
        }
    }

    /// Drops the database, unless `FSYNC_BENCH_KEEP` is set (to look at its
    /// catalogue by hand afterwards).
    async fn drop(self, backend: Backend) {
        let _ = self.db.close().await;
        if let Some((admin, name)) = self.admin {
            if std::env::var_os("FSYNC_BENCH_KEEP").is_some() {
                eprintln!("kept database {name} (FSYNC_BENCH_KEEP)");
                return;
            }
            let drop = match backend {
                Backend::Postgres => format!("DROP DATABASE \"{name}\" WITH (FORCE)"),
                _ => format!("DROP DATABASE `{name}`"),
            };
            admin.execute_unprepared(&drop).await.unwrap();
            let _ = admin.close().await;
        }
    }
}

/// The server URL for `backend`, `None` when unset (SQLite needs none).
fn server_url(backend: Backend) -> Option<String> {
    let var = match backend {
        Backend::Sqlite => return Some(String::new()),
        Backend::Postgres => "FSYNC_TEST_POSTGRES_URL",
        Backend::MySql => "FSYNC_TEST_MYSQL_URL",
    };
    std::env::var(var).ok().filter(|url| !url.trim().is_empty())
}

#[derive(Clone, Copy, PartialEq)]
enum Reader {
    Catalogue,
    Discovery,
}

impl Reader {
    async fn read(self, db: &DatabaseConnection) -> Schema {
        match self {
            Reader::Catalogue => introspect::schema(db).await,
            Reader::Discovery => introspect::discovery::schema(db).await,
        }
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// The timed calls of one reader.
#[derive(Default)]
struct Calls {
    times: Vec<Duration>,
    spent: Duration,
}

impl Calls {
    fn wants_more(&self) -> bool {
        self.times.len() < RUNS && (self.times.is_empty() || self.spent < BUDGET)
    }

    fn push(&mut self, time: Duration) {
        self.times.push(time);
        self.spent += time;
    }

    fn median(&self) -> Option<Duration> {
        let mut times = self.times.clone();
        times.sort();
        times.get(times.len() / 2).copied()
    }
}

/// The outcome at one backend and size.
struct Row {
    backend: Backend,
    tables: usize,
    catalogue: Calls,
    discovery: Option<Calls>,
    load: (String, String),
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "?".into())
}

async fn measure(backend: Backend, url: &str, tables: usize) -> Row {
    let schema = synthetic::schema(tables, COLUMNS);
    let fresh = Fresh::create(backend, url, tables).await;
    let started = Instant::now();
    fresh.build(&schema, backend).await;
    eprintln!(
        "{} {tables}: built in {:.1} s",
        backend.name(),
        started.elapsed().as_secs_f64()
    );
    let load_before = load();

    let mut catalogue = Calls::default();
    let read = Reader::Catalogue.read(&fresh.db).await;
    assert_eq!(read.tables.len(), tables, "every table read");
    let run_discovery = !(backend == Backend::Postgres && tables >= 1_000);
    let mut discovery = run_discovery.then(Calls::default);
    if let Some(calls) = &mut discovery {
        let started = Instant::now();
        let baseline = Reader::Discovery.read(&fresh.db).await;
        let warm_up = started.elapsed();
        assert!(
            baseline == read,
            "{} {tables}: the readers disagree",
            backend.name()
        );
        if warm_up > SLOW {
            calls.push(warm_up);
        }
    }

    let mut round = 0;
    loop {
        let discovery_wants = discovery.as_ref().is_some_and(Calls::wants_more);
        if !catalogue.wants_more() && !discovery_wants {
            break;
        }
        let order = if round % 2 == 0 {
            [Reader::Catalogue, Reader::Discovery]
        } else {
            [Reader::Discovery, Reader::Catalogue]
        };
        for reader in order {
            let calls = match reader {
                Reader::Catalogue => &mut catalogue,
                Reader::Discovery => match &mut discovery {
                    Some(calls) => calls,
                    None => continue,
                },
            };
            if !calls.wants_more() {
                continue;
            }
            let started = Instant::now();
            std::hint::black_box(reader.read(&fresh.db).await);
            calls.push(started.elapsed());
        }
        round += 1;
    }
    let load_after = load();
    fresh.drop(backend).await;
    Row {
        backend,
        tables,
        catalogue,
        discovery,
        load: (load_before, load_after),
    }
}

fn print_header() {
    println!(
        "\nintrospect: median call (calls timed), per table, and discovery / catalogue (goal: 1,000 tables ≤ 1 s, near-linear)"
    );
    println!(
        "  {:<10} {:>6}  {:>30}  {:>30}  {:>8}  load before → after",
        "backend", "tables", "catalogue", "discovery", "ratio"
    );
}

fn print(row: &Row) {
    let cell = |calls: &Calls| match calls.median() {
        Some(median) => format!(
            "{} ({}) {}/t",
            report::human(median.as_nanos() as f64),
            calls.times.len(),
            report::human(median.as_nanos() as f64 / row.tables as f64)
        ),
        None => "-".into(),
    };
    let catalogue = cell(&row.catalogue);
    let (discovery, ratio) = match &row.discovery {
        Some(calls) => {
            let ratio = match (calls.median(), row.catalogue.median()) {
                (Some(d), Some(c)) => format!("{:.1}×", d.as_secs_f64() / c.as_secs_f64()),
                _ => "-".into(),
            };
            (cell(calls), ratio)
        }
        None => ("not run".into(), "-".into()),
    };
    println!(
        "  {:<10} {:>6}  {catalogue:>30}  {discovery:>30}  {ratio:>8}  {} → {}",
        row.backend.name(),
        row.tables,
        row.load.0,
        row.load.1
    );
}

fn main() {
    // `cargo bench` passes `--bench`; other words choose backends and sizes.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let chosen: Vec<Backend> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let backends = Backend::ALL
        .into_iter()
        .filter(|b| chosen.is_empty() || chosen.contains(b));
    let chosen: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes: Vec<usize> = SIZES
        .into_iter()
        .filter(|size| chosen.is_empty() || chosen.contains(size))
        // A test run (`cargo test --benches`): the smallest size, once.
        .take(if report::test_run() { 1 } else { SIZES.len() })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    print_header();
    for backend in backends {
        let Some(url) = server_url(backend) else {
            eprintln!("{}: skipped, its URL is not set", backend.name());
            continue;
        };
        for &tables in &sizes {
            print(&runtime.block_on(measure(backend, &url, tables)));
        }
    }
}
