//! The rules of FSYNC-002 that the schema alone does not hold: both ends of a
//! conduit are distinct directory entries; a finished sync records a new
//! generation and updates its conduit in one transaction; a generation's
//! verification moves only along its lifecycle.

use crate::entities::{
    EntryKind, Schedule, SyncMode, VerificationStatus, entry, sync_conduit, sync_generation,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// Why a conduit cannot be created.
#[derive(Debug, thiserror::Error)]
pub enum ConduitError {
    #[error("entry {0} does not exist")]
    MissingEntry(i32),
    #[error("entry {id} is a {kind:?}, but both ends of a conduit must be directories")]
    NotADirectory { id: i32, kind: EntryKind },
    #[error("a conduit needs two distinct directories, but both ends are entry {0}")]
    SameEntry(i32),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a new conduit is made of; the rest takes the schema's defaults.
#[derive(Clone, Debug)]
pub struct NewConduit {
    pub uuid: Uuid,
    pub source_entry_id: i32,
    pub target_entry_id: i32,
    pub sync_mode: SyncMode,
    pub schedule: Schedule,
}

/// Creates a conduit between two distinct directory entries.
pub async fn create_conduit(
    db: &impl ConnectionTrait,
    new: NewConduit,
    now: DateTime<Utc>,
) -> Result<sync_conduit::Model, ConduitError> {
    if new.source_entry_id == new.target_entry_id {
        return Err(ConduitError::SameEntry(new.source_entry_id));
    }
    for id in [new.source_entry_id, new.target_entry_id] {
        let end = entry::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(ConduitError::MissingEntry(id))?;
        if end.kind != EntryKind::Directory {
            return Err(ConduitError::NotADirectory { id, kind: end.kind });
        }
    }
    let conduit = sync_conduit::ActiveModel {
        uuid: Set(new.uuid),
        source_entry_id: Set(new.source_entry_id),
        target_entry_id: Set(new.target_entry_id),
        sync_mode: Set(new.sync_mode),
        schedule: Set(new.schedule),
        enabled: Set(true),
        use_index_rules: Set(true),
        parallel_transfers: Set(3),
        sync_generation: Set(0),
        total_syncs: Set(0),
        files_synced: Set(0),
        bytes_transferred: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(conduit.insert(db).await?)
}

/// What one finished sync did.
#[derive(Clone, Debug, Default)]
pub struct SyncReport {
    pub started_at: DateTime<Utc>,
    pub completed_at: DateTime<Utc>,
    pub files_copied: i32,
    pub files_deleted: i32,
    pub conflicts_resolved: i32,
    pub bytes_transferred: i64,
    pub errors_encountered: i32,
    /// The last error, if the sync met any.
    pub last_error: Option<String>,
}

/// Records a finished sync: a new `sync_generation` row, and the conduit's
/// generation counter, statistics and `last_sync_completed_at`, in one transaction.
pub async fn record_sync(
    db: &impl TransactionTrait,
    conduit_id: i32,
    report: SyncReport,
) -> Result<sync_generation::Model, DbErr> {
    let txn = db.begin().await?;
    let conduit = sync_conduit::Entity::find_by_id(conduit_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("sync_conduit {conduit_id}")))?;
    let generation = conduit.sync_generation + 1;
    let row = sync_generation::ActiveModel {
        conduit_id: Set(conduit_id),
        generation: Set(generation),
        started_at: Set(report.started_at),
        completed_at: Set(Some(report.completed_at)),
        files_copied: Set(report.files_copied),
        files_deleted: Set(report.files_deleted),
        conflicts_resolved: Set(report.conflicts_resolved),
        bytes_transferred: Set(report.bytes_transferred),
        errors_encountered: Set(report.errors_encountered),
        verified_at: Set(None),
        verification_status: Set(VerificationStatus::Unverified),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut update: sync_conduit::ActiveModel = conduit.clone().into();
    update.sync_generation = Set(generation);
    update.total_syncs = Set(conduit.total_syncs + 1);
    update.files_synced = Set(conduit.files_synced + i64::from(report.files_copied));
    update.bytes_transferred = Set(conduit.bytes_transferred + report.bytes_transferred);
    update.last_sync_completed_at = Set(Some(report.completed_at));
    update.last_sync_error = Set(report.last_error);
    update.updated_at = Set(report.completed_at);
    update.update(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// Why a verification move was refused.
#[derive(Debug, thiserror::Error)]
pub enum VerificationError {
    #[error("sync_generation {0} does not exist")]
    Missing(i32),
    #[error("verification cannot move from `{from}` to `{to}`")]
    NotAllowed {
        from: VerificationStatus,
        to: VerificationStatus,
    },
    #[error("sync_generation {0} changed status concurrently; read it again")]
    Concurrent(i32),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Whether the lifecycle allows `from` → `to`: unverified → waiting_watcher →
/// waiting_library_sync → verified or `failed:<reason>`.
pub fn allowed(from: &VerificationStatus, to: &VerificationStatus) -> bool {
    use VerificationStatus as S;
    matches!(
        (from, to),
        (S::Unverified, S::WaitingWatcher)
            | (S::WaitingWatcher, S::WaitingLibrarySync)
            | (S::WaitingLibrarySync, S::Verified | S::Failed(_))
    )
}

/// Moves a generation's verification status along its lifecycle; reaching
/// `verified` or `failed:<reason>` sets `verified_at`.
pub async fn advance_verification(
    db: &impl ConnectionTrait,
    generation_id: i32,
    to: VerificationStatus,
    now: DateTime<Utc>,
) -> Result<sync_generation::Model, VerificationError> {
    let row = sync_generation::Entity::find_by_id(generation_id)
        .one(db)
        .await?
        .ok_or(VerificationError::Missing(generation_id))?;
    if !allowed(&row.verification_status, &to) {
        return Err(VerificationError::NotAllowed {
            from: row.verification_status,
            to,
        });
    }
    let finished = matches!(
        to,
        VerificationStatus::Verified | VerificationStatus::Failed(_)
    );
    let verified_at = if finished { Some(now) } else { row.verified_at };
    // Only moves the row if nobody moved it since it was read.
    let result = sync_generation::Entity::update_many()
        .col_expr(
            sync_generation::Column::VerificationStatus,
            sea_orm::sea_query::Expr::value(to.clone()),
        )
        .col_expr(
            sync_generation::Column::VerifiedAt,
            sea_orm::sea_query::Expr::value(verified_at),
        )
        .filter(sync_generation::Column::Id.eq(generation_id))
        .filter(sync_generation::Column::VerificationStatus.eq(row.verification_status.clone()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(VerificationError::Concurrent(generation_id));
    }
    Ok(sync_generation::Model {
        verification_status: to,
        verified_at,
        ..row
    })
}

/// The latest generation of a conduit (served by `idx_sync_generation_conduit`).
pub async fn latest_generation(
    db: &impl ConnectionTrait,
    conduit_id: i32,
) -> Result<Option<sync_generation::Model>, DbErr> {
    use sea_orm::QueryOrder;
    sync_generation::Entity::find()
        .filter(sync_generation::Column::ConduitId.eq(conduit_id))
        .order_by_desc(sync_generation::Column::Generation)
        .one(db)
        .await
}
