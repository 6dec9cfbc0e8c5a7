//! `fsync`: the file-sync core's command line.
//!
//! - `fsync schema sql [--backend sqlite|postgres|mysql]` prints the DDL of the entities;
//! - `fsync migrate [up|down|status|fresh|refresh|reset]` runs the migrations, on the
//!   embedded SQLite file `./fsync.db` by default, or on `-u/--database-url` / `DATABASE_URL`,
//!   with [`fsync_schema::migration::Runner`]: one runner at a time, crash recovery,
//!   row counts before anything is dropped, dry runs.

use clap::{Parser, Subcommand, ValueEnum};
use fsync::migrations::Migrator;
use fsync_schema::Backend;
use fsync_schema::connect::{self, ConnectError, ConnectSettings, Target};
use fsync_schema::migration::{Command, MigrateError, Plan, Progress, Runner, StatusReport};
use sea_orm_migration::MigratorTrait;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "fsync",
    about = "The file-sync core: schema and migrations",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Top,
}

#[derive(Subcommand)]
enum Top {
    /// Print the schema of the entities.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Run the migrations.
    Migrate {
        /// Database URL; without it, the embedded SQLite file `./fsync.db` (created if missing).
        #[arg(short = 'u', long, env = "DATABASE_URL", global = true)]
        database_url: Option<String>,
        /// Seconds to wait for the database server to answer.
        #[arg(long, default_value_t = 5.0, global = true)]
        connect_timeout: f64,
        /// Seconds to wait for another runner's migration lock.
        #[arg(long, default_value_t = 60.0, global = true)]
        lock_timeout: f64,
        /// Output: text, or JSON for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
        format: Format,
        #[command(subcommand)]
        command: Option<MigrateCommand>,
    },
}

#[derive(Subcommand)]
enum SchemaCommand {
    /// Print CREATE TABLE and CREATE INDEX statements, tables in foreign-key order.
    Sql {
        #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres", "mysql"])]
        backend: String,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand, Clone, Copy)]
enum MigrateCommand {
    /// Apply pending migrations (the default).
    Up {
        /// Apply only this many.
        #[arg(short, long)]
        num: Option<u32>,
        /// Print the SQL it would run, changing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Roll back the last applied migration (or `-n` of them).
    Down {
        #[arg(short, long, default_value_t = 1)]
        num: u32,
        /// Print the SQL it would run, changing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Drop tables and columns that hold rows.
        #[arg(long)]
        force: bool,
    },
    /// List every migration, whether it is applied and when (read-only).
    Status,
    /// Drop the tables the migrations build, then apply all migrations.
    Fresh {
        /// Drop tables that hold rows.
        #[arg(long)]
        force: bool,
    },
    /// Roll back all applied migrations, then apply them again.
    Refresh {
        /// Drop tables and columns that hold rows.
        #[arg(long)]
        force: bool,
    },
    /// Roll back all applied migrations.
    Reset {
        /// Drop tables and columns that hold rows.
        #[arg(long)]
        force: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn seconds(value: f64, flag: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|_| format!("`--{flag} {value}`: not a duration"))
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let Top::Migrate {
        database_url,
        connect_timeout,
        lock_timeout,
        format,
        command,
    } = cli.command
    else {
        let Top::Schema {
            command: SchemaCommand::Sql { backend },
        } = cli.command
        else {
            unreachable!()
        };
        let backend: Backend = backend.parse()?;
        print!(
            "{}",
            fsync_schema::render::schema_sql(&fsync::entities::schema(), backend)
        );
        return Ok(());
    };
    let connect_timeout = seconds(connect_timeout, "connect-timeout")?;
    let lock_timeout = seconds(lock_timeout, "lock-timeout")?;
    let embedded = database_url.is_none();
    let url = database_url
        .unwrap_or_else(|| fsync::db::sqlite_url(&fsync::db::default_sqlite_path()));
    let target = Target::parse(&url)?;
    let text = format == Format::Text;
    if text && embedded {
        println!("database: {target} (embedded)");
    } else if text {
        println!("database: {target}");
    }
    let command = command.unwrap_or(MigrateCommand::Up {
        num: None,
        dry_run: false,
    });
    let (command, dry_run, force) = match command {
        MigrateCommand::Status => return status(&url, connect_timeout, format, &target).await,
        MigrateCommand::Up { num, dry_run } => (Command::Up(num), dry_run, false),
        MigrateCommand::Down {
            num,
            dry_run,
            force,
        } => (Command::Down(Some(num)), dry_run, force),
        MigrateCommand::Fresh { force } => (Command::Fresh, false, force),
        MigrateCommand::Refresh { force } => (Command::Refresh, false, force),
        MigrateCommand::Reset { force } => (Command::Reset, false, force),
    };
    let mut settings = ConnectSettings::migrate(connect_timeout);
    settings.read_only = dry_run;
    let db = match connect::connect(&url, &settings).await {
        // A dry run on a file not made yet: plan against an empty database.
        Err(ConnectError::NoSuchFile { .. }) if dry_run => {
            connect::connect("sqlite::memory:", &ConnectSettings::default()).await?
        }
        other => other?,
    };
    let runner = Runner::of::<Migrator>(&db)
        .with_steps(fsync::migrations::steps())
        .lock_timeout(lock_timeout)
        .on_progress(|progress| match progress {
            Progress::WaitingForLock { holder } => {
                eprintln!("waiting for the migration lock held by {holder}")
            }
            Progress::Recovered(r) => eprintln!(
                "repaired `{}`, left half-run ({}) by a killed runner: {}",
                r.migration, r.direction, r.outcome
            ),
            Progress::Starting { .. } => {}
        });
    if dry_run {
        let plan = runner.plan(command).await?;
        match format {
            Format::Json => println!("{}", json(&target, &plan)?),
            Format::Text => print_plan(&plan),
        }
        return Ok(());
    }
    let report = match runner.run(command, force).await {
        Err(MigrateError::WouldLoseData { losses, .. })
            if std::io::stdin().is_terminal() && text =>
        {
            eprintln!(
                "`{}` would drop: {}",
                fsync_schema::migration::command_name(command),
                losses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let word = format!("drop {}", losses.iter().map(|l| l.rows).sum::<u64>());
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
    match format {
        Format::Json => println!("{}", json(&target, &report)?),
        Format::Text => {
            for loss in &report.forced {
                println!("dropped data: {loss}");
            }
            for table in &report.dropped {
                println!("dropped table {table}");
            }
            for object in &report.left {
                println!("left {object} (not created by the migrations)");
            }
            for name in &report.rolled_back {
                println!("rolled back {name}");
            }
            for name in &report.applied {
                println!("applied {name}");
            }
            println!("{}", report.summary());
        }
    }
    Ok(())
}

async fn status(
    url: &str,
    connect_timeout: Duration,
    format: Format,
    target: &Target,
) -> Result<(), Box<dyn std::error::Error>> {
    let settings = ConnectSettings {
        read_only: true,
        ..ConnectSettings::migrate(connect_timeout)
    };
    let report = match connect::connect(url, &settings).await {
        Ok(db) => Runner::of::<Migrator>(&db).status().await?,
        Err(ConnectError::NoSuchFile { .. }) => {
            if format == Format::Text {
                println!("(the file does not exist yet: nothing is applied)");
            }
            Runner::status_of_nothing(&Migrator::migrations())
        }
        Err(error) => return Err(error.into()),
    };
    match format {
        Format::Json => println!("{}", json(target, &report)?),
        Format::Text => print_status(&report),
    }
    Ok(())
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
    println!("{}", report.summary());
}

fn print_plan(plan: &Plan) {
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
            println!("BEGIN;");
        } else {
            println!("-- no transaction: each statement commits on its own");
        }
        for sql in statements {
            println!("{sql};");
        }
        if m.in_transaction {
            println!("COMMIT;");
        }
    }
    println!(
        "dry run: {} migration(s) to {}; nothing was changed",
        plan.migrations.len(),
        if plan.direction == "up" {
            "apply"
        } else {
            "roll back"
        }
    );
}

fn json(target: &Target, report: &impl serde::Serialize) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(report)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("database".to_owned(), target.to_string().into());
    }
    serde_json::to_string_pretty(&value)
}
