//! SQLite's catalogue in three statements, each joining `sqlite_schema` with
//! table-valued pragmas: columns (`pragma_table_xinfo`), foreign keys
//! (`pragma_foreign_key_list`), and UNIQUE constraints and indexes
//! (`pragma_index_list` with `pragma_index_info`).
//!
//! `PRAGMA table_xinfo` gives the declared type text, the default as written
//! and the primary key's column order. A single-column INTEGER primary key
//! autoincrements when the table's SQL says `AUTOINCREMENT`.

use super::{IntrospectError, action, column, parse_default, rows, sqlite_sql};
use crate::model::{Backend, ForeignKey, Index, Schema, Table, Unique};
use crate::normalize;
use crate::render;
use sea_orm::{DatabaseConnection, DbErr, QueryResult};

/// Whether a table is SQLite's own (`sqlite_stat1`, ...). The queries below
/// leave out `sqlite_sequence` as discovery does; the reader skips the others.
pub(super) fn is_internal(table: &str) -> bool {
    table.starts_with("sqlite_")
}

/// What `PRAGMA table_xinfo` says of a column.
pub(super) struct XinfoColumn {
    name: String,
    declared: String,
    not_null: bool,
    default: Option<String>,
    /// Position in the primary key, from 1; 0 when not in it.
    key_position: i64,
    hidden: bool,
}

impl XinfoColumn {
    /// The column in `row`, whose `table_xinfo` columns (`cid`, `name`, ...,
    /// `hidden`) start at index `at`.
    pub(super) fn read(row: &QueryResult, at: usize) -> Result<XinfoColumn, DbErr> {
        Ok(XinfoColumn {
            name: row.try_get_by_index(at + 1)?,
            declared: row.try_get_by_index(at + 2)?,
            not_null: row.try_get_by_index::<i64>(at + 3)? != 0,
            default: row.try_get_by_index(at + 4)?,
            key_position: row.try_get_by_index(at + 5)?,
            hidden: row.try_get_by_index::<i64>(at + 6)? != 0,
        })
    }
}

/// Table `name` with its columns and primary key; `autoincrement_declared`:
/// whether its SQL says `AUTOINCREMENT`.
pub(super) fn table(
    name: &str,
    columns: impl IntoIterator<Item = XinfoColumn>,
    autoincrement_declared: bool,
) -> Table {
    let mut table = Table::new(name);
    let mut key: Vec<(i64, String)> = Vec::new();
    for info in columns {
        if info.hidden {
            continue;
        }
        let mut column = column(&info.name, &info.declared, Backend::Sqlite);
        column.nullable = !info.not_null && info.key_position == 0;
        column.default = info
            .default
            .as_deref()
            .and_then(|raw| parse_default(raw, column.ty, Backend::Sqlite));
        if info.key_position > 0 {
            key.push((info.key_position, info.name));
        }
        table.columns.push(column);
    }
    key.sort();
    table.primary_key = key.into_iter().map(|(_, name)| name).collect();
    if autoincrement_declared && let [only] = table.primary_key.as_slice() {
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
    table
}

/// Every table's columns, in column order, with whether its SQL says
/// `AUTOINCREMENT` (as discovery asks: `LIKE '%AUTOINCREMENT%'`).
const COLUMNS: &str = "\
SELECT m.name, m.sql LIKE '%AUTOINCREMENT%',
       c.cid, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden
FROM sqlite_schema AS m, pragma_table_xinfo(m.name) AS c
WHERE m.type = 'table' AND m.name <> 'sqlite_sequence'
ORDER BY m.name, c.cid";

/// Every foreign key's column pairs. `PRAGMA foreign_key_list` numbers the
/// last declared key 0: `id DESC` gives declaration order.
const FOREIGN_KEYS: &str = "\
SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete
FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table' AND m.name <> 'sqlite_sequence'
ORDER BY m.name, f.id DESC, f.seq";

/// The key parts of every UNIQUE constraint (origin `u`) and CREATE INDEX
/// (origin `c`), in `PRAGMA index_list` order, with whether each sorts
/// descending, and the index's SQL when it is partial or has an expression
/// (its text is where SQLite keeps them).
const INDEXES: &str = "\
SELECT m.name, l.name, l.\"unique\", l.origin, i.name, i.\"desc\", i.seqno,
       CASE WHEN l.partial OR EXISTS (SELECT 1 FROM pragma_index_info(l.name) WHERE cid = -2)
            THEN (SELECT s.sql FROM sqlite_schema AS s WHERE s.type = 'index' AND s.name = l.name)
       END
FROM sqlite_schema AS m, pragma_index_list(m.name) AS l, pragma_index_xinfo(l.name) AS i
WHERE m.type = 'table' AND m.name <> 'sqlite_sequence' AND l.origin IN ('u', 'c') AND i.key
ORDER BY m.name, l.seq, i.seqno";

/// The schema of the SQLite database behind `db`, in three statements.
pub(super) async fn schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    let mut tables: Vec<Table> = Vec::new();
    let mut current: Option<(String, bool, Vec<XinfoColumn>)> = None;
    for row in rows(db, COLUMNS, Vec::new()).await? {
        let name: String = row.try_get_by_index(0)?;
        if is_internal(&name) {
            continue;
        }
        if current.as_ref().is_none_or(|(table, ..)| *table != name) {
            if let Some((table_name, autoincrement, columns)) = current.take() {
                tables.push(table(&table_name, columns, autoincrement));
            }
            let autoincrement = row.try_get_by_index::<i64>(1)? != 0;
            current = Some((name, autoincrement, Vec::new()));
        }
        if let Some((_, _, columns)) = &mut current {
            columns.push(XinfoColumn::read(&row, 2)?);
        }
    }
    if let Some((table_name, autoincrement, columns)) = current {
        tables.push(table(&table_name, columns, autoincrement));
    }
    // Both lists below are sorted by table name, as `tables` is.
    let position =
        |tables: &[Table], name: &str| tables.binary_search_by(|t| t.name.as_str().cmp(name)).ok();

    for row in rows(db, TABLE_SQL, Vec::new()).await? {
        let name: String = row.try_get_by_index(0)?;
        let sql: String = row.try_get_by_index(1)?;
        let Some(at) = position(&tables, &name) else {
            continue;
        };
        for (column, collation) in sqlite_sql::column_collations(&sql).unwrap_or_default() {
            if let Some(column) = tables[at].columns.iter_mut().find(|c| c.name == column) {
                column.collation = Some(collation);
            }
        }
    }
    for row in rows(db, TABLE_OPTIONS, Vec::new()).await? {
        let name: String = row.try_get_by_index(0)?;
        if let Some(at) = position(&tables, &name) {
            tables[at].options.strict = row.try_get_by_index::<i64>(1)? != 0;
            tables[at].options.without_rowid = row.try_get_by_index::<i64>(2)? != 0;
        }
    }

    let mut last: Option<(usize, i64)> = None;
    let mut implicit: Vec<(usize, usize)> = Vec::new();
    for row in rows(db, FOREIGN_KEYS, Vec::new()).await? {
        let name: String = row.try_get_by_index(0)?;
        let Some(at) = position(&tables, &name) else {
            continue;
        };
        let id: i64 = row.try_get_by_index(1)?;
        let from: String = row.try_get_by_index(3)?;
        let to: Option<String> = row.try_get_by_index(4)?;
        let foreign_keys = &mut tables[at].foreign_keys;
        if last != Some((at, id)) {
            let on_update: String = row.try_get_by_index(5)?;
            let on_delete: String = row.try_get_by_index(6)?;
            foreign_keys.push(ForeignKey {
                name: None,
                columns: Vec::new(),
                ref_table: row.try_get_by_index(2)?,
                ref_columns: Vec::new(),
                on_delete: action(&on_delete),
                on_update: action(&on_update),
            });
            last = Some((at, id));
        }
        let foreign_key = foreign_keys.last_mut().expect("pushed above");
        foreign_key.columns.push(from);
        match to {
            Some(to) => foreign_key.ref_columns.push(to),
            // `REFERENCES parent` without columns: the parent's primary key.
            None => implicit.push((at, foreign_keys.len() - 1)),
        }
    }
    implicit.dedup();
    for (at, key) in implicit {
        let ref_table = tables[at].foreign_keys[key].ref_table.clone();
        let ref_columns = position(&tables, &ref_table)
            .map(|parent| tables[parent].primary_key.clone())
            .unwrap_or_default();
        tables[at].foreign_keys[key].ref_columns = ref_columns;
    }

    // (table, index name, whether a UNIQUE constraint) of the last row.
    let mut last: Option<(usize, String, bool)> = None;
    for row in rows(db, INDEXES, Vec::new()).await? {
        let name: String = row.try_get_by_index(0)?;
        let Some(at) = position(&tables, &name) else {
            continue;
        };
        let index_name: String = row.try_get_by_index(1)?;
        // An expression has no column name: its text comes from the SQL.
        let column: Option<String> = row.try_get_by_index(4)?;
        let descending = row.try_get_by_index::<i64>(5)? != 0;
        let seqno: i64 = row.try_get_by_index(6)?;
        let sql: Option<String> = row.try_get_by_index(7)?;
        let written = sql.as_deref().and_then(sqlite_sql::index_parts);
        let table = &mut tables[at];
        let constraint = match &last {
            Some((t, i, constraint)) if *t == at && *i == index_name => *constraint,
            _ => {
                let origin: String = row.try_get_by_index(3)?;
                let constraint = origin == "u";
                if constraint {
                    table.uniques.push(Unique {
                        name: None,
                        columns: Vec::new(),
                    });
                } else {
                    table.indexes.push(Index {
                        name: index_name.clone(),
                        unique: row.try_get_by_index::<i64>(2)? != 0,
                        predicate: written.as_ref().and_then(|(_, p)| p.clone()),
                        ..Default::default()
                    });
                }
                last = Some((at, index_name, constraint));
                constraint
            }
        };
        if constraint {
            let unique = table.uniques.last_mut().expect("pushed above");
            unique.columns.extend(column);
            continue;
        }
        let index = table.indexes.last_mut().expect("pushed above");
        let part = column.or_else(|| {
            let (parts, _) = written.as_ref()?;
            Some(Index::expression_part(
                parts.get(usize::try_from(seqno).ok()?)?,
            ))
        });
        if let Some(part) = part {
            if descending {
                index.descending.insert(part.clone());
            }
            index.columns.push(part);
        }
    }
    Ok(Schema::new(tables))
}

/// SQLite's `STRICT` and `WITHOUT ROWID` of every table (SQLite 3.37 and later).
const TABLE_OPTIONS: &str = "\
SELECT name, strict, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'";

/// Every table's `CREATE TABLE` text.
const TABLE_SQL: &str = "\
SELECT name, sql FROM sqlite_schema
WHERE type = 'table' AND name <> 'sqlite_sequence' AND sql IS NOT NULL
ORDER BY name";

/// The CHECK constraints of every table (see [`super::checks`]): SQLite
/// keeps them only in the table's SQL, which `sqlparser` reads. A table
/// whose SQL does not parse is an error naming it, not a table without CHECKs.
pub(super) async fn checks(
    db: &DatabaseConnection,
) -> Result<Vec<(String, crate::model::Check)>, IntrospectError> {
    let mut out = Vec::new();
    for row in rows(db, TABLE_SQL, Vec::new()).await? {
        let table: String = row.try_get_by_index(0)?;
        if is_internal(&table) {
            continue;
        }
        let sql: String = row.try_get_by_index(1)?;
        let checks = sqlite_sql::table_checks(&sql).ok_or_else(|| {
            super::discovery_error(format!(
                "table `{table}`: its SQL does not parse, so its CHECK constraints cannot be read: {sql}"
            ))
        })?;
        out.extend(checks.into_iter().map(|check| (table.clone(), check)));
    }
    Ok(out)
}
