//! The documented workflow on the three backends: a field added in the middle
//! of a struct, the migration generated from it, applied, then `diff`: no
//! drift, and the column order, which `ADD COLUMN` cannot keep, only as a note.

mod common;

use fsync_schema::migration::{Direction, apply};
use fsync_schema::{Backend, Column, ColumnType, DefaultValue, Schema, changes};
use fsync_schema_cli::diff::drift;
use fsync_test_macros::each_backend;
use sea_orm_migration::SchemaManager;
use std::time::Duration;

/// The file-sync entities with two fields added mid-struct, as a user would.
fn with_new_fields() -> Schema {
    let mut schema = fsync::entities::schema();
    let conduit = schema
        .tables
        .iter_mut()
        .find(|t| t.name == "sync_conduit")
        .unwrap();
    conduit
        .columns
        .insert(2, Column::new("label", ColumnType::Text).nullable());
    let entry = schema
        .tables
        .iter_mut()
        .find(|t| t.name == "entry")
        .unwrap();
    entry.columns.insert(
        1,
        Column::new("revision", ColumnType::BigInt).default(DefaultValue::Int(0)),
    );
    schema
}

/// The column-order notes: the entities' order against the database's,
/// where added columns come last.
fn expected_notes(before: &Schema, after: &Schema) -> Vec<String> {
    let mut notes = Vec::new();
    for table in &after.tables {
        let old: Vec<&str> = before
            .table(&table.name)
            .unwrap()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let new: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let mut database = old.clone();
        database.extend(new.iter().filter(|c| !old.contains(c)));
        if database != new {
            notes.push(format!(
                "{}: column order is ({}) in the entities but ({}) in the database",
                table.name,
                new.join(", "),
                database.join(", ")
            ));
        }
    }
    assert_eq!(notes.len(), 2, "both changed tables");
    notes
}

async fn migrate(db: &sea_orm::DatabaseConnection, from: &Schema, to: &Schema) {
    let steps = changes::steps(from, to);
    assert!(!steps.is_empty());
    apply(&SchemaManager::new(db), &steps, Direction::Up)
        .await
        .unwrap();
}

#[each_backend]
async fn fields_added_mid_struct_then_migrated_leave_no_drift(backend: Backend) {
    let (before, after) = (fsync::entities::schema(), with_new_fields());
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = match backend {
        Backend::Sqlite => (fsync::db::sqlite_url(&dir.path().join("workflow.db")), None),
        _ => {
            let server = common::db(backend, "workflow").await;
            (server.url.clone(), Some(server))
        }
    };
    let db = fsync::db::connect(&url).await.unwrap();
    migrate(&db, &Schema::default(), &before).await;
    migrate(&db, &before, &after).await;
    db.close().await.unwrap();
    let found = drift(&url, &after, Duration::from_secs(10)).await.unwrap();
    assert_eq!(found.differences, vec![], "{}", backend.name());
    let notes: Vec<String> = found.notes.iter().map(ToString::to_string).collect();
    assert_eq!(notes, expected_notes(&before, &after), "{}", backend.name());
    if let Some(server) = server {
        server.drop_database().await;
    }
}
