//! `schema sql [--backend sqlite|postgres|mysql]`: the entities' DDL.

use crate::{CommandResult, Project};
use fsync_schema::{Backend, render};
use std::process::ExitCode;

/// The schema commands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Print CREATE TABLE and CREATE INDEX statements, tables in foreign-key order.
    Sql {
        #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres", "mysql"])]
        backend: String,
    },
}

/// Runs the command.
pub fn run(project: &Project, command: Command) -> CommandResult {
    match command {
        Command::Sql { backend } => {
            let backend: Backend = backend.parse()?;
            print!("{}", render::schema_sql(&project.schema(), backend)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
