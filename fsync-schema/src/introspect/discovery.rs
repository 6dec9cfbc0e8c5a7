//! The baseline reader: the model through sea-schema's discovery, a few
//! queries per table (on PostgreSQL each of them scans every constraint of
//! the database, so its cost grows with the square of the table count).
//! [`super::schema`] reads the same model in a constant number of queries;
//! this one stays for the tests that compare the two and the `introspect`
//! benchmark.
//!
//! Where discovery's answers lose what a comparison needs, it reads the
//! catalogue itself, as [`super::schema`] does:
//!
//! - SQLite: discovery parses declared types into sea-query types (`INTEGER`
//!   becomes `BigInteger`) and strips the quotes of defaults (`'12'` becomes
//!   the number 12); `PRAGMA table_xinfo` gives the declared text, the default
//!   as written and the primary key's column order.
//! - PostgreSQL: discovery lists columns without an order, reports unique
//!   indexes and unique constraints alike and no other indexes; `pg_attribute`
//!   and `pg_index` give the order, the type as `format_type` writes it, the
//!   default expression, and every index with whether a constraint owns it.
//! - MySQL/MariaDB: discovery suffices.

use super::{IntrospectError, discovery_error, finish, mysql, postgres, rows, sqlite};
use crate::model::{Action, Backend, ForeignKey, Index, Schema, Unique};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// The schema of the database behind `db` as [`super::schema`] reads it,
/// through sea-schema's discovery: slow, kept as a baseline.
pub async fn schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    let schema = match super::backend(db)? {
        Backend::Sqlite => sqlite_schema(db).await?,
        Backend::Postgres => {
            // sea-schema's queries read the catalogue of every schema: a
            // table dropped in another schema meanwhile fails them ("could
            // not open relation with OID .."). Read again, a few times.
            let mut attempt = 1;
            loop {
                match postgres_schema(db).await {
                    Err(IntrospectError::Discovery(message))
                        if attempt < 5 && message.contains("could not open relation with OID") =>
                    {
                        attempt += 1;
                    }
                    other => break other?,
                }
            }
        }
        Backend::MySql => mysql_schema(db).await?,
    };
    Ok(finish(schema))
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

async fn sqlite_schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::sqlite::discovery::SchemaDiscovery;
    let discovered = SchemaDiscovery::new(db.get_sqlite_connection_pool().clone())
        .discover()
        .await
        .map_err(discovery_error)?;
    let mut tables = Vec::new();
    for def in &discovered.tables {
        if sqlite::is_internal(&def.name) {
            continue;
        }
        let pragma = format!("PRAGMA table_xinfo({})", quote_sqlite(&def.name));
        let columns = rows(db, &pragma, Vec::new())
            .await?
            .iter()
            .map(|row| sqlite::XinfoColumn::read(row, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let mut table = sqlite::table(&def.name, columns, def.auto_increment);
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
                    ..Default::default()
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

/// Column order, type text and default, and the base of a domain and the
/// values of an enum, which discovery does not give.
const PG_COLUMNS: &str = "\
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid),
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
       CASE WHEN t.typtype = 'e' THEN t.typname::text END,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                                            WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = ''
ORDER BY c.relname, a.attnum";

async fn postgres_schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::postgres::discovery::SchemaDiscovery;
    let namespace = postgres::current_schema(db).await?;
    let discovered = SchemaDiscovery::new(db.get_postgres_connection_pool().clone(), &namespace)
        .discover()
        .await
        .map_err(discovery_error)?;

    // Per table: (name, type text, default, domain base, enum) in column order.
    type Attribute = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<crate::model::EnumType>,
    );
    let mut attributes: BTreeMap<String, Vec<Attribute>> = BTreeMap::new();
    for row in rows(db, PG_COLUMNS, vec![namespace.clone().into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        attributes.entry(table).or_default().push((
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
            postgres::enum_type(row.try_get_by_index(5)?, row.try_get_by_index(6)?),
        ));
    }
    let indexes = postgres::indexes(db, &namespace).await?;

    let mut tables = Vec::new();
    for def in &discovered.tables {
        let name = &def.info.name;
        let mut table = crate::model::Table::new(name);
        for (column_name, sql_type, default, domain_base, enum_type) in
            attributes.get(name).map(Vec::as_slice).unwrap_or(&[])
        {
            let info = def.columns.iter().find(|c| &c.name == column_name);
            table.columns.push(postgres::column(&postgres::PgColumn {
                name: column_name.clone(),
                sql_type: sql_type.clone(),
                default: default.clone(),
                not_null: info.is_some_and(|c| c.not_null.is_some()),
                identity: info.is_some_and(|c| c.is_identity),
                domain_base: domain_base.clone(),
                enum_type: enum_type.clone(),
            }));
        }
        postgres::place_indexes(&mut table, &indexes);
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

async fn mysql_schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    use sea_schema::mysql::discovery::SchemaDiscovery;
    let (_, database) = mysql::system_and_database(db).await?;
    let discovered = SchemaDiscovery::new(db.get_mysql_connection_pool().clone(), &database)
        .discover()
        .await
        .map_err(discovery_error)?;
    let mut tables = Vec::new();
    for def in &discovered.tables {
        let foreign_keys = def
            .foreign_keys
            .iter()
            .map(|fk| ForeignKey {
                name: Some(fk.name.clone()),
                columns: fk.columns.clone(),
                ref_table: fk.referenced_table.clone(),
                ref_columns: fk.referenced_columns.clone(),
                on_delete: mysql_action(&fk.on_delete),
                on_update: mysql_action(&fk.on_update),
            })
            .collect();
        let indexes = def
            .indexes
            .iter()
            .map(|index| mysql::MyIndex {
                name: index.name.clone(),
                unique: index.unique,
                columns: index.parts.iter().map(|p| p.column.clone()).collect(),
                // Prefix lengths: MySQL's alone.
                prefixes: index
                    .parts
                    .iter()
                    .filter_map(|p| Some((p.column.clone(), p.sub_part?)))
                    .collect(),
                descending: Default::default(),
                using: Default::default(),
            })
            .collect();
        // Generated columns are no part of a table's model (they are named
        // by `unmanaged`), as in the catalogue reader.
        let columns: Vec<_> = def
            .columns
            .iter()
            .filter(|column| !column.extra.generated)
            .cloned()
            .collect();
        tables.push(mysql::table(
            &def.info.name,
            &columns,
            foreign_keys,
            indexes,
        ));
    }
    Ok(Schema::new(tables))
}
