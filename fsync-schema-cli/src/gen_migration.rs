//! `gen-migration`: writes the next migration from the entities.
//!
//! The schema that the existing migrations build is committed beside them as
//! `schema.json` (no database needed); the new migration is the diff from it
//! to the project's entities. `migrations.sum` holds a checksum of every
//! migration file, so a generated migration edited by hand is noticed, and
//! `--check` exits non-zero when anything is stale.

use crate::files::{self, write_atomically};
use crate::{CommandResult, Project};
use fsync_schema::codegen;
use fsync_schema::{Schema, Step, changes, step, validate};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `gen-migration`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// What the migration does, in snake_case: `m<version>_<NNNNNN>_<name>.rs`
    /// (needed only when the entities changed).
    #[arg(long)]
    pub name: Option<String>,
    /// The date prefix YYYYMMDD (default: today, UTC).
    #[arg(long)]
    pub version: Option<String>,
    /// Write nothing; exit 1 when a migration is missing or a file is stale or edited.
    #[arg(long, conflicts_with_all = ["name", "rehash"])]
    pub check: bool,
    /// Accept hand edits of migrations: rewrite `mod.rs` and `migrations.sum` only.
    #[arg(long, conflicts_with = "name")]
    pub rehash: bool,
    /// Fold the entities' changes into the last migration instead of writing a
    /// new one (Django's `makemigrations --update`), while no database this tool
    /// can see has applied it (the embedded database, `DATABASE_URL`); it keeps
    /// its name unless --name gives another.
    #[arg(long, conflicts_with_all = ["check", "rehash", "empty", "remove_last"])]
    pub update: bool,
    /// Remove the last migration while no database this tool can see has
    /// applied it: its file, and its place in mod.rs, migrations.sum and
    /// schema.json (deleting the file by hand breaks the build).
    #[arg(long, conflicts_with_all = ["check", "rehash", "empty", "name", "fill"])]
    pub remove_last: bool,
    /// Allow changes that lose data (dropped tables or columns, narrowed types).
    #[arg(long)]
    pub allow_destructive: bool,
    /// Write a migration with no schema steps, only the place for hand-written
    /// data steps (needs --name).
    #[arg(long, requires = "name")]
    pub empty: bool,
    /// `table.column=<SQL expression>`: fill the existing rows of a NOT NULL
    /// column this migration adds, once (the column is added as NULL, filled,
    /// then made NOT NULL; the value does not become its default). Repeatable.
    #[arg(long, value_name = "TABLE.COLUMN=SQL", conflicts_with = "empty")]
    pub fill: Vec<String>,
    /// Plain DDL on PostgreSQL too. By default, PostgreSQL builds indexes of
    /// existing tables concurrently outside the transaction, adds their foreign
    /// keys and CHECKs `NOT VALID` then validates them, and waits at most
    /// --lock-timeout for each lock.
    #[arg(long)]
    pub no_online: bool,
    /// PostgreSQL's lock_timeout for DDL on existing tables (default 5s), e.g. `2s`, `500ms`.
    #[arg(long, conflicts_with = "no_online")]
    pub lock_timeout: Option<String>,
    /// The migrations directory (default: the project's, `src/migrations`).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Runs the command on the project's entities and migrations.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| project.migrations_path());
    let entities = project.entities_path();
    let undeclared: Vec<String> = crate::registration::undeclared(&entities)
        .iter()
        .map(|u| {
            let shown = crate::registration::Undeclared {
                file: project.shown(&u.file).into(),
                module: u.module.clone(),
            };
            shown.describe(project.shown(&entities.join("mod.rs")).as_ref())
        })
        .collect();
    if !undeclared.is_empty() {
        if args.check {
            println!("migrations are stale:");
            for line in &undeclared {
                println!("  {line}");
            }
            return Ok(ExitCode::FAILURE);
        }
        return Err(Error(format!("{}; nothing was written", undeclared.join("\n"))).into());
    }
    let recorded = project.migrations().map(|m| m.steps()).unwrap_or_default();
    if args.update || args.remove_last {
        let directory = read_directory(&dir)?;
        if let Some((last, ..)) = directory.migrations.last() {
            refuse_if_applied(project, last)?;
        }
    }
    let outcome = generate(&dir, &project.schema(), &recorded, project.tool(), &args)?;
    print!("{}", outcome.report);
    if outcome.written.is_some() && project.has_migrator() {
        println!(
            "review it, commit it, and apply it with `{} migrate up`",
            project.tool()
        );
    } else if outcome.written.is_some() {
        println!(
            "review it and commit it; then declare the module (`pub mod migrations;` beside your entities) \
             and register it with `.migrator(migrations::Migrator)` on the Project, and apply it with `{} migrate up`",
            project.tool()
        );
    }
    Ok(if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Fails when a database this tool can see (the project's embedded database
/// if its file exists, and `DATABASE_URL` if set) records `migration` as
/// applied: changing or removing it would leave that database behind.
fn refuse_if_applied(project: &Project, migration: &str) -> Result<(), Error> {
    let mut urls = Vec::new();
    if let Some(path) = project.embedded_database_path().filter(|p| p.exists()) {
        urls.push((
            format!("sqlite://{}?mode=ro", path.display()),
            project.shown(&path),
        ));
    }
    if let Ok(url) = std::env::var("DATABASE_URL") {
        urls.push((url.clone(), fsync_schema::connect::redact(&url)));
    }
    let runtime = crate::runtime().map_err(|e| Error(e.to_string()))?;
    for (url, shown) in urls {
        let applied = runtime.block_on(async {
            let db = crate::database::connect(&url).await?;
            let records = fsync_schema::migration::records::read(&db).await;
            let _ = db.close().await;
            records
        });
        let applied = applied.map_err(|e| {
            Error(format!(
                "cannot tell whether {shown} applied {migration}: {e}; nothing was changed"
            ))
        })?;
        if applied.iter().any(|r| r.version == migration) {
            return error(format!(
                "{migration} is applied in {shown}; changing it would leave that database behind: \
                 write a new migration (`{} gen-migration --name <what_changed>`), or undo it there first \
                 (`{} migrate down`); nothing was changed",
                project.tool(),
                project.tool()
            ));
        }
    }
    Ok(())
}

/// What a run did or found.
#[derive(Debug)]
pub struct Outcome {
    /// False when `--check` found something stale.
    pub ok: bool,
    pub report: String,
    /// The migration file written, if any.
    pub written: Option<PathBuf>,
}

/// A problem that stops the task before anything is written.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn error<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error(message.into()))
}

/// The migrations directory as found on disk.
struct Directory {
    /// Migration modules (file stems), sorted: (name, contents, generated).
    migrations: Vec<(String, String, bool)>,
    snapshot: Option<Schema>,
    sum: Option<String>,
    module: Option<String>,
}

fn read_directory(dir: &Path) -> Result<Directory, Error> {
    if !dir.exists() {
        // The first migration creates the directory.
        return Ok(Directory {
            migrations: Vec::new(),
            snapshot: None,
            sum: None,
            module: None,
        });
    }
    let entries = fs::read_dir(dir).map_err(|e| {
        Error(format!(
            "cannot read the migrations directory {}: {e}",
            dir.display()
        ))
    })?;
    let mut migrations = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error(e.to_string()))?.path();
        let (Some(stem), Some("rs")) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if stem.starts_with('m') && stem != "mod" {
            let contents = fs::read_to_string(&path)
                .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
            let generated = codegen::is_generated(&contents);
            migrations.push((stem.to_owned(), contents, generated));
        }
    }
    migrations.sort();
    let snapshot = match fs::read_to_string(dir.join("schema.json")) {
        Ok(text) => Some(serde_json::from_str(&text).map_err(|e| {
            Error(format!(
                "{}: not a schema snapshot: {e}",
                dir.join("schema.json").display()
            ))
        })?),
        Err(_) => None,
    };
    Ok(Directory {
        migrations,
        snapshot,
        sum: fs::read_to_string(dir.join("migrations.sum")).ok(),
        module: fs::read_to_string(dir.join("mod.rs")).ok(),
    })
}

impl Directory {
    /// `mod.rs` for the directory's migrations and `extra`, a new one
    /// (its source, to see whether it has a `Concurrently` part).
    fn module_source(&self, tool: &str, extra: Option<(&str, &str)>) -> String {
        let mut modules: Vec<codegen::ModuleEntry> = self
            .migrations
            .iter()
            .map(|(name, contents, generated)| {
                codegen::ModuleEntry::read(name, *generated, contents)
            })
            .collect();
        if let Some((name, contents)) = extra {
            modules.push(codegen::ModuleEntry::read(name, true, contents));
        }
        codegen::migrations_mod(tool, &modules)
    }

    fn sum_source(&self, extra: Option<(&str, &str)>) -> String {
        let mut files: Vec<(String, String)> = self
            .migrations
            .iter()
            .map(|(name, contents, _)| (format!("{name}.rs"), contents.clone()))
            .collect();
        if let Some((name, contents)) = extra {
            files.push((format!("{name}.rs"), contents.to_owned()));
        }
        codegen::sum_file(&files)
    }

    /// Hand edits and stale files, as report lines.
    fn integrity(&self, recorded: &[(String, Vec<Step>)], tool: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(sum) = &self.sum {
            let recorded_hashes: Vec<&str> = sum.lines().skip(1).collect();
            for (name, contents, _) in &self.migrations {
                let line = codegen::sum_file(&[(format!("{name}.rs"), contents.clone())]);
                let expected = line.lines().nth(1).unwrap_or_default();
                let file = format!("{name}.rs ");
                match recorded_hashes.iter().find(|l| l.starts_with(&file)) {
                    None => problems.push(format!(
                        "{name}.rs is not in migrations.sum; run `{tool} gen-migration --rehash` to register it"
                    )),
                    Some(l) if *l != expected => problems.push(format!(
                        "{name}.rs was edited after it was generated (its checksum differs from migrations.sum); \
                         revert it, or accept the edit with `{tool} gen-migration --rehash`"
                    )),
                    Some(_) => {}
                }
            }
            for line in &recorded_hashes {
                let file = line.split(' ').next().unwrap_or_default();
                let present = self
                    .migrations
                    .iter()
                    .any(|(name, ..)| format!("{name}.rs") == file);
                if !present {
                    problems.push(format!(
                        "{file} is in migrations.sum but missing from the directory"
                    ));
                }
            }
        } else if !self.migrations.is_empty() {
            problems.push(format!(
                "migrations.sum is missing; run `{tool} gen-migration --rehash`"
            ));
        }
        let fresh = self.module.is_none() && self.migrations.is_empty();
        if !fresh && self.module.as_deref() != Some(self.module_source(tool, None).as_str()) {
            problems.push(format!(
                "mod.rs is not what gen-migration writes for the migrations of the directory \
                 (one added or removed by hand, or a mod.rs from an older version); \
                 run `{tool} gen-migration --rehash`"
            ));
        }
        let generated: Vec<&str> = self
            .migrations
            .iter()
            .filter(|(_, _, generated)| *generated)
            .map(|(name, ..)| name.as_str())
            .collect();
        let compiled: Vec<&str> = recorded.iter().map(|(name, _)| name.as_str()).collect();
        if generated == compiled {
            match step::replay(&Schema::default(), recorded.iter().flat_map(|(_, s)| s)) {
                Ok(built) if Some(&built) != self.snapshot.as_ref() && !generated.is_empty() => {
                    problems.push("schema.json is not the schema the migrations build; it was edited by hand, or a migration's steps were".to_owned());
                }
                Err(e) => problems.push(format!("the migrations' steps do not replay: {e}")),
                _ => {}
            }
        }
        problems
    }
}

/// The directory without its last migration, that migration's name, and
/// the schema the others build. Refused when the last migration was written
/// by hand, (for `--update`) holds hand-written data steps, or the compiled
/// migrations are not the directory's (build first).
fn rewind(
    mut directory: Directory,
    recorded: &[(String, Vec<Step>)],
    tool: &str,
    update: bool,
) -> Result<(Directory, String, Schema), Error> {
    let Some((last, contents, generated)) = directory.migrations.pop() else {
        return error(
            "there is no migration to change; write one with `gen-migration --name <what_changed>`",
        );
    };
    if !generated {
        return error(format!(
            "{last}.rs was written by hand; gen-migration changes only the migrations it wrote"
        ));
    }
    if update && codegen::has_data_steps(&contents) {
        return error(format!(
            "{last}.rs has hand-written data steps, which --update would drop; \
             write the change as a new migration (`{tool} gen-migration --name <what_changed>`)"
        ));
    }
    let compiled: Vec<&str> = recorded.iter().map(|(name, _)| name.as_str()).collect();
    let on_disk: Vec<&str> = directory
        .migrations
        .iter()
        .filter(|(_, _, generated)| *generated)
        .map(|(name, ..)| name.as_str())
        .chain([last.as_str()])
        .collect();
    if compiled != on_disk {
        return error(format!(
            "the compiled migrations ({}) are not the directory's ({}); build first, then run again",
            compiled.join(", "),
            on_disk.join(", ")
        ));
    }
    let before = &recorded[..recorded.len() - 1];
    let base = step::replay(&Schema::default(), before.iter().flat_map(|(_, s)| s))
        .map_err(|e| Error(format!("the migrations before {last} do not replay: {e}")))?;
    Ok((directory, last, base))
}

/// `--remove-last`: deletes the last migration and writes `mod.rs`,
/// `migrations.sum` and `schema.json` for the ones before it.
fn remove_last(
    dir: &Path,
    rest: &Directory,
    last: &str,
    base: &Schema,
    tool: &str,
) -> Result<Outcome, Error> {
    files::check_writable(dir).map_err(Error)?;
    write_atomically(&dir.join("mod.rs"), &rest.module_source(tool, None)).map_err(Error)?;
    let stale = |name: &str| {
        let path = dir.join(name);
        fs::remove_file(&path)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| Error(format!("cannot remove {}: {e}", path.display())))
    };
    if rest.migrations.is_empty() {
        stale("migrations.sum")?;
        stale("schema.json")?;
    } else {
        write_atomically(&dir.join("migrations.sum"), &rest.sum_source(None)).map_err(Error)?;
        let json = serde_json::to_string_pretty(base).expect("a schema serializes") + "\n";
        write_atomically(&dir.join("schema.json"), &json).map_err(Error)?;
    }
    stale(&format!("{last}.rs"))?;
    Ok(Outcome {
        ok: true,
        report: format!(
            "removed {last}.rs; {} migration(s) left\n",
            rest.migrations.len()
        ),
        written: None,
    })
}

fn check_slug(name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with('_');
    if valid {
        Ok(())
    } else {
        error(format!(
            "--name `{name}` must be snake_case (lowercase letters, digits, `_`), e.g. `add_sync_priority`"
        ))
    }
}

/// The whole task, on a given directory, entity schema and compiled migration steps.
pub fn generate(
    dir: &Path,
    entities: &Schema,
    recorded: &[(String, Vec<Step>)],
    tool: &str,
    args: &Args,
) -> Result<Outcome, Error> {
    let problems = validate::schema(entities);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        return error(format!(
            "the entities are not a valid schema:\n{}",
            list.join("\n")
        ));
    }
    let directory = read_directory(dir)?;
    let integrity = directory.integrity(recorded, tool);
    let snapshot = directory.snapshot.clone().unwrap_or_default();
    let steps = changes::steps(&snapshot, entities);
    let mut report = String::new();

    if args.check {
        let changes: Vec<String> = steps.iter().flat_map(Step::describe).collect();
        for line in &integrity {
            let _ = writeln!(report, "  {line}");
        }
        for change in &changes {
            let _ = writeln!(report, "  {change} is in no migration");
        }
        if changes.is_empty() && integrity.is_empty() {
            report = format!(
                "migrations are up to date ({} migration(s))\n",
                directory.migrations.len()
            );
            return Ok(Outcome {
                ok: true,
                report,
                written: None,
            });
        }
        if !changes.is_empty() {
            let _ = writeln!(
                report,
                "run `{tool} gen-migration --name <what_changed>` and commit the result"
            );
        }
        return Ok(Outcome {
            ok: false,
            report: format!("migrations are stale:\n{report}"),
            written: None,
        });
    }

    if args.rehash {
        write_atomically(&dir.join("mod.rs"), &directory.module_source(tool, None))
            .map_err(Error)?;
        write_atomically(&dir.join("migrations.sum"), &directory.sum_source(None))
            .map_err(Error)?;
        return Ok(Outcome {
            ok: true,
            report: "rewrote mod.rs and migrations.sum\n".to_owned(),
            written: None,
        });
    }

    if !integrity.is_empty() {
        return error(format!(
            "the migrations directory is not as gen-migration left it:\n  {}",
            integrity.join("\n  ")
        ));
    }
    // --update and --remove-last start from the schema before the last migration.
    let (directory, snapshot, steps, replaced) = if args.update || args.remove_last {
        let (rest, last, base) = rewind(directory, recorded, tool, args.update)?;
        if args.remove_last {
            return remove_last(dir, &rest, &last, &base, tool);
        }
        let steps = changes::steps(&base, entities);
        (rest, base, steps, Some(last))
    } else {
        (directory, snapshot, steps, None)
    };
    if let Some(name) = &args.name {
        check_slug(name)?;
    }
    let fills = args
        .fill
        .iter()
        .map(|arg| fsync_schema::fill::parse(arg).map_err(Error))
        .collect::<Result<Vec<_>, _>>()?;
    let steps = if args.empty { Vec::new() } else { steps };
    let lock_timeout = args.lock_timeout.clone().unwrap_or_else(|| "5s".to_owned());
    if !fsync_schema::render::online::valid_lock_timeout(&lock_timeout) {
        return error(format!(
            "--lock-timeout `{lock_timeout}` must be a duration such as `5s`, `500ms` or `1min`"
        ));
    }
    if let (Some(last), true) = (&replaced, steps.is_empty()) {
        return error(format!(
            "the entities match the migrations before {last}; nothing is left to fold into it: \
             remove it with `{tool} gen-migration --remove-last`"
        ));
    }
    if steps.is_empty() && !args.empty {
        return Ok(Outcome {
            ok: true,
            report: "the entities match the migrations; nothing written\n".to_owned(),
            written: None,
        });
    }
    let replaced_name = replaced
        .as_deref()
        .map(|last| last.splitn(3, '_').nth(2).unwrap_or(last));
    let Some(name) = args.name.as_deref().or(replaced_name) else {
        let changes: Vec<String> = steps.iter().flat_map(Step::describe).collect();
        return error(format!(
            "the entities changed:\n  {}\nname the migration: `{tool} gen-migration --name <what_changed>`",
            changes.join("\n  ")
        ));
    };
    let (steps, fills) = fsync_schema::fill::apply(&snapshot, &steps, &fills).map_err(Error)?;
    let mut findings = fsync_schema::lint::lint(&snapshot, &steps);
    // The step after a fill makes its column NOT NULL once every row holds a value.
    findings.retain(|f| {
        !fills.iter().any(|fill| {
            f.step == fill.after
                && f.message
                    .starts_with(&format!("makes `{}.{}` NOT NULL", fill.table, fill.column))
        })
    });
    if !args.no_online {
        // The online plan builds these concurrently on PostgreSQL.
        findings.retain(|f| !f.message.starts_with("builds index "));
    }
    for finding in &findings {
        let _ = writeln!(report, "{finding}");
    }
    if !args.allow_destructive && findings.iter().any(|f| f.destructive) {
        return error(format!(
            "{report}refusing to write a migration that loses data; review the findings above and rerun with --allow-destructive"
        ));
    }

    let version = match &args.version {
        Some(version) if version.len() == 8 && version.chars().all(|c| c.is_ascii_digit()) => {
            version.clone()
        }
        Some(version) => return error(format!("--version `{version}` must be a date YYYYMMDD")),
        None => chrono::Utc::now().format("%Y%m%d").to_string(),
    };
    let module = match &replaced {
        // The updated migration keeps its place: its version and number.
        Some(last) => format!(
            "{}_{name}",
            last.splitn(3, '_').take(2).collect::<Vec<_>>().join("_")
        ),
        None => format!("m{version}_{:06}_{name}", directory.migrations.len() + 1),
    };
    if let Some((last, ..)) = directory.migrations.last()
        && module.as_str() <= last.as_str()
    {
        return error(format!(
            "`{module}` would sort before the existing `{last}`; pick a later --version"
        ));
    }
    let path = dir.join(format!("{module}.rs"));
    if path.exists() && replaced.as_deref() != Some(module.as_str()) {
        return error(format!(
            "{} already exists; nothing was overwritten",
            path.display()
        ));
    }
    let mut command = format!("{tool} gen-migration --name {name}");
    if replaced.is_some() {
        command.push_str(" --update");
    }
    if let Some(version) = &args.version {
        let _ = write!(command, " --version {version}");
    }
    if args.empty {
        command.push_str(" --empty");
    }
    for fill in &args.fill {
        let _ = write!(command, " --fill '{}'", fill.replace('\'', "'\\''"));
    }
    if args.no_online {
        command.push_str(" --no-online");
    }
    if let Some(timeout) = &args.lock_timeout {
        let _ = write!(command, " --lock-timeout {timeout}");
    }
    let options = codegen::FileOptions {
        fills: fills.clone(),
        lock_timeout: (!args.no_online).then(|| lock_timeout.clone()),
    };
    let source = codegen::migration_file_with(&module, tool, &command, &steps, &options);
    let built = step::replay(&snapshot, &steps)
        .map_err(|e| Error(format!("internal: the new steps do not replay: {e}")))?;
    let snapshot_json = serde_json::to_string_pretty(&built).expect("a schema serializes") + "\n";

    if !dir.exists() {
        fs::create_dir(dir).map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
    }
    // Probe first, so that an unwritable directory changes nothing.
    files::check_writable(dir).map_err(Error)?;
    write_atomically(&path, &source).map_err(Error)?;
    if let Some(last) = replaced.as_deref().filter(|last| *last != module) {
        let old = dir.join(format!("{last}.rs"));
        fs::remove_file(&old)
            .map_err(|e| Error(format!("cannot remove {}: {e}", old.display())))?;
    }
    write_atomically(&dir.join("schema.json"), &snapshot_json).map_err(Error)?;
    write_atomically(
        &dir.join("mod.rs"),
        &directory.module_source(tool, Some((&module, &source))),
    )
    .map_err(Error)?;
    write_atomically(
        &dir.join("migrations.sum"),
        &directory.sum_source(Some((&module, &source))),
    )
    .map_err(Error)?;
    match &replaced {
        Some(last) => {
            let _ = writeln!(
                report,
                "updated {} (was {last}.rs):",
                crate::files::shown(&path)
            );
        }
        None => {
            let _ = writeln!(report, "wrote {}:", crate::files::shown(&path));
        }
    }
    for change in steps.iter().flat_map(Step::describe) {
        let _ = writeln!(report, "  {change}");
    }
    for fill in &fills {
        let _ = writeln!(
            report,
            "  fill `{}.{}` with {} (after step {})",
            fill.table, fill.column, fill.expr, fill.after
        );
    }
    if source.contains("\npub struct Concurrently;\n") {
        let _ = writeln!(
            report,
            "  PostgreSQL: indexes and constraint checks of existing tables run concurrently in `{module}_concurrently` (--no-online: plain DDL)"
        );
    }
    if args.empty {
        let _ = writeln!(
            report,
            "  no schema change: write the data steps in its `data_steps()`"
        );
    }
    Ok(Outcome {
        ok: true,
        report,
        written: Some(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsync_schema::{Column, ColumnType, DefaultValue, Table};

    const TOOL: &str = "cargo xtask";

    fn items(extra: Option<Column>) -> Schema {
        let mut table = Table::new("item")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("name", ColumnType::Text))
            .with_column(Column::new("parallel", ColumnType::Integer).default(DefaultValue::Int(3)))
            .primary_key(["id"]);
        table.columns.extend(extra);
        Schema::new([table])
    }

    fn named(name: &str) -> Args {
        Args {
            name: Some(name.to_owned()),
            version: Some("20250101".to_owned()),
            ..Args::default()
        }
    }

    fn check() -> Args {
        Args {
            check: true,
            ..Args::default()
        }
    }

    /// The directory's files and their contents.
    fn snapshot(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// The steps that the compiled migrations of a temporary directory would report.
    fn recorded(steps: &[(&str, Vec<Step>)]) -> Vec<(String, Vec<Step>)> {
        steps
            .iter()
            .map(|(n, s)| (n.to_string(), s.clone()))
            .collect()
    }

    #[test]
    fn writes_a_migration_then_checks_it_and_notices_a_new_field() {
        let dir = tempfile::tempdir().unwrap();
        let first = generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let path = first.written.expect("a migration is written");
        assert!(
            path.ends_with("m20250101_000001_create_items.rs"),
            "{path:?}"
        );
        let source = fs::read_to_string(&path).unwrap();
        assert!(codegen::is_generated(&source), "{source}");
        assert!(source.contains("Table::new(\"item\")"), "{source}");
        let steps = changes::steps(&Schema::default(), &items(None));
        let history = recorded(&[("m20250101_000001_create_items", steps.clone())]);

        let clean = generate(dir.path(), &items(None), &history, TOOL, &check()).unwrap();
        assert!(clean.ok, "{}", clean.report);

        let changed = items(Some(
            Column::new("size", ColumnType::BigInt).default(DefaultValue::Int(0)),
        ));
        let stale = generate(dir.path(), &changed, &history, TOOL, &check()).unwrap();
        assert!(!stale.ok);
        assert!(
            stale
                .report
                .contains("add column `item.size` is in no migration"),
            "{}",
            stale.report
        );

        let mut altered = items(None);
        altered.tables[0].columns[2].default = Some(DefaultValue::Int(4));
        let stale = generate(dir.path(), &altered, &history, TOOL, &check()).unwrap();
        assert!(
            stale
                .report
                .contains("item.parallel: default 3 → 4 is in no migration"),
            "{}",
            stale.report
        );

        let second = generate(dir.path(), &changed, &history, TOOL, &named("add_size")).unwrap();
        assert!(
            second
                .written
                .unwrap()
                .ends_with("m20250101_000002_add_size.rs")
        );
        let module = fs::read_to_string(dir.path().join("mod.rs")).unwrap();
        assert!(
            module.contains(
                "pub mod m20250101_000001_create_items;\npub mod m20250101_000002_add_size;"
            ),
            "{module}"
        );
    }

    #[test]
    fn update_folds_changes_into_the_last_migration_and_remove_last_drops_it() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let create = changes::steps(&Schema::default(), &items(None));
        let one = recorded(&[("m20250101_000001_create_items", create.clone())]);
        let before_second = snapshot(dir.path());
        let sized = items(Some(
            Column::new("size", ColumnType::BigInt).default(DefaultValue::Int(0)),
        ));
        generate(dir.path(), &sized, &one, TOOL, &named("add_size")).unwrap();
        let add_size = changes::steps(&items(None), &sized);
        let two = recorded(&[
            ("m20250101_000001_create_items", create.clone()),
            ("m20250101_000002_add_size", add_size),
        ]);

        // Another column, folded into `add_size` under a new name: still two migrations.
        let mut both = sized.clone();
        both.tables[0]
            .columns
            .push(Column::new("note", ColumnType::Text).nullable());
        let update = Args {
            update: true,
            name: Some("add_size_and_note".into()),
            ..Args::default()
        };
        let updated = generate(dir.path(), &both, &two, TOOL, &update).unwrap();
        assert!(
            updated.report.starts_with(&format!(
                "updated {} (was m20250101_000002_add_size.rs):\n  add column `item.size`\n  add column `item.note`\n",
                dir.path().join("m20250101_000002_add_size_and_note.rs").display()
            )),
            "{}",
            updated.report
        );
        assert!(!dir.path().join("m20250101_000002_add_size.rs").exists());
        let folded = changes::steps(&items(None), &both);
        let updated_history = recorded(&[
            ("m20250101_000001_create_items", create.clone()),
            ("m20250101_000002_add_size_and_note", folded),
        ]);
        let clean = generate(dir.path(), &both, &updated_history, TOOL, &check()).unwrap();
        assert!(clean.ok, "{}", clean.report);
        assert_eq!(clean.report, "migrations are up to date (2 migration(s))\n");

        // A binary built before the update does not know the new name: refused.
        let error = generate(dir.path(), &both, &two, TOOL, &update).unwrap_err();
        assert!(error.0.contains("build first"), "{error}");

        // Entities back at the first migration: nothing to fold; --remove-last drops it.
        let error = generate(
            dir.path(),
            &items(None),
            &updated_history,
            TOOL,
            &Args {
                update: true,
                ..Args::default()
            },
        )
        .unwrap_err();
        assert!(error.0.contains("gen-migration --remove-last"), "{error}");
        let remove = Args {
            remove_last: true,
            ..Args::default()
        };
        let removed = generate(dir.path(), &items(None), &updated_history, TOOL, &remove).unwrap();
        assert_eq!(
            removed.report,
            "removed m20250101_000002_add_size_and_note.rs; 1 migration(s) left\n"
        );
        assert_eq!(snapshot(dir.path()), before_second);
        let clean = generate(dir.path(), &items(None), &one, TOOL, &check()).unwrap();
        assert!(clean.ok, "{}", clean.report);

        // The last one gone too: the directory is as before any migration, but for mod.rs.
        generate(dir.path(), &Schema::default(), &one, TOOL, &remove).unwrap();
        let files: Vec<String> = snapshot(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(files, ["mod.rs"]);
        let clean = generate(dir.path(), &Schema::default(), &[], TOOL, &check()).unwrap();
        assert!(clean.ok, "{}", clean.report);
    }

    #[test]
    fn update_keeps_hand_written_data_steps_by_refusing() {
        let dir = tempfile::tempdir().unwrap();
        let written =
            generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let path = written.written.unwrap();
        let source = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            source.replace(
                "    Vec::new()\n}",
                "    Vec::from([DataStep::after(1).sql(\"SELECT 1\").down_nothing()])\n}",
            ),
        )
        .unwrap();
        generate(
            dir.path(),
            &items(None),
            &[],
            TOOL,
            &Args {
                rehash: true,
                ..Args::default()
            },
        )
        .unwrap();
        let history = recorded(&[(
            "m20250101_000001_create_items",
            changes::steps(&Schema::default(), &items(None)),
        )]);
        let before = snapshot(dir.path());
        let changed = items(Some(
            Column::new("size", ColumnType::BigInt).default(DefaultValue::Int(0)),
        ));
        let error = generate(
            dir.path(),
            &changed,
            &history,
            TOOL,
            &Args {
                update: true,
                ..Args::default()
            },
        )
        .unwrap_err();
        assert!(error.0.contains("has hand-written data steps"), "{error}");
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn an_empty_diff_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let history = recorded(&[(
            "m20250101_000001_create_items",
            changes::steps(&Schema::default(), &items(None)),
        )]);
        let before = snapshot(dir.path());
        let outcome =
            generate(dir.path(), &items(None), &history, TOOL, &named("nothing")).unwrap();
        assert!(outcome.written.is_none());
        assert!(
            outcome.report.contains("nothing written"),
            "{}",
            outcome.report
        );
        assert_eq!(snapshot(dir.path()), before);
    }

    #[test]
    fn a_hand_edited_migration_is_detected_and_blocks_generation() {
        let dir = tempfile::tempdir().unwrap();
        let path = generate(dir.path(), &items(None), &[], TOOL, &named("create_items"))
            .unwrap()
            .written
            .unwrap();
        let history = recorded(&[(
            "m20250101_000001_create_items",
            changes::steps(&Schema::default(), &items(None)),
        )]);
        fs::write(
            &path,
            fs::read_to_string(&path)
                .unwrap()
                .replace("\"name\"", "\"title\""),
        )
        .unwrap();
        let outcome = generate(dir.path(), &items(None), &history, TOOL, &check()).unwrap();
        assert!(!outcome.ok);
        assert!(
            outcome
                .report
                .contains("m20250101_000001_create_items.rs was edited after it was generated"),
            "{}",
            outcome.report
        );
        let before = snapshot(dir.path());
        let changed = items(Some(Column::new("size", ColumnType::BigInt).nullable()));
        let error = generate(dir.path(), &changed, &history, TOOL, &named("add_size")).unwrap_err();
        assert!(error.0.contains("was edited"), "{error}");
        assert_eq!(snapshot(dir.path()), before, "nothing may change");
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("m20250101_000001_create_items.rs");
        fs::write(&taken, "// written by hand\n").unwrap();
        generate(
            dir.path(),
            &items(None),
            &[],
            TOOL,
            &Args {
                rehash: true,
                ..Args::default()
            },
        )
        .unwrap();
        let before = snapshot(dir.path());
        // The hand-written migration counts, so the next one is numbered 2.
        let outcome =
            generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        assert!(
            outcome
                .written
                .unwrap()
                .ends_with("m20250101_000002_create_items.rs")
        );
        assert_eq!(fs::read_to_string(&taken).unwrap(), "// written by hand\n");
        assert!(snapshot(dir.path()).len() > before.len());
    }

    #[test]
    fn bad_input_is_an_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let before = snapshot(dir.path());
        let mut invalid = items(None);
        invalid.tables[0]
            .indexes
            .push(fsync_schema::Index::new("idx_item_nmae", ["nmae"]));
        let error = generate(dir.path(), &invalid, &[], TOOL, &named("create_items")).unwrap_err();
        assert!(
            error
                .0
                .contains("unknown column `nmae`; did you mean `name`?"),
            "{error}"
        );
        let error =
            generate(dir.path(), &items(None), &[], TOOL, &named("Create Items")).unwrap_err();
        assert!(error.0.contains("must be snake_case"), "{error}");
        let error = generate(
            dir.path(),
            &items(None),
            &[],
            TOOL,
            &Args {
                version: Some("2025".into()),
                ..named("x")
            },
        )
        .unwrap_err();
        assert!(error.0.contains("YYYYMMDD"), "{error}");
        assert_eq!(snapshot(dir.path()), before);
        let not_a_dir = dir.path().join("file");
        fs::write(&not_a_dir, "").unwrap();
        let error =
            generate(&not_a_dir, &items(None), &[], TOOL, &named("create_items")).unwrap_err();
        assert!(
            error.0.contains("cannot read the migrations directory"),
            "{error}"
        );
    }

    #[test]
    fn destructive_changes_need_the_opt_in() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let history = recorded(&[(
            "m20250101_000001_create_items",
            changes::steps(&Schema::default(), &items(None)),
        )]);
        let mut dropped = items(None);
        dropped.tables[0].columns.remove(1);
        let before = snapshot(dir.path());
        let error =
            generate(dir.path(), &dropped, &history, TOOL, &named("drop_name")).unwrap_err();
        assert!(
            error.0.contains("destructive: drops column `item.name`"),
            "{error}"
        );
        assert!(error.0.contains("--allow-destructive"), "{error}");
        assert_eq!(snapshot(dir.path()), before);
        let allowed = Args {
            allow_destructive: true,
            ..named("drop_name")
        };
        assert!(
            generate(dir.path(), &dropped, &history, TOOL, &allowed)
                .unwrap()
                .written
                .is_some()
        );
    }

    #[test]
    fn edits_inside_the_data_steps_place_are_accepted_and_others_caught() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let empty = Args {
            empty: true,
            ..named("copy_names")
        };
        let path = generate(dir.path(), &items(None), &[], TOOL, &empty)
            .unwrap()
            .written
            .unwrap();
        assert!(path.ends_with("m20250101_000002_copy_names.rs"), "{path:?}");
        let source = fs::read_to_string(&path).unwrap();
        assert!(source.contains("--empty"), "{source}");
        assert!(
            source.contains("pub fn steps() -> Vec<Step> {\n    Vec::from([])\n}"),
            "{source}"
        );
        let history = recorded(&[
            (
                "m20250101_000001_create_items",
                changes::steps(&Schema::default(), &items(None)),
            ),
            ("m20250101_000002_copy_names", Vec::new()),
        ]);
        assert!(
            generate(dir.path(), &items(None), &history, TOOL, &check())
                .unwrap()
                .ok
        );

        let hand_written = source.replace(
            "    Vec::new()\n}",
            "    Vec::from([DataStep::after(0)\n        .sql(\"UPDATE item SET name = upper(name)\")\n        .irreversible()])\n}\n\nfn helper() {}",
        );
        assert_ne!(hand_written, source);
        fs::write(&path, &hand_written).unwrap();
        let checked = generate(dir.path(), &items(None), &history, TOOL, &check()).unwrap();
        assert!(checked.ok, "{}", checked.report);

        // An edit of the generated part, or a marker moved over it, is caught.
        let edits = [
            hand_written.replace("Some(true)", "Some(false)"),
            hand_written
                .replace(&format!("{}\n", codegen::DATA_BEGIN), "")
                .replace(
                    "use fsync_schema::migration::prelude::*;\n",
                    &format!(
                        "use fsync_schema::migration::prelude::*;\n{}\n",
                        codegen::DATA_BEGIN
                    ),
                ),
        ];
        for edited in edits {
            assert_ne!(edited, hand_written);
            fs::write(&path, &edited).unwrap();
            let checked = generate(dir.path(), &items(None), &history, TOOL, &check()).unwrap();
            assert!(!checked.ok);
            assert!(
                checked
                    .report
                    .contains("m20250101_000002_copy_names.rs was edited after it was generated"),
                "{}",
                checked.report
            );
        }
    }

    #[test]
    fn a_fill_adds_the_column_null_fills_it_then_makes_it_not_null() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let history = recorded(&[(
            "m20250101_000001_create_items",
            changes::steps(&Schema::default(), &items(None)),
        )]);
        let changed = items(Some(Column::new("size", ColumnType::BigInt)));
        let before = snapshot(dir.path());
        let bad = Args {
            fill: vec!["item.sise=0".into()],
            ..named("add_size")
        };
        let error = generate(dir.path(), &changed, &history, TOOL, &bad).unwrap_err();
        assert!(error.0.contains("--fill item.sise"), "{error}");
        assert_eq!(snapshot(dir.path()), before, "nothing may change");

        let unfilled = generate(dir.path(), &changed, &history, TOOL, &named("add_size"));
        let report = unfilled.unwrap().report;
        assert!(
            report.contains("--fill item.size=<SQL expression>"),
            "{report}"
        );

        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
        let args = Args {
            fill: vec!["item.size=length(name)".into()],
            ..named("add_size")
        };
        let outcome = generate(dir.path(), &changed, &history, TOOL, &args).unwrap();
        assert!(!outcome.report.contains("warning"), "{}", outcome.report);
        assert!(
            outcome
                .report
                .contains("fill `item.size` with length(name) (after step 1)"),
            "{}",
            outcome.report
        );
        let source = fs::read_to_string(outcome.written.unwrap()).unwrap();
        assert!(
            source.contains("DataStep::fill(1, \"item\", \"size\", \"length(name)\")"),
            "{source}"
        );
        assert!(
            source.contains("--fill 'item.size=length(name)'"),
            "{source}"
        );
        let snapshot_json = fs::read_to_string(dir.path().join("schema.json")).unwrap();
        let built: Schema = serde_json::from_str(&snapshot_json).unwrap();
        assert_eq!(built, changed, "the snapshot holds no default");
    }

    #[test]
    fn an_index_on_an_existing_table_gets_a_concurrent_part_unless_no_online() {
        let mut indexed = items(None);
        indexed.tables[0]
            .indexes
            .push(fsync_schema::Index::new("idx_item_parallel", ["parallel"]));
        for no_online in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            generate(dir.path(), &items(None), &[], TOOL, &named("create_items")).unwrap();
            let history = recorded(&[(
                "m20250101_000001_create_items",
                changes::steps(&Schema::default(), &items(None)),
            )]);
            let args = Args {
                no_online,
                lock_timeout: (!no_online).then(|| "2s".to_owned()),
                ..named("index_names")
            };
            let outcome = generate(dir.path(), &indexed, &history, TOOL, &args).unwrap();
            let source = fs::read_to_string(outcome.written.unwrap()).unwrap();
            let module = fs::read_to_string(dir.path().join("mod.rs")).unwrap();
            let concurrently = "Box::new(m20250101_000002_index_names::Concurrently)";
            if no_online {
                assert!(!source.contains("Concurrently"), "{source}");
                assert!(source.contains("apply_with_data(manager"), "{source}");
                assert!(!module.contains(concurrently), "{module}");
                assert!(
                    outcome.report.contains("builds index `idx_item_parallel`"),
                    "{}",
                    outcome.report
                );
            } else {
                assert!(source.contains("pub struct Concurrently;"), "{source}");
                assert!(
                    source.contains("Online { lock_timeout: \"2s\" }"),
                    "{source}"
                );
                assert!(
                    source.contains("\"m20250101_000002_index_names_concurrently\""),
                    "{source}"
                );
                assert!(module.contains(concurrently), "{module}");
                assert!(
                    !outcome.report.contains("builds index"),
                    "{}",
                    outcome.report
                );
            }
            let mut history = history;
            history.push((
                "m20250101_000002_index_names".to_owned(),
                changes::steps(&items(None), &indexed),
            ));
            let checked = generate(dir.path(), &indexed, &history, TOOL, &check()).unwrap();
            assert!(checked.ok, "{}", checked.report);
        }
        let dir = tempfile::tempdir().unwrap();
        let bad = Args {
            lock_timeout: Some("5 seconds".to_owned()),
            ..named("create_items")
        };
        let error = generate(dir.path(), &items(None), &[], TOOL, &bad).unwrap_err();
        assert!(error.0.contains("--lock-timeout `5 seconds`"), "{error}");
    }

    #[test]
    fn check_stays_exact_after_each_migration_of_a_chain() {
        let dir = tempfile::tempdir().unwrap();
        let mut versions = vec![items(None)];
        let mut next = |change: &dyn Fn(&mut Table)| {
            let mut schema = versions.last().unwrap().clone();
            for table in &mut schema.tables {
                table.columns.iter_mut().for_each(|c| c.renamed_from = None);
                table.renamed_from = None;
            }
            change(&mut schema.tables[0]);
            versions.push(schema);
        };
        next(&|t| {
            t.columns
                .push(Column::new("size", ColumnType::BigInt).default(DefaultValue::Int(0)))
        });
        next(&|t| {
            t.columns[1].name = "title".into();
            t.columns[1].renamed_from = Some("name".into());
        });
        next(&|t| {
            t.indexes
                .push(fsync_schema::Index::new("idx_item_size", ["size"]))
        });
        next(&|t| t.columns[2].default = Some(DefaultValue::Int(8)));
        next(&|t| {
            t.columns.retain(|c| c.name != "size");
            t.indexes.clear();
        });
        let mut history: Vec<(String, Vec<Step>)> = Vec::new();
        let mut previous = Schema::default();
        for (n, version) in versions.iter().enumerate() {
            let args = Args {
                allow_destructive: true,
                ..named(&format!("step_{n}"))
            };
            let written = generate(dir.path(), version, &history, TOOL, &args)
                .unwrap()
                .written
                .unwrap();
            let module = written.file_stem().unwrap().to_string_lossy().into_owned();
            history.push((module, changes::steps(&previous, version)));
            previous = step::replay(&previous, &history.last().unwrap().1).unwrap();
            let checked = generate(dir.path(), version, &history, TOOL, &check()).unwrap();
            assert!(checked.ok, "after migration {n}: {}", checked.report);
        }
        assert_eq!(history.len(), versions.len());
    }
}
