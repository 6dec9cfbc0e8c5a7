//! SQLite's own view of a schema, read from its catalogue: what two schemas
//! are compared by when "the same SQL" must mean the same thing to the engine.

use sea_orm::{ConnectionTrait, DbErr, Statement};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything SQLite records about the tables of a database, normalized so
/// that two catalogues compare equal exactly when the schemas are the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Catalogue {
    pub tables: BTreeMap<String, TableCatalogue>,
}

/// One table's catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableCatalogue {
    /// `PRAGMA table_xinfo`, in column order.
    pub columns: Vec<ColumnInfo>,
    /// Whether the table was declared with AUTOINCREMENT.
    pub autoincrement: bool,
    /// `PRAGMA foreign_key_list`, sorted.
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// `PRAGMA index_list` with `PRAGMA index_info`; automatic indexes
    /// (`sqlite_autoindex_*`) are named by their columns, since SQLite numbers them.
    pub indexes: Vec<IndexInfo>,
}

/// One row of `PRAGMA table_xinfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The declared type, as written.
    pub declared_type: String,
    pub not_null: bool,
    /// The default, as written.
    pub default: Option<String>,
    /// Position in the primary key (1-based), or 0.
    pub pk: i64,
    pub hidden: i64,
}

/// One foreign key of `PRAGMA foreign_key_list` (SQLite keeps no names).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ForeignKeyInfo {
    pub columns: Vec<String>,
    pub table: String,
    pub ref_columns: Vec<String>,
    pub on_update: String,
    pub on_delete: String,
}

/// One index of `PRAGMA index_list`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IndexInfo {
    pub name: String,
    pub unique: bool,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk`.
    pub origin: String,
    pub partial: bool,
    pub columns: Vec<String>,
}

async fn rows(db: &impl ConnectionTrait, sql: String) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
}

fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// Reads the catalogue of every user table of a SQLite database.
pub async fn read(db: &impl ConnectionTrait) -> Result<Catalogue, DbErr> {
    let mut catalogue = Catalogue::default();
    let tables = rows(
        db,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' ORDER BY name"
            .to_owned(),
    )
    .await?;
    for table in tables {
        let name: String = table.try_get("", "name")?;
        if crate::is_runner_table(&name) {
            continue;
        }
        let sql: String = table.try_get("", "sql")?;
        let mut entry = TableCatalogue {
            autoincrement: sql.to_ascii_uppercase().contains("AUTOINCREMENT"),
            ..TableCatalogue::default()
        };
        for row in rows(db, format!("PRAGMA table_xinfo({})", quote(&name))).await? {
            entry.columns.push(ColumnInfo {
                name: row.try_get("", "name")?,
                declared_type: row.try_get("", "type")?,
                not_null: row.try_get::<i64>("", "notnull")? != 0,
                default: row.try_get("", "dflt_value")?,
                pk: row.try_get("", "pk")?,
                hidden: row.try_get("", "hidden")?,
            });
        }
        let mut foreign_keys: BTreeMap<i64, ForeignKeyInfo> = BTreeMap::new();
        for row in rows(db, format!("PRAGMA foreign_key_list({})", quote(&name))).await? {
            let id: i64 = row.try_get("", "id")?;
            let fk = foreign_keys.entry(id).or_insert_with(|| ForeignKeyInfo {
                columns: Vec::new(),
                table: String::new(),
                ref_columns: Vec::new(),
                on_update: String::new(),
                on_delete: String::new(),
            });
            fk.table = row.try_get("", "table")?;
            fk.on_update = row.try_get("", "on_update")?;
            fk.on_delete = row.try_get("", "on_delete")?;
            fk.columns.push(row.try_get("", "from")?);
            fk.ref_columns.push(row.try_get("", "to")?);
        }
        entry.foreign_keys = foreign_keys.into_values().collect();
        entry.foreign_keys.sort();
        for row in rows(db, format!("PRAGMA index_list({})", quote(&name))).await? {
            let index_name: String = row.try_get("", "name")?;
            let mut columns = Vec::new();
            for column in rows(db, format!("PRAGMA index_info({})", quote(&index_name))).await? {
                columns.push(
                    column
                        .try_get::<Option<String>>("", "name")?
                        .unwrap_or_default(),
                );
            }
            let automatic = index_name.starts_with("sqlite_autoindex_");
            entry.indexes.push(IndexInfo {
                name: if automatic {
                    format!("(automatic on {})", columns.join(", "))
                } else {
                    index_name
                },
                unique: row.try_get::<i64>("", "unique")? != 0,
                origin: row.try_get("", "origin")?,
                partial: row.try_get::<i64>("", "partial")? != 0,
                columns,
            });
        }
        entry.indexes.sort();
        catalogue.tables.insert(name, entry);
    }
    Ok(catalogue)
}
