//! The equivalence table: spellings a backend reports or accepts that mean
//! the same thing to it, so that `diff` and `migrate baseline` (both through
//! [`crate::normalize::comparable`]) find no drift between them.
//!
//! Each [`Equivalence`] is one row: a spelling, the spelling it is the same
//! as, the backends where that holds, and why. [`crate::normalize`] reads the
//! plain synonyms of types from here ([`type_synonym`]); the rows with a rule
//! behind them (a width, a cast, a precision) are examples of rules written
//! in `normalize`, and every row is checked by a test against the
//! normalization the comparisons use. The README lists the table
//! ([`markdown`]), and a test keeps the two in step.

use crate::model::Targets;

/// What a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A column's SQL type.
    Type,
    /// A column's default.
    Default,
    /// Something of a column beyond its type and default (identity, nullability).
    Column,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Type => "type",
            Kind::Default => "default",
            Kind::Column => "column",
        }
    }
}

/// One row of the table: `written` is the same as `same_as` on `backends`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Equivalence {
    pub kind: Kind,
    pub backends: Targets,
    pub written: &'static str,
    pub same_as: &'static str,
    /// Whether `written` is a plain synonym that [`type_synonym`] maps
    /// (the other rows are examples of a rule in `normalize`).
    pub synonym: bool,
    pub why: &'static str,
}

const PG: Targets = Targets::POSTGRES;
const MY: Targets = Targets::MYSQL;
const LITE: Targets = Targets::only(crate::model::Backend::Sqlite);
const ALL: Targets = Targets::ALL;

const fn row(
    kind: Kind,
    backends: Targets,
    written: &'static str,
    same_as: &'static str,
    synonym: bool,
    why: &'static str,
) -> Equivalence {
    Equivalence {
        kind,
        backends,
        written,
        same_as,
        synonym,
        why,
    }
}

use Kind::{Column, Default, Type};

/// Every equivalence, by kind and backend.
pub const EQUIVALENCES: &[Equivalence] = &[
    // PostgreSQL's type synonyms (`format_type` writes the long names).
    row(Type, PG, "int4", "integer", true, "the internal name"),
    row(Type, PG, "int", "integer", true, "a synonym"),
    row(
        Type,
        PG,
        "serial",
        "integer",
        true,
        "a serial is an integer with a sequence default (see `serial` below)",
    ),
    row(Type, PG, "int2", "smallint", true, "the internal name"),
    row(
        Type,
        PG,
        "smallserial",
        "smallint",
        true,
        "a small serial is a smallint with a sequence default",
    ),
    row(Type, PG, "int8", "bigint", true, "the internal name"),
    row(
        Type,
        PG,
        "bigserial",
        "bigint",
        true,
        "a big serial is a bigint with a sequence default",
    ),
    row(Type, PG, "bool", "boolean", true, "the internal name"),
    row(Type, PG, "float4", "real", true, "the internal name"),
    row(
        Type,
        PG,
        "float8",
        "double precision",
        true,
        "the internal name",
    ),
    row(
        Type,
        PG,
        "float",
        "double precision",
        true,
        "`float` without a precision is double precision",
    ),
    row(
        Type,
        PG,
        "character varying(64)",
        "varchar(64)",
        false,
        "the standard name",
    ),
    row(
        Type,
        PG,
        "decimal(10,2)",
        "numeric(10,2)",
        false,
        "a synonym",
    ),
    row(
        Type,
        PG,
        "timestamp without time zone",
        "timestamp",
        true,
        "the standard name",
    ),
    row(
        Type,
        PG,
        "timestamp(6) with time zone",
        "timestamptz",
        true,
        "microseconds are PostgreSQL's precision anyway",
    ),
    row(
        Type,
        PG,
        "time without time zone",
        "time",
        true,
        "the standard name",
    ),
    // MySQL and MariaDB report widths and flags the renderer does not write.
    row(
        Type,
        MY,
        "int(11)",
        "int",
        false,
        "a display width, not a range (MySQL 8 drops it)",
    ),
    row(Type, MY, "integer", "int", true, "a synonym"),
    row(
        Type,
        MY,
        "tinyint(1)",
        "bool",
        false,
        "MySQL's BOOL is TINYINT(1)",
    ),
    row(
        Type,
        MY,
        "bigint(20) unsigned",
        "bigint unsigned",
        false,
        "a display width",
    ),
    row(
        Type,
        MY,
        "numeric(10,2)",
        "decimal(10,2)",
        false,
        "a synonym",
    ),
    row(
        Type,
        MY,
        "real",
        "double",
        true,
        "REAL is DOUBLE unless REAL_AS_FLOAT",
    ),
    row(Type, MY, "double precision", "double", false, "a synonym"),
    row(
        Type,
        MY,
        "json",
        "longtext",
        true,
        "MariaDB's JSON is LONGTEXT with a CHECK",
    ),
    row(
        Type,
        MY,
        "year(4)",
        "year",
        false,
        "four digits is YEAR's only width",
    ),
    // SQLite keeps the declared type, which ends where constraints begin.
    row(
        Type,
        LITE,
        "integer NOT NULL",
        "integer",
        false,
        "SQLite's declared type stops before the constraint; `sql_type(sqlite = \"INTEGER NOT NULL\")` writes a key as sea-query does",
    ),
    // Defaults.
    row(
        Default,
        ALL,
        "now()",
        "CURRENT_TIMESTAMP",
        false,
        "the same function",
    ),
    row(
        Default,
        ALL,
        "current_timestamp()",
        "CURRENT_TIMESTAMP",
        false,
        "MariaDB's spelling",
    ),
    row(
        Default,
        ALL,
        "CURRENT_TIMESTAMP(6)",
        "CURRENT_TIMESTAMP",
        false,
        "the precision of the column decides",
    ),
    row(
        Default,
        ALL,
        "localtimestamp",
        "CURRENT_TIMESTAMP",
        false,
        "the current time, cast to the column's type",
    ),
    row(Default, ALL, "1.0", "1", false, "the same number"),
    row(
        Default,
        ALL,
        "('manual')",
        "'manual'",
        false,
        "MySQL writes expression defaults in parentheses",
    ),
    row(
        Default,
        PG,
        "'-5'::integer",
        "-5",
        false,
        "PostgreSQL keeps a literal with its cast",
    ),
    row(
        Default,
        PG,
        "'x'::character varying",
        "'x'",
        false,
        "PostgreSQL keeps a literal with its cast",
    ),
    row(
        Default,
        PG,
        "'2024-01-01 10:00:00+00'::timestamp with time zone",
        "'2024-01-01 10:00:00'",
        false,
        "a UTC offset of zero",
    ),
    row(
        Default,
        MY,
        "'it\\'s'",
        "'it''s'",
        false,
        "MySQL's backslash escape",
    ),
    row(
        Default,
        LITE,
        "FALSE",
        "0",
        false,
        "SQLite's FALSE is the integer 0 (a source's spelling is kept)",
    ),
    row(
        Default,
        LITE,
        "TRUE",
        "1",
        false,
        "SQLite's TRUE is the integer 1 (a source's spelling is kept)",
    ),
    // Columns.
    row(
        Column,
        PG,
        "serial",
        "integer GENERATED BY DEFAULT AS IDENTITY",
        false,
        "both number new rows: `autoincrement`",
    ),
    row(
        Column,
        LITE,
        "id INTEGER NOT NULL PRIMARY KEY",
        "id INTEGER PRIMARY KEY",
        false,
        "a rowid key is never NULL",
    ),
    row(
        Column,
        ALL,
        "a nullable primary-key column",
        "NOT NULL",
        false,
        "a primary key holds no NULL",
    ),
];

/// The synonym of `sql` (squeezed: upper case, single spaces) on one of
/// `targets`' backends, squeezed the same way, from the rows marked `synonym`.
pub fn type_synonym(sql: &str, backend: crate::model::Backend) -> Option<&'static str> {
    EQUIVALENCES
        .iter()
        .find(|e| {
            e.synonym
                && e.kind == Kind::Type
                && e.backends.contains(backend)
                && e.written.eq_ignore_ascii_case(sql)
        })
        .map(|e| e.same_as)
}

/// The table in Markdown, as the README lists it.
pub fn markdown() -> String {
    let mut out = String::from(
        "| what | backends | written | same as | why |\n| --- | --- | --- | --- | --- |\n",
    );
    for e in EQUIVALENCES {
        let backends = if e.backends.is_all() {
            "all".to_owned()
        } else {
            e.backends.names()
        };
        out.push_str(&format!(
            "| {} | {backends} | `{}` | `{}` | {} |\n",
            e.kind.label(),
            e.written.replace('|', "\\|"),
            e.same_as.replace('|', "\\|"),
            e.why.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Backend, Column as ModelColumn, ColumnType, Table};
    use crate::normalize::{canonical_default, canonical_type, comparable};

    /// Every type and default row: the two spellings normalize to the same
    /// text on each of its backends, as `diff` and `baseline` compare them.
    #[test]
    fn each_spelling_is_the_same_as_its_row_says() {
        for e in EQUIVALENCES {
            for backend in e.backends.backends() {
                let (a, b) = match e.kind {
                    Kind::Type => (
                        canonical_type(e.written, backend),
                        canonical_type(e.same_as, backend),
                    ),
                    Kind::Default => (
                        canonical_default(e.written, backend).unwrap_or_default(),
                        canonical_default(e.same_as, backend).unwrap_or_default(),
                    ),
                    Kind::Column => continue,
                };
                assert_eq!(a, b, "{} on {}: {e:?}", e.written, backend.name());
            }
        }
    }

    /// The column rows, each as the comparisons see it.
    #[test]
    fn column_rows_hold() {
        // A nullable key column is NOT NULL, on every backend.
        let table = |nullable: bool| {
            let mut id = ModelColumn::new("id", ColumnType::Integer);
            id.nullable = nullable;
            crate::model::Schema::new([Table::new("t").with_column(id).primary_key(["id"])])
        };
        for backend in Backend::ALL {
            assert_eq!(
                comparable(&table(true), backend),
                comparable(&table(false), backend)
            );
        }
    }

    /// The README lists the table as [`markdown`] writes it.
    #[test]
    fn the_readme_lists_the_table() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown()),
            "README.md is missing the equivalence table; paste `fsync_schema::equivalence::markdown()`:\n{}",
            markdown()
        );
    }
}
