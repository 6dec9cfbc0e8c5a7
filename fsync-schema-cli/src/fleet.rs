//! `migrate` over many databases at once (`-u` repeated, `--urls-from`,
//! `--schemas-from`): builds the [`fsync_schema::fleet::Fleet`], runs it and
//! prints one line per database and the total, with a progress bar when
//! standard error is a terminal.

use crate::migrate::{Args, Format, MigrateCommand};
use crate::{CommandResult, Project};
use fsync_schema::fleet::{self, Fleet, FleetReport, Member, MemberReport, Task};
use fsync_schema::migration::{Command as Run, backend_of};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Whether `args` name a fleet rather than one database.
pub fn is_fleet(args: &Args) -> bool {
    args.database_url.len() > 1
        || args.urls_from.is_some()
        || args.schemas_from.is_some()
        || args.database_url.iter().any(|url| fleet::is_glob(url))
}

/// Runs the command on every database of the fleet; exit code 2 when any failed.
pub fn run(
    project: &Project,
    args: Args,
    connect_timeout: Duration,
    lock_timeout: Duration,
) -> CommandResult {
    let task = task(args.command.clone())?;
    let members = members(&args)?;
    let mut fleet = Fleet::new(members)
        .connect_timeout(connect_timeout)
        .lock_timeout(lock_timeout);
    if let Some(jobs) = args.jobs {
        fleet = fleet.jobs(jobs);
    }
    let json = args.format == Format::Json;
    let pooling = args.pooler.into();
    let migrations = project.migrations()?;
    let schema = project.schema();
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(fleet.members().len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} databases, {elapsed} (eta {eta})")
                .expect("a valid template"),
        );
        bar
    });
    if !json {
        println!("fleet: {} database(s)", fleet.members().len());
    }
    let print = |report: &MemberReport| {
        if json {
            return;
        }
        match &bar {
            Some(bar) => {
                bar.suspend(|| println!("{}", report.line()));
                bar.inc(1);
            }
            None => println!("{}", report.line()),
        }
    };
    let report: FleetReport = crate::runtime()?.block_on(fleet.run(
        task,
        |db| {
            let backend = backend_of(sea_orm::ConnectionTrait::get_database_backend(db));
            schema.check_target(backend).map_err(|e| e.to_string())?;
            Ok(migrations.runner(db).pooling(pooling))
        },
        print,
    ));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = report.summary();
    if json {
        let mut value = serde_json::to_value(&report)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("summary".to_owned(), summary.clone().into());
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!("{summary}");
    }
    if report.failed() > 0 {
        eprintln!(
            "error: {} of {} database(s) failed (see the FAILED lines); a rerun does only what is left",
            report.failed(),
            report.members.len()
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The fleet's task: `status`, or a runner command without a dry run.
fn task(command: Option<MigrateCommand>) -> Result<Task, String> {
    let run = |command, force| Ok(Task::Run { command, force });
    match command.unwrap_or(MigrateCommand::Up {
        num: None,
        dry_run: false,
    }) {
        MigrateCommand::Status => Ok(Task::Status),
        MigrateCommand::Up { dry_run: true, .. } | MigrateCommand::Down { dry_run: true, .. } => {
            Err("`--dry-run` plans one database: pass a single `-u`".to_owned())
        }
        MigrateCommand::Baseline { .. } => {
            Err("`baseline` compares one database: pass a single `-u`".to_owned())
        }
        MigrateCommand::Up { num, .. } => run(Run::Up(num), false),
        MigrateCommand::Down { num, force, .. } => run(Run::Down(Some(num)), force),
        MigrateCommand::Fresh { force } => run(Run::Fresh, force),
        MigrateCommand::Refresh { force } => run(Run::Refresh, force),
        MigrateCommand::Reset { force } => run(Run::Reset, force),
    }
}

/// The members: each `-u`, then the lines of `--urls-from` (globs
/// expanded); with `--schemas-from`, a member per schema on the one `-u`.
fn members(args: &Args) -> Result<Vec<Member>, Box<dyn std::error::Error>> {
    if let Some(file) = &args.schemas_from {
        let schemas = fleet::read_list(&read(file)?, &shown(file));
        if args.database_url.len() != 1 || args.urls_from.is_some() {
            return Err(fleet::FleetError::SchemasNeedOnePostgresUrl {
                given: format!(
                    "got {} `-u` and {} `--urls-from`",
                    args.database_url.len(),
                    usize::from(args.urls_from.is_some())
                ),
            }
            .into());
        }
        if schemas.is_empty() {
            return Err(
                fleet::FleetError::Empty(format!("{} lists no schema", shown(file))).into(),
            );
        }
        return Ok(fleet::tenants(&args.database_url[0], &schemas)?);
    }
    // `DATABASE_URL` (clap's default for `-u`) is not part of a listed fleet.
    let from_env = args.urls_from.is_some()
        && args.database_url.len() == 1
        && std::env::var("DATABASE_URL").ok().as_ref() == args.database_url.first();
    let mut entries: Vec<(String, String)> = args
        .database_url
        .iter()
        .filter(|_| !from_env)
        .enumerate()
        .map(|(n, url)| (url.clone(), format!("-u #{}", n + 1)))
        .collect();
    if let Some(file) = &args.urls_from {
        let listed = fleet::read_list(&read(file)?, &shown(file));
        if listed.is_empty() {
            return Err(
                fleet::FleetError::Empty(format!("{} lists no database", shown(file))).into(),
            );
        }
        entries.extend(listed);
    }
    Ok(fleet::expand(&entries)?
        .into_iter()
        .map(Member::url)
        .collect())
}

fn shown(file: &Path) -> String {
    match file == Path::new("-") {
        true => "<stdin>".to_owned(),
        false => file.display().to_string(),
    }
}

/// A list file's text, or standard input's for `-`.
fn read(file: &Path) -> Result<String, String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))
}
