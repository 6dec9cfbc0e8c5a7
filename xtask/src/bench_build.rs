//! `cargo xtask bench-build`: what fsync-schema costs at build time and at
//! `migrate up`, against hand-written SeaORM, measured side by side.
//!
//! - `rebuild`: writes two throwaway crates per N under
//!   `<target>/bench-build/` (N entities derived with
//!   `#[derive(fsync_schema::Entity)]`, and the same N written by hand with
//!   SeaORM's `DeriveEntityModel`: the spec's three tables in turn, the same
//!   columns, keys and text enums), builds each, then touches one entity file
//!   and times `cargo build` of that crate, the two crates alternating; prints
//!   the medians and their ratio (goal ≤ 1.10), and, from a second build with
//!   nothing to do after each, cargo's fixed cost and the compiler's share.
//!   `--lean`: the derived crate without fsync-schema's default features
//!   (no migration runtime), as a crate holding only entities can have it.
//! - `apply`: builds `fsync` and the bench crate's `hand-migrate` (the
//!   hand-written migration through `sea_orm_migration::cli::run_cli`) in
//!   release, then times `migrate up` on fresh SQLite files, alternating;
//!   prints the medians and their ratio (goal ≤ 0.8).
//!
//! - `scale`: big schemas, see [`crate::bench_scale`].
//!
//! Without a subcommand, `rebuild` and `apply`. Results go in `docs/BENCHMARKS.md`.

use crate::TaskResult;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Options of `cargo xtask bench-build`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: Option<What>,
}

/// Which measurement.
#[derive(clap::Subcommand, Debug, Clone)]
pub enum What {
    /// Incremental rebuild of N derived entities against N hand-written ones.
    Rebuild(RebuildArgs),
    /// `fsync migrate up` against the hand-written migration through sea-orm-migration's CLI.
    Apply(ApplyArgs),
    /// Big schemas (100 / 300 / 1,000 tables): clean build, rebuild and
    /// `gen-migration --check` of derived entities against sea-orm-cli-style ones.
    Scale(crate::bench_scale::ScaleArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct RebuildArgs {
    /// The entity counts, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [3, 50])]
    pub entities: Vec<usize>,
    /// Timed rebuilds per crate.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// The derived crate depends on fsync-schema without its default features
    /// (no migration runtime, so no sea-orm-migration), as a crate holding
    /// only entities can.
    #[arg(long)]
    pub lean: bool,
}

impl Default for RebuildArgs {
    fn default() -> Self {
        RebuildArgs {
            entities: vec![3, 50],
            runs: 5,
            lean: false,
        }
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct ApplyArgs {
    /// Timed runs per side.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Build both binaries in the dev profile: a test run that CI makes so
    /// the benchmark cannot rot; its times are no measurement (no verdict).
    #[arg(long)]
    pub dev: bool,
}

impl Default for ApplyArgs {
    fn default() -> Self {
        ApplyArgs {
            runs: 20,
            dev: false,
        }
    }
}

/// Runs the task.
pub fn run(args: Args) -> TaskResult {
    // A missed goal is a finding to write down, not a failure of the task.
    match args.what {
        Some(What::Rebuild(args)) => rebuild(&args)?,
        Some(What::Apply(args)) => apply(&args)?,
        Some(What::Scale(args)) => crate::bench_scale::run(&args)?,
        None => {
            rebuild(&RebuildArgs::default())?;
            apply(&ApplyArgs::default())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The cargo target directory: `$CARGO_TARGET_DIR`, or `target/` of the workspace.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                crate::project_root().join(dir)
            }
        })
        .unwrap_or_else(|| crate::project_root().join("target"))
}

pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Variables the outer `cargo run` set for the xtask must not leak into the builds.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || key == "CARGO_CRATE_NAME"
            || key == "CARGO_PRIMARY_PACKAGE"
            || key == "CARGO_BIN_NAME"
        {
            command.env_remove(key.as_ref());
        }
    }
    command
}

/// Runs `command`, failing with its output when it fails.
pub(crate) fn check(command: &mut Command, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    let output = command.stdin(Stdio::null()).output()?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(())
}

pub(crate) fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

pub(crate) fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

pub(crate) fn list(times: &[Duration]) -> String {
    times
        .iter()
        .map(|t| format!("{:.0}", t.as_secs_f64() * 1e3))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().take(3).collect();
            format!("load average {}", parts.join(", "))
        })
        .unwrap_or_else(|_| "load average unknown".to_owned())
}

// ---------------------------------------------------------------------------
// rebuild

/// Which side of the comparison a throwaway crate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Derived,
    Hand,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Derived => "derived",
            Side::Hand => "hand",
        }
    }
}

/// The spec's three tables, in turn: entity `i` has shape `i % 3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Entry,
    Conduit,
    Generation,
}

/// One field: name, Rust type, the derive's attribute, SeaORM's attribute.
/// `{parent}` stands for the referenced entity's module.
struct Field(&'static str, &'static str, &'static str, &'static str);

const ID: Field = Field(
    "id",
    "i32",
    "#[schema(primary_key, autoincrement)]",
    "#[sea_orm(primary_key)]",
);

fn fields(shape: Shape) -> Vec<Field> {
    let fk = "#[schema(references = super::{parent}::id, on_delete = cascade)]";
    let zero = ("#[schema(default = 0)]", "#[sea_orm(default_value = 0)]");
    let text = "#[sea_orm(column_type = \"Text\")]";
    match shape {
        Shape::Entry => vec![
            ID,
            Field("uuid", "Uuid", "#[schema(unique)]", "#[sea_orm(unique)]"),
            Field("name", "String", "", text),
            Field("kind", "EntryKind", "", ""),
            Field(
                "parent_id",
                "Option<i32>",
                "#[schema(references = self::id, on_delete = cascade)]",
                "",
            ),
            Field("size", "i64", zero.0, zero.1),
            Field("created_at", "DateTimeUtc", "", ""),
            Field("modified_at", "DateTimeUtc", "", ""),
        ],
        Shape::Conduit => vec![
            ID,
            Field("uuid", "Uuid", "#[schema(unique)]", "#[sea_orm(unique)]"),
            Field("source_entry_id", "i32", fk, ""),
            Field("target_entry_id", "i32", fk, ""),
            Field("sync_mode", "SyncMode", "", ""),
            Field(
                "enabled",
                "bool",
                "#[schema(default = true)]",
                "#[sea_orm(default_value = true)]",
            ),
            Field(
                "schedule",
                "Schedule",
                "#[schema(default = \"manual\")]",
                "#[sea_orm(default_value = \"manual\")]",
            ),
            Field(
                "use_index_rules",
                "bool",
                "#[schema(default = true)]",
                "#[sea_orm(default_value = true)]",
            ),
            Field("index_mode_override", "Option<String>", "", text),
            Field(
                "parallel_transfers",
                "i32",
                "#[schema(default = 3)]",
                "#[sea_orm(default_value = 3)]",
            ),
            Field("bandwidth_limit_mbps", "Option<i32>", "", ""),
            Field("last_sync_completed_at", "Option<DateTimeUtc>", "", ""),
            Field("sync_generation", "i64", zero.0, zero.1),
            Field("last_sync_error", "Option<String>", "", text),
            Field("total_syncs", "i64", zero.0, zero.1),
            Field("files_synced", "i64", zero.0, zero.1),
            Field("bytes_transferred", "i64", zero.0, zero.1),
            Field("created_at", "DateTimeUtc", "", ""),
            Field("updated_at", "DateTimeUtc", "", ""),
        ],
        Shape::Generation => vec![
            ID,
            Field("conduit_id", "i32", fk, ""),
            Field("generation", "i64", "", ""),
            Field("started_at", "DateTimeUtc", "", ""),
            Field("completed_at", "Option<DateTimeUtc>", "", ""),
            Field("files_copied", "i32", zero.0, zero.1),
            Field("files_deleted", "i32", zero.0, zero.1),
            Field("conflicts_resolved", "i32", zero.0, zero.1),
            Field("bytes_transferred", "i64", zero.0, zero.1),
            Field("errors_encountered", "i32", zero.0, zero.1),
            Field("verified_at", "Option<DateTimeUtc>", "", ""),
            Field(
                "verification_status",
                "VerificationStatus",
                "#[schema(default = \"unverified\")]",
                "#[sea_orm(default_value = \"unverified\")]",
            ),
        ],
    }
}

fn module(i: usize) -> String {
    format!("e{i:03}")
}

fn shape(i: usize) -> Shape {
    [Shape::Entry, Shape::Conduit, Shape::Generation][i % 3]
}

fn table_name(i: usize) -> String {
    let base = match shape(i) {
        Shape::Entry => "entry",
        Shape::Conduit => "sync_conduit",
        Shape::Generation => "sync_generation",
    };
    format!("{base}_{i:03}")
}

/// The source of entity `i` of `n` on `side`.
fn entity_source(side: Side, i: usize, n: usize) -> String {
    let shape = shape(i);
    let parent = (shape != Shape::Entry).then(|| module(i - 1));
    let child = (shape != Shape::Generation && i + 1 < n).then(|| module(i + 1));
    let table = table_name(i);
    let mut out = format!("//! Entity {i} of {n}: like `{table}` of FSYNC-002.\n\n");
    let imports = match shape {
        Shape::Entry => "EntryKind",
        Shape::Conduit => "Schedule, SyncMode",
        Shape::Generation => "VerificationStatus",
    };
    let _ = writeln!(out, "use crate::{{{imports}}};");
    match side {
        Side::Derived => {
            out.push_str(match shape {
                Shape::Generation => "use sea_orm::prelude::DateTimeUtc;\n\n",
                _ => "use sea_orm::prelude::{DateTimeUtc, Uuid};\n\n",
            });
            out.push_str("#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]\n");
            let index = match shape {
                Shape::Entry => format!("index(name = \"idx_{table}_parent\", columns(parent_id))"),
                Shape::Conduit => {
                    format!("index(name = \"idx_{table}_enabled\", columns(enabled))")
                }
                Shape::Generation => format!(
                    "index(name = \"idx_{table}_conduit\", columns(conduit_id, generation))"
                ),
            };
            let _ = writeln!(out, "#[schema(table = \"{table}\", {index})]");
            if let Some(child) = &child {
                match shape {
                    Shape::Entry => {
                        let _ = writeln!(
                            out,
                            "#[schema(has_many(super::{child}::source_entry_id, relation = OutgoingConduits))]\n\
                             #[schema(has_many(super::{child}::target_entry_id, relation = IncomingConduits))]"
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            out,
                            "#[schema(has_many(super::{child}::conduit_id, relation = Generations))]"
                        );
                    }
                }
            }
        }
        Side::Hand => {
            out.push_str("use sea_orm::entity::prelude::*;\n\n");
            out.push_str("#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n");
            let _ = writeln!(out, "#[sea_orm(table_name = \"{table}\")]");
        }
    }
    out.push_str("pub struct Model {\n");
    for Field(name, ty, derived, hand) in fields(shape) {
        let attr = match side {
            Side::Derived => derived,
            Side::Hand => hand,
        };
        if !attr.is_empty() {
            let attr = attr.replace("{parent}", parent.as_deref().unwrap_or(""));
            let _ = writeln!(out, "    {attr}");
        }
        let _ = writeln!(out, "    pub {name}: {ty},");
    }
    out.push_str("}\n");
    if side == Side::Hand {
        out.push_str(
            "\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {\n",
        );
        let belongs = |variant: &str, from: &str, to_module: &str| {
            let (entity, to) = if to_module == "Self" {
                ("Entity".to_owned(), "Column::Id".to_owned())
            } else {
                (
                    format!("super::{to_module}::Entity"),
                    format!("super::{to_module}::Column::Id"),
                )
            };
            format!(
                "    #[sea_orm(belongs_to = \"{entity}\", from = \"Column::{from}\", to = \"{to}\", on_delete = \"Cascade\")]\n    {variant},\n"
            )
        };
        let mut related = String::new();
        match shape {
            Shape::Entry => {
                out.push_str(&belongs("Parent", "ParentId", "Self"));
                if let Some(child) = &child {
                    let _ = write!(
                        out,
                        "    #[sea_orm(has_many = \"super::{child}::Entity\", via_rel = \"Relation::SourceEntry\")]\n    OutgoingConduits,\n\
                         \x20   #[sea_orm(has_many = \"super::{child}::Entity\", via_rel = \"Relation::TargetEntry\")]\n    IncomingConduits,\n"
                    );
                }
            }
            Shape::Conduit => {
                let parent = parent.as_deref().unwrap();
                out.push_str(&belongs("SourceEntry", "SourceEntryId", parent));
                out.push_str(&belongs("TargetEntry", "TargetEntryId", parent));
                if let Some(child) = &child {
                    let _ = write!(
                        out,
                        "    #[sea_orm(has_many = \"super::{child}::Entity\")]\n    Generations,\n"
                    );
                    let _ = write!(
                        related,
                        "\nimpl Related<super::{child}::Entity> for Entity {{\n    fn to() -> RelationDef {{\n        Relation::Generations.def()\n    }}\n}}\n"
                    );
                }
            }
            Shape::Generation => {
                let parent = parent.as_deref().unwrap();
                out.push_str(&belongs("Conduit", "ConduitId", parent));
                let _ = write!(
                    related,
                    "\nimpl Related<super::{parent}::Entity> for Entity {{\n    fn to() -> RelationDef {{\n        Relation::Conduit.def()\n    }}\n}}\n"
                );
            }
        }
        out.push_str("}\n");
        out.push_str(&related);
        out.push_str("\nimpl ActiveModelBehavior for ActiveModel {}\n");
    }
    out
}

/// `Interval` and `EntryKind` for the hand-written crate (the derived crate
/// has them in the application's `types.rs`): the same text, cut from that
/// file, without the `fsync_schema::SqlValue` impl.
fn hand_shared(types: &str) -> Result<String, String> {
    const START: &str = "/// A whole number of seconds";
    const END: &str = "impl fsync_schema::SqlValue for EntryKind";
    let start = types.find(START);
    let end = types.find(END);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(format!(
            "src/entities/types.rs no longer has `{START}` .. `{END}`"
        ));
    };
    Ok(format!(
        "//! Column types both sides share, cut from `fsync::entities::types`.\n\n\
         use std::fmt;\nuse std::str::FromStr;\nuse std::time::Duration;\n\n{}",
        types[start..end].trim_end().to_owned() + "\n"
    ))
}

/// Writes `path` only when its contents differ (so that cargo's fingerprints hold).
pub(crate) fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, contents)
}

/// Writes the throwaway crate of `n` entities on `side`; returns its directory.
fn write_crate(
    root: &Path,
    side: Side,
    n: usize,
    lean: bool,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let project = crate::project_root();
    let lean = lean && side == Side::Derived;
    let name = format!("{}{}-{n}", side.name(), if lean { "-lean" } else { "" });
    let dir = root.join(&name);
    let fsync_schema_dep = match side {
        Side::Derived => format!(
            "fsync-schema = {{ path = {:?}{} }}\n",
            project.join("fsync-schema"),
            if lean {
                ", default-features = false"
            } else {
                ""
            }
        ),
        Side::Hand => String::new(),
    };
    let manifest = format!(
        r#"# Generated by `cargo xtask bench-build rebuild`; rewritten on every run.
[package]
name = "bench-build-{name}"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
{fsync_schema_dep}sea-orm = {{ version = "2.0.4", default-features = false, features = ["macros", "with-uuid", "with-chrono", "runtime-tokio"] }}

# As in the fsync workspace.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#,
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    // The workspace's lock file: the same versions, and no registry lookups.
    if !dir.join("Cargo.lock").exists() {
        fs::copy(project.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    }
    let modules: Vec<String> = (0..n).map(module).collect();
    let lib = match side {
        Side::Derived => {
            let list: String = modules
                .iter()
                .map(|m| format!("    pub mod {m};\n"))
                .collect();
            format!(
                "//! {n} entities derived with `#[derive(fsync_schema::Entity)]`.\n\n\
                 pub mod types;\npub use types::*;\n\nfsync_schema::entities! {{\n{list}}}\n"
            )
        }
        Side::Hand => {
            let list: String = modules.iter().map(|m| format!("pub mod {m};\n")).collect();
            format!(
                "//! {n} entities written by hand with SeaORM's `DeriveEntityModel`.\n\n\
                 pub mod shared;\npub mod types;\npub use types::*;\n\n{list}"
            )
        }
    };
    write_if_changed(&dir.join("src/lib.rs"), &lib)?;
    match side {
        Side::Derived => {
            // The application's own text enums (`#[derive(fsync_schema::TextEnum)]`).
            let types = fs::read_to_string(project.join("src/entities/types.rs"))?;
            write_if_changed(&dir.join("src/types.rs"), &types)?;
        }
        Side::Hand => {
            // The bench crate's hand-written enums (`DeriveActiveEnum`, `DeriveValueType`).
            let types = fs::read_to_string(project.join("bench/src/hand/types.rs"))?;
            let from = "pub use fsync::entities::{EntryKind, Interval};";
            if !types.contains(from) {
                return Err(format!("bench/src/hand/types.rs no longer has `{from}`").into());
            }
            let types = types.replace(from, "pub use crate::shared::{EntryKind, Interval};");
            write_if_changed(&dir.join("src/types.rs"), &types)?;
            let app_types = fs::read_to_string(project.join("src/entities/types.rs"))?;
            write_if_changed(&dir.join("src/shared.rs"), &hand_shared(&app_types)?)?;
        }
    }
    for i in 0..n {
        write_if_changed(
            &dir.join(format!("src/{}.rs", module(i))),
            &entity_source(side, i, n),
        )?;
    }
    Ok(dir)
}

/// `cargo build` of the crate in `dir`, timed.
fn build(dir: &Path, target: &Path) -> Result<Duration, Box<dyn std::error::Error>> {
    let start = Instant::now();
    check(
        cargo()
            .args(["build", "--offline", "--quiet"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target),
        &format!("cargo build in {}", dir.display()),
    )?;
    Ok(start.elapsed())
}

/// Marks an entity file as changed, as an editor's save does.
pub(crate) fn touch(path: &Path) -> std::io::Result<()> {
    fs::File::options()
        .write(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

fn rebuild(args: &RebuildArgs) -> Result<(), Box<dyn std::error::Error>> {
    let root = target_dir().join("bench-build");
    let target = root.join("target");
    println!(
        "rebuild: touch one entity file, time `cargo build` (dev profile), {} runs per crate, alternating{} ({})",
        args.runs,
        if args.lean {
            "; derived crate with fsync-schema's default features off"
        } else {
            ""
        },
        load()
    );
    for &n in &args.entities {
        if n < 2 {
            return Err("--entities needs at least 2 entities per crate".into());
        }
        let crates = [
            (
                Side::Derived,
                write_crate(&root, Side::Derived, n, args.lean)?,
            ),
            (Side::Hand, write_crate(&root, Side::Hand, n, false)?),
        ];
        // A full build, then one untimed rebuild so that caches are warm.
        for (side, dir) in &crates {
            let full = build(dir, &target)?;
            touch(&dir.join("src/e001.rs"))?;
            build(dir, &target)?;
            println!(
                "  N = {n}: {} crate built ({} from scratch or cache)",
                side.name(),
                ms(full)
            );
        }
        // Per crate: the rebuild after a touch, then a build with nothing to
        // do (cargo's own fixed cost: fingerprints of every dependency).
        let mut rebuilds: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        let mut noops: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        for run in 0..args.runs {
            let order: [usize; 2] = if run % 2 == 0 { [0, 1] } else { [1, 0] };
            for k in order {
                let dir = &crates[k].1;
                touch(&dir.join("src/e001.rs"))?;
                rebuilds[k].push(build(dir, &target)?);
                noops[k].push(build(dir, &target)?);
            }
        }
        let (derived, hand) = (median(&rebuilds[0]), median(&rebuilds[1]));
        let ratio = derived.as_secs_f64() / hand.as_secs_f64();
        println!(
            "  N = {n}: rebuild: derived median {} [{}], hand median {} [{}] (ms), ratio {ratio:.3} (goal ≤ 1.10: {})",
            ms(derived),
            list(&rebuilds[0]),
            ms(hand),
            list(&rebuilds[1]),
            if ratio <= 1.10 { "met" } else { "MISSED" }
        );
        let (derived_noop, hand_noop) = (median(&noops[0]), median(&noops[1]));
        let compile = |rebuild: Duration, noop: Duration| rebuild.saturating_sub(noop);
        println!(
            "  N = {n}: nothing to do: derived median {} [{}], hand median {} [{}] (ms); \
             rebuild minus that (the compiler's share): derived {}, hand {}, ratio {:.3}",
            ms(derived_noop),
            list(&noops[0]),
            ms(hand_noop),
            list(&noops[1]),
            ms(compile(derived, derived_noop)),
            ms(compile(hand, hand_noop)),
            compile(derived, derived_noop).as_secs_f64() / compile(hand, hand_noop).as_secs_f64()
        );
    }
    println!("  ({})", load());
    Ok(())
}

// ---------------------------------------------------------------------------
// apply

fn apply(args: &ApplyArgs) -> Result<(), Box<dyn std::error::Error>> {
    let project = crate::project_root();
    let target = target_dir();
    // Built one package at a time, so that the bench crate's features
    // (sea-orm-migration's `cli`) do not change the `fsync` binary.
    let (profile, flags): (&str, &[&str]) = if args.dev {
        ("debug", &[])
    } else {
        ("release", &["--release"])
    };
    for (package, bin) in [("fsync", "fsync"), ("fsync-bench", "hand-migrate")] {
        check(
            cargo()
                .arg("build")
                .args(flags)
                .args(["--quiet", "-p", package, "--bin", bin])
                .current_dir(&project)
                .env("CARGO_TARGET_DIR", &target),
            &format!("cargo build {} -p {package} --bin {bin}", flags.join(" ")),
        )?;
    }
    let fsync = target.join(profile).join("fsync");
    let hand = target.join(profile).join("hand-migrate");
    let dir = target.join("bench-build/apply");
    fs::create_dir_all(&dir)?;
    println!(
        "apply: `migrate up` on a fresh SQLite file in {}, {profile} builds, {} runs per side, alternating ({})",
        dir.display(),
        args.runs,
        load()
    );
    let run = |side: usize, k: usize| -> Result<Duration, Box<dyn std::error::Error>> {
        let file = dir.join(format!("{}-{k}.db", ["fsync", "hand"][side]));
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let mut command = if side == 0 {
            let mut c = Command::new(&fsync);
            c.args(["migrate", "-u", &url, "up"]);
            c
        } else {
            let mut c = Command::new(&hand);
            c.args(["-u", &url, "up"]);
            c
        };
        command.current_dir(&dir).env_remove("DATABASE_URL");
        let start = Instant::now();
        let what = format!("{command:?}");
        check(&mut command, &what)?;
        let elapsed = start.elapsed();
        if fs::metadata(&file)?.len() == 0 {
            return Err(format!("{} is empty after migrate up", file.display()).into());
        }
        Ok(elapsed)
    };
    // One untimed run each: binaries and the directory in the page cache.
    run(0, 0)?;
    run(1, 0)?;
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for k in 0..args.runs {
        let order: [usize; 2] = if k % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            times[side].push(run(side, k)?);
        }
    }
    let (derived, hand) = (median(&times[0]), median(&times[1]));
    let ratio = derived.as_secs_f64() / hand.as_secs_f64();
    println!(
        "  fsync migrate up: median {} [{}]\n  hand-migrate up:  median {} [{}] (ms)\n  ratio {ratio:.3} (goal ≤ 0.80: {})",
        ms(derived),
        list(&times[0]),
        ms(hand),
        list(&times[1]),
        match (args.dev, ratio <= 0.8) {
            (true, _) => "no verdict: dev builds",
            (false, true) => "met",
            (false, false) => "MISSED",
        }
    );
    println!("  ({})", load());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_crate_shares_the_applications_interval_and_entry_kind() {
        let types =
            std::fs::read_to_string(crate::project_root().join("src/entities/types.rs")).unwrap();
        let shared = hand_shared(&types).unwrap();
        assert!(
            shared.contains("pub struct Interval(pub Duration);"),
            "{shared}"
        );
        assert!(shared.contains("impl FromStr for Interval"), "{shared}");
        assert!(shared.contains("pub enum EntryKind"), "{shared}");
        assert!(!shared.contains("fsync_schema"), "{shared}");
        assert!(hand_shared("// nothing").is_err());
    }

    #[test]
    fn entity_sources_follow_the_spec_shapes() {
        let derived = entity_source(Side::Derived, 1, 3);
        assert!(
            derived.contains("#[schema(table = \"sync_conduit_001\""),
            "{derived}"
        );
        assert!(
            derived.contains("references = super::e000::id"),
            "{derived}"
        );
        assert!(
            derived.contains("has_many(super::e002::conduit_id"),
            "{derived}"
        );
        let hand = entity_source(Side::Hand, 1, 3);
        assert!(
            hand.contains("#[sea_orm(table_name = \"sync_conduit_001\")]"),
            "{hand}"
        );
        assert!(
            hand.contains("impl Related<super::e002::Entity> for Entity"),
            "{hand}"
        );
        // The last entity has no child to declare.
        let last = entity_source(Side::Hand, 1, 2);
        assert!(!last.contains("Generations"), "{last}");
        assert_eq!(
            fields(Shape::Conduit).len(),
            fields(Shape::Entry).len() + 11
        );
    }
}
