//! `fsync migrate` as a deploy runs it, on SQLite files, PostgreSQL and
//! MariaDB (the servers where `FSYNC_TEST_POSTGRES_URL` /
//! `FSYNC_TEST_MYSQL_URL` are set): several runners at once, a runner killed
//! half-way, bad input, read-only status, data that destructive commands
//! must not drop unasked, dry runs. Every runner is a process of the real
//! binary; each test case gets a database of its own.

mod common;

use fsync_schema::Backend;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FIRST: &str = "m20250315_000001_create_sync_tables";
const TABLES: [&str; 3] = ["entry", "sync_conduit", "sync_generation"];

fn fsync(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fsync"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("the fsync binary runs")
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

/// A SQLite file in `dir`, then a fresh PostgreSQL and MariaDB database
/// where configured.
async fn cases(test: &str, dir: &Path) -> Vec<Case> {
    let path = dir.join(format!("{test}.db"));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut out = vec![Case {
        backend: Backend::Sqlite,
        db: fsync::db::connect(&url).await.expect("sqlite file"),
        url,
        server: None,
    }];
    for server in common::servers(test).await {
        out.push(Case {
            backend: server.backend,
            url: server.url.clone(),
            db: server.db.clone(),
            server: Some(server),
        });
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn four_runners_at_once_apply_each_migration_once() {
    const RUNNERS: usize = 4;
    const ROUNDS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    for round in 0..ROUNDS {
        for case in cases(&format!("concurrent{round}"), dir.path()).await {
            let children: Vec<_> = (0..RUNNERS)
                .map(|_| {
                    Command::new(env!("CARGO_BIN_EXE_fsync"))
                        .args(["migrate", "-u", &case.url, "up"])
                        .current_dir(dir.path())
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
                let out = child.wait_with_output().unwrap();
                let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
                assert!(
                    out.status.success(),
                    "{:?} round {round}: a runner failed:\n{stdout}{stderr}",
                    case.backend
                );
                applied += stdout
                    .lines()
                    .filter(|l| l.starts_with("applied m"))
                    .count();
            }
            assert_eq!(applied, 1, "{:?} round {round}: applied once", case.backend);
            assert_eq!(case.count("SELECT COUNT(*) FROM seaql_migrations").await, 1);
            for table in TABLES {
                assert!(case.tables().await.contains(&table.to_owned()));
            }
            case.close().await;
        }
    }
}

/// Holds the migration lock the way another runner would.
async fn hold_lock(case: &Case) -> DatabaseConnection {
    let holder = fsync::db::connect(&case.url).await.unwrap();
    let sql = match case.backend {
        // The keys of `fsync_schema::migration`'s lock.
        Backend::Postgres => {
            "SELECT pg_advisory_lock(1718843758, hashtext(current_schema()) & 2147483647)::text"
        }
        Backend::MySql => {
            "SELECT GET_LOCK(LEFT(CONCAT('fsync_schema.migrate.', DATABASE()), 64), 5)"
        }
        Backend::Sqlite => "BEGIN IMMEDIATE",
    };
    // A pool of one connection (SQLite) keeps the transaction; on the
    // servers the lock stays with the pool's only open connection.
    holder
        .query_all_raw(Statement::from_string(
            holder.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap();
    holder
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_lock_is_announced_waited_for_and_given_up_on() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("held_lock", dir.path()).await {
        let holder = hold_lock(&case).await;
        let started = Instant::now();
        let out = case.run(dir.path(), &["--lock-timeout", "1", "up"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{:?}: {stderr}", case.backend);
        assert!(
            stderr.contains("waiting for the migration lock held by "),
            "{:?}: {stderr}",
            case.backend
        );
        assert!(stderr.contains("gave up waiting"), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            !case
                .tables()
                .await
                .iter()
                .any(|t| TABLES.contains(&t.as_str())),
            "{:?}: nothing was migrated",
            case.backend
        );
        holder.close().await.unwrap();
        let out = case.run(dir.path(), &["up"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains(&format!("applied {FIRST}")));
        case.close().await;
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
    let mut found = None;
    for server in common::servers(tag).await {
        if server.backend == backend {
            found = Some(server);
        } else {
            server.drop_database().await;
        }
    }
    let server = found?;
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
async fn mariadb_up_killed_at_any_point_is_repaired_by_the_next_run() {
    // Timed kills land mid-statement too, which the failpoint sweep below
    // (every round trip, deterministic) does not; a few are enough beside it.
    kill_loop(Backend::MySql, 8).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_and_postgres_up_killed_leave_nothing_or_everything() {
    kill_loop(Backend::Sqlite, 4).await;
    kill_loop(Backend::Postgres, 4).await;
}

/// A MariaDB database as a killed runner leaves it, journal row and all.
#[tokio::test(flavor = "multi_thread")]
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
    // The servers: no table is made.
    for case in common::servers("status_read_only").await {
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
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_applied_migrations_are_listed_and_block_changes() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("unknown", dir.path()).await {
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
}

#[tokio::test(flavor = "multi_thread")]
async fn destructive_commands_refuse_while_rows_would_be_dropped() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("refuse", dir.path()).await {
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
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_runs_print_the_sql_in_order_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("dry_run", dir.path()).await {
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
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_statement_is_named_and_nothing_is_left_half_done() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("failing", dir.path()).await {
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
        command.output().expect("the fsync binary runs")
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
async fn postgres_killed_at_round_trips_recovers() {
    fault_sweeps(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_killed_at_round_trips_recovers() {
    fault_sweeps(Backend::MySql).await;
}

/// A user table with a foreign key into a migrated table: `fresh --force`
/// refuses before dropping anything and names it; a user's index on a
/// migrated table is named as it goes with the table.
#[tokio::test(flavor = "multi_thread")]
async fn fresh_refuses_dependents_and_names_user_indexes() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("dependents", dir.path()).await {
        let backend = case.backend;
        assert!(case.run(dir.path(), &["up"]).status.success());
        case.insert_entry().await;
        case.exec("CREATE TABLE user_refs (id INTEGER PRIMARY KEY, entry_id INTEGER REFERENCES entry (id))")
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
}

/// MariaDB: a `fresh` killed half-way is journaled, shown by `status`, and
/// finished by the next `up`; a journal row that says every step ran while
/// the tables are missing is refused, not recorded.
#[tokio::test(flavor = "multi_thread")]
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
#[tokio::test(flavor = "multi_thread")]
async fn runner_tables_are_not_the_users() {
    let dir = tempfile::tempdir().unwrap();
    for case in cases("runner_tables", dir.path()).await {
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
}

/// Lock waits are bounded by `--lock-timeout` and named. PostgreSQL: while
/// another session holds `LOCK TABLE entry IN ACCESS EXCLUSIVE MODE`, `diff`
/// and `down` give up after the lock timeout saying why, `status` does not
/// hang, and a runner killed while it waits leaves no session holding the
/// migration lock. SQLite: while another connection holds `BEGIN
/// EXCLUSIVE`, the commands say they wait, wait up to `--lock-timeout`,
/// then give up, or go on once the lock is released.
#[tokio::test(flavor = "multi_thread")]
async fn lock_waits_are_bounded_named_and_end_with_their_runner() {
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
    if let Some(case) = one_case(Backend::Postgres, "pg_locks", dir.path()).await {
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
    let out = waiting.wait_with_output().unwrap();
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
        let out = Command::new(env!("CARGO_BIN_EXE_fsync"))
            .args(["migrate", "-u", &url, "up"])
            .env("FSYNC_FAILPOINT", n.to_string())
            .output()
            .unwrap();
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
