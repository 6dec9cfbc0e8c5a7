//! `entry`, written by hand.

use super::types::EntryKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub kind: EntryKind,
    #[sea_orm(nullable)]
    pub parent_id: Option<i32>,
    #[sea_orm(default_value = 0)]
    pub size: i64,
    pub created_at: DateTimeUtc,
    pub modified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_delete = "Cascade"
    )]
    Parent,
    #[sea_orm(
        has_many = "super::sync_conduit::Entity",
        via_rel = "Relation::SourceEntry"
    )]
    OutgoingConduits,
    #[sea_orm(
        has_many = "super::sync_conduit::Entity",
        via_rel = "Relation::TargetEntry"
    )]
    IncomingConduits,
}

impl ActiveModelBehavior for ActiveModel {}
