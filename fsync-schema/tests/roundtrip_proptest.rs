//! Property: any valid schema, rendered with `render::schema_statements`,
//! applied to a fresh database and introspected back, compares equal to its
//! model (both normalized for the backend).
//!
//! Schemas range over every `ColumnType`, nullability, defaults of every kind
//! that fits, single autoincrement keys and composite keys, uniques (named or
//! not), indexes (unique or not, composite), foreign keys with every action
//! the model accepts between generated tables (self-references included), and
//! identifiers that need quotes (`order`, `group`, `select`, `key`, ...).
//!
//! SQLite always runs (in memory); PostgreSQL (a fresh schema per case) and
//! MariaDB/MySQL (a fresh database per case) run when
//! `FSYNC_TEST_POSTGRES_URL` / `FSYNC_TEST_MYSQL_URL` are set, and fail when
//! set but unreachable. `FSYNC_PROPTEST_CASES` changes the number of cases
//! (default 200 on SQLite, 64 on a server, where a case is a database made
//! and dropped over the network).
//!
//! A second property, on the same schemas: `introspect::schema` (a few
//! catalogue queries) reads exactly the model `introspect::discovery::schema`
//! (sea-schema's discovery, the reader it replaced) reads.
#![cfg(feature = "introspect")]

mod common;

use common::{TestDb, server_url};
use fsync_schema::compare::{Sides, compare_with};
use fsync_schema::{
    Action, Backend, Column, ColumnType as T, DefaultValue, ForeignKey, Index, Schema, Table,
    Unique, introspect, render, validate,
};
use fsync_test_macros::needs;
use proptest::prelude::*;
use proptest::sample::{Index as Pick, subsequence};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::time::Instant;

const TABLE_NAMES: [&str; 8] = [
    "order",
    "group",
    "select",
    "key",
    "user",
    "CamelCase",
    "from",
    "table",
];
const COLUMN_NAMES: [&str; 9] = [
    "value",
    "order",
    "group",
    "select",
    "key",
    "with space",
    "CamelCol",
    "default",
    "name",
];
/// Index names that need quotes; none is a table name or `primary`.
const INDEX_NAMES: [&str; 8] = [
    "index", "unique", "where", "check", "limit", "desc", "column", "values",
];
const ACTIONS: [Action; 4] = [
    Action::NoAction,
    Action::Restrict,
    Action::Cascade,
    Action::SetNull,
];
const JSON: [&str; 7] = [
    "{}",
    "[]",
    "{\"a\": 1}",
    "[1, 2]",
    "\"x\"",
    "null",
    "{\"k\": [true, null]}",
];
const ALPHABET: [char; 13] = [
    'a', 'Z', '0', ' ', '\'', '\\', '"', 'é', '日', '\n', '%', '_', ';',
];

#[derive(Clone, Debug)]
struct ColumnPlan {
    ty: T,
    nullable: bool,
    default: Option<(u8, u64)>,
}

#[derive(Clone, Debug)]
enum KeyPlan {
    Autoincrement(T),
    Columns(Vec<Pick>),
}

#[derive(Clone, Debug)]
struct UniquePlan {
    columns: Vec<Pick>,
    named: bool,
}

#[derive(Clone, Debug)]
struct IndexPlan {
    columns: Vec<Pick>,
    unique: bool,
    quoted_name: bool,
}

#[derive(Clone, Debug)]
struct ForeignKeyPlan {
    target: Pick,
    key: Pick,
    on_delete: Action,
    on_update: Action,
    nullable: bool,
    named: bool,
}

#[derive(Clone, Debug)]
struct TablePlan {
    names: Vec<&'static str>,
    columns: Vec<ColumnPlan>,
    key: KeyPlan,
    uniques: Vec<UniquePlan>,
    indexes: Vec<IndexPlan>,
    foreign_keys: Vec<ForeignKeyPlan>,
}

fn column_type() -> impl Strategy<Value = T> {
    prop_oneof![
        Just(T::SmallInt),
        Just(T::Integer),
        Just(T::BigInt),
        Just(T::Boolean),
        Just(T::Float),
        Just(T::Double),
        (1u32..=20, 0u32..=6)
            .prop_map(|(precision, scale)| T::Decimal(precision, scale.min(precision))),
        Just(T::Text),
        (1u32..=64).prop_map(T::String),
        Just(T::Blob),
        Just(T::Uuid),
        Just(T::Date),
        Just(T::Time),
        Just(T::DateTime),
        Just(T::TimestampTz),
        Just(T::Json),
        Just(T::TinyUnsigned),
        Just(T::SmallUnsigned),
        Just(T::Unsigned),
    ]
}

fn column_plan() -> impl Strategy<Value = ColumnPlan> {
    (
        column_type(),
        any::<bool>(),
        proptest::option::of((any::<u8>(), any::<u64>())),
    )
        .prop_map(|(ty, nullable, default)| ColumnPlan {
            ty,
            nullable,
            default,
        })
}

fn key_plan() -> impl Strategy<Value = KeyPlan> {
    prop_oneof![
        prop_oneof![Just(T::SmallInt), Just(T::Integer), Just(T::BigInt)]
            .prop_map(KeyPlan::Autoincrement),
        proptest::collection::vec(any::<Pick>(), 1..=2).prop_map(KeyPlan::Columns),
    ]
}

fn table_plan() -> impl Strategy<Value = TablePlan> {
    (
        subsequence(COLUMN_NAMES.to_vec(), 1..=5),
        proptest::collection::vec(column_plan(), 5),
        key_plan(),
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<Pick>(), 1..=2),
                any::<bool>(),
            )
                .prop_map(|(columns, named)| UniquePlan { columns, named }),
            0..=2,
        ),
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<Pick>(), 1..=2),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(columns, unique, quoted_name)| IndexPlan {
                    columns,
                    unique,
                    quoted_name,
                }),
            0..=2,
        ),
        proptest::collection::vec(
            (
                any::<Pick>(),
                any::<Pick>(),
                proptest::sample::select(ACTIONS.to_vec()),
                proptest::sample::select(ACTIONS.to_vec()),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(target, key, on_delete, on_update, nullable, named)| {
                    ForeignKeyPlan {
                        target,
                        key,
                        on_delete,
                        on_update,
                        nullable,
                        named,
                    }
                }),
            0..=2,
        ),
    )
        .prop_map(
            |(names, columns, key, uniques, indexes, foreign_keys)| TablePlan {
                names,
                columns,
                key,
                uniques,
                indexes,
                foreign_keys,
            },
        )
}

/// Valid schemas of one to four tables.
fn schemas() -> impl Strategy<Value = Schema> {
    (
        subsequence(TABLE_NAMES.to_vec(), 1..=4),
        proptest::collection::vec(table_plan(), 4),
    )
        .prop_map(|(names, plans)| build(&names, &plans))
}

/// A small deterministic generator for the characters of text defaults.
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

fn text(seed: u64, max: u32) -> String {
    let mut seed = seed;
    let len = next(&mut seed) % (u64::from(max.min(12)) + 1);
    (0..len)
        .map(|_| ALPHABET[(next(&mut seed) % ALPHABET.len() as u64) as usize])
        .collect()
}

fn date(seed: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        1970 + seed % 130,
        1 + (seed >> 8) % 12,
        1 + (seed >> 16) % 28
    )
}

fn time(seed: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seed % 24,
        (seed >> 8) % 60,
        (seed >> 16) % 60
    )
}

/// A default of some kind that fits `ty`; `None` for types without one.
fn default_for(ty: T, choice: u8, seed: u64) -> Option<DefaultValue> {
    use DefaultValue as D;
    let sql = || D::Sql("(1 + 2)".into());
    let nice = || D::Float((seed % 16_001) as f64 / 8.0 - 1000.0);
    Some(match ty {
        T::SmallInt => match choice % 4 {
            0 => D::Int(i64::from(i16::MIN)),
            1 => D::Int(i64::from(i16::MAX)),
            2 => sql(),
            _ => D::Int(i64::from(seed as i16)),
        },
        T::Integer => match choice % 4 {
            0 => D::Int(i64::from(i32::MIN)),
            1 => D::Int(i64::from(i32::MAX)),
            2 => sql(),
            _ => D::Int(i64::from(seed as i32)),
        },
        T::BigInt => match choice % 4 {
            0 => D::Int(i64::MIN),
            1 => D::Int(i64::MAX),
            2 => sql(),
            _ => D::Int(seed as i64),
        },
        T::Boolean => D::Bool(seed.is_multiple_of(2)),
        T::Float => match choice % 3 {
            0 => D::Int(i64::from(seed as i16)),
            1 => sql(),
            _ => nice(),
        },
        T::Double => match choice % 5 {
            0 => D::Int(i64::from(seed as i32)),
            1 => sql(),
            2 => D::Float(1e20),
            3 => D::Float(-2.5e-5),
            _ => nice(),
        },
        T::Decimal(precision, scale) => {
            // Whole digits that fit, and fractions exact in binary.
            let whole = 10_i64.pow((precision - scale).min(6));
            let int = (seed % whole as u64) as i64 * if choice.is_multiple_of(2) { 1 } else { -1 };
            let fraction = match scale {
                0 => 0.0,
                1 => (seed >> 20) as f64 % 2.0 * 0.5,
                _ => (seed >> 20) as f64 % 4.0 * 0.25,
            };
            match choice % 3 {
                0 => D::Int(int),
                1 if precision > scale => sql(),
                _ if fraction == 0.0 => D::Int(int),
                _ => D::Float(int as f64 + fraction.copysign(int as f64 + 0.5)),
            }
        }
        T::Text => D::Text(text(seed, 12)),
        T::String(len) => D::Text(text(seed, len)),
        T::Blob | T::Uuid => return None,
        T::Date => D::Text(date(seed)),
        T::Time => D::Text(time(seed)),
        T::DateTime | T::TimestampTz => match choice % 2 {
            0 => D::CurrentTimestamp,
            _ => D::Text(format!("{} {}", date(seed), time(seed >> 24))),
        },
        T::Json => D::Text(JSON[(seed % JSON.len() as u64) as usize].to_owned()),
        T::TinyUnsigned | T::SmallUnsigned | T::Unsigned | T::BigUnsigned => {
            let (_, max) = ty.unsigned_range().expect("unsigned");
            match choice % 3 {
                0 => D::Int(0),
                1 => D::Int(max.min(i64::MAX as u64) as i64),
                _ => D::Int((seed % max.min(i64::MAX as u64)) as i64),
            }
        }
        T::Enum | T::Set | T::Array(_) => return None,
    })
}

/// Whether MySQL can index the type whole (see `validate::portable`).
fn indexable(ty: T) -> bool {
    !matches!(ty, T::Text | T::Blob | T::Json)
}

/// Distinct picks among `candidates`, in pick order.
fn pick(picks: &[Pick], candidates: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if candidates.is_empty() {
        return out;
    }
    for p in picks {
        let name = p.get(candidates).clone();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn build(names: &[&str], plans: &[TablePlan]) -> Schema {
    let mut schema = Schema::default();
    for (t, (name, plan)) in names.iter().zip(plans).enumerate() {
        let mut table = Table::new(*name);
        if let KeyPlan::Autoincrement(ty) = plan.key {
            table.columns.push(Column::new("id", ty).autoincrement());
            table.primary_key = vec!["id".into()];
        }
        for (column_name, column) in plan.names.iter().zip(&plan.columns) {
            let mut built = Column::new(*column_name, column.ty);
            built.nullable = column.nullable;
            built.default = column
                .default
                .and_then(|(choice, seed)| default_for(column.ty, choice, seed));
            table.columns.push(built);
        }
        let keyable: Vec<String> = table
            .columns
            .iter()
            .filter(|c| indexable(c.ty) && !c.autoincrement)
            .map(|c| c.name.clone())
            .collect();
        if let KeyPlan::Columns(picks) = &plan.key {
            let key = pick(picks, &keyable);
            if key.is_empty() {
                table.columns.insert(0, Column::new("id", T::Integer));
                table.primary_key = vec!["id".into()];
            } else {
                for column in &mut table.columns {
                    if key.contains(&column.name) {
                        column.nullable = false;
                    }
                }
                table.primary_key = key;
            }
        }
        let all: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        for (u, unique) in plan.uniques.iter().enumerate() {
            let columns = pick(&unique.columns, &all);
            let hashed = columns
                .iter()
                .any(|c| table.column(c).is_some_and(|c| !indexable(c.ty)));
            let with_autoincrement = columns
                .iter()
                .any(|c| table.column(c).is_some_and(|c| c.autoincrement));
            if columns == table.primary_key
                || table.uniques.iter().any(|x| x.columns == columns)
                || (hashed && with_autoincrement)
            {
                // Rejected by validation: redundant, or refused by MariaDB.
                continue;
            }
            table.uniques.push(Unique {
                name: unique.named.then(|| format!("uq{t}_{u}")),
                columns,
            });
        }
        for (x, index) in plan.indexes.iter().enumerate() {
            let columns = pick(&index.columns, &keyable);
            if columns.is_empty() {
                continue;
            }
            let name = if index.quoted_name {
                INDEX_NAMES[t * 2 + x].to_owned()
            } else {
                format!("ix{t}_{x}")
            };
            table.indexes.push(Index {
                name,
                columns,
                unique: index.unique,
                prefixes: Default::default(),
                ..Default::default()
            });
        }
        for (f, plan) in plan.foreign_keys.iter().enumerate() {
            let target_position = plan.target.index(t + 1);
            let target = if target_position == t {
                &table
            } else {
                &schema.tables[target_position]
            };
            // Keys a foreign key can reference: the primary key and the
            // uniques MySQL can index.
            let keys: Vec<Vec<String>> = std::iter::once(target.primary_key.clone())
                .chain(target.uniques.iter().map(|u| u.columns.clone()))
                .filter(|key| {
                    key.iter()
                        .all(|c| target.column(c).is_some_and(|c| indexable(c.ty)))
                })
                .collect();
            let ref_columns = plan.key.get(&keys).clone();
            let ref_table = target.name.clone();
            let set_null = plan.on_delete == Action::SetNull || plan.on_update == Action::SetNull;
            let mut columns = Vec::new();
            let mut added = Vec::new();
            for ref_column in &ref_columns {
                let referenced = target.column(ref_column).expect("key column");
                let name = format!("fk{f}_{ref_column}");
                let mut column = Column::new(&name, referenced.ty);
                // MariaDB refuses ON UPDATE CASCADE from a nullable key into
                // a NOT NULL column (see `validate`).
                let cascades_null = plan.on_update == Action::Cascade && referenced.nullable;
                column.nullable = plan.nullable || set_null || cascades_null;
                added.push(column);
                columns.push(name);
            }
            table.columns.extend(added);
            let mut foreign_key = ForeignKey::new(columns, &ref_table, ref_columns)
                .on_delete(plan.on_delete)
                .on_update(plan.on_update);
            if plan.named {
                foreign_key = foreign_key.named(&format!("fkn{t}_{f}"));
            }
            table.foreign_keys.push(foreign_key);
        }
        schema.tables.push(table);
    }
    schema
}

fn cases(backend: Backend) -> u32 {
    std::env::var("FSYNC_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if backend == Backend::Sqlite { 200 } else { 64 })
}

/// One case: the schema is valid, builds, and reads back as itself.
async fn round_trip(backend: Backend, url: &str, schema: &Schema) -> Result<(), TestCaseError> {
    let problems = validate::schema(schema);
    prop_assert!(
        problems.is_empty(),
        "the generator made an invalid schema: {problems:?}"
    );
    let test = TestDb::fresh(backend, url, "prop")
        .await
        .map_err(TestCaseError::fail)?;
    let outcome = async {
        test.apply(schema).await?;
        introspect::schema(&test.db)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let closed = test.close().await;
    let actual = outcome.map_err(|error| {
        TestCaseError::fail(format!(
            "{error}\n--- rendered ---\n{}",
            render::schema_statements(schema, backend).join(";\n")
        ))
    })?;
    closed.map_err(TestCaseError::fail)?;
    let findings = compare_with(
        &introspect::as_introspected(schema, backend),
        &introspect::as_introspected(&actual, backend),
        &Sides::new("model", "database"),
    );
    prop_assert!(
        findings.is_empty(),
        "{} read back differently:\n{}\n--- rendered ---\n{}",
        backend.name(),
        findings
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n"),
        render::schema_statements(schema, backend).join(";\n")
    );
    #[cfg(feature = "pull")]
    pulled_back(backend, &actual)?;
    Ok(())
}

/// `pull` on the schema read back: every table is expressed, the source
/// parses, and the tables the derive builds from the pulled entities are
/// the database's (normalized for the backend).
#[cfg(feature = "pull")]
fn pulled_back(backend: Backend, actual: &Schema) -> Result<(), TestCaseError> {
    use fsync_schema::pull;
    let entities = pull::plan(actual, backend).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for (name, text) in &pull::source(&entities, backend, "proptest").files {
        syn::parse_file(text).map_err(|e| {
            TestCaseError::fail(format!("pulled {name} does not parse: {e}\n{text}"))
        })?;
    }
    let derived = Schema::new(entities.iter().map(pull::Entity::derived_table));
    let findings = compare_with(
        &introspect::as_introspected(actual, backend),
        &introspect::as_introspected(&derived, backend),
        &Sides::new("database", "pulled"),
    );
    prop_assert!(
        findings.is_empty(),
        "{} pulled differently:\n{}",
        backend.name(),
        findings
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    Ok(())
}

/// One case of the second property: both readers read the same model.
async fn readers_agree(backend: Backend, url: &str, schema: &Schema) -> Result<(), TestCaseError> {
    let test = TestDb::fresh(backend, url, "agree")
        .await
        .map_err(TestCaseError::fail)?;
    let outcome = async {
        test.apply(schema).await?;
        let new = introspect::schema(&test.db)
            .await
            .map_err(|e| e.to_string())?;
        let old = introspect::discovery::schema(&test.db)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((new, old))
    }
    .await;
    let closed = test.close().await;
    let (new, old) = outcome.map_err(TestCaseError::fail)?;
    closed.map_err(TestCaseError::fail)?;
    let findings = compare_with(&old, &new, &Sides::new("discovery", "catalogue"));
    prop_assert!(
        new == old,
        "{} read differently by the two readers:\n{}\n--- discovery ---\n{old:#?}\n--- catalogue ---\n{new:#?}",
        backend.name(),
        findings
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    Ok(())
}

/// A PostgreSQL database for one run, dropped at its end.
struct PrivateDatabase {
    admin: sea_orm::DatabaseConnection,
    name: String,
    url: String,
}

impl PrivateDatabase {
    async fn create(url: &str) -> Result<PrivateDatabase, String> {
        let mut options = sea_orm::ConnectOptions::new(url);
        options.max_connections(1).sqlx_logging(false);
        let admin = sea_orm::Database::connect(options)
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        let name = format!("fsync_schema_t_agree_{}", std::process::id());
        common::execute(
            &admin,
            &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        )
        .await?;
        common::execute(&admin, &format!("CREATE DATABASE \"{name}\"")).await?;
        let url = common::with_database(url, &name);
        Ok(PrivateDatabase { admin, name, url })
    }

    async fn drop(self) -> Result<(), String> {
        let dropped = common::execute(
            &self.admin,
            &format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name),
        )
        .await;
        let _ = self.admin.close().await;
        dropped
    }
}

/// Which property a run checks.
#[derive(Clone, Copy)]
enum Check {
    RoundTrip,
    ReadersAgree,
}

fn property(backend: Backend) {
    check_property(backend, Check::RoundTrip);
}

fn check_property(backend: Backend, check: Check) {
    let Some(url) = server_url(backend) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    // A server that is configured but unreachable fails the test here.
    runtime.block_on(async {
        common::sweep(backend, &url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let test = TestDb::fresh(backend, &url, "reach")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        test.close().await.unwrap_or_else(|e| panic!("{e}"));
    });
    let config = Config {
        cases: cases(backend),
        failure_persistence: None,
        ..Config::default()
    };
    // Discovery joins PostgreSQL's `constraint_column_usage` by constraint
    // name alone: a foreign key of the same name in another schema of the
    // same database (another test's, running now) changes what it reads. The
    // readers are compared in a database of their own.
    let private = match (check, backend) {
        (Check::ReadersAgree, Backend::Postgres) => Some(
            runtime
                .block_on(PrivateDatabase::create(&url))
                .unwrap_or_else(|e| panic!("{e}")),
        ),
        _ => None,
    };
    let url = private.as_ref().map_or(url, |p| p.url.clone());
    let mut runner = TestRunner::new(config);
    let started = Instant::now();
    let result = runner.run(&schemas(), |schema| match check {
        Check::RoundTrip => runtime.block_on(round_trip(backend, &url, &schema)),
        Check::ReadersAgree => runtime.block_on(readers_agree(backend, &url, &schema)),
    });
    if let Some(private) = private {
        runtime
            .block_on(private.drop())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    eprintln!(
        "{}: {} cases in {:.1?}",
        backend.name(),
        cases(backend),
        started.elapsed()
    );
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn sqlite_reads_back_every_rendered_schema() {
    property(Backend::Sqlite);
}

#[test]
#[needs(postgres)]
fn postgres_reads_back_every_rendered_schema() {
    property(Backend::Postgres);
}

#[test]
#[needs(mysql)]
fn mysql_reads_back_every_rendered_schema() {
    property(Backend::MySql);
}

#[test]
fn sqlite_catalogue_and_discovery_read_the_same_model() {
    check_property(Backend::Sqlite, Check::ReadersAgree);
}

#[test]
#[needs(postgres)]
fn postgres_catalogue_and_discovery_read_the_same_model() {
    check_property(Backend::Postgres, Check::ReadersAgree);
}

#[test]
#[needs(mysql)]
fn mysql_catalogue_and_discovery_read_the_same_model() {
    check_property(Backend::MySql, Check::ReadersAgree);
}

/// The generator reaches the whole model: without this, the properties above
/// could pass on schemas too simple to matter.
#[test]
fn the_generator_covers_the_model() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeSet;
    let mut runner = TestRunner::deterministic();
    let strategy = schemas();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for _ in 0..400 {
        let schema = strategy.new_tree(&mut runner).unwrap().current();
        assert_eq!(validate::schema(&schema), vec![], "{schema:#?}");
        for table in &schema.tables {
            seen.insert(format!("table {}", table.name));
            if table.primary_key.len() > 1 {
                seen.insert("composite primary key".into());
            }
            for column in &table.columns {
                seen.insert(format!(
                    "type {}",
                    column.ty.name().split('(').next().unwrap()
                ));
                if column.nullable {
                    seen.insert("nullable".into());
                }
                if column.autoincrement {
                    seen.insert("autoincrement".into());
                }
                if let Some(default) = &column.default {
                    seen.insert(format!("default {:?}", default.kind()));
                }
            }
            for unique in &table.uniques {
                seen.insert(format!("unique named {}", unique.name.is_some()));
                if unique.columns.len() > 1 {
                    seen.insert("composite unique".into());
                }
            }
            for index in &table.indexes {
                seen.insert(format!("index unique {}", index.unique));
                if index.columns.len() > 1 {
                    seen.insert("composite index".into());
                }
            }
            for fk in &table.foreign_keys {
                seen.insert(format!("on delete {}", fk.on_delete.key()));
                seen.insert(format!("on update {}", fk.on_update.key()));
                if fk.ref_table == table.name {
                    seen.insert("self reference".into());
                }
                if fk.columns.len() > 1 {
                    seen.insert("composite foreign key".into());
                }
            }
        }
    }
    let mut expected: Vec<String> = T::ALL
        .iter()
        .map(|ty| format!("type {}", ty.name().split('(').next().unwrap()))
        .chain(TABLE_NAMES.iter().map(|name| format!("table {name}")))
        .chain(
            ["Int", "Float", "Bool", "Text", "CurrentTimestamp", "Sql"]
                .iter()
                .map(|kind| format!("default {kind}")),
        )
        .chain(ACTIONS.iter().flat_map(|action| {
            [
                format!("on delete {}", action.key()),
                format!("on update {}", action.key()),
            ]
        }))
        .collect();
    expected.extend(
        [
            "composite primary key",
            "nullable",
            "autoincrement",
            "unique named true",
            "unique named false",
            "composite unique",
            "index unique true",
            "index unique false",
            "composite index",
            "self reference",
            "composite foreign key",
        ]
        .map(String::from),
    );
    let missing: Vec<&String> = expected.iter().filter(|e| !seen.contains(*e)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
