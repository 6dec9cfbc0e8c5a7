//! The generated SeaORM entities used for real on SQLite, PostgreSQL and
//! MariaDB: CRUD, relations both ways, loaders, cascades, unique keys, the
//! index behind "latest generation", the text enums, and the domain rules.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use fsync::entities::{
    EntryKind, Interval, Schedule, SyncMode, VerificationStatus, entry, sync_conduit,
    sync_generation,
};
use fsync::migrations::Migrator;
use fsync::sync::{self, ConduitError, NewConduit, SyncReport, VerificationError};
use fsync_schema::Backend;
use fsync_schema::migration::{self, Command};
use fsync_test_macros::each_backend;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, JoinType, LoaderTrait, ModelTrait, PaginatorTrait, QueryFilter, QuerySelect,
    RelationTrait, Statement,
};
use std::time::Duration;
use uuid::Uuid;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 0).unwrap()
}

async fn new_entry(
    db: &DatabaseConnection,
    name: &str,
    kind: EntryKind,
    parent: Option<i32>,
) -> entry::Model {
    entry::ActiveModel {
        uuid: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        kind: Set(kind),
        parent_id: Set(parent),
        size: Set(0),
        created_at: Set(at(0)),
        modified_at: Set(at(0)),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

fn report(seconds: i64, files: i32) -> SyncReport {
    SyncReport {
        started_at: at(seconds),
        completed_at: at(seconds + 5),
        files_copied: files,
        bytes_transferred: i64::from(files) * 1000,
        ..SyncReport::default()
    }
}

async fn scenario(backend: Backend, db: &DatabaseConnection) {
    migration::run::<Migrator>(db, Command::Up(None))
        .await
        .unwrap();

    let root = new_entry(db, "root", EntryKind::Directory, None).await;
    let photos = new_entry(db, "photos", EntryKind::Directory, Some(root.id)).await;
    let backup = new_entry(db, "backup", EntryKind::Directory, Some(root.id)).await;
    let file = new_entry(db, "notes.txt", EntryKind::File, Some(root.id)).await;
    assert_eq!(
        entry::Entity::find_by_id(file.id).one(db).await.unwrap(),
        Some(file.clone())
    );

    // The domain rule: two distinct directories.
    let new = |source, target| NewConduit {
        uuid: Uuid::new_v4(),
        source_entry_id: source,
        target_entry_id: target,
        sync_mode: SyncMode::Mirror,
        schedule: Schedule::Interval(Interval(Duration::from_secs(300))),
    };
    assert!(matches!(
        sync::create_conduit(db, new(photos.id, file.id), at(1)).await,
        Err(ConduitError::NotADirectory {
            kind: EntryKind::File,
            ..
        })
    ));
    assert!(matches!(
        sync::create_conduit(db, new(photos.id, photos.id), at(1)).await,
        Err(ConduitError::SameEntry(_))
    ));
    assert!(matches!(
        sync::create_conduit(db, new(photos.id, 999_999), at(1)).await,
        Err(ConduitError::MissingEntry(999_999))
    ));
    let conduit = sync::create_conduit(db, new(photos.id, backup.id), at(1))
        .await
        .unwrap();
    assert_eq!(conduit.schedule.to_string(), "interval:5m");
    assert!(conduit.enabled);

    // A duplicate uuid is refused and changes nothing.
    let duplicate = NewConduit {
        uuid: conduit.uuid,
        ..new(backup.id, photos.id)
    };
    assert!(matches!(
        sync::create_conduit(db, duplicate, at(2)).await,
        Err(ConduitError::Db(_))
    ));
    assert_eq!(sync_conduit::Entity::find().count(db).await.unwrap(), 1);

    // Two finished syncs.
    sync::record_sync(db, conduit.id, report(10, 3))
        .await
        .unwrap();
    let second = sync::record_sync(db, conduit.id, report(20, 4))
        .await
        .unwrap();
    assert_eq!(second.generation, 2);
    let conduit = sync_conduit::Entity::find_by_id(conduit.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            conduit.sync_generation,
            conduit.total_syncs,
            conduit.files_synced,
            conduit.bytes_transferred
        ),
        (2, 2, 7, 7000)
    );
    assert_eq!(conduit.last_sync_completed_at, Some(at(25)));
    let latest = sync::latest_generation(db, conduit.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest, second);

    // Relations both ways, find_also_related, loaders, and a join through a has_many.
    let generations = conduit
        .find_related(sync_generation::Entity)
        .all(db)
        .await
        .unwrap();
    assert_eq!(generations.len(), 2);
    let parent = second
        .find_related(sync_conduit::Entity)
        .one(db)
        .await
        .unwrap();
    assert_eq!(parent.as_ref().map(|c| c.id), Some(conduit.id));
    let pairs = sync_generation::Entity::find()
        .find_also_related(sync_conduit::Entity)
        .all(db)
        .await
        .unwrap();
    assert!(
        pairs
            .iter()
            .all(|(_, c)| c.as_ref().map(|c| c.id) == Some(conduit.id))
    );
    let loaded = vec![conduit.clone()]
        .load_many(sync_generation::Entity, db)
        .await
        .unwrap();
    assert_eq!(loaded[0].len(), 2);
    let sources: Vec<entry::Model> = entry::Entity::find()
        .join(JoinType::InnerJoin, entry::Relation::OutgoingConduits.def())
        .all(db)
        .await
        .unwrap();
    assert_eq!(
        sources.iter().map(|e| e.id).collect::<Vec<_>>(),
        [photos.id]
    );
    let children = entry::Entity::find()
        .filter(entry::Column::ParentId.eq(root.id))
        .count(db)
        .await
        .unwrap();
    assert_eq!(children, 3);

    // Verification moves only along its lifecycle.
    let refused =
        sync::advance_verification(db, second.id, VerificationStatus::Verified, at(30)).await;
    assert!(matches!(refused, Err(VerificationError::NotAllowed { .. })));
    for status in [
        VerificationStatus::WaitingWatcher,
        VerificationStatus::WaitingLibrarySync,
    ] {
        let moved = sync::advance_verification(db, second.id, status.clone(), at(30))
            .await
            .unwrap();
        assert_eq!(
            (moved.verification_status, moved.verified_at),
            (status, None)
        );
    }
    let failed = VerificationStatus::Failed("2 files differ".into());
    sync::advance_verification(db, second.id, failed.clone(), at(40))
        .await
        .unwrap();
    let stored = sync_generation::Entity::find_by_id(second.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.verification_status, stored.verified_at),
        (failed, Some(at(40)))
    );

    // Update and delete through the ActiveModel.
    let mut edit: sync_conduit::ActiveModel = conduit.clone().into();
    edit.enabled = Set(false);
    edit.parallel_transfers = Set(8);
    let edited = edit.update(db).await.unwrap();
    assert_eq!((edited.enabled, edited.parallel_transfers), (false, 8));

    // The index behind "latest generation of a conduit".
    assert_latest_generation_uses_index(backend, db).await;

    // ON DELETE CASCADE is enforced: deleting the source removes the conduit and its generations.
    photos.delete(db).await.unwrap();
    assert_eq!(sync_conduit::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(sync_generation::Entity::find().count(db).await.unwrap(), 0);
    // ...and the entry tree cascades too.
    root.delete(db).await.unwrap();
    assert_eq!(entry::Entity::find().count(db).await.unwrap(), 0);
}

async fn assert_latest_generation_uses_index(backend: Backend, db: &DatabaseConnection) {
    let (sql, index_column) = match backend {
        Backend::Sqlite => (
            "EXPLAIN QUERY PLAN SELECT * FROM sync_generation WHERE conduit_id = 1 ORDER BY generation DESC LIMIT 1",
            3,
        ),
        Backend::Postgres => (
            "EXPLAIN SELECT * FROM sync_generation WHERE conduit_id = 1 ORDER BY generation DESC LIMIT 1",
            0,
        ),
        Backend::MySql => (
            "EXPLAIN SELECT * FROM sync_generation WHERE conduit_id = 1 ORDER BY generation DESC LIMIT 1",
            usize::MAX,
        ),
    };
    let plan: Vec<String> = if backend == Backend::Postgres {
        // Tiny tables make a sequential scan cheaper; ask the planner what it would use otherwise.
        use sea_orm::TransactionTrait;
        let txn = db.begin().await.unwrap();
        txn.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "SET LOCAL enable_seqscan = off",
        ))
        .await
        .unwrap();
        let rows = txn
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(index_column).unwrap())
            .collect()
    } else {
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.iter()
            .map(|r| match backend {
                Backend::MySql => r
                    .try_get::<Option<String>>("", "key")
                    .unwrap()
                    .unwrap_or_default(),
                _ => r.try_get_by_index::<String>(index_column).unwrap(),
            })
            .collect()
    };
    assert!(
        plan.iter()
            .any(|line| line.contains("idx_sync_generation_conduit")),
        "{backend:?} plan does not use the index: {plan:?}"
    );
}

#[each_backend]
async fn entities_work_on_every_backend(backend: Backend) {
    let test_db = common::db(backend, "crud").await;
    let backend = test_db.backend;
    scenario(backend, &test_db.db).await;
    test_db.drop_database().await;
}

#[tokio::test]
async fn a_stored_text_that_is_no_variant_is_an_error_naming_value_and_column() {
    let test_db = common::sqlite().await;
    let db = &test_db.db;
    migration::run::<Migrator>(db, Command::Up(None))
        .await
        .unwrap();
    let source = new_entry(db, "a", EntryKind::Directory, None).await;
    let target = new_entry(db, "b", EntryKind::Directory, None).await;
    common::exec(
        db,
        &format!(
            "INSERT INTO sync_conduit (uuid, source_entry_id, target_entry_id, sync_mode, schedule, created_at, updated_at) \
             VALUES (x'00112233445566778899aabbccddeeff', {}, {}, 'mirror', 'weekly', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            source.id, target.id
        ),
    )
    .await;
    let error = sync_conduit::Entity::find()
        .one(db)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("column `schedule`"), "{error}");
    assert!(
        error.contains("`weekly` is not a valid Schedule"),
        "{error}"
    );
}

/// Relations declared in one line each: `relates_to` (a relation the
/// database does not enforce: no foreign key in the DDL, in SeaORM's schema
/// builder or in `diff`) and `many_to_many` through a junction entity.
mod film_catalogue {
    fsync_schema::entities! {
        targets(sqlite);
        pub mod film {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "film", many_to_many(super::actor, via = super::film_actor))]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                pub title: String,
            }
        }
        pub mod actor {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "actor", many_to_many(super::film, via = super::film_actor))]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                pub name: String,
            }
        }
        pub mod film_actor {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "film_actor", primary_key(film_id, actor_id))]
            pub struct Model {
                #[schema(references = super::film::id)]
                pub film_id: i32,
                #[schema(references = super::actor::id)]
                pub actor_id: i32,
            }
        }
        pub mod review {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "review")]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                #[schema(relates_to = super::film::id)]
                pub film_id: i32,
            }
        }
    }
}

#[tokio::test]
async fn relations_without_a_foreign_key_and_many_to_many() {
    use film_catalogue::{actor, film, film_actor, review};
    let schema = film_catalogue::schema();
    let review_table = schema.table("review").unwrap();
    assert!(
        review_table.foreign_keys.is_empty(),
        "relates_to makes no foreign key"
    );
    assert_eq!(schema.table("film_actor").unwrap().foreign_keys.len(), 2);
    let test_db = common::sqlite().await;
    let db = &test_db.db;
    for statement in fsync_schema::render::schema_statements(&schema, Backend::Sqlite) {
        common::exec(db, &statement).await;
    }
    for (id, title) in [(1, "Alien"), (2, "Heat")] {
        film::ActiveModel {
            id: Set(id),
            title: Set(title.into()),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (id, name) in [(1, "Sigourney"), (2, "Al")] {
        actor::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (film_id, actor_id) in [(1, 1), (2, 2), (2, 1)] {
        film_actor::ActiveModel {
            film_id: Set(film_id),
            actor_id: Set(actor_id),
        }
        .insert(db)
        .await
        .unwrap();
    }
    // No foreign key: a review of a film that does not exist is stored.
    for (id, film_id) in [(1, 2), (2, 99)] {
        review::ActiveModel {
            id: Set(id),
            film_id: Set(film_id),
        }
        .insert(db)
        .await
        .unwrap();
    }
    let heat = film::Entity::find_by_id(2).one(db).await.unwrap().unwrap();
    let mut cast: Vec<String> = heat
        .find_related(actor::Entity)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    cast.sort();
    assert_eq!(cast, ["Al", "Sigourney"]);
    let sigourney = actor::Entity::find_by_id(1).one(db).await.unwrap().unwrap();
    let films = sigourney.find_related(film::Entity).all(db).await.unwrap();
    assert_eq!(films.len(), 2);
    let reviews = review::Entity::find()
        .find_also_related(film::Entity)
        .all(db)
        .await
        .unwrap();
    let titles: Vec<Option<String>> = reviews
        .into_iter()
        .map(|(_, f)| f.map(|f| f.title))
        .collect();
    assert_eq!(titles, [Some("Heat".to_owned()), None]);
    // SeaORM's schema builder makes no foreign key for `relates_to` either.
    let builder = sea_orm::Schema::new(sea_orm::DbBackend::Sqlite);
    let create = builder.create_table_from_entity(review::Entity);
    let sql = sea_orm::DbBackend::Sqlite.build(&create).to_string();
    assert!(!sql.contains("FOREIGN KEY"), "{sql}");
}
