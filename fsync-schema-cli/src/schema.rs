//! `schema sql [--backend sqlite|postgres|mysql]`: the entities' DDL.

use crate::{CommandResult, Project};
use fsync_schema::{Backend, render};
use std::io::Write;
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
            let mut out = std::io::stdout().lock();
            for statement in render::schema_statements(&schema, backend) {
                match writeln!(out, "{};\n", render::layout::multiline(&statement)) {
                    Ok(()) => {}
                    // The reader stopped early (`| head`): nothing more to say.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                    Err(e) => return Err(format!("writing the DDL: {e}").into()),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
