//! The file-sync core's tables, one annotated struct each (FSYNC-002).
//!
//! Declaring a module here registers it: `schema()` lists its table, and
//! `cargo xtask gen-migration` writes the migration that builds it.

pub mod types;

fsync_schema::entities! {
    pub mod entry;
    pub mod sync_conduit;
    pub mod sync_generation;
}

pub use types::{EntryKind, Interval, Schedule, SyncMode, VerificationStatus};
