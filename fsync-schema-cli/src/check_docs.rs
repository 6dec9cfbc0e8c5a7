//! `check-docs [FILE…]`: compares the SQL written in the docs with the
//! entities.
//!
//! Every ```` ```sql ```` block of the given Markdown files (default: the
//! `docs` folder) is parsed (`fsync_schema::sql_docs`); the tables it creates
//! are compared with the project's entities at the level SQLite sees
//! (declared types, NOT NULL, defaults, keys, foreign keys, indexes). Each
//! mismatch is printed with the doc's `file:line` and the entity and field it
//! concerns; the exit code is 1 when there is any. SQL that does not parse is
//! an error naming its line and column (exit code 2).
//!
//! Then the same comparison at the engine level: the docs' SQL and the
//! generated migrations are applied to two in-memory SQLite databases, and
//! SQLite's catalogues of the docs' tables must be equal
//! (`fsync_schema::catalogue`).

use crate::{CommandResult, Project};
use fsync_schema::compare::{Finding, Sides, Target, compare_with};
use fsync_schema::sql_docs::{self, SqlDocs};
use fsync_schema::{Backend, Schema, normalize, validate};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `check-docs`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Markdown files or folders to read (default: the project's docs, `docs`).
    pub files: Vec<PathBuf>,
    /// Compare only the tables the docs create, instead of reporting the
    /// entities' other tables as missing.
    #[arg(long)]
    pub partial: bool,
}

/// Runs the command.
pub fn run(project: &Project, args: Args) -> CommandResult {
    let report = check(project, &args)?;
    for line in &report.lines {
        println!("{line}");
    }
    if report.lines.is_empty() {
        println!(
            "the SQL in the docs matches the entities ({} tables)",
            report.tables
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} mismatch(es) between the docs and the entities",
            report.lines.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// What the check found.
#[derive(Debug)]
pub struct Report {
    /// One line per mismatch: `file:line: finding (entity …, field …)`.
    pub lines: Vec<String>,
    /// How many tables the docs create.
    pub tables: usize,
}

/// Reads the docs named by `args` and compares them with the project's entities.
pub fn check(project: &Project, args: &Args) -> Result<Report, Box<dyn std::error::Error>> {
    let entities = &project.schema();
    let paths: Vec<PathBuf> = if args.files.is_empty() {
        project.docs_paths()
    } else {
        args.files.clone()
    };
    let texts = read_texts(&paths, project.root())?;
    let docs = sql_docs::parse_files(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))?;
    let problems = validate::schema(entities);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(format!("the entities are not valid:\n  {}", list.join("\n  ")).into());
    }
    let mut expected = entities.clone();
    if args.partial {
        expected
            .tables
            .retain(|table| docs.schema.table(&table.name).is_some());
    }
    let findings = compare_with(
        &normalize::comparable(&expected, Backend::Sqlite),
        &normalize::comparable(&docs.schema, Backend::Sqlite),
        &Sides::new("entities", "docs"),
    );
    let mut lines: Vec<String> = findings
        .iter()
        .map(|finding| {
            let place = docs
                .locations
                .of(finding)
                .map_or_else(|| "(not in the docs)".to_owned(), |l| l.to_string());
            format!("{place}: {finding} ({})", concerns(finding, entities))
        })
        .collect();
    if lines.is_empty() {
        lines = engine_check(project, &texts, &docs)?;
    }
    Ok(Report {
        lines,
        tables: docs.schema.tables.len(),
    })
}

/// The docs' SQL and the generated migrations applied to two in-memory SQLite
/// databases: one line per difference between their catalogues, for the
/// tables the docs create.
pub fn engine_check(
    project: &Project,
    texts: &[(String, String)],
    docs: &SqlDocs,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    use fsync_schema::catalogue;
    use fsync_schema::migration::Command;
    use sea_orm::ConnectionTrait;
    if !project.has_migrator() {
        // No migrations yet: nothing to apply on the other side.
        return Ok(Vec::new());
    }
    crate::runtime()?.block_on(async {
        let documented = crate::database::connect("sqlite::memory:").await?;
        for (name, text) in texts {
            for block in sql_docs::sql_blocks(text) {
                let statement =
                    sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, block.text.clone());
                documented.execute_raw(statement).await.map_err(|error| {
                    format!("{name}:{}: SQLite refuses this block: {error}", block.first_line)
                })?;
            }
        }
        let migrated = crate::database::connect("sqlite::memory:").await?;
        project
            .migrations()?
            .run(&migrated, Command::Up(None))
            .await?;
        let (documented, migrated) =
            (catalogue::read(&documented).await?, catalogue::read(&migrated).await?);
        let mut lines = Vec::new();
        for table in &docs.schema.tables {
            let place = docs
                .locations
                .tables
                .get(&table.name)
                .map_or_else(|| "(docs)".to_owned(), |l| l.to_string());
            let (ours, theirs) = (migrated.tables.get(&table.name), documented.tables.get(&table.name));
            match (ours, theirs) {
                (Some(ours), Some(theirs)) if ours != theirs => lines.push(format!(
                    "{place}: {}: SQLite's catalogue differs between the docs and the migrations:\n    migrations: {}\n    docs:       {}",
                    table.name,
                    serde_json::to_string(ours)?,
                    serde_json::to_string(theirs)?
                )),
                (None, _) => lines.push(format!(
                    "{place}: {}: the migrations build no such table",
                    table.name
                )),
                _ => {}
            }
        }
        Ok(lines)
    })
}

/// The Markdown under `paths`, as (name relative to `root`, text).
pub fn read_texts(
    paths: &[PathBuf],
    root: &Path,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let mut texts = Vec::new();
    for file in sql_docs::markdown_files(paths)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|error| format!("{}: {error}", file.display()))?;
        let name = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        texts.push((name, text));
    }
    Ok(texts)
}

/// The entity and field a finding concerns, as the entities name them.
fn concerns(finding: &Finding, entities: &Schema) -> String {
    let Some(table) = entities.table(&finding.table) else {
        return format!("no entity has table `{}`", finding.table);
    };
    let entity = format!("entity for table `{}`", table.name);
    match &finding.target {
        Target::Column { name } if table.column(name).is_some() => {
            format!("{entity}, field `{name}`")
        }
        Target::Column { name } => format!("{entity}, which has no field `{name}`"),
        Target::ForeignKey { columns } | Target::Unique { columns } => {
            format!("{entity}, field(s) `{}`", columns.join("`, `"))
        }
        Target::Index { name } => format!("{entity}, index `{name}`"),
        Target::PrimaryKey => format!("{entity}, primary key"),
        Target::Check { .. } | Target::Table => entity,
    }
}
