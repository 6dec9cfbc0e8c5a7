//! Creates `entry`, `sync_conduit` and `sync_generation` with their indexes,
//! written by hand.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Entry::Table)
                    .col(id(Entry::Id))
                    .col(ColumnDef::new(Entry::Uuid).blob().not_null().unique_key())
                    .col(ColumnDef::new(Entry::Name).text().not_null())
                    .col(ColumnDef::new(Entry::Kind).integer().not_null())
                    .col(ColumnDef::new(Entry::ParentId).integer())
                    .col(ColumnDef::new(Entry::Size).integer().not_null().default(0))
                    .col(ColumnDef::new(Entry::CreatedAt).text().not_null())
                    .col(ColumnDef::new(Entry::ModifiedAt).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Entry::Table, Entry::ParentId)
                            .to(Entry::Table, Entry::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_entry_parent")
                    .table(Entry::Table)
                    .col(Entry::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SyncConduit::Table)
                    .col(id(SyncConduit::Id))
                    .col(
                        ColumnDef::new(SyncConduit::Uuid)
                            .blob()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::SourceEntryId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::TargetEntryId)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SyncConduit::SyncMode).text().not_null())
                    .col(
                        ColumnDef::new(SyncConduit::Enabled)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::Schedule)
                            .text()
                            .not_null()
                            .default("manual"),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::UseIndexRules)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .col(ColumnDef::new(SyncConduit::IndexModeOverride).text())
                    .col(
                        ColumnDef::new(SyncConduit::ParallelTransfers)
                            .integer()
                            .not_null()
                            .default(3),
                    )
                    .col(ColumnDef::new(SyncConduit::BandwidthLimitMbps).integer())
                    .col(ColumnDef::new(SyncConduit::LastSyncCompletedAt).text())
                    .col(
                        ColumnDef::new(SyncConduit::SyncGeneration)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(SyncConduit::LastSyncError).text())
                    .col(
                        ColumnDef::new(SyncConduit::TotalSyncs)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::FilesSynced)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncConduit::BytesTransferred)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(SyncConduit::CreatedAt).text().not_null())
                    .col(ColumnDef::new(SyncConduit::UpdatedAt).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(SyncConduit::Table, SyncConduit::SourceEntryId)
                            .to(Entry::Table, Entry::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SyncConduit::Table, SyncConduit::TargetEntryId)
                            .to(Entry::Table, Entry::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_conduit_enabled")
                    .table(SyncConduit::Table)
                    .col(SyncConduit::Enabled)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SyncGeneration::Table)
                    .col(id(SyncGeneration::Id))
                    .col(
                        ColumnDef::new(SyncGeneration::ConduitId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SyncGeneration::Generation)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SyncGeneration::StartedAt).text().not_null())
                    .col(ColumnDef::new(SyncGeneration::CompletedAt).text())
                    .col(
                        ColumnDef::new(SyncGeneration::FilesCopied)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncGeneration::FilesDeleted)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncGeneration::ConflictsResolved)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncGeneration::BytesTransferred)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(SyncGeneration::ErrorsEncountered)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(SyncGeneration::VerifiedAt).text())
                    .col(
                        ColumnDef::new(SyncGeneration::VerificationStatus)
                            .text()
                            .not_null()
                            .default("unverified"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SyncGeneration::Table, SyncGeneration::ConduitId)
                            .to(SyncConduit::Table, SyncConduit::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sync_generation_conduit")
                    .table(SyncGeneration::Table)
                    .col(SyncGeneration::ConduitId)
                    .col(SyncGeneration::Generation)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SyncGeneration::Table.into_iden(),
            SyncConduit::Table.into_iden(),
            Entry::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Entry {
    Table,
    Id,
    Uuid,
    Name,
    Kind,
    ParentId,
    Size,
    CreatedAt,
    ModifiedAt,
}

#[derive(DeriveIden)]
enum SyncConduit {
    Table,
    Id,
    Uuid,
    SourceEntryId,
    TargetEntryId,
    SyncMode,
    Enabled,
    Schedule,
    UseIndexRules,
    IndexModeOverride,
    ParallelTransfers,
    BandwidthLimitMbps,
    LastSyncCompletedAt,
    SyncGeneration,
    LastSyncError,
    TotalSyncs,
    FilesSynced,
    BytesTransferred,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SyncGeneration {
    Table,
    Id,
    ConduitId,
    Generation,
    StartedAt,
    CompletedAt,
    FilesCopied,
    FilesDeleted,
    ConflictsResolved,
    BytesTransferred,
    ErrorsEncountered,
    VerifiedAt,
    VerificationStatus,
}

/// `id INTEGER PRIMARY KEY AUTOINCREMENT` (SQLite's rowid key).
fn id(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .primary_key()
        .auto_increment()
        .to_owned()
}
