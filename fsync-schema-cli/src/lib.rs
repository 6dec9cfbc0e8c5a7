//! The fsync-schema command set as a library, for any crate's entities and
//! migrations: `gen-migration [--check]`, `check-docs`, `docs [--check]`,
//! `diff`, `migrate up|down|status|fresh|refresh|reset|baseline`, `schema sql`
//! and `pull`.
//!
//! A crate adopts the whole tool set with one binary, the way
//! sea-orm-migration's `cli::run_cli(Migrator)` gives its commands:
//!
//! ```no_run
//! // src/bin/schema.rs (the entities come from the crate: `my_app::entities::schema`)
//! # mod my_app { pub mod entities { fsync_schema::entities! {} } }
//! fn main() -> std::process::ExitCode {
//!     fsync_schema_cli::Project::new(env!("CARGO_MANIFEST_DIR"), my_app::entities::schema)
//!         .embedded_database("my_app.db")
//!         .run()
//! }
//! ```
//!
//! `entities::schema` is what `fsync_schema::entities!` declares, and
//! `migrations::Migrator` what `gen-migration` writes into the migrations
//! directory (`src/migrations` unless [`Project::migrations_dir`] says
//! otherwise); before the first migration there is none, so leave out
//! `.migrator(..)` until `gen-migration` has written it. A binary with commands of its own flattens [`Command`] into its
//! clap enum and hands it to [`Project::execute`].

pub mod check_docs;
pub mod database;
pub mod diff;
pub mod docs;
pub mod files;
pub mod fleet;
pub mod gen_migration;
pub mod init;
pub mod migrate;
mod project;
pub mod pull;
pub mod registration;
pub mod schema;

pub use project::{Migrations, Project};

use std::process::ExitCode;

/// What a command returns: its exit code (0 fine, 1 something found or
/// stale), or an error, printed and exit code 2.
pub type CommandResult = Result<ExitCode, Box<dyn std::error::Error>>;

/// The whole command set; flatten it into a binary's own commands with
/// `#[command(flatten)]`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Write the next migration from the entities, or check that none is missing.
    GenMigration(gen_migration::Args),
    /// Compare the ```sql blocks of the docs with the entities.
    CheckDocs(check_docs::Args),
    /// Rewrite the generated sections of the schema docs (ER diagram, column tables).
    Docs(docs::Args),
    /// Report drift between the entities and a live database.
    Diff(diff::Args),
    /// Run the migrations.
    Migrate(migrate::Args),
    /// Write the annotated entities of a live database, for adopting it.
    Pull(pull::Args),
    /// Print the schema of the entities.
    Schema {
        #[command(subcommand)]
        command: schema::Command,
    },
}

#[derive(clap::Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

impl Project {
    /// Parses the process's arguments as one of [`Command`] and runs it.
    pub fn run(&self) -> ExitCode {
        use clap::{CommandFactory, FromArgMatches};
        let name = self
            .tool()
            .rsplit(' ')
            .next()
            .unwrap_or("schema")
            .to_owned();
        let matches = Cli::command()
            .name(name)
            .about("Schema tools of fsync-schema: migrations, docs, drift")
            .get_matches();
        match Cli::from_arg_matches(&matches) {
            Ok(cli) => self.execute(cli.command),
            Err(error) => error.exit(),
        }
    }

    /// Runs one command; errors are printed to standard error (exit code 2).
    pub fn execute(&self, command: Command) -> ExitCode {
        let result = match command {
            Command::GenMigration(args) => gen_migration::run(self, args),
            Command::CheckDocs(args) => check_docs::run(self, args),
            Command::Docs(args) => docs::run(self, args),
            Command::Diff(args) => diff::run(self, args),
            Command::Migrate(args) => migrate::run(self, args),
            Command::Pull(args) => pull::run(self, args),
            Command::Schema { command } => schema::run(self, command),
        };
        match result {
            Ok(code) => code,
            Err(error) => {
                // Without sqlx's wrapping, and naming a lock wait that timed out.
                let text = fsync_schema::connect::clean_message(&error.to_string());
                eprintln!("error: {text}");
                ExitCode::from(2)
            }
        }
    }
}

/// The commands of the installed `fsync-schema` binary: those that need no
/// entities of a crate.
#[derive(clap::Parser, Debug)]
#[command(
    name = "fsync-schema",
    version,
    about = "Schema as code for SeaORM: scaffold a crate, pull a live database into entities",
    after_help = "In a crate set up by `init`, the whole tool set is `cargo run --bin schema -- <command>`."
)]
pub enum Standalone {
    /// Scaffold fsync-schema into a crate (dependencies, entities, migrations, the `schema` binary, a test).
    Init(init::Args),
    /// Write the annotated entities of a live database, for adopting it.
    Pull(pull::Args),
}

/// Runs the `fsync-schema` binary: parses the process's arguments as a
/// [`Standalone`] command and runs it in the working directory.
pub fn standalone() -> ExitCode {
    use clap::Parser;
    let result = match Standalone::parse() {
        Standalone::Init(args) => init::run(args),
        Standalone::Pull(args) => {
            let project =
                Project::new(".", fsync_schema::Schema::default).invoked_as("fsync-schema");
            return project.execute(Command::Pull(args));
        }
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::from(2)
    })
}

/// A single-threaded runtime for a command's database work.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
