//! `sync_conduit`, written by hand.

use super::types::{Schedule, SyncMode};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_conduit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub source_entry_id: i32,
    pub target_entry_id: i32,
    pub sync_mode: SyncMode,
    #[sea_orm(default_value = true)]
    pub enabled: bool,
    #[sea_orm(default_value = "manual")]
    pub schedule: Schedule,
    #[sea_orm(default_value = true)]
    pub use_index_rules: bool,
    #[sea_orm(column_type = "Text")]
    pub index_mode_override: Option<String>,
    #[sea_orm(default_value = 3)]
    pub parallel_transfers: i32,
    pub bandwidth_limit_mbps: Option<i32>,
    pub last_sync_completed_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = 0)]
    pub sync_generation: i64,
    #[sea_orm(column_type = "Text")]
    pub last_sync_error: Option<String>,
    #[sea_orm(default_value = 0)]
    pub total_syncs: i64,
    #[sea_orm(default_value = 0)]
    pub files_synced: i64,
    #[sea_orm(default_value = 0)]
    pub bytes_transferred: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::entry::Entity",
        from = "Column::SourceEntryId",
        to = "super::entry::Column::Id",
        on_delete = "Cascade"
    )]
    SourceEntry,
    #[sea_orm(
        belongs_to = "super::entry::Entity",
        from = "Column::TargetEntryId",
        to = "super::entry::Column::Id",
        on_delete = "Cascade"
    )]
    TargetEntry,
    #[sea_orm(has_many = "super::sync_generation::Entity")]
    Generations,
}

impl Related<super::sync_generation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Generations.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
