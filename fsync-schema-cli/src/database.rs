//! Opening a database for the commands, through [`fsync_schema::connect`]:
//! a refused port fails at once naming `host:port`, no message carries a
//! password, SQLite files are named in errors with the reason.

use fsync_schema::connect::{self, ConnectSettings};
use sea_orm::{DatabaseConnection, DbErr, RuntimeErr};
use std::path::Path;

/// The URL of a SQLite file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Connects to `url` with [`ConnectSettings::default`]. SQLite gets a single
/// connection (foreign keys enforced, and `PRAGMA`s apply to every later
/// statement), not pinged before each use: an embedded database has no peer
/// that can hang up, and sqlx's ping is a round trip to its SQLite worker
/// thread on every statement. Other backends get a pool.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect::connect(url, &ConnectSettings::default())
        .await
        .map_err(|error| DbErr::Conn(RuntimeErr::Internal(error.to_string())))
}
