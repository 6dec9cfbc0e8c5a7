//! The migration runner behind `migrate up|down|status|fresh|refresh|reset`;
//! see [`Runner`].

use super::journal::{self, Entry, Recovery};
use super::records::{self, Object, Record, backend_of, execute};
use super::topology::{self, Pooling, Topology};
use super::{Command, Direction, lock};
use crate::model::{Backend, Schema};
use crate::step::{self, Change, Step};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use sea_orm_migration::{MigrationTrait, MigratorTrait, SchemaManager};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// Something a running command reports as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Another runner holds the migration lock.
    WaitingForLock { holder: String },
    /// The lock row of a runner that is gone (its Galera node left the
    /// cluster, or its connection closed) was deleted, to take the lock.
    TookOverLock { holder: String },
    /// A migration a killed runner left half-run was repaired.
    Recovered(Recovery),
    /// A migration is about to run (`up`) or be rolled back (`down`).
    Starting {
        migration: String,
        direction: Direction,
    },
}

/// Why a command failed. Messages name the migration and the failing
/// statement, and carry no password.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{context}: {message}{}", statement.as_ref().map(|s| format!("\n  statement: {s}")).unwrap_or_default())]
    Db {
        context: String,
        statement: Option<String>,
        message: String,
    },
    #[error("migration `{migration}` failed at {step}: {message}\n  statement: {statement}")]
    Statement {
        migration: String,
        step: String,
        statement: String,
        message: String,
    },
    #[error("migration `{migration}` failed ({direction}): {message}")]
    Migration {
        migration: String,
        direction: &'static str,
        message: String,
    },
    #[error(
        "gave up waiting for the migration lock held by {holder} after {} s (raise the lock timeout, or stop that runner)",
        waited.as_secs_f64()
    )]
    LockTimeout { holder: String, waited: Duration },
    #[error(
        "the database has applied migration(s) this program does not know: {}; a newer version probably ran here: run that version (or one that includes them), nothing was changed",
        names.join(", ")
    )]
    Unknown { names: Vec<String> },
    #[error(
        "`{command}` would drop data: {}; nothing was changed; pass `--force` to go ahead",
        losses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    WouldLoseData { command: String, losses: Vec<Loss> },
    #[error(
        "`{command}` needs the steps of migration `{migration}` (to know what it {purpose}); give the runner its steps, or pass `--force`"
    )]
    NoSteps {
        command: String,
        migration: String,
        purpose: &'static str,
    },
    #[error("`{0}` has no dry run: only `up` and `down` do")]
    NoDryRun(String),
    #[error(
        "`{command}` would drop tables that others depend on: {}; nothing was changed; drop or change those first (`{command}` drops only what the migrations build)",
        dependents.join(", ")
    )]
    Dependents {
        command: String,
        /// `table `user_refs` has a foreign key into `entry``, one each.
        dependents: Vec<String>,
    },
    #[error(
        "the journal says every step of `{migration}` ran ({direction}), but {}; it was not recorded and nothing was changed: look at the database, then delete the row of `{migration}` from `fsync_schema_journal` and run again",
        differences.join(", ")
    )]
    JournalDisagrees {
        migration: String,
        direction: String,
        differences: Vec<String>,
    },
    #[error("{error}\n  before that, this run {}", done.done_lines().join(", "))]
    AfterSome {
        /// What the run did before the error, which stays done.
        done: Box<RunReport>,
        error: Box<MigrateError>,
    },
    #[error(
        "`{command}` changes the database, and the server is {server}; nothing was run: run it on the primary (`status`, `diff` and `pull` work here)"
    )]
    ReadOnly { command: String, server: String },
    #[error(
        "migration `{migration}` runs outside a transaction (`CREATE INDEX CONCURRENTLY`), which needs a session of its own, and this connection goes through {pooler}; the migrations before it are applied: run `migrate up` again with the server's direct URL{} (or through a pooler in session mode), then go on through the pooler; if this URL does reach the server directly (a forwarded port), pass `--pooler session`",
        direct.as_ref().map(|url| format!(", e.g. `{url}` with its password")).unwrap_or_default()
    )]
    NeedsSession {
        migration: String,
        pooler: String,
        direct: Option<String>,
    },
    #[error(
        "`{command}` through {pooler} is not supported (only `up` and `status` are): run it with the server's direct URL{}",
        direct.as_ref().map(|url| format!(", e.g. `{url}` with its password")).unwrap_or_default()
    )]
    Pooled {
        command: String,
        pooler: String,
        direct: Option<String>,
    },
}

impl MigrateError {
    pub(crate) fn db(context: &str, statement: Option<&str>, error: DbErr) -> Self {
        MigrateError::Db {
            context: context.to_owned(),
            statement: statement.map(str::to_owned),
            message: clean(&error),
        }
    }
}

/// A database error's message without the layers of wrapping sqlx and
/// SeaORM put around the server's words, nor the server's source position.
pub(crate) fn clean(error: &DbErr) -> String {
    crate::connect::clean_message(&error.to_string())
}

/// Data a destructive command would drop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loss {
    /// `table `t`` or `column `t.c``.
    pub what: String,
    /// Rows (of a table) or values (of a column).
    pub rows: u64,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} row(s))", self.what, self.rows)
    }
}

/// What a command did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Half-run migrations repaired before the command (MySQL).
    pub recovered: Vec<Recovery>,
    /// Tables `fresh` dropped.
    pub dropped: Vec<String>,
    /// What `fresh` found but the migrations did not create, and left.
    pub left: Vec<Object>,
    /// What `fresh` dropped with the migrations' tables though the
    /// migrations did not create it: indexes (`index `i` on `t``).
    pub dropped_with: Vec<String>,
    /// Migrations this process rolled back, newest first.
    pub rolled_back: Vec<String>,
    /// Migrations this process applied, oldest first.
    pub applied: Vec<String>,
    /// Data dropped because the command was forced.
    pub forced: Vec<Loss>,
    /// Migrations applied now, of `known` in all.
    pub applied_now: usize,
    pub known: usize,
}

impl RunReport {
    /// What this run changed, as `applied m..` / `rolled back m..` phrases.
    pub fn done_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .recovered
            .iter()
            .map(|r| format!("repaired {} ({})", r.migration, r.outcome))
            .collect();
        if !self.dropped.is_empty() {
            out.push(format!("dropped {} table(s)", self.dropped.len()));
        }
        out.extend(self.rolled_back.iter().map(|m| format!("rolled back {m}")));
        out.extend(self.applied.iter().map(|m| format!("applied {m}")));
        out
    }

    /// One line: what changed and where the database stands.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.recovered.is_empty() {
            parts.push(format!("repaired {}", self.recovered.len()));
        }
        if !self.dropped.is_empty() {
            parts.push(format!("dropped {} table(s)", self.dropped.len()));
        }
        if !self.rolled_back.is_empty() {
            parts.push(format!("rolled back {}", self.rolled_back.len()));
        }
        if !self.applied.is_empty() {
            parts.push(format!("applied {}", self.applied.len()));
        }
        let state = format!(
            "{} of {} migration(s) applied",
            self.applied_now, self.known
        );
        if parts.is_empty() {
            format!("nothing to do: {state}")
        } else {
            format!("{}; {state}", parts.join(", "))
        }
    }
}

/// Where each migration stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusReport {
    pub migrations: Vec<MigrationState>,
    /// Applied migrations this program does not know (a newer version ran here).
    pub unknown: Vec<Record>,
    /// A `fresh` a killed runner left half-done (MySQL): some of the
    /// migrations' tables may be gone though their records remain.
    pub fresh: Option<Entry>,
}

/// One migration in a [`StatusReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MigrationState {
    pub name: String,
    /// `applied`, `pending` or `half-applied`.
    pub state: &'static str,
    /// When it was applied (UTC, RFC 3339).
    pub applied_at: Option<String>,
    /// For a half-applied migration: what the journal says.
    pub journal: Option<Entry>,
}

impl StatusReport {
    /// One line: how many are applied, pending, half-applied, unknown.
    pub fn summary(&self) -> String {
        let count = |state: &str| self.migrations.iter().filter(|m| m.state == state).count();
        let mut line = format!("{} applied, {} pending", count("applied"), count("pending"));
        let half = count("half-applied");
        if half > 0 {
            line.push_str(&format!(", {half} half-applied (the next `up` repairs it)"));
        }
        if !self.unknown.is_empty() {
            line.push_str(&format!(
                ", {} unknown (applied by a newer version?)",
                self.unknown.len()
            ));
        }
        if self.fresh.is_some() {
            line.push_str(
                ", and a `fresh` was killed half-way: tables may be gone (the next `up` or `fresh` finishes it)",
            );
        }
        line
    }
}

/// The SQL `up` or `down` would run, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// `up` or `down`.
    pub direction: &'static str,
    /// What the runner runs first (SQLite: foreign keys off, for rebuilds).
    pub before: Vec<String>,
    /// How a migration that runs in a transaction opens it.
    pub begin: &'static str,
    /// What the runner runs last.
    pub after: Vec<String>,
    /// Migrations a killed runner left half-run, repaired first (MySQL).
    pub repairs: Vec<Entry>,
    pub migrations: Vec<PlannedMigration>,
}

/// One migration of a [`Plan`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedMigration {
    pub name: String,
    /// Whether its statements run inside one transaction.
    pub in_transaction: bool,
    /// Its statements, then the one that records it; `None` for a migration
    /// given without steps (its SQL is known only when it runs).
    pub statements: Option<Vec<String>>,
}

/// Runs migrations on one connection: safe to start from several replicas
/// at once, to kill half-way, and to point at a database holding data.
///
/// Built from the migrations (sea-orm-migration's `MigrationTrait` objects,
/// and the [`Step`]s of the generated ones) and a connection opened with
/// [`crate::connect::ConnectSettings::migrate`]. Its commands return typed
/// reports ([`RunReport`], [`StatusReport`], [`Plan`]) that a command line
/// prints as text or JSON. It keeps sea-orm-migration's `seaql_migrations`
/// table, so existing databases keep working.
///
/// - One runner at a time: a PostgreSQL advisory lock, MySQL `GET_LOCK`, or
///   on SQLite a write transaction (`BEGIN IMMEDIATE`) per migration, each
///   taken before reading what is applied. A waiting runner says who holds
///   the lock, waits up to [`Runner::lock_timeout`], then does what is left.
/// - SQLite and PostgreSQL run each migration in one transaction; MySQL
///   journals every statement and repairs a half-run migration first
///   ([`super::journal`]). On PostgreSQL a migration whose
///   `use_transaction()` is `Some(false)` (a generated migration's
///   `Concurrently` part) runs outside one, its record written after it.
/// - `down`, `reset`, `refresh` and `fresh` count the rows of what they would
///   drop and refuse while there are any, unless forced ([`Runner::losses`]).
/// - `fresh` drops only the tables the migrations build, and names the rest.
pub struct Runner<'c> {
    given: &'c DatabaseConnection,
    /// The runner's own single connection when `given` is a pool of several
    /// ([`lock::own_session`]), opened by the first [`Runner::run`].
    own: std::sync::OnceLock<DatabaseConnection>,
    migrations: Vec<Box<dyn MigrationTrait>>,
    steps: HashMap<String, Vec<Step>>,
    /// The fills and data steps of each migration that has some; `None`
    /// when not known.
    with_data: Option<HashMap<String, Vec<super::DataStep>>>,
    lock_timeout: Duration,
    progress: Box<dyn Fn(&Progress) + Send + Sync>,
    pooling: Pooling,
    topology: std::sync::OnceLock<Topology>,
}

fn utc(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

impl<'c> Runner<'c> {
    /// A runner of `migrations` (oldest first) on `db`. The lock belongs to
    /// a session: on a PostgreSQL or MySQL pool of several connections
    /// [`Runner::run`] opens one connection of its own with the pool's
    /// options and runs everything on it.
    pub fn new(db: &'c DatabaseConnection, migrations: Vec<Box<dyn MigrationTrait>>) -> Self {
        Runner {
            given: db,
            own: std::sync::OnceLock::new(),
            migrations,
            steps: HashMap::new(),
            with_data: None,
            lock_timeout: Duration::from_secs(60),
            progress: Box::new(|_| {}),
            pooling: Pooling::Auto,
            topology: std::sync::OnceLock::new(),
        }
    }

    /// A runner of `M`'s migrations.
    pub fn of<M: MigratorTrait>(db: &'c DatabaseConnection) -> Self {
        Self::new(db, M::migrations())
    }

    /// A runner of a generated migrator's migrations, with their steps and
    /// data steps: what `migrate` runs.
    pub fn generated<M: super::GeneratedMigrator>(db: &'c DatabaseConnection) -> Self {
        let runner = Self::of::<M>(db).with_steps(M::steps());
        match M::data_steps() {
            Some(data) => runner.with_data_steps(data),
            None => runner,
        }
    }

    /// The steps of the generated migrations (the `steps()` of a generated
    /// `mod.rs`): with them the runner journals MySQL runs, counts what
    /// `down` drops, plans dry runs and knows what `fresh` may drop.
    pub fn with_steps<'a>(mut self, steps: impl IntoIterator<Item = (&'a str, Vec<Step>)>) -> Self {
        self.steps.extend(
            steps
                .into_iter()
                .map(|(name, steps)| (name.to_owned(), steps)),
        );
        self
    }

    /// The fills and data steps of the generated migrations (the
    /// `data_steps()` of a generated `mod.rs`): on MySQL a migration without
    /// any has its steps journaled; one with some runs through its own
    /// `up`/`down` (which runs them, and undoes its steps if one fails). Until
    /// this is given, every migration is taken to have some.
    pub fn with_data_steps<'a>(
        mut self,
        data: impl IntoIterator<Item = (&'a str, Vec<super::DataStep>)>,
    ) -> Self {
        let known = data
            .into_iter()
            .filter(|(_, steps)| !steps.is_empty())
            .map(|(name, steps)| (name.to_owned(), steps));
        self.with_data
            .get_or_insert_with(Default::default)
            .extend(known);
        self
    }

    /// Whether the runner may journal migration `name`'s steps on MySQL: it
    /// knows them, and knows it has no data steps.
    fn journaled(&self, name: &str) -> Option<&[Step]> {
        let no_data = self
            .with_data
            .as_ref()
            .is_some_and(|with_data| !with_data.contains_key(name));
        self.steps.get(name).filter(|_| no_data).map(Vec::as_slice)
    }

    /// How long to wait for another runner's lock (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How PostgreSQL connections are pooled (default: detected).
    pub fn pooling(mut self, pooling: Pooling) -> Self {
        self.pooling = pooling;
        self
    }

    /// What stands between the runner and the data (a pooler, a read-only
    /// replica, a Galera cluster), read once.
    pub async fn topology(&self) -> Result<&Topology, MigrateError> {
        if let Some(topology) = self.topology.get() {
            return Ok(topology);
        }
        let detected = topology::detect(self.db(), self.pooling).await?;
        Ok(self.topology.get_or_init(|| detected))
    }

    /// Whether the runner goes through a PostgreSQL pooler in transaction mode.
    async fn pooled(&self) -> Result<bool, MigrateError> {
        Ok(self.topology().await?.pooler.is_some())
    }

    /// Called as the command goes (lock waits, repairs, each migration).
    pub fn on_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Box::new(progress);
        self
    }

    /// The connection every statement runs on: the runner's own once
    /// [`Runner::run`] opened it, else the given one.
    fn db(&self) -> &DatabaseConnection {
        self.own.get().unwrap_or(self.given)
    }

    fn backend(&self) -> Backend {
        backend_of(self.db())
    }

    /// Whether migration `name` runs inside a transaction: on SQLite always
    /// (its write transaction is the runner's lock), on MySQL never (DDL
    /// commits; the journal stands in), on PostgreSQL unless its
    /// `use_transaction()` is `Some(false)`, as sea-orm-migration has it
    /// (the `Concurrently` part of a generated migration, for `CREATE INDEX
    /// CONCURRENTLY`).
    fn in_transaction(&self, name: &str) -> bool {
        match self.backend() {
            Backend::Sqlite => true,
            Backend::MySql => false,
            Backend::Postgres => self
                .find(name)
                .is_none_or(|m| m.use_transaction() != Some(false)),
        }
    }

    fn names(&self) -> Vec<&str> {
        self.migrations.iter().map(|m| m.name()).collect()
    }

    /// The schema steps of migration `name`; none of its own for the
    /// `.._concurrently` part of a generated migration whose steps are known
    /// (it builds that migration's indexes, and drops no data).
    fn steps_of(&self, name: &str) -> Option<&[Step]> {
        match (self.steps.get(name), name.strip_suffix("_concurrently")) {
            (Some(steps), _) => Some(steps),
            (None, Some(base)) if self.steps.contains_key(base) => Some(&[]),
            _ => None,
        }
    }

    fn find(&self, name: &str) -> Option<&dyn MigrationTrait> {
        self.migrations
            .iter()
            .find(|m| m.name() == name)
            .map(AsRef::as_ref)
    }

    /// Where each migration stands. Read-only: creates no table.
    pub async fn status(&self) -> Result<StatusReport, MigrateError> {
        if self.pooled().await? {
            // Prepared statements hold only inside a transaction there.
            let tx = self
                .db()
                .begin()
                .await
                .map_err(|e| MigrateError::db("starting a transaction", None, e))?;
            lock::deallocate(&tx).await?;
            let applied = records::read(&tx)
                .await
                .map_err(|e| MigrateError::db("reading the applied migrations", None, e))?;
            lock::deallocate(&tx).await?;
            tx.commit()
                .await
                .map_err(|e| MigrateError::db("committing", None, e))?;
            return Ok(Self::status_of(&self.names(), &applied, &[]));
        }
        let applied = records::read(self.db())
            .await
            .map_err(|e| MigrateError::db("reading the applied migrations", None, e))?;
        let journal = journal::read(self.db())
            .await
            .map_err(|e| MigrateError::db("reading the migration journal", None, e))?;
        Ok(Self::status_of(&self.names(), &applied, &journal))
    }

    /// The status of a database that does not exist yet: all pending.
    pub fn status_of_nothing(migrations: &[Box<dyn MigrationTrait>]) -> StatusReport {
        let names: Vec<&str> = migrations.iter().map(|m| m.name()).collect();
        Self::status_of(&names, &[], &[])
    }

    fn status_of(names: &[&str], applied: &[Record], journal: &[Entry]) -> StatusReport {
        let migrations = names
            .iter()
            .map(|name| {
                let record = applied.iter().find(|r| r.version == *name);
                let entry = journal.iter().find(|e| e.version == *name);
                MigrationState {
                    name: (*name).to_owned(),
                    state: match (entry, record) {
                        (Some(_), _) => "half-applied",
                        (None, Some(_)) => "applied",
                        (None, None) => "pending",
                    },
                    applied_at: record.map(|r| utc(r.applied_at)),
                    journal: entry.cloned(),
                }
            })
            .collect();
        let unknown = applied
            .iter()
            .filter(|r| !names.contains(&r.version.as_str()))
            .cloned()
            .collect();
        StatusReport {
            migrations,
            unknown,
            fresh: journal
                .iter()
                .find(|e| e.version == journal::FRESH)
                .cloned(),
        }
    }

    /// The SQL `up` (`Command::Up`) or `down` (`Command::Down`) would run on
    /// this backend, in order. Read-only.
    pub async fn plan(&self, command: Command) -> Result<Plan, MigrateError> {
        let status = self.status().await?;
        if !status.unknown.is_empty() {
            return Err(unknown(&status.unknown));
        }
        let (direction, names) = match command {
            Command::Up(n) => ("up", self.to_apply(&status, n)),
            Command::Down(n) => ("down", self.to_roll_back(&status, n)),
            other => return Err(MigrateError::NoDryRun(command_name(other).to_owned())),
        };
        let repairs = status
            .migrations
            .iter()
            .filter_map(|m| m.journal.clone())
            .chain(status.fresh.clone())
            .collect();
        let migrations = names
            .into_iter()
            .map(|name| {
                let statements = self.planned_statements(&name, direction == "up")?;
                Ok(PlannedMigration {
                    in_transaction: self.in_transaction(&name),
                    name,
                    statements,
                })
            })
            .collect::<Result<_, MigrateError>>()?;
        let sqlite = self.backend() == Backend::Sqlite;
        let pragma = |on: &str| vec![format!("PRAGMA foreign_keys = {on}")];
        Ok(Plan {
            direction,
            before: if sqlite { pragma("OFF") } else { Vec::new() },
            begin: if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" },
            after: if sqlite { pragma("ON") } else { Vec::new() },
            repairs,
            migrations,
        })
    }

    /// The statements migration `name` runs, then its record; `None` when
    /// the runner has no steps for it. Made from the plan the migration
    /// runs ([`super::data::plan`]): its generated steps with its fills and
    /// data steps in place (the SQL this backend runs; a Rust data step as a
    /// comment), the online plan on PostgreSQL for a generated migration
    /// with a `Concurrently` part (whose own entry, on other backends, runs
    /// nothing), and on SQLite the `PRAGMA foreign_key_check` that ends it.
    fn planned_statements(
        &self,
        name: &str,
        up: bool,
    ) -> Result<Option<Vec<String>>, MigrateError> {
        use crate::render::online;
        let backend = self.backend();
        let direction = if up { Direction::Up } else { Direction::Down };
        let record = match up {
            true => records::insert_sql(backend, name),
            false => records::delete_sql(backend, name),
        };
        let placeholder = super::Online {
            lock_timeout: "<the migration's lock_timeout>",
        };
        if let Some(base) = name.strip_suffix("_concurrently")
            && let Some(steps) = self.steps.get(base)
        {
            let mut sql = match (backend, up) {
                (Backend::Postgres, true) => online::concurrent_script(steps, &placeholder),
                (Backend::Postgres, false) => online::concurrent_down_script(steps),
                _ => vec![format!(
                    "-- nothing to run on {}: this part builds indexes concurrently on PostgreSQL only",
                    backend.name()
                )],
            };
            sql.push(record);
            return Ok(Some(sql));
        }
        let Some(steps) = self.steps.get(name) else {
            return Ok(None);
        };
        let data = self
            .with_data
            .as_ref()
            .and_then(|with_data| with_data.get(name))
            .map_or(&[][..], Vec::as_slice);
        let plan = super::data::plan(steps, data, direction, backend).map_err(|error| {
            MigrateError::Migration {
                migration: name.to_owned(),
                direction: if up { "up" } else { "down" },
                message: clean(&error),
            }
        })?;
        let online_plan =
            backend == Backend::Postgres && self.find(&format!("{name}_concurrently")).is_some();
        let mut sql = Vec::new();
        if online_plan {
            sql.push(format!(
                "SET LOCAL lock_timeout = '{}'",
                placeholder.lock_timeout
            ));
        }
        for planned in plan {
            match planned {
                super::data::Planned::Schema { number, step } => {
                    sql.extend(match (online_plan, up) {
                        (true, true) => online::transactional_statements(steps, number - 1),
                        (true, false) => online::down_statements(steps, number - 1),
                        _ => super::statements(&step, backend),
                    })
                }
                super::data::Planned::Data { label, work, .. } => {
                    sql.extend(super::data::describe(&label, work, backend))
                }
            }
        }
        if self.with_data.is_none() {
            sql.push(
                "-- (data steps, if it has any, are not known here: a `mod.rs` written by an older gen-migration lists none)"
                    .to_owned(),
            );
        }
        if backend == Backend::Sqlite {
            sql.push("PRAGMA foreign_key_check".to_owned());
        }
        sql.push(record);
        Ok(Some(sql))
    }

    fn to_apply(&self, status: &StatusReport, n: Option<u32>) -> Vec<String> {
        let pending = status
            .migrations
            .iter()
            .filter(|m| m.state != "applied")
            .map(|m| m.name.clone());
        pending.take(n.map_or(usize::MAX, |n| n as usize)).collect()
    }

    fn to_roll_back(&self, status: &StatusReport, n: Option<u32>) -> Vec<String> {
        let applied = status
            .migrations
            .iter()
            .rev()
            .filter(|m| m.state == "applied")
            .map(|m| m.name.clone());
        applied.take(n.map_or(usize::MAX, |n| n as usize)).collect()
    }

    /// The data `command` would drop, counted now: the tables and columns
    /// that the `down` of each migration it rolls back drops, or, for
    /// `fresh`, the tables the migrations build.
    pub async fn losses(&self, command: Command) -> Result<Vec<Loss>, MigrateError> {
        let status = self.status().await?;
        let read = |e| MigrateError::db("counting rows", None, e);
        let mut out = Vec::new();
        if command == Command::Fresh {
            let schema = self.built_schema("fresh")?;
            for table in &schema.tables {
                if records::table_exists(self.db(), &table.name)
                    .await
                    .map_err(read)?
                {
                    out.push(Loss {
                        what: format!("table `{}`", table.name),
                        rows: records::count_rows(self.db(), &table.name)
                            .await
                            .map_err(read)?,
                    });
                }
            }
        } else {
            let names = match command {
                Command::Down(n) => self.to_roll_back(&status, n),
                Command::Reset | Command::Refresh => self.to_roll_back(&status, None),
                _ => Vec::new(),
            };
            for name in names {
                let steps = self.steps_of(&name).ok_or_else(|| MigrateError::NoSteps {
                    command: command_name(command).to_owned(),
                    migration: name.clone(),
                    purpose: "drops",
                })?;
                for step in step::inverse(steps) {
                    for (table, column) in dropped_by(&step) {
                        if !records::table_exists(self.db(), &table)
                            .await
                            .map_err(read)?
                        {
                            continue;
                        }
                        let (what, rows) = match column {
                            None => (
                                format!("table `{table}`"),
                                records::count_rows(self.db(), &table).await.map_err(read)?,
                            ),
                            Some(column) => (
                                format!("column `{table}.{column}`"),
                                records::count_values(self.db(), &table, &column)
                                    .await
                                    .map_err(read)?,
                            ),
                        };
                        if !out.iter().any(|l: &Loss| l.what == what) {
                            out.push(Loss { what, rows });
                        }
                    }
                }
            }
        }
        out.retain(|loss| loss.rows > 0);
        Ok(out)
    }

    /// The schema every migration's steps build (what `fresh` may drop).
    fn built_schema(&self, command: &str) -> Result<Schema, MigrateError> {
        let mut all = Vec::new();
        for name in self.names() {
            let steps = self.steps_of(name).ok_or_else(|| MigrateError::NoSteps {
                command: command.to_owned(),
                migration: name.to_owned(),
                purpose: "creates",
            })?;
            all.extend(steps.iter().cloned());
        }
        step::replay(&Schema::default(), &all).map_err(|message| MigrateError::Migration {
            migration: "(all)".to_owned(),
            direction: "replay",
            message,
        })
    }

    /// Runs `command`. Destructive commands refuse while what they would
    /// drop holds rows, unless `force`. An error after some migrations ran
    /// comes as [`MigrateError::AfterSome`], with what stays done.
    pub async fn run(&self, command: Command, force: bool) -> Result<RunReport, MigrateError> {
        let topology = self.topology().await?;
        if let Some(server) = &topology.read_only {
            return Err(MigrateError::ReadOnly {
                command: command_name(command).to_owned(),
                server: server.clone(),
            });
        }
        let mut report = RunReport {
            known: self.migrations.len(),
            ..RunReport::default()
        };
        let result = if let Some(pooler) = &topology.pooler {
            if !matches!(command, Command::Up(_)) {
                return Err(MigrateError::Pooled {
                    command: command_name(command).to_owned(),
                    pooler: pooler.to_string(),
                    direct: pooler.direct_url.clone(),
                });
            }
            // The lock is taken in each migration's transaction.
            self.run_locked(command, force, &mut report).await
        } else {
            let sqlite = self.backend() == Backend::Sqlite;
            if sqlite {
                // Table rebuilds need foreign keys off; each migration still
                // ends with `PRAGMA foreign_key_check`.
                self.foreign_keys(false).await?;
                lock::set_busy_timeout(self.db(), self.lock_timeout).await?;
            }
            if !sqlite && self.own.get().is_none() {
                let own = lock::own_session(self.given).await.map_err(|e| {
                    MigrateError::db("opening the runner's own connection", None, e)
                })?;
                if let Some(own) = own {
                    let _ = self.own.set(own);
                }
            }
            let galera = topology.galera.is_some();
            let result =
                match lock::acquire(self.db(), galera, self.lock_timeout, &*self.progress).await {
                    Ok(()) => {
                        let result = self.run_locked(command, force, &mut report).await;
                        lock::release(self.db(), galera).await;
                        result
                    }
                    Err(error) => Err(error),
                };
            if sqlite {
                self.foreign_keys(true).await?;
            }
            result
        };
        match result {
            Ok(()) => Ok(report),
            Err(error) if report.done_lines().is_empty() => Err(error),
            Err(error) => Err(MigrateError::AfterSome {
                done: Box::new(report),
                error: Box::new(error),
            }),
        }
    }

    /// Creates the record table (and MySQL's journal) if missing; on SQLite
    /// the write transaction of each migration does it.
    async fn install(&self) -> Result<(), MigrateError> {
        if self.backend() != Backend::Sqlite && !self.pooled().await? {
            records::install(self.db())
                .await
                .map_err(|e| MigrateError::db("creating the record table", None, e))?;
        }
        if self.backend() == Backend::MySql {
            journal::install(self.db())
                .await
                .map_err(|e| MigrateError::db("creating the journal table", None, e))?;
        }
        Ok(())
    }

    async fn foreign_keys(&self, on: bool) -> Result<(), MigrateError> {
        let sql = format!("PRAGMA foreign_keys = {}", if on { "ON" } else { "OFF" });
        execute(self.db(), &sql)
            .await
            .map_err(|e| MigrateError::db("switching foreign keys", Some(&sql), e))
    }

    async fn run_locked(
        &self,
        command: Command,
        force: bool,
        report: &mut RunReport,
    ) -> Result<(), MigrateError> {
        self.install().await?;
        if self.backend() == Backend::MySql {
            report.recovered = journal::recover(
                self.db(),
                |name| self.steps.get(name).map(Vec::as_slice),
                || self.built_tables("fresh"),
            )
            .await?;
            for recovery in &report.recovered {
                (self.progress)(&Progress::Recovered(recovery.clone()));
            }
        }
        let status = self.status().await?;
        if !status.unknown.is_empty() {
            return Err(unknown(&status.unknown));
        }
        let destructive = !matches!(command, Command::Up(_));
        if destructive {
            let losses = self.losses(command).await;
            let losses = match losses {
                Ok(losses) => losses,
                Err(MigrateError::NoSteps { .. }) if force => Vec::new(),
                Err(error) => return Err(error),
            };
            if !losses.is_empty() && !force {
                return Err(MigrateError::WouldLoseData {
                    command: command_name(command).to_owned(),
                    losses,
                });
            }
            report.forced = losses;
        }
        match command {
            Command::Up(n) => self.apply_all(Direction::Up, n, report).await?,
            Command::Down(n) => self.apply_all(Direction::Down, n, report).await?,
            Command::Reset => self.apply_all(Direction::Down, None, report).await?,
            Command::Refresh => {
                self.apply_all(Direction::Down, None, report).await?;
                self.apply_all(Direction::Up, None, report).await?;
            }
            Command::Fresh => {
                self.drop_built(report).await?;
                self.install().await?;
                self.apply_all(Direction::Up, None, report).await?;
            }
        }
        report.applied_now = self
            .status()
            .await?
            .migrations
            .iter()
            .filter(|m| m.state == "applied")
            .count();
        Ok(())
    }

    /// Runs (or rolls back) migrations one by one, up to `n`, each time
    /// choosing the next one from what is recorded now, under the lock.
    async fn apply_all(
        &self,
        direction: Direction,
        n: Option<u32>,
        report: &mut RunReport,
    ) -> Result<(), MigrateError> {
        let mut left = n.map_or(u32::MAX, |n| n);
        while left > 0 {
            match self.apply_next(direction).await? {
                Some(name) => match direction {
                    Direction::Up => report.applied.push(name),
                    Direction::Down => report.rolled_back.push(name),
                },
                None => break,
            }
            left -= 1;
        }
        Ok(())
    }

    /// The next migration in `direction`, run; `None` when there is none.
    async fn apply_next(&self, direction: Direction) -> Result<Option<String>, MigrateError> {
        let read = |e| MigrateError::db("reading the applied migrations", None, e);
        let next = |applied: &[Record]| -> Option<String> {
            let is_applied = |name: &str| applied.iter().any(|r| r.version == name);
            match direction {
                Direction::Up => self.names().into_iter().find(|n| !is_applied(n)),
                Direction::Down => self.names().into_iter().rev().find(|n| is_applied(n)),
            }
            .map(str::to_owned)
        };
        let backend = self.backend();
        if backend == Backend::MySql {
            let applied = records::read(self.db()).await.map_err(read)?;
            let Some(name) = next(&applied) else {
                return Ok(None);
            };
            (self.progress)(&Progress::Starting {
                migration: name.clone(),
                direction,
            });
            match self.journaled(&name) {
                Some(steps) => journal::run(self.db(), &name, steps, direction).await?,
                None => self.run_opaque(self.db(), &name, direction).await?,
            }
            return Ok(Some(name));
        }
        let transaction = match backend {
            Backend::Sqlite => {
                let path = self.sqlite_path().await;
                lock::begin_write(self.db(), &path, self.lock_timeout, &*self.progress).await?
            }
            _ => self
                .db()
                .begin()
                .await
                .map_err(|e| MigrateError::db("starting a transaction", None, e))?,
        };
        let pooler = self.topology().await?.pooler.clone();
        if pooler.is_some() {
            lock::enter_transaction(&transaction, self.lock_timeout, &*self.progress).await?;
        }
        if backend == Backend::Sqlite || pooler.is_some() {
            records::install(&transaction)
                .await
                .map_err(|e| MigrateError::db("creating the record table", None, e))?;
        }
        let applied = records::read(&transaction).await.map_err(read)?;
        let next = next(&applied);
        let outside = next
            .as_deref()
            .is_some_and(|name| !self.in_transaction(name));
        if let (Some(pooler), Some(name), true) = (&pooler, &next, outside) {
            let _ = transaction.rollback().await;
            return Err(MigrateError::NeedsSession {
                migration: name.clone(),
                pooler: pooler.to_string(),
                direct: pooler.direct_url.clone(),
            });
        }
        if pooler.is_some() && next.is_none() {
            lock::deallocate(&transaction).await?;
        }
        let transaction = if next.is_none() || outside {
            transaction
                .commit()
                .await
                .map_err(|e| MigrateError::db("committing", None, e))?;
            None
        } else {
            Some(transaction)
        };
        let Some(name) = next else {
            return Ok(None);
        };
        (self.progress)(&Progress::Starting {
            migration: name.clone(),
            direction,
        });
        if transaction.is_some() && direction == Direction::Up {
            self.add_enum_values(&name).await?;
        }
        let Some(transaction) = transaction else {
            // The advisory lock still keeps other runners out; the migration
            // and then its record are committed statement by statement.
            return match self.run_opaque(self.db(), &name, direction).await {
                Ok(()) => Ok(Some(name)),
                Err(MigrateError::Migration {
                    migration,
                    direction,
                    message,
                }) => Err(MigrateError::Migration {
                    migration,
                    direction,
                    message: format!(
                        "{message}\n  (it runs outside a transaction: what it did before the error stays, \
                         and it is not recorded; the next `{direction}` runs it again)"
                    ),
                }),
                Err(other) => Err(other),
            };
        };
        self.run_opaque(&transaction, &name, direction).await?;
        if pooler.is_some() {
            // Leave no statement of ours on the lent server connection.
            lock::deallocate(&transaction).await?;
        }
        transaction
            .commit()
            .await
            .map_err(|e| MigrateError::db(&format!("committing `{name}`"), None, e))?;
        Ok(Some(name))
    }

    /// PostgreSQL: the values migration `name` adds to enum types, added
    /// before its transaction, on a connection of their own (each commits).
    /// A value added inside the transaction could not be used before it
    /// commits (as a default, in a data step: "unsafe use of new value");
    /// the migration's own `ALTER TYPE .. ADD VALUE IF NOT EXISTS` then
    /// finds it there. Should the migration fail, the values stay (harmless:
    /// no row holds them; the next `up` finds them there).
    async fn add_enum_values(&self, name: &str) -> Result<(), MigrateError> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        let Some(steps) = self.steps_of(name) else {
            return Ok(());
        };
        // A type the migration creates gets its values there, in order.
        let created = |name: &str| {
            steps
                .iter()
                .any(|s| matches!(s, Step::CreateEnum(e) if e.name == name))
        };
        let mut other: Option<DatabaseConnection> = None;
        let mut result = Ok(());
        'steps: for step in steps {
            let Step::AlterEnum { from, to } = step else {
                continue;
            };
            if from.added_values(to).is_none() || created(&to.name) {
                continue;
            }
            let what = format!("adding the values of enum `{}` for `{name}`", to.name);
            if other.is_none() {
                // The runner's connection holds the migration's transaction.
                match lock::another_connection(self.db()).await {
                    Ok(connection) => other = Some(connection),
                    Err(e) => {
                        result = Err(MigrateError::db(&what, None, e));
                        break;
                    }
                }
            }
            let Some(connection) = &other else { break };
            for sql in crate::render::steps::statements(step, Backend::Postgres) {
                if let Err(e) = execute(connection, &sql).await {
                    result = Err(MigrateError::db(&what, Some(&sql), e));
                    break 'steps;
                }
            }
        }
        if let Some(connection) = other {
            connection.close().await.ok();
        }
        result
    }

    /// Runs the migration's own `up`/`down` on `db` and writes its record.
    async fn run_opaque<C>(
        &self,
        db: &C,
        name: &str,
        direction: Direction,
    ) -> Result<(), MigrateError>
    where
        C: ConnectionTrait,
        for<'x> &'x C: sea_orm::IntoDatabaseExecutor<'x>,
    {
        let migration = self.find(name).expect("a known migration");
        let manager = SchemaManager::new(db);
        let result = match direction {
            Direction::Up => migration.up(&manager).await,
            Direction::Down => migration.down(&manager).await,
        };
        result.map_err(|error| MigrateError::Migration {
            migration: name.to_owned(),
            direction: if direction == Direction::Up {
                "up"
            } else {
                "down"
            },
            message: clean(&error),
        })?;
        let backend = backend_of(db);
        let record = match direction {
            Direction::Up => records::insert_sql(backend, name),
            Direction::Down => records::delete_sql(backend, name),
        };
        execute(db, &record)
            .await
            .map_err(|e| MigrateError::db("recording the migration", Some(&record), e))
    }

    async fn sqlite_path(&self) -> String {
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                self.db().get_database_backend(),
                "SELECT file FROM pragma_database_list WHERE name = 'main'",
            ))
            .await;
        match row {
            Ok(Some(row)) => row
                .try_get_by_index::<String>(0)
                .unwrap_or_else(|_| "the database".to_owned()),
            _ => "the database".to_owned(),
        }
    }

    /// The tables the migrations build, dependants first: what `fresh` drops.
    fn built_tables(&self, command: &str) -> Result<Vec<String>, MigrateError> {
        let schema = self.built_schema(command)?;
        Ok(schema
            .in_dependency_order()
            .into_iter()
            .rev()
            .map(|t| t.name.clone())
            .collect())
    }

    /// `fresh`'s first half: drops the tables the migrations build (newest
    /// dependants first) and the records, and names what it leaves. Refuses,
    /// before dropping anything, when another table has a foreign key into
    /// one of them. On MySQL the drops are journaled ([`journal::run_fresh`]);
    /// elsewhere they run in one transaction.
    async fn drop_built(&self, report: &mut RunReport) -> Result<(), MigrateError> {
        let backend = self.backend();
        let schema = self.built_schema("fresh")?;
        let listing = |e| MigrateError::db("listing tables", None, e);
        let objects = records::objects(self.db()).await.map_err(listing)?;
        let built = |name: &str| schema.table(name).is_some();
        let runner_table = |name: &str| {
            name == records::RECORDS
                || (backend == Backend::MySql
                    && [journal::JOURNAL, lock::GALERA_LOCK].contains(&name))
        };
        let ours = |name: &str| built(name) || runner_table(name);
        let dependents: Vec<String> = records::references(self.db())
            .await
            .map_err(listing)?
            .into_iter()
            .filter(|(from, to)| !ours(from) && built(to))
            .map(|(from, to)| format!("table `{from}` has a foreign key into `{to}`"))
            .collect();
        if !dependents.is_empty() {
            return Err(MigrateError::Dependents {
                command: "fresh".to_owned(),
                dependents,
            });
        }
        report.left = objects
            .iter()
            .filter(|o| !(o.kind == "table" && ours(&o.name)))
            .cloned()
            .collect();
        let declared: Vec<(String, String)> = schema
            .tables
            .iter()
            .flat_map(|table| {
                let names = table
                    .indexes
                    .iter()
                    .map(|i| i.name.clone())
                    .chain(
                        table
                            .uniques
                            .iter()
                            .map(|u| crate::naming::unique(table, u, backend)),
                    )
                    .chain(
                        table
                            .foreign_keys
                            .iter()
                            .map(|fk| crate::naming::foreign_key(&table.name, fk)),
                    );
                names
                    .map(|name| (table.name.clone(), name))
                    .collect::<Vec<_>>()
            })
            .collect();
        report.dropped_with = records::indexes(self.db())
            .await
            .map_err(listing)?
            .into_iter()
            .filter(|(table, index)| {
                built(table) && !declared.iter().any(|(t, i)| t == table && i == index)
            })
            .map(|(table, index)| format!("index `{index}` on `{table}`"))
            .collect();
        let present = |name: &str| objects.iter().any(|o| o.kind == "table" && o.name == name);
        let drops: Vec<String> = self
            .built_tables("fresh")?
            .into_iter()
            .filter(|name| present(name))
            .collect();
        report.dropped = drops.clone();
        if backend == Backend::MySql {
            return journal::run_fresh(self.db(), &drops).await;
        }
        let mut statements: Vec<String> = drops
            .iter()
            .map(String::as_str)
            .chain([records::RECORDS].into_iter().filter(|name| present(name)))
            .map(|name| format!("DROP TABLE {}", records::quoted(name, backend)))
            .collect();
        // The enum types of PostgreSQL go with their tables (the migrations
        // create them again).
        if backend == Backend::Postgres {
            statements.extend(schema.enum_types().into_iter().rev().map(|e| {
                format!(
                    "DROP TYPE IF EXISTS {}",
                    crate::render::postgres_name(&e.name)
                )
            }));
        }
        let fail = |sql: &str, e| MigrateError::db("fresh: dropping", Some(sql), e);
        let transaction = match backend {
            Backend::Sqlite => {
                let path = self.sqlite_path().await;
                lock::begin_write(self.db(), &path, self.lock_timeout, &*self.progress).await?
            }
            _ => self
                .db()
                .begin()
                .await
                .map_err(|e| MigrateError::db("starting a transaction", None, e))?,
        };
        for sql in &statements {
            execute(&transaction, sql).await.map_err(|e| fail(sql, e))?;
        }
        transaction
            .commit()
            .await
            .map_err(|e| MigrateError::db("committing the drops", None, e))
    }
}

fn unknown(records: &[Record]) -> MigrateError {
    MigrateError::Unknown {
        names: records
            .iter()
            .map(|r| format!("{} (applied {})", r.version, utc(r.applied_at)))
            .collect(),
    }
}

/// The command's name, as typed.
pub fn command_name(command: Command) -> &'static str {
    match command {
        Command::Up(_) => "up",
        Command::Down(_) => "down",
        Command::Fresh => "fresh",
        Command::Refresh => "refresh",
        Command::Reset => "reset",
    }
}

/// The tables (column `None`) and columns a step drops.
fn dropped_by(step: &Step) -> Vec<(String, Option<String>)> {
    match step {
        Step::DropTable(table) => vec![(table.name.clone(), None)],
        Step::AlterTable { table, changes } => changes
            .iter()
            .filter_map(|change| match change {
                Change::DropColumn(column) => Some((table.name.clone(), Some(column.name.clone()))),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
