//! `migrate [up|down|status|fresh|refresh|reset]`: runs the project's
//! migrations on `-u/--database-url` / `DATABASE_URL`, or on the project's
//! embedded SQLite file.

use crate::{CommandResult, Project, database};
use fsync_schema::baseline::BaselineError;
use fsync_schema::migration::Command as Run;
use sea_orm::DatabaseConnection;
use std::process::ExitCode;

/// Options of `migrate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Database URL; without it, the project's embedded SQLite file (created if missing).
    #[arg(short = 'u', long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Option<MigrateCommand>,
}

/// The migrate commands.
#[derive(clap::Subcommand, Clone, Debug, PartialEq, Eq)]
pub enum MigrateCommand {
    /// Apply pending migrations (the default).
    Up {
        /// Apply only this many.
        #[arg(short, long)]
        num: Option<u32>,
    },
    /// Roll back the last applied migration (or `-n` of them).
    Down {
        #[arg(short, long, default_value_t = 1)]
        num: u32,
    },
    /// List every migration and whether it is applied.
    Status,
    /// Drop all tables, then apply all migrations.
    Fresh,
    /// Roll back all applied migrations, then apply them again.
    Refresh,
    /// Roll back all applied migrations.
    Reset,
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
    let announcement = format!("database: {} (embedded SQLite)", path.display());
    if quiet {
        eprintln!("{announcement}");
    } else {
        println!("{announcement}");
    }
    Ok(database::sqlite_url(&path))
}

/// Runs the command.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let url = database_url(project, args.database_url, false)?;
    let command = args.command.unwrap_or(MigrateCommand::Up { num: None });
    crate::runtime()?.block_on(async {
        let db = database::connect(&url).await?;
        let result = migrate(project, &db, command).await;
        let _ = db.close().await;
        result
    })
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

async fn migrate(
    project: &Project,
    db: &DatabaseConnection,
    command: MigrateCommand,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let migrations = project.migrations()?;
    let command = match command {
        MigrateCommand::Status => {
            for (name, applied) in migrations.status(db).await? {
                let state = if applied { "applied" } else { "pending" };
                println!("{state:<8} {name}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        MigrateCommand::Up { num } => Run::Up(num),
        MigrateCommand::Down { num } => Run::Down(Some(num)),
        MigrateCommand::Fresh => Run::Fresh,
        MigrateCommand::Refresh => Run::Refresh,
        MigrateCommand::Reset => Run::Reset,
        MigrateCommand::Baseline { to } => return baseline(project, db, &to).await,
    };
    let (fresh, refresh) = (command == Run::Fresh, command == Run::Refresh);
    let before = migrations.applied(db).await?;
    migrations.run(db, command).await?;
    let after = migrations.applied(db).await?;
    if fresh {
        println!("dropped every table");
    }
    // Newest first, as they were rolled back; `refresh` rolls back and
    // re-applies everything.
    for name in before
        .iter()
        .rev()
        .filter(|n| refresh || !after.contains(n))
    {
        println!("rolled back {name}");
    }
    for name in after
        .iter()
        .filter(|n| fresh || refresh || !before.contains(n))
    {
        println!("applied {name}");
    }
    if before == after && !(fresh || refresh) {
        println!("nothing to do: {} migration(s) applied", after.len());
    }
    Ok(ExitCode::SUCCESS)
}
