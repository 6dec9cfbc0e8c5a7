//! Opening the database: an embedded SQLite file by default, or any URL.

use fsync_schema::connect::{self, ConnectSettings};
use sea_orm::{DatabaseConnection, DbErr, RuntimeErr};
use std::path::{Path, PathBuf};

/// The embedded database used when no URL is given: `fsync.db` in the working directory.
pub fn default_sqlite_path() -> PathBuf {
    std::env::current_dir()
        .unwrap_or_else(|_| PathBuf::from("."))
        .join("fsync.db")
}

/// The URL of a SQLite file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Connects to `url` with [`fsync_schema::connect::connect`]'s defaults:
/// SQLite gets a single connection (foreign keys enforced, and `PRAGMA`s
/// apply to every later statement), not pinged before each use: an embedded
/// database has no peer that can hang up, and sqlx's ping is a round trip to
/// its SQLite worker thread on every statement. Other backends get a pool;
/// a refused port fails at once, naming it.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect::connect(url, &ConnectSettings::default())
        .await
        .map_err(|error| DbErr::Conn(RuntimeErr::Internal(error.to_string())))
}
