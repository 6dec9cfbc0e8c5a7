//! The contract: on SQLite, the entities' DDL and the generated migration
//! build exactly the schema that FSYNC-002's SQL builds, compared through
//! SQLite's own catalogue (PRAGMA table_xinfo, foreign_key_list, index_list,
//! index_info), not as strings.

mod common;

use fsync::migrations::Migrator;
use fsync_schema::catalogue::{self, Catalogue};
use fsync_schema::migration::{self, Command};
use fsync_schema::{Backend, render};

const SPEC_SQL: &str = include_str!("data/fsync-002.sql");
const SPEC_TABLES: [&str; 2] = ["sync_conduit", "sync_generation"];

async fn spec_catalogue() -> Catalogue {
    let spec = common::sqlite().await;
    for statement in SPEC_SQL.split(';').filter(|s| !s.trim().is_empty()) {
        let sql: String = statement
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        common::exec(&spec.db, &sql).await;
    }
    catalogue::read(&spec.db).await.unwrap()
}

fn assert_spec_tables(ours: &Catalogue, spec: &Catalogue) {
    for table in SPEC_TABLES {
        assert_eq!(
            ours.tables.get(table),
            spec.tables.get(table),
            "catalogue of `{table}` differs from the spec's"
        );
    }
}

#[tokio::test]
async fn entity_ddl_builds_the_spec_schema() {
    let ours = common::sqlite().await;
    for statement in render::schema_statements(&fsync::entities::schema(), Backend::Sqlite) {
        common::exec(&ours.db, &statement).await;
    }
    let ours = catalogue::read(&ours.db).await.unwrap();
    let spec = spec_catalogue().await;
    assert_spec_tables(&ours, &spec);
    // The details the issue names, spelled out.
    let conduit = &ours.tables["sync_conduit"];
    let id = &conduit.columns[0];
    assert_eq!(
        (id.declared_type.as_str(), id.not_null, id.pk),
        ("INTEGER", false, 1)
    );
    assert!(conduit.autoincrement);
    let enabled = conduit
        .columns
        .iter()
        .find(|c| c.name == "enabled")
        .unwrap();
    assert_eq!(enabled.default.as_deref(), Some("1"));
    let schedule = conduit
        .columns
        .iter()
        .find(|c| c.name == "schedule")
        .unwrap();
    assert_eq!(schedule.default.as_deref(), Some("'manual'"));
    assert_eq!(conduit.foreign_keys.len(), 2);
    assert!(
        conduit
            .foreign_keys
            .iter()
            .all(|fk| fk.table == "entry" && fk.on_delete == "CASCADE")
    );
    let generation = &ours.tables["sync_generation"];
    let index = generation
        .indexes
        .iter()
        .find(|i| i.name == "idx_sync_generation_conduit")
        .unwrap();
    assert_eq!(index.columns, ["conduit_id", "generation"]);
}

#[tokio::test]
async fn migrate_up_builds_the_spec_schema() {
    let ours = common::sqlite().await;
    migration::run::<Migrator>(&ours.db, Command::Up(None))
        .await
        .unwrap();
    let ours = catalogue::read(&ours.db).await.unwrap();
    assert_spec_tables(&ours, &spec_catalogue().await);
}

#[tokio::test]
async fn a_changed_spec_is_noticed() {
    // The comparison itself can fail: a spec with another default differs.
    let ours = common::sqlite().await;
    migration::run::<Migrator>(&ours.db, Command::Up(None))
        .await
        .unwrap();
    let ours = catalogue::read(&ours.db).await.unwrap();
    let other = common::sqlite().await;
    let changed = SPEC_SQL.replace("DEFAULT 3", "DEFAULT 4");
    for statement in changed.split(';').filter(|s| !s.trim().is_empty()) {
        let sql: String = statement
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        common::exec(&other.db, &sql).await;
    }
    let other = catalogue::read(&other.db).await.unwrap();
    assert_ne!(ours.tables["sync_conduit"], other.tables["sync_conduit"]);
    assert_eq!(
        ours.tables["sync_generation"],
        other.tables["sync_generation"]
    );
}

#[test]
fn schema_sql_command_prints_tables_in_foreign_key_order_then_indexes() {
    let sql = render::schema_sql(&fsync::entities::schema(), Backend::Sqlite)
        .expect("the schema targets SQLite");
    let position = |needle: &str| {
        sql.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(position("CREATE TABLE \"entry\"") < position("CREATE TABLE \"sync_conduit\""));
    assert!(
        position("CREATE TABLE \"sync_conduit\"") < position("CREATE TABLE \"sync_generation\"")
    );
    assert!(position("CREATE TABLE \"sync_generation\"") < position("CREATE INDEX"));
}
