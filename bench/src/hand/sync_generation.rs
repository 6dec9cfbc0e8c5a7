//! `sync_generation`, written by hand.

use super::types::VerificationStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_generation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub conduit_id: i32,
    pub generation: i64,
    pub started_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = 0)]
    pub files_copied: i32,
    #[sea_orm(default_value = 0)]
    pub files_deleted: i32,
    #[sea_orm(default_value = 0)]
    pub conflicts_resolved: i32,
    #[sea_orm(default_value = 0)]
    pub bytes_transferred: i64,
    #[sea_orm(default_value = 0)]
    pub errors_encountered: i32,
    pub verified_at: Option<DateTimeUtc>,
    #[sea_orm(default_value = "unverified")]
    pub verification_status: VerificationStatus,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::sync_conduit::Entity",
        from = "Column::ConduitId",
        to = "super::sync_conduit::Column::Id",
        on_delete = "Cascade"
    )]
    SyncConduit,
}

impl Related<super::sync_conduit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::SyncConduit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
