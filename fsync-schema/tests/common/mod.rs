//! Databases for the integration tests: SQLite in memory, and a fresh
//! PostgreSQL schema or MariaDB/MySQL database per use when the servers'
//! URLs are set in `FSYNC_TEST_POSTGRES_URL` and `FSYNC_TEST_MYSQL_URL`.
#![allow(dead_code)]

use fsync_schema::{Backend, Schema, render};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait,
};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const POSTGRES_URL: &str = "FSYNC_TEST_POSTGRES_URL";
pub const MYSQL_URL: &str = "FSYNC_TEST_MYSQL_URL";

/// The server URL for `backend` from the environment; `None` (after printing
/// why) when it is not set, so the caller skips. SQLite needs no server.
pub fn server_url(backend: Backend) -> Option<String> {
    let var = match backend {
        Backend::Sqlite => return Some("sqlite::memory:".to_owned()),
        Backend::Postgres => POSTGRES_URL,
        Backend::MySql => MYSQL_URL,
    };
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!("skipped: set {var} to run the {} part", backend.name());
            None
        }
    }
}

/// A database of its own: SQLite in memory, a new PostgreSQL schema (the
/// connection's search path) or a new MySQL database. [`TestDb::close`] drops it.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub backend: Backend,
    admin: Option<DatabaseConnection>,
    name: String,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn unique_name(tag: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{PREFIX}{tag}_{}_{n}_{nanos}", std::process::id())
}

/// What the names of the databases and schemas these tests make start with.
const PREFIX: &str = "fsync_schema_t_";

/// Drops the databases (MySQL) or schemas (PostgreSQL) that runs of these
/// tests left behind when they died before cleaning up: those whose name
/// carries the id of a process that no longer runs.
pub async fn sweep(backend: Backend, url: &str) -> Result<(), String> {
    let (list, drop): (&str, fn(&str) -> String) = match backend {
        Backend::Sqlite => return Ok(()),
        Backend::Postgres => (
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, 'fsync_schema_t_')",
            |name| format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"),
        ),
        Backend::MySql => (
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'fsync\\_schema\\_t\\_%'",
            |name| format!("DROP DATABASE IF EXISTS `{name}`"),
        ),
    };
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    let admin = Database::connect(options)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", backend.name()))?;
    let rows = admin
        .query_all_raw(Statement::from_string(admin.get_database_backend(), list))
        .await
        .map_err(|e| e.to_string())?;
    for row in rows {
        let name: String = row.try_get_by_index(0).map_err(|e| e.to_string())?;
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').nth(1))
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = pid.is_none_or(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            execute(&admin, &drop(&name)).await?;
        }
    }
    let _ = admin.close().await;
    Ok(())
}

/// `url` with its database (the path) replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
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

pub async fn execute(db: &DatabaseConnection, sql: &str) -> Result<(), String> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map(|_| ())
        .map_err(|e| format!("{e}\n  in: {sql}"))
}

impl TestDb {
    /// A fresh database on the server at `url`; `tag` goes into its name.
    pub async fn fresh(backend: Backend, url: &str, tag: &str) -> Result<TestDb, String> {
        let name = unique_name(tag);
        let connect = |options: ConnectOptions| async move {
            Database::connect(options)
                .await
                .map_err(|e| format!("cannot connect to {}: {e}", backend.name()))
        };
        match backend {
            Backend::Sqlite => {
                let mut options = ConnectOptions::new(url);
                options
                    .max_connections(1)
                    .min_connections(1)
                    .sqlx_logging(false);
                Ok(TestDb {
                    db: connect(options).await?,
                    backend,
                    admin: None,
                    name,
                })
            }
            Backend::Postgres => {
                let mut admin = ConnectOptions::new(url);
                admin.max_connections(1).sqlx_logging(false);
                let admin = connect(admin).await?;
                execute(&admin, &format!("CREATE SCHEMA \"{name}\"")).await?;
                let mut options = ConnectOptions::new(url);
                options
                    .max_connections(2)
                    .sqlx_logging(false)
                    .set_schema_search_path(name.clone());
                Ok(TestDb {
                    db: connect(options).await?,
                    backend,
                    admin: Some(admin),
                    name,
                })
            }
            Backend::MySql => {
                let mut admin = ConnectOptions::new(url);
                admin.max_connections(1).sqlx_logging(false);
                let admin = connect(admin).await?;
                execute(&admin, &format!("CREATE DATABASE `{name}`")).await?;
                let mut options = ConnectOptions::new(with_database(url, &name));
                options.max_connections(2).sqlx_logging(false);
                Ok(TestDb {
                    db: connect(options).await?,
                    backend,
                    admin: Some(admin),
                    name,
                })
            }
        }
    }

    /// Runs every statement that builds `schema`; in one transaction where
    /// DDL is transactional (SQLite, PostgreSQL), which saves a commit per
    /// statement.
    pub async fn apply(&self, schema: &Schema) -> Result<(), String> {
        let statements = render::schema_statements(schema, self.backend);
        if self.backend == Backend::MySql {
            for statement in statements {
                execute(&self.db, &statement).await?;
            }
            return Ok(());
        }
        let txn = self.db.begin().await.map_err(|e| e.to_string())?;
        for statement in statements {
            txn.execute_raw(Statement::from_string(
                txn.get_database_backend(),
                &statement,
            ))
            .await
            .map_err(|e| format!("{e}\n  in: {statement}"))?;
        }
        txn.commit().await.map_err(|e| e.to_string())
    }

    /// Closes the connection and drops the schema or database.
    pub async fn close(self) -> Result<(), String> {
        let _ = self.db.close().await;
        if let Some(admin) = self.admin {
            let drop = match self.backend {
                Backend::Postgres => format!("DROP SCHEMA \"{}\" CASCADE", self.name),
                _ => format!("DROP DATABASE `{}`", self.name),
            };
            let result = execute(&admin, &drop).await;
            let _ = admin.close().await;
            result?;
        }
        Ok(())
    }
}
