//! What a database holds besides tables, which the entities do not manage:
//! views, materialized views, triggers, functions and procedures, standalone
//! sequences, rules, events, partitions and inheritance children (and the
//! partitioning of their parent), generated columns. [`unmanaged`] names each, so that `pull`,
//! `diff` and `migrate baseline` say what they leave aside instead of
//! dropping it without a word.

use super::{IntrospectError, rows};
use crate::model::Backend;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::fmt;

/// The kind of an object the entities do not manage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    View,
    MaterializedView,
    Trigger,
    Function,
    Procedure,
    Aggregate,
    Sequence,
    Rule,
    Event,
    /// A partition of a partitioned table (PostgreSQL).
    Partition,
    /// A table that inherits from another (PostgreSQL `INHERITS`).
    InheritanceChild,
    /// A table partitioned by `PARTITION BY`: the entity describes it as a
    /// plain table (PostgreSQL).
    PartitionedTable,
    /// A generated (computed) column: left out of its table's entity.
    GeneratedColumn,
}

impl ObjectKind {
    /// The kind for messages: `view`, `materialized view`, ...
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Rule => "rule",
            ObjectKind::Event => "event",
            ObjectKind::Partition => "partition",
            ObjectKind::InheritanceChild => "table",
            ObjectKind::PartitionedTable => "partitioned table",
            ObjectKind::GeneratedColumn => "generated column",
        }
    }
}

/// An object of the database that no entity describes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unmanaged {
    pub kind: ObjectKind,
    pub name: String,
    /// The table it belongs to: a trigger's or rule's table, a partition's or
    /// child's parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl fmt::Display for Unmanaged {
    /// `view `actor_info` is not managed by the entities (kept as it is; ..)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, name) = (self.kind.name(), &self.name);
        let table = self.table.as_deref().unwrap_or("?");
        match self.kind {
            ObjectKind::Partition => write!(
                f,
                "partition `{name}` of `{table}` is not managed by the entities (no entity is written for it; create it by hand or in a data step)"
            ),
            ObjectKind::InheritanceChild => write!(
                f,
                "table `{name}` inherits from `{table}` and is not managed by the entities (no entity is written for it; create it by hand or in a data step)"
            ),
            ObjectKind::PartitionedTable => write!(
                f,
                "partitioned table `{name}`: its partitioning is not managed by the entities, which describe it as a plain table"
            ),
            ObjectKind::GeneratedColumn => write!(
                f,
                "generated column `{table}.{name}` is not managed by the entities (left out of `{table}`'s entity, which reads and writes the other columns; migrations neither create nor drop it)"
            ),
            ObjectKind::Trigger | ObjectKind::Rule => write!(
                f,
                "{kind} `{name}` on `{table}` is not managed by the entities (kept as it is; migrations neither create nor drop it)"
            ),
            _ => write!(
                f,
                "{kind} `{name}` is not managed by the entities (kept as it is; migrations neither create nor drop it)"
            ),
        }
    }
}

const SQLITE: &str = "\
SELECT type, name, tbl_name FROM sqlite_schema
WHERE type IN ('view', 'trigger')
UNION ALL
SELECT 'generated_column', x.name, m.name
FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) x
WHERE m.type = 'table' AND x.hidden IN (2, 3)";

/// PostgreSQL, the current schema: views, materialized views, standalone
/// sequences (not a serial's, an identity's, or one a column's default
/// draws from), partitions and inheritance
/// children, partitioned tables, triggers, rules, functions; what an
/// extension owns left out.
const POSTGRES: &str = "\
-- Names as text: a UNION of `name` columns would cut them at 63 bytes.
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema()),
ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e')
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view'
                      WHEN 'S' THEN 'sequence' WHEN 'p' THEN 'partitioned_table' END,
       c.relname::text, NULL::text
FROM pg_class c
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('v', 'm', 'S', 'p')
  AND c.oid NOT IN (SELECT objid FROM ext)
  AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE (d.objid = c.oid AND d.deptype IN ('a', 'i'))
         OR (d.refobjid = c.oid AND d.classid = 'pg_attrdef'::regclass)))
UNION ALL
SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'inheritance_child' END,
       c.relname::text, p.relname::text
FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_class p ON p.oid = h.inhparent
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'trigger', t.tgname::text, c.relname::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace IN (SELECT oid FROM ns) AND NOT t.tgisinternal
UNION ALL
SELECT 'rule', r.rulename::text, r.tablename::text FROM pg_rules r WHERE r.schemaname = current_schema()
UNION ALL
SELECT 'generated_column', a.attname::text, c.relname::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated <> ''
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = c.oid)
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL::text
FROM pg_proc p
WHERE p.pronamespace IN (SELECT oid FROM ns) AND p.oid NOT IN (SELECT objid FROM ext)";

const MYSQL: &str = "\
SELECT 'view', TABLE_NAME, NULL FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()
UNION ALL
SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = DATABASE()
UNION ALL
SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, NULL FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = DATABASE()
UNION ALL
SELECT 'event', EVENT_NAME, NULL FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()
UNION ALL
SELECT 'generated_column', COLUMN_NAME, TABLE_NAME FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE() AND EXTRA IN ('VIRTUAL GENERATED', 'STORED GENERATED')";

/// The objects of the database behind `db` that the entities do not manage,
/// sorted by kind and name: one query.
pub async fn unmanaged(db: &DatabaseConnection) -> Result<Vec<Unmanaged>, IntrospectError> {
    let query = match super::backend(db)? {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
        Backend::MySql => MYSQL,
    };
    let mut out = Vec::new();
    for row in rows(db, query, Vec::new()).await? {
        let kind: String = row.try_get_by_index(0)?;
        let kind = match kind.as_str() {
            "view" => ObjectKind::View,
            "materialized_view" => ObjectKind::MaterializedView,
            "trigger" => ObjectKind::Trigger,
            "function" => ObjectKind::Function,
            "procedure" => ObjectKind::Procedure,
            "aggregate" => ObjectKind::Aggregate,
            "sequence" => ObjectKind::Sequence,
            "rule" => ObjectKind::Rule,
            "event" => ObjectKind::Event,
            "partition" => ObjectKind::Partition,
            "inheritance_child" => ObjectKind::InheritanceChild,
            "partitioned_table" => ObjectKind::PartitionedTable,
            "generated_column" => ObjectKind::GeneratedColumn,
            other => {
                return Err(super::discovery_error(format!(
                    "unexpected kind of object `{other}`"
                )));
            }
        };
        let table: Option<String> = row.try_get_by_index(2)?;
        out.push(Unmanaged {
            kind,
            name: row.try_get_by_index(1)?,
            table: table.filter(|_| {
                matches!(
                    kind,
                    ObjectKind::Trigger
                        | ObjectKind::Rule
                        | ObjectKind::Partition
                        | ObjectKind::InheritanceChild
                        | ObjectKind::GeneratedColumn
                )
            }),
        });
    }
    out.sort();
    Ok(out)
}
