//! `entry`: a file, directory or symlink of the index; the ends of a sync conduit.

use super::EntryKind;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One indexed filesystem entry.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", index(name = "idx_entry_parent", columns(parent_id)))]
#[schema(has_many(super::sync_conduit::source_entry_id, relation = OutgoingConduits))]
#[schema(has_many(super::sync_conduit::target_entry_id, relation = IncomingConduits))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique)]
    pub uuid: Uuid,
    pub name: String,
    /// 0 file, 1 directory, 2 symlink.
    pub kind: EntryKind,
    /// The directory holding this entry; deleting it deletes its children.
    #[schema(references = self::id, on_delete = cascade)]
    pub parent_id: Option<i32>,
    #[schema(default = 0)]
    pub size: i64,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}
