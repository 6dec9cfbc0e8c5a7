//! What stands between the runner and the data: a connection pooler
//! (PgBouncer), a read-only replica, a Galera cluster. Read once per runner
//! with the simple query protocol (no prepared statement, which a
//! transaction pooler breaks), before anything else; the lock strategy
//! (the runner's `lock` module) and the refusals follow from it.

use super::records::backend_of;
use super::runner::MigrateError;
use crate::model::Backend;
use sea_orm::DatabaseConnection;
#[cfg(any(feature = "postgres", feature = "mysql"))]
use sea_orm::{DbErr, sqlx};
use serde::Serialize;

/// How PostgreSQL connections are pooled, as the user says or as detected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// Detect it: a server that reports another address or port than the
    /// URL's is taken to be behind a pooler in transaction mode.
    #[default]
    Auto,
    /// A session of its own: a direct connection, or a pooler in session
    /// mode. The migration lock is a session advisory lock.
    Session,
    /// A pooler in transaction mode (PgBouncer's `pool_mode = transaction`):
    /// each transaction may run on another server connection. The lock is
    /// taken inside each migration's transaction; what needs a session (the
    /// `.._concurrently` part of online migrations) is refused. The
    /// connection must keep no statement cache: open it with
    /// [`crate::connect::connect`] and [`crate::connect::ConnectSettings::migrate`].
    Transaction,
}

/// What the runner found about the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Topology {
    /// A PostgreSQL pooler in transaction mode (detected or declared).
    pub pooler: Option<Pooler>,
    /// Why the server takes no writes (a hot standby, `read_only`), if it does not.
    pub read_only: Option<String>,
    /// A MariaDB Galera cluster: this node's name.
    pub galera: Option<String>,
}

/// A pooler between the runner and PostgreSQL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pooler {
    /// Where the runner connected (`host:port`).
    pub client: String,
    /// Where the server says it answers (`addr:port`; `None` over a Unix socket).
    pub server: Option<String>,
    /// The server's direct URL, without a password (to run what needs a session).
    pub direct_url: Option<String>,
}

impl std::fmt::Display for Pooler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.server {
            Some(server) => write!(
                f,
                "a pooler or proxy at {} (the server answers at {server})",
                self.client
            ),
            None => write!(
                f,
                "a pooler or proxy at {} (the server is reached over a Unix socket)",
                self.client
            ),
        }
    }
}

/// Reads the topology of `db`'s server; `pooling` is what the user declared.
pub(crate) async fn detect(
    db: &DatabaseConnection,
    pooling: Pooling,
) -> Result<Topology, MigrateError> {
    let failed = |e| MigrateError::db("reading what the server is (replica, pooler)", None, e);
    match backend_of(db) {
        Backend::Sqlite => Ok(Topology::default()),
        #[cfg(feature = "postgres")]
        Backend::Postgres => postgres(db, pooling).await.map_err(failed),
        #[cfg(feature = "mysql")]
        Backend::MySql => mysql(db).await.map_err(failed),
        // Without its driver feature there is no connection to this backend.
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (pooling, failed);
            Ok(Topology::default())
        }
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn sqlx_error(error: sqlx::Error) -> DbErr {
    DbErr::Query(sea_orm::RuntimeErr::SqlxError(error.into()))
}

#[cfg(feature = "postgres")]
async fn postgres(db: &DatabaseConnection, pooling: Pooling) -> Result<Topology, DbErr> {
    use sqlx::Row;
    let pool = db.get_postgres_connection_pool();
    let row = sqlx::raw_sql(
        "SELECT pg_is_in_recovery(), current_setting('transaction_read_only'), \
         host(inet_server_addr()), inet_server_port()",
    )
    .fetch_one(pool)
    .await
    .map_err(sqlx_error)?;
    let in_recovery: bool = row.try_get(0).map_err(sqlx_error)?;
    let read_only: String = row.try_get(1).map_err(sqlx_error)?;
    let server_addr: Option<String> = row.try_get(2).map_err(sqlx_error)?;
    let server_port: Option<i32> = row.try_get(3).map_err(sqlx_error)?;
    let options = pool.connect_options();
    let client_socket = options.get_socket().is_some() || options.get_host().starts_with('/');
    let client = format!("{}:{}", options.get_host(), options.get_port());
    let server = server_addr
        .as_ref()
        .zip(server_port)
        .map(|(addr, port)| format!("{addr}:{port}"));
    let differs = match (client_socket, server_port) {
        (true, None) => false,
        (false, Some(port)) => port != i32::from(options.get_port()),
        _ => true,
    };
    let pooled = match pooling {
        Pooling::Auto => differs,
        Pooling::Session => false,
        Pooling::Transaction => true,
    };
    let pooler = pooled.then(|| Pooler {
        direct_url: server.as_ref().map(|server| {
            format!(
                "postgres://{}@{server}/{}",
                options.get_username(),
                options.get_database().unwrap_or_default()
            )
        }),
        client,
        server: server.clone(),
    });
    let read_only = if in_recovery {
        Some("a read-only replica (a hot standby: `pg_is_in_recovery()` is true)".to_owned())
    } else if read_only == "on" {
        Some("read-only (`default_transaction_read_only` is on)".to_owned())
    } else {
        None
    };
    Ok(Topology {
        pooler,
        read_only,
        galera: None,
    })
}

#[cfg(feature = "mysql")]
async fn mysql(db: &DatabaseConnection) -> Result<Topology, DbErr> {
    use sqlx::Row;
    let pool = db.get_mysql_connection_pool();
    let row = sqlx::raw_sql(
        "SELECT CAST(@@global.read_only AS SIGNED), @@hostname, CAST(@@port AS SIGNED)",
    )
    .fetch_one(pool)
    .await
    .map_err(sqlx_error)?;
    let read_only: i64 = row.try_get(0).map_err(sqlx_error)?;
    let host: String = row.try_get(1).map_err(sqlx_error)?;
    let port: i64 = row.try_get(2).map_err(sqlx_error)?;
    let replica = sqlx::raw_sql("SHOW SLAVE STATUS")
        .fetch_optional(pool)
        .await
        .ok()
        .flatten()
        .is_some();
    let galera = sqlx::raw_sql(
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS \
         WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS'",
    )
    .fetch_optional(pool)
    .await
    .ok()
    .flatten()
    .and_then(|row| row.try_get::<String, _>(0).ok())
    .filter(|status| status == "Primary")
    .map(|_| format!("{host}:{port}"));
    let read_only = match (read_only != 0, replica) {
        (true, true) => Some(format!(
            "a read-only replica (`read_only` is on and it replicates from a primary: `SHOW SLAVE STATUS`) at {host}:{port}"
        )),
        (true, false) => Some(format!(
            "a read-only server (`read_only` is on) at {host}:{port}"
        )),
        (false, true) => Some(format!(
            "a replica (it replicates from a primary: `SHOW SLAVE STATUS`) at {host}:{port}; writes there would diverge from the primary"
        )),
        (false, false) => None,
    };
    Ok(Topology {
        pooler: None,
        read_only,
        galera,
    })
}
