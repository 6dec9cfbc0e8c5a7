//! The catalogue's schema tools as its developers run them:
//! `cargo run --bin schema -- <command>`.

use fsync_test_macros::needs;
use std::path::Path;
use std::process::{Command, Output};

fn schema(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schema"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the schema binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `cargo test` fails when an entity changed and no migration records it.
#[test]
fn migrations_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = schema(dir.path(), &["gen-migration", "--check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(stdout(&out), "migrations are up to date (2 migration(s))\n");
}

#[test]
fn migrate_up_builds_the_embedded_database_and_diff_finds_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("catalogue.db");
    let header = "database: catalogue.db (embedded SQLite)\n".to_owned();
    let out = schema(dir.path(), &["migrate", "up"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out),
        format!(
            "{header}applied m20261203_000001_create_catalogue\napplied m20261203_000002_add_author_country\n\
             applied 2; 2 of 2 migration(s) applied\n"
        )
    );
    assert!(
        db.exists(),
        "the embedded database is the working directory's catalogue.db"
    );
    let out = schema(dir.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{header}note: author: column order is (id, name, country, born) in the entities \
             but (id, name, born, country) in the database (not drift: columns added later come last)\n\
             no drift: the database matches the entities\n"
        )
    );
}

#[test]
fn schema_sql_prints_every_table_in_dependency_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = schema(dir.path(), &["schema", "sql", "--backend", "postgres"]);
    assert!(out.status.success());
    let sql = stdout(&out);
    let at = |needle: &str| {
        sql.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {sql}"))
    };
    assert!(at("CREATE TABLE \"genre\"") < at("CREATE TABLE \"book\""));
    assert!(at("CREATE TABLE \"book\"") < at("CREATE TABLE \"book_author\""));
    assert!(at("CREATE TABLE \"author\"") < at("CREATE TABLE \"book_author\""));
    assert!(at("CREATE TABLE \"book\"") < at("CREATE TABLE \"loan\""));
    assert!(
        sql.contains("PRIMARY KEY (\"book_id\", \"author_id\")"),
        "{sql}"
    );
}

/// The catalogue targets SQLite and PostgreSQL: no MySQL rendering is asked of it.
#[test]
fn a_backend_the_schema_does_not_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = schema(dir.path(), &["schema", "sql", "--backend", "mysql"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the schema targets sqlite, postgres; it has no MySQL rendering\n"
    );
    if let Ok(url) = std::env::var("FSYNC_TEST_MYSQL_URL") {
        let out = schema(dir.path(), &["diff", "-u", &url]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: the schema targets sqlite, postgres; it has no MySQL rendering\n"
        );
    }
}

/// `migrate` on a backend the catalogue does not target stops before any DDL.
#[test]
#[needs(mysql)]
fn migrate_refuses_a_backend_the_schema_does_not_target() {
    let Ok(url) = std::env::var("FSYNC_TEST_MYSQL_URL") else {
        eprintln!("skipped: FSYNC_TEST_MYSQL_URL is not set");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = schema(dir.path(), &["migrate", "-u", &url, "up"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the schema targets sqlite, postgres; it has no MySQL rendering"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `gen-migration --update` and `--remove-last` change only a migration that
/// no database in sight has applied; here the embedded one has (run on a copy
/// of the migrations, so a failure could not touch the real ones).
#[test]
fn an_applied_migration_is_neither_updated_nor_removed() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("migrations");
    std::fs::create_dir(&copy).unwrap();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/migrations");
    for entry in std::fs::read_dir(&real).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    let copy_arg = copy.to_str().unwrap();
    assert!(schema(dir.path(), &["migrate", "up"]).status.success());
    for flag in ["--update", "--remove-last"] {
        let out = schema(dir.path(), &["gen-migration", flag, "--dir", copy_arg]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{flag}: {}{stderr}",
            stdout(&out)
        );
        assert!(
            stderr.starts_with("error: m20261203_000002_add_author_country is applied in ")
                && stderr.contains("catalogue.db; changing it would leave that database behind"),
            "{flag}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_dir(&copy).unwrap().count(),
        std::fs::read_dir(&real).unwrap().count()
    );
    // Not applied anywhere in sight (no embedded database here): removed.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = schema(
        elsewhere.path(),
        &["gen-migration", "--remove-last", "--dir", copy_arg],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out),
        "removed m20261203_000002_add_author_country.rs; 1 migration(s) left\n"
    );
    assert!(!copy.join("m20261203_000002_add_author_country.rs").exists());
}
