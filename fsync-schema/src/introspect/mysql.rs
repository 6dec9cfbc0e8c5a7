//! MySQL/MariaDB's `information_schema`, filtered by the current database
//! once per kind: the server's version and the database, then tables,
//! columns, indexes, foreign-key columns and foreign-key actions, one query
//! each.
//!
//! Column types and defaults go through sea-schema's parser, as in its
//! discovery; types are written back from the parsed types, defaults
//! re-quoted.

use super::{IntrospectError, action, column, discovery_error, parse_default, rows};
use crate::model::{Backend, ColumnType, ForeignKey, Index, IndexMethod, Schema, Table, Unique};
use sea_orm::DatabaseConnection;
use sea_schema::mysql::def::{ColumnInfo, SystemInfo};
use sea_schema::mysql::query::ColumnQueryResult;

/// An index as `information_schema.STATISTICS` describes it.
pub(super) struct MyIndex {
    pub(super) name: String,
    pub(super) unique: bool,
    /// Column names, or expressions (in parentheses) for the parts of a
    /// functional index.
    pub(super) columns: Vec<String>,
    /// The prefix length of each column indexed by a prefix only.
    pub(super) prefixes: std::collections::BTreeMap<String, u32>,
    /// The parts sorted descending (`COLLATION` `D`).
    pub(super) descending: std::collections::BTreeSet<String>,
    /// `FULLTEXT`, `SPATIAL`, or B-tree (`INDEX_TYPE`).
    pub(super) using: IndexMethod,
}

/// The model's table from its parsed columns, foreign keys and indexes:
/// index `PRIMARY` is the primary key, unique indexes are UNIQUE constraints,
/// and the index MySQL adds for a foreign key is left out.
pub(super) fn table(
    name: &str,
    columns: &[ColumnInfo],
    foreign_keys: Vec<ForeignKey>,
    indexes: Vec<MyIndex>,
) -> Table {
    let mut table = Table::new(name);
    for info in columns {
        let mut column = column(&info.name, &mysql_type(&info.col_type), Backend::MySql);
        // MySQL's enums and sets have no name; the column's is a good one for Rust.
        let (ty, values) = match &info.col_type {
            sea_schema::mysql::def::Type::Enum(def) => (ColumnType::Enum, Some(&def.values)),
            sea_schema::mysql::def::Type::Set(def) => (ColumnType::Set, Some(&def.members)),
            _ => (column.ty, None),
        };
        if let Some(values) = values {
            let enum_name = format!("{name}_{}", info.name);
            column.ty = ty;
            column.enum_type = Some(crate::model::EnumType::new(&enum_name, values.clone()));
            column.sql_type = Default::default();
        }
        column.nullable = info.null;
        column.autoincrement = info.extra.auto_increment;
        column.on_update_current_timestamp = info.extra.on_update_current_timestamp;
        column.default = info
            .default
            .as_ref()
            .and_then(mysql_default)
            .and_then(|raw| parse_default(&raw, column.ty, Backend::MySql));
        table.columns.push(column);
    }
    table.foreign_keys = foreign_keys;
    for index in indexes {
        let columns = index.columns;
        if index.name == "PRIMARY" {
            table.primary_key = columns;
        } else if index.unique && index.descending.is_empty() {
            table.uniques.push(Unique {
                name: Some(index.name),
                columns,
            });
        } else {
            // The index MySQL adds for a foreign key takes the constraint's
            // name, or the first column's when the key has none.
            let for_foreign_key = !index.unique
                && index.using.is_btree()
                && index.descending.is_empty()
                && table.foreign_keys.iter().any(|fk| {
                    fk.columns == columns
                        && (fk.name.as_deref() == Some(index.name.as_str())
                            || fk.columns.first() == Some(&index.name))
                });
            if !for_foreign_key {
                table.indexes.push(Index {
                    name: index.name,
                    columns,
                    unique: index.unique,
                    prefixes: index.prefixes,
                    descending: index.descending,
                    using: index.using,
                    ..Default::default()
                });
            }
        }
    }
    table
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
        M::Enum(def) => format!("enum({})", quoted_list(&def.values)),
        M::Set(def) => format!("set({})", quoted_list(&def.members)),
        M::Unknown(name) => name.clone(),
        // Geometry types, the columns of SPATIAL indexes.
        M::Geometry(_) => "geometry".to_owned(),
        M::Point(_) => "point".to_owned(),
        M::LineString(_) => "linestring".to_owned(),
        M::Polygon(_) => "polygon".to_owned(),
        M::MultiPoint(_) => "multipoint".to_owned(),
        M::MultiLineString(_) => "multilinestring".to_owned(),
        M::MultiPolygon(_) => "multipolygon".to_owned(),
        M::GeometryCollection(_) => "geometrycollection".to_owned(),
    }
}

/// `'a','b'`: values as SQL strings, as MySQL lists an ENUM's or SET's.
fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(",")
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

/// The server (for the parser: defaults read differently by version) and
/// the current database.
pub(super) async fn system_and_database(
    db: &DatabaseConnection,
) -> Result<(SystemInfo, String), IntrospectError> {
    let current = rows(db, "SELECT VERSION(), DATABASE()", Vec::new()).await?;
    let row = current
        .first()
        .ok_or_else(|| discovery_error("no current database"))?;
    let version: String = row.try_get_by_index(0)?;
    let database: Option<String> = row.try_get_by_index(1)?;
    let database =
        database.ok_or_else(|| discovery_error("the connection has no current database"))?;
    Ok((
        sea_schema::mysql::parser::parse_version_string(&version),
        database,
    ))
}

const TABLES: &str = "\
SELECT TABLE_NAME, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES
WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')";

const COLUMNS: &str = "\
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA,
       COLLATION_NAME, COLUMN_COMMENT
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = ? AND EXTRA NOT IN ('VIRTUAL GENERATED', 'STORED GENERATED')
ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// Index parts; `EXPRESSION` exists from MySQL 8.0.13 (not on MariaDB).
fn indexes_query(system: &SystemInfo) -> String {
    let expression = if system.is_mysql() && system.version >= 80013 {
        "EXPRESSION"
    } else {
        "NULL"
    };
    format!(
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, {expression}, SUB_PART, \
                INDEX_TYPE, COLLATION \
         FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = ? \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    )
}

/// The database's default collation, which its tables take unless they say otherwise.
const DATABASE_COLLATION: &str = "\
SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";

/// Foreign-key columns. `TABLE_SCHEMA`, not `CONSTRAINT_SCHEMA`: MariaDB
/// opens only the tables of the database it filters by.
const FOREIGN_KEY_COLUMNS: &str = "\
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ?
  AND REFERENCED_TABLE_NAME IS NOT NULL AND REFERENCED_COLUMN_NAME IS NOT NULL
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/// Foreign-key actions, read apart from their columns: joined with
/// `KEY_COLUMN_USAGE` in the server, MariaDB 10.11 took 0.6 s at 1,000
/// tables where the two queries take 30 ms each.
const FOREIGN_KEY_ACTIONS: &str = "\
SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE
FROM information_schema.REFERENTIAL_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ?";

/// What a table is made of, gathered from the rows of every query before
/// the model's table is built.
#[derive(Default)]
struct Parts {
    columns: Vec<ColumnInfo>,
    /// Each column's collation (text columns), in column order.
    collations: Vec<Option<String>>,
    /// The table's default collation.
    collation: Option<String>,
    /// The table's comment, and each column's, in column order ('' is none).
    comment: String,
    comments: Vec<String>,
    foreign_keys: Vec<ForeignKey>,
    indexes: Vec<MyIndex>,
}

/// The schema of the MySQL/MariaDB database behind `db`, in six queries.
pub(super) async fn schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    let (system, database) = system_and_database(db).await?;
    let mut listed: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for row in rows(db, TABLES, vec![database.clone().into()]).await? {
        listed.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        ));
    }
    listed.sort();
    let names: Vec<String> = listed.iter().map(|(name, ..)| name.clone()).collect();
    let mut parts: Vec<Parts> = listed
        .into_iter()
        .map(|(_, collation, comment)| Parts {
            collation,
            comment: comment.unwrap_or_default(),
            ..Parts::default()
        })
        .collect();
    let default_collation: Option<String> =
        rows(db, DATABASE_COLLATION, vec![database.clone().into()])
            .await?
            .first()
            .map(|row| row.try_get_by_index(0))
            .transpose()?;
    let position = |table: &str| names.binary_search_by(|n| n.as_str().cmp(table)).ok();

    for row in rows(db, COLUMNS, vec![database.clone().into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let Some(at) = position(&table) else {
            continue;
        };
        let result = ColumnQueryResult {
            column_name: row.try_get_by_index(1)?,
            column_type: row.try_get_by_index(2)?,
            is_nullable: row.try_get_by_index(3)?,
            column_key: row.try_get_by_index(4)?,
            column_default: row.try_get_by_index(5)?,
            extra: row.try_get_by_index(6)?,
            ..ColumnQueryResult::default()
        };
        parts[at].columns.push(result.parse(&system));
        parts[at].collations.push(row.try_get_by_index(7)?);
        let comment: Option<String> = row.try_get_by_index(8)?;
        parts[at].comments.push(comment.unwrap_or_default());
    }

    for row in rows(db, &indexes_query(&system), vec![database.clone().into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let Some(at) = position(&table) else {
            continue;
        };
        let name: String = row.try_get_by_index(1)?;
        let column: Option<String> = row.try_get_by_index(3)?;
        let expression: Option<String> = row.try_get_by_index(4)?;
        let indexes = &mut parts[at].indexes;
        if indexes.last().is_none_or(|last| last.name != name) {
            let kind: String = row.try_get_by_index(6)?;
            indexes.push(MyIndex {
                name,
                unique: row.try_get_by_index::<i64>(2)? == 0,
                columns: Vec::new(),
                prefixes: Default::default(),
                descending: Default::default(),
                using: match kind.as_str() {
                    "FULLTEXT" => IndexMethod::Fulltext,
                    "SPATIAL" => IndexMethod::Spatial,
                    _ => IndexMethod::Btree,
                },
            });
        }
        let index = indexes.last_mut().expect("pushed above");
        let sub_part: Option<i64> = row.try_get_by_index(5)?;
        // MariaDB reports a SPATIAL index's part with a length it sets itself.
        if let (Some(column), Some(length), false) =
            (&column, sub_part, index.using == IndexMethod::Spatial)
        {
            index.prefixes.insert(column.clone(), length as u32);
        }
        let order: Option<String> = row.try_get_by_index(7)?;
        let part = column.or(expression.map(|e| Index::expression_part(&e)));
        if let Some(part) = part {
            if order.as_deref() == Some("D") {
                index.descending.insert(part.clone());
            }
            index.columns.push(part);
        }
    }

    // (table, constraint) -> (ON UPDATE, ON DELETE)
    let mut actions = std::collections::HashMap::new();
    for row in rows(db, FOREIGN_KEY_ACTIONS, vec![database.clone().into()]).await? {
        let key: (String, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let rules: (String, String) = (row.try_get_by_index(2)?, row.try_get_by_index(3)?);
        actions.insert(key, rules);
    }

    for row in rows(db, FOREIGN_KEY_COLUMNS, vec![database.into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let Some(at) = position(&table) else {
            continue;
        };
        let name: String = row.try_get_by_index(1)?;
        let foreign_keys = &mut parts[at].foreign_keys;
        if foreign_keys
            .last()
            .is_none_or(|last| last.name.as_deref() != Some(name.as_str()))
        {
            let Some((on_update, on_delete)) = actions.get(&(table.clone(), name.clone())) else {
                return Err(discovery_error(format!(
                    "foreign key {table}.{name} has columns in KEY_COLUMN_USAGE \
                     but no row in REFERENTIAL_CONSTRAINTS"
                )));
            };
            foreign_keys.push(ForeignKey {
                name: Some(name),
                columns: Vec::new(),
                ref_table: row.try_get_by_index(3)?,
                ref_columns: Vec::new(),
                on_delete: action(on_delete),
                on_update: action(on_update),
            });
        }
        let foreign_key = foreign_keys.last_mut().expect("pushed above");
        foreign_key.columns.push(row.try_get_by_index(2)?);
        foreign_key.ref_columns.push(row.try_get_by_index(4)?);
    }

    let tables: Vec<Table> = names
        .iter()
        .zip(parts)
        .map(|(name, parts)| {
            let mut table = table(name, &parts.columns, parts.foreign_keys, parts.indexes);
            // A column's collation is the table's unless it says otherwise,
            // the table's the database's.
            // MariaDB's JSON is a LONGTEXT in `utf8mb4_bin`: that collation
            // is the type's own.
            for (column, collation) in table.columns.iter_mut().zip(parts.collations) {
                let json = column.sql_type.mysql.as_deref() == Some("longtext")
                    && collation.as_deref() == Some("utf8mb4_bin");
                column.collation = collation
                    .filter(|c| Some(c) != parts.collation.as_ref())
                    .filter(|_| !json);
            }
            table.options.collation = parts
                .collation
                .filter(|c| Some(c) != default_collation.as_ref());
            table.options.comment = Some(parts.comment).filter(|c| !c.is_empty());
            for (column, comment) in table.columns.iter_mut().zip(parts.comments) {
                column.comment = Some(comment).filter(|c| !c.is_empty());
            }
            table
        })
        .collect();
    Ok(Schema::new(tables))
}

/// MariaDB: CHECKs are named per table, and `CHECK_CONSTRAINTS` names the
/// table; `LEVEL` is `Column` for a CHECK written on a column.
const CHECKS_MARIADB: &str = "\
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ?
ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8: CHECKs are named per schema; the table comes from
/// `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "\
SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE, 'Table'
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = ? AND t.CONSTRAINT_TYPE = 'CHECK'
ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME";

/// The CHECK constraints of the current database (see [`super::checks`]),
/// without those MariaDB adds itself (`json_valid(`c`)` on a JSON column).
pub(super) async fn checks(
    db: &DatabaseConnection,
) -> Result<Vec<(String, crate::model::Check)>, IntrospectError> {
    let (system, database) = system_and_database(db).await?;
    let query = if system.is_mysql() {
        CHECKS_MYSQL
    } else {
        CHECKS_MARIADB
    };
    let mut out = Vec::new();
    for row in rows(db, query, vec![database.into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        let clause: String = row.try_get_by_index(2)?;
        let level: String = row.try_get_by_index(3)?;
        if level == "Column" && clause == format!("json_valid(`{name}`)") {
            continue;
        }
        out.push((
            table,
            crate::model::Check {
                name: Some(name),
                expr: clause,
            },
        ));
    }
    Ok(out)
}
