//! Running the online plan on PostgreSQL (see [`crate::render::online`]): a
//! generated migration whose steps index or constrain an existing table runs
//! in two parts, `Migration` in a transaction with `SET LOCAL lock_timeout`
//! ([`apply_online`]) and then `Concurrently`, outside the migration's
//! transaction ([`apply_concurrently`]). Other backends run the plain plan in the first
//! part and nothing in the second.

use super::data::DataStep;
use super::{Direction, backend_of, run_plan};
use crate::model::Backend;
use crate::render::online::{self, Concurrent, Online};
use crate::step::Step;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, TransactionSession, TransactionTrait};
use sea_orm_migration::SchemaManager;

/// The transactional part of a migration: like
/// [`apply_with_data`](super::apply_with_data), but on PostgreSQL it leaves
/// the indexes of existing tables to [`apply_concurrently`], adds their
/// foreign keys and CHECKs `NOT VALID`, and waits at most
/// `online.lock_timeout` for each lock.
pub async fn apply_online(
    manager: &SchemaManager<'_>,
    steps: &[Step],
    data: &[DataStep],
    direction: Direction,
    online: &Online,
) -> Result<(), DbErr> {
    run_plan(manager, steps, data, direction, Some(online)).await
}

/// The part of a migration that PostgreSQL runs outside a transaction: for
/// `Up`, `CREATE INDEX CONCURRENTLY IF NOT EXISTS` of each index on an
/// existing table (an invalid one left by an interrupted build is dropped
/// first), the same for the index of each UNIQUE added to an existing table,
/// which then becomes the constraint (`ADD CONSTRAINT .. UNIQUE USING INDEX`,
/// in a short transaction under `online.lock_timeout`), and `VALIDATE
/// CONSTRAINT` of each constraint added `NOT VALID`; for `Down`, `DROP INDEX
/// CONCURRENTLY IF EXISTS`. Nothing on other backends.
///
/// The concurrent builds and `VALIDATE` take SHARE UPDATE EXCLUSIVE, which
/// writes do not wait for, so they run without `lock_timeout` (the session's,
/// which every connection of the tools has, is set aside meanwhile): they
/// may wait for long transactions to end, but writers never wait for them.
pub async fn apply_concurrently(
    manager: &SchemaManager<'_>,
    steps: &[Step],
    direction: Direction,
    online: &Online,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if backend_of(db.get_database_backend()) != Backend::Postgres {
        return Ok(());
    }
    run(db, "SET lock_timeout = 0".to_owned()).await?;
    let result = concurrent_part(db, steps, direction, online).await;
    // Back to the session's own value (the one it was opened with).
    let reset = run(db, "RESET lock_timeout".to_owned()).await;
    result.and(reset)
}

async fn concurrent_part<C>(
    db: &C,
    steps: &[Step],
    direction: Direction,
    online: &Online,
) -> Result<(), DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    match direction {
        Direction::Up => {
            for work in online::concurrent_work(steps) {
                match work {
                    Concurrent::Index { name, create } => build_index(db, &name, create).await?,
                    Concurrent::Unique {
                        name,
                        create,
                        attach,
                        exists,
                    } => add_unique(db, online, &name, create, &attach, exists).await?,
                    Concurrent::Validate(sql) => run(db, sql).await?,
                }
            }
        }
        Direction::Down => {
            for sql in online::concurrent_down_script(steps) {
                run(db, sql).await?;
            }
        }
    }
    Ok(())
}

fn postgres(sql: String) -> Statement {
    Statement::from_string(DbBackend::Postgres, sql)
}

fn failed(error: DbErr, sql: &str) -> DbErr {
    DbErr::Migration(format!(
        "{}\n  statement: {sql}",
        crate::connect::error_text(&error)
    ))
}

async fn run(db: &impl ConnectionTrait, sql: String) -> Result<(), DbErr> {
    match db.execute_raw(postgres(sql.clone())).await {
        Ok(_) => Ok(()),
        Err(error) => Err(failed(error, &sql)),
    }
}

/// A UNIQUE constraint from an index built concurrently, unless `exists`
/// finds the constraint: the index, then `attach` in a short transaction
/// under `lock_timeout` (its lock blocks writes, briefly).
async fn add_unique<C>(
    db: &C,
    online: &Online,
    name: &str,
    create: String,
    attach: &str,
    exists: String,
) -> Result<(), DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    if db.query_one_raw(postgres(exists)).await?.is_some() {
        return Ok(());
    }
    build_index(db, name, create).await?;
    let transaction = db.begin().await?;
    set_lock_timeout(&transaction, online).await?;
    match transaction.execute_raw(postgres(attach.to_owned())).await {
        Ok(_) => transaction.commit().await,
        Err(error) if is_lock_timeout(&error) => {
            let what = format!("making index `{name}` a UNIQUE constraint");
            Err(lock_timeout_error(&what, online, attach))
        }
        Err(error) => Err(failed(error, attach)),
    }
}

/// `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS`, after dropping an
/// invalid index `name` left by an interrupted build (which `IF NOT EXISTS`
/// would take as done).
async fn build_index(db: &impl ConnectionTrait, name: &str, create: String) -> Result<(), DbErr> {
    let invalid = db
        .query_one_raw(postgres(online::invalid_index_query(name)))
        .await?;
    if invalid.is_some() {
        run(db, online::drop_concurrently(name)).await?;
    }
    run(db, create).await
}

/// `SET LOCAL lock_timeout` (inside the migration's transaction).
pub(super) async fn set_lock_timeout(
    db: &impl ConnectionTrait,
    online: &Online,
) -> Result<(), DbErr> {
    if !online::valid_lock_timeout(online.lock_timeout) {
        return Err(DbErr::Migration(format!(
            "lock_timeout `{}` is not a duration such as `5s` or `500ms`",
            online.lock_timeout
        )));
    }
    let sql = format!("SET LOCAL lock_timeout = '{}'", online.lock_timeout);
    db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .map(|_| ())
}

/// Whether PostgreSQL gave up waiting for a lock (SQLSTATE 55P03).
pub(super) fn is_lock_timeout(error: &DbErr) -> bool {
    error.to_string().contains("lock timeout")
}

/// The error for a step that hit `lock_timeout`.
pub(super) fn lock_timeout_error(what: &str, online: &Online, sql: &str) -> DbErr {
    DbErr::Migration(format!(
        "{what} waited longer than lock_timeout {} for a lock that other sessions hold on its table; \
         nothing was changed (the migration's transaction rolled back). Run it again when the table is quieter, \
         or give a longer `--lock-timeout` to gen-migration\n  statement: {sql}",
        online.lock_timeout
    ))
}
