//! The work the runtime benchmarks time, written once and expanded for both
//! sides: [`derived`] on `fsync::entities` (`#[derive(fsync_schema::Entity)]`)
//! and [`hand`] on [`crate::hand`] (SeaORM's `DeriveEntityModel`). The two
//! expansions are the same source text; only the entity modules differ.
//!
//! Both sides run on the same schema, built here from the entities
//! ([`create_schema`]), and seeded the same way ([`seed`]).

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};

/// Rows per `INSERT` in [`derived::insert_generations`] and [`hand::insert_generations`]:
/// 1,000 rows of 12 bound columns, well under SQLite's 32,766 variables.
pub const BATCH: usize = 1_000;

/// Conduits the generations are spread over.
pub const CONDUITS: usize = 100;

/// A fixed point in time plus `seconds`.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 0).unwrap()
}

/// A fresh SQLite database in memory (one connection, as `fsync::db` opens SQLite).
pub async fn memory() -> Result<DatabaseConnection, DbErr> {
    fsync::db::connect("sqlite::memory:").await
}

/// Executes SQL text.
pub async fn exec(db: &impl ConnectionTrait, sql: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .map(drop)
}

/// Creates the tables of `fsync::entities` (the same SQL `fsync migrate up` runs).
pub async fn create_schema(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let schema = fsync::entities::schema();
    for sql in fsync_schema::render::schema_statements(&schema, fsync_schema::Backend::Sqlite) {
        exec(db, &sql).await?;
    }
    Ok(())
}

/// Two directory entries per conduit and `conduits` conduits between them,
/// with the text-enum columns set (`sync_mode`, `schedule`); ids are 1..=conduits.
pub async fn seed(db: &DatabaseConnection, conduits: usize) -> Result<Vec<i32>, DbErr> {
    let txn = db.begin().await?;
    for i in 0..conduits * 2 {
        exec(
            &txn,
            &format!(
                "INSERT INTO entry (uuid, name, kind, parent_id, size, created_at, modified_at) \
                 VALUES (randomblob(16), 'dir{i}', 1, NULL, 0, '2025-06-15T15:06:40+00:00', '2025-06-15T15:06:40+00:00')"
            ),
        )
        .await?;
    }
    let modes = ["mirror", "bidirectional", "selective"];
    let schedules = ["manual", "instant", "interval:5m"];
    for i in 0..conduits {
        exec(
            &txn,
            &format!(
                "INSERT INTO sync_conduit (uuid, source_entry_id, target_entry_id, sync_mode, schedule, \
                 created_at, updated_at) VALUES (randomblob(16), {}, {}, '{}', '{}', \
                 '2025-06-15T15:06:40+00:00', '2025-06-15T15:06:40+00:00')",
                2 * i + 1,
                2 * i + 2,
                modes[i % 3],
                schedules[i % 3]
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok((1..=conduits as i32).collect())
}

/// Fills `sync_generation` with `rows` rows spread over conduits `1..=conduits`
/// (generation `g` of every conduit, then `g + 1`, ...), in one SQL statement:
/// the setup of the query benchmark, not a measurement.
pub async fn fill_generations(
    db: &DatabaseConnection,
    conduits: usize,
    rows: usize,
) -> Result<(), DbErr> {
    exec(
        db,
        &format!(
            "INSERT INTO sync_generation (conduit_id, generation, started_at, completed_at, \
             files_copied, files_deleted, conflicts_resolved, bytes_transferred, errors_encountered, \
             verified_at, verification_status) \
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {rows}) \
             SELECT i % {conduits} + 1, i / {conduits} + 1, '2025-06-15T15:06:40+00:00', \
             '2025-06-15T15:06:45+00:00', i % 100, i % 7, 0, i * 1000, 0, NULL, \
             CASE i % 4 WHEN 0 THEN 'unverified' WHEN 1 THEN 'waiting_watcher' \
             WHEN 2 THEN 'verified' ELSE 'failed:3 files differ' END FROM n"
        ),
    )
    .await
}

/// The same operations on either side; `$entities` names the module holding
/// `sync_conduit`, `sync_generation` and `VerificationStatus`.
macro_rules! workload {
    ($entities:path) => {
        use super::{BATCH, at};
        use sea_orm::{
            ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
            QueryOrder, TransactionTrait,
        };
        use $entities::{VerificationStatus, sync_conduit, sync_generation};

        /// Row `i` of the insert benchmark: every column set, the text enum in all its forms.
        pub fn generation(i: usize, conduits: &[i32]) -> sync_generation::ActiveModel {
            let status = match i % 4 {
                0 => VerificationStatus::Unverified,
                1 => VerificationStatus::WaitingWatcher,
                2 => VerificationStatus::Verified,
                _ => VerificationStatus::Failed("3 files differ".to_owned()),
            };
            let started = at(i as i64);
            sync_generation::ActiveModel {
                conduit_id: Set(conduits[i % conduits.len()]),
                generation: Set((i / conduits.len()) as i64 + 1),
                started_at: Set(started),
                completed_at: Set(Some(started + chrono::Duration::seconds(5))),
                files_copied: Set((i % 100) as i32),
                files_deleted: Set((i % 7) as i32),
                conflicts_resolved: Set(0),
                bytes_transferred: Set(i as i64 * 1000),
                errors_encountered: Set(0),
                verified_at: Set((i % 4 >= 2).then(|| started + chrono::Duration::seconds(60))),
                verification_status: Set(status),
                ..Default::default()
            }
        }

        /// Inserts `rows` generations in batches of [`BATCH`], in one transaction.
        pub async fn insert_generations(
            db: &DatabaseConnection,
            conduits: &[i32],
            rows: usize,
        ) -> Result<(), DbErr> {
            let txn = db.begin().await?;
            let mut start = 0;
            while start < rows {
                let end = (start + BATCH).min(rows);
                sync_generation::Entity::insert_many((start..end).map(|i| generation(i, conduits)))
                    .exec(&txn)
                    .await?;
                start = end;
            }
            txn.commit().await
        }

        /// Every generation with its conduit (one join); returns how many rows came back.
        pub async fn read_with_conduit(db: &DatabaseConnection) -> Result<usize, DbErr> {
            let rows = sync_generation::Entity::find()
                .find_also_related(sync_conduit::Entity)
                .all(db)
                .await?;
            assert!(rows.iter().all(|(_, conduit)| conduit.is_some()));
            Ok(rows.len())
        }

        /// The latest generation of a conduit, through `idx_sync_generation_conduit`.
        pub async fn latest_generation(
            db: &DatabaseConnection,
            conduit_id: i32,
        ) -> Result<Option<sync_generation::Model>, DbErr> {
            sync_generation::Entity::find()
                .filter(sync_generation::Column::ConduitId.eq(conduit_id))
                .order_by_desc(sync_generation::Column::Generation)
                .one(db)
                .await
        }

        /// [`latest_generation`] with `LIMIT 1` written into the SQL instead of
        /// bound: SeaORM binds the limit, and SQLite (built with STAT4, as
        /// libsqlite3-sys builds it) marks a bound LIMIT as able to change the
        /// plan, so every execution with fresh bindings re-prepares the
        /// statement. Not what the application does; it shows that cost.
        pub async fn latest_generation_literal_limit(
            db: &DatabaseConnection,
            conduit_id: i32,
        ) -> Result<Option<sync_generation::Model>, DbErr> {
            use sea_orm::{QueryTrait, Statement};
            let mut query = sync_generation::Entity::find()
                .filter(sync_generation::Column::ConduitId.eq(conduit_id))
                .order_by_desc(sync_generation::Column::Generation)
                .build(sea_orm::DbBackend::Sqlite);
            query.sql.push_str(" LIMIT 1");
            sync_generation::Entity::find()
                .from_raw_sql(Statement::from_sql_and_values(
                    sea_orm::DbBackend::Sqlite,
                    query.sql,
                    query.values.map(|v| v.0).unwrap_or_default(),
                ))
                .one(db)
                .await
        }
    };
}

/// The workload on `fsync::entities`, the derived entities.
pub mod derived {
    workload!(fsync::entities);
}

/// The workload on [`crate::hand`], the hand-written SeaORM entities.
pub mod hand {
    workload!(crate::hand);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_sides_write_and_read_the_same_rows() {
        let db = memory().await.unwrap();
        create_schema(&db).await.unwrap();
        let conduits = seed(&db, 10).await.unwrap();
        derived::insert_generations(&db, &conduits, 2_500)
            .await
            .unwrap();
        hand::insert_generations(&db, &conduits, 2_500)
            .await
            .unwrap();
        assert_eq!(derived::read_with_conduit(&db).await.unwrap(), 5_000);
        assert_eq!(hand::read_with_conduit(&db).await.unwrap(), 5_000);
        use sea_orm::EntityTrait;
        let derived_rows = fsync::entities::sync_generation::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let hand_rows = crate::hand::sync_generation::Entity::find()
            .all(&db)
            .await
            .unwrap();
        for (d, h) in derived_rows.iter().zip(&hand_rows) {
            assert_eq!(
                (
                    d.id,
                    d.conduit_id,
                    d.generation,
                    d.started_at,
                    d.verified_at
                ),
                (
                    h.id,
                    h.conduit_id,
                    h.generation,
                    h.started_at,
                    h.verified_at
                )
            );
            assert_eq!(
                d.verification_status.to_string(),
                h.verification_status.to_string()
            );
        }
        let latest = derived::latest_generation(&db, 3).await.unwrap().unwrap();
        let same = hand::latest_generation(&db, 3).await.unwrap().unwrap();
        assert_eq!((latest.id, latest.generation), (same.id, same.generation));
        assert_eq!(latest.generation, 250);
    }

    #[tokio::test]
    async fn the_fill_matches_the_rows_the_entities_write() {
        let db = memory().await.unwrap();
        create_schema(&db).await.unwrap();
        seed(&db, 10).await.unwrap();
        fill_generations(&db, 10, 1_000).await.unwrap();
        assert_eq!(derived::read_with_conduit(&db).await.unwrap(), 1_000);
        assert_eq!(hand::read_with_conduit(&db).await.unwrap(), 1_000);
        let latest = fsync::sync::latest_generation(&db, 4)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest.generation, 100);
    }
}
