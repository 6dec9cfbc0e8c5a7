//! Opening a database from a URL, failing fast and saying why.
//!
//! A refused port fails at once naming `host:port`; a host that does not
//! answer fails after [`ConnectSettings::connect_timeout`]; a SQLite file that
//! cannot be opened is named with the reason. No message carries a password:
//! every URL shown goes through [`redact`].

use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to open the database.
#[derive(Clone, Debug)]
pub struct ConnectSettings {
    /// How long to wait for a server to answer (TCP connect and handshake).
    pub connect_timeout: Duration,
    /// One connection only. `migrate` needs it: the migration lock belongs to
    /// a session, and SQLite `PRAGMA`s apply to one connection.
    pub single_connection: bool,
    /// Refuse `sqlite:` URLs that name no file (an in-memory database that
    /// vanishes on exit: nothing would be migrated anywhere).
    pub require_file: bool,
    /// Open SQLite read-only and never create the file (`migrate status`).
    pub read_only: bool,
}

impl Default for ConnectSettings {
    fn default() -> Self {
        ConnectSettings {
            connect_timeout: Duration::from_secs(5),
            single_connection: false,
            require_file: false,
            read_only: false,
        }
    }
}

impl ConnectSettings {
    /// The settings of the commands that only read (`diff`, `pull`): one
    /// connection, SQLite opened read-only (a missing file is an error).
    pub fn read(connect_timeout: Duration) -> Self {
        ConnectSettings {
            connect_timeout,
            single_connection: true,
            require_file: false,
            read_only: true,
        }
    }

    /// The settings of `migrate`: one connection, a file for SQLite.
    pub fn migrate(connect_timeout: Duration) -> Self {
        ConnectSettings {
            connect_timeout,
            single_connection: true,
            require_file: true,
            read_only: false,
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
    #[error("cannot connect to {address}: {reason}")]
    Server { address: String, reason: String },
    #[error("cannot connect to `{url}`: {reason}")]
    Other { url: String, reason: String },
}

/// The database a URL names, for messages: the URL without its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file.
    SqliteFile(PathBuf),
    /// An in-memory SQLite database.
    SqliteMemory,
    /// A PostgreSQL or MySQL server.
    Server {
        /// `postgres` or `mysql`.
        scheme: String,
        host: String,
        port: u16,
        /// The URL, password replaced by `***`.
        redacted: String,
    },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::SqliteFile(path) => write!(f, "{} (SQLite)", path.display()),
            Target::SqliteMemory => write!(f, "in-memory SQLite"),
            Target::Server { redacted, .. } => write!(f, "{redacted}"),
        }
    }
}

impl Target {
    /// Reads a database URL.
    pub fn parse(url: &str) -> Result<Target, ConnectError> {
        let (scheme, rest) = url
            .split_once(':')
            .ok_or_else(|| ConnectError::Scheme { url: redact(url) })?;
        match scheme {
            "sqlite" => {
                let path = rest.trim_start_matches("//");
                let path = path.split_once('?').map_or(path, |(path, _)| path);
                if path.is_empty() || path == ":memory:" || rest.contains("mode=memory") {
                    Ok(Target::SqliteMemory)
                } else {
                    Ok(Target::SqliteFile(PathBuf::from(path)))
                }
            }
            "postgres" | "postgresql" | "mysql" | "mariadb" => {
                let scheme = if scheme.starts_with("postgres") {
                    "postgres"
                } else {
                    "mysql"
                };
                let default_port = if scheme == "postgres" { 5432 } else { 3306 };
                let authority = rest.trim_start_matches("//");
                let authority = authority.split(['/', '?']).next().unwrap_or_default();
                let host_port = authority
                    .rsplit_once('@')
                    .map_or(authority, |(_, host)| host);
                let (host, port) = match host_port.rsplit_once(':') {
                    Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                        let port = port.parse().map_err(|_| ConnectError::Other {
                            url: redact(url),
                            reason: format!("`{port}` is not a port number"),
                        })?;
                        (host, port)
                    }
                    _ => (host_port, default_port),
                };
                Ok(Target::Server {
                    scheme: scheme.to_owned(),
                    host: host.trim_matches(['[', ']']).to_owned(),
                    port,
                    redacted: redact(url),
                })
            }
            _ => Err(ConnectError::Scheme { url: redact(url) }),
        }
    }
}

/// `url` with any password replaced by `***`: the one in `user:password@`
/// and a `password=` query parameter.
pub fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(start) = out.find("://").map(|at| at + 3) {
        let end = out[start..]
            .find(['/', '?'])
            .map_or(out.len(), |at| start + at);
        if let Some(at) = out[start..end].rfind('@').map(|at| start + at)
            && let Some(colon) = out[start..at].find(':').map(|c| start + c)
        {
            out.replace_range(colon + 1..at, "***");
        }
    }
    if let Some(query) = out.find('?') {
        let (base, params) = out.split_at(query + 1);
        let params: Vec<String> = params
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out = format!("{base}{}", params.join("&"));
    }
    out
}

/// `message` with the passwords of `url` (as typed, and percent-decoded)
/// replaced by `***`: for errors that quote the URL they were given.
pub fn redact_in(message: &str, url: &str) -> String {
    let mut out = message.replace(url, &redact(url));
    for secret in passwords(url) {
        if !secret.is_empty() {
            out = out.replace(&secret, "***");
        }
    }
    out
}

fn passwords(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(start) = url.find("://").map(|at| at + 3) {
        let end = url[start..]
            .find(['/', '?'])
            .map_or(url.len(), |at| start + at);
        if let Some((user_info, _)) = url[start..end].rsplit_once('@')
            && let Some((_, password)) = user_info.split_once(':')
        {
            out.push(password.to_owned());
            out.push(percent_decoded(password));
        }
    }
    if let Some((_, query)) = url.split_once('?') {
        for param in query.split('&') {
            if let Some((key, value)) = param.split_once('=')
                && key.eq_ignore_ascii_case("password")
            {
                out.push(value.to_owned());
            }
        }
    }
    out
}

/// Opens `url` as `settings` say.
///
/// Servers are first reached with a plain TCP connect (bounded by the
/// connect timeout), so a refused port or a silent host is reported with
/// its `host:port` before any pool waits. SQLite gets one connection with
/// foreign keys enforced, not pinged before each statement.
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
                url = sqlite_read_only(&url);
            }
        }
        Target::Server { host, port, .. } => {
            reach(host, *port, settings.connect_timeout).await?;
        }
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .connect_timeout(settings.connect_timeout)
        .acquire_timeout(settings.connect_timeout);
    if settings.single_connection {
        options.max_connections(1).min_connections(1);
    }
    if settings.single_connection
        && matches!(&target, Target::Server { scheme, .. } if scheme == "postgres")
    {
        // Through a pooler in transaction mode the next transaction may run
        // on another server connection, where a cached statement is gone.
        options.map_sqlx_postgres_opts(|pg| pg.statement_cache_capacity(0));
    }
    if matches!(target, Target::SqliteFile(_) | Target::SqliteMemory) {
        options
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false);
    }
    Database::connect(options).await.map_err(|error| {
        let mut reason = clean_message(&redact_in(&error.to_string(), &url));
        if let Some(hint) = pooler_hint(&reason) {
            reason = format!("{reason}; {hint}");
        }
        if reason.contains("timed out") {
            reason = format!(
                "no answer within {} s (the connect timeout): {reason}",
                settings.connect_timeout.as_secs_f64()
            );
        }
        match target {
            Target::SqliteFile(path) => ConnectError::Sqlite { path, reason },
            Target::Server { host, port, .. } => ConnectError::Server {
                address: format!("{host}:{port}"),
                reason,
            },
            Target::SqliteMemory => ConnectError::Other {
                url: redact(&url),
                reason,
            },
        }
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

/// The error's text, with PostgreSQL's DETAIL and HINT when the server gave
/// them (`Key (name)=(x) is duplicated.`): the line an operator needs.
pub fn error_text(error: &sea_orm::DbErr) -> String {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let mut text = error.to_string();
    if let DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) = error
        && let sqlx::Error::Database(e) = &**e
        && let Some(e) = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
    {
        for (label, part) in [("detail", e.detail()), ("hint", e.hint())] {
            if let Some(part) = part {
                text += &format!("\n  {label}: {part}");
            }
        }
    }
    text
}

/// A database error's message without the layers of wrapping that sqlx and
/// SeaORM put around the server's words, nor PostgreSQL's source position
/// (" at line 2665" is a line of the server's C code, not of the statement).
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
    text.lines()
        .map(|line| match line.rfind(" at line ") {
            Some(at)
                if line[at + 9..].chars().all(|c| c.is_ascii_digit()) && at + 9 < line.len() =>
            {
                &line[..at]
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The SQLite URL with `mode=ro` in place of any other mode.
fn sqlite_read_only(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("mode="))
        .collect();
    params.push("mode=ro");
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

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:s3cret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("mysql://root@h/db?password=x&ssl=on"),
            "mysql://root@h/db?password=***&ssl=on"
        );
        assert_eq!(redact("postgress://u:p@h/db"), "postgress://u:***@h/db");
        assert_eq!(
            redact_in(
                "bad url postgres://u:p%40ss@h/db (p@ss)",
                "postgres://u:p%40ss@h/db"
            ),
            "bad url postgres://u:***@h/db (***)"
        );
    }

    #[test]
    fn targets() {
        assert_eq!(Target::parse("sqlite:").unwrap(), Target::SqliteMemory);
        assert_eq!(Target::parse("sqlite://").unwrap(), Target::SqliteMemory);
        assert_eq!(
            Target::parse("sqlite::memory:").unwrap(),
            Target::SqliteMemory
        );
        assert_eq!(
            Target::parse("sqlite://a/b.db?mode=rwc").unwrap(),
            Target::SqliteFile("a/b.db".into())
        );
        let Target::Server { host, port, .. } =
            Target::parse("postgres://u:p@127.0.0.1:5499/db").unwrap()
        else {
            panic!()
        };
        assert_eq!((host.as_str(), port), ("127.0.0.1", 5499));
        let Target::Server { port, .. } = Target::parse("mysql://root@localhost/test").unwrap()
        else {
            panic!()
        };
        assert_eq!(port, 3306);
        assert!(matches!(
            Target::parse("postgress://u:secret@h/db"),
            Err(ConnectError::Scheme { url }) if !url.contains("secret")
        ));
    }
}
