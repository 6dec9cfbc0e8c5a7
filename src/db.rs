//! Opening the database: an embedded SQLite file by default, or any URL.

use sea_orm::{DatabaseConnection, DbErr};
use std::path::Path;

/// The URL of a SQLite file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    fsync_schema_cli::database::sqlite_url(path)
}

/// Connects to `url` as the schema tools do (see
/// [`fsync_schema_cli::database::connect`]).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    fsync_schema_cli::database::connect(url).await
}
