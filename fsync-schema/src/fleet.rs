//! Migrating a fleet of databases in one call: one SQLite file per library
//! or per user, a database or a PostgreSQL schema per tenant.
//!
//! A [`Fleet`] is a list of [`Member`]s (URLs, SQLite globs expanded by
//! [`expand`], tenant schemas by [`tenants`]); [`Fleet::run`] opens each,
//! runs a [`Runner`] command on it, at most [`Fleet::jobs`] at a time, and
//! returns one [`MemberReport`] per database. A member that fails does not
//! stop the others; a rerun does only what is left, as each database keeps
//! its own record of what is applied. What an application calls at start-up:
//!
//! ```ignore
//! let urls = libraries.iter().map(|lib| format!("sqlite://{}?mode=rwc", lib.db_path.display()));
//! let report = fsync_schema::fleet::Fleet::new(urls.map(Member::url))
//!     .up::<migrations::Migrator>()
//!     .await;
//! if report.failed() > 0 { /* report.members says which, and why */ }
//! ```

use crate::connect::{self, ConnectError, ConnectSettings, Target};
use crate::migration::{Command, GeneratedMigrator, RunReport, Runner, StatusReport};
use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use std::time::{Duration, Instant};

/// One database of a fleet: a URL, and for PostgreSQL the schema to run in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The database URL (`sqlite:`, `postgres:`, `mysql:`).
    pub url: String,
    /// A PostgreSQL schema (a tenant): the connection's `search_path`.
    pub schema: Option<String>,
}

impl Member {
    /// A whole database.
    pub fn url(url: impl Into<String>) -> Self {
        Member {
            url: url.into(),
            schema: None,
        }
    }

    /// The URL that opens the member: for a schema, the server's URL with
    /// `options[search_path]`, so every session of it starts in the schema.
    fn connect_url(&self) -> String {
        let Some(schema) = &self.schema else {
            return self.url.clone();
        };
        let separator = if self.url.contains('?') { '&' } else { '?' };
        let value = format!("\"{schema}\"");
        format!(
            "{}{separator}options%5Bsearch_path%5D={}",
            self.url,
            percent_encoded(&value)
        )
    }
}

impl std::fmt::Display for Member {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match Target::parse(&self.url) {
            Ok(target) => write!(f, "{target}")?,
            Err(_) => write!(f, "{}", connect::redact(&self.url))?,
        }
        if let Some(schema) = &self.schema {
            write!(f, " schema {schema}")?;
        }
        Ok(())
    }
}

/// Why a fleet's list of databases is not usable; each message names the
/// place (file:line) and carries no password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FleetError {
    #[error("{place}: `{pattern}` matches no file")]
    NoMatch { place: String, pattern: String },
    #[error("{place}: `{pattern}` is not a valid glob pattern: {reason}")]
    BadPattern {
        place: String,
        pattern: String,
        reason: String,
    },
    #[error(
        "{place}: schema `{schema}` is not a plain name: use letters, digits, `_` and `-` (at most 63 bytes)"
    )]
    BadSchema { place: String, schema: String },
    #[error("{place}: {error}")]
    Url { place: String, error: ConnectError },
    #[error("`--schemas-from` needs one PostgreSQL URL (`-u postgres://..`); {given}")]
    SchemasNeedOnePostgresUrl { given: String },
    #[error("no databases: {0}")]
    Empty(String),
}

/// The entries of a list: one a line, blank lines and `#` comments left
/// out, each with its place (`source:line`).
pub fn read_list(text: &str, source: &str) -> Vec<(String, String)> {
    text.lines()
        .enumerate()
        .map(|(n, line)| (format!("{source}:{}", n + 1), line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(place, line)| (line.to_owned(), place))
        .collect()
}

/// URLs from entries (each with its place): a URL is kept; a path without
/// a scheme is a SQLite file; a SQLite path with `*`, `?` or `[` is a glob,
/// replaced by the files it matches, sorted (one that matches none is an
/// error). The query of a SQLite URL (`?mode=rwc`) is kept on each match.
pub fn expand(entries: &[(String, String)]) -> Result<Vec<String>, FleetError> {
    let mut out = Vec::new();
    for (entry, place) in entries {
        let is_url = entry.contains("://") || entry.starts_with("sqlite:");
        let (path, query) = match is_url {
            true if entry.starts_with("sqlite:") => {
                let rest = entry.trim_start_matches("sqlite:").trim_start_matches("//");
                match rest.split_once('?') {
                    Some((path, query)) => (path.to_owned(), format!("?{query}")),
                    None => (rest.to_owned(), String::new()),
                }
            }
            true => {
                Target::parse(entry).map_err(|error| FleetError::Url {
                    place: place.clone(),
                    error,
                })?;
                out.push(entry.clone());
                continue;
            }
            false => (entry.clone(), String::new()),
        };
        if !path.contains(['*', '?', '[']) {
            out.push(format!("sqlite://{path}{query}"));
            continue;
        }
        let bad = |reason: String| FleetError::BadPattern {
            place: place.clone(),
            pattern: path.clone(),
            reason,
        };
        let mut matched: Vec<String> = glob::glob(&path)
            .map_err(|e| bad(e.to_string()))?
            .map(|found| found.map(|p| p.display().to_string()))
            .collect::<Result<_, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if matched.is_empty() {
            return Err(FleetError::NoMatch {
                place: place.clone(),
                pattern: path,
            });
        }
        matched.sort();
        out.extend(matched.into_iter().map(|p| format!("sqlite://{p}{query}")));
    }
    Ok(out)
}

/// Whether `entry` (a URL or a path) is a SQLite glob: `*`, `?` or `[` in
/// its path, not its query.
pub fn is_glob(entry: &str) -> bool {
    match entry.strip_prefix("sqlite:") {
        Some(rest) => {
            let path = rest.trim_start_matches("//");
            let path = path.split_once('?').map_or(path, |(path, _)| path);
            path.contains(['*', '['])
        }
        None if entry.contains("://") => false,
        None => entry.contains(['*', '?', '[']),
    }
}

/// A member per schema (each with its place) on the PostgreSQL server at `url`.
pub fn tenants(url: &str, schemas: &[(String, String)]) -> Result<Vec<Member>, FleetError> {
    match Target::parse(url) {
        Ok(Target::Server { scheme, .. }) if scheme == "postgres" => {}
        _ => {
            return Err(FleetError::SchemasNeedOnePostgresUrl {
                given: format!("got `{}`", connect::redact(url)),
            });
        }
    }
    schemas
        .iter()
        .map(|(schema, place)| {
            let plain = !schema.is_empty()
                && schema.len() <= 63
                && schema
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            match plain {
                true => Ok(Member {
                    url: url.to_owned(),
                    schema: Some(schema.clone()),
                }),
                false => Err(FleetError::BadSchema {
                    place: place.clone(),
                    schema: schema.clone(),
                }),
            }
        })
        .collect()
}

/// What to do on every member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Where each migration stands (read-only: creates no file or table).
    Status,
    /// A runner command; `force` lets destructive ones drop rows.
    Run { command: Command, force: bool },
}

/// What happened on one member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ran(RunReport),
    Status(StatusReport),
    /// The error, as a command prints it (no password).
    Failed(String),
}

/// One member's line of a [`FleetReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberReport {
    /// The member, its password redacted.
    pub database: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

impl MemberReport {
    /// One line: `ok`/`FAILED`, the database, what happened.
    pub fn line(&self) -> String {
        match &self.outcome {
            Outcome::Ran(report) => format!("ok      {}: {}", self.database, report.summary()),
            Outcome::Status(report) => {
                format!("ok      {}: {}", self.database, report.summary())
            }
            Outcome::Failed(error) => {
                let first = error.lines().next().unwrap_or_default();
                format!("FAILED  {}: {first}", self.database)
            }
        }
    }

    fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
    }
}

/// What a fleet run did, one report per member in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FleetReport {
    pub members: Vec<MemberReport>,
}

impl FleetReport {
    /// How many members failed.
    pub fn failed(&self) -> usize {
        self.members.iter().filter(|m| m.failed()).count()
    }

    /// The total, one line: how many databases changed, were up to date,
    /// have pending migrations, failed.
    pub fn summary(&self) -> String {
        let mut changed = 0;
        let mut untouched = 0;
        let mut current = 0;
        let mut pending = 0;
        for member in &self.members {
            match &member.outcome {
                Outcome::Ran(r) => match changed_anything(r) {
                    true => changed += 1,
                    false => untouched += 1,
                },
                Outcome::Status(s) => match s.migrations.iter().all(|m| m.state == "applied") {
                    true => current += 1,
                    false => pending += 1,
                },
                Outcome::Failed(_) => {}
            }
        }
        let mut parts = Vec::new();
        if changed + untouched > 0 {
            parts.push(format!("{changed} changed, {untouched} had nothing to do"));
        }
        if current + pending > 0 {
            parts.push(format!(
                "{current} up to date, {pending} with pending migrations"
            ));
        }
        parts.push(format!("{} failed", self.failed()));
        format!("{} database(s): {}", self.members.len(), parts.join(", "))
    }
}

/// Whether a run changed the database (repaired, dropped, rolled back or applied).
fn changed_anything(report: &RunReport) -> bool {
    !(report.recovered.is_empty()
        && report.dropped.is_empty()
        && report.rolled_back.is_empty()
        && report.applied.is_empty())
}

/// A set of databases migrated together; see the [module](self).
pub struct Fleet {
    members: Vec<Member>,
    jobs: usize,
    connect_timeout: Duration,
    lock_timeout: Duration,
}

impl Fleet {
    /// A fleet of `members`, run [`Fleet::jobs`] at a time (default: four
    /// per CPU, as a job mostly waits on a disk or a server). A database listed twice (a glob and its own line)
    /// is kept once, where it first appears.
    pub fn new(members: impl IntoIterator<Item = Member>) -> Self {
        let mut seen = std::collections::HashSet::new();
        Fleet {
            members: members
                .into_iter()
                .filter(|member| seen.insert(member.to_string()))
                .collect(),
            jobs: 4 * std::thread::available_parallelism().map_or(2, usize::from),
            connect_timeout: Duration::from_secs(5),
            lock_timeout: Duration::from_secs(60),
        }
    }

    /// How many databases to work on at once (at least 1). Each holds one
    /// connection: on a server, keep it under `max_connections`.
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// How long to wait for a server to answer (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long each runner waits for another one's lock (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The members, in order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// `migrate up` on every member with `M`'s migrations: what an
    /// application calls at start-up.
    pub async fn up<M: GeneratedMigrator>(&self) -> FleetReport {
        let task = Task::Run {
            command: Command::Up(None),
            force: false,
        };
        self.run(task, |db| Ok(Runner::generated::<M>(db)), |_| {})
            .await
    }

    /// Runs `task` on every member, with the runner `runner` builds for its
    /// connection (an `Err` fails that member), calling `done` as each
    /// member finishes. Members that fail do not stop the others.
    pub async fn run<F, D>(&self, task: Task, runner: F, done: D) -> FleetReport
    where
        F: for<'c> Fn(&'c DatabaseConnection) -> Result<Runner<'c>, String>,
        D: Fn(&MemberReport),
    {
        let runner = &runner;
        let done = &done;
        let mut members: Vec<(usize, MemberReport)> =
            futures_util::stream::iter(self.members.iter().enumerate())
                .map(|(index, member)| async move {
                    let start = Instant::now();
                    let outcome = match self.run_one(member, task, runner).await {
                        Ok(outcome) => outcome,
                        Err(error) => Outcome::Failed(error),
                    };
                    let report = MemberReport {
                        database: member.to_string(),
                        outcome,
                        millis: start.elapsed().as_millis() as u64,
                    };
                    done(&report);
                    (index, report)
                })
                .buffer_unordered(self.jobs)
                .collect()
                .await;
        members.sort_by_key(|(index, _)| *index);
        FleetReport {
            members: members.into_iter().map(|(_, report)| report).collect(),
        }
    }

    async fn run_one<F>(&self, member: &Member, task: Task, runner: &F) -> Result<Outcome, String>
    where
        F: for<'c> Fn(&'c DatabaseConnection) -> Result<Runner<'c>, String>,
    {
        let url = member.connect_url();
        let settings = match task {
            Task::Status => ConnectSettings {
                read_only: true,
                ..ConnectSettings::migrate(self.connect_timeout)
            },
            Task::Run { .. } => ConnectSettings::migrate(self.connect_timeout),
        };
        let db = match connect::connect(&url, &settings).await {
            Ok(db) => db,
            Err(ConnectError::NoSuchFile { .. }) if task == Task::Status => {
                let report = runner_of_nothing(runner).await?;
                return Ok(Outcome::Status(report));
            }
            Err(error) => return Err(error.to_string()),
        };
        let outcome = self.run_connected(&db, member, task, runner).await;
        let _ = db.close().await;
        outcome
    }

    async fn run_connected<F>(
        &self,
        db: &DatabaseConnection,
        member: &Member,
        task: Task,
        runner: &F,
    ) -> Result<Outcome, String>
    where
        F: for<'c> Fn(&'c DatabaseConnection) -> Result<Runner<'c>, String>,
    {
        if let (
            Some(schema),
            Task::Run {
                command: Command::Up(_),
                ..
            },
        ) = (&member.schema, task)
        {
            let sql = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
            db.execute_unprepared(&sql).await.map_err(|e| {
                format!(
                    "creating schema `{schema}`: {}",
                    connect::clean_message(&e.to_string())
                )
            })?;
        }
        let runner = runner(db)?.lock_timeout(self.lock_timeout);
        match task {
            Task::Status => runner.status().await.map(Outcome::Status),
            Task::Run { command, force } => runner.run(command, force).await.map(Outcome::Ran),
        }
        .map_err(|e| e.to_string())
    }
}

/// The status of a database not made yet (all pending), from the runner's
/// migrations: the runner is built on a throwaway in-memory database.
async fn runner_of_nothing<F>(runner: &F) -> Result<StatusReport, String>
where
    F: for<'c> Fn(&'c DatabaseConnection) -> Result<Runner<'c>, String>,
{
    let db = connect::connect("sqlite::memory:", &ConnectSettings::default())
        .await
        .map_err(|e| e.to_string())?;
    let report = runner(&db)?.status().await.map_err(|e| e.to_string());
    let _ = db.close().await;
    report
}

/// `text` with the characters a URL query value cannot hold percent-encoded.
fn percent_encoded(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_skip_blanks_and_comments_and_keep_their_place() {
        let list = read_list("# tenants\n\nsqlite://a.db\n  b.db  \n", "fleet.txt");
        assert_eq!(
            list,
            vec![
                ("sqlite://a.db".to_owned(), "fleet.txt:3".to_owned()),
                ("b.db".to_owned(), "fleet.txt:4".to_owned()),
            ]
        );
    }

    #[test]
    fn sqlite_globs_expand_sorted_with_their_query() {
        let dir = tempfile_dir();
        for name in ["b.db", "a.db", "c.txt"] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let pattern = format!("sqlite://{}/*.db?mode=rwc", dir.display());
        let plain = format!("{}/new.db", dir.display());
        let urls = expand(&[
            (pattern, "list:1".to_owned()),
            (plain.clone(), "list:2".to_owned()),
            ("postgres://u:pw@h/db".to_owned(), "list:3".to_owned()),
        ])
        .unwrap();
        assert_eq!(
            urls,
            vec![
                format!("sqlite://{}/a.db?mode=rwc", dir.display()),
                format!("sqlite://{}/b.db?mode=rwc", dir.display()),
                format!("sqlite://{plain}"),
                "postgres://u:pw@h/db".to_owned(),
            ]
        );
        let none = format!("{}/*.sqlite", dir.display());
        let error = expand(&[(none.clone(), "list:7".to_owned())]).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("list:7: `{none}` matches no file")
        );
        let bad = expand(&[("postgress://u:secret@h/db".to_owned(), "list:2".to_owned())])
            .unwrap_err()
            .to_string();
        assert!(bad.starts_with("list:2: unsupported database URL"), "{bad}");
        assert!(!bad.contains("secret"), "{bad}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("fsync-fleet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_database_listed_twice_is_kept_once() {
        let fleet = Fleet::new([
            Member::url("sqlite://a.db"),
            Member::url("sqlite://b.db"),
            Member::url("sqlite://a.db?mode=rwc"),
        ]);
        assert_eq!(fleet.members().len(), 2);
        assert_eq!(fleet.members()[0].url, "sqlite://a.db");
    }

    #[test]
    fn tenant_schemas_are_plain_names_on_one_postgres_url() {
        let schemas = vec![("tenant_1".to_owned(), "s:1".to_owned())];
        let members = tenants("postgres://u:pw@h/db", &schemas).unwrap();
        assert_eq!(
            members[0].connect_url(),
            "postgres://u:pw@h/db?options%5Bsearch_path%5D=%22tenant_1%22"
        );
        assert_eq!(
            members[0].to_string(),
            "postgres://u:***@h/db schema tenant_1"
        );
        let bad = vec![("a b\"".to_owned(), "s:4".to_owned())];
        assert!(matches!(
            tenants("postgres://h/db", &bad),
            Err(FleetError::BadSchema { place, .. }) if place == "s:4"
        ));
        assert!(matches!(
            tenants("sqlite://x.db", &schemas),
            Err(FleetError::SchemasNeedOnePostgresUrl { .. })
        ));
    }
}
