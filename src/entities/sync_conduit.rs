//! `sync_conduit`: a sync relationship between two directories (FSYNC-002).

use super::{Schedule, SyncMode};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A sync relationship between two directory entries.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "sync_conduit", index(name = "idx_sync_conduit_enabled", columns(enabled)))]
#[schema(has_many(super::sync_generation::conduit_id, relation = Generations))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique)]
    pub uuid: Uuid,

    // Endpoints: both must be entries of kind directory.
    #[schema(references = super::entry::id, on_delete = cascade)]
    pub source_entry_id: i32,
    #[schema(references = super::entry::id, on_delete = cascade)]
    pub target_entry_id: i32,

    // Configuration
    pub sync_mode: SyncMode,
    #[schema(default = true)]
    pub enabled: bool,
    #[schema(default = "manual")]
    pub schedule: Schedule,

    // Index settings
    #[schema(default = true)]
    pub use_index_rules: bool,
    pub index_mode_override: Option<String>,

    // Performance tuning
    #[schema(default = 3)]
    pub parallel_transfers: i32,
    pub bandwidth_limit_mbps: Option<i32>,

    // State tracking
    pub last_sync_completed_at: Option<DateTime<Utc>>,
    #[schema(default = 0)]
    pub sync_generation: i64,
    pub last_sync_error: Option<String>,

    // Statistics
    #[schema(default = 0)]
    pub total_syncs: i64,
    #[schema(default = 0)]
    pub files_synced: i64,
    #[schema(default = 0)]
    pub bytes_transferred: i64,

    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
