//! Constraints declared without a name get one from `fsync_schema::naming`
//! when render creates them, so that later migration steps find them by that
//! name: on SQLite, PostgreSQL and MariaDB a table is created with an unnamed
//! CHECK and an unnamed UNIQUE, the CHECK is dropped and added again, the
//! table is renamed (its constraints follow), the CHECK and the UNIQUE are
//! dropped under the new name, and everything is undone step by step.

mod common;

use fsync_schema::migration::{Direction, apply};
use fsync_schema::{Action, Backend, Check, Column, ColumnType, ForeignKey, Schema, Step, Table};
use fsync_test_macros::each_backend;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use sea_orm_migration::SchemaManager;

fn site() -> Table {
    Table::new("site")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("name", ColumnType::String(40)))
        .primary_key(["id"])
}

fn gauge(name: &str) -> Table {
    Table::new(name)
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("site_id", ColumnType::Integer))
        .with_column(Column::new("code", ColumnType::String(20)))
        .with_column(Column::new("level", ColumnType::Integer))
        .primary_key(["id"])
        .unique(None, ["code"])
        .foreign_key(ForeignKey::new(["site_id"], "site", ["id"]).on_delete(Action::Cascade))
        .check(None, "level >= 0")
}

/// The versions, each with what a test row may now do.
fn versions() -> Vec<(&'static str, Schema)> {
    let created = Schema::new([site(), gauge("gauge")]);
    let mut unchecked = created.clone();
    unchecked.tables[1].checks.clear();
    let checked_again = created.clone();
    let mut renamed = created.clone();
    renamed.tables[1].name = "meter".into();
    renamed.tables[1].renamed_from = Some("gauge".into());
    let mut bare = renamed.clone();
    bare.tables[1].renamed_from = None;
    bare.tables[1].checks.clear();
    bare.tables[1].uniques.clear();
    vec![
        ("create with an unnamed CHECK and UNIQUE", created),
        ("drop the CHECK", unchecked),
        ("add the CHECK again", checked_again),
        ("rename the table", renamed),
        ("drop the CHECK and the UNIQUE of the renamed table", bare),
    ]
}

/// Applies `steps` as a generated migration does (SQLite with foreign keys off,
/// in a transaction where DDL is transactional).
async fn migrate(db: &DatabaseConnection, backend: Backend, steps: &[Step], direction: Direction) {
    let sqlite = backend == Backend::Sqlite;
    if sqlite {
        common::exec(db, "PRAGMA foreign_keys = OFF").await;
    }
    let result = if backend == Backend::MySql {
        apply(&SchemaManager::new(db), steps, direction).await
    } else {
        let txn = db.begin().await.unwrap();
        let result = apply(&SchemaManager::new(&txn), steps, direction).await;
        txn.commit().await.unwrap();
        result
    };
    if sqlite {
        common::exec(db, "PRAGMA foreign_keys = ON").await;
    }
    result.unwrap_or_else(|e| panic!("{}: {direction:?}: {e}", backend.name()));
}

/// Whether a row that breaks the CHECK (a negative level) and one that
/// breaks the UNIQUE (a second `code`) are refused by `table`.
async fn refuses(db: &DatabaseConnection, table: &str, n: i32) -> (bool, bool) {
    let backend = db.get_database_backend();
    let q = |name: &str| match backend {
        sea_orm::DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let insert = |code: String, level: i32| {
        Statement::from_string(
            backend,
            format!(
                "INSERT INTO {} ({}, {}, {}) VALUES (1, '{code}', {level})",
                q(table),
                q("site_id"),
                q("code"),
                q("level")
            ),
        )
    };
    let negative = db.execute_raw(insert(format!("neg{n}"), -1)).await.is_err();
    db.execute_raw(insert(format!("dup{n}"), 1)).await.unwrap();
    let duplicate = db.execute_raw(insert(format!("dup{n}"), 1)).await.is_err();
    // Leave no row that a CHECK or UNIQUE added later would refuse.
    let clear = format!("DELETE FROM {}", q(table));
    db.execute_raw(Statement::from_string(backend, clear))
        .await
        .unwrap();
    (negative, duplicate)
}

async fn run(backend: Backend, db: &DatabaseConnection) {
    let versions = versions();
    let mut current = Schema::default();
    let mut steps_per_version = Vec::new();
    for (n, (what, target)) in versions.iter().enumerate() {
        let steps = fsync_schema::changes::steps(&current, target);
        assert!(!steps.is_empty(), "{what}: no steps");
        migrate(db, backend, &steps, Direction::Up).await;
        if n == 0 {
            common::exec(db, "INSERT INTO site (name) VALUES ('north')").await;
        }
        let table = &target.tables[1];
        let (checked, unique) = (!table.checks.is_empty(), !table.uniques.is_empty());
        assert_eq!(
            refuses(db, &table.name, n as i32).await,
            (checked, unique),
            "{} after `{what}`: (CHECK, UNIQUE) enforced",
            backend.name()
        );
        let drift = fsync_schema::introspect::drift(db, target).await.unwrap();
        assert!(
            drift.is_empty(),
            "{} after `{what}`: {drift:#?}",
            backend.name()
        );
        steps_per_version.push(steps);
        current = target.clone();
    }
    // Down again, past the rename and the CHECK's return, to the first version.
    for steps in steps_per_version[1..].iter().rev() {
        migrate(db, backend, steps, Direction::Down).await;
    }
    let first = &versions[0].1;
    let drift = fsync_schema::introspect::drift(db, first).await.unwrap();
    assert!(
        drift.is_empty(),
        "{} after going down: {drift:#?}",
        backend.name()
    );
    let (checked, unique) = refuses(db, "gauge", 99).await;
    assert!(checked && unique, "{}: constraints back", backend.name());
}

#[each_backend]
async fn unnamed_checks_and_uniques_can_be_dropped_and_follow_a_renamed_table(backend: Backend) {
    assert!(
        fsync_schema::naming::check("gauge", &Check::new("level >= 0")).starts_with("ck_gauge_")
    );
    let test_db = common::db(backend, "constraint_names").await;
    run(test_db.backend, &test_db.db).await;
    test_db.drop_database().await;
}
