//! Opening the database: an embedded SQLite file by default, or any URL.

use sea_orm::{DatabaseConnection, DbErr};
use std::path::{Path, PathBuf};

/// The embedded database used when no URL is given: `fsync.db` in the working directory.
pub fn default_sqlite_path() -> PathBuf {
    crate::tools::project()
        .embedded_database_path()
        .expect("the project has an embedded database")
}

/// The URL of a SQLite file, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    fsync_schema_cli::database::sqlite_url(path)
}

/// Connects to `url` as the schema tools do (see
/// [`fsync_schema_cli::database::connect`]).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    fsync_schema_cli::database::connect(url).await
}
