//! `sync_generation`: one sync run of a conduit, for history and verification (FSYNC-002).

use super::VerificationStatus;
use chrono::{DateTime, Utc};

/// One sync operation of a conduit.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(
    table = "sync_generation",
    index(name = "idx_sync_generation_conduit", columns(conduit_id, generation))
)]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(references = super::sync_conduit::id, on_delete = cascade)]
    pub conduit_id: i32,
    pub generation: i64,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,

    // Operation summary
    #[schema(default = 0)]
    pub files_copied: i32,
    #[schema(default = 0)]
    pub files_deleted: i32,
    #[schema(default = 0)]
    pub conflicts_resolved: i32,
    #[schema(default = 0)]
    pub bytes_transferred: i64,
    #[schema(default = 0)]
    pub errors_encountered: i32,

    // Verification tracking (Trust Watcher approach)
    pub verified_at: Option<DateTime<Utc>>,
    #[schema(default = "unverified")]
    pub verification_status: VerificationStatus,
}
