//! `init`: scaffolds fsync-schema into a crate, the glue the README shows:
//! the dependencies, `src/lib.rs`'s modules, `src/entities/mod.rs` with an
//! empty `entities!`, `src/migrations/mod.rs` with an empty `Migrator` (what
//! `gen-migration` writes for no migration), `src/bin/schema.rs` (the tool
//! set), and `tests/schema.rs` (fails when a migration is missing).
//!
//! It never replaces a file: what exists is kept and named, so running it
//! again changes nothing. The plan ([`plan`]) is made in full before anything
//! is written ([`Plan::apply`]).

use crate::CommandResult;
use crate::files::write_atomically;
use fsync_schema::codegen;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

/// Options of `init`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Args {
    /// The crate to scaffold (the directory holding its `Cargo.toml`).
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// The backends the schema targets, e.g. `sqlite,postgres` (default: all three).
    #[arg(long, value_delimiter = ',', value_parser = ["sqlite", "postgres", "mysql"])]
    pub targets: Vec<String>,
    /// Depend on the published crates (`version = "0.1"`) even when this
    /// binary was built from a checkout of fsync-schema (then the default is a
    /// path dependency on that checkout).
    #[arg(long)]
    pub registry: bool,
}

/// The tool's command as the scaffold spells it in messages and headers.
pub const TOOL: &str = "cargo run --bin schema --";

/// The first line of the `src/entities/mod.rs` that `init` writes; `pull`
/// replaces such a file (and only such a file among those it did not write).
pub const ENTITIES_MARK: &str = fsync_schema::pull::INIT_MARK;

/// One thing `init` does, or leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new file.
    Create { path: PathBuf, contents: String },
    /// Lines added at the end of an existing file.
    Append { path: PathBuf, text: String },
    /// `Cargo.toml` with the dependencies `added`.
    Manifest {
        path: PathBuf,
        contents: String,
        added: Vec<String>,
    },
    /// A file or setting left as it is, and why.
    Keep { path: PathBuf, why: String },
}

/// Everything `init` would do in a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub actions: Vec<Action>,
    /// The crate's library name (`my-app` is `my_app`).
    pub crate_name: String,
}

/// Why `init` cannot scaffold a directory.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Where the fsync-schema crates come from in the scaffold's `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Path dependencies on a checkout (its root).
    Checkout(PathBuf),
    /// The published crates.
    Registry,
}

impl Source {
    /// The checkout this binary was built from, if it is still there;
    /// otherwise (installed from a registry) the published crates.
    pub fn detect() -> Source {
        let cli = Path::new(env!("CARGO_MANIFEST_DIR"));
        match cli.parent() {
            Some(root) if root.join("fsync-schema/Cargo.toml").is_file() => {
                Source::Checkout(root.to_owned())
            }
            _ => Source::Registry,
        }
    }

    fn dependency(&self, krate: &str) -> Value {
        let mut table = InlineTable::new();
        match self {
            Source::Checkout(root) => {
                table.insert("path", root.join(krate).display().to_string().into());
            }
            Source::Registry => {
                table.insert("version", env!("CARGO_PKG_VERSION").into());
            }
        }
        Value::InlineTable(table)
    }
}

/// The `sea-orm` features a scaffolded crate asks for: the derive, and the
/// types `pull` writes (`sea_orm::prelude::{DateTime, Uuid, Decimal, Json}`).
pub const SEA_ORM_FEATURES: [&str; 5] = [
    "macros",
    "with-chrono",
    "with-uuid",
    "with-rust_decimal",
    "with-json",
];

/// What `init` would do in the crate at `root`, writing nothing.
pub fn plan(root: &Path, targets: &[String], source: &Source) -> Result<Plan, Error> {
    let manifest_path = root.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path).map_err(|e| {
        Error(format!(
            "no crate at {}: cannot read {} ({e}); run `cargo new --lib <name>` first, or pass `--path`",
            root.display(),
            manifest_path.display()
        ))
    })?;
    let mut document: DocumentMut = manifest
        .parse()
        .map_err(|e| Error(format!("{}: {e}", manifest_path.display())))?;
    let package = document
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(Item::as_str)
        .map(str::to_owned)
        .ok_or_else(|| {
            Error(format!(
                "{}: no `[package] name`; `init` scaffolds a package, not a workspace root",
                manifest_path.display()
            ))
        })?;
    let crate_name = package.replace('-', "_");
    let mut actions = Vec::new();

    let dependencies = document
        .entry("dependencies")
        .or_insert_with(|| Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| {
            Error(format!(
                "{}: `dependencies` is not a table",
                manifest_path.display()
            ))
        })?;
    let mut added = Vec::new();
    for krate in ["fsync-schema", "fsync-schema-cli", "sea-orm"] {
        if dependencies.contains_key(krate) {
            actions.push(Action::Keep {
                path: manifest_path.clone(),
                why: format!("`{krate}` is a dependency already (its settings are kept)"),
            });
            continue;
        }
        let value = if krate == "sea-orm" {
            let mut table = InlineTable::new();
            table.insert("version", "2.0".into());
            table.insert("default-features", false.into());
            table.insert(
                "features",
                Value::Array(SEA_ORM_FEATURES.iter().copied().collect::<Array>()),
            );
            Value::InlineTable(table)
        } else {
            source.dependency(krate)
        };
        dependencies.insert(krate, Item::Value(value));
        added.push(krate.to_owned());
    }
    if !added.is_empty() {
        actions.push(Action::Manifest {
            path: manifest_path,
            contents: document.to_string(),
            added,
        });
    }

    let lib = root.join("src/lib.rs");
    let modules = [
        ("entities", "pub mod entities;\n".to_owned()),
        (
            "migrations",
            format!("#[rustfmt::skip] // written by `{TOOL} gen-migration`\npub mod migrations;\n"),
        ),
    ];
    match fs::read_to_string(&lib) {
        Err(_) => actions.push(Action::Create {
            path: lib,
            contents: format!(
                "//! The `{package}` crate: its entities (`entities/`) and their migrations (`migrations/`).\n\n{}",
                modules.iter().map(|(_, line)| line.as_str()).collect::<String>()
            ),
        }),
        Ok(text) => {
            let missing: String = modules
                .iter()
                .filter(|(name, _)| !declares_module(&text, name))
                .map(|(_, line)| line.as_str())
                .collect();
            if missing.is_empty() {
                actions.push(Action::Keep {
                    path: lib,
                    why: "declares `entities` and `migrations` already".to_owned(),
                });
            } else {
                let separator = if text.ends_with('\n') || text.is_empty() { "\n" } else { "\n\n" };
                actions.push(Action::Append {
                    path: lib,
                    text: format!("{separator}{missing}"),
                });
            }
        }
    }

    let files = [
        ("src/entities/mod.rs", entities_mod(targets)),
        ("src/migrations/mod.rs", codegen::migrations_mod(TOOL, &[])),
        ("src/bin/schema.rs", schema_bin(&crate_name)),
        ("tests/schema.rs", stale_test()),
    ];
    for (relative, contents) in files {
        let path = root.join(relative);
        match fs::read_to_string(&path) {
            Ok(existing) if existing == contents => actions.push(Action::Keep {
                path,
                why: "written by `init` already".to_owned(),
            }),
            Ok(_) => actions.push(Action::Keep {
                path,
                why: "exists and is not replaced".to_owned(),
            }),
            Err(_) if relative == "src/migrations/mod.rs" && path.parent().is_some_and(Path::exists) => {
                actions.push(Action::Keep {
                    path,
                    why: "the migrations directory exists without a mod.rs; run `gen-migration --rehash`".to_owned(),
                })
            }
            Err(_) => actions.push(Action::Create { path, contents }),
        }
    }
    Ok(Plan {
        actions,
        crate_name,
    })
}

/// Whether `source` declares `mod <name>` (with any visibility).
fn declares_module(source: &str, name: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim();
        let rest = line
            .strip_prefix("pub ")
            .or_else(|| line.strip_prefix("pub(crate) "))
            .unwrap_or(line);
        rest.strip_prefix("mod ")
            .is_some_and(|m| m.trim_end_matches([';', ' ', '{']) == name)
    })
}

fn entities_mod(targets: &[String]) -> String {
    let targets = if targets.is_empty() {
        "    // targets(sqlite, postgres); // optional: the backends the schema targets (default: all three)\n".to_owned()
    } else {
        format!("    targets({});\n", targets.join(", "))
    };
    format!(
        "{ENTITIES_MARK}\n\
         //! `pull` replaces this file while it starts with these lines; delete them once you edit it.\n\
         //! Declaring a module here registers its entity: `pub mod post;` for `src/entities/post.rs`.\n\
         \n\
         fsync_schema::entities! {{\n\
         {targets}\
         }}\n"
    )
}

fn schema_bin(crate_name: &str) -> String {
    format!(
        "//! The schema tools of this crate: `{TOOL} <command>` (gen-migration, migrate, diff, pull, ..).\n\
         \n\
         fn main() -> std::process::ExitCode {{\n    \
             fsync_schema_cli::Project::new(env!(\"CARGO_MANIFEST_DIR\"), {crate_name}::entities::schema)\n        \
                 .migrator({crate_name}::migrations::Migrator)\n        \
                 .embedded_database(\"{crate_name}.db\")\n        \
                 .run()\n\
         }}\n"
    )
}

fn stale_test() -> String {
    r#"//! `cargo test` fails when an entity changed and no migration records it.

#[test]
fn migrations_are_up_to_date() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schema"))
        .args(["gen-migration", "--check"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the schema binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
}
"#
    .to_owned()
}

impl Plan {
    /// Writes the plan's files (each through a temporary file and a rename);
    /// stops at the first that cannot be written, naming it.
    pub fn apply(&self) -> Result<(), Error> {
        for action in &self.actions {
            match action {
                Action::Create { path, contents } => {
                    if let Some(dir) = path.parent() {
                        fs::create_dir_all(dir)
                            .map_err(|e| Error(format!("cannot create {}: {e}", dir.display())))?;
                    }
                    write_atomically(path, contents).map_err(Error)?;
                }
                Action::Append { path, text } => {
                    let mut contents = fs::read_to_string(path)
                        .map_err(|e| Error(format!("cannot read {}: {e}", path.display())))?;
                    contents.push_str(text);
                    write_atomically(path, &contents).map_err(Error)?;
                }
                Action::Manifest { path, contents, .. } => {
                    write_atomically(path, contents).map_err(Error)?;
                }
                Action::Keep { .. } => {}
            }
        }
        Ok(())
    }

    /// Whether the plan writes anything.
    pub fn changes_anything(&self) -> bool {
        self.actions
            .iter()
            .any(|a| !matches!(a, Action::Keep { .. }))
    }

    /// The plan as lines for a person: what is written, kept and why.
    pub fn report(&self, root: &Path) -> String {
        let shown = |path: &Path| {
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        };
        let mut out = String::new();
        for action in &self.actions {
            let line = match action {
                Action::Create { path, .. } => format!("wrote {}", shown(path)),
                Action::Append { path, text } => format!(
                    "added to {}: {}",
                    shown(path),
                    text.lines()
                        .filter(|l| l.starts_with("pub mod"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                Action::Manifest { path, added, .. } => {
                    format!("added to {}: {}", shown(path), added.join(", "))
                }
                Action::Keep { path, why } => format!("kept {}: {why}", shown(path)),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// Runs `init`: plans, writes, and says what comes next.
pub fn run(args: Args) -> CommandResult {
    let source = if args.registry {
        Source::Registry
    } else {
        Source::detect()
    };
    let plan = plan(&args.path, &args.targets, &source)?;
    plan.apply()?;
    print!("{}", plan.report(&args.path));
    if !plan.changes_anything() {
        println!("nothing to do: the crate is set up already");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "next:\n  \
         {TOOL} pull -u <DATABASE_URL> --out src/entities   # adopt an existing database, or write entities by hand\n  \
         {TOOL} gen-migration --name initial              # the first migration\n  \
         {TOOL} migrate up                                # apply it ({}.db by default)",
        plan.crate_name
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_crate(lib: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"my-blog\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nserde = \"1\" # kept\n",
        )
        .unwrap();
        if let Some(lib) = lib {
            fs::create_dir_all(dir.path().join("src")).unwrap();
            fs::write(dir.path().join("src/lib.rs"), lib).unwrap();
        }
        dir
    }

    #[test]
    fn scaffolds_a_new_crate_then_has_nothing_to_do() {
        let dir = new_crate(Some("pub fn add(a: u8, b: u8) -> u8 {\n    a + b\n}"));
        let source = Source::Checkout(PathBuf::from("/src/fsync-schema"));
        let plan = plan(dir.path(), &["sqlite".into(), "postgres".into()], &source).unwrap();
        assert_eq!(plan.crate_name, "my_blog");
        plan.apply().unwrap();
        assert_eq!(
            plan.report(dir.path()),
            "added to Cargo.toml: fsync-schema, fsync-schema-cli, sea-orm\n\
             added to src/lib.rs: pub mod entities; pub mod migrations;\n\
             wrote src/entities/mod.rs\n\
             wrote src/migrations/mod.rs\n\
             wrote src/bin/schema.rs\n\
             wrote tests/schema.rs\n"
        );
        let manifest = fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("serde = \"1\" # kept\n"), "{manifest}");
        assert!(
            manifest.contains("fsync-schema = { path = \"/src/fsync-schema/fsync-schema\" }"),
            "{manifest}"
        );
        assert!(
            manifest.contains(
                "sea-orm = { version = \"2.0\", default-features = false, features = [\"macros\""
            ),
            "{manifest}"
        );
        let lib = fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
        assert!(lib.starts_with("pub fn add"), "{lib}");
        assert!(lib.ends_with("}\n\npub mod entities;\n#[rustfmt::skip] // written by `cargo run --bin schema -- gen-migration`\npub mod migrations;\n"), "{lib}");
        let entities = fs::read_to_string(dir.path().join("src/entities/mod.rs")).unwrap();
        assert!(entities.starts_with(ENTITIES_MARK), "{entities}");
        assert!(
            entities.contains("    targets(sqlite, postgres);\n"),
            "{entities}"
        );
        let bin = fs::read_to_string(dir.path().join("src/bin/schema.rs")).unwrap();
        assert!(bin.contains("my_blog::entities::schema"), "{bin}");
        assert!(bin.contains(".embedded_database(\"my_blog.db\")"), "{bin}");

        let again = super::plan(dir.path(), &[], &source).unwrap();
        assert!(!again.changes_anything(), "{}", again.report(dir.path()));
        assert!(
            again
                .report(dir.path())
                .contains("kept src/entities/mod.rs: exists and is not replaced"),
            "{}",
            again.report(dir.path())
        );
    }

    #[test]
    fn nothing_written_by_hand_is_replaced() {
        let dir = new_crate(None);
        fs::create_dir_all(dir.path().join("src/bin")).unwrap();
        fs::write(dir.path().join("src/bin/schema.rs"), "fn main() {}\n").unwrap();
        let plan = plan(dir.path(), &[], &Source::Registry).unwrap();
        plan.apply().unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("src/bin/schema.rs")).unwrap(),
            "fn main() {}\n"
        );
        let report = plan.report(dir.path());
        assert!(
            report.contains("kept src/bin/schema.rs: exists and is not replaced"),
            "{report}"
        );
        assert!(report.contains("wrote src/lib.rs"), "{report}");
        let manifest = fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!(
                "fsync-schema = {{ version = \"{}\" }}",
                env!("CARGO_PKG_VERSION")
            )),
            "{manifest}"
        );
    }

    #[test]
    fn a_directory_without_a_crate_is_refused_and_left_empty() {
        let dir = tempfile::tempdir().unwrap();
        let error = plan(dir.path(), &[], &Source::Registry)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("run `cargo new --lib <name>` first"),
            "{error}"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        let error = plan(dir.path(), &[], &Source::Registry)
            .unwrap_err()
            .to_string();
        assert!(error.contains("no `[package] name`"), "{error}");
    }

    #[test]
    fn module_declarations_are_recognised() {
        assert!(declares_module("pub mod entities;", "entities"));
        assert!(declares_module("mod entities {\n}", "entities"));
        assert!(declares_module(
            "  pub(crate) mod migrations;",
            "migrations"
        ));
        assert!(!declares_module("pub mod entities_old;", "entities"));
        assert!(!declares_module("// mod entities;", "entities"));
    }
}
