//! Opening a database for the commands.

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::path::Path;

/// The URL of a SQLite file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Connects to `url`. SQLite gets a single connection (foreign keys enforced,
/// and `PRAGMA`s apply to every later statement), not pinged before each use:
/// an embedded database has no peer that can hang up, and sqlx's ping is a
/// round trip to its SQLite worker thread on every statement. Other backends
/// get a pool.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        options
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false);
    }
    Database::connect(options).await
}
