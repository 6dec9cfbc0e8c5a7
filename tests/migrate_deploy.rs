//! `fsync migrate` as a deploy runs it, on SQLite files, PostgreSQL and
//! MariaDB (the servers where `FSYNC_TEST_POSTGRES_URL` /
//! `FSYNC_TEST_MYSQL_URL` are set): several runners at once, a runner killed
//! half-way, bad input, read-only status, data that destructive commands
//! must not drop unasked, dry runs. Every runner is a process of the real
//! binary; each test case gets a database of its own.

mod common;

use fsync_schema::Backend;
use fsync_test_macros::{each_backend, needs};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FIRST: &str = "m20250315_000001_create_sync_tables";
const TABLES: [&str; 3] = ["entry", "sync_conduit", "sync_generation"];

fn fsync(dir: &Path, args: &[&str]) -> Output {
    common::output(
        Command::new(env!("CARGO_BIN_EXE_fsync"))
            .args(args)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null()),
    )
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One database under test: its URL and a connection for checks.
struct Case {
    backend: Backend,
    url: String,
    db: DatabaseConnection,
    server: Option<common::TestDb>,
}

impl Case {
    async fn close(self) {
        self.db.close().await.ok();
        if let Some(server) = self.server {
            server.drop_database().await;
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .expect("a row");
        row.try_get_by_index::<i64>(0).unwrap()
    }

    /// The tables of the database, sorted.
    async fn tables(&self) -> Vec<String> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
            }
            Backend::MySql => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
        };
        self.db
            .query_all_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).unwrap())
            .collect()
    }

    async fn exec(&self, sql: &str) {
        common::exec(&self.db, sql).await;
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        let mut all = vec!["migrate", "-u", &self.url];
        all.extend_from_slice(args);
        fsync(dir, &all)
    }

    /// A row of `entry`, in each backend's spelling of a UUID and a time.
    async fn insert_entry(&self) {
        let sql = match self.backend {
            Backend::Postgres => {
                "INSERT INTO entry (uuid, name, kind, created_at, modified_at) VALUES (gen_random_uuid(), 'a', 1, now(), now())"
            }
            Backend::MySql => {
                "INSERT INTO entry (uuid, name, kind, created_at, modified_at) VALUES (UNHEX(REPLACE(UUID(), '-', '')), 'a', 1, NOW(), NOW())"
            }
            Backend::Sqlite => {
                "INSERT INTO entry (uuid, name, kind, created_at, modified_at) VALUES (randomblob(16), 'a', 1, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')"
            }
        };
        self.exec(sql).await;
    }
}

/// A fresh database of `backend` (a new SQLite file in `dir`), or `None`
/// when that server is not configured.
async fn one_case(backend: Backend, tag: &str, dir: &Path) -> Option<Case> {
    if backend == Backend::Sqlite {
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.join(format!("{tag}.db")).display()
        );
        return Some(Case {
            backend,
            db: fsync::db::connect(&url).await.expect("sqlite file"),
            url,
            server: None,
        });
    }
    let variable = match backend {
        Backend::Postgres => "FSYNC_TEST_POSTGRES_URL",
        _ => "FSYNC_TEST_MYSQL_URL",
    };
    std::env::var(variable).ok()?;
    let server = common::db(backend, tag).await;
    Some(Case {
        backend,
        url: server.url.clone(),
        db: server.db.clone(),
        server: Some(server),
    })
}

/// `up` killed with SIGKILL `kills` times at delays spread over the time a
/// whole `up` takes, each time on a fresh database. After each kill the
/// database is untouched, complete, or (MySQL only) journaled and shown as
/// half-applied; each rerun ends with the whole schema and one record.
async fn kill_loop(backend: Backend, kills: u32) {
    let dir = tempfile::tempdir().unwrap();
    let Some(probe) = one_case(backend, "kill_probe", dir.path()).await else {
        return;
    };
    let started = Instant::now();
    let out = probe.run(dir.path(), &["up"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let span = started.elapsed();
    probe.close().await;

    let (mut half_applied, mut untouched, mut complete) = (0, 0, 0);
    for kill in 0..kills {
        let case = one_case(backend, &format!("kill{kill}"), dir.path())
            .await
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fsync"))
            .args(["migrate", "-u", &case.url, "up"])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(span.mul_f64(f64::from(kill) / f64::from(kills) * 1.2));
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();

        let status = text(&case.run(dir.path(), &["status"]).stdout);
        let tables = case.tables().await;
        let ours = tables
            .iter()
            .filter(|t| TABLES.contains(&t.as_str()))
            .count();
        let journal = tables.contains(&"fsync_schema_journal".to_owned())
            && case
                .count("SELECT COUNT(*) FROM fsync_schema_journal")
                .await
                > 0;
        if journal {
            half_applied += 1;
            assert!(
                status.contains(&format!("half-applied {FIRST}")),
                "a journaled migration shows as half-applied:\n{status}"
            );
        } else if status.contains(&format!("applied      {FIRST} at ")) {
            complete += 1;
            assert_eq!(ours, TABLES.len(), "{backend:?} kill {kill}: {tables:?}");
        } else {
            untouched += 1;
            assert_eq!(
                ours, 0,
                "{backend:?} kill {kill}: tables without a journal or a record: {tables:?}"
            );
        }

        let out = case.run(dir.path(), &["up"]);
        assert!(
            out.status.success(),
            "{backend:?} kill {kill}: the rerun failed: {}",
            text(&out.stderr)
        );
        let tables = case.tables().await;
        for table in TABLES {
            assert!(
                tables.contains(&table.to_owned()),
                "kill {kill}: {tables:?}"
            );
        }
        assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
        if backend == Backend::MySql {
            assert_eq!(
                case.count("SELECT COUNT(*) FROM fsync_schema_journal")
                    .await,
                0
            );
        }
        case.close().await;
    }
    eprintln!(
        "{backend:?}: {kills} kills over {span:?}: {untouched} untouched, {half_applied} half-applied, {complete} complete"
    );
    if backend == Backend::MySql {
        assert!(
            half_applied > 0,
            "some kill should land inside the migration"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[needs(mysql)]
async fn mariadb_up_killed_at_any_point_is_repaired_by_the_next_run() {
    // Timed kills land mid-statement too, which the failpoint sweep below
    // (every round trip, deterministic) does not; a few are enough beside it.
    kill_loop(Backend::MySql, 8).await;
}

#[each_backend(sqlite, postgres)]
async fn up_killed_leaves_nothing_or_everything(backend: Backend) {
    kill_loop(backend, 4).await;
}

/// A MariaDB database as a killed runner leaves it, journal row and all.
#[tokio::test(flavor = "multi_thread")]
#[needs(mysql)]
async fn mariadb_journal_rows_are_finished_or_undone() {
    let dir = tempfile::tempdir().unwrap();
    let Some(case) = one_case(Backend::MySql, "journal", dir.path()).await else {
        return;
    };
    assert!(case.run(dir.path(), &["up"]).status.success());
    // Killed going down after its first step (dropping `sync_generation`).
    case.exec("DROP TABLE sync_generation").await;
    case.exec(&format!(
        "INSERT INTO fsync_schema_journal VALUES ('{FIRST}', 'down', 1, 0, 0)"
    ))
    .await;
    let status = text(&case.run(dir.path(), &["status", "--format", "json"]).stdout);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["migrations"][0]["state"], "half-applied");
    assert_eq!(status["migrations"][0]["journal"]["direction"], "down");
    let out = case.run(dir.path(), &["up"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "repaired `{FIRST}`, left half-run (down) by a killed runner: undone"
        )),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("repaired 1; 1 of 1 migration(s) applied"));
    assert!(case.tables().await.contains(&"sync_generation".to_owned()));

    // Killed going up after its last step, before the record.
    case.exec("DELETE FROM seaql_migrations").await;
    case.exec(&format!(
        "INSERT INTO fsync_schema_journal VALUES ('{FIRST}', 'up', 3, 0, 0)"
    ))
    .await;
    let out = case.run(dir.path(), &["up", "--dry-run"]);
    assert!(text(&out.stdout).starts_with(&format!(
        "database: {}\n-- first: repair `{FIRST}`, left half-run (up) by a killed runner\n",
        case.url
    )));
    let out = case.run(dir.path(), &["up"]);
    assert!(out.status.success());
    assert!(text(&out.stderr).ends_with("by a killed runner: finished\n"));
    assert!(text(&out.stdout).contains("repaired 1; 1 of 1 migration(s) applied"));
    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
    assert_eq!(
        case.count("SELECT COUNT(*) FROM fsync_schema_journal")
            .await,
        0
    );
    case.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_fails_with_a_clear_message_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = format!(
        "sqlite://{}/no/such/dir/x.db?mode=rwc",
        dir.path().display()
    );
    let missing_file = format!("sqlite://{}/missing.db", dir.path().display());
    // A port that answers nothing: bound, never accepted.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!(
        "postgres://u:hunter2@127.0.0.1:{}/db",
        silent.local_addr().unwrap().port()
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!(
        "postgres://u:hunter2@127.0.0.1:{}/db",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    let table: &[(&[&str], i32, &str)] = &[
        (&["migrate", "sideways"], 2, "sideways"),
        (&["migrate", "--lock-timeout", "soon", "up"], 2, "soon"),
        (
            &["migrate", "-u", "postgress://u:hunter2@127.0.0.1/db", "up"],
            2,
            "unsupported database URL `postgress://u:***@127.0.0.1/db`",
        ),
        (
            &["migrate", "-u", &closed_url, "up"],
            2,
            "connection refused",
        ),
        (
            &["migrate", "--connect-timeout", "1", "-u", &silent_url, "up"],
            2,
            "no answer within 1 s",
        ),
        (
            &["migrate", "-u", "sqlite:", "up"],
            2,
            "`sqlite:` names no SQLite file",
        ),
        (
            &["migrate", "-u", "sqlite://", "fresh"],
            2,
            "names no SQLite file",
        ),
        (
            &["migrate", "-u", &missing_dir, "up"],
            2,
            "/no/such/dir/x.db`: directory `",
        ),
        (
            &["migrate", "-u", &missing_file, "up"],
            2,
            "missing.db`: no such file (add `?mode=rwc`",
        ),
    ];
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    for (args, code, message) in table {
        let started = Instant::now();
        let out = fsync(dir.path(), args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("hunter2") && !text(&out.stdout).contains("hunter2"));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
    let port = silent.local_addr().unwrap().port().to_string();
    let out = fsync(
        dir.path(),
        &["migrate", "--connect-timeout", "1", "-u", &silent_url, "up"],
    );
    assert!(text(&out.stderr).contains(&format!("127.0.0.1:{port}")));
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(before.len(), after.len(), "no file was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_reads_and_never_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A file that does not exist stays so.
    let path = dir.path().join("new.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let out = fsync(dir.path(), &["migrate", "-u", &url, "status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("pending      {FIRST}")));
    assert!(!path.exists(), "status made the file");
    // A read-only file: readable, unchanged.
    let out = fsync(dir.path(), &["migrate", "-u", &url, "up"]);
    assert!(out.status.success());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let out = fsync(
        dir.path(),
        &["migrate", "-u", &url, "status", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["migrations"][0]["state"], "applied");
    assert_eq!(json["summary"], "1 applied, 0 pending");
    assert_eq!(json["database"], format!("{} (SQLite)", path.display()));
    assert!(
        json["migrations"][0]["applied_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let out = fsync(dir.path(), &["migrate", "-u", &url, "down"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("read-only"),
        "{}",
        text(&out.stderr)
    );
}

/// `status` on a server makes no table.
#[each_backend(postgres, mysql)]
async fn status_makes_no_table_on_a_server(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = common::db(backend, "status_read_only").await;
    let case = Case {
        backend: case.backend,
        url: case.url.clone(),
        db: case.db.clone(),
        server: Some(case),
    };
    let out = case.run(dir.path(), &["status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 applied, 1 pending"));
    assert_eq!(
        case.tables().await,
        Vec::<String>::new(),
        "{:?}",
        case.backend
    );
    case.close().await;
}

#[each_backend]
async fn unknown_applied_migrations_are_listed_and_block_changes(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "unknown", dir.path()).await.unwrap();
    assert!(case.run(dir.path(), &["up"]).status.success());
    case.exec(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20990101_000001_from_the_future', 0)",
    )
    .await;
    let out = case.run(dir.path(), &["status"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("unknown      m20990101_000001_from_the_future (applied here, not known to this program: a newer version ran here?)"),
        "{stdout}"
    );
    for args in [&["up"][..], &["down", "--force"]] {
        let out = case.run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("a newer version probably ran here"),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 2);
    case.close().await;
}

#[each_backend]
async fn destructive_commands_refuse_while_rows_would_be_dropped(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "refuse", dir.path()).await.unwrap();
    assert!(case.run(dir.path(), &["up"]).status.success());
    case.insert_entry().await;
    for command in ["down", "reset", "refresh", "fresh"] {
        let out = case.run(dir.path(), &[command]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "`{command}` would drop data: table `entry` (1 row(s)); nothing was changed; pass `--force`"
            )),
            "{:?} {command}: {stderr}",
            case.backend
        );
        assert_eq!(case.count("SELECT COUNT(*) FROM entry").await, 1);
    }
    // `fresh --force` drops what the migrations built, and only that.
    case.exec("CREATE TABLE user_notes (id INTEGER PRIMARY KEY)")
        .await;
    case.exec("CREATE VIEW entry_names AS SELECT 1 AS one")
        .await;
    if case.backend == Backend::Postgres {
        case.exec("CREATE TYPE mood AS ENUM ('calm')").await;
    }
    let out = case.run(dir.path(), &["fresh", "--force"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("dropped data: table `entry` (1 row(s))"),
        "{stdout}"
    );
    assert!(stdout.contains("left table `user_notes` (not created by the migrations)"));
    assert!(stdout.contains("left view `entry_names`"), "{stdout}");
    if case.backend == Backend::Postgres {
        assert!(stdout.contains("left type `mood`"), "{stdout}");
    }
    assert!(stdout.ends_with("dropped 3 table(s), applied 1; 1 of 1 migration(s) applied\n"));
    assert_eq!(case.count("SELECT COUNT(*) FROM entry").await, 0);
    assert_eq!(case.count("SELECT COUNT(*) FROM user_notes").await, 0);
    // Empty tables go without asking.
    let out = case.run(dir.path(), &["down"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("rolled back {FIRST}")));
    case.close().await;
}

#[each_backend]
async fn dry_runs_print_the_sql_in_order_and_change_nothing(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "dry_run", dir.path()).await.unwrap();
    let out = case.run(dir.path(), &["up", "--dry-run"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let at = |needle: &str| {
        stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{:?}: no `{needle}` in\n{stdout}", case.backend))
    };
    let q = |name: &str| match case.backend {
        Backend::MySql => format!("CREATE TABLE `{name}`"),
        _ => format!("CREATE TABLE \"{name}\""),
    };
    assert!(at(&q("entry")) < at(&q("sync_conduit")));
    assert!(at(&q("sync_conduit")) < at(&q("sync_generation")));
    assert!(at(&q("sync_generation")) < at("INSERT INTO"));
    match case.backend {
        Backend::MySql => assert!(stdout.contains("-- no transaction")),
        Backend::Postgres => {
            assert!(at("BEGIN;") < at("CREATE TABLE") && at("INSERT INTO") < at("COMMIT;"))
        }
        // As the runner runs it: foreign keys off around a write
        // transaction that ends with the foreign-key check.
        Backend::Sqlite => {
            assert!(at("PRAGMA foreign_keys = OFF;") < at("BEGIN IMMEDIATE;"));
            assert!(at("BEGIN IMMEDIATE;") < at("CREATE TABLE"));
            assert!(at("PRAGMA foreign_key_check;") < at("INSERT INTO"));
            assert!(at("COMMIT;") < at("PRAGMA foreign_keys = ON;"));
        }
    }
    assert!(stdout.ends_with("dry run: 1 migration(s) to apply; nothing was changed\n"));
    assert_eq!(
        case.tables().await,
        Vec::<String>::new(),
        "{:?}",
        case.backend
    );

    assert!(case.run(dir.path(), &["up"]).status.success());
    let out = case.run(dir.path(), &["down", "--dry-run", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["direction"], "down");
    let statements = plan["migrations"][0]["statements"].as_array().unwrap();
    assert!(statements[0].as_str().unwrap().starts_with("DROP TABLE"));
    assert!(
        statements
            .last()
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("DELETE FROM")
    );
    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
    case.close().await;
}

#[each_backend]
async fn a_failing_statement_is_named_and_nothing_is_left_half_done(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "failing", dir.path()).await.unwrap();
    // Someone's own `sync_conduit` stands where the migration's goes.
    case.exec("CREATE TABLE sync_conduit (note INTEGER)").await;
    let out = case.run(dir.path(), &["up"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(&format!("migration `{FIRST}` failed")),
        "{stderr}"
    );
    assert!(stderr.contains("statement: CREATE TABLE"), "{stderr}");
    assert!(!stderr.contains(" at line "), "{stderr}");
    let mut tables = case.tables().await;
    tables.retain(|t| TABLES.contains(&t.as_str()));
    assert_eq!(tables, ["sync_conduit"], "{:?}: {stderr}", case.backend);
    assert_eq!(
        case.count("SELECT COUNT(*) FROM sync_conduit WHERE note IS NULL")
            .await,
        0,
        "the user's table is untouched"
    );
    case.close().await;
}

impl Case {
    /// `migrate -u URL args..` with `env` set.
    fn run_with(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fsync"));
        command
            .args(["migrate", "-u", &self.url])
            .args(args)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        common::output(&mut command)
    }

    /// Drops every table, the runner's included: an empty database again.
    async fn wipe(&self) {
        match self.backend {
            Backend::Postgres => {
                self.exec("DROP SCHEMA public CASCADE").await;
                self.exec("CREATE SCHEMA public").await;
            }
            _ => {
                use sea_orm::TransactionTrait;
                let tables = self.tables().await;
                // One connection of the pool for the whole wipe.
                let one = self.db.begin().await.unwrap();
                let off = match self.backend {
                    Backend::MySql => "SET FOREIGN_KEY_CHECKS = 0",
                    _ => "PRAGMA defer_foreign_keys = ON",
                };
                common::exec(&one, off).await;
                for table in tables {
                    let quoted = match self.backend {
                        Backend::MySql => format!("`{table}`"),
                        _ => format!("\"{table}\""),
                    };
                    common::exec(&one, &format!("DROP TABLE {quoted}")).await;
                }
                one.commit().await.unwrap();
            }
        }
    }

    /// How many of the migration's tables the database holds.
    async fn ours(&self) -> usize {
        let tables = self.tables().await;
        TABLES
            .iter()
            .filter(|t| tables.contains(&(**t).to_owned()))
            .count()
    }

    /// `status --format json`, which must work whatever state the database is in.
    fn status(&self, dir: &Path) -> serde_json::Value {
        let out = self.run(dir, &["status", "--format", "json"]);
        assert!(
            out.status.success(),
            "{:?}: status failed: {}",
            self.backend,
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("status JSON")
    }
}

/// The state a command starts from in the fault sweep.
async fn prepare(case: &Case, dir: &Path, command: &str) {
    if command != "up" {
        assert!(case.run(dir, &["up"]).status.success());
        case.insert_entry().await;
    }
}

/// The arguments of `command` in the fault sweep.
fn sweep_args(command: &str) -> Vec<&str> {
    match command {
        "up" => vec!["up"],
        "down" => vec!["down", "--force"],
        _ => vec!["fresh", "--force"],
    }
}

/// Kills `migrate <command>` after its n-th database round trip
/// (`FSYNC_FAILPOINT`), for every n from 1 to the last when
/// `FSYNC_FAULT_SWEEP=full`, else for four spread over them (the first and
/// the last among them); each time on the emptied database. After each kill `status` works and tells the truth (a
/// migration shown applied has all its tables, one shown pending none,
/// unless a journal row says it is half-run), and running the command
/// again ends where an uninterrupted run ends. Returns (points, round trips).
async fn fault_sweep(backend: Backend, command: &str) -> Option<(usize, u64)> {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, &format!("fault_{command}"), dir.path()).await?;
    prepare(&case, dir.path(), command).await;
    let counted = case.run_with(
        dir.path(),
        &sweep_args(command),
        &[("FSYNC_FAILPOINT", "count")],
    );
    assert!(counted.status.success(), "{}", text(&counted.stderr));
    let total: u64 = text(&counted.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("failpoint: "))
        .next_back()
        .and_then(|n| n.parse().ok())
        .expect("round trips counted");
    let points: Vec<u64> = match std::env::var("FSYNC_FAULT_SWEEP").as_deref() {
        Ok("full") => (1..=total).collect(),
        _ => {
            let mut picked: Vec<u64> = (0..4).map(|i| 1 + i * (total - 1) / 3).collect();
            picked.dedup();
            picked
        }
    };
    for &n in &points {
        case.wipe().await;
        prepare(&case, dir.path(), command).await;
        let killed = case.run_with(
            dir.path(),
            &sweep_args(command),
            &[("FSYNC_FAILPOINT", &n.to_string())],
        );
        assert_eq!(
            killed.status.code(),
            None,
            "{backend:?} {command} at {n}/{total}: not killed: {}",
            text(&killed.stderr)
        );
        let status = case.status(dir.path());
        let state = &status["migrations"][0];
        let journaled = !state["journal"].is_null() || !status["fresh"].is_null();
        let ours = case.ours().await;
        if !journaled {
            match state["state"].as_str() {
                Some("applied") => assert_eq!(
                    ours,
                    TABLES.len(),
                    "{backend:?} {command} killed at {n}/{total}: applied but tables missing: {status}"
                ),
                Some("pending") => assert_eq!(
                    ours, 0,
                    "{backend:?} {command} killed at {n}/{total}: pending but tables left: {status}"
                ),
                other => panic!("{backend:?} {command} at {n}: state {other:?}: {status}"),
            }
        }
        let rerun = case.run(dir.path(), &sweep_args(command));
        assert!(
            rerun.status.success(),
            "{backend:?} {command} killed at {n}/{total}: the rerun failed: {}",
            text(&rerun.stderr)
        );
        let records = case.count("SELECT COUNT(*) FROM seaql_migrations").await;
        match command {
            "down" => assert_eq!(
                (case.ours().await, records),
                (0, 0),
                "{backend:?} down at {n}"
            ),
            _ => {
                assert_eq!(
                    (case.ours().await, records),
                    (TABLES.len(), 1),
                    "{backend:?} {command} at {n}"
                );
                if command == "fresh" {
                    assert_eq!(case.count("SELECT COUNT(*) FROM entry").await, 0);
                }
            }
        }
        if backend == Backend::MySql {
            assert_eq!(
                case.count("SELECT COUNT(*) FROM fsync_schema_journal")
                    .await,
                0,
                "{command} at {n}"
            );
        }
    }
    case.close().await;
    Some((points.len(), total))
}

async fn fault_sweeps(backend: Backend) {
    for command in ["up", "down", "fresh"] {
        let started = Instant::now();
        if let Some((points, total)) = fault_sweep(backend, command).await {
            eprintln!(
                "{backend:?} {command}: killed at {points} of {total} round trips, each recovered ({:?})",
                started.elapsed()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_killed_at_round_trips_recovers() {
    fault_sweeps(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[needs(postgres)]
async fn postgres_killed_at_round_trips_recovers() {
    fault_sweeps(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
#[needs(mysql)]
async fn mariadb_killed_at_round_trips_recovers() {
    fault_sweeps(Backend::MySql).await;
}

/// A user table with a foreign key into a migrated table: `fresh --force`
/// refuses before dropping anything and names it; a user's index on a
/// migrated table is named as it goes with the table.
#[each_backend]
async fn fresh_refuses_dependents_and_names_user_indexes(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "dependents", dir.path()).await.unwrap();
    let backend = case.backend;
    assert!(case.run(dir.path(), &["up"]).status.success());
    case.insert_entry().await;
    case.exec(
        "CREATE TABLE user_refs (id INTEGER PRIMARY KEY, entry_id INTEGER REFERENCES entry (id))",
    )
    .await;
    let out = case.run(dir.path(), &["fresh", "--force"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{backend:?}: {stderr}");
    assert!(
        stderr.contains(
            "`fresh` would drop tables that others depend on: table `user_refs` has a foreign key into `entry`; nothing was changed"
        ),
        "{backend:?}: {stderr}"
    );
    assert_eq!(case.ours().await, TABLES.len(), "{backend:?}");
    assert_eq!(case.count("SELECT COUNT(*) FROM entry").await, 1);
    let status = case.status(dir.path());
    assert_eq!(status["summary"], "1 applied, 0 pending", "{backend:?}");

    case.exec("DROP TABLE user_refs").await;
    case.exec("CREATE INDEX idx_user_entry_name ON entry (name)")
        .await;
    let out = case.run(dir.path(), &["fresh", "--force"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{backend:?}: {}", text(&out.stderr));
    assert!(
        stdout.contains(
            "dropped index `idx_user_entry_name` on `entry` with its table (not created by the migrations)"
        ),
        "{backend:?}: {stdout}"
    );
    assert_eq!(
        stdout.matches("with its table").count(),
        1,
        "{backend:?}: only the user's index: {stdout}"
    );
    case.close().await;
}

/// MariaDB: a `fresh` killed half-way is journaled, shown by `status`, and
/// finished by the next `up`; a journal row that says every step ran while
/// the tables are missing is refused, not recorded.
#[tokio::test(flavor = "multi_thread")]
#[needs(mysql)]
async fn mariadb_fresh_is_journaled_and_a_false_journal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Some(case) = one_case(Backend::MySql, "fresh_journal", dir.path()).await else {
        return;
    };
    assert!(case.run(dir.path(), &["up"]).status.success());
    // As a `fresh` killed after its first drop leaves it.
    case.exec("DROP TABLE sync_generation").await;
    case.exec("INSERT INTO fsync_schema_journal VALUES ('(fresh)', 'fresh', 1, 0, 0)")
        .await;
    let out = case.run(dir.path(), &["status"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("half-done    fresh (killed while dropping the migrations' tables)"),
        "{stdout}"
    );
    assert!(stdout.contains("a `fresh` was killed half-way"), "{stdout}");
    let out = case.run(dir.path(), &["up"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("repaired `(fresh)`, left half-run (fresh) by a killed runner: finished"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains(&format!("applied {FIRST}")));
    assert_eq!(case.ours().await, TABLES.len());
    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);

    // A journal that claims every step ran, with no tables: refused.
    for table in ["sync_generation", "sync_conduit", "entry"] {
        case.exec(&format!("DROP TABLE {table}")).await;
    }
    case.exec("DELETE FROM seaql_migrations").await;
    case.exec(&format!(
        "INSERT INTO fsync_schema_journal VALUES ('{FIRST}', 'up', 3, 0, 0)"
    ))
    .await;
    let out = case.run(dir.path(), &["up"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the journal says every step of `{FIRST}` ran (up), but table `entry` is missing"
        )),
        "{stderr}"
    );
    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 0);
    assert_eq!(
        case.count("SELECT COUNT(*) FROM fsync_schema_journal")
            .await,
        1
    );
    case.close().await;
}

/// The runner's tables are its own: `diff` after `up` finds no drift (the
/// MariaDB journal included), `baseline` accepts the database, `pull`
/// writes no entity for them, and a user's table called
/// `fsync_schema_journal` on SQLite or PostgreSQL is neither read as a
/// journal nor breaks `status` and `up`.
#[each_backend]
async fn runner_tables_are_not_the_users(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let case = one_case(backend, "runner_tables", dir.path())
        .await
        .unwrap();
    let backend = case.backend;
    if backend != Backend::MySql {
        case.exec("CREATE TABLE fsync_schema_journal (version TEXT, direction TEXT, steps_done INTEGER, statements_done INTEGER, started_at INTEGER)")
            .await;
        case.exec(&format!(
            "INSERT INTO fsync_schema_journal VALUES ('{FIRST}', 'up', 1, 0, 0)"
        ))
        .await;
    }
    let out = case.run(dir.path(), &["up"]);
    assert!(out.status.success(), "{backend:?}: {}", text(&out.stderr));
    let status = case.status(dir.path());
    assert_eq!(status["migrations"][0]["state"], "applied", "{backend:?}");
    let diff = fsync(dir.path(), &["diff", "-u", &case.url]);
    let stdout = text(&diff.stdout);
    assert!(
        diff.status.success(),
        "{backend:?}: {stdout}{}",
        text(&diff.stderr)
    );
    let baseline = case.run(dir.path(), &["baseline", "--to", FIRST]);
    assert!(
        baseline.status.success(),
        "{backend:?}: {}{}",
        text(&baseline.stdout),
        text(&baseline.stderr)
    );
    let out = dir.path().join(format!("pulled_{}", backend.name()));
    let pull = fsync(
        dir.path(),
        &["pull", "-u", &case.url, "--out", out.to_str().unwrap()],
    );
    assert!(pull.status.success(), "{backend:?}: {}", text(&pull.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "entry.rs",
            "mod.rs",
            "sync_conduit.rs",
            "sync_generation.rs"
        ],
        "{backend:?}"
    );
    assert!(stdout.starts_with("database: "), "{stdout}");
    case.close().await;
}

/// Lock waits are bounded by `--lock-timeout` and named. PostgreSQL: while
/// another session holds `LOCK TABLE entry IN ACCESS EXCLUSIVE MODE`, `diff`
/// and `down` give up after the lock timeout saying why, `status` does not
/// hang, and a runner killed while it waits leaves no session holding the
/// migration lock. SQLite: while another connection holds `BEGIN
/// EXCLUSIVE`, the commands say they wait, wait up to `--lock-timeout`,
/// then give up, or go on once the lock is released.
#[each_backend(sqlite, postgres)]
async fn lock_waits_are_bounded_named_and_end_with_their_runner(backend: Backend) {
    use sea_orm::TransactionTrait;
    let dir = tempfile::tempdir().unwrap();
    let bounded = |out: &Output, started: Instant, what: &str| {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("gave up waiting for a lock another session holds")
                || stderr.contains("gave up after 1 s waiting for another connection's lock"),
            "{what}: {stderr}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{what}: {:?}",
            started.elapsed()
        );
    };
    if backend == Backend::Postgres {
        let case = one_case(backend, "pg_locks", dir.path()).await.unwrap();
        assert!(case.run(dir.path(), &["up"]).status.success());
        let holder = fsync::db::connect(&case.url).await.unwrap();
        let lock = holder.begin().await.unwrap();
        common::exec(&lock, "LOCK TABLE entry IN ACCESS EXCLUSIVE MODE").await;
        let started = Instant::now();
        let out = fsync(
            dir.path(),
            &["diff", "-u", &case.url, "--lock-timeout", "1"],
        );
        bounded(&out, started, "diff");
        let started = Instant::now();
        let out = case.run(dir.path(), &["--lock-timeout", "1", "down", "--force"]);
        bounded(&out, started, "down");
        let started = Instant::now();
        let out = case.run(dir.path(), &["--lock-timeout", "1", "status"]);
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{}",
            text(&out.stderr)
        );
        // A runner killed while it waits for the table's lock.
        let mut child = Command::new(env!("CARGO_BIN_EXE_fsync"))
            .args([
                "migrate",
                "-u",
                &case.url,
                "--lock-timeout",
                "60",
                "down",
                "--force",
            ])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        child.kill().unwrap();
        child.wait().unwrap();
        // Its server session notices within `client_connection_check_interval`
        // (1 s) and ends, with its migration lock, though the table's lock
        // it waited for is still held.
        let started = Instant::now();
        let out = case.run(dir.path(), &["--lock-timeout", "5", "up"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the killed runner's session kept the migration lock for {:?}: {}",
            started.elapsed(),
            text(&out.stderr)
        );
        lock.rollback().await.unwrap();
        holder.close().await.unwrap();
        assert_eq!(case.ours().await, TABLES.len());
        case.close().await;
        return;
    }

    let case = one_case(Backend::Sqlite, "sqlite_locks", dir.path())
        .await
        .unwrap();
    assert!(case.run(dir.path(), &["up"]).status.success());
    let holder = fsync::db::connect(&case.url).await.unwrap();
    common::exec(&holder, "BEGIN EXCLUSIVE").await;
    for args in [&["status"][..], &["down", "--force"], &["up"]] {
        let started = Instant::now();
        let mut all = vec!["--lock-timeout", "1"];
        all.extend_from_slice(args);
        let out = case.run(dir.path(), &all);
        bounded(&out, started, &format!("{args:?}"));
        assert!(
            text(&out.stderr).contains("waiting: another connection holds the lock of "),
            "{}",
            text(&out.stderr)
        );
    }
    let started = Instant::now();
    let waiting = Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args([
            "migrate",
            "-u",
            &case.url,
            "--lock-timeout",
            "10",
            "down",
            "--force",
        ])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    common::exec(&holder, "COMMIT").await;
    let out = common::finish(waiting, "the waiting `down`");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("waiting: "),
        "{}",
        text(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(case.ours().await, 0, "the waiting `down` ran");
    holder.close().await.unwrap();
    case.close().await;
}

/// A SQLite file a writer was killed in the middle of (a hot journal):
/// the read-only commands roll it back and read, or, when the file cannot
/// be written, say what to do.
#[tokio::test(flavor = "multi_thread")]
async fn a_hot_journal_does_not_stop_the_read_only_commands() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hot.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let journal = dir.path().join("hot.db-journal");
    let mut n = 1;
    while !journal.exists() {
        let _ = std::fs::remove_file(&path);
        let out = common::output(
            Command::new(env!("CARGO_BIN_EXE_fsync"))
                .args(["migrate", "-u", &url, "up"])
                .env("FSYNC_FAILPOINT", n.to_string()),
        );
        assert_eq!(out.status.code(), None, "no kill left a hot journal");
        n += 1;
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = fsync(dir.path(), &["migrate", "-u", &url, "status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("has a hot journal (`")
            && text(&out.stderr)
                .contains("run a command that writes (`migrate up`), or make the file writable"),
        "{}",
        text(&out.stderr)
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = fsync(dir.path(), &["migrate", "-u", &url, "status"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("0 applied, 1 pending"));
    assert!(!journal.exists(), "rolled back");
    let out = fsync(dir.path(), &["migrate", "-u", &url, "up"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// No password is printed, whether the URL parses or not, by `migrate`,
/// `diff` and `pull`; a MySQL `?password=` is used.
#[tokio::test(flavor = "multi_thread")]
async fn passwords_stay_hidden_and_a_mysql_query_password_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let urls = [
        "postgres://postgres:pa/ss@127.0.0.1:5432/db".to_owned(),
        "postgres://postgres:pa?ss@127.0.0.1:5432/db".to_owned(),
        "u:S3cr3tPw@127.0.0.1/db".to_owned(),
        format!("mysql://root@127.0.0.1:{port}/db?password=S3cr3tPw"),
        format!("postgres://u:S3cr3tPw@127.0.0.1:{port}/db"),
    ];
    for url in &urls {
        for args in [
            vec!["migrate", "-u", url, "status"],
            vec!["migrate", "-u", url, "up"],
            vec!["migrate", "-u", url, "--format", "json", "up"],
            vec!["diff", "-u", url],
            vec!["pull", "-u", url, "--out", "entities"],
        ] {
            let out = fsync(dir.path(), &args);
            let all = text(&out.stdout) + &text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {all}");
            for secret in ["pa/ss", "pa?ss", "S3cr3tPw"] {
                assert!(!all.contains(secret), "{args:?}: {all}");
            }
            if args.contains(&"json") {
                let error: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("{args:?}: {e}: {all}"));
                assert!(error["error"].as_str().is_some(), "{all}");
            }
        }
    }
    let Some(case) = one_case(Backend::MySql, "query_password", dir.path()).await else {
        return;
    };
    let database = case.url.rsplit('/').next().unwrap().to_owned();
    let user = format!("pw_{}", std::process::id());
    case.exec(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'S3cr3tPw'"
    ))
    .await;
    case.exec(&format!("GRANT ALL ON `{database}`.* TO '{user}'@'%'"))
        .await;
    let base = format!("mysql://{user}@127.0.0.1:3306/{database}");
    let out = fsync(
        dir.path(),
        &["migrate", "-u", &format!("{base}?password=S3cr3tPw"), "up"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = fsync(
        dir.path(),
        &["migrate", "-u", &format!("{base}?password=wrong"), "status"],
    );
    let all = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("Access denied") && !all.contains("wrong"),
        "{all}"
    );
    case.exec(&format!("DROP USER '{user}'@'%'")).await;
    case.close().await;
}

/// `fsync migrate` with `args`, `input` on standard input.
fn fsync_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    common::finish(child, "fsync with input")
}

fn lines_starting(stdout: &str, prefix: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with(prefix)).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleet_is_migrated_in_one_command_and_a_rerun_does_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let libs = dir.path().join("libs");
    std::fs::create_dir(&libs).unwrap();
    for name in ["a.db", "b.db", "c.db", "d.db"] {
        std::fs::write(libs.join(name), b"").unwrap(); // empty files are empty databases
    }
    let servers = common::servers("fleet").await;
    let mysql = servers.iter().find(|s| s.backend == Backend::MySql);
    let mut list = format!(
        "# the libraries\n{}/*.db\n\nsqlite://{}/new.db?mode=rwc\n",
        libs.display(),
        dir.path().display()
    );
    if let Some(mysql) = mysql {
        list += &format!("{}\n", mysql.url);
    }
    let good = list.clone();
    list += &format!("{}/missing/x.db\n", dir.path().display());
    let total = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
        + 3;
    std::fs::write(dir.path().join("fleet.txt"), &list).unwrap();

    let out = fsync(
        dir.path(),
        &["migrate", "--urls-from", "fleet.txt", "--jobs", "2", "up"],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert_eq!(lines_starting(&stdout, "ok "), total - 1, "{stdout}");
    assert_eq!(
        stdout.matches(": applied 1; 1 of 1").count(),
        total - 1,
        "{stdout}"
    );
    assert!(
        stdout.contains("missing/x.db (SQLite): unable to open SQLite database")
            && lines_starting(&stdout, "FAILED ") == 1,
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{total} database(s): {} changed, 0 had nothing to do, 1 failed",
            total - 1
        )),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!("1 of {total} database(s) failed")),
        "{stderr}"
    );
    assert!(!libs.join("missing").exists());

    // Fixed, the rerun does only what is left: nothing.
    std::fs::write(dir.path().join("fleet.txt"), &good).unwrap();
    let out = fsync(dir.path(), &["migrate", "--urls-from", "fleet.txt", "up"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!(
            "{0} database(s): 0 changed, {0} had nothing to do, 0 failed",
            total - 1
        )),
        "{stdout}"
    );
    // Status over the same fleet, the list on standard input, one more file.
    let input = format!("{good}sqlite://{}/later.db\n", dir.path().display());
    let out = fsync_with_input(
        dir.path(),
        &["migrate", "--urls-from", "-", "status"],
        &input,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!(
            "{total} database(s): {} up to date, 1 with pending migrations, 0 failed",
            total - 1
        )),
        "{stdout}"
    );
    assert!(
        !dir.path().join("later.db").exists(),
        "status creates no file"
    );

    // A schema per tenant on PostgreSQL, listed on standard input.
    if let Some(pg) = servers.iter().find(|s| s.backend == Backend::Postgres) {
        let args = ["migrate", "-u", &pg.url, "--schemas-from", "-", "up"];
        let out = fsync_with_input(
            dir.path(),
            &args,
            "tenant_a\n# not yet: tenant_c\ntenant_b\n",
        );
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
        assert!(stdout.contains("schema tenant_a: applied 1"), "{stdout}");
        assert!(stdout.contains("2 database(s): 2 changed"), "{stdout}");
        for schema in ["tenant_a", "tenant_b"] {
            let sql = format!(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{schema}'"
            );
            let row = pg
                .db
                .query_one_raw(Statement::from_string(pg.db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 4, "{schema}");
        }
        let sql = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'";
        let row = pg
            .db
            .query_one_raw(Statement::from_string(
                pg.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get_by_index::<i64>(0).unwrap(),
            0,
            "nothing in public"
        );
        let args = ["migrate", "-u", &pg.url, "--schemas-from", "-", "status"];
        let out = fsync_with_input(dir.path(), &args, "tenant_a\ntenant_b\ntenant_c\n");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("3 database(s): 2 up to date, 1 with pending migrations, 0 failed"),
            "{stdout}"
        );
        let out = fsync_with_input(dir.path(), &args, "tenant a\n");
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains("<stdin>:1: schema `tenant a` is not a plain name"),
            "{}",
            text(&out.stderr)
        );
    }
    for server in servers {
        server.drop_database().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_fleet_run_is_finished_by_a_rerun() {
    use std::io::BufRead;
    const FILES: usize = 200;
    const KILL_AFTER: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..FILES)
        .map(|n| format!("sqlite://{}/lib{n:03}.db?mode=rwc", dir.path().display()))
        .collect();
    std::fs::write(dir.path().join("fleet.txt"), urls.join("\n")).unwrap();
    let args = ["migrate", "--urls-from", "fleet.txt", "--jobs", "4", "up"];
    let mut child = Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut done_before = 0;
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        if line.unwrap().starts_with("ok ") {
            done_before += 1;
        }
        if done_before == KILL_AFTER {
            child.kill().unwrap(); // SIGKILL, with up to 4 databases in flight
            break;
        }
    }
    child.wait().unwrap();
    assert_eq!(done_before, KILL_AFTER);

    // Each database has its migration whole or not at all.
    let (mut migrated, mut untouched) = (0, 0);
    for url in &urls {
        let path = url
            .trim_start_matches("sqlite://")
            .trim_end_matches("?mode=rwc");
        if !Path::new(path).exists() {
            untouched += 1;
            continue;
        }
        let case = Case {
            backend: Backend::Sqlite,
            url: url.clone(),
            db: fsync::db::connect(url).await.unwrap(),
            server: None,
        };
        let ours = case
            .tables()
            .await
            .iter()
            .filter(|t| TABLES.contains(&t.as_str()))
            .count();
        match ours {
            0 => untouched += 1,
            _ => {
                assert_eq!(ours, TABLES.len(), "{url}");
                assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
                migrated += 1;
            }
        }
        case.close().await;
    }
    assert!(
        migrated >= KILL_AFTER && untouched > 0,
        "{migrated} migrated, {untouched} untouched"
    );

    let out = fsync(dir.path(), &args);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!(
            "{FILES} database(s): {} changed, {migrated} had nothing to do, 0 failed",
            FILES - migrated
        )),
        "{stdout}"
    );
    for url in &urls {
        let db = fsync::db::connect(url).await.unwrap();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM seaql_migrations".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 1, "{url}");
        db.close().await.unwrap();
    }
    eprintln!(
        "fleet of {FILES}: killed after {KILL_AFTER} reported, {migrated} migrated then; the rerun did the other {}",
        FILES - migrated
    );
}

#[tokio::test(flavor = "multi_thread")]
#[needs(postgres)]
async fn runners_through_pgbouncer_apply_each_migration_once() {
    use common::topology::PgBouncer;
    let Ok(server) = std::env::var("FSYNC_TEST_POSTGRES_URL") else {
        eprintln!("skipping PgBouncer: FSYNC_TEST_POSTGRES_URL is not set");
        return;
    };
    const RUNNERS: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let name_of = |case: &Case| case.url.rsplit('/').next().unwrap().to_owned();

    // sqlx's startup parameter, refused by a PgBouncer not told to ignore it.
    let strict = PgBouncer::start(&server, "transaction", false);
    let out = fsync(
        dir.path(),
        &["migrate", "-u", &strict.url("postgres"), "status"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot connect to 127.0.0.1:{}", strict.port))
            && stderr.contains(
                "add `ignore_startup_parameters = extra_float_digits` to its `[pgbouncer]` section"
            ),
        "{stderr}"
    );
    drop(strict);

    let mut runs = 0;
    for (mode, rounds) in [("transaction", 5), ("session", 2)] {
        let bouncer = PgBouncer::start(&server, mode, true);
        let case = one_case(Backend::Postgres, &format!("bouncer_{mode}"), dir.path())
            .await
            .unwrap();
        let url = bouncer.url(&name_of(&case));
        for round in 0..rounds {
            // Each round on an empty database (cheaper than a new one).
            case.exec("DROP SCHEMA public CASCADE").await;
            case.exec("CREATE SCHEMA public").await;
            let children: Vec<_> = (0..RUNNERS)
                .map(|_| {
                    Command::new(env!("CARGO_BIN_EXE_fsync"))
                        .args(["migrate", "-u", &url, "up"])
                        .env_remove("DATABASE_URL")
                        .stdin(Stdio::null())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            let mut applied = 0;
            for child in children {
                let out = common::finish(child, "a runner");
                let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
                assert!(
                    out.status.success(),
                    "{mode} round {round}: a runner failed:\n{stdout}{stderr}"
                );
                applied += lines_starting(&stdout, "applied m");
                runs += 1;
            }
            assert_eq!(applied, 1, "{mode} round {round}: applied once");
            assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
            let tables = case.tables().await;
            assert!(
                TABLES.iter().all(|t| tables.contains(&t.to_string())),
                "{tables:?}"
            );
            let status = fsync(dir.path(), &["migrate", "-u", &url, "status"]);
            assert!(
                text(&status.stdout).contains("1 applied, 0 pending"),
                "{}",
                text(&status.stderr)
            );
            if round == 0 {
                // What needs more than `up` is sent to the direct URL.
                let out = fsync(dir.path(), &["migrate", "-u", &url, "down", "--force"]);
                let stderr = text(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{stderr}");
                assert!(
                    stderr.contains(&format!(
                        "`down` through a pooler or proxy at 127.0.0.1:{}",
                        bouncer.port
                    )) && stderr.contains(
                        "run it with the server's direct URL, e.g. `postgres://postgres@"
                    ),
                    "{stderr}"
                );
                // Told it is a session, the runner takes its session lock.
                if mode == "session" {
                    let out = fsync(
                        dir.path(),
                        &[
                            "migrate", "-u", &url, "--pooler", "session", "down", "--force",
                        ],
                    );
                    assert!(out.status.success(), "{}", text(&out.stderr));
                    assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 0);
                }
            }
        }
        case.close().await;
    }
    eprintln!("PgBouncer: {runs} runs, every one exited 0, each migration recorded once");
}

/// On a read-only server, what changes the database is refused before any
/// statement, naming the server; what reads works.
fn refuses_changes_and_answers_reads(dir: &Path, url: &str, server: &str) {
    for args in [
        &["up"][..],
        &["down", "--force"],
        &["fresh", "--force"],
        &["baseline", "--to", FIRST],
    ] {
        let mut all = vec!["migrate", "-u", url];
        all.extend_from_slice(args);
        let out = fsync(dir, &all);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("and the server is {server}"))
                && stderr.contains("nothing was")
                && stderr.contains("run it on the primary")
                && !stderr.contains("read-only transaction")
                && !stderr.contains("--read-only option"),
            "{args:?}: {stderr}"
        );
    }
    let out = fsync(dir, &["migrate", "-u", url, "status"]);
    assert!(
        text(&out.stdout).contains("1 applied, 0 pending"),
        "{}",
        text(&out.stderr)
    );
    let out = fsync(dir, &["diff", "-u", url]);
    assert!(
        out.status.success() && text(&out.stdout).contains("no drift"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let entities = tempfile::tempdir().unwrap();
    let out_dir = entities.path().join("entities").display().to_string();
    let out = fsync(dir, &["pull", "-u", url, "--out", &out_dir]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(Path::new(&out_dir).join("entry.rs").exists());
}

#[tokio::test(flavor = "multi_thread")]
#[needs(postgres, mysql)]
async fn read_only_replicas_refuse_changes_and_answer_reads() {
    use common::topology::{MariaDb, PgReplica, mariadb};
    let dir = tempfile::tempdir().unwrap();
    if let Ok(server) = std::env::var("FSYNC_TEST_POSTGRES_URL") {
        let case = one_case(Backend::Postgres, "replica", dir.path())
            .await
            .unwrap();
        assert!(case.run(dir.path(), &["up"]).status.success());
        let started = Instant::now();
        let replica = PgReplica::start(&server);
        eprintln!("PostgreSQL replica up in {:?}", started.elapsed());
        let url = replica.url(case.url.rsplit('/').next().unwrap());
        refuses_changes_and_answers_reads(
            dir.path(),
            &url,
            "a read-only replica (a hot standby: `pg_is_in_recovery()` is true)",
        );
        drop(replica);
        case.close().await;
    }
    if std::env::var("FSYNC_TEST_MYSQL_URL").is_ok() {
        let started = Instant::now();
        let server = MariaDb::start(&[]);
        eprintln!("MariaDB server up in {:?}", started.elapsed());
        mariadb(server.port, "CREATE DATABASE replica");
        let url = server.url("replica");
        let out = fsync(dir.path(), &["migrate", "-u", &url, "up"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        mariadb(server.port, "SET GLOBAL read_only = 1");
        let words = "a read-only server (`read_only` is on) at ";
        refuses_changes_and_answers_reads(dir.path(), &url, words);
        // root may write despite `read_only`: the refusal kept the tables.
        let tables = mariadb(
            server.port,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'replica'",
        );
        assert_eq!(tables, "5", "the three tables, the records and the journal");
    }
}

/// Counts on node `port`, once it applied what the cluster committed
/// (`wsrep_sync_wait`): records of `db`, its tables among [`TABLES`].
fn galera_state(port: u16, db: &str) -> (String, String) {
    use common::topology::mariadb;
    let synced = |sql: String| mariadb(port, &format!("SET SESSION wsrep_sync_wait = 1; {sql}"));
    let records = synced(format!("SELECT COUNT(*) FROM {db}.seaql_migrations"));
    let tables = synced(format!(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{db}' \
         AND table_name IN ('entry', 'sync_conduit', 'sync_generation')"
    ));
    (records, tables)
}

#[tokio::test(flavor = "multi_thread")]
#[needs(mysql)]
async fn galera_runners_on_different_nodes_apply_each_migration_once() {
    use common::topology::{Galera, mariadb};
    if std::env::var("FSYNC_TEST_MYSQL_URL").is_err() {
        eprintln!("skipping Galera: FSYNC_TEST_MYSQL_URL is not set (no MariaDB here)");
        return;
    }
    const RUNNERS: usize = 4;
    const ROUNDS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut cluster = Galera::start(3);
    eprintln!("Galera: 3 nodes synced in {:?}", started.elapsed());
    let ports: Vec<u16> = cluster.nodes.iter().map(|n| n.port).collect();
    let url = |node: usize, db: &str| format!("mysql://root@127.0.0.1:{}/{db}", ports[node]);

    let mut runs = 0;
    for round in 0..ROUNDS {
        let db = format!("galera{round}");
        mariadb(ports[0], &format!("CREATE DATABASE {db}"));
        // Runner i on node i % 3: two on one node, one on each other.
        let children: Vec<_> = (0..RUNNERS)
            .map(|i| {
                Command::new(env!("CARGO_BIN_EXE_fsync"))
                    .args(["migrate", "-u", &url((i + round) % 3, &db), "up"])
                    .env_remove("DATABASE_URL")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut applied = 0;
        for child in children {
            let out = common::finish(child, "a runner");
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            assert!(
                out.status.success(),
                "round {round}: a runner failed:\n{stdout}{stderr}"
            );
            applied += lines_starting(&stdout, "applied m");
            runs += 1;
        }
        assert_eq!(applied, 1, "round {round}: applied once in the cluster");
        for port in &ports {
            assert_eq!(
                galera_state(*port, &db),
                ("1".into(), "3".into()),
                "node {port}"
            );
        }
    }

    // A node killed mid-migration; a rerun on another node takes over its
    // lock row and finishes what the journal says.
    mariadb(ports[0], "CREATE DATABASE galera_kill");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(["migrate", "-u", &url(1, "galera_kill"), "up"])
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the migration started: its journal row is there.
    let started_migration = "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = 'galera_kill' AND table_name = 'fsync_schema_journal'";
    let journal_row = "SELECT COUNT(*) FROM galera_kill.fsync_schema_journal";
    let wait = Instant::now();
    while !(mariadb(ports[0], started_migration) == "1" && mariadb(ports[0], journal_row) == "1") {
        assert!(
            wait.elapsed() < Duration::from_secs(20),
            "the migration never started"
        );
    }
    cluster.nodes[1].kill();
    child.wait().unwrap();
    let synced_row = format!("SET SESSION wsrep_sync_wait = 1; {journal_row}");
    assert_eq!(
        mariadb(ports[0], &synced_row),
        "1",
        "killed mid-migration: the journal row stays"
    );
    let out = fsync(dir.path(), &["migrate", "-u", &url(2, "galera_kill"), "up"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "the rerun failed:\n{stdout}{stderr}");
    assert!(
        stderr.contains("took over the migration lock of connection")
            && stderr.contains("on Galera node node2"),
        "{stderr}"
    );
    for port in [ports[0], ports[2]] {
        assert_eq!(
            galera_state(port, "galera_kill"),
            ("1".into(), "3".into()),
            "node {port}"
        );
        assert_eq!(
            mariadb(
                port,
                "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM galera_kill.fsync_schema_journal"
            ),
            "0"
        );
        assert_eq!(
            mariadb(
                port,
                "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM galera_kill.fsync_schema_lock"
            ),
            "0"
        );
    }
    assert!(
        stderr.contains(
            "repaired `m20250315_000001_create_sync_tables`, left half-run (up) by a killed runner"
        ),
        "{stderr}"
    );
    let repaired = stderr
        .lines()
        .find(|l| l.starts_with("repaired"))
        .unwrap_or("nothing to repair");
    eprintln!(
        "Galera: {runs} runs over 3 nodes, every one exited 0, each migration recorded once; \
         node 2 killed mid-migration, the rerun on node 3: {repaired}; \
         {:?} in all",
        started.elapsed()
    );
}
