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
//!
//! On a MariaDB Galera cluster `GET_LOCK` holds on one node only (it is not
//! replicated): there the lock is a row of [`GALERA_LOCK`], inserted by one
//! runner at a time (the cluster certifies one insert of the key and aborts
//! the others with a deadlock error), naming the node (its gcomm UUID) and
//! the connection. A row whose node left the cluster, or whose connection on
//! this node is gone, is stale and taken over ([`Progress::TookOverLock`]).

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

/// A connection of its own for the runner when `db` is a PostgreSQL or
/// MySQL pool of several connections: the session lock, the migrations and
/// the release must run on one connection, and a pool may hand each
/// statement another (the release would then leave the lock held). `None`
/// when `db` is SQLite or already a single connection.
pub(crate) async fn own_session(
    db: &DatabaseConnection,
) -> Result<Option<DatabaseConnection>, DbErr> {
    if max_connections(db) <= 1 {
        return Ok(None);
    }
    another_connection(db).await.map(Some)
}

/// The most connections `db`'s pool opens (1 for SQLite here: the runner
/// never opens another SQLite connection).
fn max_connections(db: &DatabaseConnection) -> u32 {
    match backend_of(db) {
        #[cfg(feature = "postgres")]
        Backend::Postgres => db
            .get_postgres_connection_pool()
            .options()
            .get_max_connections(),
        #[cfg(feature = "mysql")]
        Backend::MySql => db
            .get_mysql_connection_pool()
            .options()
            .get_max_connections(),
        _ => 1,
    }
}

/// A new PostgreSQL or MySQL pool of one connection with `db`'s options
/// (its `after_connect`, a tenant's `search_path`, the lock timeout), kept
/// while it is used (no idle timeout, no maximum lifetime).
pub(crate) async fn another_connection(
    db: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    match backend_of(db) {
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            let single = pool
                .options()
                .clone()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with((*pool.connect_options()).clone())
                .await
                .map_err(connect_error)?;
            Ok(sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(
                single,
            ))
        }
        #[cfg(feature = "mysql")]
        Backend::MySql => {
            let pool = db.get_mysql_connection_pool();
            let single = pool
                .options()
                .clone()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with((*pool.connect_options()).clone())
                .await
                .map_err(connect_error)?;
            Ok(sea_orm::SqlxMySqlConnector::from_sqlx_mysql_pool(single))
        }
        other => Err(DbErr::Custom(format!(
            "no second connection is opened on {}",
            other.name()
        ))),
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn connect_error(error: impl std::fmt::Display) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::Internal(error.to_string()))
}

/// Takes the session lock of PostgreSQL or MySQL (nothing on SQLite; the
/// lock row on Galera), waiting up to `timeout`.
pub(crate) async fn acquire(
    db: &DatabaseConnection,
    galera: bool,
    timeout: Duration,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<(), MigrateError> {
    let backend = backend_of(db);
    if backend == Backend::Sqlite {
        return Ok(());
    }
    if galera {
        return acquire_row(db, timeout, progress).await;
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

/// Gives the session lock back (closing the connection would too), or
/// deletes this connection's lock row on Galera.
pub(crate) async fn release(db: &DatabaseConnection, galera: bool) {
    let sql = match backend_of(db) {
        Backend::Sqlite => return,
        Backend::MySql if galera => format!(
            "DELETE FROM {GALERA_LOCK} WHERE name = 'migrate' AND connection_id = CONNECTION_ID() \
             AND node_uuid = ({OWN_NODE})"
        ),
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
    // The connection's own lock timeout may not have reached the server
    // through the pooler; this transaction's statements wait no longer.
    let bound = format!(
        "SELECT set_config('lock_timeout', '{}', true)",
        timeout.as_millis().max(1)
    );
    tx.execute_raw(Statement::from_string(
        sea_orm::DbBackend::Postgres,
        bound.clone(),
    ))
    .await
    .map_err(|e| MigrateError::db("bounding lock waits", Some(&bound), e))?;
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

/// The table of the migration lock on a Galera cluster.
pub const GALERA_LOCK: &str = "fsync_schema_lock";

/// This node's gcomm UUID (the `node_uuid` of `mysql.wsrep_cluster_members`).
const OWN_NODE: &str = "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS \
                        WHERE VARIABLE_NAME = 'WSREP_GCOMM_UUID'";

#[cfg(not(feature = "mysql"))]
fn mysql_code(_: &DbErr) -> Option<u16> {
    None
}

#[cfg(feature = "mysql")]
fn mysql_code(error: &DbErr) -> Option<u16> {
    use sea_orm::{RuntimeErr, sqlx};
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                sqlx::Error::Database(e) => e
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .map(|e| e.number()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The lock row's holder, read back: whether it is stale, and who it is.
async fn row_holder(db: &DatabaseConnection) -> Result<Option<(bool, String, String)>, DbErr> {
    let sql = format!(
        "SELECT l.node_uuid, l.connection_id, \
         CONCAT('connection ', l.connection_id, ' (', l.holder, ') on Galera node ', l.node_name, \
                ', since ', FROM_UNIXTIME(l.taken_at)), \
         (SELECT COUNT(*) FROM mysql.wsrep_cluster_members m WHERE m.node_uuid = l.node_uuid), \
         l.node_uuid = ({OWN_NODE}), \
         (SELECT COUNT(*) FROM information_schema.processlist p WHERE p.id = l.connection_id) \
         FROM {GALERA_LOCK} l WHERE l.name = 'migrate'"
    );
    let Some(row) = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
    else {
        return Ok(None);
    };
    let node: String = row.try_get_by_index(0)?;
    let connection: i64 = row.try_get_by_index(1)?;
    let holder: String = row.try_get_by_index(2)?;
    let in_cluster: i64 = row.try_get_by_index(3)?;
    let own_node: i64 = row.try_get_by_index(4)?;
    let alive_here: i64 = row.try_get_by_index(5)?;
    let stale = in_cluster == 0 || (own_node == 1 && alive_here == 0);
    let key = format!(
        "node_uuid = '{}' AND connection_id = {connection}",
        node.replace('\'', "''")
    );
    Ok(Some((stale, holder, key)))
}

/// Galera: inserts the lock row, taking over a stale one, waiting up to
/// `timeout`. DDL runs in total order isolation (`wsrep_OSU_method = TOI`)
/// and reads wait for what the cluster committed before (`wsrep_sync_wait`).
async fn acquire_row(
    db: &DatabaseConnection,
    timeout: Duration,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<(), MigrateError> {
    let failed = |sql: &str, e| MigrateError::db("taking the migration lock", Some(sql), e);
    for sql in [
        "SET SESSION wsrep_OSU_method = 'TOI'".to_owned(),
        "SET SESSION wsrep_sync_wait = 15".to_owned(),
        format!(
            "CREATE TABLE IF NOT EXISTS {GALERA_LOCK} (name varchar(64) NOT NULL PRIMARY KEY, \
             node_uuid varchar(64) NOT NULL, node_name varchar(255) NOT NULL, \
             connection_id bigint NOT NULL, holder varchar(255) NOT NULL, taken_at bigint NOT NULL) \
             ENGINE = InnoDB"
        ),
    ] {
        db.execute_unprepared(&sql)
            .await
            .map_err(|e| failed(&sql, e))?;
    }
    let insert = format!(
        "INSERT INTO {GALERA_LOCK} (name, node_uuid, node_name, connection_id, holder, taken_at) \
         SELECT 'migrate', VARIABLE_VALUE, @@wsrep_node_name, CONNECTION_ID(), USER(), UNIX_TIMESTAMP() \
         FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_GCOMM_UUID'"
    );
    let start = Instant::now();
    let mut told = false;
    loop {
        match db.execute_unprepared(&insert).await {
            Ok(done) if done.rows_affected() == 1 => return Ok(()),
            Ok(_) => {
                return Err(MigrateError::Db {
                    context: "taking the migration lock".to_owned(),
                    statement: Some(insert),
                    message: "this server reports no Galera node UUID (`wsrep_gcomm_uuid`)"
                        .to_owned(),
                });
            }
            // Held (1062), or another node's insert certified first (1213).
            Err(error) if matches!(mysql_code(&error), Some(1062 | 1213)) => {}
            Err(error) => return Err(failed(&insert, error)),
        }
        let read = row_holder(db)
            .await
            .map_err(|e| MigrateError::db("reading the migration lock", None, e))?;
        let Some((stale, holder, key)) = read else {
            continue; // released meanwhile
        };
        if stale {
            let sql = format!("DELETE FROM {GALERA_LOCK} WHERE name = 'migrate' AND {key}");
            match db.execute_unprepared(&sql).await {
                Ok(_) => progress(&Progress::TookOverLock { holder }),
                Err(error) if mysql_code(&error) == Some(1213) => {}
                Err(error) => return Err(failed(&sql, error)),
            }
            continue;
        }
        if !told {
            progress(&Progress::WaitingForLock {
                holder: holder.clone(),
            });
            told = true;
        }
        if start.elapsed() >= timeout {
            return Err(MigrateError::LockTimeout {
                holder: format!(
                    "{holder} (a Galera lock row: if that runner is gone while its node is up, \
                     `DELETE FROM {GALERA_LOCK}` on that node frees it)"
                ),
                waited: timeout,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}
