//! Databases for the tests: SQLite in memory always; PostgreSQL and MariaDB
//! when `FSYNC_TEST_POSTGRES_URL` / `FSYNC_TEST_MYSQL_URL` are set (a fresh
//! database per test, dropped afterwards). A test on one backend is declared
//! with `#[fsync_test_macros::each_backend]` or `#[needs(..)]`, so that
//! without the variables the server ones are counted as ignored, naming the
//! variable; with them, an unreachable server fails.
#![allow(dead_code)]

pub mod topology;

use fsync_schema::Backend;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::sync::atomic::{AtomicU32, Ordering};

/// A database for one test; dropped (on the server) by [`TestDb::drop_database`].
pub struct TestDb {
    pub backend: Backend,
    pub db: DatabaseConnection,
    /// The URL `db` was opened with (for SQLite, an in-memory database that
    /// another connection cannot see).
    pub url: String,
    admin: Option<(DatabaseConnection, String)>,
}

impl TestDb {
    /// Drops the server-side database made for the test.
    pub async fn drop_database(self) {
        self.db.close().await.ok();
        if let Some((admin, name)) = self.admin {
            let sql = match self.backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS `{name}`"),
            };
            admin
                .execute_raw(Statement::from_string(admin.get_database_backend(), sql))
                .await
                .ok();
        }
    }
}

/// How long a command a test starts may run before the test kills it and
/// fails (a hang in CI becomes a failure that names the command).
pub const COMMAND_LIMIT: std::time::Duration = std::time::Duration::from_secs(180);

/// Runs `command` to its end (standard output and error captured), killing
/// it and failing the test after [`COMMAND_LIMIT`].
pub fn output(command: &mut std::process::Command) -> std::process::Output {
    use std::process::Stdio;
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
    finish(child, &format!("{command:?}"))
}

/// Waits for `child` (its output piped) to end, killing it and failing the
/// test after [`COMMAND_LIMIT`]; `what` names it in that failure.
pub fn finish(mut child: std::process::Child, what: &str) -> std::process::Output {
    use std::io::Read;
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).ok();
            }
            bytes
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > COMMAND_LIMIT {
            child.kill().ok();
            child.wait().ok();
            let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
            panic!("{what} did not end within {COMMAND_LIMIT:?} (killed); it printed: {stderr}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Executes raw SQL (on a connection or in a transaction).
pub async fn exec(db: &impl ConnectionTrait, sql: &str) {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A fresh in-memory SQLite database (one connection, foreign keys on).
pub async fn sqlite() -> TestDb {
    let url = "sqlite::memory:".to_owned();
    TestDb {
        backend: Backend::Sqlite,
        db: fsync::db::connect(&url).await.expect("sqlite"),
        url,
        admin: None,
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(test: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("fsync_{test}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh database on the server at `url` (env `var`), or `None` with a skip message.
async fn server(var: &str, backend: Backend, test: &str) -> Option<TestDb> {
    let Ok(url) = std::env::var(var) else {
        eprintln!("skipping {} for `{test}`: {var} is not set", backend.name());
        return None;
    };
    let admin = fsync::db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{var}={url}: cannot connect: {e}"));
    let name = unique_name(test);
    let create = match backend {
        Backend::Postgres => format!("CREATE DATABASE \"{name}\""),
        _ => format!("CREATE DATABASE `{name}`"),
    };
    exec(&admin, &create).await;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let db = fsync::db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connect to {name}: {e}"));
    Some(TestDb {
        backend,
        db,
        url,
        admin: Some((admin, name)),
    })
}

/// A fresh database on `backend` for `test`: in-memory SQLite, or a new
/// database on the server whose URL is set (a test on a server runs only
/// when it is: `#[fsync_test_macros::each_backend]` ignores it otherwise).
pub async fn db(backend: Backend, test: &str) -> TestDb {
    match backend {
        Backend::Sqlite => sqlite().await,
        Backend::Postgres => server_named("FSYNC_TEST_POSTGRES_URL", backend, test).await,
        Backend::MySql => server_named("FSYNC_TEST_MYSQL_URL", backend, test).await,
    }
}

async fn server_named(var: &str, backend: Backend, test: &str) -> TestDb {
    server(var, backend, test).await.unwrap_or_else(|| {
        panic!("{var} is not set now, but was when the test was built: rebuild (`cargo test`)")
    })
}

/// SQLite, then PostgreSQL and MariaDB where configured.
pub async fn all(test: &str) -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    out.extend(servers(test).await);
    out
}

/// PostgreSQL and MariaDB where configured.
pub async fn servers(test: &str) -> Vec<TestDb> {
    let mut out = Vec::new();
    out.extend(server("FSYNC_TEST_POSTGRES_URL", Backend::Postgres, test).await);
    out.extend(server("FSYNC_TEST_MYSQL_URL", Backend::MySql, test).await);
    out
}
