//! The `seaql_migrations` table (sea-orm-migration's, same columns) and the
//! catalogue queries the runner needs: which tables exist, how many rows
//! they hold, what else the database holds.

use crate::model::Backend;
use sea_orm::{ConnectionTrait, DbErr, Statement, Value};

/// sea-orm-migration's record table: one row per applied migration.
pub const RECORDS: &str = crate::RUNNER_TABLES[0];

/// One applied migration, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    /// The migration's name.
    pub version: String,
    /// When it was applied, in seconds since the Unix epoch.
    pub applied_at: i64,
}

pub(crate) fn backend_of(db: &impl ConnectionTrait) -> Backend {
    super::backend_of(db.get_database_backend())
}

/// `name` quoted as an identifier for `backend`.
pub(crate) fn quoted(name: &str, backend: Backend) -> String {
    match backend {
        Backend::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Whether the table exists (in the connection's schema), read-only.
pub async fn table_exists(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    let sql = match backend_of(db) {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?".to_owned()
        }
        Backend::Postgres => "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
            .to_owned(),
        Backend::MySql => "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = ?"
            .to_owned(),
    };
    let row = db
        .query_one_raw(statement(db, &sql, vec![name.into()]))
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0)
        > 0)
}

/// The applied migrations, oldest first; none when the table does not
/// exist. Never creates anything.
pub async fn read(db: &impl ConnectionTrait) -> Result<Vec<Record>, DbErr> {
    if !table_exists(db, RECORDS).await? {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT version, applied_at FROM {} ORDER BY version",
        quoted(RECORDS, backend_of(db))
    );
    db.query_all_raw(statement(db, &sql, vec![]))
        .await?
        .into_iter()
        .map(|row| {
            Ok(Record {
                version: row.try_get_by_index(0)?,
                applied_at: row.try_get_by_index(1)?,
            })
        })
        .collect()
}

/// `CREATE TABLE IF NOT EXISTS seaql_migrations`, as sea-orm-migration makes it.
pub async fn install(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        install_sql(backend_of(db)),
    ))
    .await
    .map(|_| ())
}

/// The SQL of [`install`].
pub fn install_sql(backend: Backend) -> String {
    let mut create = sea_orm::Schema::new(super::to_db_backend(backend))
        .create_table_from_entity(sea_orm_migration::seaql_migrations::Entity);
    create.if_not_exists();
    crate::render::build(&create, backend)
}

/// The SQL that records `name` as applied now.
pub fn insert_sql(backend: Backend, name: &str) -> String {
    format!(
        "INSERT INTO {} (version, applied_at) VALUES ('{}', {})",
        quoted(RECORDS, backend),
        name.replace('\'', "''"),
        now()
    )
}

/// The SQL that removes the record of `name`.
pub fn delete_sql(backend: Backend, name: &str) -> String {
    format!(
        "DELETE FROM {} WHERE version = '{}'",
        quoted(RECORDS, backend),
        name.replace('\'', "''")
    )
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Runs one statement of ours (not a migration's).
pub(crate) async fn execute(db: &impl ConnectionTrait, sql: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .map(|_| ())
}

/// The number of rows of `table`.
pub async fn count_rows(db: &impl ConnectionTrait, table: &str) -> Result<u64, DbErr> {
    let sql = format!("SELECT COUNT(*) FROM {}", quoted(table, backend_of(db)));
    let row = db.query_one_raw(statement(db, &sql, vec![])).await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// The number of rows of `table` whose `column` holds a value.
pub async fn count_values(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
) -> Result<u64, DbErr> {
    let backend = backend_of(db);
    let sql = format!(
        "SELECT COUNT({}) FROM {}",
        quoted(column, backend),
        quoted(table, backend)
    );
    let row = db.query_one_raw(statement(db, &sql, vec![])).await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0) as u64)
}

/// An object of the database: its kind (`table`, `view`, `type`) and name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Object {
    pub kind: String,
    pub name: String,
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)
    }
}

/// The tables, views and (PostgreSQL) types of the connection's schema.
pub async fn objects(db: &impl ConnectionTrait) -> Result<Vec<Object>, DbErr> {
    let sql = match backend_of(db) {
        Backend::Sqlite => {
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END, table_name::text \
             FROM information_schema.tables WHERE table_schema = current_schema() \
             UNION ALL SELECT 'type', t.typname::text FROM pg_type t \
             JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') \
             ORDER BY 2"
        }
        Backend::MySql => {
            "SELECT CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END, table_name \
             FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 2"
        }
    };
    db.query_all_raw(statement(db, sql, vec![]))
        .await?
        .into_iter()
        .map(|row| {
            Ok(Object {
                kind: row.try_get_by_index(0)?,
                name: row.try_get_by_index(1)?,
            })
        })
        .collect()
}

/// Whether `table` has a column `column` (in the connection's schema), read-only.
pub async fn column_exists(
    db: &impl ConnectionTrait,
    table: &str,
    column: &str,
) -> Result<bool, DbErr> {
    let sql = match backend_of(db) {
        Backend::Sqlite => "SELECT COUNT(*) FROM pragma_table_xinfo(?) WHERE name = ?",
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2"
        }
        Backend::MySql => {
            "SELECT COUNT(*) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"
        }
    };
    let row = db
        .query_one_raw(statement(db, sql, vec![table.into(), column.into()]))
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0)
        > 0)
}

/// Every foreign key of the connection's schema, as (table, referenced
/// table), sorted.
pub async fn references(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    let sql = match backend_of(db) {
        Backend::Sqlite => {
            "SELECT DISTINCT m.name, f.\"table\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT DISTINCT s.relname::text, t.relname::text FROM pg_constraint c \
             JOIN pg_class s ON s.oid = c.conrelid JOIN pg_class t ON t.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = s.relnamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2"
        }
        Backend::MySql => {
            "SELECT DISTINCT table_name, referenced_table_name \
             FROM information_schema.referential_constraints \
             WHERE constraint_schema = DATABASE() ORDER BY 1, 2"
        }
    };
    pairs(db, sql).await
}

/// The indexes a user can name, as (table, index), sorted: not SQLite's
/// automatic ones, nor PostgreSQL's that back a constraint, nor MySQL's
/// `PRIMARY`.
pub async fn indexes(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    let sql = match backend_of(db) {
        Backend::Sqlite => {
            "SELECT tbl_name, name FROM sqlite_master \
             WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT t.relname::text, i.relname::text FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
             ORDER BY 1, 2"
        }
        Backend::MySql => {
            "SELECT DISTINCT table_name, index_name FROM information_schema.statistics \
             WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY' ORDER BY 1, 2"
        }
    };
    pairs(db, sql).await
}

async fn pairs(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<(String, String)>, DbErr> {
    db.query_all_raw(statement(db, sql, vec![]))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect()
}
