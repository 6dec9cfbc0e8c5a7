//! Checks of this repository's schema files through the tools, under plain
//! `cargo test`: the migrations, the docs and the generated docs section are
//! up to date, and the tools behave on the file-sync entities and docs.

use fsync_schema::{Backend, render};
use fsync_schema_cli::diff::{Drift, Format, report};
use fsync_schema_cli::{check_docs, docs, gen_migration};
use sea_orm::{ConnectionTrait, Statement};
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOOL: &str = "cargo xtask";

fn project() -> fsync_schema_cli::Project {
    fsync::tools::project()
}

/// The drift between the entities and the database at `url`.
async fn drift(
    url: &str,
    timeout: Duration,
) -> Result<fsync_schema_cli::diff::Drift, Box<dyn std::error::Error>> {
    fsync_schema_cli::diff::drift(url, &fsync::entities::schema(), timeout).await
}

/// `cargo test` fails when the entities changed and no migration records it.
#[test]
fn migrations_are_up_to_date() {
    let args = gen_migration::Args {
        check: true,
        ..gen_migration::Args::default()
    };
    let project = project();
    let outcome = gen_migration::generate(
        &project.migrations_path(),
        &project.schema(),
        &project.migrations().unwrap().steps(),
        TOOL,
        &args,
    )
    .expect("check runs");
    assert!(outcome.ok, "{}", outcome.report);
}

// check-docs

/// Plain `cargo test` fails when the docs and the entities drift apart.
#[test]
fn docs_match_the_entities() {
    let report = check_docs::check(&project(), &check_docs::Args::default()).unwrap();
    assert_eq!(report.lines, Vec::<String>::new());
    assert_eq!(report.tables, 3);
}

fn doc_with(from: &str, to: &str) -> (tempfile::TempDir, PathBuf) {
    let text =
        std::fs::read_to_string(crate::project_root().join("docs/schema/file-sync.md")).unwrap();
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
    let args = check_docs::Args {
        files: vec![path.clone()],
        partial: false,
    };
    let report = check_docs::check(&project(), &args).unwrap();
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
    let mut args = check_docs::Args {
        files: vec![path.clone()],
        partial: true,
    };
    let report = check_docs::check(&project(), &args).unwrap();
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
            .any(|line| line.contains("entry.uuid: column is in the entities but not in the docs")),
        "{report:#?}"
    );
    args.partial = false;
    let report = check_docs::check(&project(), &args).unwrap();
    assert!(
            report.lines.iter().any(|line| line
                == "(not in the docs): sync_conduit: table is in the entities but not in the docs (entity for table `sync_conduit`)"),
            "{report:#?}"
        );
}

#[test]
fn the_engine_level_check_compares_sqlite_catalogues() {
    let root = crate::project_root();
    let texts = check_docs::read_texts(&[root.join("docs")], &root).unwrap();
    let docs =
        fsync_schema::sql_docs::parse_files(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .unwrap();
    assert_eq!(
        check_docs::engine_check(&project(), &texts, &docs).unwrap(),
        Vec::<String>::new()
    );
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
    let lines = check_docs::engine_check(&project(), &changed, &docs).unwrap();
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
    let lines = check_docs::engine_check(&project(), &changed, &docs).unwrap();
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
    let args = check_docs::Args {
        files: vec![path.clone()],
        partial: false,
    };
    let error = check_docs::check(&project(), &args)
        .unwrap_err()
        .to_string();
    let line = line_of(&path, "parallel_transfers INTEGER");
    assert!(
        error.starts_with(&format!("{}:{line}:", path.display()))
            && error.contains("Expected: an expression"),
        "{error}"
    );
}

// docs

/// Plain `cargo test` fails when the generated section is stale.
#[test]
fn docs_up_to_date() {
    let path = crate::project_root().join("docs/schema/file-sync.md");
    assert!(
        docs::update(&path, &fsync::entities::schema(), TOOL, true).unwrap(),
        "docs/schema/file-sync.md is stale; run `cargo xtask docs` and commit the result"
    );
}

#[test]
fn the_section_is_replaced_between_the_markers_only() {
    let (begin, end) = (docs::begin(TOOL), docs::end(TOOL));
    let text = format!("# Title\n\n{begin}\nold\n{end}\n\nAfter.\n");
    assert_eq!(
        docs::replace_section(&text, TOOL, "new\n").unwrap(),
        format!("# Title\n\n{begin}\nnew\n{end}\n\nAfter.\n")
    );
    assert!(docs::replace_section("no markers", TOOL, "x").is_err());
}

#[test]
fn check_mode_reports_staleness_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.md");
    let (begin, end) = (docs::begin(TOOL), docs::end(TOOL));
    let stale = format!("# Doc\n{begin}\nold\n{end}\n");
    std::fs::write(&path, &stale).unwrap();
    let schema = fsync::entities::schema();
    assert!(!docs::update(&path, &schema, TOOL, true).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stale);
    assert!(!docs::update(&path, &schema, TOOL, false).unwrap());
    assert!(docs::update(&path, &schema, TOOL, true).unwrap());
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("erDiagram"), "{written}");
    assert!(
        written.contains("    sync_conduit ||--o{ sync_generation : \"conduit_id\""),
        "{written}"
    );
    assert!(
        written.contains("    entry |o--o{ entry : \"parent_id\""),
        "{written}"
    );
}

// diff

/// A SQLite file built from the entities' DDL; `alter` runs after it.
async fn database(alter: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fsync.db").display()
    );
    let db = sea_orm::Database::connect(&url).await.unwrap();
    let statements = render::schema_statements(&fsync::entities::schema(), Backend::Sqlite);
    for sql in statements
        .iter()
        .map(String::as_str)
        .chain(alter.iter().copied())
    {
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
    }
    db.close().await.unwrap();
    (dir, url)
}

#[tokio::test]
async fn a_database_built_from_the_entities_has_no_drift() {
    let (_dir, url) = database(&[]).await;
    let findings = drift(&url, Duration::from_secs(5)).await.unwrap();
    assert_eq!(findings, Drift::default());
    assert_eq!(
        report(&findings, Format::Text).unwrap(),
        "no drift: the database matches the entities\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report(&findings, Format::Json).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"differences": [], "notes": [], "unmanaged": []})
    );
}

#[tokio::test]
async fn drift_made_by_hand_is_reported_as_text_and_json() {
    let (_dir, url) = database(&[
        "ALTER TABLE sync_conduit ADD COLUMN note TEXT",
        "DROP INDEX idx_entry_parent",
    ])
    .await;
    let findings = drift(&url, Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        report(&findings, Format::Text).unwrap(),
        "entry: index `idx_entry_parent` is in the entities but not in the database\n\
             sync_conduit.note: column is in the database but not in the entities\n\
             2 difference(s) between the entities and the database\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report(&findings, Format::Json).unwrap()).unwrap();
    let note = &json["differences"][1];
    assert_eq!(note["table"], "sync_conduit");
    assert_eq!(note["target"]["kind"], "column");
    assert_eq!(note["target"]["name"], "note");
    assert_eq!(note["aspect"], "presence");
    assert_eq!(note["actual"], "note");
    assert_eq!(note["expected"], serde_json::Value::Null);
    assert_eq!(note["sides"]["actual"], "database");
}

/// On PostgreSQL and MariaDB (where configured): the project's migrations
/// leave no drift, and a column added by hand is reported.
#[tokio::test]
async fn a_column_added_by_hand_to_a_server_database_is_drift() {
    use sea_orm_migration::MigratorTrait;
    for test_db in crate::test_databases::servers("xtask_diff").await {
        let backend = test_db.backend;
        fsync::migrations::Migrator::up(&test_db.db, None)
            .await
            .unwrap();
        let findings = drift(&test_db.url, Duration::from_secs(10)).await.unwrap();
        assert_eq!(
            findings,
            Drift::default(),
            "{} after the migrations",
            backend.name()
        );
        crate::test_databases::exec(
            &test_db.db,
            "ALTER TABLE sync_conduit ADD COLUMN note VARCHAR(40)",
        )
        .await;
        let findings = drift(&test_db.url, Duration::from_secs(10)).await.unwrap();
        assert_eq!(
            report(&findings, Format::Text).unwrap(),
            "sync_conduit.note: column is in the database but not in the entities\n\
                 1 difference(s) between the entities and the database\n",
            "{}",
            backend.name()
        );
        test_db.drop_database().await;
    }
}

#[test]
fn an_unreachable_database_is_an_error() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let error = runtime
        .block_on(drift(
            "postgres://nobody@127.0.0.1:1/none",
            Duration::from_secs(1),
        ))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to 127.0.0.1:1:"),
        "{error}"
    );
}
