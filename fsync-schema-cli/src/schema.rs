//! `schema sql [--backend sqlite|postgres|mysql]`: the entities' DDL.

use crate::{CommandResult, Project};
use fsync_schema::{Backend, render};
use std::process::ExitCode;

/// The schema commands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Print CREATE TABLE and CREATE INDEX statements, tables in foreign-key order, one column per line.
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
            let schema = project.schema();
            schema.check_target(backend)?;
            for statement in render::schema_statements(&schema, backend) {
                println!("{};\n", render::layout::multiline(&statement));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
