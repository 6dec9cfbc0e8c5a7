//! The `fsync` binary as a user runs it: `migrate` on a SQLite file (the
//! embedded default, and `-u`), `schema sql`, and bad input.

use std::path::Path;
use std::process::{Command, Output};

fn fsync(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the fsync binary runs")
}

/// Standard output, checked to come from a successful run.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = fsync(dir, args);
    assert!(
        out.status.success(),
        "fsync {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const FIRST: &str = "m20250315_000001_create_sync_tables";

#[test]
fn migrate_on_the_embedded_database_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fsync.db");
    let header = "database: fsync.db (embedded SQLite)\n".to_owned();

    assert_eq!(
        ok(dir.path(), &["migrate", "status"]),
        format!(
            "{header}(the file does not exist yet: nothing is applied)\n\
             pending      {FIRST}\n0 applied, 1 pending\n"
        )
    );
    assert!(!db.exists(), "status creates nothing");
    assert_eq!(
        ok(dir.path(), &["migrate"]),
        format!("{header}applied {FIRST}\napplied 1; 1 of 1 migration(s) applied\n"),
        "`up` is the default"
    );
    assert!(db.exists(), "the embedded database is created if missing");
    assert_eq!(
        ok(dir.path(), &["migrate", "up"]),
        format!("{header}nothing to do: 1 of 1 migration(s) applied\n")
    );
    assert_eq!(
        ok(dir.path(), &["migrate", "refresh"]),
        format!(
            "{header}rolled back {FIRST}\napplied {FIRST}\n\
             rolled back 1, applied 1; 1 of 1 migration(s) applied\n"
        )
    );
    assert_eq!(
        ok(dir.path(), &["migrate", "fresh"]),
        format!(
            "{header}dropped table sync_generation\ndropped table sync_conduit\ndropped table entry\n\
             applied {FIRST}\ndropped 3 table(s), applied 1; 1 of 1 migration(s) applied\n"
        )
    );
    assert_eq!(
        ok(dir.path(), &["migrate", "down"]),
        format!("{header}rolled back {FIRST}\nrolled back 1; 0 of 1 migration(s) applied\n")
    );
    assert_eq!(
        ok(dir.path(), &["migrate", "reset"]),
        format!("{header}nothing to do: 0 of 1 migration(s) applied\n")
    );
}

#[test]
fn a_database_url_is_used_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let header = format!("database: {} (SQLite)\n", path.display());
    assert_eq!(
        ok(dir.path(), &["migrate", "-u", &url, "up"]),
        format!("{header}applied {FIRST}\napplied 1; 1 of 1 migration(s) applied\n")
    );
    assert!(!dir.path().join("fsync.db").exists());
    let status = Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(["migrate", "status"])
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let stdout = String::from_utf8(status.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("{header}applied      {FIRST} at 20")),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n1 applied, 0 pending\n"), "{stdout}");
}

#[test]
fn schema_sql_prints_the_ddl_in_dependency_order() {
    let dir = tempfile::tempdir().unwrap();
    let sql = ok(dir.path(), &["schema", "sql", "--backend", "sqlite"]);
    let at = |needle: &str| {
        sql.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in:\n{sql}"))
    };
    assert!(at("CREATE TABLE \"entry\"") < at("CREATE TABLE \"sync_conduit\""));
    assert!(at("CREATE TABLE \"sync_conduit\"") < at("CREATE TABLE \"sync_generation\""));
    assert!(at("CREATE TABLE \"sync_generation\"") < at("CREATE INDEX"));
    // Laid out as `.schema` prints it: a column per line, a blank line between statements.
    assert!(
        sql.starts_with("CREATE TABLE \"entry\" (\n  \"id\" INTEGER"),
        "{sql}"
    );
    assert!(sql.contains(",\n  \"uuid\" "), "{sql}");
    assert!(
        sql.contains("\n);\n\nCREATE TABLE \"sync_conduit\" (\n"),
        "{sql}"
    );
}

#[test]
fn bad_input_is_an_error_that_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = fsync(dir.path(), &["migrate", "sideways"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sideways"));
    let out = fsync(dir.path(), &["migrate", "-u", "nosuch://db", "up"]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    assert!(
        !dir.path().join("fsync.db").exists(),
        "no database was made"
    );
}

/// `schema sql | head`: a reader that stops early ends the output quietly
/// (it panicked with "failed printing to stdout: Broken pipe").
#[test]
fn schema_sql_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(["schema", "sql", "--backend", "postgres"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the first statement is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
