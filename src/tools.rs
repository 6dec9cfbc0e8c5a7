//! The schema tools of this repository: fsync-schema's command set bound to
//! the file-sync entities and migrations. `cargo xtask <command>` and
//! `cargo run --bin fsync -- <command>` both run it.

use fsync_schema_cli::Project;

/// The file-sync project: entities in `src/entities`, migrations in
/// `src/migrations`, the spec's SQL in `docs/`, the embedded database
/// `./fsync.db`.
pub fn project() -> Project {
    Project::new(env!("CARGO_MANIFEST_DIR"), crate::entities::schema)
        .migrator(crate::migrations::Migrator)
        .invoked_as("cargo xtask")
        .docs_file("docs/schema/file-sync.md")
        .embedded_database("fsync.db")
}
