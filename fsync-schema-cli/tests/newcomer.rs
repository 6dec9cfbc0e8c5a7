//! A newcomer's session, end to end, in a crate of their own: `cargo new`,
//! `fsync-schema init`, `fsync-schema pull` of Chinook, a build, then the
//! crate's own `schema` binary: `diff` (no drift), `gen-migration`,
//! `gen-migration --check`, `migrate up` on a fresh database and `migrate
//! baseline` on the database the entities came from.
//!
//! It builds a new crate and its dependencies from scratch (minutes of CPU
//! cold), so it is ignored by a plain `cargo test`; CI runs it with
//! `cargo test -p fsync-schema-cli --test newcomer -- --ignored`. The new
//! crate builds in `target/newcomer` (kept between runs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Output {
    Command::new(program.as_ref())
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("{:?} {args:?}: {e}", program.as_ref()))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(dir: &Path, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let out = run(dir, program, args);
    assert!(out.status.success(), "{args:?}:\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The new crate is built without debug information: what the test checks
/// does not need it, and the build is the test's cost.
const NO_DEBUG_INFO: [&str; 2] = ["--config", "profile.dev.debug=false"];

/// The workspace's target directory.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// Chinook's SQLite DDL loaded into a new file, through sqlx.
fn load_chinook(path: &Path) {
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fsync-schema/tests/data/chinook/sqlite.sql"),
    )
    .unwrap();
    let url = format!("sqlite://{}?mode=rwc", path.display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            use sea_orm::ConnectionTrait;
            let db = sea_orm::Database::connect(&url).await.unwrap();
            db.execute_unprepared(&script).await.unwrap();
            db.close().await.unwrap();
        });
}

#[test]
#[ignore = "builds a new crate from scratch (minutes of CPU cold); CI runs it with `-- --ignored`"]
fn init_pull_build_and_no_drift() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let tool = env!("CARGO_BIN_EXE_fsync-schema");
    let home = tempfile::tempdir().unwrap();
    ok(
        home.path(),
        &cargo,
        &["new", "--lib", "--vcs", "none", "--quiet", "blog"],
    );
    let blog = home.path().join("blog");

    let out = ok(&blog, tool, &["init", "--targets", "sqlite"]);
    assert!(
        out.starts_with("added to Cargo.toml: fsync-schema, fsync-schema-cli, sea-orm\n"),
        "{out}"
    );
    let again = ok(&blog, tool, &["init", "--targets", "sqlite"]);
    assert!(
        again.ends_with("nothing to do: the crate is set up already\n"),
        "{again}"
    );

    load_chinook(&blog.join("chinook.db"));
    let out = ok(
        &blog,
        tool,
        &["pull", "-u", "sqlite://chinook.db", "--out", "src/entities"],
    );
    assert!(out.contains("wrote src/entities/mod.rs\n"), "{out}");
    assert!(
        out.contains("11 entities from a sqlite database; review them, then build\n"),
        "{out}"
    );

    // The workspace's lock file, so the new crate resolves the versions tested here.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        blog.join("Cargo.lock"),
    )
    .unwrap();
    let target = target_dir().join("newcomer");
    let build = Command::new(&cargo)
        .args(["build", "--quiet", "--bin", "schema"])
        .args(NO_DEBUG_INFO)
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&blog)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the new crate builds:\n{}",
        text(&build)
    );
    let schema = target.join("debug/schema");

    let diff = ok(&blog, &schema, &["diff", "-u", "sqlite://chinook.db"]);
    assert!(
        diff.ends_with("no drift: the database matches the entities\n"),
        "{diff}"
    );
    let generated = ok(&blog, &schema, &["gen-migration", "--name", "initial"]);
    assert!(
        generated.contains("  create table `PlaylistTrack`\n"),
        "{generated}"
    );
    let migration = std::fs::read_dir(blog.join("src/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.ends_with("_initial.rs"))
        .expect("the first migration");
    let migration = migration.trim_end_matches(".rs").to_owned();

    // The binary built before the migration existed: rebuilt, as the newcomer would.
    let build = Command::new(&cargo)
        .args(["build", "--quiet", "--bin", "schema"])
        .args(NO_DEBUG_INFO)
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&blog)
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", text(&build));
    let check = ok(&blog, &schema, &["gen-migration", "--check"]);
    assert_eq!(check, "migrations are up to date (1 migration(s))\n");
    let up = ok(&blog, &schema, &["migrate", "up"]);
    assert!(
        up.ends_with("applied 1; 1 of 1 migration(s) applied\n"),
        "{up}"
    );
    let diff = ok(&blog, &schema, &["diff"]);
    assert!(
        diff.ends_with("no drift: the database matches the entities\n"),
        "{diff}"
    );
    let baseline = ok(
        &blog,
        &schema,
        &[
            "migrate",
            "-u",
            "sqlite://chinook.db",
            "baseline",
            "--to",
            &migration,
        ],
    );
    assert!(
        baseline.ends_with(&format!("recorded {migration} as applied (not run)\n")),
        "{baseline}"
    );
}
