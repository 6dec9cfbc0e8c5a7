//! DDL for a backend, built with sea-query from the schema model.
//!
//! SQLite gets the declared types its own documentation uses (INTEGER, TEXT,
//! BLOB, REAL), so `PRAGMA table_xinfo` reads back what a hand-written schema
//! would; PostgreSQL and MySQL get their native types.

use crate::model::{
    Action, Backend, Column, ColumnType, DefaultValue, ForeignKey, Index, IndexMethod, NotTargeted,
    Schema, Table,
};
use crate::naming;
use sea_query::{
    Alias, ColumnDef, Expr, ForeignKeyAction, IndexCreateStatement, IndexDropStatement, IntoIden,
    Keyword, MysqlQueryBuilder, PostgresQueryBuilder, SchemaStatementBuilder, SqliteQueryBuilder,
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

/// `sql_type` followed by the column's `COLLATE ..`, where every backend
/// takes it (PostgreSQL only there).
pub fn typed_with_collation(sql_type: &str, column: &Column, backend: Backend) -> String {
    match &column.collation {
        Some(collation) if backend == Backend::Postgres => {
            format!("{sql_type} COLLATE {}", quote(collation, backend))
        }
        Some(collation) => format!("{sql_type} COLLATE {collation}"),
        None => sql_type.to_owned(),
    }
}

/// The SQL type of `column` of `table` on `backend`: [`sql_type`], but in a
/// SQLite `STRICT` table one of the types it takes (INTEGER, REAL, TEXT,
/// BLOB, ANY), by SQLite's affinity rules.
pub fn table_sql_type(table: &Table, column: &Column, backend: Backend) -> String {
    let sql = sql_type(column, backend);
    if backend != Backend::Sqlite || !table.options.strict {
        return sql;
    }
    let upper = sql.to_ascii_uppercase();
    let strict = if ["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"].contains(&upper.as_str()) {
        return upper;
    } else if upper.contains("INT") {
        "INTEGER"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t)) {
        "TEXT"
    } else if upper.contains("BLOB") || upper.is_empty() {
        "BLOB"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|t| upper.contains(t)) {
        "REAL"
    } else {
        "ANY"
    };
    strict.to_owned()
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
    match value {
        DefaultValue::CurrentTimestamp if backend == Backend::MySql => mysql_now(column),
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

/// `CURRENT_TIMESTAMP` with the fractional digits of `column`'s MySQL type:
/// `CURRENT_TIMESTAMP(6)` for `DATETIME(6)`, `CURRENT_TIMESTAMP` for a
/// `timestamp` without fraction (MySQL refuses a default of another precision).
pub fn mysql_now(column: &Column) -> String {
    let sql = sql_type(column, Backend::MySql);
    let digits = sql
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(digits, _)| digits.trim())
        .filter(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()));
    match digits {
        Some(digits) if digits != "0" => format!("CURRENT_TIMESTAMP({digits})"),
        _ => "CURRENT_TIMESTAMP".to_owned(),
    }
}

/// Whether `column` is the table's only primary-key column (rendered inline).
fn inline_primary_key(table: &Table, column: &Column) -> bool {
    table.primary_key.len() == 1 && table.primary_key[0] == column.name
}

/// The column definition, with the primary key inline when it is the only key column.
pub fn column_def(table: &Table, column: &Column, backend: Backend) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(&column.name));
    def.custom(Alias::new(typed_with_collation(
        &table_sql_type(table, column, backend),
        column,
        backend,
    )));
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
    if let (Some(comment), Backend::MySql) = (&column.comment, backend) {
        def.comment(comment);
    }
    if column.on_update_current_timestamp && backend == Backend::MySql {
        def.extra(format!("ON UPDATE {}", mysql_now(column)));
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
    match (backend, &table.options.collation) {
        (Backend::Sqlite, _) if !table.options.sqlite_sql().is_empty() => {
            create.extra(table.options.sqlite_sql());
        }
        (Backend::MySql, Some(collation)) => {
            create.extra(format!("COLLATE={collation}"));
        }
        _ => {}
    }
    if let (Some(comment), Backend::MySql) = (&table.options.comment, backend) {
        create.comment(comment);
    }
    for check in &table.checks {
        // SQLite keeps a CHECK without a name as it was written; no later
        // step finds one by its name there (a change rebuilds the table).
        create.check(if backend == Backend::Sqlite && check.name.is_none() {
            sea_query::Check::unnamed(Expr::cust(check.expr.clone()))
        } else {
            sea_query::Check::named(
                Alias::new(naming::check(&table.name, check)),
                Expr::cust(check.expr.clone()),
            )
        });
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

/// `CREATE INDEX` for one index of `table` on `backend` as a sea-query
/// statement. Prefix lengths are MySQL's alone: the other backends index the
/// whole column. It says a plain index exactly; of the other kinds it carries
/// the method (`FULLTEXT` on MySQL, `USING ..` on PostgreSQL), descending
/// columns, `INCLUDE` and the predicate, but not expressions or `SPATIAL`:
/// [`index_sql`] writes every kind.
pub fn create_index(table: &Table, index: &Index, backend: Backend) -> IndexCreateStatement {
    let mut create = sea_query::Index::create();
    create.name(&index.name).table(Alias::new(&table.name));
    for name in index.key_columns() {
        match index.prefix_of(name) {
            Some(chars) if backend == Backend::MySql => create.col((Alias::new(name), chars)),
            _ if index.descending.contains(name) => {
                create.col((Alias::new(name), sea_query::IndexOrder::Desc))
            }
            _ => create.col(Alias::new(name)),
        };
    }
    if index.unique {
        create.unique();
    }
    match (backend, index.using) {
        (_, IndexMethod::Btree) => {}
        (Backend::MySql, IndexMethod::Fulltext) => {
            create.full_text();
        }
        (Backend::Postgres, method) => {
            create.index_type(sea_query::IndexType::Custom(
                Alias::new(method.key()).into_iden(),
            ));
        }
        _ => {}
    }
    if backend == Backend::Postgres {
        for name in &index.include {
            create.include(Alias::new(name));
        }
    }
    if let Some(predicate) = &index.predicate
        && backend != Backend::MySql
    {
        sea_query::ConditionalStatement::and_where(&mut create, Expr::cust(predicate.clone()));
    }
    create
}

/// `name` quoted as an identifier on `backend`.
pub fn quote(name: &str, backend: Backend) -> String {
    match backend {
        Backend::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `CREATE INDEX` for one index of `table` on `backend`, as SQL: through
/// sea-query for a plain index ([`create_index`]), written here for the
/// kinds it cannot say (expressions on SQLite, `SPATIAL`): a method
/// (`USING gin` on PostgreSQL, `FULLTEXT`/`SPATIAL` on MySQL), descending,
/// expression and prefix key parts, `INCLUDE (..)` and a partial index's
/// `WHERE`.
pub fn index_sql(table: &str, index: &Index, backend: Backend) -> String {
    index_sql_with(table, index, backend, "")
}

/// [`index_sql`] with `options` after `INDEX` (PostgreSQL's
/// `CONCURRENTLY IF NOT EXISTS`).
pub fn index_sql_with(table: &str, index: &Index, backend: Backend, options: &str) -> String {
    if index.is_plain() && options.is_empty() {
        return build(&create_index(&Table::new(table), index, backend), backend);
    }
    let q = |name: &str| quote(name, backend);
    let kind = match (backend, index.using) {
        (Backend::MySql, IndexMethod::Fulltext) => "FULLTEXT ",
        (Backend::MySql, IndexMethod::Spatial) => "SPATIAL ",
        _ if index.unique => "UNIQUE ",
        _ => "",
    };
    let using = match (backend, index.using) {
        (Backend::Postgres, method) if !method.is_btree() => {
            format!(" USING {}", method.key())
        }
        _ => String::new(),
    };
    let parts: Vec<String> = index
        .columns
        .iter()
        .map(|part| {
            let mut sql = if Index::is_expression(part) {
                part.clone()
            } else {
                match index.prefix_of(part) {
                    Some(chars) if backend == Backend::MySql => format!("{}({chars})", q(part)),
                    _ => q(part),
                }
            };
            if index.descending.contains(part) {
                sql.push_str(" DESC");
            }
            sql
        })
        .collect();
    let mut sql = format!(
        "CREATE {kind}INDEX {options}{}{} ON {}{using} ({})",
        if options.is_empty() { "" } else { " " },
        q(&index.name),
        q(table),
        parts.join(", ")
    )
    .replace("INDEX  ", "INDEX ");
    if !index.include.is_empty() && backend == Backend::Postgres {
        let include: Vec<String> = index.include.iter().map(|c| q(c)).collect();
        sql += &format!(" INCLUDE ({})", include.join(", "));
    }
    if let Some(predicate) = &index.predicate
        && backend != Backend::MySql
    {
        sql += &format!(" WHERE {predicate}");
    }
    sql
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

/// Every statement that builds `table`: `CREATE TABLE`, its comments
/// (PostgreSQL), then its indexes.
pub fn table_statements(table: &Table, backend: Backend) -> Vec<String> {
    let mut statements = vec![build(&create_table(table, backend), backend)];
    statements.extend(comment_statements(table, backend));
    statements.extend(index_statements(table, backend));
    statements
}

/// `'text'` as an SQL string literal.
fn string_literal(text: &str, backend: Backend) -> String {
    let escaped = match backend {
        Backend::MySql => text.replace('\\', "\\\\"),
        _ => text.to_owned(),
    };
    format!("'{}'", escaped.replace('\'', "''"))
}

/// PostgreSQL's `COMMENT ON TABLE` / `COMMENT ON COLUMN` of `table`'s
/// comments (MySQL writes them inside `CREATE TABLE`, SQLite keeps none).
pub fn comment_statements(table: &Table, backend: Backend) -> Vec<String> {
    if backend != Backend::Postgres {
        return Vec::new();
    }
    let mut out: Vec<String> = table
        .options
        .comment
        .iter()
        .map(|comment| table_comment(&table.name, Some(comment), backend))
        .collect();
    for column in &table.columns {
        if let Some(comment) = &column.comment {
            out.push(column_comment(
                &table.name,
                &column.name,
                Some(comment),
                backend,
            ));
        }
    }
    out
}

/// `COMMENT ON TABLE` (PostgreSQL) or `ALTER TABLE .. COMMENT =` (MySQL);
/// `None` removes the comment.
pub fn table_comment(table: &str, comment: Option<&str>, backend: Backend) -> String {
    let text = comment.map_or_else(|| "NULL".to_owned(), |c| string_literal(c, backend));
    match backend {
        Backend::MySql => {
            let text = comment.map_or_else(|| "''".to_owned(), |c| string_literal(c, backend));
            format!("ALTER TABLE {} COMMENT = {text}", quote(table, backend))
        }
        _ => format!("COMMENT ON TABLE {} IS {text}", quote(table, backend)),
    }
}

/// PostgreSQL's `COMMENT ON COLUMN`; `None` removes the comment.
pub fn column_comment(
    table: &str,
    column: &str,
    comment: Option<&str>,
    backend: Backend,
) -> String {
    let text = comment.map_or_else(|| "NULL".to_owned(), |c| string_literal(c, backend));
    format!(
        "COMMENT ON COLUMN {}.{} IS {text}",
        quote(table, backend),
        quote(column, backend)
    )
}

/// `CREATE INDEX` for every index of `table` on `backend` as SQL ([`index_sql`]).
pub fn index_statements(table: &Table, backend: Backend) -> Vec<String> {
    table
        .indexes
        .iter()
        .map(|index| index_sql(&table.name, index, backend))
        .collect()
}

/// Every statement that builds `schema`: tables in foreign-key order, the
/// foreign keys that close a cycle (PostgreSQL and MySQL), then indexes. Renders for any backend; tools call [`Schema::check_target`]
/// first (as [`schema_sql`] does).
pub fn schema_statements(schema: &Schema, backend: Backend) -> Vec<String> {
    let tables = schema.in_dependency_order();
    // Foreign keys that close a cycle come after every table, but on
    // SQLite, which takes a key to a table not created yet.
    let deferred = match backend {
        Backend::Sqlite => Vec::new(),
        _ => crate::model::cycle_keys(&tables),
    };
    // PostgreSQL's enum types come before the tables that use them.
    let mut statements: Vec<String> = match backend {
        Backend::Postgres => schema.enum_types().into_iter().map(create_enum).collect(),
        _ => Vec::new(),
    };
    let mut later: Vec<String> = Vec::new();
    for table in &tables {
        later.extend(comment_statements(table, backend));
        let mut created = (*table).clone();
        for (f, fk) in table.foreign_keys.iter().enumerate().rev() {
            if deferred.contains(&(table.name.clone(), f)) {
                created.foreign_keys.remove(f);
                later.splice(0..0, steps::add_foreign_key(table, fk, backend));
            }
        }
        statements.push(build(&create_table(&created, backend), backend));
    }
    statements.extend(later);
    for table in tables {
        statements.extend(index_statements(table, backend));
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
