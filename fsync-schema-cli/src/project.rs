//! A project: its entities, its migrations and where its files are.

use fsync_schema::baseline::{self, BaselineError, Baselined};
use fsync_schema::migration::{self, GeneratedMigrator};
use fsync_schema::{Schema, Step};
use sea_orm::{DatabaseConnection, DbErr};
use std::future::Future;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::pin::Pin;

/// A future borrowed from a connection.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbErr>> + 'a>>;

/// The migrations of a project, whatever its `Migrator` type: what the
/// commands need of them.
pub trait Migrations {
    /// Each generated migration's name and steps, oldest first.
    fn steps(&self) -> Vec<(String, Vec<Step>)>;
    /// Runs a migrator command (see [`fsync_schema::migration::run`]).
    fn run<'a>(&self, db: &'a DatabaseConnection, command: migration::Command) -> Pending<'a, ()>;
    /// A runner of the migrations, with their steps, on `db` (see
    /// [`fsync_schema::migration::Runner`]).
    fn runner<'a>(&self, db: &'a DatabaseConnection) -> migration::Runner<'a>;
    /// The migrations, oldest first.
    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>>;
    /// Records the database as migrated up to `to` when it matches what the
    /// migrations build (see [`fsync_schema::baseline`]).
    fn baseline<'a>(
        &self,
        db: &'a DatabaseConnection,
        to: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Baselined, BaselineError>> + 'a>>;
}

struct Typed<M>(PhantomData<fn() -> M>);

impl<M: GeneratedMigrator + 'static> Migrations for Typed<M> {
    fn steps(&self) -> Vec<(String, Vec<Step>)> {
        M::steps()
            .into_iter()
            .map(|(name, steps)| (name.to_owned(), steps))
            .collect()
    }

    fn run<'a>(&self, db: &'a DatabaseConnection, command: migration::Command) -> Pending<'a, ()> {
        Box::pin(migration::run::<M>(db, command))
    }

    fn runner<'a>(&self, db: &'a DatabaseConnection) -> migration::Runner<'a> {
        migration::Runner::generated::<M>(db)
    }

    fn migrations(&self) -> Vec<Box<dyn sea_orm_migration::MigrationTrait>> {
        M::migrations()
    }

    fn baseline<'a>(
        &self,
        db: &'a DatabaseConnection,
        to: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Baselined, BaselineError>> + 'a>> {
        Box::pin(baseline::baseline::<M>(db, to))
    }
}

/// A crate's schema tooling: the entities' schema, the migrations, and where
/// the files live. Built with [`Project::new`] and the setters below; run with
/// [`Project::run`].
pub struct Project {
    root: PathBuf,
    tool: String,
    schema: fn() -> Schema,
    migrations: Option<Box<dyn Migrations>>,
    migrations_dir: PathBuf,
    entities_dir: PathBuf,
    docs: Vec<PathBuf>,
    docs_file: Option<PathBuf>,
    embedded_database: Option<PathBuf>,
}

impl Project {
    /// A project rooted at `root` (pass `env!("CARGO_MANIFEST_DIR")`), whose
    /// entities are `schema` (the function `fsync_schema::entities!` declares).
    /// Defaults: migrations in `src/migrations`, docs in `docs`, no generated
    /// docs file, no embedded database, commands spelled `cargo run --bin schema --`.
    pub fn new(root: impl Into<PathBuf>, schema: fn() -> Schema) -> Self {
        Project {
            root: root.into(),
            tool: "cargo run --bin schema --".to_owned(),
            schema,
            migrations: None,
            migrations_dir: PathBuf::from("src/migrations"),
            entities_dir: PathBuf::from("src/entities"),
            docs: vec![PathBuf::from("docs")],
            docs_file: None,
            embedded_database: None,
        }
    }

    /// The migrations: the `Migrator` that `gen-migration` writes into the
    /// migrations directory. Until the first migration exists there is none,
    /// and only `gen-migration`, `docs`, `check-docs` (without its engine-level
    /// check) and `schema sql` work.
    pub fn migrator<M: GeneratedMigrator + 'static>(mut self, migrator: M) -> Self {
        let _ = migrator;
        self.migrations = Some(Box::new(Typed::<M>(PhantomData)));
        self
    }

    /// How users run these commands, for the messages and generated headers
    /// (e.g. `cargo xtask`).
    pub fn invoked_as(mut self, tool: &str) -> Self {
        self.tool = tool.to_owned();
        self
    }

    /// The migrations directory, relative to the root.
    pub fn migrations_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.migrations_dir = dir.into();
        self
    }

    /// The entities directory, relative to the root (default `src/entities`):
    /// `gen-migration` names an entity file there that `entities!` does not declare.
    pub fn entities_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.entities_dir = dir.into();
        self
    }

    /// The entities directory.
    pub fn entities_path(&self) -> PathBuf {
        self.root.join(&self.entities_dir)
    }

    /// The Markdown files or folders `check-docs` reads, relative to the root.
    pub fn docs(mut self, paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        self.docs = paths.into_iter().map(Into::into).collect();
        self
    }

    /// The Markdown file whose generated section `docs` rewrites, relative to the root.
    pub fn docs_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.docs_file = Some(path.into());
        self
    }

    /// The SQLite file that `migrate` and `diff` use when no URL is given,
    /// relative to the working directory (created by `migrate` if missing).
    pub fn embedded_database(mut self, file: impl Into<PathBuf>) -> Self {
        self.embedded_database = Some(file.into());
        self
    }

    /// The project's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How users run the commands, e.g. `cargo xtask`.
    pub fn tool(&self) -> &str {
        &self.tool
    }

    /// The entities' schema.
    pub fn schema(&self) -> Schema {
        (self.schema)()
    }

    /// The migrations, or why there are none.
    pub fn migrations(&self) -> Result<&dyn Migrations, String> {
        self.migrations.as_deref().ok_or_else(|| {
            format!(
                "this project registers no migrations yet: write the first with `{} gen-migration --name <what>`, \
                 then declare the module and pass its `Migrator` to `Project::migrator`",
                self.tool
            )
        })
    }

    /// Whether the project registers its migrations.
    pub fn has_migrator(&self) -> bool {
        self.migrations.is_some()
    }

    /// The migrations directory.
    pub fn migrations_path(&self) -> PathBuf {
        self.root.join(&self.migrations_dir)
    }

    /// What `check-docs` reads by default.
    pub fn docs_paths(&self) -> Vec<PathBuf> {
        self.docs.iter().map(|p| self.root.join(p)).collect()
    }

    /// What `docs` rewrites by default.
    pub fn docs_file_path(&self) -> Option<PathBuf> {
        self.docs_file.as_ref().map(|p| self.root.join(p))
    }

    /// The embedded database file, if the project has one.
    pub fn embedded_database_path(&self) -> Option<PathBuf> {
        let file = self.embedded_database.as_ref()?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Some(cwd.join(file))
    }

    /// `path` shown relative to the root when it is inside it.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
