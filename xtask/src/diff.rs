//! `cargo xtask diff --database-url URL [--format json]`: reports drift
//! between the entities and a live database.
//!
//! The database's schema is read with `fsync_schema::introspect` (SQLite,
//! PostgreSQL: the connection's current schema, MySQL/MariaDB: its current
//! database) and compared with `fsync::entities::schema()`, both normalized
//! for the backend. The exit code is 0 without drift and 1 with drift; 2 when
//! the database cannot be read.

use crate::TaskResult;
use fsync_schema::compare::Finding;
use fsync_schema::introspect;
use sea_orm::{ConnectOptions, Database};
use std::process::ExitCode;
use std::time::Duration;

/// How findings are printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One sentence per finding.
    #[default]
    Text,
    /// A JSON array of findings.
    Json,
}

/// Options of `cargo xtask diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The database to compare, e.g. `sqlite://fsync.db`,
    /// `postgres://user@host/db`, `mysql://user@host/db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// Runs the task.
pub fn run(args: Args) -> TaskResult {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let timeout = Duration::from_secs(args.timeout);
    let findings = runtime.block_on(drift(&args.database_url, timeout))?;
    print!("{}", report(&findings, args.format)?);
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The drift between the entities and the database at `url`.
pub async fn drift(
    url: &str,
    timeout: Duration,
) -> Result<Vec<Finding>, Box<dyn std::error::Error>> {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(1)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|error| format!("cannot connect to the database: {error}"))?;
    let findings = introspect::drift(&db, &fsync::entities::schema()).await;
    let _ = db.close().await;
    Ok(findings?)
}

/// The findings as text (a line each, then a summary) or as JSON.
pub fn report(findings: &[Finding], format: Format) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(findings)? + "\n",
        Format::Text if findings.is_empty() => {
            "no drift: the database matches the entities\n".to_owned()
        }
        Format::Text => {
            let mut out: String = findings.iter().map(|f| format!("{f}\n")).collect();
            out += &format!(
                "{} difference(s) between the entities and the database\n",
                findings.len()
            );
            out
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsync_schema::{Backend, render};
    use sea_orm::{ConnectionTrait, Statement};

    /// A SQLite file built from the entities' DDL; `alter` runs after it.
    async fn database(alter: &[&str]) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("fsync.db").display()
        );
        let db = Database::connect(&url).await.unwrap();
        let statements = render::schema_statements(&fsync::entities::schema(), Backend::Sqlite);
        for sql in statements
            .iter()
            .map(String::as_str)
            .chain(alter.iter().copied())
        {
            db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap();
        }
        db.close().await.unwrap();
        (dir, url)
    }

    #[tokio::test]
    async fn a_database_built_from_the_entities_has_no_drift() {
        let (_dir, url) = database(&[]).await;
        let findings = drift(&url, Duration::from_secs(5)).await.unwrap();
        assert_eq!(findings, vec![]);
        assert_eq!(
            report(&findings, Format::Text).unwrap(),
            "no drift: the database matches the entities\n"
        );
        assert_eq!(report(&findings, Format::Json).unwrap(), "[]\n");
    }

    #[tokio::test]
    async fn drift_made_by_hand_is_reported_as_text_and_json() {
        let (_dir, url) = database(&[
            "ALTER TABLE sync_conduit ADD COLUMN note TEXT",
            "DROP INDEX idx_entry_parent",
        ])
        .await;
        let findings = drift(&url, Duration::from_secs(5)).await.unwrap();
        assert_eq!(
            report(&findings, Format::Text).unwrap(),
            "entry: index `idx_entry_parent` is in the entities but not in the database\n\
             sync_conduit.note: column is in the database but not in the entities\n\
             2 difference(s) between the entities and the database\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&report(&findings, Format::Json).unwrap()).unwrap();
        assert_eq!(json[1]["table"], "sync_conduit");
        assert_eq!(json[1]["target"]["kind"], "column");
        assert_eq!(json[1]["target"]["name"], "note");
        assert_eq!(json[1]["aspect"], "presence");
        assert_eq!(json[1]["actual"], "note");
        assert_eq!(json[1]["expected"], serde_json::Value::Null);
        assert_eq!(json[1]["sides"]["actual"], "database");
    }

    /// On PostgreSQL and MariaDB (where configured): the project's migrations
    /// leave no drift, and a column added by hand is reported.
    #[tokio::test]
    async fn a_column_added_by_hand_to_a_server_database_is_drift() {
        use sea_orm_migration::MigratorTrait;
        for test_db in crate::test_databases::servers("xtask_diff").await {
            let backend = test_db.backend;
            fsync::migrations::Migrator::up(&test_db.db, None)
                .await
                .unwrap();
            let findings = drift(&test_db.url, Duration::from_secs(10)).await.unwrap();
            assert_eq!(findings, vec![], "{} after the migrations", backend.name());
            crate::test_databases::exec(
                &test_db.db,
                "ALTER TABLE sync_conduit ADD COLUMN note VARCHAR(40)",
            )
            .await;
            let findings = drift(&test_db.url, Duration::from_secs(10)).await.unwrap();
            assert_eq!(
                report(&findings, Format::Text).unwrap(),
                "sync_conduit.note: column is in the database but not in the entities\n\
                 1 difference(s) between the entities and the database\n",
                "{}",
                backend.name()
            );
            test_db.drop_database().await;
        }
    }

    #[test]
    fn an_unreachable_database_is_an_error() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime
            .block_on(drift(
                "postgres://nobody@127.0.0.1:1/none",
                Duration::from_secs(1),
            ))
            .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot connect to the database"),
            "{error}"
        );
    }
}
