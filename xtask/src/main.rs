//! Project tasks, run as `cargo xtask <command>`: fsync-schema's command set
//! (`gen-migration`, `check-docs`, `docs`, `diff`, `migrate`, `schema sql`;
//! see `fsync_schema_cli`) bound to this repository's file-sync entities, and
//! `bench-build`, which times builds of derived entities against
//! hand-written ones (`bench-build scale`: at 100 to 1,000 tables).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod bench_build;
mod bench_scale;
mod scale_schema;

#[cfg(test)]
mod project_checks;

/// The root package's test databases (fresh ones on the servers configured by
/// `FSYNC_TEST_POSTGRES_URL` / `FSYNC_TEST_MYSQL_URL`).
#[cfg(test)]
#[path = "../../tests/common/mod.rs"]
mod test_databases;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks of fsync-schema")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Schema(fsync_schema_cli::Command),
    /// Time incremental rebuilds of derived entities against hand-written SeaORM ones.
    BenchBuild(bench_build::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Schema(command) => fsync::tools::project().execute(command),
        Command::BenchBuild(args) => match bench_build::run(args) {
            Ok(code) => code,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        },
    }
}

/// The workspace root.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

/// What a task returns: its exit code, or an error for exit code 2.
pub type TaskResult = Result<ExitCode, Box<dyn std::error::Error>>;
