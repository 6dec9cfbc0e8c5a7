//! `pull --database-url URL --out DIR [--force]`: writes the annotated
//! entities of a live database (one module per table and `mod.rs` with the
//! `entities!` registration), for adopting it. See `fsync_schema::pull`.

use crate::{CommandResult, Project};
use fsync_schema::connect::{self, ConnectSettings};
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
    /// Seconds a query waits for a lock another session holds before giving up.
    #[arg(long, default_value_t = 10.0)]
    pub lock_timeout: f64,
}

/// How this run was invoked, for the headers: the running program's name
/// (`fsync pull`), or the project's spelling when it runs as the xtask.
fn command_run(project: &Project) -> String {
    let program = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()));
    match program {
        Some(name) if name != "xtask" && !project.tool().ends_with(&name) => format!("{name} pull"),
        _ => format!("{} pull", project.tool()),
    }
}

/// Runs the command.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let command = command_run(project);
    let lock_timeout = std::time::Duration::try_from_secs_f64(args.lock_timeout)
        .map_err(|_| format!("`--lock-timeout {}`: not a duration", args.lock_timeout))?;
    let settings = ConnectSettings {
        on_lock_wait: Some(|what| eprintln!("waiting: {what}")),
        ..ConnectSettings::read(std::time::Duration::from_secs(args.timeout))
            .with_lock_timeout(lock_timeout)
    };
    let pulled = crate::runtime()?.block_on(async {
        let db = connect::connect(&args.database_url, &settings)
            .await
            .map_err(pull::PullError::from)?;
        let pulled = pull::pull(&db, &command).await;
        let _ = db.close().await;
        pulled
    })?;
    let written = pull::write(&args.out, &pulled, args.force)?;
    for path in &written {
        println!("wrote {}", path.display());
    }
    for note in &pulled.notes {
        println!("note: {note}");
    }
    for object in &pulled.unmanaged {
        println!("note: {object}");
    }
    let module = args
        .out
        .file_name()
        .map_or("entities".into(), |n| n.to_string_lossy().into_owned());
    let next = if declared(&args.out, &module) {
        "review them, then build".to_owned()
    } else {
        format!("review them, then declare `mod {module};` in your crate")
    };
    println!(
        "{} entities from a {} database; {next}",
        written.len() - 1,
        pulled.backend.name(),
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether the crate root beside `out` (`src/lib.rs` or `src/main.rs` for
/// `src/entities`) declares `mod <module>;` already (`fsync-schema init` does).
fn declared(out: &std::path::Path, module: &str) -> bool {
    let Some(dir) = out.parent() else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    ["lib.rs", "main.rs"].iter().any(|root| {
        std::fs::read_to_string(dir.join(root)).is_ok_and(|text| {
            text.lines().any(|line| {
                let line = line.trim();
                line.ends_with(&format!("mod {module};"))
                    && (line.starts_with("mod ") || line.starts_with("pub"))
            })
        })
    })
}
