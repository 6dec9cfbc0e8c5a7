//! `pull` on a real public schema, Chinook (`tests/data/chinook/`), per backend:
//!
//! - what `pull` writes is the committed `tests/chinook/<backend>/` (which this
//!   file compiles, so the pulled entities build); regenerate with
//!   `FSYNC_PULL_OVERWRITE=1 cargo test -p fsync-schema --features pull --test chinook`
//!   (with both server URLs set);
//! - the database shows no drift from the pulled entities;
//! - the entities' DDL applied to a fresh database gives the same catalogue;
//! - the table the derive builds from each pulled entity is the one `pull`
//!   planned ([`pull::Entity::derived_table`]);
//! - SeaORM works through the pulled entities: rows written and read by
//!   field, filtered by `Column` (the real column names, `AlbumId` on SQLite
//!   and MariaDB), joined by relation, decimals kept exact.
//!
//! SQLite always runs; PostgreSQL and MariaDB when `FSYNC_TEST_POSTGRES_URL` /
//! `FSYNC_TEST_MYSQL_URL` are set.
#![cfg(feature = "pull")]

mod common;

#[path = "chinook/hostile/mod.rs"]
mod hostile_entities;
#[path = "chinook/mysql/mod.rs"]
mod mysql_entities;
#[path = "chinook/postgres/mod.rs"]
mod postgres_entities;
#[path = "chinook/sqlite/mod.rs"]
mod sqlite_entities;

use common::{TestDb, server_url};
use fsync_schema::compare::{Sides, compare_with};
use fsync_schema::{Backend, Schema, introspect, pull};
use fsync_test_macros::{each_backend, needs};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use std::path::{Path, PathBuf};

/// How the fixtures are made (it goes into their headers).
const COMMAND: &str =
    "FSYNC_PULL_OVERWRITE=1 cargo test -p fsync-schema --features pull --test chinook";

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/chinook")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_dir(backend: Backend) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/chinook")
        .join(backend.name())
}

/// The Chinook script for `backend`: MariaDB gets the SQLite one with
/// backticks for brackets.
fn script(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => data("sqlite.sql"),
        Backend::Postgres => data("postgres.sql"),
        Backend::MySql => data("sqlite.sql").replace(['[', ']'], "`"),
    }
}

/// Runs a script of `;`-separated statements on one connection; MySQL's
/// foreign-key checks are off meanwhile (tables reference later ones).
async fn load(db: &TestDb, script: &str) {
    let txn = db.db.begin().await.expect("begin");
    let run = |sql: String| {
        let txn = &txn;
        async move {
            txn.execute_raw(Statement::from_string(txn.get_database_backend(), &sql))
                .await
                .unwrap_or_else(|e| panic!("{e}\n  in: {sql}"));
        }
    };
    if db.backend == Backend::MySql {
        run("SET FOREIGN_KEY_CHECKS = 0".into()).await;
    }
    let code: String = script
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in code.split(';') {
        if !statement.trim().is_empty() {
            run(statement.to_owned()).await;
        }
    }
    if db.backend == Backend::MySql {
        run("SET FOREIGN_KEY_CHECKS = 1".into()).await;
    }
    txn.commit().await.expect("commit");
}

/// Compares the pulled files with the fixture, or rewrites the fixture
/// when `FSYNC_PULL_OVERWRITE` is set.
fn check_fixture(backend: Backend, pulled: &pull::Pulled) {
    check_fixture_in(&fixture_dir(backend), pulled);
}

fn check_fixture_in(dir: &Path, pulled: &pull::Pulled) {
    let dir = dir.to_owned();
    if std::env::var_os("FSYNC_PULL_OVERWRITE").is_some() {
        pull::write(&dir, pulled, false).expect("write the fixture");
        return;
    }
    let mut stale = Vec::new();
    for (name, contents) in &pulled.files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale pulled fixtures (run `{COMMAND}`): {stale:?}"
    );
}

/// Rows through the pulled entities of module `$entities`, on `$db`.
macro_rules! crud {
    ($entities:ident, $db:expr) => {{
        use sea_orm::prelude::Decimal;
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set};
        use $entities::{album, artist, media_type, track};
        let db = $db;
        artist::ActiveModel {
            artist_id: Set(1),
            name: Set(Some("AC/DC".into())),
        }
        .insert(db)
        .await
        .expect("insert artist");
        album::ActiveModel {
            album_id: Set(1),
            title: Set("Back in Black".into()),
            artist_id: Set(1),
        }
        .insert(db)
        .await
        .expect("insert album");
        media_type::ActiveModel {
            media_type_id: Set(1),
            name: Set(None),
        }
        .insert(db)
        .await
        .expect("insert media type");
        let price = Decimal::new(99, 2);
        track::ActiveModel {
            track_id: Set(1),
            name: Set("Hells Bells".into()),
            album_id: Set(Some(1)),
            media_type_id: Set(1),
            genre_id: Set(None),
            composer: Set(None),
            milliseconds: Set(312_000),
            bytes: Set(None),
            unit_price: Set(price),
        }
        .insert(db)
        .await
        .expect("insert track");
        let tracks = track::Entity::find()
            .filter(track::Column::UnitPrice.eq(price))
            .filter(track::Column::AlbumId.eq(1))
            .all(db)
            .await
            .expect("select tracks");
        assert_eq!(tracks.len(), 1);
        assert_eq!(tracks[0].unit_price, price);
        let albums = tracks[0]
            .find_related(album::Entity)
            .all(db)
            .await
            .expect("album of the track");
        assert_eq!(albums[0].title, "Back in Black");
        let by_album = albums[0]
            .find_related(track::Entity)
            .all(db)
            .await
            .expect("tracks of the album");
        assert_eq!(by_album, tracks);
    }};
}

async fn chinook(backend: Backend, entities: Schema) -> Option<TestDb> {
    let url = server_url(backend)?;
    let source = TestDb::fresh(backend, &url, "chinook")
        .await
        .expect("database");
    load(&source, &script(backend)).await;

    let pulled = pull::pull(&source.db, COMMAND).await.expect("pull");
    assert_eq!(pulled.files.len(), 12, "11 tables and mod.rs");
    check_fixture(backend, &pulled);

    // The derive builds what `pull` planned.
    let read = introspect::schema(&source.db).await.expect("introspect");
    let planned = Schema::new(
        pull::plan(&read, backend)
            .expect("plan")
            .iter()
            .map(pull::Entity::derived_table),
    );
    let sides = Sides::new("planned", "derived");
    let differences = compare_with(
        &introspect::as_introspected(&planned, backend),
        &introspect::as_introspected(&entities, backend),
        &sides,
    );
    assert!(differences.is_empty(), "{differences:#?}");

    // No drift between the database and its pulled entities.
    let drift = introspect::drift(&source.db, &entities)
        .await
        .expect("drift");
    assert!(drift.is_empty(), "{} drift: {drift:#?}", backend.name());

    // The entities' DDL builds the same catalogue.
    let rebuilt = TestDb::fresh(backend, &url, "chinook_rebuilt")
        .await
        .expect("database");
    rebuilt
        .apply(&entities)
        .await
        .expect("apply the pulled DDL");
    let again = introspect::schema(&rebuilt.db).await.expect("introspect");
    let differences = compare_with(
        &introspect::as_introspected(&read, backend),
        &introspect::as_introspected(&again, backend),
        &Sides::new("chinook", "rebuilt"),
    );
    assert!(
        differences.is_empty(),
        "{} catalogue: {differences:#?}",
        backend.name()
    );
    rebuilt.close().await.expect("drop");
    Some(source)
}

#[tokio::test]
async fn chinook_sqlite() {
    if let Some(db) = chinook(Backend::Sqlite, sqlite_entities::schema()).await {
        crud!(sqlite_entities, &db.db);
        db.close().await.expect("drop");
    }
}

#[tokio::test]
#[needs(postgres)]
async fn chinook_postgres() {
    if let Some(db) = chinook(Backend::Postgres, postgres_entities::schema()).await {
        crud!(postgres_entities, &db.db);
        db.close().await.expect("drop");
    }
}

#[tokio::test]
#[needs(mysql)]
async fn chinook_mysql() {
    if let Some(db) = chinook(Backend::MySql, mysql_entities::schema()).await {
        crud!(mysql_entities, &db.db);
        db.close().await.expect("drop");
    }
}

/// CHECK constraints come through `pull` (Chinook has none): read with their
/// names and the expression as the database keeps it, written as
/// `check(expr = .., name = ..)`, and the pulled model builds the same
/// CHECKs again. MariaDB's own `json_valid` CHECK of a JSON column is left out.
#[each_backend(postgres, mysql)]
async fn pull_carries_check_constraints(backend: Backend) {
    let url = server_url(backend).unwrap();
    let source = TestDb::fresh(backend, &url, "checks")
        .await
        .expect("database");
    let (numeric, json) = match backend {
        Backend::Postgres => ("NUMERIC(10,2)", "JSONB"),
        _ => ("DECIMAL(10,2)", "JSON"),
    };
    common::execute(
        &source.db,
        &format!(
            "CREATE TABLE invoice (id INTEGER PRIMARY KEY, total {numeric} NOT NULL, \
             status VARCHAR(10) NOT NULL, doc {json}, \
             CONSTRAINT invoice_total_positive CHECK (total >= 0), \
             CONSTRAINT invoice_status CHECK (status IN ('open', 'paid')))"
        ),
    )
    .await
    .expect("create");
    let checks = introspect::checks(&source.db).await.expect("checks");
    let names: Vec<_> = checks
        .iter()
        .map(|(table, check)| (table.as_str(), check.name.as_deref().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("invoice", "invoice_status"),
            ("invoice", "invoice_total_positive")
        ],
        "{}: {checks:?}",
        backend.name()
    );

    let pulled = pull::pull(&source.db, COMMAND).await.expect("pull");
    let (_, file) = pulled
        .files
        .iter()
        .find(|(name, _)| name == "invoice.rs")
        .expect("invoice.rs");
    assert!(
        file.contains("check(expr = ") && file.contains("name = \"invoice_total_positive\""),
        "{file}"
    );

    let mut read = introspect::schema(&source.db).await.expect("introspect");
    read.tables[0]
        .checks
        .extend(checks.iter().map(|(_, c)| c.clone()));
    let planned = Schema::new(
        pull::plan(&read, backend)
            .expect("plan")
            .iter()
            .map(pull::Entity::derived_table),
    );
    let rebuilt = TestDb::fresh(backend, &url, "checks_rebuilt")
        .await
        .expect("database");
    rebuilt.apply(&planned).await.expect("apply the pulled DDL");
    // The same names; the expressions as the server rewrites them (not
    // always its own text again: PostgreSQL turns `ARRAY[..]::text[]`
    // into `ARRAY[..::text]`), so their meaning is tried by rows.
    let again = introspect::checks(&rebuilt.db).await.expect("checks");
    let names_again: Vec<_> = again
        .iter()
        .map(|(table, check)| (table.as_str(), check.name.as_deref().unwrap()))
        .collect();
    assert_eq!(names_again, names, "{}", backend.name());
    for (row, holds) in [
        ("(1, 10, 'open')", true),
        ("(2, -1, 'open')", false),
        ("(3, 10, 'void')", false),
    ] {
        let insert = format!("INSERT INTO invoice (id, total, status) VALUES {row}");
        let result = common::execute(&rebuilt.db, &insert).await;
        assert_eq!(result.is_ok(), holds, "{}: {insert}", backend.name());
    }
    rebuilt.close().await.expect("drop");
    source.close().await.expect("drop");
}

/// Legal names no Rust item can take as they are (`tests/data/hostile.sql`:
/// keywords, `a1` and `a_1`, unicode, quotes, a table `mod`): `pull` writes
/// `tests/chinook/hostile/`, which this file compiles; the database shows
/// no drift from it, and SeaORM reads through it.
#[tokio::test]
async fn hostile_names_pull_into_entities_that_build() {
    let source = TestDb::fresh(Backend::Sqlite, "sqlite::memory:", "hostile")
        .await
        .expect("database");
    load(&source, &data("../hostile.sql")).await;
    let pulled = pull::pull(&source.db, COMMAND).await.expect("pull");
    let names: Vec<&str> = pulled.files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["self_2.rs", "caf_ue9.rs", "mod_2.rs", "self_3.rs", "mod.rs"],
        "one file per table, none of them `mod.rs` but the registration"
    );
    check_fixture_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/chinook/hostile"),
        &pulled,
    );
    let drift = introspect::drift(&source.db, &hostile_entities::schema())
        .await
        .expect("drift");
    assert!(drift.is_empty(), "{drift:#?}");
    hostile_tests::read_rows(&source.db).await;
    source.close().await.expect("drop");
}

#[rustfmt::skip]
mod hostile_tests {
    /// Rows written and read through the pulled entities (real column names).
    pub async fn read_rows(db: &sea_orm::DatabaseConnection) {
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        use super::hostile_entities::mod_2;
        mod_2::ActiveModel {
            id: Set(1),
            self_2: Set(Some("me".into())),
            a1: Set(Some(1)),
            a_1_2: Set(Some(2)),
            a_ub2: Set(Some(4)),
            r#type: Set(None),
            crate_: Set(None),
            c_: Set(None),
            c_1st: Set(None),
            with_quote: Set(Some("\"".into())),
        }
        .insert(db)
        .await
        .expect("insert");
        let found = mod_2::Entity::find()
            .filter(mod_2::Column::AUb2.eq(4))
            .all(db)
            .await
            .expect("select");
        assert_eq!(found[0].a_1_2, Some(2));
    }
}
