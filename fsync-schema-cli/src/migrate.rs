//! `migrate [up|down|status|fresh|refresh|reset]`: runs the project's
//! migrations on `-u/--database-url` / `DATABASE_URL`, or on the project's
//! embedded SQLite file, with [`fsync_schema::migration::Runner`]: one
//! runner at a time, crash recovery on MySQL, row counts before anything is
//! dropped, dry runs. Every command names the database (password redacted)
//! and ends with a one-line summary.

use crate::{CommandResult, Project, database};
use fsync_schema::baseline::BaselineError;
use fsync_schema::connect::{self, ConnectError, ConnectSettings, Target};
use fsync_schema::migration::{
    Command as Run, MigrateError, Plan, Progress, RunReport, StatusReport, command_name,
};
use sea_orm::DatabaseConnection;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

/// Options of `migrate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Database URL; without it, the project's embedded SQLite file (created if missing).
    /// Repeat it to run on several databases at once (a fleet).
    #[arg(short = 'u', long, env = "DATABASE_URL", global = true)]
    pub database_url: Vec<String>,
    /// Run on every database listed in FILE, one URL a line (`-`: standard
    /// input); a SQLite path may be a glob (`libs/*.db`).
    #[arg(long, value_name = "FILE", global = true)]
    pub urls_from: Option<std::path::PathBuf>,
    /// Run on every PostgreSQL schema listed in FILE, one a line (`-`:
    /// standard input), each with that `search_path`, on the server of `-u`.
    #[arg(long, value_name = "FILE", global = true)]
    pub schemas_from: Option<std::path::PathBuf>,
    /// With several databases: how many to work on at once (default: four per CPU).
    #[arg(long, global = true)]
    pub jobs: Option<usize>,
    /// Seconds to wait for the database server to answer.
    #[arg(long, default_value_t = 5.0, global = true)]
    pub connect_timeout: f64,
    /// Seconds to wait for another runner's migration lock.
    #[arg(long, default_value_t = 60.0, global = true)]
    pub lock_timeout: f64,
    /// How PostgreSQL connections are pooled: `auto` detects a pooler in
    /// transaction mode (PgBouncer) by the server's address; `session` for a
    /// direct connection or a session pool; `transaction` for a transaction pool.
    #[arg(long, value_enum, default_value_t = Pooler::Auto, global = true)]
    pub pooler: Pooler,
    /// Output: text, or JSON for scripts.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Option<MigrateCommand>,
}

/// How reports are printed.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// `--pooler`: see [`fsync_schema::migration::Pooling`].
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pooler {
    Auto,
    Session,
    Transaction,
}

impl From<Pooler> for fsync_schema::migration::Pooling {
    fn from(pooler: Pooler) -> Self {
        match pooler {
            Pooler::Auto => Self::Auto,
            Pooler::Session => Self::Session,
            Pooler::Transaction => Self::Transaction,
        }
    }
}

/// The migrate commands.
#[derive(clap::Subcommand, Clone, Debug, PartialEq, Eq)]
pub enum MigrateCommand {
    /// Apply pending migrations (the default).
    Up {
        /// Apply only this many.
        #[arg(short, long)]
        num: Option<u32>,
        /// Print the SQL it would run, in order, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Roll back the last applied migration (or `-n` of them).
    Down {
        #[arg(short, long, default_value_t = 1)]
        num: u32,
        /// Print the SQL it would run, in order, changing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Drop tables and columns even when they hold rows.
        #[arg(long)]
        force: bool,
    },
    /// List every migration, whether it is applied and when (read-only).
    Status,
    /// Drop the tables the migrations build, then apply all migrations.
    Fresh {
        /// Drop tables even when they hold rows.
        #[arg(long)]
        force: bool,
    },
    /// Roll back all applied migrations, then apply them again.
    Refresh {
        /// Drop tables and columns even when they hold rows.
        #[arg(long)]
        force: bool,
    },
    /// Roll back all applied migrations.
    Reset {
        /// Drop tables and columns even when they hold rows.
        #[arg(long)]
        force: bool,
    },
    /// Record an existing database as migrated up to a migration, without
    /// running anything, once it matches what the migrations build.
    Baseline {
        /// The last migration the database already has, e.g. `m20250315_000001_create_sync_tables`.
        #[arg(long)]
        to: String,
    },
}

/// The database URL to act on: the one given, or the embedded SQLite file
/// (announced on standard output; on standard error when `quiet`, for
/// output that scripts read).
pub fn database_url(
    project: &Project,
    given: Option<String>,
    quiet: bool,
) -> Result<String, String> {
    if let Some(url) = given {
        return Ok(url);
    }
    let Some(path) = project.embedded_database_path() else {
        return Err(
            "no database: pass -u/--database-url or set DATABASE_URL (this project has no embedded database)"
                .to_owned(),
        );
    };
    let announcement = format!("database: {} (embedded SQLite)", crate::files::shown(&path));
    if quiet {
        eprintln!("{announcement}");
    } else {
        println!("{announcement}");
    }
    Ok(database::sqlite_url(&path))
}

fn seconds(value: f64, flag: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|_| format!("`--{flag} {value}`: not a duration"))
}

/// Runs the command. With `--format json`, an error is printed as JSON on
/// standard output too (`{"error": .., "database": ..}`), exit code 2.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let json = args.format == Format::Json;
    let shown = args.database_url.first().map(|url| connect::redact(url));
    match run_text(project, args) {
        Err(error) if json => {
            let message = fsync_schema::connect::lock_wait_hint(&error.to_string());
            let mut value = serde_json::json!({ "error": message });
            if let Some(shown) = shown {
                value["database"] = shown.into();
            }
            if let Some(MigrateError::AfterSome { done, .. }) = error.downcast_ref::<MigrateError>()
            {
                value["done"] = serde_json::to_value(done)?;
            }
            println!("{}", serde_json::to_string_pretty(&value)?);
            eprintln!("error: {message}");
            Ok(ExitCode::from(2))
        }
        other => other,
    }
}

fn run_text(project: &Project, args: Args) -> CommandResult {
    let connect_timeout = seconds(args.connect_timeout, "connect-timeout")?;
    let lock_timeout = seconds(args.lock_timeout, "lock-timeout")?;
    if crate::fleet::is_fleet(&args) {
        return crate::fleet::run(project, args, connect_timeout, lock_timeout);
    }
    let json = args.format == Format::Json;
    let given = !args.database_url.is_empty();
    let url = database_url(project, args.database_url.into_iter().next(), json)?;
    let target = Target::parse(&url)?;
    if given && !json {
        println!("database: {target}");
    }
    // Checked before connecting: a SQLite file would be made for nothing.
    project.schema().check_target(target.backend())?;
    let command = args.command.unwrap_or(MigrateCommand::Up {
        num: None,
        dry_run: false,
    });
    let options = Options {
        target,
        url,
        connect_timeout,
        lock_timeout,
        json,
        pooling: args.pooler.into(),
    };
    crate::runtime()?.block_on(migrate(project, &options, command))
}

/// `migrate baseline --to NAME`: exit code 1 with the drift printed when the
/// database is not what the migrations build.
async fn baseline(
    project: &Project,
    db: &DatabaseConnection,
    to: &str,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match project.migrations()?.baseline(db, to).await {
        Ok(done) => {
            println!("the database matches the migrations up to {to}");
            for name in &done.already_applied {
                println!("already applied {name}");
            }
            for name in &done.recorded {
                println!("recorded {name} as applied (not run)");
            }
            for object in &done.unmanaged {
                println!("note: {object}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(BaselineError::Drift { findings, .. }) => {
            for finding in &findings {
                println!("{finding}");
            }
            println!(
                "{} difference(s) between the database and the migrations up to {to}; nothing was recorded",
                findings.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

struct Options {
    target: Target,
    url: String,
    connect_timeout: Duration,
    lock_timeout: Duration,
    json: bool,
    pooling: fsync_schema::migration::Pooling,
}

impl Options {
    /// How `migrate` connects: one connection, lock waits bounded by
    /// `--lock-timeout` (announced on SQLite), SQLite read-only for
    /// `status` and dry runs.
    fn settings(&self, read_only: bool) -> ConnectSettings {
        ConnectSettings {
            read_only,
            on_lock_wait: Some(|what| eprintln!("waiting: {what}")),
            ..ConnectSettings::migrate(self.connect_timeout).with_lock_timeout(self.lock_timeout)
        }
    }
}

async fn migrate(
    project: &Project,
    options: &Options,
    command: MigrateCommand,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let migrations = project.migrations()?;
    let (command, dry_run, force) = match command {
        MigrateCommand::Status => {
            status(project, options).await?;
            return Ok(ExitCode::SUCCESS);
        }
        MigrateCommand::Baseline { to } => {
            let db = connect::connect(&options.url, &options.settings(false)).await?;
            let code = baseline(project, &db, &to).await;
            let _ = db.close().await;
            return code;
        }
        MigrateCommand::Up { num, dry_run } => (Run::Up(num), dry_run, false),
        MigrateCommand::Down {
            num,
            dry_run,
            force,
        } => (Run::Down(Some(num)), dry_run, force),
        MigrateCommand::Fresh { force } => (Run::Fresh, false, force),
        MigrateCommand::Refresh { force } => (Run::Refresh, false, force),
        MigrateCommand::Reset { force } => (Run::Reset, false, force),
    };
    let mut db = match connect::connect(&options.url, &options.settings(dry_run)).await {
        // A dry run on a file not made yet: plan against an empty database.
        Err(ConnectError::NoSuchFile { .. }) if dry_run => {
            connect::connect("sqlite::memory:", &ConnectSettings::default()).await?
        }
        other => other?,
    };
    fsync_schema::migration::failpoint::install(&mut db);
    let runner = migrations
        .runner(&db)
        .lock_timeout(options.lock_timeout)
        .pooling(options.pooling)
        .on_progress(|progress| match progress {
            Progress::WaitingForLock { holder } => {
                eprintln!("waiting for the migration lock held by {holder}")
            }
            Progress::TookOverLock { holder } => {
                eprintln!("took over the migration lock of {holder}: that runner is gone")
            }
            Progress::Recovered(r) => eprintln!(
                "repaired `{}`, left half-run ({}) by a killed runner: {}",
                r.migration, r.direction, r.outcome
            ),
            Progress::Starting { .. } => {}
        });
    say_topology(runner.topology().await?);
    if dry_run {
        let plan = runner.plan(command).await?;
        match options.json {
            true => println!("{}", json(&options.target, &plan, None)?),
            false => print_plan(&plan),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = match runner.run(command, force).await {
        Err(MigrateError::WouldLoseData { losses, .. })
            if std::io::stdin().is_terminal() && !options.json =>
        {
            let rows: u64 = losses.iter().map(|l| l.rows).sum();
            eprintln!(
                "`{}` would drop: {}",
                command_name(command),
                losses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let word = format!("drop {rows}");
            eprint!("type `{word}` to go ahead: ");
            std::io::stderr().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            if line.trim() != word {
                return Err("not confirmed: nothing was changed".into());
            }
            runner.run(command, true).await?
        }
        other => other?,
    };
    let _ = db.close().await;
    match options.json {
        true => println!(
            "{}",
            json(&options.target, &report, Some(report.summary()))?
        ),
        false => print_report(&report),
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(project: &Project, options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let migrations = project.migrations()?;
    let report = match connect::connect(&options.url, &options.settings(true)).await {
        Ok(db) => {
            let report = migrations
                .runner(&db)
                .pooling(options.pooling)
                .status()
                .await?;
            let _ = db.close().await;
            report
        }
        Err(ConnectError::NoSuchFile { .. }) => {
            if !options.json {
                println!("(the file does not exist yet: nothing is applied)");
            }
            fsync_schema::migration::Runner::status_of_nothing(&migrations.migrations())
        }
        Err(error) => return Err(error.into()),
    };
    match options.json {
        true => println!(
            "{}",
            json(&options.target, &report, Some(report.summary()))?
        ),
        false => print_status(&report),
    }
    Ok(())
}

/// Says on standard error what changes how `migrate` runs here: a pooler, a Galera cluster.
fn say_topology(topology: &fsync_schema::migration::Topology) {
    if let Some(pooler) = &topology.pooler {
        eprintln!(
            "note: through {pooler}: each migration takes the lock in its own transaction; \
             what needs a session is left for the server's direct URL"
        );
    }
    if let Some(node) = &topology.galera {
        eprintln!(
            "note: a Galera cluster (node {node}): the lock is a row of `fsync_schema_lock`, DDL runs in total order"
        );
    }
}

fn print_report(report: &RunReport) {
    for loss in &report.forced {
        println!("dropped data: {loss}");
    }
    for table in &report.dropped {
        println!("dropped table {table}");
    }
    for object in &report.left {
        println!("left {object} (not created by the migrations)");
    }
    for index in &report.dropped_with {
        println!("dropped {index} with its table (not created by the migrations)");
    }
    for name in &report.rolled_back {
        println!("rolled back {name}");
    }
    for name in &report.applied {
        println!("applied {name}");
    }
    println!("{}", report.summary());
}

fn print_status(report: &StatusReport) {
    for m in &report.migrations {
        match &m.applied_at {
            Some(when) => println!("{:<12} {} at {when}", m.state, m.name),
            None => println!("{:<12} {}", m.state, m.name),
        }
    }
    for r in &report.unknown {
        println!(
            "{:<12} {} (applied here, not known to this program: a newer version ran here?)",
            "unknown", r.version
        );
    }
    if report.fresh.is_some() {
        println!(
            "{:<12} fresh (killed while dropping the migrations' tables)",
            "half-done"
        );
    }
    println!("{}", report.summary());
}

fn print_plan(plan: &Plan) {
    for sql in &plan.before {
        println!("{sql};");
    }
    for entry in &plan.repairs {
        println!(
            "-- first: repair `{}`, left half-run ({}) by a killed runner",
            entry.version, entry.direction
        );
    }
    for m in &plan.migrations {
        println!("-- {} {}", plan.direction, m.name);
        let Some(statements) = &m.statements else {
            println!("-- (no step list: its SQL is known only when it runs)");
            continue;
        };
        if m.in_transaction {
            println!("{};", plan.begin);
        } else {
            println!("-- no transaction: each statement commits on its own");
        }
        for sql in statements {
            match sql.starts_with("--") {
                true => println!("{sql}"),
                false => println!("{sql};"),
            }
        }
        if m.in_transaction {
            println!("COMMIT;");
        }
    }
    for sql in &plan.after {
        println!("{sql};");
    }
    let what = if plan.direction == "up" {
        "apply"
    } else {
        "roll back"
    };
    println!(
        "dry run: {} migration(s) to {what}; nothing was changed",
        plan.migrations.len()
    );
}

/// `report` as pretty JSON, with the database it is about (redacted) and
/// its one-line summary.
fn json(
    target: &Target,
    report: &impl serde::Serialize,
    summary: Option<String>,
) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(report)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("database".to_owned(), target.to_string().into());
        if let Some(summary) = summary {
            map.insert("summary".to_owned(), summary.into());
        }
    }
    serde_json::to_string_pretty(&value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsync_schema::{Backend, Schema, Targets};

    fn postgres_only() -> Schema {
        Schema::default().targeting(Targets::POSTGRES)
    }

    /// A backend the schema does not target is refused before connecting:
    /// no SQLite file is made, whatever the URL's `mode=rwc`.
    #[test]
    fn an_untargeted_backend_is_refused_before_any_file_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::new(dir.path(), postgres_only);
        let path = dir.path().join("app.db");
        for format in [Format::Text, Format::Json] {
            let args = Args {
                database_url: vec![format!("sqlite://{}?mode=rwc", path.display())],
                urls_from: None,
                schemas_from: None,
                jobs: None,
                pooler: Pooler::Auto,
                connect_timeout: 5.0,
                lock_timeout: 1.0,
                format,
                command: None,
            };
            let error = run_text(&project, args).unwrap_err().to_string();
            assert!(error.contains("no SQLite rendering"), "{error}");
            assert!(!path.exists(), "a file was made");
        }
        assert!(!Targets::POSTGRES.contains(Backend::Sqlite));
    }
}
