//! `fsync`: the file-sync core's command line.
//!
//! - `fsync schema sql [--backend sqlite|postgres|mysql]` prints the DDL of the entities;
//! - `fsync migrate [up|down|status|fresh|refresh|reset]` runs the migrations, on the
//!   embedded SQLite file `./fsync.db` by default, or on `-u/--database-url` / `DATABASE_URL`.

use clap::{Parser, Subcommand};
use fsync::migrations::Migrator;
use fsync_schema::Backend;
use fsync_schema::migration::{self, Command};
use sea_orm_migration::MigratorTrait;
use std::process::ExitCode;

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
    /// Run the migrations (sea-orm-migration's commands).
    Migrate {
        /// Database URL; without it, the embedded SQLite file `./fsync.db` (created if missing).
        #[arg(short = 'u', long, env = "DATABASE_URL", global = true)]
        database_url: Option<String>,
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

#[derive(Subcommand, Clone, Copy)]
enum MigrateCommand {
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

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Top::Schema {
            command: SchemaCommand::Sql { backend },
        } => {
            let backend: Backend = backend.parse()?;
            print!(
                "{}",
                fsync_schema::render::schema_sql(&fsync::entities::schema(), backend)?
            );
            Ok(())
        }
        Top::Migrate {
            database_url,
            command,
        } => {
            let url = match database_url {
                Some(url) => url,
                None => {
                    let path = fsync::db::default_sqlite_path();
                    println!("database: {} (embedded SQLite)", path.display());
                    fsync::db::sqlite_url(&path)
                }
            };
            let db = fsync::db::connect(&url).await?;
            let command = match command.unwrap_or(MigrateCommand::Up { num: None }) {
                MigrateCommand::Status => return status(&db).await,
                MigrateCommand::Up { num } => Command::Up(num),
                MigrateCommand::Down { num } => Command::Down(Some(num)),
                MigrateCommand::Fresh => Command::Fresh,
                MigrateCommand::Refresh => Command::Refresh,
                MigrateCommand::Reset => Command::Reset,
            };
            let (fresh, refresh) = (command == Command::Fresh, command == Command::Refresh);
            let before = applied(&db).await?;
            migration::run::<Migrator>(&db, command).await?;
            let after = applied(&db).await?;
            if fresh {
                println!("dropped every table");
            }
            // Newest first, as they were rolled back; `refresh` rolls back
            // and re-applies everything.
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
            Ok(())
        }
    }
}

async fn applied(db: &sea_orm::DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    Ok(Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

async fn status(db: &sea_orm::DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
    for migration in Migrator::get_migration_with_status(db).await? {
        println!(
            "{:<8} {}",
            migration.status().to_string().to_lowercase(),
            migration.name()
        );
    }
    Ok(())
}
