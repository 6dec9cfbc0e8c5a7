//! Normalizing a schema to what one backend sees, so that models from
//! different sources compare equal exactly when the backend cannot tell them
//! apart: SQLite has one INTEGER for `i16`, `i32`, `i64` and `bool`, MariaDB
//! reports `BOOL` back as `tinyint(1)` and PostgreSQL a default `-5` as
//! `'-5'::integer`. [`comparable`] rewrites a model into that backend's view
//! (types and defaults as canonical SQL text, implied names dropped).

use crate::model::{
    Action, Backend, Check, Column, ColumnType, DefaultValue, Element, ForeignKey, Index, Schema,
    SqlTypes, Table, TableOptions, Unique,
};
use crate::naming;
use crate::render;

/// `schema` as `backend` sees it, for [`compare`](crate::compare::compare):
///
/// - each column's type becomes the canonical spelling of its SQL type on
///   `backend` (in `sql_type`, the logical `ty` the first logical type with that
///   SQL type), so `i32`/`i64`/`bool` all read INTEGER on SQLite;
/// - each default becomes `DefaultValue::Sql` of its canonical SQL text on
///   `backend` ([`canonical_default`]); `NULL` defaults are dropped;
/// - primary-key columns are NOT NULL;
/// - names the backend makes up or forgets are dropped: unique and foreign-key
///   names on SQLite, and the names [`naming::unique`] gives unnamed uniques
///   (the backend's own); foreign keys get their [`naming::foreign_key`] name
///   on PostgreSQL and MySQL;
/// - on MySQL, unique indexes become unique constraints (MySQL has no
///   difference) and NO ACTION becomes RESTRICT (the same in InnoDB);
/// - uniques and foreign keys are sorted by columns, indexes by name, and
///   renames are forgotten.
pub fn comparable(schema: &Schema, backend: Backend) -> Schema {
    Schema {
        tables: schema
            .tables
            .iter()
            .map(|table| comparable_table(table, backend))
            .collect(),
        targets: schema.targets,
    }
}

fn comparable_table(table: &Table, backend: Backend) -> Table {
    let columns = table
        .columns
        .iter()
        .map(|column| comparable_column(table, column, backend))
        .collect();
    let mut uniques: Vec<Unique> = table.uniques.clone();
    let mut indexes: Vec<Index> = Vec::new();
    for index in &table.indexes {
        if backend == Backend::MySql && index.unique && index.descending.is_empty() {
            uniques.push(Unique {
                name: Some(index.name.clone()),
                columns: index.columns.clone(),
            });
        } else {
            indexes.push(comparable_index(index, backend));
        }
    }
    for unique in &mut uniques {
        let implied = unique.name.as_deref().is_none_or(|name| {
            naming::is_unique_default(&table.name, &unique.columns, name, backend)
        });
        if implied {
            unique.name = None;
        }
    }
    uniques.sort_by(|a, b| (&a.columns, &a.name).cmp(&(&b.columns, &b.name)));
    uniques.dedup();
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut foreign_keys: Vec<ForeignKey> = table
        .foreign_keys
        .iter()
        .map(|fk| {
            let mut fk = fk.clone();
            fk.name = match backend {
                Backend::Sqlite => None,
                _ => Some(naming::foreign_key(&table.name, &fk)),
            };
            if backend == Backend::MySql {
                for action in [&mut fk.on_delete, &mut fk.on_update] {
                    if *action == Action::NoAction {
                        *action = Action::Restrict;
                    }
                }
            }
            fk
        })
        .collect();
    foreign_keys.sort_by(|a, b| a.columns.cmp(&b.columns));
    let mut checks: Vec<Check> = table
        .checks
        .iter()
        .map(|check| Check {
            name: check.name.clone(),
            expr: canonical_expression(&check.expr),
        })
        .collect();
    checks.sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
    Table {
        name: table.name.clone(),
        renamed_from: None,
        columns,
        primary_key: table.primary_key.clone(),
        uniques,
        foreign_keys,
        indexes,
        checks,
        // STRICT and WITHOUT ROWID are SQLite's, a table's collation MySQL's.
        options: match backend {
            Backend::Sqlite => TableOptions {
                collation: None,
                comment: None,
                ..table.options.clone()
            },
            Backend::MySql => TableOptions {
                collation: table.options.collation.clone(),
                comment: table.options.comment.clone(),
                ..Default::default()
            },
            Backend::Postgres => TableOptions {
                comment: table.options.comment.clone(),
                ..Default::default()
            },
        },
    }
}

/// An index as `backend` builds it: what the backend does not render left
/// out (prefixes but on MySQL, `INCLUDE` but on PostgreSQL, predicates on
/// MySQL), expressions and predicates in [`canonical_sql`].
fn comparable_index(index: &Index, backend: Backend) -> Index {
    let part = |part: &String| {
        if Index::is_expression(part) {
            format!("({})", canonical_sql(part))
        } else {
            part.clone()
        }
    };
    let mut index = Index {
        columns: index.columns.iter().map(part).collect(),
        descending: index.descending.iter().map(part).collect(),
        predicate: index.predicate.as_deref().map(canonical_sql),
        ..index.clone()
    };
    if backend != Backend::MySql {
        index.prefixes.clear();
    }
    if backend != Backend::Postgres {
        index.include.clear();
    }
    if backend == Backend::MySql {
        index.predicate = None;
    }
    index
}

/// An SQL expression (an index's expression or predicate) in one spelling
/// whoever wrote it: PostgreSQL's casts (`email::text`) and the quotes and
/// parentheses around single names dropped, then [`canonical_expression`].
pub fn canonical_sql(sql: &str) -> String {
    let text = canonical_expression(&strip_all_casts(sql));
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        // `(name)` or `("name")` alone in parentheses: the name.
        if ch == '(' {
            let close = chars[i + 1..]
                .iter()
                .position(|c| *c == ')')
                .map(|p| p + i + 1);
            if let Some(close) = close {
                let inner: String = chars[i + 1..close].iter().collect();
                let name = inner.trim_matches(|c| c == '"' || c == '`');
                let simple = !name.is_empty()
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && !out.ends_with(|c: char| c.is_alphanumeric() || c == '_');
                if simple {
                    out.push_str(name);
                    i = close + 1;
                    continue;
                }
            }
        }
        if (ch == '"' || ch == '`')
            && let Some(end) = chars[i + 1..].iter().position(|c| *c == ch)
        {
            let name: String = chars[i + 1..i + 1 + end].iter().collect();
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_lowercase() || c == '_' || c.is_ascii_digit())
            {
                out.push_str(&name);
                i += end + 2;
                continue;
            }
        }
        if ch == '\'' {
            // Copy a string literal as it is.
            let end = chars[i + 1..]
                .iter()
                .position(|c| *c == '\'')
                .map_or(chars.len(), |p| p + i + 2);
            out.extend(&chars[i..end.min(chars.len())]);
            i = end;
            continue;
        }
        out.push(ch);
        i += 1;
    }
    if out == text {
        out
    } else {
        canonical_sql(&out)
    }
}

/// `text` without PostgreSQL's `::type` casts (outside string literals).
fn strip_all_casts(text: &str) -> String {
    const MULTI_WORD: [&str; 6] = [
        "character varying",
        "double precision",
        "timestamp without time zone",
        "timestamp with time zone",
        "time without time zone",
        "time with time zone",
    ];
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\'', ':']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if let Some(literal) = from.strip_prefix('\'') {
            let end = literal.find('\'').map_or(from.len(), |p| p + 2);
            out.push_str(&from[..end]);
            rest = &from[end..];
        } else if let Some(after) = from.strip_prefix("::") {
            let lower = after.to_ascii_lowercase();
            let mut skip = MULTI_WORD
                .iter()
                .find(|t| lower.starts_with(*t))
                .map_or_else(
                    || {
                        after
                            .find(|c: char| {
                                !(c.is_alphanumeric() || c == '_' || c == '"' || c == '.')
                            })
                            .unwrap_or(after.len())
                    },
                    |t| t.len(),
                );
            // `(64)` and `[]` after the type name.
            let tail = &after[skip..];
            if tail.starts_with('(')
                && let Some(close) = tail.find(')')
                && tail[1..close]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == ' ')
            {
                skip += close + 1;
            }
            while after[skip..].starts_with("[]") {
                skip += 2;
            }
            rest = &after[skip..];
        } else {
            out.push(':');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

fn comparable_column(table: &Table, column: &Column, backend: Backend) -> Column {
    let sql = canonical_type(&render::table_sql_type(table, column, backend), backend);
    // The backend tells types apart by their SQL alone: a type with no
    // logical one (`YEAR`, `tsvector`, a domain) is the same on both sides
    // when its SQL is, whatever Rust type reads it.
    let ty = logical_type(&sql, backend).unwrap_or(ColumnType::Text);
    // PostgreSQL keeps an enum's values in its type; MySQL's SQL type holds
    // them (and a set's); SQLite has TEXT, as PostgreSQL for a set.
    let enum_type = match (backend, column.ty) {
        (Backend::Postgres, ColumnType::Enum) => column.enum_type.clone(),
        _ => None,
    };
    let default = column.default.as_ref().and_then(|value| {
        canonical_default(&render::default_sql(value, column.ty, backend), backend)
            .map(DefaultValue::Sql)
    });
    let mut sql_type = SqlTypes::default();
    match backend {
        Backend::Sqlite => sql_type.sqlite = Some(sql),
        Backend::Postgres => sql_type.postgres = Some(sql),
        Backend::MySql => sql_type.mysql = Some(sql),
    }
    Column {
        name: column.name.clone(),
        renamed_from: None,
        ty,
        sql_type,
        nullable: column.nullable && !table.primary_key.contains(&column.name),
        default,
        autoincrement: column.autoincrement,
        enum_type,
        on_update_current_timestamp: column.on_update_current_timestamp
            && backend == Backend::MySql,
        collation: column.collation.clone(),
        // SQLite keeps no comment.
        comment: column
            .comment
            .clone()
            .filter(|_| backend != Backend::Sqlite),
    }
}

/// The logical type for the SQL type `sql` on `backend`: on SQLite, what the
/// declared type suggests (`INTEGER` is `integer`, `BOOLEAN` `boolean`, by
/// affinity otherwise); elsewhere the logical type whose rendered type has
/// the same canonical spelling, the most common one when several do.
pub fn logical_type(sql: &str, backend: Backend) -> Option<ColumnType> {
    use ColumnType as T;
    if backend == Backend::Sqlite {
        return Some(sqlite_logical_type(sql));
    }
    let sql = &canonical_type(sql, backend);
    if let Some(len) = sql
        .strip_prefix("VARCHAR(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|n| n.parse().ok())
    {
        return Some(T::String(len));
    }
    if let Some(decimal) = decimal_type(sql) {
        return Some(decimal);
    }
    const PREFERENCE: [ColumnType; 26] = [
        T::Integer,
        T::BigInt,
        T::SmallInt,
        T::Boolean,
        T::Double,
        T::Float,
        T::Text,
        T::Blob,
        T::Uuid,
        T::Date,
        T::Time,
        T::DateTime,
        T::TimestampTz,
        T::Json,
        T::TinyUnsigned,
        T::SmallUnsigned,
        T::Unsigned,
        T::BigUnsigned,
        T::Array(Element::Text),
        T::Array(Element::Integer),
        T::Array(Element::BigInt),
        T::Array(Element::SmallInt),
        T::Array(Element::Boolean),
        T::Array(Element::Double),
        T::Array(Element::Float),
        T::Array(Element::Uuid),
    ];
    PREFERENCE
        .into_iter()
        .find(|ty| canonical_type(&render::native_type(*ty, backend), backend) == *sql)
        .or_else(|| closest_type(sql, backend))
}

/// The logical type for an SQL type the renderer never writes but whose
/// values a logical type holds (`char(2)`, MySQL's `datetime` without a
/// fraction, `mediumint`, `int unsigned`); `None` when none does, such as
/// arrays or `bigint unsigned`. `sql` is canonical.
fn closest_type(sql: &str, backend: Backend) -> Option<ColumnType> {
    use ColumnType as T;
    let (base, args) = match sql.split_once('(') {
        Some((base, rest)) => {
            let (args, after) = rest.split_once(')').unwrap_or((rest, ""));
            (format!("{base}{after}"), Some(args))
        }
        None => (sql.to_owned(), None),
    };
    let length = args.and_then(|a| a.parse::<u32>().ok());
    Some(match (backend, base.as_str()) {
        (_, "CHAR" | "NCHAR" | "BPCHAR" | "NVARCHAR" | "CHARACTER" | "VARCHAR") => {
            T::String(length.unwrap_or(1))
        }
        (_, "TINYTEXT" | "MEDIUMTEXT" | "CITEXT" | "NAME" | "CLOB") => T::Text,
        (Backend::MySql, "ENUM") => T::Enum,
        (Backend::MySql, "SET") => T::Set,
        (_, "TIME" | "TIME WITHOUT TIME ZONE") => T::Time,
        (Backend::Postgres, "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE") => T::DateTime,
        (Backend::Postgres, "TIMESTAMP WITH TIME ZONE") => T::TimestampTz,
        (Backend::MySql, "DATETIME") => T::DateTime,
        (Backend::MySql, "TIMESTAMP") => T::TimestampTz,
        (Backend::Postgres, "JSON") => T::Json,
        (Backend::MySql, "TINYINT") => T::SmallInt,
        (Backend::MySql, "MEDIUMINT") => T::Integer,
        (Backend::MySql, "MEDIUMINT UNSIGNED") => T::Unsigned,
        // MySQL's YEAR holds 1901 to 2155 (or 0), read as an unsigned 16-bit number.
        (Backend::MySql, "YEAR") => T::SmallUnsigned,
        (Backend::MySql, "FLOAT") => T::Float,
        (_, "BINARY" | "VARBINARY" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB") => T::Blob,
        _ => return None,
    })
}

/// `NUMERIC(p,s)` / `DECIMAL(p,s)` (or `(p)`, scale 0) as a decimal type.
fn decimal_type(sql: &str) -> Option<ColumnType> {
    let upper = squeeze(sql);
    let args = ["NUMERIC(", "DECIMAL("]
        .iter()
        .find_map(|prefix| upper.strip_prefix(prefix))?
        .strip_suffix(')')?;
    let (precision, scale) = args.split_once(',').unwrap_or((args, "0"));
    Some(ColumnType::Decimal(
        precision.parse().ok()?,
        scale.parse().ok()?,
    ))
}

/// The logical type SQLite's affinity rules suggest for a declared type.
fn sqlite_logical_type(declared: &str) -> ColumnType {
    use ColumnType as T;
    if let Some(decimal) = decimal_type(declared) {
        return decimal;
    }
    let upper = declared.trim().to_uppercase();
    let (base, args) = match upper.split_once('(') {
        Some((base, args)) => (base.trim(), Some(args.trim_end_matches(')').trim())),
        None => (upper.as_str(), None),
    };
    match (base, args) {
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR", Some(len)) => match len.parse() {
            Ok(len) => T::String(len),
            Err(_) => T::Text,
        },
        ("INTEGER" | "INT" | "MEDIUMINT", _) => T::Integer,
        ("BIGINT" | "INT8", _) => T::BigInt,
        ("SMALLINT" | "TINYINT" | "INT2", _) => T::SmallInt,
        ("BOOLEAN" | "BOOL", _) => T::Boolean,
        ("FLOAT", _) => T::Float,
        ("REAL" | "DOUBLE" | "DOUBLE PRECISION", _) => T::Double,
        ("TEXT", _) => T::Text,
        ("BLOB", _) => T::Blob,
        ("UUID", _) => T::Uuid,
        ("DATE", _) => T::Date,
        ("TIME", _) => T::Time,
        ("DATETIME" | "TIMESTAMP", _) => T::DateTime,
        ("TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE", _) => T::TimestampTz,
        ("JSON" | "JSONB", _) => T::Json,
        // SQLite's affinity rules, in its order.
        (base, _) if base.contains("INT") => T::Integer,
        (base, _) if base.contains("CHAR") || base.contains("CLOB") || base.contains("TEXT") => {
            T::Text
        }
        (base, _) if base.contains("BLOB") || base.is_empty() => T::Blob,
        (base, _) if base.contains("REAL") || base.contains("FLOA") || base.contains("DOUB") => {
            T::Double
        }
        _ => T::Text,
    }
}

/// Upper case, single spaces, no spaces around parentheses and commas;
/// quoted text (an enum's values) kept as written.
fn squeeze(sql: &str) -> String {
    let mut joined = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut space = false;
    for ch in sql.trim().chars() {
        if let Some(q) = quote {
            joined.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space && !joined.is_empty() {
            joined.push(' ');
        }
        space = false;
        if ch == '\'' || ch == '"' {
            quote = Some(ch);
        }
        joined.extend(ch.to_uppercase());
    }
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    let mut quote: Option<char> = None;
    for (i, &ch) in chars.iter().enumerate() {
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch == '\'' || ch == '"' {
            quote = Some(ch);
        }
        if ch == ' ' {
            let before = out.chars().last();
            let after = chars.get(i + 1).copied();
            if matches!(before, Some('(' | ',')) || matches!(after, Some('(' | ')' | ',')) {
                continue;
            }
        }
        out.push(ch);
    }
    out
}

/// The canonical spelling of an SQL type on `backend`: what the renderer
/// writes for the type the database understands, whatever synonym or detail
/// the database reports (`int4`, `character varying(64)`, `int(11)`,
/// `tinyint(1)`, `timestamp(6) with time zone`, MariaDB's `longtext` for JSON).
/// SQLite keeps declared types verbatim, so there only case and spaces change.
pub fn canonical_type(sql: &str, backend: Backend) -> String {
    let mut text = squeeze(sql);
    match backend {
        // SQLite's declared type ends where the column's constraints begin:
        // `integer NOT NULL` declares `integer`.
        Backend::Sqlite => match text.strip_suffix(" NOT NULL") {
            Some(declared) => declared.to_owned(),
            None => text,
        },
        Backend::Postgres => {
            let (base, array) = match text.strip_suffix("[]") {
                Some(base) => (base.to_owned(), "[]"),
                None => (text.clone(), ""),
            };
            // Plain synonyms come from the equivalence table.
            let base = match crate::equivalence::type_synonym(&base, backend) {
                Some(same) => squeeze(same),
                None => base,
            };
            let base = match base.as_str() {
                "SERIAL4" => "INTEGER".to_owned(),
                "SERIAL2" => "SMALLINT".to_owned(),
                "SERIAL8" => "BIGINT".to_owned(),
                "CHARACTER VARYING" => "VARCHAR".to_owned(),
                "TIMESTAMP(6)" | "TIMESTAMP(6) WITHOUT TIME ZONE" => "TIMESTAMP".to_owned(),
                "TIMESTAMP WITH TIME ZONE" | "TIMESTAMPTZ(6)" => "TIMESTAMPTZ".to_owned(),
                "TIME(6)" | "TIME(6) WITHOUT TIME ZONE" => "TIME".to_owned(),
                "TIMETZ" | "TIME WITH TIME ZONE" | "TIME(6) WITH TIME ZONE" => "TIMETZ".to_owned(),
                other => {
                    if let Some(rest) = other.strip_prefix("DECIMAL(") {
                        format!("NUMERIC({rest}")
                    } else if let Some(rest) = other.strip_prefix("CHARACTER VARYING(") {
                        format!("VARCHAR({rest}")
                    } else if let Some(rest) = other.strip_prefix("CHARACTER(") {
                        format!("CHAR({rest}")
                    } else {
                        other.to_owned()
                    }
                }
            };
            base + array
        }
        Backend::MySql => {
            for cut in [" CHARACTER SET ", " COLLATE "] {
                if let Some(at) = text.find(cut) {
                    text.truncate(at);
                }
            }
            let (name, rest) = match text.find(['(', ' ']) {
                Some(at) => (text[..at].to_owned(), text[at..].to_owned()),
                None => (text.clone(), String::new()),
            };
            let (width, suffix) = match rest.strip_prefix('(') {
                Some(inner) => match inner.find(')') {
                    Some(end) => (Some(inner[..end].to_owned()), inner[end + 1..].to_owned()),
                    None => (None, rest.clone()),
                },
                None => (None, rest.clone()),
            };
            let integer = |canonical: &str| format!("{canonical}{suffix}");
            // Plain synonyms come from the equivalence table.
            let name = match crate::equivalence::type_synonym(&name, backend) {
                Some(same) if rest.is_empty() => return squeeze(same),
                Some(same) => squeeze(same),
                None => name,
            };
            match name.as_str() {
                "BOOL" | "BOOLEAN" => "BOOL".to_owned(),
                "TINYINT" if width.as_deref() == Some("1") && suffix.is_empty() => {
                    "BOOL".to_owned()
                }
                "TINYINT" => integer("TINYINT"),
                "SMALLINT" => integer("SMALLINT"),
                "MEDIUMINT" => integer("MEDIUMINT"),
                "INT" => integer("INT"),
                "BIGINT" => integer("BIGINT"),
                "DECIMAL" | "NUMERIC" => format!("DECIMAL{rest}"),
                "DOUBLE" if rest.trim() == "PRECISION" => "DOUBLE".to_owned(),
                // `year(4)`: the only width YEAR has.
                "YEAR" => "YEAR".to_owned(),
                _ => text,
            }
        }
    }
}

/// The canonical text of a default on `backend`, or `None` for `NULL`:
/// outer parentheses and PostgreSQL casts dropped (`'-5'::integer` is `-5`),
/// numbers in their shortest form (`1.0` is `1`, `1e20` stays), strings
/// unescaped and requoted with `''` (MySQL's backslash escapes included),
/// date-time strings without a zero fraction or UTC offset,
/// `CURRENT_TIMESTAMP(6)`/`current_timestamp()`/`now()` as
/// `CURRENT_TIMESTAMP`, booleans in capitals; other expressions with
/// identifiers and keywords in lower case and without spaces around symbols.
pub fn canonical_default(sql: &str, backend: Backend) -> Option<String> {
    let mut text = strip_parens(sql.trim());
    let mut numeric_cast = false;
    if backend == Backend::Postgres {
        let (literal, casts) = strip_casts(&text);
        numeric_cast = casts.iter().any(|cast| {
            matches!(
                cast.trim().to_lowercase().as_str(),
                "integer" | "bigint" | "smallint" | "numeric" | "real" | "double precision"
            )
        });
        text = strip_parens(&literal);
    }
    let upper = text.to_uppercase();
    match upper.as_str() {
        "NULL" => return None,
        // SQLite's TRUE and FALSE are the integers 1 and 0.
        "TRUE" if backend == Backend::Sqlite => return Some("1".to_owned()),
        "FALSE" if backend == Backend::Sqlite => return Some("0".to_owned()),
        "TRUE" | "FALSE" => return Some(upper),
        "CURRENT_TIMESTAMP" | "CURRENT_TIMESTAMP()" | "NOW()" | "LOCALTIMESTAMP" => {
            return Some("CURRENT_TIMESTAMP".to_owned());
        }
        _ => {}
    }
    if let Some(digits) = upper
        .strip_prefix("CURRENT_TIMESTAMP(")
        .and_then(|rest| rest.strip_suffix(')'))
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some("CURRENT_TIMESTAMP".to_owned());
    }
    if let Some(number) = canonical_number(&text) {
        return Some(number);
    }
    if let Some(string) = unquote(&text, backend) {
        // PostgreSQL writes negative and large numbers as quoted strings.
        if numeric_cast && let Some(number) = canonical_number(&string) {
            return Some(number);
        }
        let string = canonical_datetime(&string).unwrap_or(string);
        return Some(format!("'{}'", string.replace('\'', "''")));
    }
    Some(canonical_expression(&text))
}

/// A number in its shortest form, if `text` is one.
fn canonical_number(text: &str) -> Option<String> {
    let text = text.trim();
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    if let Ok(int) = text.parse::<i64>() {
        return Some(int.to_string());
    }
    let float: f64 = text.parse().ok()?;
    if float.fract() == 0.0 && float.abs() < 1e15 {
        Some(format!("{}", float as i64))
    } else {
        Some(format!("{float:?}"))
    }
}

/// `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][+00[:00]|Z]` and `HH:MM:SS[.ffffff]`
/// without a zero fraction, a `T` or a UTC offset.
fn canonical_datetime(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let time = |s: &str| -> Option<String> {
        let (clock, fraction) = match s.split_once('.') {
            Some((clock, fraction)) => (clock, Some(fraction)),
            None => (s, None),
        };
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() != 3 || !parts.iter().all(|p| digits(p, 2)) {
            return None;
        }
        match fraction {
            None => Some(clock.to_owned()),
            Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                let f = f.trim_end_matches('0');
                Some(if f.is_empty() {
                    clock.to_owned()
                } else {
                    format!("{clock}.{f}")
                })
            }
            Some(_) => None,
        }
    };
    if let Some(clock) = time(text) {
        return Some(clock);
    }
    if text.len() < 19 {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let date_parts: Vec<&str> = date.split('-').collect();
    if date_parts.len() != 3
        || !digits(date_parts[0], 4)
        || !digits(date_parts[1], 2)
        || !digits(date_parts[2], 2)
    {
        return None;
    }
    let rest = rest.strip_prefix([' ', 'T'])?;
    let mut clock = rest;
    for utc in ["+00:00", "+00", "Z"] {
        if let Some(stripped) = rest.strip_suffix(utc) {
            clock = stripped;
            break;
        }
    }
    Some(format!("{date} {}", time(clock)?))
}

/// `text` without parentheses around the whole of it.
fn strip_parens(text: &str) -> String {
    let mut text = text.trim().to_owned();
    while text.starts_with('(') && text.ends_with(')') && encloses(&text) {
        text = text[1..text.len() - 1].trim().to_owned();
    }
    text
}

/// Whether the opening parenthesis at 0 closes at the very end.
fn encloses(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if let Some(q) = quote {
            if ch == '\\' {
                i += 1;
            } else if ch == q {
                quote = None;
            }
        } else if ch == '\'' || ch == '"' || ch == '`' {
            quote = Some(ch);
        } else if ch == '(' {
            depth += 1;
        } else if ch == ')' {
            depth -= 1;
            if depth == 0 && i != chars.len() - 1 {
                return false;
            }
        }
        i += 1;
    }
    depth == 0
}

/// Splits PostgreSQL casts off a literal: `'x'::character varying`,
/// `'1'::numeric::double precision`; returns the literal and the cast types.
fn strip_casts(text: &str) -> (String, Vec<String>) {
    let literal_end = if text.starts_with('\'') || text.starts_with("E'") {
        let start = text.find('\'').unwrap_or(0) + 1;
        let bytes = text.as_bytes();
        let mut i = start;
        let mut end = None;
        while i < bytes.len() {
            if bytes[i] == b'\\' && text.starts_with('E') {
                i += 2;
                continue;
            }
            if bytes[i] == b'\'' {
                if bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                end = Some(i + 1);
                break;
            }
            i += 1;
        }
        match end {
            Some(end) => end,
            None => return (text.to_owned(), Vec::new()),
        }
    } else {
        match text.find("::") {
            Some(at) => at,
            None => return (text.to_owned(), Vec::new()),
        }
    };
    let rest = &text[literal_end..];
    let is_cast = rest.starts_with("::")
        && rest.split("::").skip(1).all(|ty| {
            !ty.is_empty()
                && ty.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, ' ' | '_' | '(' | ')' | '[' | ']' | '"')
                })
        });
    if is_cast {
        let casts = rest.split("::").skip(1).map(str::to_owned).collect();
        (text[..literal_end].to_owned(), casts)
    } else {
        (text.to_owned(), Vec::new())
    }
}

/// The content of a single-quoted SQL string, if `text` is exactly one.
/// Handles `''`, PostgreSQL's `E'..'` and MySQL's backslash escapes.
fn unquote(text: &str, backend: Backend) -> Option<String> {
    let (body, backslashes) = if let Some(rest) = text.strip_prefix("E'") {
        (rest, true)
    } else {
        (text.strip_prefix('\'')?, backend == Backend::MySql)
    };
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if backslashes => {
                let escaped = chars.next()?;
                out.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'b' => '\u{8}',
                    'Z' => '\u{1a}',
                    other => other,
                });
            }
            '\'' => {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return chars.next().is_none().then_some(out);
                }
            }
            other => out.push(other),
        }
    }
    None
}

/// An expression with single spaces, no spaces next to symbols, and lower
/// case outside quotes; outer parentheses dropped.
pub fn canonical_expression(sql: &str) -> String {
    let text = strip_parens(sql);
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    for ch in text.chars() {
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch.is_whitespace() {
            pending_space = true;
            continue;
        }
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if pending_space {
            if out.chars().last().is_some_and(word) && word(ch) {
                out.push(' ');
            }
            pending_space = false;
        }
        if matches!(ch, '\'' | '"' | '`') {
            quote = Some(ch);
            out.push(ch);
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType as T;

    #[test]
    fn reported_types_have_one_spelling_per_backend() {
        let cases = [
            (Backend::Postgres, "int4", "INTEGER"),
            (Backend::Postgres, "character varying(64)", "VARCHAR(64)"),
            (Backend::Postgres, "timestamp with time zone", "TIMESTAMPTZ"),
            (Backend::Postgres, "double precision", "DOUBLE PRECISION"),
            (Backend::MySql, "tinyint(1)", "BOOL"),
            (Backend::MySql, "int(11)", "INT"),
            (Backend::MySql, "bigint(20) unsigned", "BIGINT UNSIGNED"),
            (Backend::MySql, "datetime(6)", "DATETIME(6)"),
            (Backend::MySql, "binary(16)", "BINARY(16)"),
            (Backend::MySql, "json", "LONGTEXT"),
            (
                Backend::MySql,
                "varchar(10) character set utf8mb4",
                "VARCHAR(10)",
            ),
            (Backend::Sqlite, "varchar ( 10 )", "VARCHAR(10)"),
        ];
        for (backend, reported, canonical) in cases {
            assert_eq!(canonical_type(reported, backend), canonical, "{reported}");
        }
    }

    #[test]
    fn index_expressions_have_one_spelling() {
        let same = [
            ("lower((email)::text)", "lower(email)"),
            ("(state <> 'cancelled'::text)", "state <> 'cancelled'"),
            ("(lower(\"email\"))", "LOWER(email)"),
            ("((title)::character varying(20))", "title"),
            ("lower(`email`)", "lower(email)"),
        ];
        for (a, b) in same {
            assert_eq!(canonical_sql(a), canonical_sql(b), "{a} / {b}");
        }
        assert_ne!(canonical_sql("a <> 'X'"), canonical_sql("a <> 'x'"));
        assert_ne!(canonical_sql("lower(a)"), canonical_sql("upper(a)"));
        assert_eq!(canonical_sql("(a + b) * 2"), "(a+b)*2");
    }

    #[test]
    fn reported_defaults_have_one_spelling_per_backend() {
        let cases = [
            (Backend::Postgres, "'-5'::integer", "-5"),
            (
                Backend::Postgres,
                "'100000000000000000000'::numeric",
                "1e20",
            ),
            (Backend::Postgres, "'it''s a\\b'::text", "'it''s a\\b'"),
            (Backend::Postgres, "'x'::character varying", "'x'"),
            (
                Backend::Postgres,
                "'2024-01-01 10:00:00+00'::timestamp with time zone",
                "'2024-01-01 10:00:00'",
            ),
            (Backend::Postgres, "true", "TRUE"),
            (Backend::Postgres, "(1 + 2)", "1+2"),
            (Backend::Postgres, "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
            (Backend::MySql, "'it\\'s a\\\\b'", "'it''s a\\b'"),
            (Backend::MySql, "'it''s'", "'it''s'"),
            (Backend::MySql, "('manual')", "'manual'"),
            (Backend::MySql, "current_timestamp(6)", "CURRENT_TIMESTAMP"),
            (
                Backend::MySql,
                "'2024-01-01 10:00:00.000000'",
                "'2024-01-01 10:00:00'",
            ),
            (Backend::MySql, "'10:00:00.500000'", "'10:00:00.5'"),
            (Backend::MySql, "1", "1"),
            (Backend::Sqlite, "1.0", "1"),
            (Backend::Sqlite, "-1.5", "-1.5"),
            (Backend::Sqlite, "'a\\b'", "'a\\b'"),
        ];
        for (backend, reported, canonical) in cases {
            assert_eq!(
                canonical_default(reported, backend).as_deref(),
                Some(canonical),
                "{reported}"
            );
        }
        assert_eq!(canonical_default("NULL", Backend::MySql), None);
    }

    proptest::proptest! {
        /// Any text default, rendered for a backend, reads back as itself.
        #[test]
        fn text_defaults_survive_rendering(text in "[^\\x00]{0,16}", backend in 0usize..3, long in proptest::bool::ANY) {
            let backend = Backend::ALL[backend];
            let ty = if long { T::Text } else { T::String(16) };
            let sql = render::default_sql(&DefaultValue::Text(text.clone()), ty, backend);
            let canonical = canonical_default(&sql, backend).expect("not NULL");
            let expected = canonical_datetime(&text).unwrap_or(text);
            proptest::prop_assert_eq!(canonical, format!("'{}'", expected.replace('\'', "''")));
        }

        /// Reading arbitrary text as a default never panics.
        #[test]
        fn canonical_forms_accept_any_text(text in "\\PC{0,24}", backend in 0usize..3) {
            let backend = Backend::ALL[backend];
            let _ = canonical_default(&text, backend);
            let _ = canonical_type(&text, backend);
            let _ = canonical_expression(&text);
        }
    }
}
