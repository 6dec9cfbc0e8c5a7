//! PostgreSQL's catalogue (`pg_catalog`) for the current schema: the schema's
//! name, then tables, columns, indexes and foreign keys, one query each.
//!
//! `pg_attribute` gives the column order, the type as `format_type` writes
//! it and the default expression; `pg_index` every index, with whether a
//! constraint owns it (a primary key or UNIQUE constraint, not an index).
//! Tables that inherit from another (partitions included) are left out, as
//! are foreign keys that reference one, as discovery does.

use super::{IntrospectError, discovery_error, parse_default, rows};
use crate::model::{
    Action, Backend, Column, ForeignKey, Index, IndexMethod, Schema, Table, Unique,
};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// The current schema (the first of the search path that exists).
pub(super) async fn current_schema(db: &DatabaseConnection) -> Result<String, IntrospectError> {
    let current = rows(db, "SELECT current_schema()", Vec::new()).await?;
    let namespace: Option<String> = current
        .first()
        .ok_or_else(|| discovery_error("no current schema"))?
        .try_get_by_index(0)?;
    namespace.ok_or_else(|| discovery_error("no current schema"))
}

/// What the catalogue says of a column.
pub(super) struct PgColumn {
    pub(super) name: String,
    /// The type as `format_type` writes it.
    pub(super) sql_type: String,
    /// The default expression (a generated column's expression).
    pub(super) default: Option<String>,
    /// NOT NULL, on the column or on its domain.
    pub(super) not_null: bool,
    /// `GENERATED .. AS IDENTITY`.
    pub(super) identity: bool,
    /// For a domain: its base type, as `format_type` writes it.
    pub(super) domain_base: Option<String>,
    /// For an enum type: its name and values in order.
    pub(super) enum_type: Option<crate::model::EnumType>,
}

/// The model's column: a `nextval(..)` default (a serial) is
/// autoincrement, not a default.
pub(super) fn column(info: &PgColumn) -> Column {
    let mut column = super::column(&info.name, &info.sql_type, Backend::Postgres);
    if let Some(base) = &info.domain_base {
        // A domain keeps its name as the SQL type; Rust reads its base type.
        let typed = super::column(&info.name, base, Backend::Postgres);
        column.ty = typed.ty;
        column.sql_type.postgres = Some(info.sql_type.clone());
    }
    if let Some(enum_type) = &info.enum_type {
        column.ty = crate::model::ColumnType::Enum;
        column.enum_type = Some(enum_type.clone());
        column.sql_type = Default::default();
        if crate::render::postgres_name(&enum_type.name) != info.sql_type {
            // Another schema's type, written qualified.
            column.sql_type.postgres = Some(info.sql_type.clone());
        }
    }
    column.nullable = !info.not_null;
    let serial = info
        .default
        .as_deref()
        .is_some_and(|d| d.trim_start().starts_with("nextval("));
    column.autoincrement = info.identity || serial;
    if !serial {
        column.default = info
            .default
            .as_deref()
            .and_then(|raw| parse_default(raw, column.ty, Backend::Postgres));
    }
    column
}

/// An enum type from its name and values, when the column has one.
pub(super) fn enum_type(
    name: Option<String>,
    values: Option<Vec<String>>,
) -> Option<crate::model::EnumType> {
    Some(crate::model::EnumType::new(&name?, values?))
}

/// Every index of the schema's tables, key part by key part: the column
/// (none for an expression), the part as `pg_get_indexdef` writes it,
/// whether it is a key part (not `INCLUDE`) and sorts descending, the
/// access method and a partial index's predicate.
const INDEXES: &str = "\
SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary,
       EXISTS (SELECT 1 FROM pg_constraint con
               WHERE con.conindid = ix.indexrelid AND con.conrelid = t.oid
                 AND con.contype IN ('p', 'u', 'x')),
       a.attname, pg_get_indexdef(ix.indexrelid, k.position::int, true),
       k.position <= ix.indnkeyatts, COALESCE((ix.indoption[k.position - 1] & 1) = 1, false),
       am.amname, pg_get_expr(ix.indpred, ix.indrelid, true)
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_am am ON am.oid = i.relam
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
WHERE n.nspname = $1
ORDER BY t.relname, i.relname, k.position";

/// What `pg_index` says of an index.
pub(super) struct PgIndex {
    unique: bool,
    primary: bool,
    /// Whether a PRIMARY KEY, UNIQUE or EXCLUDE constraint owns the index.
    constraint: bool,
    /// The index as the model says it (name aside).
    index: Index,
}

/// The indexes of schema `namespace` by table and index name.
pub(super) type PgIndexes = BTreeMap<(String, String), PgIndex>;

/// Every index of schema `namespace`, in one query.
pub(super) async fn indexes(
    db: &DatabaseConnection,
    namespace: &str,
) -> Result<PgIndexes, IntrospectError> {
    let mut indexes = PgIndexes::new();
    for row in rows(db, INDEXES, vec![namespace.into()]).await? {
        let key: (String, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        let name = key.1.clone();
        let index = match indexes.entry(key) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let method: String = row.try_get_by_index(9)?;
                let predicate: Option<String> = row.try_get_by_index(10)?;
                entry.insert(PgIndex {
                    unique: row.try_get_by_index(2)?,
                    primary: row.try_get_by_index(3)?,
                    constraint: row.try_get_by_index(4)?,
                    index: Index {
                        name,
                        using: IndexMethod::parse(&method).unwrap_or_default(),
                        predicate,
                        ..Default::default()
                    },
                })
            }
        };
        let column: Option<String> = row.try_get_by_index(5)?;
        let definition: String = row.try_get_by_index(6)?;
        let key_part: bool = row.try_get_by_index(7)?;
        let descending: bool = row.try_get_by_index(8)?;
        let part = column.unwrap_or_else(|| Index::expression_part(&definition));
        if !key_part {
            index.index.include.push(part);
            continue;
        }
        if descending {
            index.index.descending.insert(part.clone());
        }
        index.index.columns.push(part);
    }
    Ok(indexes)
}

/// The table's primary key, UNIQUE constraints and other indexes, by index name.
pub(super) fn place_indexes(table: &mut Table, indexes: &PgIndexes) {
    let from = (table.name.clone(), String::new());
    for ((table_name, index_name), index) in indexes.range(from..) {
        if *table_name != table.name {
            break;
        }
        if index.primary {
            table.primary_key = index.index.columns.clone();
        } else if index.constraint {
            table.uniques.push(Unique {
                name: Some(index_name.clone()),
                columns: index.index.columns.clone(),
            });
        } else {
            table.indexes.push(Index {
                unique: index.unique,
                ..index.index.clone()
            });
        }
    }
}

/// Names of tables that inherit from another (partitions included), in any
/// schema: discovery leaves them out, and the foreign keys that reference one.
const CHILDREN: &str = "\
SELECT child.relname FROM pg_inherits h JOIN pg_class child ON child.oid = h.inhrelid
WHERE child.relkind IN ('r', 't', 'v', 'm', 'f', 'p')";

/// The schema's tables (ordinary and partitioned), as `information_schema.tables`
/// lists them as `BASE TABLE`.
fn tables_query() -> String {
    format!(
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname NOT IN ({CHILDREN})"
    )
}

/// Every column of the schema's tables, in column order; NOT NULL and
/// identity as `information_schema.columns` defines them.
const COLUMNS: &str = "\
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid),
       a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity IN ('a', 'd'),
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
       CASE WHEN t.typtype = 'e' THEN t.typname::text END,
       CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                                            WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END,
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = ''
ORDER BY c.relname, a.attnum";

/// Every foreign key of the schema's tables, column pair by column pair in
/// key order; keys by name.
fn foreign_keys_query() -> String {
    format!(
        "SELECT t.relname, con.conname, r.relname, a.attname, ra.attname, \
                con.confupdtype::text, con.confdeltype::text \
         FROM pg_constraint con \
         JOIN pg_class t ON t.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_class r ON r.oid = con.confrelid \
         CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, ref_attnum, position) \
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
         JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.ref_attnum \
         WHERE n.nspname = $1 AND con.contype = 'f' AND r.relname NOT IN ({CHILDREN}) \
         ORDER BY t.relname, con.conname, k.position"
    )
}

/// `pg_constraint`'s code of a referential action.
fn action(code: &str) -> Action {
    match code {
        "r" => Action::Restrict,
        "c" => Action::Cascade,
        "n" => Action::SetNull,
        "d" => Action::SetDefault,
        _ => Action::NoAction,
    }
}

/// The schema of the PostgreSQL database behind `db`, in five queries.
pub(super) async fn schema(db: &DatabaseConnection) -> Result<Schema, IntrospectError> {
    let namespace = current_schema(db).await?;
    let mut tables: Vec<Table> = Vec::new();
    for row in rows(db, &tables_query(), vec![namespace.clone().into()]).await? {
        let mut table = Table::new(row.try_get_by_index::<String>(0)?);
        table.options.comment = row.try_get_by_index(1)?;
        tables.push(table);
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    let position =
        |tables: &[Table], name: &str| tables.binary_search_by(|t| t.name.as_str().cmp(name)).ok();

    for row in rows(db, COLUMNS, vec![namespace.clone().into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let Some(at) = position(&tables, &table) else {
            continue;
        };
        let info = PgColumn {
            name: row.try_get_by_index(1)?,
            sql_type: row.try_get_by_index(2)?,
            default: row.try_get_by_index(3)?,
            not_null: row.try_get_by_index(4)?,
            identity: row.try_get_by_index(5)?,
            domain_base: row.try_get_by_index(6)?,
            enum_type: enum_type(row.try_get_by_index(7)?, row.try_get_by_index(8)?),
        };
        let mut column = column(&info);
        column.collation = row.try_get_by_index(9)?;
        column.comment = row.try_get_by_index(10)?;
        tables[at].columns.push(column);
    }

    let indexes = indexes(db, &namespace).await?;
    for table in &mut tables {
        place_indexes(table, &indexes);
    }

    let mut last: Option<(usize, String)> = None;
    for row in rows(db, &foreign_keys_query(), vec![namespace.into()]).await? {
        let table: String = row.try_get_by_index(0)?;
        let Some(at) = position(&tables, &table) else {
            continue;
        };
        let name: String = row.try_get_by_index(1)?;
        let foreign_keys = &mut tables[at].foreign_keys;
        if last.as_ref() != Some(&(at, name.clone())) {
            let on_update: String = row.try_get_by_index(5)?;
            let on_delete: String = row.try_get_by_index(6)?;
            foreign_keys.push(ForeignKey {
                name: Some(name.clone()),
                columns: Vec::new(),
                ref_table: row.try_get_by_index(2)?,
                ref_columns: Vec::new(),
                on_delete: action(&on_delete),
                on_update: action(&on_update),
            });
            last = Some((at, name));
        }
        let foreign_key = foreign_keys.last_mut().expect("pushed above");
        foreign_key.columns.push(row.try_get_by_index(3)?);
        foreign_key.ref_columns.push(row.try_get_by_index(4)?);
    }
    Ok(Schema::new(tables))
}

const DOMAINS: &str = "\
SELECT t.typname::text,
       'CREATE DOMAIN ' || quote_ident(t.typname) || ' AS ' || format_type(t.typbasetype, t.typtypmod)
       || CASE WHEN t.typdefault IS NOT NULL THEN ' DEFAULT ' || t.typdefault ELSE '' END
       || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
       || COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(c.conname) || ' '
                                      || pg_get_constraintdef(c.oid), '' ORDER BY c.conname)
                    FROM pg_constraint c WHERE c.contypid = t.oid), '')
FROM pg_type t
WHERE t.typtype = 'd' AND t.typnamespace = current_schema()::regnamespace
ORDER BY t.typname";

/// The domains of the current schema (see [`super::domains`]).
pub(super) async fn domains(
    db: &DatabaseConnection,
) -> Result<Vec<(String, String)>, IntrospectError> {
    let mut out = Vec::new();
    for row in rows(db, DOMAINS, Vec::new()).await? {
        out.push((row.try_get_by_index(0)?, row.try_get_by_index(1)?));
    }
    Ok(out)
}

/// The CHECKs of the schema's tables: not those of an inheritance child or a
/// partition, which are no table of the schema (named by `unmanaged`).
fn checks_query() -> String {
    format!(
        "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) \
         FROM pg_constraint con \
         JOIN pg_class c ON c.oid = con.conrelid \
         WHERE con.contype = 'c' AND c.relnamespace = current_schema()::regnamespace \
           AND c.relkind IN ('r', 'p') AND c.relname NOT IN ({CHILDREN}) \
         ORDER BY c.relname, con.conname"
    )
}

/// The CHECK constraints of the current schema (see [`super::checks`]).
pub(super) async fn checks(
    db: &DatabaseConnection,
) -> Result<Vec<(String, crate::model::Check)>, IntrospectError> {
    let mut out = Vec::new();
    for row in rows(db, &checks_query(), Vec::new()).await? {
        let table: String = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        let definition: String = row.try_get_by_index(2)?;
        out.push((
            table,
            crate::model::Check {
                name: Some(name),
                expr: check_expression(&definition),
            },
        ));
    }
    Ok(out)
}

/// The expression of `CHECK (<expr>)`, without what may follow the closing
/// parenthesis (`NOT VALID`, `NO INHERIT`).
fn check_expression(definition: &str) -> String {
    let Some(inner) = definition.strip_prefix("CHECK (") else {
        return definition.to_owned();
    };
    let mut depth = 1;
    let mut quote = false;
    for (at, c) in inner.char_indices() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => {
                depth -= 1;
                if depth == 0 {
                    return inner[..at].to_owned();
                }
            }
            _ => {}
        }
    }
    inner.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_expressions() {
        use super::check_expression as e;
        assert_eq!(
            e("CHECK ((total >= (0)::numeric))"),
            "(total >= (0)::numeric)"
        );
        assert_eq!(e("CHECK ((a > 0)) NOT VALID"), "(a > 0)");
        assert_eq!(e("CHECK ((s <> ')'::text)) NO INHERIT"), "(s <> ')'::text)");
    }
}
