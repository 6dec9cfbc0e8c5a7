//! `diff [--database-url URL] [--format json]`: reports drift between the
//! entities and a live database.
//!
//! The database's schema is read with `fsync_schema::introspect` (SQLite,
//! PostgreSQL: the connection's current schema, MySQL/MariaDB: its current
//! database) and compared with the project's entities, both normalized for
//! the backend. The exit code is 0 without drift and 1 with drift; 2 when the
//! database cannot be read.
//!
//! Drift is what makes the database behave otherwise than the entities say.
//! Column order is not: `ADD COLUMN` appends on every backend, so a database
//! migrated step by step keeps its columns in the order they were added.
//! Such findings are printed as notes and do not fail the command.

use crate::{CommandResult, Project};
use fsync_schema::compare::{Aspect, Finding};
use fsync_schema::connect::{self, ConnectSettings};
use fsync_schema::introspect;
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

/// Options of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The database to compare, e.g. `sqlite://app.db`, `postgres://user@host/db`,
    /// `mysql://user@host/db` (default: the project's embedded database).
    #[arg(short = 'u', long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Seconds a query waits for a lock another session holds (a migration,
    /// `LOCK TABLE`) before giving up.
    #[arg(long, default_value_t = 10.0)]
    pub lock_timeout: f64,
}

/// Runs the command. It names the database first (`database: ..`, on
/// standard error with `--format json`); with `--format json` an error is
/// printed as `{"error": .., "database": ..}` on standard output too.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let json = args.format == Format::Json;
    let shown = args.database_url.as_deref().map(connect::redact);
    match run_text(project, args) {
        Err(error) if json => {
            let message = connect::lock_wait_hint(&error.to_string());
            let mut value = serde_json::json!({ "error": message });
            if let Some(shown) = shown {
                value["database"] = shown.into();
            }
            println!("{}", serde_json::to_string_pretty(&value)?);
            eprintln!("error: {message}");
            Ok(ExitCode::from(2))
        }
        other => other,
    }
}

fn run_text(project: &Project, args: Args) -> CommandResult {
    let json = args.format == Format::Json;
    let given = args.database_url.is_some();
    let url = crate::migrate::database_url(project, args.database_url, json)?;
    let target = connect::Target::parse(&url)?;
    if given {
        match json {
            true => eprintln!("database: {target}"),
            false => println!("database: {target}"),
        }
    }
    project.schema().check_target(target.backend())?;
    let lock_timeout = Duration::try_from_secs_f64(args.lock_timeout)
        .map_err(|_| format!("`--lock-timeout {}`: not a duration", args.lock_timeout))?;
    let settings = ConnectSettings {
        on_lock_wait: Some(|what| eprintln!("waiting: {what}")),
        ..ConnectSettings::read(Duration::from_secs(args.timeout)).with_lock_timeout(lock_timeout)
    };
    let drift = crate::runtime()?.block_on(drift_with(&url, &project.schema(), &settings))?;
    print!("{}", report(&drift, args.format)?);
    Ok(if drift.differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What `diff` found: differences (drift), and notes that are not drift.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Drift {
    /// Where the database differs from the entities in what it does.
    pub differences: Vec<Finding>,
    /// Differences in history only: the columns' order.
    pub notes: Vec<Finding>,
    /// What the database holds that no entity describes (views, triggers,
    /// ..): not drift, named so that nothing is left aside without a word.
    pub unmanaged: Vec<introspect::Unmanaged>,
}

impl Drift {
    /// Sorts findings into differences and notes.
    pub fn new(findings: Vec<Finding>) -> Self {
        let (notes, differences) = findings
            .into_iter()
            .partition(|f| f.aspect == Aspect::ColumnOrder);
        Drift {
            differences,
            notes,
            unmanaged: Vec::new(),
        }
    }
}

/// The drift between `schema` and the database at `url`.
pub async fn drift(
    url: &str,
    schema: &fsync_schema::Schema,
    timeout: Duration,
) -> Result<Drift, Box<dyn std::error::Error>> {
    drift_with(url, schema, &ConnectSettings::read(timeout)).await
}

/// [`drift`], connecting with `settings`.
pub async fn drift_with(
    url: &str,
    schema: &fsync_schema::Schema,
    settings: &ConnectSettings,
) -> Result<Drift, Box<dyn std::error::Error>> {
    let db = connect::connect(url, settings).await?;
    let backend = introspect::backend(&db)?;
    if let Err(not_targeted) = schema.check_target(backend) {
        let _ = db.close().await;
        return Err(not_targeted.to_string().into());
    }
    let findings = introspect::drift(&db, schema).await;
    let unmanaged = introspect::unmanaged(&db).await;
    let _ = db.close().await;
    Ok(Drift {
        unmanaged: unmanaged?,
        ..Drift::new(findings?)
    })
}

/// The findings as text (a line each, then a summary) or as JSON
/// (`{"differences": [..], "notes": [..]}`).
pub fn report(drift: &Drift, format: Format) -> Result<String, serde_json::Error> {
    if format == Format::Json {
        return Ok(serde_json::to_string_pretty(drift)? + "\n");
    }
    let mut out: String = drift.differences.iter().map(|f| format!("{f}\n")).collect();
    for note in &drift.notes {
        out += &format!("note: {note} (not drift: columns added later come last)\n");
    }
    for object in &drift.unmanaged {
        out += &format!("note: {object}\n");
    }
    out += &if drift.differences.is_empty() {
        "no drift: the database matches the entities\n".to_owned()
    } else {
        format!(
            "{} difference(s) between the entities and the database\n",
            drift.differences.len()
        )
    };
    Ok(out)
}
