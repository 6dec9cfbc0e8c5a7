//! DDL for a backend, built with sea-query from the schema model.
//!
//! SQLite gets the declared types its own documentation uses (INTEGER, TEXT,
//! BLOB, REAL), so `PRAGMA table_xinfo` reads back what a hand-written schema
//! would; PostgreSQL and MySQL get their native types.

use crate::model::{
    Action, Backend, Column, ColumnType, DefaultValue, ForeignKey, Index, NotTargeted, Schema,
    Table,
};
use crate::naming;
use sea_query::{
    Alias, ColumnDef, Expr, ForeignKeyAction, IndexCreateStatement, IndexDropStatement, Keyword,
    MysqlQueryBuilder, PostgresQueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder,
    TableCreateStatement, TableDropStatement,
};

pub mod layout;
pub mod online;
pub mod steps;

/// The SQL type of `column` on `backend`: the column's override, or the
/// backend's type for its logical type.
pub fn sql_type(column: &Column, backend: Backend) -> String {
    if let Some(custom) = column.sql_type.get(backend) {
        return custom.to_owned();
    }
    match (&column.enum_type, column.ty, backend) {
        (Some(enum_type), ColumnType::Enum, Backend::Postgres) => postgres_name(&enum_type.name),
        (Some(enum_type), ColumnType::Enum, Backend::MySql) => {
            format!("ENUM({})", enum_type.sql_values())
        }
        (Some(members), ColumnType::Set, Backend::MySql) => {
            format!("SET({})", members.sql_values())
        }
        _ => native_type(column.ty, backend),
    }
}

/// A PostgreSQL type name as `format_type` writes it: bare when it is a
/// lower-case identifier, else quoted.
pub fn postgres_name(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if bare {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The range CHECK of an unsigned column on a backend without unsigned
/// types (`"n" >= 0 AND "n" <= 255`), or `None`.
pub fn unsigned_check(column: &Column, backend: Backend) -> Option<String> {
    let (min, max) = column.ty.unsigned_range()?;
    if backend == Backend::MySql || column.sql_type.get(backend).is_some() {
        return None;
    }
    let name = format!("\"{}\"", column.name.replace('"', "\"\""));
    Some(format!("{name} >= {min} AND {name} <= {max}"))
}

/// The backend's native type for a logical type (a native enum's comes from
/// its column: see [`sql_type`]).
pub fn native_type(ty: ColumnType, backend: Backend) -> String {
    use ColumnType as T;
    let name = match (backend, ty) {
        (Backend::Postgres, T::Array(element)) => return format!("{}[]", element.postgres()),
        // Arrays exist on PostgreSQL only (a rule of the other targets);
        // elsewhere their text form.
        (Backend::Sqlite | Backend::MySql, T::Array(_)) => "TEXT",
        (Backend::MySql, T::TinyUnsigned) => "TINYINT UNSIGNED",
        (Backend::MySql, T::SmallUnsigned) => "SMALLINT UNSIGNED",
        (Backend::MySql, T::Unsigned) => "INT UNSIGNED",
        (Backend::MySql, T::BigUnsigned) => "BIGINT UNSIGNED",
        (Backend::Postgres, T::TinyUnsigned) => "SMALLINT",
        (Backend::Postgres, T::SmallUnsigned) => "INTEGER",
        (Backend::Postgres, T::Unsigned | T::BigUnsigned) => "BIGINT",
        (Backend::Sqlite, T::TinyUnsigned | T::SmallUnsigned | T::Unsigned | T::BigUnsigned) => {
            "INTEGER"
        }
        // A native enum (or set) without its column: its text.
        (_, T::Enum | T::Set) => "TEXT",
        (_, T::String(len)) => return format!("VARCHAR({len})"),
        (Backend::MySql, T::Decimal(precision, scale)) => {
            return format!("DECIMAL({precision},{scale})");
        }
        (_, T::Decimal(precision, scale)) => return format!("NUMERIC({precision},{scale})"),
        (Backend::Sqlite, T::SmallInt | T::Integer | T::BigInt | T::Boolean) => "INTEGER",
        (Backend::Sqlite, T::Float | T::Double) => "REAL",
        (Backend::Sqlite, T::Blob | T::Uuid) => "BLOB",
        (Backend::Sqlite, _) => "TEXT",
        (_, T::SmallInt) => "SMALLINT",
        (Backend::Postgres, T::Integer) => "INTEGER",
        (Backend::MySql, T::Integer) => "INT",
        (_, T::BigInt) => "BIGINT",
        (Backend::Postgres, T::Boolean) => "BOOLEAN",
        (Backend::MySql, T::Boolean) => "BOOL",
        (Backend::Postgres, T::Float) => "REAL",
        (Backend::MySql, T::Float) => "FLOAT",
        (Backend::Postgres, T::Double) => "DOUBLE PRECISION",
        (Backend::MySql, T::Double) => "DOUBLE",
        (_, T::Text) => "TEXT",
        (Backend::Postgres, T::Blob) => "BYTEA",
        (Backend::MySql, T::Blob) => "BLOB",
        (Backend::Postgres, T::Uuid) => "UUID",
        (Backend::MySql, T::Uuid) => "BINARY(16)",
        (_, T::Date) => "DATE",
        (Backend::Postgres, T::Time) => "TIME",
        (Backend::MySql, T::Time) => "TIME(6)",
        (Backend::Postgres, T::DateTime) => "TIMESTAMP",
        (Backend::Postgres, T::TimestampTz) => "TIMESTAMPTZ",
        (Backend::MySql, T::DateTime | T::TimestampTz) => "DATETIME(6)",
        (Backend::Postgres, T::Json) => "JSONB",
        (Backend::MySql, T::Json) => "JSON",
    };
    name.to_owned()
}

/// A default as SQL for a column of type `ty` on `backend`.
pub fn default_sql(value: &DefaultValue, ty: ColumnType, backend: Backend) -> String {
    match value {
        DefaultValue::Int(int) => int.to_string(),
        DefaultValue::Float(float) => format!("{float:?}"),
        // SQLite's TRUE and FALSE are 1 and 0 (a source written with the
        // keywords keeps them as `default_sql`: see `introspect::parse_default`).
        DefaultValue::Bool(flag) => match (backend, flag) {
            (Backend::Postgres, true) => "TRUE".to_owned(),
            (Backend::Postgres, false) => "FALSE".to_owned(),
            (_, flag) => u8::from(*flag).to_string(),
        },
        // A UUID in its text form: PostgreSQL's literal; the 16 bytes that
        // SQLite's BLOB and MySQL's BINARY(16) hold, as a hex literal.
        DefaultValue::Text(text) if ty == ColumnType::Uuid && backend != Backend::Postgres => {
            format!("X'{}'", text.replace('-', "").to_ascii_uppercase())
        }
        DefaultValue::Text(text) => {
            // MySQL reads backslashes in string literals as escapes.
            let escaped = match backend {
                Backend::MySql => text.replace('\\', "\\\\"),
                _ => text.clone(),
            };
            let quoted = format!("'{}'", escaped.replace('\'', "''"));
            // MySQL takes defaults on TEXT, BLOB and JSON columns only as expressions.
            if backend == Backend::MySql && matches!(ty, ColumnType::Text | ColumnType::Json) {
                format!("({quoted})")
            } else {
                quoted
            }
        }
        DefaultValue::CurrentTimestamp => match backend {
            Backend::MySql => "CURRENT_TIMESTAMP(6)".to_owned(),
            _ => "CURRENT_TIMESTAMP".to_owned(),
        },
        DefaultValue::Sql(sql) => sql.clone(),
    }
}

/// The default of `column` as SQL: [`default_sql`], but for MySQL's
/// `CURRENT_TIMESTAMP`, whose fraction of a second must be the column type's
/// (`timestamp` takes `CURRENT_TIMESTAMP`, `datetime(3)` `CURRENT_TIMESTAMP(3)`).
pub fn column_default_sql(column: &Column, value: &DefaultValue, backend: Backend) -> String {
    match (value, column.sql_type.get(backend)) {
        (DefaultValue::CurrentTimestamp, Some(sql)) if backend == Backend::MySql => {
            let digits = sql
                .split_once('(')
                .and_then(|(_, rest)| rest.split_once(')'))
                .map(|(digits, _)| digits.trim())
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            match digits {
                Some(digits) => format!("CURRENT_TIMESTAMP({digits})"),
                None => "CURRENT_TIMESTAMP".to_owned(),
            }
        }
        _ => default_sql(value, column.ty, backend),
    }
}

fn raw(sql: String) -> Expr {
    Expr::Keyword(Keyword::Custom(Alias::new(sql).into()))
}

fn action(action: Action) -> ForeignKeyAction {
    match action {
        Action::NoAction => ForeignKeyAction::NoAction,
        Action::Restrict => ForeignKeyAction::Restrict,
        Action::Cascade => ForeignKeyAction::Cascade,
        Action::SetNull => ForeignKeyAction::SetNull,
        Action::SetDefault => ForeignKeyAction::SetDefault,
    }
}

/// Whether `column` is the table's only primary-key column (rendered inline).
fn inline_primary_key(table: &Table, column: &Column) -> bool {
    table.primary_key.len() == 1 && table.primary_key[0] == column.name
}

/// The column definition, with the primary key inline when it is the only key column.
pub fn column_def(table: &Table, column: &Column, backend: Backend) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(&column.name));
    def.custom(Alias::new(sql_type(column, backend)));
    let sqlite_rowid_key =
        backend == Backend::Sqlite && column.autoincrement && inline_primary_key(table, column);
    if !column.nullable && !sqlite_rowid_key {
        def.not_null();
    }
    if let Some(value) = &column.default {
        def.default(raw(column_default_sql(column, value, backend)));
    }
    if let Some(check) = unsigned_check(column, backend) {
        def.check(Expr::cust(check));
    }
    if inline_primary_key(table, column) {
        def.primary_key();
    }
    if column.autoincrement {
        match backend {
            Backend::Postgres => {
                def.extra("GENERATED BY DEFAULT AS IDENTITY");
            }
            Backend::Sqlite | Backend::MySql => {
                def.auto_increment();
            }
        }
    }
    def
}

/// `CREATE TABLE` for `table` on `backend` (indexes come from [`create_indexes`]),
/// every UNIQUE, foreign key and CHECK under its [`naming`] name (SQLite drops
/// foreign-key names; primary keys keep the backend's own name).
pub fn create_table(table: &Table, backend: Backend) -> TableCreateStatement {
    let mut create = sea_query::Table::create();
    create.table(Alias::new(&table.name));
    for column in &table.columns {
        create.col(column_def(table, column, backend));
    }
    if table.primary_key.len() > 1 {
        let mut key = sea_query::Index::create();
        for name in &table.primary_key {
            key.col(Alias::new(name));
        }
        create.primary_key(&mut key);
    }
    for unique in &table.uniques {
        let mut index = sea_query::Index::create();
        index.unique().name(naming::unique(table, unique, backend));
        for name in &unique.columns {
            index.col(Alias::new(name));
        }
        create.index(&mut index);
    }
    for foreign_key in &table.foreign_keys {
        if backend == Backend::MySql {
            // MySQL needs an index on foreign-key columns and makes one on its own,
            // but drops it again when another index could serve; an explicit one
            // stays, so that dropping an unrelated index never breaks the key.
            let mut index = sea_query::Index::create();
            index.name(naming::foreign_key(&table.name, foreign_key));
            for name in &foreign_key.columns {
                index.col(Alias::new(name));
            }
            create.index(&mut index);
        }
        create.foreign_key(&mut foreign_key_create(table, foreign_key, backend));
    }
    for check in &table.checks {
        create.check(sea_query::Check::named(
            Alias::new(naming::check(&table.name, check)),
            Expr::cust(check.expr.clone()),
        ));
    }
    create
}

/// The `FOREIGN KEY` clause of `foreign_key` (SQLite ignores its name).
pub fn foreign_key_create(
    table: &Table,
    foreign_key: &ForeignKey,
    backend: Backend,
) -> sea_query::ForeignKeyCreateStatement {
    let mut create = sea_query::ForeignKey::create();
    if backend != Backend::Sqlite {
        create.name(naming::foreign_key(&table.name, foreign_key));
    }
    create.from_tbl(Alias::new(&table.name));
    for name in &foreign_key.columns {
        create.from_col(Alias::new(name));
    }
    create.to_tbl(Alias::new(&foreign_key.ref_table));
    for name in &foreign_key.ref_columns {
        create.to_col(Alias::new(name));
    }
    if foreign_key.on_delete != Action::NoAction {
        create.on_delete(action(foreign_key.on_delete));
    }
    if foreign_key.on_update != Action::NoAction {
        create.on_update(action(foreign_key.on_update));
    }
    create
}

/// `CREATE INDEX` for one index of `table` on `backend`. Prefix lengths are
/// MySQL's alone: the other backends index the whole column.
pub fn create_index(table: &Table, index: &Index, backend: Backend) -> IndexCreateStatement {
    let mut create = sea_query::Index::create();
    create.name(&index.name).table(Alias::new(&table.name));
    for name in &index.columns {
        match index.prefix_of(name) {
            Some(chars) if backend == Backend::MySql => create.col((Alias::new(name), chars)),
            _ => create.col(Alias::new(name)),
        };
    }
    if index.unique {
        create.unique();
    }
    create
}

/// `CREATE INDEX` for every index of `table` on `backend`, in declaration order.
pub fn create_indexes(table: &Table, backend: Backend) -> Vec<IndexCreateStatement> {
    table
        .indexes
        .iter()
        .map(|index| create_index(table, index, backend))
        .collect()
}

/// `DROP INDEX` for one index of `table`.
pub fn drop_index(table: &Table, index: &Index) -> IndexDropStatement {
    sea_query::Index::drop()
        .name(&index.name)
        .table(Alias::new(&table.name))
        .to_owned()
}

/// PostgreSQL's `CREATE TYPE .. AS ENUM (..)` for a native enum.
pub fn create_enum(enum_type: &crate::model::EnumType) -> String {
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        postgres_name(&enum_type.name),
        enum_type.sql_values()
    )
}

/// PostgreSQL's `DROP TYPE` for a native enum.
pub fn drop_enum(enum_type: &crate::model::EnumType) -> String {
    format!("DROP TYPE {}", postgres_name(&enum_type.name))
}

/// `DROP TABLE`.
pub fn drop_table(name: &str) -> TableDropStatement {
    sea_query::Table::drop().table(Alias::new(name)).to_owned()
}

/// Renders any sea-query schema statement for `backend`.
pub fn build(statement: &impl SchemaStatementBuilder, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => statement.build(SqliteQueryBuilder),
        Backend::Postgres => statement.build(PostgresQueryBuilder),
        Backend::MySql => statement.build(MysqlQueryBuilder),
    }
}

/// Every statement that builds `table`: `CREATE TABLE`, then its indexes.
pub fn table_statements(table: &Table, backend: Backend) -> Vec<String> {
    let mut statements = vec![build(&create_table(table, backend), backend)];
    statements.extend(
        create_indexes(table, backend)
            .iter()
            .map(|index| build(index, backend)),
    );
    statements
}

/// Every statement that builds `schema`: tables in foreign-key order, then
/// indexes. Renders for any backend; tools call [`Schema::check_target`]
/// first (as [`schema_sql`] does).
pub fn schema_statements(schema: &Schema, backend: Backend) -> Vec<String> {
    let tables = schema.in_dependency_order();
    let mut statements: Vec<String> = match backend {
        Backend::Postgres => schema.enum_types().into_iter().map(create_enum).collect(),
        _ => Vec::new(),
    };
    statements.extend(
        tables
            .iter()
            .map(|table| build(&create_table(table, backend), backend)),
    );
    for table in tables {
        statements.extend(
            create_indexes(table, backend)
                .iter()
                .map(|index| build(index, backend)),
        );
    }
    statements
}

/// The whole schema as one SQL script, one statement per line; an error when
/// the schema does not target `backend` ([`Schema::check_target`]).
pub fn schema_sql(schema: &Schema, backend: Backend) -> Result<String, NotTargeted> {
    schema.check_target(backend)?;
    Ok(schema_statements(schema, backend)
        .into_iter()
        .map(|statement| statement + ";\n")
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_current_timestamp_takes_the_column_types_fraction() {
        let now = DefaultValue::CurrentTimestamp;
        let column = |sql: Option<&str>| {
            let column = Column::new("at", ColumnType::DateTime).default(now.clone());
            match sql {
                Some(sql) => column.sql_type(Backend::MySql, sql),
                None => column,
            }
        };
        let sql = |c: &Column, b| column_default_sql(c, &now, b);
        assert_eq!(sql(&column(None), Backend::MySql), "CURRENT_TIMESTAMP(6)");
        assert_eq!(
            sql(&column(Some("timestamp")), Backend::MySql),
            "CURRENT_TIMESTAMP"
        );
        assert_eq!(
            sql(&column(Some("datetime(3)")), Backend::MySql),
            "CURRENT_TIMESTAMP(3)"
        );
        assert_eq!(
            sql(&column(Some("timestamp")), Backend::Postgres),
            "CURRENT_TIMESTAMP"
        );
    }

    #[test]
    fn text_defaults_are_literals_on_every_backend() {
        let text = DefaultValue::Text(r"it's C:\temp".into());
        assert_eq!(
            default_sql(&text, ColumnType::String(20), Backend::Sqlite),
            r"'it''s C:\temp'"
        );
        assert_eq!(
            default_sql(&text, ColumnType::String(20), Backend::Postgres),
            r"'it''s C:\temp'"
        );
        assert_eq!(
            default_sql(&text, ColumnType::String(20), Backend::MySql),
            r"'it''s C:\\temp'"
        );
        assert_eq!(
            default_sql(&text, ColumnType::Text, Backend::MySql),
            r"('it''s C:\\temp')"
        );
    }
}
