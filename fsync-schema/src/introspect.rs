//! Reading the schema of a live database into the model, for SQLite,
//! PostgreSQL and MySQL/MariaDB.
//!
//! `sea-schema`'s discovery finds the tables, columns, keys, foreign keys and
//! indexes. Where its answers lose what a comparison needs, this module reads
//! the database's catalogue itself:
//!
//! - SQLite: discovery parses declared types into sea-query types (`INTEGER`
//!   becomes `BigInteger`) and strips the quotes of defaults (`'12'` becomes
//!   the number 12); `PRAGMA table_xinfo` gives the declared text, the default
//!   as written and the primary key's column order.
//! - PostgreSQL: discovery lists columns without an order, reports unique
//!   indexes and unique constraints alike and no other indexes; `pg_attribute`
//!   and `pg_index` give the order, the type as `format_type` writes it, the
//!   default expression, and every index with whether a constraint owns it.
//! - MySQL/MariaDB: discovery suffices; types are written back from its
//!   parsed types, defaults re-quoted.
//!
//! Left out: the `seaql_migrations` table, indexes that back a primary key or
//! UNIQUE constraint, the index MySQL creates for a foreign key, CHECK
//! constraints (not read on any backend; [`comparable`] drops them), prefix
//! lengths and predicates of indexes.
//!
//! The model read back says what the database says: column types are kept
//! verbatim in `Column::sql_type` (`int(11)`, `character varying(64)`), and
//! `ty` is the logical type the renderer would map to it. Compare it with a
//! model from the entities through [`comparable`] on both sides.

use crate::compare::{self, Finding, Sides};
use crate::model::{
    Action, Backend, Column, ColumnType, DefaultValue, ForeignKey, Index, Schema, Table, Unique,
};
use crate::normalize;
use crate::render;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, Statement};
use std::collections::BTreeMap;

/// The table sea-orm-migration keeps its history in; not part of a schema.
pub const MIGRATIONS_TABLE: &str = "seaql_migrations";

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
    let mut schema = match backend(db)? {
        Backend::Sqlite => sqlite(db).await?,
        Backend::Postgres => postgres(db).await?,
        Backend::MySql => mysql(db).await?,
    };
    schema.tables.retain(|t| t.name != MIGRATIONS_TABLE);
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(schema)
}

/// `schema` as `backend` sees it, without CHECK constraints (introspection
/// does not read them): see [`normalize::comparable`].
pub fn comparable(schema: &Schema, backend: Backend) -> Schema {
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
        &comparable(expected, backend),
        &comparable(&actual, backend),
        &Sides::new("entities", "database"),
    ))
}

/// A default read back as a typed value where the text is a plain literal
/// that fits the column, else as SQL.
pub fn parse_default(raw: &str, ty: ColumnType, backend: Backend) -> Option<DefaultValue> {
    let canonical = normalize::canonical_default(raw, backend)?;
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

fn discovery(error: impl std::fmt::Display) -> IntrospectError {
    IntrospectError::Discovery(error.to_string())
}

// SQLite -------------------------------------------------------------------

fn sqlite_action(action: &sea_schema::sqlite::def::ForeignKeyAction) -> Action {
    use sea_schema::sqlite::def::ForeignKeyAction as A;
    match action {
        A::NoAction => Action::NoAction,
        A::Restrict => Action::Restrict,
        A::Cascade => Action::Cascade,
        A::SetNull => Action::SetNull,
        A::SetDefault => Action::SetDefault,
    }
}

fn quote_sqlite(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn sqlite(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::sqlite::discovery::SchemaDiscovery;
    let discovered = SchemaDiscovery::new(db.get_sqlite_connection_pool().clone())
        .discover()
        .await
        .map_err(discovery)?;
    let mut tables = Vec::new();
    for def in &discovered.tables {
        if def.name.starts_with("sqlite_") {
            continue;
        }
        let mut table = Table::new(&def.name);
        let mut key: Vec<(i64, String)> = Vec::new();
        let pragma = format!("PRAGMA table_xinfo({})", quote_sqlite(&def.name));
        for row in rows(db, &pragma, Vec::new()).await? {
            let hidden: i64 = row.try_get_by_index(6)?;
            if hidden != 0 {
                continue;
            }
            let name: String = row.try_get_by_index(1)?;
            let declared: String = row.try_get_by_index(2)?;
            let not_null: i64 = row.try_get_by_index(3)?;
            let default: Option<String> = row.try_get_by_index(4)?;
            let pk: i64 = row.try_get_by_index(5)?;
            let mut column = column(&name, &declared, Backend::Sqlite);
            column.nullable = not_null == 0 && pk == 0;
            column.default = default
                .as_deref()
                .and_then(|raw| parse_default(raw, column.ty, Backend::Sqlite));
            if pk > 0 {
                key.push((pk, name));
            }
            table.columns.push(column);
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, name)| name).collect();
        if def.auto_increment
            && let [only] = table.primary_key.as_slice()
        {
            let only = only.clone();
            if let Some(column) = table.columns.iter_mut().find(|c| c.name == only)
                && normalize::canonical_type(
                    &render::sql_type(column, Backend::Sqlite),
                    Backend::Sqlite,
                ) == "INTEGER"
            {
                column.autoincrement = true;
            }
        }
        for constraint in &def.constraints {
            if constraint.origin == "u" {
                table.uniques.push(Unique {
                    name: None,
                    columns: constraint.columns.clone(),
                });
            }
        }
        // `PRAGMA foreign_key_list` lists the last declared key first.
        let mut foreign_keys: Vec<_> = def.foreign_keys.iter().collect();
        foreign_keys.sort_by_key(|fk| std::cmp::Reverse(fk.id));
        for fk in foreign_keys {
            table.foreign_keys.push(ForeignKey {
                name: None,
                columns: fk.from.clone(),
                ref_table: fk.table.clone(),
                ref_columns: fk.to.clone(),
                on_delete: sqlite_action(&fk.on_delete),
                on_update: sqlite_action(&fk.on_update),
            });
        }
        for index in &discovered.indexes {
            if index.table_name == def.name && index.origin == "c" {
                table.indexes.push(Index {
                    name: index.index_name.clone(),
                    columns: index.columns.clone(),
                    unique: index.unique,
                    prefixes: Default::default(),
                });
            }
        }
        tables.push(table);
    }
    Ok(Schema::new(tables))
}

// PostgreSQL ---------------------------------------------------------------

fn postgres_action(action: Option<&sea_schema::postgres::def::ForeignKeyAction>) -> Action {
    use sea_schema::postgres::def::ForeignKeyAction as A;
    match action {
        None | Some(A::NoAction) => Action::NoAction,
        Some(A::Restrict) => Action::Restrict,
        Some(A::Cascade) => Action::Cascade,
        Some(A::SetNull) => Action::SetNull,
        Some(A::SetDefault) => Action::SetDefault,
    }
}

const PG_COLUMNS: &str = "\
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum";

const PG_INDEXES: &str = "\
SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary,
       EXISTS (SELECT 1 FROM pg_constraint con
               WHERE con.conindid = ix.indexrelid AND con.conrelid = t.oid
                 AND con.contype IN ('p', 'u', 'x')),
       a.attname
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE n.nspname = $1 AND ix.indpred IS NULL
ORDER BY t.relname, i.relname, k.position";

/// What `pg_index` says of an index.
struct PgIndex {
    unique: bool,
    primary: bool,
    /// Whether a PRIMARY KEY, UNIQUE or EXCLUDE constraint owns the index.
    constraint: bool,
    columns: Vec<String>,
}

/// What `pg_attribute` says of a column: type text and default expression.
struct PgColumn {
    sql_type: String,
    default: Option<String>,
}

async fn postgres(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::postgres::discovery::SchemaDiscovery;
    let current = rows(db, "SELECT current_schema()", Vec::new()).await?;
    let namespace: String = current
        .first()
        .ok_or_else(|| discovery("no current schema"))?
        .try_get_by_index(0)?;
    let discovered = SchemaDiscovery::new(db.get_postgres_connection_pool().clone(), &namespace)
        .discover()
        .await
        .map_err(discovery)?;

    let mut attributes: BTreeMap<String, Vec<(String, PgColumn)>> = BTreeMap::new();
    for row in rows(db, PG_COLUMNS, vec![namespace.clone().into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        attributes.entry(table).or_default().push((
            name,
            PgColumn {
                sql_type: row.try_get_by_index(2)?,
                default: row.try_get_by_index(3)?,
            },
        ));
    }
    let mut indexes: BTreeMap<(String, String), PgIndex> = BTreeMap::new();
    for row in rows(db, PG_INDEXES, vec![namespace.clone().into()]).await? {
        let key = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let index = match indexes.entry(key) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => entry.insert(PgIndex {
                unique: row.try_get_by_index(2)?,
                primary: row.try_get_by_index(3)?,
                constraint: row.try_get_by_index(4)?,
                columns: Vec::new(),
            }),
        };
        index.columns.push(row.try_get_by_index(5)?);
    }

    let mut tables = Vec::new();
    for def in &discovered.tables {
        let name = &def.info.name;
        let mut table = Table::new(name);
        for (column_name, attribute) in attributes.get(name).map(Vec::as_slice).unwrap_or(&[]) {
            let info = def.columns.iter().find(|c| &c.name == column_name);
            let mut column = column(column_name, &attribute.sql_type, Backend::Postgres);
            column.nullable = info.is_none_or(|c| c.not_null.is_none());
            let serial = attribute
                .default
                .as_deref()
                .is_some_and(|d| d.trim_start().starts_with("nextval("));
            column.autoincrement = info.is_some_and(|c| c.is_identity) || serial;
            if !serial {
                column.default = attribute
                    .default
                    .as_deref()
                    .and_then(|raw| parse_default(raw, column.ty, Backend::Postgres));
            }
            table.columns.push(column);
        }
        for ((table_name, index_name), index) in &indexes {
            if table_name != name {
                continue;
            }
            if index.primary {
                table.primary_key = index.columns.clone();
            } else if index.constraint {
                table.uniques.push(Unique {
                    name: Some(index_name.clone()),
                    columns: index.columns.clone(),
                });
            } else {
                table.indexes.push(Index {
                    name: index_name.clone(),
                    columns: index.columns.clone(),
                    unique: index.unique,
                    prefixes: Default::default(),
                });
            }
        }
        for reference in &def.reference_constraints {
            table.foreign_keys.push(ForeignKey {
                name: Some(reference.name.clone()),
                columns: reference.columns.clone(),
                ref_table: reference.table.clone(),
                ref_columns: reference.foreign_columns.clone(),
                on_delete: postgres_action(reference.on_delete.as_ref()),
                on_update: postgres_action(reference.on_update.as_ref()),
            });
        }
        tables.push(table);
    }
    Ok(Schema::new(tables))
}

// MySQL / MariaDB ----------------------------------------------------------

fn mysql_action(action: &sea_schema::mysql::def::ForeignKeyAction) -> Action {
    use sea_schema::mysql::def::ForeignKeyAction as A;
    match action {
        A::NoAction => Action::NoAction,
        A::Restrict => Action::Restrict,
        A::Cascade => Action::Cascade,
        A::SetNull => Action::SetNull,
        A::SetDefault => Action::SetDefault,
    }
}

/// A type discovered on MySQL, written back as MySQL reports it.
fn mysql_type(ty: &sea_schema::mysql::def::Type) -> String {
    use sea_schema::mysql::def::{NumericAttr, Type as M};
    let numeric = |name: &str, attr: &NumericAttr| {
        let mut text = name.to_owned();
        match (attr.maximum, attr.decimal) {
            (Some(m), Some(d)) => text += &format!("({m},{d})"),
            (Some(m), None) => text += &format!("({m})"),
            _ => {}
        }
        if attr.unsigned == Some(true) {
            text += " unsigned";
        }
        if attr.zero_fill == Some(true) {
            text += " zerofill";
        }
        text
    };
    let sized = |name: &str, length: Option<u32>| match length {
        Some(n) => format!("{name}({n})"),
        None => name.to_owned(),
    };
    match ty {
        M::Serial => "serial".to_owned(),
        M::Bit(a) => numeric("bit", a),
        M::TinyInt(a) => numeric("tinyint", a),
        M::Bool => "bool".to_owned(),
        M::SmallInt(a) => numeric("smallint", a),
        M::MediumInt(a) => numeric("mediumint", a),
        M::Int(a) => numeric("int", a),
        M::BigInt(a) => numeric("bigint", a),
        M::Decimal(a) => numeric("decimal", a),
        M::Float(a) => numeric("float", a),
        M::Double(a) => numeric("double", a),
        M::Date => "date".to_owned(),
        M::Time(a) => sized("time", a.fractional),
        M::DateTime(a) => sized("datetime", a.fractional),
        M::Timestamp(a) => sized("timestamp", a.fractional),
        M::Year => "year".to_owned(),
        M::Char(a) => sized("char", a.length),
        M::NChar(a) => sized("nchar", a.length),
        M::Varchar(a) => sized("varchar", a.length),
        M::NVarchar(a) => sized("nvarchar", a.length),
        M::Binary(a) => sized("binary", a.length),
        M::Varbinary(a) => sized("varbinary", a.length),
        M::Text(a) => sized("text", a.length),
        M::TinyText(_) => "tinytext".to_owned(),
        M::MediumText(_) => "mediumtext".to_owned(),
        M::LongText(_) => "longtext".to_owned(),
        M::Blob(a) => sized("blob", a.length),
        M::TinyBlob => "tinyblob".to_owned(),
        M::MediumBlob => "mediumblob".to_owned(),
        M::LongBlob => "longblob".to_owned(),
        M::Json => "json".to_owned(),
        M::Unknown(name) => name.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// A default discovered on MySQL, as SQL text again.
fn mysql_default(default: &sea_schema::mysql::def::ColumnDefault) -> Option<String> {
    use sea_schema::mysql::def::ColumnDefault as D;
    match default {
        D::Null => None,
        D::Int(int) => Some(int.to_string()),
        D::Real(real) => Some(format!("{real:?}")),
        // Discovery strips the quotes but keeps the escapes inside.
        D::String(text) => Some(format!("'{text}'")),
        D::CustomExpr(expr) => Some(expr.clone()),
        D::CurrentTimestamp => Some("CURRENT_TIMESTAMP".to_owned()),
    }
}

async fn mysql(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::mysql::discovery::SchemaDiscovery;
    let current = rows(db, "SELECT DATABASE()", Vec::new()).await?;
    let database: Option<String> = current
        .first()
        .ok_or_else(|| discovery("no current database"))?
        .try_get_by_index(0)?;
    let database = database.ok_or_else(|| discovery("the connection has no current database"))?;
    let discovered = SchemaDiscovery::new(db.get_mysql_connection_pool().clone(), &database)
        .discover()
        .await
        .map_err(discovery)?;
    let mut tables = Vec::new();
    for def in &discovered.tables {
        let mut table = Table::new(&def.info.name);
        for info in &def.columns {
            let mut column = column(&info.name, &mysql_type(&info.col_type), Backend::MySql);
            column.nullable = info.null;
            column.autoincrement = info.extra.auto_increment;
            column.default = info
                .default
                .as_ref()
                .and_then(mysql_default)
                .and_then(|raw| parse_default(&raw, column.ty, Backend::MySql));
            table.columns.push(column);
        }
        for fk in &def.foreign_keys {
            table.foreign_keys.push(ForeignKey {
                name: Some(fk.name.clone()),
                columns: fk.columns.clone(),
                ref_table: fk.referenced_table.clone(),
                ref_columns: fk.referenced_columns.clone(),
                on_delete: mysql_action(&fk.on_delete),
                on_update: mysql_action(&fk.on_update),
            });
        }
        for index in &def.indexes {
            let columns: Vec<String> = index.parts.iter().map(|p| p.column.clone()).collect();
            if index.name == "PRIMARY" {
                table.primary_key = columns;
            } else if index.unique {
                table.uniques.push(Unique {
                    name: Some(index.name.clone()),
                    columns,
                });
            } else {
                // The index MySQL adds for a foreign key takes the constraint's
                // name, or the first column's when the key has none.
                let for_foreign_key = table.foreign_keys.iter().any(|fk| {
                    fk.columns == columns
                        && (fk.name.as_deref() == Some(index.name.as_str())
                            || fk.columns.first() == Some(&index.name))
                });
                if !for_foreign_key {
                    table.indexes.push(Index {
                        name: index.name.clone(),
                        columns,
                        unique: false,
                        // Prefix lengths: MySQL's alone.
                        prefixes: index
                            .parts
                            .iter()
                            .filter_map(|p| Some((p.column.clone(), p.sub_part?)))
                            .collect(),
                    });
                }
            }
        }
        tables.push(table);
    }
    Ok(Schema::new(tables))
}
