//! The catalogue's schema tools as its developers run them:
//! `cargo run --bin schema -- <command>`.

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
    let header = format!("database: {} (embedded SQLite)\n", db.display());
    let out = schema(dir.path(), &["migrate", "up"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout(&out),
        format!(
            "{header}applied m20261203_000001_create_catalogue\napplied m20261203_000002_add_author_country\n"
        )
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
