//! `cargo xtask check-docs [FILE…]`: compares the SQL written in the docs with
//! the entities.
//!
//! Every ```` ```sql ```` block of the given Markdown files (default: the
//! `docs` folder) is parsed (`fsync_schema::sql_docs`); the tables it creates
//! are compared with `fsync::entities::schema()` at the level SQLite sees
//! (declared types, NOT NULL, defaults, keys, foreign keys, indexes). Each
//! mismatch is printed with the doc's `file:line` and the entity and field it
//! concerns; the exit code is 1 when there is any. SQL that does not parse is
//! an error naming its line and column (exit code 2).
//!
//! Then the same comparison at the engine level: the docs' SQL and the
//! generated migrations are applied to two in-memory SQLite databases, and
//! SQLite's catalogues of the docs' tables must be equal
//! (`fsync_schema::catalogue`).

use crate::TaskResult;
use fsync_schema::compare::{Finding, Sides, Target, compare_with};
use fsync_schema::sql_docs::{self, SqlDocs};
use fsync_schema::{Schema, validate};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `cargo xtask check-docs`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Markdown files or folders to read (default: the `docs` folder).
    pub files: Vec<PathBuf>,
    /// Compare only the tables the docs create, instead of reporting the
    /// entities' other tables as missing.
    #[arg(long)]
    pub partial: bool,
}

/// Runs the task.
pub fn run(args: Args) -> TaskResult {
    let report = check(&args, &fsync::entities::schema())?;
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

/// Reads the docs named by `args` and compares them with `entities`.
pub fn check(args: &Args, entities: &Schema) -> Result<Report, Box<dyn std::error::Error>> {
    let root = crate::project_root();
    let paths: Vec<PathBuf> = if args.files.is_empty() {
        vec![root.join("docs")]
    } else {
        args.files.clone()
    };
    let texts = read_texts(&paths, &root)?;
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
        &sql_docs::comparable(&expected),
        &sql_docs::comparable(&docs.schema),
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
        lines = engine_check(&texts, &docs)?;
    }
    Ok(Report {
        lines,
        tables: docs.schema.tables.len(),
    })
}

/// The docs' SQL and the generated migrations applied to two in-memory SQLite
/// databases: one line per difference between their catalogues, for the
/// tables the docs create.
fn engine_check(
    texts: &[(String, String)],
    docs: &SqlDocs,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    use fsync_schema::catalogue;
    use fsync_schema::migration::{self, Command};
    use sea_orm::ConnectionTrait;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let documented = fsync::db::connect("sqlite::memory:").await?;
        for (name, text) in texts {
            for block in sql_docs::sql_blocks(text) {
                let statement =
                    sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, block.text.clone());
                documented.execute_raw(statement).await.map_err(|error| {
                    format!("{name}:{}: SQLite refuses this block: {error}", block.first_line)
                })?;
            }
        }
        let migrated = fsync::db::connect("sqlite::memory:").await?;
        migration::run::<fsync::migrations::Migrator>(&migrated, Command::Up(None)).await?;
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
fn read_texts(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entities() -> Schema {
        fsync::entities::schema()
    }

    /// Plain `cargo test` fails when the docs and the entities drift apart.
    #[test]
    fn docs_match_the_entities() {
        let report = check(&Args::default(), &entities()).unwrap();
        assert_eq!(report.lines, Vec::<String>::new());
        assert_eq!(report.tables, 3);
    }

    fn doc_with(from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
        let text = std::fs::read_to_string(crate::project_root().join("docs/schema/file-sync.md"))
            .unwrap();
        assert_eq!(text.matches(from).count(), 1, "`{from}` should occur once");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file-sync.md");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        (dir, path)
    }

    fn line_of(path: &Path, needle: &str) -> usize {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn a_mismatch_names_the_doc_line_and_the_field() {
        let (_dir, path) = doc_with(
            "enabled INTEGER NOT NULL DEFAULT 1",
            "enabled INTEGER NOT NULL DEFAULT 0",
        );
        let args = Args {
            files: vec![path.clone()],
            partial: false,
        };
        let report = check(&args, &entities()).unwrap();
        assert_eq!(
            report.lines,
            [format!(
                "{}:{}: sync_conduit.enabled: default is 1 in the entities but 0 in the docs (entity for table `sync_conduit`, field `enabled`)",
                path.display(),
                line_of(&path, "enabled INTEGER NOT NULL DEFAULT 0")
            )]
        );
    }

    #[test]
    fn partial_docs_compare_only_their_tables() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry.md");
        std::fs::write(
            &path,
            "# Entry\n\n```sql\nCREATE TABLE entry (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);\n```\n",
        )
        .unwrap();
        let mut args = Args {
            files: vec![path.clone()],
            partial: true,
        };
        let report = check(&args, &entities()).unwrap();
        assert!(
            report
                .lines
                .iter()
                .all(|line| line.starts_with(&format!("{}:4: entry", path.display()))),
            "{report:#?}"
        );
        assert!(
            report
                .lines
                .iter()
                .any(|line| line
                    .contains("entry.uuid: column is in the entities but not in the docs")),
            "{report:#?}"
        );
        args.partial = false;
        let report = check(&args, &entities()).unwrap();
        assert!(
            report.lines.iter().any(|line| line
                == "(not in the docs): sync_conduit: table is in the entities but not in the docs (entity for table `sync_conduit`)"),
            "{report:#?}"
        );
    }

    #[test]
    fn the_engine_level_check_compares_sqlite_catalogues() {
        let root = crate::project_root();
        let texts = read_texts(&[root.join("docs")], &root).unwrap();
        let docs =
            sql_docs::parse_files(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap();
        assert_eq!(engine_check(&texts, &docs).unwrap(), Vec::<String>::new());
        // SQLite's catalogue holds no CHECK (the semantic comparison sees those)...
        let changed: Vec<(String, String)> = texts
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    t.replace(
                        "conduit_id INTEGER NOT NULL,",
                        "conduit_id INTEGER NOT NULL CHECK (conduit_id > 0),",
                    ),
                )
            })
            .collect();
        let lines = engine_check(&changed, &docs).unwrap();
        assert!(
            lines.is_empty(),
            "a CHECK is not in SQLite's catalogue: {lines:?}"
        );
        // ...but every default, type, key and index.
        let changed: Vec<(String, String)> = texts
            .iter()
            .map(|(n, t)| {
                (
                    n.clone(),
                    t.replace("DEFAULT 'unverified'", "DEFAULT 'verified'"),
                )
            })
            .collect();
        let lines = engine_check(&changed, &docs).unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains("sync_generation: SQLite's catalogue differs"),
            "{lines:?}"
        );
        assert!(lines[0].contains("'verified'"), "{lines:?}");
    }

    #[test]
    fn sql_that_does_not_parse_is_an_error_with_line_and_column() {
        let (_dir, path) = doc_with(
            "parallel_transfers INTEGER NOT NULL DEFAULT 3",
            "parallel_transfers INTEGER NOT NULL DEFAULT",
        );
        let args = Args {
            files: vec![path.clone()],
            partial: false,
        };
        let error = check(&args, &entities()).unwrap_err().to_string();
        let line = line_of(&path, "parallel_transfers INTEGER");
        assert!(
            error.starts_with(&format!("{}:{line}:", path.display()))
                && error.contains("Expected: an expression"),
            "{error}"
        );
    }
}
