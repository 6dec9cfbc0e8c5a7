//! The migration a SeaORM user writes by hand for FSYNC-002's tables:
//! `manager.create_table(Table::create()..)` and `manager.create_index(..)`,
//! `use_transaction` left at its default (none on SQLite: each statement
//! commits on its own). Declared types follow the spec's SQL (INTEGER, TEXT,
//! BLOB), so the database it builds is the one `fsync migrate up` builds (a
//! test compares the two catalogues).

use sea_orm_migration::prelude::*;

pub mod m20250315_000001_create_sync_tables;

/// The hand-written migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20250315_000001_create_sync_tables::Migration)]
    }
}
