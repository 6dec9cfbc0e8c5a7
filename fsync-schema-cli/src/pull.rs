//! `pull --database-url URL --out DIR [--force]`: writes the annotated
//! entities of a live database (one module per table and `mod.rs` with the
//! `entities!` registration), for adopting it. See `fsync_schema::pull`.

use crate::{CommandResult, Project};
use fsync_schema::pull;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `pull`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The database to read, e.g. `sqlite://app.db`, `postgres://user@host/db`,
    /// `mysql://user@host/db`.
    #[arg(short = 'u', long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The directory to write the entity modules into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace files in `--out` that `pull` did not write.
    #[arg(long)]
    pub force: bool,
    /// Seconds to wait for a connection.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// Runs the command.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let command = format!("{} pull", project.tool());
    let pulled = crate::runtime()?.block_on(async {
        let timeout = std::time::Duration::from_secs(args.timeout);
        let db = pull::connect(&args.database_url, timeout).await?;
        let pulled = pull::pull(&db, &command).await;
        let _ = db.close().await;
        pulled
    })?;
    let written = pull::write(&args.out, &pulled, args.force)?;
    for path in &written {
        println!("wrote {}", path.display());
    }
    for object in &pulled.unmanaged {
        println!("note: {object}");
    }
    println!(
        "{} entities from a {} database; review them, then declare `mod {};` in your crate",
        written.len() - 1,
        pulled.backend.name(),
        args.out
            .file_name()
            .map_or("entities".into(), |n| n.to_string_lossy())
    );
    Ok(ExitCode::SUCCESS)
}
