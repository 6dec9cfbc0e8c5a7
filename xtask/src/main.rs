//! Project tasks, run as `cargo xtask <command>`.
//!
//! - `gen-migration`: writes the next migration from the entities (`--check` for CI);
//! - `check-docs`: compares the SQL written in the docs with the entities;
//! - `docs`: rewrites the generated part of the schema docs (`--check` for CI);
//! - `diff`: reports drift between the entities and a live database;
//! - `bench-build`: times incremental rebuilds, derived against hand-written entities.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod bench_build;
mod check_docs;
mod diff;
mod docs;
mod files;
mod gen_migration;

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
    /// Write the next migration from the entities, or check that none is missing.
    GenMigration(gen_migration::Args),
    /// Compare the ```sql blocks of the docs with the entities.
    CheckDocs(check_docs::Args),
    /// Rewrite the generated sections of the schema docs (ER diagram, column tables).
    Docs(docs::Args),
    /// Report drift between the entities and a live database.
    Diff(diff::Args),
    /// Time incremental rebuilds of derived entities against hand-written SeaORM ones.
    BenchBuild(bench_build::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::GenMigration(args) => gen_migration::run(args),
        Command::CheckDocs(args) => check_docs::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Diff(args) => diff::run(args),
        Command::BenchBuild(args) => bench_build::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
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
