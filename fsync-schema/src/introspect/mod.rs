//! Reading the schema of a live database into the model, for SQLite,
//! PostgreSQL and MySQL/MariaDB.
//!
//! [`schema`] reads each kind of object of the whole schema in one query
//! against the backend's catalogue, whatever the number of tables:
//!
//! - SQLite (`sqlite`): `sqlite_schema` joined with `pragma_table_xinfo`,
//!   `pragma_foreign_key_list`, and `pragma_index_list` with
//!   `pragma_index_info`: three statements;
//! - PostgreSQL (`postgres`): `pg_catalog` (`pg_class`, `pg_attribute`,
//!   `pg_index`, `pg_constraint`): the current schema, then tables, columns,
//!   indexes and foreign keys, five queries;
//! - MySQL/MariaDB (`mysql`): `information_schema` filtered by the current
//!   database: version and database, then tables, columns, indexes,
//!   foreign-key columns and foreign-key actions, six queries (the last two
//!   joined here: MariaDB joins them slowly). Column types and defaults are parsed by
//!   sea-schema's parser, as its discovery does.
//!
//! [`discovery::schema`] reads the same model through sea-schema's discovery,
//! a few queries per table; it is kept as the baseline the tests and the
//! `introspect` benchmark compare with.
//!
//! Left out: the runner's tables (`seaql_migrations`, the MySQL journal
//! `fsync_schema_journal` and the Galera lock `fsync_schema_lock`), indexes that back a primary key or
//! UNIQUE constraint, the index MySQL creates for a foreign key, CHECK
//! constraints (read apart by [`checks`], for `pull`; [`as_introspected`]
//! drops them from comparisons, as their text is the server's rewrite),
//! predicates of indexes, and expressions in indexes (but on MySQL). Prefix
//! lengths of indexes are read on MySQL, where they exist.
//!
//! The model read back says what the database says: column types are kept
//! verbatim in `Column::sql_type` (`int(11)`, `character varying(64)`), and
//! `ty` is the logical type the renderer would map to it (`Text` when there
//! is none: an opaque column). A native enum (PostgreSQL's type, read from
//! `pg_enum`; MySQL's `ENUM(..)`, named `<table>_<column>`) is `ty` `Enum`
//! with its values in `Column::enum_type` (a MySQL `SET(..)` is `Set`, with its members there); a PostgreSQL domain keeps its name
//! as `sql_type` and its base type's `ty` ([`domains`] lists their
//! definitions). Compare it with a model from the entities through
//! [`as_introspected`] on both sides.

pub mod discovery;
mod mysql;
pub mod objects;
mod postgres;
mod sqlite;
mod sqlite_sql;

use crate::compare::{self, Finding, Sides};
use crate::model::{Action, Backend, Check, Column, ColumnType, DefaultValue, Schema};
use crate::normalize;
use crate::render;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, Statement};

pub use objects::{ObjectKind, Unmanaged, unmanaged};

/// The table sea-orm-migration keeps its history in; not part of a schema
/// (nor is any of [`crate::RUNNER_TABLES`]).
pub const MIGRATIONS_TABLE: &str = crate::RUNNER_TABLES[0];

/// The journal the migration runner keeps on MySQL (`migration::journal`).
pub const JOURNAL_TABLE: &str = crate::RUNNER_TABLES[1];

/// The migration lock's table on a Galera cluster (`migration::lock`).
pub const LOCK_TABLE: &str = crate::RUNNER_TABLES[2];

/// Why a database's schema could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    #[error("querying the database failed: {0}")]
    Db(#[from] DbErr),
    #[error("schema discovery failed: {0}")]
    Discovery(String),
    #[error("unsupported database backend; expected SQLite, PostgreSQL or MySQL")]
    Unsupported,
}

/// The backend of a connection.
pub fn backend(db: &DatabaseConnection) -> Result<Backend, IntrospectError> {
    match db.get_database_backend() {
        DbBackend::Sqlite => Ok(Backend::Sqlite),
        DbBackend::Postgres => Ok(Backend::Postgres),
        DbBackend::MySql => Ok(Backend::MySql),
        _ => Err(IntrospectError::Unsupported),
    }
}

/// The schema of the database behind `db` (PostgreSQL: its current schema;
/// MySQL: its current database), tables sorted by name.
pub async fn schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    let schema = match backend(db)? {
        Backend::Sqlite => sqlite::schema(db).await?,
        Backend::Postgres => postgres::schema(db).await?,
        Backend::MySql => mysql::schema(db).await?,
    };
    Ok(finish(schema))
}

/// The CHECK constraints of the database behind `db`, as (table, check),
/// by table and name, each with its name and the expression as the backend
/// keeps it (PostgreSQL's `pg_get_constraintdef`, MySQL/MariaDB's
/// `CHECK_CLAUSE`; on SQLite, which keeps them only in the text of its
/// `CREATE TABLE`, that text read by `sqlparser`, named CHECKs by their name
/// and the others unnamed): one query. Not part of [`schema`], whose
/// comparisons leave CHECKs out ([`as_introspected`]): `pull` adds them to
/// the entities it writes.
pub async fn checks(db: &DatabaseConnection) -> Result<Vec<(String, Check)>, IntrospectError> {
    let checks = match backend(db)? {
        Backend::Sqlite => sqlite::checks(db).await?,
        Backend::Postgres => postgres::checks(db).await?,
        Backend::MySql => mysql::checks(db).await?,
    };
    Ok(checks)
}

/// The domains of the database behind `db` (PostgreSQL's current schema;
/// none elsewhere), as (name, `CREATE DOMAIN` statement), by name. The
/// model keeps a domain as its columns' SQL type, and does not create it.
pub async fn domains(db: &DatabaseConnection) -> Result<Vec<(String, String)>, IntrospectError> {
    match backend(db)? {
        Backend::Postgres => postgres::domains(db).await,
        _ => Ok(Vec::new()),
    }
}

/// `schema` without the runner's tables, tables sorted by name.
fn finish(mut schema: Schema) -> Schema {
    schema.tables.retain(|t| !crate::is_runner_table(&t.name));
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    schema
}

/// What introspection can read of `schema` on `backend`: the schema as the
/// backend sees it ([`normalize::comparable`]), without CHECK constraints
/// (introspection does not read them).
pub fn as_introspected(schema: &Schema, backend: Backend) -> Schema {
    let mut schema = normalize::comparable(schema, backend);
    for table in &mut schema.tables {
        table.checks.clear();
    }
    schema
}

/// The drift between `expected` (the entities) and the database behind `db`,
/// normalized for its backend; sides are called `entities` and `database`.
pub async fn drift(
    db: &DatabaseConnection,
    expected: &Schema,
) -> Result<Vec<Finding>, IntrospectError> {
    let backend = backend(db)?;
    let actual = schema(db).await?;
    Ok(compare::compare_with(
        &as_introspected(expected, backend),
        &as_introspected(&actual, backend),
        &Sides::new("entities", "database"),
    ))
}

/// A default read back as a typed value where the text is a plain literal
/// that fits the column, else as SQL.
pub fn parse_default(raw: &str, ty: ColumnType, backend: Backend) -> Option<DefaultValue> {
    let canonical = normalize::canonical_default(raw, backend)?;
    // SQLite keeps the text of a default: `FALSE` stays `FALSE` (equal to `0`).
    if backend == Backend::Sqlite && matches!(raw.trim().to_uppercase().as_str(), "TRUE" | "FALSE")
    {
        return Some(DefaultValue::Sql(raw.trim().to_owned()));
    }
    let value = if canonical == "CURRENT_TIMESTAMP" {
        DefaultValue::CurrentTimestamp
    } else if canonical == "TRUE" || canonical == "FALSE" {
        DefaultValue::Bool(canonical == "TRUE")
    } else if let Some(text) = canonical
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
    {
        DefaultValue::Text(text.replace("''", "'"))
    } else if let Ok(int) = canonical.parse::<i64>() {
        match (ty, int) {
            (ColumnType::Boolean, 0 | 1) => DefaultValue::Bool(int == 1),
            _ => DefaultValue::Int(int),
        }
    } else if let Ok(float) = canonical.parse::<f64>() {
        DefaultValue::Float(float)
    } else {
        DefaultValue::Sql(raw.trim().to_owned())
    };
    Some(if ty.accepts(&value) {
        value
    } else {
        DefaultValue::Sql(raw.trim().to_owned())
    })
}

/// A column read back: `sql` is the type as the database reports it.
fn column(name: &str, sql: &str, backend: Backend) -> Column {
    let canonical = normalize::canonical_type(sql, backend);
    let ty = normalize::logical_type(&canonical, backend).unwrap_or(ColumnType::Text);
    let mut column = Column::new(name, ty);
    if sql != render::native_type(ty, backend) {
        let slot = match backend {
            Backend::Sqlite => &mut column.sql_type.sqlite,
            Backend::Postgres => &mut column.sql_type.postgres,
            Backend::MySql => &mut column.sql_type.mysql,
        };
        *slot = Some(sql.to_owned());
    }
    column
}

/// A referential action as SQL writes it (`CASCADE`, `SET NULL`, ...), as
/// SQLite's pragmas and MySQL's `information_schema` report it; anything else
/// is `NO ACTION`.
fn action(rule: &str) -> Action {
    match rule {
        "RESTRICT" => Action::Restrict,
        "CASCADE" => Action::Cascade,
        "SET NULL" => Action::SetNull,
        "SET DEFAULT" => Action::SetDefault,
        _ => Action::NoAction,
    }
}

async fn rows(
    db: &DatabaseConnection,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<QueryResult>, IntrospectError> {
    Ok(db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?)
}

fn discovery_error(error: impl std::fmt::Display) -> IntrospectError {
    IntrospectError::Discovery(error.to_string())
}
