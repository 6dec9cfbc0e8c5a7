//! The migration lock: one runner at a time per database.
//!
//! PostgreSQL: a session advisory lock keyed by the schema; MySQL/MariaDB:
//! `GET_LOCK` named after the database; both belong to the runner's single
//! connection and are taken before anything is read. SQLite: each migration
//! runs in a write transaction (`BEGIN IMMEDIATE`) that starts before the
//! applied migrations are read ([`begin_write`]). A runner that finds the
//! lock taken says who holds it and polls until the lock timeout.
//!
//! Through a PostgreSQL pooler in transaction mode a session lock is taken
//! on one server connection and may be released on another, or never: there
//! the lock is `pg_try_advisory_xact_lock` inside each migration's
//! transaction, taken before the applied migrations are read
//! ([`enter_transaction`]), and every transaction starts and ends with
//! `DEALLOCATE ALL`, as the next one may run on another server connection
//! (the runner's connection keeps no statement cache).

use super::records::backend_of;
use super::runner::{MigrateError, Progress};
use crate::model::Backend;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use std::time::{Duration, Instant};

/// How often a waiting runner tries the lock again.
const POLL: Duration = Duration::from_millis(50);

/// The advisory lock key's first half on PostgreSQL ("fsyn").
const PG_CLASS: i64 = 0x6673_796e;

const PG_KEY: &str = "hashtext(current_schema()) & 2147483647";

const MYSQL_NAME: &str = "LEFT(CONCAT('fsync_schema.migrate.', DATABASE()), 64)";

async fn scalar_i64(db: &impl ConnectionTrait, sql: &str) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten()))
}

async fn try_server_lock(db: &DatabaseConnection, backend: Backend) -> Result<bool, DbErr> {
    let sql = match backend {
        Backend::Postgres => {
            format!(
                "SELECT CASE WHEN pg_try_advisory_lock({PG_CLASS}, {PG_KEY}) THEN 1::int8 ELSE 0::int8 END"
            )
        }
        _ => format!("SELECT GET_LOCK({MYSQL_NAME}, 0)"),
    };
    Ok(scalar_i64(db, &sql).await? == Some(1))
}

/// Who holds the server lock, as well as the catalogue says.
async fn holder(db: &impl ConnectionTrait, backend: Backend) -> String {
    let sql = match backend {
        Backend::Postgres => format!(
            "SELECT 'process ' || a.pid || ' (' || COALESCE(a.usename::text, '?') || '@' \
             || COALESCE(host(a.client_addr), 'local socket') || ', since ' \
             || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') || ')' \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted \
             AND l.classid = {PG_CLASS}::oid AND l.objid = ({PG_KEY})::oid"
        ),
        _ => format!(
            "SELECT CONCAT('connection ', p.id, ' (', p.user, '@', p.host, ')') \
             FROM information_schema.processlist p WHERE p.id = IS_USED_LOCK({MYSQL_NAME})"
        ),
    };
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await;
    match row {
        Ok(Some(row)) => row
            .try_get_by_index::<String>(0)
            .unwrap_or_else(|_| "another runner".to_owned()),
        _ => "another runner".to_owned(),
    }
}

/// Takes the session lock of PostgreSQL or MySQL (nothing on SQLite), waiting
/// up to `timeout`.
pub(crate) async fn acquire(
    db: &DatabaseConnection,
    timeout: Duration,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<(), MigrateError> {
    let backend = backend_of(db);
    if backend == Backend::Sqlite {
        return Ok(());
    }
    let start = Instant::now();
    let mut told = false;
    loop {
        if try_server_lock(db, backend)
            .await
            .map_err(|e| MigrateError::db("taking the migration lock", None, e))?
        {
            return Ok(());
        }
        let holder = holder(db, backend).await;
        if !told {
            progress(&Progress::WaitingForLock {
                holder: holder.clone(),
            });
            told = true;
        }
        if start.elapsed() >= timeout {
            return Err(MigrateError::LockTimeout {
                holder,
                waited: timeout,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Gives the session lock back (closing the connection would too).
pub(crate) async fn release(db: &DatabaseConnection) {
    let sql = match backend_of(db) {
        Backend::Sqlite => return,
        Backend::Postgres => format!("SELECT pg_advisory_unlock({PG_CLASS}, {PG_KEY})"),
        Backend::MySql => format!("SELECT RELEASE_LOCK({MYSQL_NAME})"),
    };
    let _ = db
        .execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await;
}

/// Sets SQLite's busy timeout: how long a statement waits for another
/// connection's lock before failing with "database is locked".
pub(crate) async fn set_busy_timeout(
    db: &impl ConnectionTrait,
    timeout: Duration,
) -> Result<(), MigrateError> {
    // The pragma answers with a row: read it (sqlx's `execute` would not).
    let sql = format!("PRAGMA busy_timeout = {}", timeout.as_millis());
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.clone(),
    ))
    .await
    .map(|_| ())
    .map_err(|e| MigrateError::db("setting the busy timeout", Some(&sql), e))
}

/// A SQLite write transaction (`BEGIN IMMEDIATE`). When another connection
/// writes, says so, then waits up to `timeout` in SQLite's busy handler.
/// Leaves the connection's busy timeout at `timeout`.
pub(crate) async fn begin_write(
    db: &DatabaseConnection,
    path: &str,
    timeout: Duration,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<DatabaseTransaction, MigrateError> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let begin_failed =
        |e| MigrateError::db("starting a write transaction", Some("BEGIN IMMEDIATE"), e);
    set_busy_timeout(db, Duration::ZERO).await?;
    // The transaction holds the single connection: the timeout is set back
    // through it.
    match db.begin_with_options(options).await {
        Ok(transaction) => {
            set_busy_timeout(&transaction, timeout).await?;
            return Ok(transaction);
        }
        Err(error) if is_busy(&error) => set_busy_timeout(db, timeout).await?,
        Err(error) => {
            set_busy_timeout(db, timeout).await?;
            return Err(begin_failed(error));
        }
    }
    let holder = format!("another connection writing {path}");
    progress(&Progress::WaitingForLock {
        holder: holder.clone(),
    });
    match db.begin_with_options(options).await {
        Ok(transaction) => Ok(transaction),
        Err(error) if is_busy(&error) => Err(MigrateError::LockTimeout {
            holder,
            waited: timeout,
        }),
        Err(error) => Err(begin_failed(error)),
    }
}

fn is_busy(error: &DbErr) -> bool {
    let text = error.to_string();
    text.contains("database is locked") || text.contains("database is busy")
}

/// `DEALLOCATE ALL`: the prepared statements of the server connection a
/// pooler lent, whoever left them, dropped (a statement named like one of
/// ours would make ours fail).
pub(crate) async fn deallocate(db: &impl ConnectionTrait) -> Result<(), MigrateError> {
    db.execute_unprepared("DEALLOCATE ALL")
        .await
        .map(|_| ())
        .map_err(|e| MigrateError::db("clearing prepared statements", Some("DEALLOCATE ALL"), e))
}

/// Through a transaction pooler: the start of each of the runner's
/// PostgreSQL transactions. Drops leftover prepared statements, then takes
/// the transaction-level advisory lock (released by the commit or rollback),
/// waiting up to `timeout`.
pub(crate) async fn enter_transaction(
    tx: &DatabaseTransaction,
    timeout: Duration,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<(), MigrateError> {
    deallocate(tx).await?;
    let sql = format!(
        "SELECT CASE WHEN pg_try_advisory_xact_lock({PG_CLASS}, {PG_KEY}) THEN 1::int8 ELSE 0::int8 END"
    );
    let start = Instant::now();
    let mut told = false;
    loop {
        let taken = scalar_i64(tx, &sql)
            .await
            .map_err(|e| MigrateError::db("taking the migration lock", Some(&sql), e))?;
        if taken == Some(1) {
            return Ok(());
        }
        let holder = holder(tx, Backend::Postgres).await;
        if !told {
            progress(&Progress::WaitingForLock {
                holder: holder.clone(),
            });
            told = true;
        }
        if start.elapsed() >= timeout {
            return Err(MigrateError::LockTimeout {
                holder,
                waited: timeout,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}
