//! Databases for the integration tests: SQLite in memory, and a fresh
//! PostgreSQL schema or MariaDB/MySQL database per use when the servers'
//! URLs are set in `FSYNC_TEST_POSTGRES_URL` and `FSYNC_TEST_MYSQL_URL`.
#![allow(dead_code)]

use fsync_schema::{Backend, Schema, render};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
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
    format!("fsync_{tag}_{}_{n}_{nanos}", std::process::id())
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

    /// Runs every statement that builds `schema`.
    pub async fn apply(&self, schema: &Schema) -> Result<(), String> {
        for statement in render::schema_statements(schema, self.backend) {
            execute(&self.db, &statement).await?;
        }
        Ok(())
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
