//! Opening a database from a URL, failing fast and saying why.
//!
//! A refused port fails at once naming `host:port`; a host that does not
//! answer fails after [`ConnectSettings::connect_timeout`]; a SQLite file that
//! cannot be opened is named with the reason. No message carries a password:
//! every URL shown goes through [`redact`].

mod url;

pub use url::{Target, redact, redact_in};

use crate::model::Backend;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;
#[cfg(feature = "mysql")]
use url::query_password;

/// How to open the database.
///
/// Every connection the tools open gets one lock policy: a statement waits
/// at most [`ConnectSettings::lock_timeout`] for a lock another session
/// holds, then fails with a message that names the wait ([`lock_wait_hint`]):
/// PostgreSQL's `lock_timeout` (and `client_connection_check_interval`, so
/// that a session whose client was killed ends, and its locks with it),
/// MySQL's `lock_wait_timeout` and `innodb_lock_wait_timeout`, SQLite's busy
/// timeout.
#[derive(Clone, Debug)]
pub struct ConnectSettings {
    /// How long to wait for a server to answer (TCP connect and handshake).
    pub connect_timeout: Duration,
    /// How long a statement waits for a lock held by another session;
    /// `None` leaves each backend's own (no limit on PostgreSQL, 50 s on
    /// MySQL, 5 s on SQLite), as for an application's connections.
    pub lock_timeout: Option<Duration>,
    /// One connection only, kept for the whole run (no idle timeout nor
    /// maximum lifetime). `migrate` needs it: the migration lock belongs to
    /// a session, and SQLite `PRAGMA`s apply to one connection.
    pub single_connection: bool,
    /// Refuse `sqlite:` URLs that name no file (an in-memory database that
    /// vanishes on exit: nothing would be migrated anywhere).
    pub require_file: bool,
    /// Open SQLite read-only and never create the file (`migrate status`).
    pub read_only: bool,
    /// Told, once, when opening waits for another connection's lock (SQLite).
    pub on_lock_wait: Option<fn(&str)>,
}

impl Default for ConnectSettings {
    fn default() -> Self {
        ConnectSettings {
            connect_timeout: Duration::from_secs(5),
            lock_timeout: None,
            single_connection: false,
            require_file: false,
            read_only: false,
            on_lock_wait: None,
        }
    }
}

impl ConnectSettings {
    /// The settings of the commands that only read (`diff`, `pull`): one
    /// connection, SQLite opened read-only (a missing file is an error),
    /// lock waits of at most 10 s.
    pub fn read(connect_timeout: Duration) -> Self {
        ConnectSettings {
            connect_timeout,
            lock_timeout: Some(Duration::from_secs(10)),
            single_connection: true,
            read_only: true,
            ..ConnectSettings::default()
        }
    }

    /// The settings of `migrate`: one connection, a file for SQLite, lock
    /// waits of at most 60 s.
    pub fn migrate(connect_timeout: Duration) -> Self {
        ConnectSettings {
            connect_timeout,
            lock_timeout: Some(Duration::from_secs(60)),
            single_connection: true,
            require_file: true,
            ..ConnectSettings::default()
        }
    }

    /// These settings with lock waits of at most `timeout`.
    pub fn with_lock_timeout(self, timeout: Duration) -> Self {
        ConnectSettings {
            lock_timeout: Some(timeout),
            ..self
        }
    }
}

/// Why a database could not be opened; every message names the place and
/// carries no password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConnectError {
    #[error("unsupported database URL `{url}`: expected `sqlite:`, `postgres:` or `mysql:`")]
    Scheme { url: String },
    #[error(
        "`{url}` names no SQLite file (an in-memory database, gone on exit); give a path, e.g. `sqlite://fsync.db?mode=rwc`"
    )]
    NoFile { url: String },
    #[error("SQLite database `{}` does not exist", path.display())]
    NoSuchFile { path: PathBuf },
    #[error("unable to open SQLite database `{}`: {reason}", path.display())]
    Sqlite { path: PathBuf, reason: String },
    #[error(
        "gave up after {} s waiting for another connection's lock on SQLite database `{}` (raise `--lock-timeout`, or stop that process)",
        waited.as_secs_f64(), path.display()
    )]
    SqliteLocked { path: PathBuf, waited: Duration },
    #[error(
        "SQLite database `{}` has a hot journal (`{}-journal`): a process was killed in the middle of a write, and a read-only open cannot roll it back; run a command that writes (`migrate up`), or make the file writable, then run this again",
        path.display(), path.display()
    )]
    HotJournal { path: PathBuf },
    #[error("cannot connect to {address}: {reason}")]
    Server { address: String, reason: String },
    #[error("cannot connect to `{url}`: {reason}")]
    Other { url: String, reason: String },
}

/// Opens `url` as `settings` say.
///
/// Servers are first reached with a plain TCP connect (bounded by the
/// connect timeout), so a refused port or a silent host is reported with
/// its `host:port` before any pool waits. SQLite gets one connection with
/// foreign keys enforced, not pinged before each statement; when another
/// connection holds its lock, [`ConnectSettings::on_lock_wait`] is told and
/// the open waits up to the lock timeout. A read-only open of a SQLite file
/// that a killed writer left with a hot journal first rolls the journal
/// back (what any writable open does), or says what to do when the file is
/// not writable.
pub async fn connect(
    url: &str,
    settings: &ConnectSettings,
) -> Result<DatabaseConnection, ConnectError> {
    let target = Target::parse(url)?;
    let mut url = url.to_owned();
    match &target {
        Target::SqliteMemory if settings.require_file => {
            return Err(ConnectError::NoFile { url: redact(&url) });
        }
        Target::SqliteMemory => {}
        Target::SqliteFile(path) => {
            check_sqlite_file(path, &url, settings.read_only)?;
            if settings.read_only {
                roll_back_hot_journal(path, &url, settings).await?;
                url = sqlite_mode(&url, "ro");
            }
        }
        Target::Server { host, port, .. } => {
            reach(host, *port, settings.connect_timeout).await?;
        }
    }
    let (Target::SqliteFile(path), Some(lock_timeout)) = (&target, settings.lock_timeout) else {
        return match open(&url, &target, settings, settings.lock_timeout).await {
            // A pooler (PgBouncer) refuses the `options` startup parameter
            // that carries the lock timeout: connect without it (`migrate`
            // then bounds its lock waits in each transaction).
            Err(ConnectError::Server { reason, .. })
                if settings.lock_timeout.is_some()
                    && reason.contains("unsupported startup parameter: options")
                    && !url.contains("options=") =>
            {
                open(&url, &target, settings, None).await
            }
            opened => opened,
        };
    };
    // Try without waiting first, so that a wait can be announced.
    match open(&url, &target, settings, Some(Duration::ZERO)).await {
        Ok(db) => {
            let sql = format!("PRAGMA busy_timeout = {}", lock_timeout.as_millis());
            let set = db
                .query_all_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Sqlite,
                    sql,
                ))
                .await;
            return match set {
                Ok(_) => Ok(db),
                Err(error) => Err(ConnectError::Sqlite {
                    path: path.clone(),
                    reason: clean_message(&error.to_string()),
                }),
            };
        }
        Err(ConnectError::SqliteLocked { .. }) => {
            if let Some(tell) = settings.on_lock_wait {
                tell(&format!(
                    "another connection holds the lock of {} (waiting up to {} s)",
                    path.display(),
                    lock_timeout.as_secs_f64()
                ));
            }
        }
        Err(other) => return Err(other),
    }
    open(&url, &target, settings, settings.lock_timeout).await
}

/// One attempt at opening `url`, lock waits bounded by `lock_timeout`
/// (when given).
async fn open(
    url: &str,
    target: &Target,
    settings: &ConnectSettings,
    lock_timeout: Option<Duration>,
) -> Result<DatabaseConnection, ConnectError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(settings.connect_timeout)
        .acquire_timeout(settings.connect_timeout);
    if settings.single_connection {
        // Kept for the whole run: a session lock dies with its connection.
        options
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    match target.backend() {
        Backend::Sqlite => {
            options
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false);
            #[cfg(feature = "sqlite")]
            if let Some(timeout) = lock_timeout {
                options.map_sqlx_sqlite_opts(move |o| o.busy_timeout(timeout));
            }
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            postgres_options(&mut options, lock_timeout, settings.single_connection)
        }
        #[cfg(feature = "mysql")]
        Backend::MySql => mysql_options(&mut options, url, lock_timeout),
        // Without its driver, sea-orm refuses the URL with its own error.
        #[allow(unreachable_patterns)]
        _ => {}
    }
    Database::connect(options).await.map_err(|error| {
        let mut reason = clean_message(&redact_in(&error.to_string(), url));
        if let Some(hint) = pooler_hint(&reason) {
            reason = format!("{reason}; {hint}");
        }
        if reason.contains("timed out") {
            reason = format!(
                "no answer within {} s (the connect timeout): {reason}",
                settings.connect_timeout.as_secs_f64()
            );
        }
        match target.clone() {
            Target::SqliteFile(path) if is_locked(&reason) => ConnectError::SqliteLocked {
                path,
                waited: lock_timeout.unwrap_or(Duration::from_secs(5)),
            },
            Target::SqliteFile(path) => ConnectError::Sqlite { path, reason },
            Target::Server { host, port, .. } => ConnectError::Server {
                address: format!("{host}:{port}"),
                reason,
            },
            Target::SqliteMemory => ConnectError::Other {
                url: redact(url),
                reason,
            },
        }
    })
}

/// PostgreSQL's session settings: the lock timeout, no statement cache on a
/// single connection, and a session that ends when its client is gone.
///
/// sea-orm keeps one options function per driver (a second call replaces
/// the first), so everything is set in one.
#[cfg(feature = "postgres")]
fn postgres_options(
    options: &mut ConnectOptions,
    lock_timeout: Option<Duration>,
    single_connection: bool,
) {
    // `lock_timeout = 0` would mean no limit.
    let lock_millis = lock_timeout.map(|timeout| timeout.as_millis().max(1).to_string());
    options.map_sqlx_postgres_opts(move |mut pg| {
        if let Some(millis) = &lock_millis {
            pg = pg.options([("lock_timeout", millis)]);
        }
        if single_connection {
            // Through a pooler in transaction mode the next transaction may
            // run on another server connection, where a cached statement is
            // gone.
            pg = pg.statement_cache_capacity(0);
        }
        pg
    });
    // A server session whose client is gone ends within a second,
    // even while it waits (PostgreSQL 14 and later).
    options.map_sqlx_postgres_pool_opts(|pool| {
        pool.after_connect(|conn, _| {
            Box::pin(async move {
                use sea_orm::sqlx::Executor;
                conn.execute(
                    "SELECT set_config(name, '1000', false) FROM pg_settings \
                         WHERE name = 'client_connection_check_interval'",
                )
                .await
                .map(|_| ())
            })
        })
    });
}

/// MySQL's password from the URL's query, and its lock wait timeouts.
#[cfg(feature = "mysql")]
fn mysql_options(options: &mut ConnectOptions, url: &str, lock_timeout: Option<Duration>) {
    if let Some(password) = query_password(url) {
        options.map_sqlx_mysql_opts(move |o| o.password(&password));
    }
    if let Some(timeout) = lock_timeout {
        let seconds = timeout.as_secs_f64().ceil().max(1.0) as u64;
        let sql = format!(
            "SET SESSION lock_wait_timeout = {seconds}, innodb_lock_wait_timeout = {seconds}"
        );
        options.map_sqlx_mysql_pool_opts(move |pool| {
            let sql = sql.clone();
            pool.after_connect(move |conn, _| {
                let sql = sql.clone();
                Box::pin(async move {
                    use sea_orm::sqlx::{AssertSqlSafe, Executor};
                    conn.execute(AssertSqlSafe(sql)).await.map(|_| ())
                })
            })
        });
    }
}

fn is_locked(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

/// Rolls back the hot journal a killed writer left next to `path`, so that
/// a read-only open can read the file: a writable open does that, changing
/// nothing that was committed. When the file cannot be written, says what
/// to do instead.
async fn roll_back_hot_journal(
    path: &Path,
    url: &str,
    settings: &ConnectSettings,
) -> Result<(), ConnectError> {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if !std::fs::metadata(&journal).is_ok_and(|meta| meta.len() > 0) {
        return Ok(());
    }
    let writable = |p: &Path| std::fs::metadata(p).is_ok_and(|meta| !meta.permissions().readonly());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !writable(path) || !writable(dir) {
        return Err(ConnectError::HotJournal {
            path: path.to_owned(),
        });
    }
    let target = Target::SqliteFile(path.to_owned());
    let db = open(
        &sqlite_mode(url, "rw"),
        &target,
        settings,
        settings.lock_timeout,
    )
    .await?;
    let read = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT COUNT(*) FROM sqlite_master",
        ))
        .await;
    let _ = db.close().await;
    read.map(|_| ()).map_err(|error| ConnectError::Sqlite {
        path: path.to_owned(),
        reason: format!(
            "rolling back the hot journal left by a killed writer: {}",
            clean_message(&error.to_string())
        ),
    })
}

/// What to do when a pooler (PgBouncer) refuses a startup parameter sqlx sends.
fn pooler_hint(reason: &str) -> Option<String> {
    let parameter = reason
        .split("unsupported startup parameter: ")
        .nth(1)?
        .split_whitespace()
        .next()?;
    Some(match parameter {
        "options" => "a pooler (PgBouncer) in between does not pass on the connection's `options` \
                      (a tenant schema's `search_path`): use the server's direct URL"
            .to_owned(),
        _ => format!(
            "a pooler (PgBouncer) in between refuses what sqlx sends: add \
             `ignore_startup_parameters = {parameter}` to its `[pgbouncer]` section"
        ),
    })
}

/// The hint added to an error that ended a lock wait.
const LOCK_WAIT_HINT: &str = "(gave up waiting for a lock another session holds, after the lock timeout: \
     see who holds it (PostgreSQL `pg_locks`, MySQL `SHOW PROCESSLIST`), retry once it is released, or raise `--lock-timeout`)";

/// `message`, with a hint (`gave up waiting for a lock another session holds ..`) when it is the error of a lock wait
/// that timed out (PostgreSQL `lock_timeout`, MySQL lock wait timeouts,
/// SQLite's busy timeout).
pub fn lock_wait_hint(message: &str) -> String {
    let lock_wait = message.contains("due to lock timeout")
        || message.contains("Lock wait timeout exceeded")
        || is_locked(message);
    if lock_wait && !message.contains(LOCK_WAIT_HINT) {
        format!("{message}\n  {LOCK_WAIT_HINT}")
    } else {
        message.to_owned()
    }
}

/// The error's text, with PostgreSQL's DETAIL and HINT when the server gave
/// them (`Key (name)=(x) is duplicated.`): the line an operator needs.
pub fn error_text(error: &sea_orm::DbErr) -> String {
    #[allow(unused_mut)] // only the `postgres` feature adds to it
    let mut text = error.to_string();
    #[cfg(feature = "postgres")]
    postgres_detail(error, &mut text);
    text
}

/// Appends PostgreSQL's DETAIL and HINT of `error` to `text`.
#[cfg(feature = "postgres")]
fn postgres_detail(error: &sea_orm::DbErr, text: &mut String) {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    if let DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) = error
        && let sqlx::Error::Database(e) = &**e
        && let Some(e) = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
    {
        for (label, part) in [("detail", e.detail()), ("hint", e.hint())] {
            if let Some(part) = part {
                *text += &format!("\n  {label}: {part}");
            }
        }
    }
}

/// A database error's message without the layers of wrapping that sqlx and
/// SeaORM put around the server's words, nor PostgreSQL's source position
/// (" at line 2665" is a line of the server's C code, not of the statement);
/// a lock wait that timed out says so ([`lock_wait_hint`]).
pub fn clean_message(message: &str) -> String {
    let mut text = message.to_owned();
    for noise in [
        "Execution Error: ",
        "Query Error: ",
        "Connection Error: ",
        "Migration Error: ",
        "Custom Error: ",
        "error returned from database: ",
        "error communicating with database: ",
    ] {
        text = text.replace(noise, "");
    }
    let text = text
        .lines()
        .map(|line| match line.rfind(" at line ") {
            Some(at)
                if line[at + 9..].chars().all(|c| c.is_ascii_digit()) && at + 9 < line.len() =>
            {
                &line[..at]
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    lock_wait_hint(&text)
}

/// The SQLite URL with `mode=<mode>` in place of any other mode.
fn sqlite_mode(url: &str, mode: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("mode="))
        .collect();
    let mode = format!("mode={mode}");
    params.push(&mode);
    format!("{base}?{}", params.join("&"))
}

/// Names the reason a SQLite file cannot be opened before sqlx tries (its
/// error says only "unable to open database file").
fn check_sqlite_file(path: &Path, url: &str, read_only: bool) -> Result<(), ConnectError> {
    let fail = |reason: String| ConnectError::Sqlite {
        path: path.to_owned(),
        reason,
    };
    let creates = url.contains("mode=rwc") && !read_only;
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(fail("it is a directory".to_owned())),
        Ok(meta) if !read_only && meta.permissions().readonly() => Err(fail(
            "the file is read-only (permission denied for writing)".to_owned(),
        )),
        Ok(_) => std::fs::File::open(path)
            .map(|_| ())
            .map_err(|e| fail(e.to_string())),
        Err(_) if read_only => Err(ConnectError::NoSuchFile {
            path: path.to_owned(),
        }),
        Err(_) if !creates => Err(fail(
            "no such file (add `?mode=rwc` to the URL to create it)".to_owned(),
        )),
        Err(_) => {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            match std::fs::metadata(dir) {
                Err(_) => Err(fail(format!(
                    "directory `{}` does not exist",
                    dir.display()
                ))),
                Ok(meta) if meta.permissions().readonly() => Err(fail(format!(
                    "directory `{}` is not writable (permission denied)",
                    dir.display()
                ))),
                Ok(_) => Ok(()),
            }
        }
    }
}

/// A TCP connect to `host:port` within `timeout`.
async fn reach(host: &str, port: u16, timeout: Duration) -> Result<(), ConnectError> {
    if host.is_empty() {
        return Ok(()); // a Unix socket, given as a query parameter
    }
    let address = format!("{host}:{port}");
    let fail = |reason: String| ConnectError::Server {
        address: address.clone(),
        reason,
    };
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host, port))).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => Err(fail(
            "connection refused (is the server running, on this port?)".to_owned(),
        )),
        Ok(Err(error)) => Err(fail(error.to_string())),
        Err(_) => Err(fail(format!(
            "no answer within {} s (the connect timeout)",
            timeout.as_secs_f64()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_waits_are_named() {
        let pg = clean_message(
            "Execution Error: error returned from database: canceling statement due to lock timeout",
        );
        assert!(
            pg.starts_with(
                "canceling statement due to lock timeout\n  (gave up waiting for a lock"
            )
        );
        assert!(pg.contains("`--lock-timeout`"));
        assert_eq!(lock_wait_hint(&pg), pg, "added once");
        assert_eq!(clean_message("syntax error"), "syntax error");
    }
}
