//! SeaORM's metadata for a table: the `ColumnDef` that the derived
//! `Column::def()` returns, worked out from the schema model, so that SeaORM's
//! own schema builder (`Schema::create_table_from_entity`,
//! `create_index_from_entity`) builds what [`crate::render`] builds wherever
//! SeaORM's metadata can say it.
//!
//! What SeaORM cannot say, and so still differs (see [`known_difference`]):
//! per-backend type names (a `ColumnDef` has one logical type for every
//! backend), the names of indexes and unique keys (SeaORM makes them up as
//! `idx-<table>-<key>`), composite non-unique indexes, and the name of a
//! composite primary key (`pk-<table>`).
//!
//! A native enum is SeaORM's `ColumnType::Enum`, and an opaque column
//! ([`opaque_postgres_type`]) an enum of no values named after its PostgreSQL
//! type: SeaORM then casts both to text when it reads them and to their type
//! when it writes them (on PostgreSQL; elsewhere the values are text already).

use crate::compare::{Aspect, Finding, Target};
use crate::model::{Backend, Column, DefaultValue, Table};
use crate::render;
use sea_orm::{ColumnDef, ColumnTypeTrait};
use sea_query::Expr;

/// SeaORM's column definitions of `table`, one per column, in column order.
pub fn column_defs(table: &Table) -> Vec<ColumnDef> {
    table
        .columns
        .iter()
        .map(|column| column_def(table, column))
        .collect()
}

/// SeaORM's column definition of `column` (a column of `table`): type,
/// nullability, default, and the unique and index flags that SeaORM's
/// schema builder turns into constraints and indexes.
pub fn column_def(table: &Table, column: &Column) -> ColumnDef {
    let mut def = column_type(column).def();
    if column.nullable {
        def = def.nullable();
    }
    if let Some(value) = &column.default {
        def = def.default(default_expr(value));
    }
    if let Some(from) = &column.renamed_from {
        def = def.renamed_from(from);
    }
    let name = column.name.as_str();
    let only_this = |columns: &[String]| columns.len() == 1 && columns[0] == name;
    let unnamed_unique = table
        .uniques
        .iter()
        .any(|u| u.name.is_none() && only_this(&u.columns));
    if unnamed_unique {
        def = def.unique();
    }
    // A named or composite UNIQUE, or a unique index: SeaORM groups the
    // columns of one `unique_key` into a unique index (one key per column).
    let unique_key = table
        .uniques
        .iter()
        .filter(|u| !(u.name.is_none() && only_this(&u.columns)))
        .find(|u| u.columns.iter().any(|c| c == name))
        .map(|u| u.name.clone().unwrap_or_else(|| u.columns.join("_")))
        .or_else(|| {
            table
                .indexes
                .iter()
                .find(|i| i.unique && i.columns.iter().any(|c| c == name))
                .map(|i| i.name.clone())
        });
    if let Some(key) = unique_key {
        def = def.unique_key(&key);
    }
    let indexed = table
        .indexes
        .iter()
        .any(|i| !i.unique && only_this(&i.columns));
    if indexed {
        def = def.indexed();
    }
    def
}

/// The SeaORM column type: the `sql_type` override when it names one type
/// for every backend (a `ColumnType::Custom`), else the logical type.
fn column_type(column: &Column) -> sea_orm::ColumnType {
    use sea_query::{Alias, IntoIden};
    // A native enum: SeaORM casts it to text when it selects it and to the
    // type when it writes it (PostgreSQL).
    if let (Some(enum_type), crate::model::ColumnType::Enum) = (&column.enum_type, column.ty) {
        return sea_orm::ColumnType::Enum {
            name: Alias::new(&enum_type.name).into_iden(),
            variants: enum_type
                .values
                .iter()
                .map(|v| Alias::new(v).into_iden())
                .collect(),
        };
    }
    // An opaque column read as text: the same casts, to the column's type.
    if let Some(type_name) = opaque_postgres_type(column) {
        return sea_orm::ColumnType::Enum {
            name: Alias::new(type_name).into_iden(),
            variants: Vec::new(),
        };
    }
    let overridden = Backend::ALL
        .iter()
        .any(|backend| column.sql_type.get(*backend).is_some());
    let [sqlite, postgres, mysql] = Backend::ALL.map(|backend| render::sql_type(column, backend));
    if overridden && sqlite == postgres && postgres == mysql {
        sea_orm::ColumnType::custom(sqlite)
    } else {
        crate::value::sea_orm_column_type(column.ty)
    }
}

/// The PostgreSQL type an opaque column is written as, when it is one: a
/// text field (`String`) whose PostgreSQL type is not text (`tsvector`,
/// `inet`, `interval`, ..). SeaORM reads it through `CAST(.. AS text)` and
/// writes it through a cast to this type (its name without modifiers).
pub fn opaque_postgres_type(column: &Column) -> Option<String> {
    use crate::model::ColumnType;
    if !matches!(column.ty, ColumnType::Text | ColumnType::String(_)) {
        return None;
    }
    let sql = column.sql_type.get(Backend::Postgres)?;
    let canonical = crate::normalize::canonical_type(sql, Backend::Postgres);
    let base = canonical.split('(').next().unwrap_or_default();
    let text = [
        "TEXT",
        "VARCHAR",
        "CHAR",
        "CHARACTER",
        "BPCHAR",
        "NAME",
        "CITEXT",
    ];
    if text.contains(&base) {
        return None;
    }
    // Names a cast takes as one identifier.
    let name = match base {
        "BIT VARYING" => "varbit",
        "DOUBLE PRECISION" => "float8",
        "TIMESTAMP" => "timestamp",
        "TIMESTAMPTZ" => "timestamptz",
        "TIMETZ" => "timetz",
        other => return Some(other.to_lowercase()),
    };
    Some(name.to_owned())
}

/// A default as a sea-query expression, which each backend's builder writes
/// in its own way (`TRUE` or `1`, string escapes).
fn default_expr(value: &DefaultValue) -> Expr {
    match value {
        DefaultValue::Int(int) => Expr::val(*int),
        DefaultValue::Float(float) => Expr::val(*float),
        DefaultValue::Bool(flag) => Expr::val(*flag),
        DefaultValue::Text(text) => Expr::val(text.clone()),
        DefaultValue::CurrentTimestamp => Expr::current_timestamp(),
        DefaultValue::Sql(sql) => Expr::cust(sql.clone()),
    }
}

/// SeaORM's own DDL for the entity `E` on `backend`:
/// `Schema::create_table_from_entity`, then `Schema::create_index_from_entity`.
pub fn entity_statements<E: sea_orm::EntityTrait>(backend: Backend) -> (String, Vec<String>) {
    let db_backend = match backend {
        Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        Backend::Postgres => sea_orm::DbBackend::Postgres,
        Backend::MySql => sea_orm::DbBackend::MySql,
    };
    let schema = sea_orm::Schema::new(db_backend);
    let entity = E::default();
    let mut statements = vec![render::build(
        &schema.create_table_from_entity(entity),
        backend,
    )];
    statements.extend(
        schema
            .create_index_from_entity(entity)
            .iter()
            .map(|index| render::build(index, backend)),
    );
    (
        sea_orm::EntityName::table_name(&entity).to_owned(),
        statements,
    )
}

/// One entity for [`compare_builder`]: `entity_statements::<my::Entity>`.
pub type EntityStatements = fn(Backend) -> (String, Vec<String>);

/// The SQL type sea-query writes on `backend` for SeaORM's type of `column`
/// (what `Schema::create_table_from_entity` declares).
pub fn seaorm_sql_type(column: &Column, backend: Backend) -> String {
    use sea_query::backend::TableBuilder;
    let ty = column_type(column);
    let mut sql = String::new();
    match backend {
        Backend::Sqlite => sea_query::SqliteQueryBuilder.prepare_column_type(&ty, &mut sql),
        Backend::Postgres => sea_query::PostgresQueryBuilder.prepare_column_type(&ty, &mut sql),
        Backend::MySql => sea_query::MysqlQueryBuilder.prepare_column_type(&ty, &mut sql),
    }
    sql
}

/// A difference between render's catalogue and SeaORM's that SeaORM's
/// metadata cannot avoid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Known {
    /// sea-query's name for the column's type on this backend.
    TypeName,
    /// A single-column index, built by SeaORM under its own name.
    IndexName,
    /// SeaORM's name for that index, on the SeaORM side.
    SeaOrmIndexName,
    /// A composite non-unique index, which SeaORM cannot declare.
    CompositeIndex,
}

impl Known {
    /// Why the difference is there.
    pub fn reason(self) -> &'static str {
        match self {
            Known::TypeName => {
                "a ColumnDef has one type for every backend; sea-query writes its own name for it \
                 (`uuid_text`, `boolean`, `timestamp_with_timezone_text` on SQLite, `timestamp` on MySQL) \
                 where render writes the type it chose for the backend"
            }
            Known::IndexName => {
                "SeaORM names the index of an `indexed` column `idx-<table>-<column>`; it is there under that name"
            }
            Known::SeaOrmIndexName => {
                "SeaORM's name (`idx-<table>-<column>`) for an index that render names as declared"
            }
            Known::CompositeIndex => {
                "SeaORM has no composite non-unique index (`indexed` marks one column)"
            }
        }
    }
}

/// Which known difference between render's catalogue (`expected`) and SeaORM's
/// (`actual`, `seaorm` being SeaORM's table as read back and normalized) is
/// `finding` is on `backend`, or `None` when it is none. `model` is the table as
/// the entities declare it.
pub fn known_difference(
    finding: &Finding,
    model: &Table,
    seaorm: Option<&Table>,
    backend: Backend,
) -> Option<Known> {
    match (&finding.target, finding.aspect) {
        (Target::Column { name }, Aspect::Type) => {
            let column = model.column(name)?;
            let written =
                crate::normalize::canonical_type(&seaorm_sql_type(column, backend), backend);
            (finding.actual.as_deref() == Some(written.as_str())).then_some(Known::TypeName)
        }
        (Target::Index { name }, Aspect::Presence) if finding.expected.is_some() => {
            let index = model.indexes.iter().find(|i| &i.name == name)?;
            if index.unique {
                return None;
            }
            if index.columns.len() > 1 {
                return Some(Known::CompositeIndex);
            }
            let seaorm_name = format!("idx-{}-{}", model.name, index.columns[0]);
            let there = seaorm?
                .indexes
                .iter()
                .any(|i| i.name == seaorm_name && i.columns == index.columns);
            there.then_some(Known::IndexName)
        }
        (Target::Index { name }, Aspect::Presence) if finding.actual.is_some() => {
            let column = name.strip_prefix(&format!("idx-{}-", model.name))?;
            let declared = model
                .indexes
                .iter()
                .any(|i| !i.unique && i.columns.len() == 1 && i.columns[0] == column);
            declared.then_some(Known::SeaOrmIndexName)
        }
        _ => None,
    }
}

/// The outcome of [`compare_builder`]: every difference between the two
/// databases, split into the known ones (with the reason) and the rest.
#[derive(Debug, Default)]
pub struct BuilderComparison {
    /// Differences SeaORM's metadata cannot avoid, each with its reason.
    pub known: Vec<(Finding, Known)>,
    /// Any other difference: a bug in the metadata or in this list.
    pub unexplained: Vec<Finding>,
}

/// `schema` with every unique index read as a UNIQUE and no UNIQUE named:
/// SeaORM builds a named or composite UNIQUE as a unique index under a name
/// of its own (`unique_key`), which enforces the same thing.
#[cfg(feature = "introspect")]
fn uniques_by_columns(mut schema: crate::model::Schema) -> crate::model::Schema {
    for table in &mut schema.tables {
        let (unique, plain): (Vec<_>, Vec<_>) = table.indexes.drain(..).partition(|i| i.unique);
        table.indexes = plain;
        table.uniques.extend(
            unique
                .into_iter()
                .map(|index| crate::model::Unique::new(index.columns)),
        );
        for unique in &mut table.uniques {
            unique.name = None;
        }
        table.uniques.sort_by(|a, b| a.columns.cmp(&b.columns));
        table.uniques.dedup();
    }
    schema
}

/// Builds `schema` on `ours` with [`render::schema_statements`] and the same
/// entities on `seaorm` with SeaORM's schema builder ([`entity_statements`]
/// for each of `entities`, in the schema's foreign-key order), reads both
/// back, and compares them ([`crate::introspect::as_introspected`], and uniques
/// by their columns whether constraint or unique index, names aside). Both
/// databases must be empty and of the same backend.
#[cfg(feature = "introspect")]
pub async fn compare_builder(
    ours: &sea_orm::DatabaseConnection,
    seaorm: &sea_orm::DatabaseConnection,
    schema: &crate::model::Schema,
    entities: &[EntityStatements],
) -> Result<BuilderComparison, crate::introspect::IntrospectError> {
    use crate::introspect;

    let backend = introspect::backend(ours)?;
    for sql in render::schema_statements(schema, backend) {
        run(ours, sql).await?;
    }
    let built: Vec<(String, Vec<String>)> = entities.iter().map(|f| f(backend)).collect();
    let mut indexes = Vec::new();
    for table in schema.in_dependency_order() {
        let Some((_, statements)) = built.iter().find(|(name, _)| *name == table.name) else {
            continue;
        };
        run(seaorm, statements[0].clone()).await?;
        indexes.extend(statements[1..].iter().cloned());
    }
    for sql in indexes {
        run(seaorm, sql).await?;
    }
    let expected = uniques_by_columns(introspect::as_introspected(
        &introspect::schema(ours).await?,
        backend,
    ));
    let actual = uniques_by_columns(introspect::as_introspected(
        &introspect::schema(seaorm).await?,
        backend,
    ));
    let sides = crate::compare::Sides::new("render", "SeaORM builder");
    let mut out = BuilderComparison::default();
    for finding in crate::compare::compare_with(&expected, &actual, &sides) {
        let reason = schema.table(&finding.table).and_then(|model| {
            known_difference(&finding, model, actual.table(&finding.table), backend)
        });
        match reason {
            Some(reason) => out.known.push((finding, reason)),
            None => out.unexplained.push(finding),
        }
    }
    Ok(out)
}

#[cfg(feature = "introspect")]
async fn run(db: &sea_orm::DatabaseConnection, sql: String) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ConnectionTrait, Statement};
    let statement = Statement::from_string(db.get_database_backend(), sql);
    db.execute_raw(statement).await.map(drop)
}
