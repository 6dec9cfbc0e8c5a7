//! `fsync`: the file-sync core's command line, fsync-schema's command set
//! bound to the file-sync entities (`fsync::tools::project`):
//!
//! - `fsync schema sql [--backend sqlite|postgres|mysql]` prints the DDL of the entities;
//! - `fsync migrate [up|down|status|fresh|refresh|reset]` runs the migrations, on the
//!   embedded SQLite file `./fsync.db` by default, or on `-u/--database-url` / `DATABASE_URL`;
//! - and `gen-migration`, `check-docs`, `docs`, `diff`, as `cargo xtask` has them.

use clap::Parser;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fsync",
    about = "The file-sync core: schema and migrations",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: fsync_schema_cli::Command,
}

fn main() -> ExitCode {
    fsync::tools::project().execute(Cli::parse().command)
}
