//! What a valid table and a valid schema are: the one definition that the derive
//! macro (at compile time) and the tools (at run time) both call.
//!
//! Rules come in two kinds. *Structural* rules need only names and keys, so the
//! macro checks them while it expands. *Typed* rules depend on a column's Rust
//! type, which a macro cannot see; [`requirements`] lists them as data, the macro
//! turns each into a trait bound placed under the offending token, and
//! [`table`] checks them against the model's [`ColumnType`]s directly.

use crate::model::{Action, Column, ColumnType, DefaultValue, Schema, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The longest identifier accepted: PostgreSQL truncates names past 63 bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Where in a table a problem lies; the macro maps each place back to a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// The table as a whole, or its name.
    Table,
    /// The primary key as a whole (e.g. when there is none).
    PrimaryKey,
    /// The `i`th primary-key column.
    PrimaryKeyColumn(usize),
    /// The column itself (its name).
    Column(usize),
    /// The column's `autoincrement` flag.
    Autoincrement(usize),
    /// The column's default.
    Default(usize),
    /// The `i`th UNIQUE constraint.
    Unique(usize),
    /// Column `j` of UNIQUE constraint `i`.
    UniqueColumn(usize, usize),
    /// The `i`th index.
    Index(usize),
    /// Column `j` of index `i`.
    IndexColumn(usize, usize),
    /// The `i`th foreign key.
    ForeignKey(usize),
    /// Local column `j` of foreign key `i`.
    ForeignKeyColumn(usize, usize),
    /// What foreign key `i` references.
    ForeignKeyTarget(usize),
    /// The ON DELETE action of foreign key `i`.
    OnDelete(usize),
    /// The ON UPDATE action of foreign key `i`.
    OnUpdate(usize),
    /// The `i`th CHECK constraint.
    Check(usize),
}

impl Place {
    /// A human name for the place inside `table`, e.g. `sync_conduit.enabled`.
    pub fn describe(&self, table: &Table) -> String {
        let column = |i: usize| {
            table
                .columns
                .get(i)
                .map_or_else(|| format!("column #{i}"), |c| c.name.clone())
        };
        let t = &table.name;
        match *self {
            Place::Table => format!("table `{t}`"),
            Place::PrimaryKey => format!("primary key of `{t}`"),
            Place::PrimaryKeyColumn(i) => format!(
                "primary key of `{t}`, column `{}`",
                table.primary_key.get(i).map_or("?", String::as_str)
            ),
            Place::Column(i) | Place::Autoincrement(i) | Place::Default(i) => {
                format!("`{t}.{}`", column(i))
            }
            Place::Unique(i) | Place::UniqueColumn(i, _) => format!(
                "unique ({}) of `{t}`",
                table
                    .uniques
                    .get(i)
                    .map_or(String::new(), |u| u.columns.join(", "))
            ),
            Place::Index(i) | Place::IndexColumn(i, _) => format!(
                "index `{}` of `{t}`",
                table.indexes.get(i).map_or("?", |x| x.name.as_str())
            ),
            Place::ForeignKey(i)
            | Place::ForeignKeyColumn(i, _)
            | Place::ForeignKeyTarget(i)
            | Place::OnDelete(i)
            | Place::OnUpdate(i) => format!(
                "foreign key ({}) of `{t}`",
                table
                    .foreign_keys
                    .get(i)
                    .map_or(String::new(), |f| f.columns.join(", "))
            ),
            Place::Check(i) => format!(
                "check `{}` of `{t}`",
                table
                    .checks
                    .get(i)
                    .map_or("?", |c| c.name.as_deref().unwrap_or(&c.expr))
            ),
        }
    }
}

/// One broken rule: where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    pub message: String,
}

impl Problem {
    fn new(place: Place, message: impl Into<String>) -> Self {
        Problem {
            place,
            message: message.into(),
        }
    }
}

/// A problem found in one table of a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub table: String,
    pub place: String,
    pub problem: Problem,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.problem.message)
    }
}

/// What a typed rule needs of a column's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Need {
    /// Primary-key columns cannot be NULL.
    NotNull,
    /// `SET NULL` actions need a nullable column.
    Nullable { action: &'static str },
    /// AUTOINCREMENT needs an integer type.
    Integer,
    /// The default must fit the type.
    Accepts(DefaultValue),
    /// Columns of a primary key, an index or a foreign key need a type every
    /// backend can index whole (not TEXT, BLOB or JSON).
    Keyable { what: &'static str },
}

/// A typed rule on one column, and the place the rule comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub place: Place,
    pub column: usize,
    pub need: Need,
}

impl Requirement {
    /// Checks the requirement against the column's model type.
    pub fn check(&self, column: &Column) -> Result<(), String> {
        let name = &column.name;
        let ty = column.ty.name();
        match &self.need {
            Need::NotNull if column.nullable => {
                Err(format!("primary key column `{name}` must not be nullable"))
            }
            Need::Nullable { action } if !column.nullable => Err(format!(
                "`{action} = set_null` needs a nullable column, but `{name}` is NOT NULL; make it an `Option<_>` or choose another action"
            )),
            Need::Integer if !column.ty.is_integer() => Err(format!(
                "`autoincrement` needs an integer column, but `{name}` is {ty}"
            )),
            Need::Accepts(value) if !column.ty.accepts(value) => Err(format!(
                "default {} does not fit `{name}` of type {ty}",
                value.kind().describe()
            )),
            Need::Accepts(value) => in_range(value, column.ty)
                .map_err(|range| format!("default of `{name}` is out of range for {ty} ({range})")),
            Need::Keyable { what } if !column.ty.is_keyable() => Err(format!(
                "`{name}` is {ty}, which MySQL indexes only by a prefix, so it cannot be part of {what}; \
                 use a string(n) column (`max_len = n` on a `String` field)"
            )),
            _ => Ok(()),
        }
    }
}

/// Whether a numeric default fits the range of `ty`; the range when not.
fn in_range(value: &DefaultValue, ty: ColumnType) -> Result<(), String> {
    match (value, ty) {
        (DefaultValue::Int(int), ColumnType::SmallInt) if !ty.int_in_range(*int) => {
            Err(format!("{} to {}", i16::MIN, i16::MAX))
        }
        (DefaultValue::Int(int), ColumnType::Integer) if !ty.int_in_range(*int) => {
            Err(format!("{} to {}", i32::MIN, i32::MAX))
        }
        (DefaultValue::Float(float), ColumnType::Float)
            if float.is_finite() && float.abs() > f64::from(f32::MAX) =>
        {
            Err(format!("at most {:e} in magnitude", f32::MAX))
        }
        _ => Ok(()),
    }
}

/// The typed rules that `table` must satisfy, one per (place, column).
pub fn requirements(table: &Table) -> Vec<Requirement> {
    let mut out = Vec::new();
    let index_of = |name: &str| table.columns.iter().position(|c| c.name == name);
    for (position, name) in table.primary_key.iter().enumerate() {
        if let Some(column) = index_of(name) {
            out.push(Requirement {
                place: Place::PrimaryKeyColumn(position),
                column,
                need: Need::NotNull,
            });
            out.push(Requirement {
                place: Place::PrimaryKeyColumn(position),
                column,
                need: Need::Keyable {
                    what: "the primary key",
                },
            });
        }
    }
    for (x, index) in table.indexes.iter().enumerate() {
        for (j, name) in index.columns.iter().enumerate() {
            if let Some(column) = index_of(name) {
                out.push(Requirement {
                    place: Place::IndexColumn(x, j),
                    column,
                    need: Need::Keyable { what: "an index" },
                });
            }
        }
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        for (j, name) in fk.columns.iter().enumerate() {
            if let Some(column) = index_of(name) {
                out.push(Requirement {
                    place: Place::ForeignKeyColumn(f, j),
                    column,
                    need: Need::Keyable {
                        what: "a foreign key",
                    },
                });
            }
        }
    }
    for (i, column) in table.columns.iter().enumerate() {
        if column.autoincrement {
            out.push(Requirement {
                place: Place::Autoincrement(i),
                column: i,
                need: Need::Integer,
            });
        }
        if let Some(default) = &column.default {
            out.push(Requirement {
                place: Place::Default(i),
                column: i,
                need: Need::Accepts(default.clone()),
            });
        }
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        let actions = [
            (fk.on_delete, Place::OnDelete(f), "on_delete"),
            (fk.on_update, Place::OnUpdate(f), "on_update"),
        ];
        for (action, place, key) in actions {
            if action == Action::SetNull {
                for name in &fk.columns {
                    if let Some(column) = index_of(name) {
                        out.push(Requirement {
                            place,
                            column,
                            need: Need::Nullable { action: key },
                        });
                    }
                }
            }
        }
    }
    out
}

/// Checks every rule of a single table: the structural ones, the typed ones
/// and the [`portable`] ones.
pub fn table(table: &Table) -> Vec<Problem> {
    let mut problems = structure(table);
    for requirement in requirements(table) {
        if let Err(message) = requirement.check(&table.columns[requirement.column]) {
            problems.push(Problem::new(requirement.place, message));
        }
    }
    problems.extend(portable(table));
    problems
}

/// The longest key MySQL (InnoDB) accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 3072;

/// The longest VARCHAR MySQL accepts in utf8mb4, in characters.
pub const MAX_VARCHAR_CHARS: u32 = 16383;

/// The largest DECIMAL precision MySQL accepts.
pub const MAX_DECIMAL_PRECISION: u32 = 65;

/// The bytes one column takes in a MySQL (InnoDB, utf8mb4) key.
fn key_bytes(ty: ColumnType) -> usize {
    use ColumnType as T;
    match ty {
        T::Boolean => 1,
        T::SmallInt => 2,
        T::Integer | T::Float | T::Date => 4,
        T::BigInt | T::Double | T::Time | T::DateTime | T::TimestampTz => 8,
        T::Uuid => 16,
        T::String(len) => 4 * len as usize + 2,
        // MySQL packs nine digits in four bytes.
        T::Decimal(precision, _) => precision as usize / 2 + 1,
        T::Text | T::Blob | T::Json => MAX_KEY_BYTES + 1,
    }
}

/// Rules on column types that the backends impose at run time, where the
/// derive cannot see the types: what MySQL can index, VARCHAR lengths, key
/// lengths. UNIQUE constraints are left out: MariaDB (10.4 and later) backs a
/// unique over TEXT or long columns with a hash (MySQL 8 refuses those).
pub fn portable(table: &Table) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        if let ColumnType::String(len) = column.ty
            && (len == 0 || len > MAX_VARCHAR_CHARS)
        {
            problems.push(Problem::new(
                Place::Column(i),
                format!(
                    "`{}` is string({len}); the length must be between 1 (PostgreSQL) and {MAX_VARCHAR_CHARS} (MySQL, utf8mb4); use text for longer strings",
                    column.name
                ),
            ));
        }
        if let ColumnType::Decimal(precision, scale) = column.ty
            && (precision == 0 || precision > MAX_DECIMAL_PRECISION || scale > precision.min(30))
        {
            problems.push(Problem::new(
                Place::Column(i),
                format!(
                    "`{}` is decimal({precision},{scale}); the precision must be between 1 and {MAX_DECIMAL_PRECISION} (MySQL) and the scale at most the precision and 30",
                    column.name
                ),
            ));
        }
    }
    for (u, unique) in table.uniques.iter().enumerate() {
        let hashed = unique.columns.iter().any(|name| {
            table.column(name).is_some_and(|c| {
                matches!(c.ty, ColumnType::Text | ColumnType::Blob | ColumnType::Json)
            })
        });
        for (j, name) in unique.columns.iter().enumerate() {
            if hashed && table.column(name).is_some_and(|c| c.autoincrement) {
                problems.push(Problem::new(
                    Place::UniqueColumn(u, j),
                    format!(
                        "`{name}` is `autoincrement` and cannot be in a unique with a text, blob or json column: MariaDB backs such a unique with a hash, which refuses AUTO_INCREMENT columns"
                    ),
                ));
            }
        }
    }
    let mut key = |what: &str, columns: &[String], whole: Place, place: &dyn Fn(usize) -> Place| {
        let mut bytes = 0;
        for (j, name) in columns.iter().enumerate() {
            let Some(column) = table.column(name) else {
                continue;
            };
            if !column.ty.is_keyable() {
                // Reported by the typed rule `Need::Keyable`.
                let _ = place(j);
                return;
            }
            bytes += key_bytes(column.ty);
        }
        if bytes > MAX_KEY_BYTES {
            problems.push(Problem::new(
                whole,
                format!(
                    "{what} ({}) takes {bytes} bytes in MySQL (utf8mb4), more than its limit of {MAX_KEY_BYTES}; use shorter string(n) columns",
                    columns.join(", ")
                ),
            ));
        }
    };
    key(
        "the primary key",
        &table.primary_key,
        Place::PrimaryKey,
        &Place::PrimaryKeyColumn,
    );
    for (x, index) in table.indexes.iter().enumerate() {
        key("an index", &index.columns, Place::Index(x), &|j| {
            Place::IndexColumn(x, j)
        });
    }
    for (f, fk) in table.foreign_keys.iter().enumerate() {
        key("a foreign key", &fk.columns, Place::ForeignKey(f), &|j| {
            Place::ForeignKeyColumn(f, j)
        });
    }
    problems
}

/// Checks the rules of a single table that need no column types.
pub fn structure(table: &Table) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut push = |place, message: String| problems.push(Problem::new(place, message));

    identifier(&table.name, "table name")
        .map_err(|m| push(Place::Table, m))
        .ok();
    if table.columns.is_empty() {
        push(
            Place::Table,
            format!("table `{}` has no columns", table.name),
        );
    }

    let mut seen = BTreeSet::new();
    for (i, column) in table.columns.iter().enumerate() {
        if let Err(message) = identifier(&column.name, "column name") {
            push(Place::Column(i), message);
        } else if !seen.insert(column.name.as_str()) {
            push(
                Place::Column(i),
                format!("duplicate column `{}`", column.name),
            );
        }
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let unknown = |name: &str| {
        format!(
            "primary key refers to unknown column `{name}`{}",
            did_you_mean(name, names.iter().copied())
        )
    };

    if table.primary_key.is_empty() {
        push(
            Place::PrimaryKey,
            format!(
                "table `{}` has no primary key; mark a field `#[schema(primary_key)]`, or list the key on the struct with `primary_key(a, b)`",
                table.name
            ),
        );
    }
    let mut key_seen = BTreeSet::new();
    for (i, name) in table.primary_key.iter().enumerate() {
        if !names.contains(&name.as_str()) {
            push(Place::PrimaryKeyColumn(i), unknown(name));
        } else if !key_seen.insert(name) {
            push(
                Place::PrimaryKeyColumn(i),
                format!("column `{name}` appears twice in the primary key"),
            );
        }
    }

    for (i, column) in table.columns.iter().enumerate() {
        match &column.default {
            Some(DefaultValue::Float(float)) if !float.is_finite() => push(
                Place::Default(i),
                format!(
                    "default of `{}` is {float}; SQL has no such number",
                    column.name
                ),
            ),
            Some(DefaultValue::Text(text)) if text.contains('\0') => push(
                Place::Default(i),
                format!(
                    "default of `{}` contains a NUL character, which PostgreSQL text cannot hold",
                    column.name
                ),
            ),
            Some(_) if column.autoincrement => push(
                Place::Default(i),
                format!(
                    "`{}` is `autoincrement` and cannot also have a default (PostgreSQL identity columns take none)",
                    column.name
                ),
            ),
            _ => {}
        }
        if column.autoincrement && table.primary_key != [column.name.clone()] {
            push(
                Place::Autoincrement(i),
                format!(
                    "`autoincrement` needs `{}` to be the table's only primary key column",
                    column.name
                ),
            );
        }
    }

    for (u, unique) in table.uniques.iter().enumerate() {
        if let Some(name) = &unique.name {
            identifier(name, "constraint name")
                .and_then(|()| not_primary(name))
                .map_err(|m| push(Place::Unique(u), m))
                .ok();
        }
        if !unique.columns.is_empty() {
            if unique.columns == table.primary_key {
                push(
                    Place::Unique(u),
                    format!(
                        "unique ({}) repeats the primary key; SQLite keeps only one of them, so remove it",
                        unique.columns.join(", ")
                    ),
                );
            } else if table.uniques[..u]
                .iter()
                .any(|other| other.columns == unique.columns)
            {
                push(
                    Place::Unique(u),
                    format!(
                        "unique ({}) is declared twice; SQLite keeps only one of them, so remove one",
                        unique.columns.join(", ")
                    ),
                );
            }
        }
        column_list(&unique.columns, &names, "unique", &mut |j, m| {
            push(
                if j == usize::MAX {
                    Place::Unique(u)
                } else {
                    Place::UniqueColumn(u, j)
                },
                m,
            )
        });
    }

    let mut index_names = BTreeSet::new();
    for (x, index) in table.indexes.iter().enumerate() {
        if let Err(message) =
            identifier(&index.name, "index name").and_then(|()| not_primary(&index.name))
        {
            push(Place::Index(x), message);
        } else if !index_names.insert(index.name.as_str()) {
            push(
                Place::Index(x),
                format!(
                    "duplicate index name `{}`; every index of a table needs its own name",
                    index.name
                ),
            );
        }
        column_list(&index.columns, &names, "index", &mut |j, m| {
            push(
                if j == usize::MAX {
                    Place::Index(x)
                } else {
                    Place::IndexColumn(x, j)
                },
                m,
            )
        });
    }

    for (f, fk) in table.foreign_keys.iter().enumerate() {
        if let Some(name) = &fk.name {
            identifier(name, "constraint name")
                .map_err(|m| push(Place::ForeignKey(f), m))
                .ok();
        } else if fk.constraint_name(&table.name).len() > MAX_IDENTIFIER_BYTES {
            push(
                Place::ForeignKey(f),
                format!(
                    "the derived constraint name `{}` is longer than {MAX_IDENTIFIER_BYTES} bytes; name the foreign key with a shorter `constraint = \"..\"`",
                    fk.constraint_name(&table.name)
                ),
            );
        }
        column_list(&fk.columns, &names, "foreign key", &mut |j, m| {
            push(
                if j == usize::MAX {
                    Place::ForeignKey(f)
                } else {
                    Place::ForeignKeyColumn(f, j)
                },
                m,
            )
        });
        if fk.ref_columns.len() != fk.columns.len() {
            push(
                Place::ForeignKeyTarget(f),
                format!(
                    "the foreign key has {} column(s) in `columns(..)` but {} in `ref_columns(..)`; list one referenced column per column",
                    fk.columns.len(),
                    fk.ref_columns.len()
                ),
            );
        }
        identifier(&fk.ref_table, "table name")
            .map_err(|m| push(Place::ForeignKeyTarget(f), m))
            .ok();
        let actions = [
            (fk.on_delete, Place::OnDelete(f), "on_delete"),
            (fk.on_update, Place::OnUpdate(f), "on_update"),
        ];
        for (action, place, key) in actions {
            if action == Action::SetDefault {
                push(
                    place,
                    format!(
                        "`{key} = set_default` is not supported: MySQL and MariaDB (InnoDB) accept it and then ignore it; choose `set_null`, `cascade`, `restrict` or `no_action`"
                    ),
                );
            }
        }
    }

    for (c, check) in table.checks.iter().enumerate() {
        if check.expr.trim().is_empty() {
            push(
                Place::Check(c),
                "empty check expression; write the condition in SQL, e.g. `check(expr = \"size >= 0\")`"
                    .to_owned(),
            );
        }
        if let Some(name) = &check.name {
            identifier(name, "constraint name")
                .map_err(|m| push(Place::Check(c), m))
                .ok();
        }
    }
    problems
}

/// Checks a list of column names: non-empty, known, no repeats. Reports with
/// `usize::MAX` for the list as a whole.
fn column_list(
    columns: &[String],
    names: &[&str],
    what: &str,
    report: &mut dyn FnMut(usize, String),
) {
    if columns.is_empty() {
        report(usize::MAX, format!("{what} has no columns"));
    }
    let mut seen = BTreeSet::new();
    for (j, name) in columns.iter().enumerate() {
        if !names.contains(&name.as_str()) {
            report(
                j,
                format!(
                    "{what} refers to unknown column `{name}`{}",
                    did_you_mean(name, names.iter().copied())
                ),
            );
        } else if !seen.insert(name) {
            report(j, format!("column `{name}` appears twice in the {what}"));
        }
    }
}

/// Rejects `PRIMARY` as an index or unique name: MySQL keeps it for the primary key.
fn not_primary(name: &str) -> Result<(), String> {
    if name.eq_ignore_ascii_case("primary") {
        Err(format!(
            "`{name}` cannot name an index or unique constraint: MySQL reserves it for the primary key"
        ))
    } else {
        Ok(())
    }
}

/// Checks an identifier: not empty, at most [`MAX_IDENTIFIER_BYTES`] bytes.
pub fn identifier(name: &str, what: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(format!("empty {what}"))
    } else if name.len() > MAX_IDENTIFIER_BYTES {
        Err(format!(
            "{what} `{name}` is {} bytes long; the limit is {MAX_IDENTIFIER_BYTES} (PostgreSQL truncates longer names)",
            name.len()
        ))
    } else {
        Ok(())
    }
}

/// Checks a whole schema: each table, then the rules between tables (names
/// unique, foreign keys pointing at existing unique columns of the same type,
/// no foreign-key cycles).
pub fn schema(schema: &Schema) -> Vec<TableProblem> {
    let mut out = Vec::new();
    let mut push = |table: &Table, problem: Problem| {
        out.push(TableProblem {
            table: table.name.clone(),
            place: problem.place.describe(table),
            problem,
        })
    };
    let mut table_names = BTreeSet::new();
    let mut index_owner: BTreeMap<&str, &str> = BTreeMap::new();
    let mut constraint_owner: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for table in &schema.tables {
        for problem in self::table(table) {
            push(table, problem);
        }
        if !table_names.insert(table.name.as_str()) {
            push(
                table,
                Problem::new(Place::Table, format!("duplicate table `{}`", table.name)),
            );
        }
        for (x, index) in table.indexes.iter().enumerate() {
            if let Some(owner) = index_owner.insert(&index.name, &table.name)
                && owner != table.name
            {
                push(
                    table,
                    Problem::new(
                        Place::Index(x),
                        format!(
                            "index name `{}` is already used by table `{owner}`; index names are shared by the whole schema",
                            index.name
                        ),
                    ),
                );
            }
        }
        // Constraint names: PostgreSQL keeps indexes and unique constraints
        // in one namespace with the tables, MySQL foreign-key names per
        // database; compared without case, as MySQL does.
        let mut names: Vec<(Place, String, String)> = Vec::new();
        for (x, index) in table.indexes.iter().enumerate() {
            names.push((Place::Index(x), index.name.clone(), "index".to_owned()));
        }
        for (u, unique) in table.uniques.iter().enumerate() {
            if let Some(name) = &unique.name {
                names.push((
                    Place::Unique(u),
                    name.clone(),
                    "unique constraint".to_owned(),
                ));
            }
        }
        for (f, fk) in table.foreign_keys.iter().enumerate() {
            names.push((
                Place::ForeignKey(f),
                fk.constraint_name(&table.name),
                "foreign key".to_owned(),
            ));
        }
        for (c, check) in table.checks.iter().enumerate() {
            if let Some(name) = &check.name {
                names.push((Place::Check(c), name.clone(), "check".to_owned()));
            }
        }
        for (place, name, what) in names {
            let folded = name.to_lowercase();
            if matches!(place, Place::Index(_) | Place::Unique(_))
                && let Some(other) = schema
                    .tables
                    .iter()
                    .find(|t| t.name.to_lowercase() == folded)
            {
                push(
                    table,
                    Problem::new(
                        place,
                        format!(
                            "{what} name `{name}` is also a table name (`{}`); PostgreSQL keeps indexes and tables in one namespace",
                            other.name
                        ),
                    ),
                );
            }
            match constraint_owner.get(&folded) {
                Some((owner_table, owner_what, owner_name))
                    if !(what == "index" && owner_what == "index") =>
                {
                    push(
                        table,
                        Problem::new(
                            place,
                            format!(
                                "{what} name `{name}` is already used by the {owner_what} `{owner_name}` of table `{owner_table}`; index and constraint names must be unique in the schema"
                            ),
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    constraint_owner.insert(folded, (table.name.clone(), what, name));
                }
            }
        }
        for (f, fk) in table.foreign_keys.iter().enumerate() {
            for problem in foreign_key_target(schema, table, f) {
                push(table, problem);
            }
            let _ = fk;
        }
    }
    if let Some(cycle) = find_cycle(schema) {
        let first = schema
            .table(&cycle[0])
            .expect("cycle names tables of the schema");
        push(
            first,
            Problem::new(
                Place::Table,
                format!(
                    "foreign keys form a cycle ({}); tables in a cycle cannot be created one after another",
                    cycle.join(" -> ")
                ),
            ),
        );
    }
    out
}

fn foreign_key_target(schema: &Schema, table: &Table, f: usize) -> Vec<Problem> {
    let fk = &table.foreign_keys[f];
    let place = Place::ForeignKeyTarget(f);
    let Some(target) = schema.table(&fk.ref_table) else {
        return vec![Problem::new(
            place,
            format!(
                "foreign key references unknown table `{}`{}",
                fk.ref_table,
                did_you_mean(&fk.ref_table, schema.tables.iter().map(|t| t.name.as_str()))
            ),
        )];
    };
    let mut problems = Vec::new();
    for name in &fk.ref_columns {
        if target.column(name).is_none() {
            problems.push(Problem::new(
                place,
                format!(
                    "foreign key references unknown column `{}.{name}`{}",
                    target.name,
                    did_you_mean(name, target.columns.iter().map(|c| c.name.as_str()))
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    if !target.is_unique_key(&fk.ref_columns) {
        problems.push(Problem::new(
            place,
            format!(
                "`{}({})` is neither the primary key nor unique; a foreign key must reference a unique column set",
                target.name,
                fk.ref_columns.join(", ")
            ),
        ));
    } else {
        let same_set = |key: &Vec<String>| {
            key.len() == fk.ref_columns.len() && fk.ref_columns.iter().all(|c| key.contains(c))
        };
        let constraints: Vec<&Vec<String>> = std::iter::once(&target.primary_key)
            .chain(target.uniques.iter().map(|u| &u.columns))
            .collect();
        if !constraints.iter().any(|key| same_set(key))
            && let Some(index) = target
                .indexes
                .iter()
                .find(|i| i.unique && same_set(&i.columns))
        {
            problems.push(Problem::new(
                place,
                format!(
                    "`{}({})` is unique only through the index `{}`, which is created after the tables; a foreign key must reference the primary key or a unique constraint",
                    target.name,
                    fk.ref_columns.join(", "),
                    index.name
                ),
            ));
            return problems;
        }
        let mut same_set_key = None;
        let mut in_order = false;
        for key in constraints {
            if *key == fk.ref_columns {
                in_order = true;
            } else if same_set(key) {
                same_set_key.get_or_insert(key);
            }
        }
        if let (false, Some(key)) = (in_order, same_set_key) {
            problems.push(Problem::new(
                place,
                format!(
                    "the foreign key lists `{}({})` but the key is ({}); list the referenced columns in the key's order (MySQL requires it)",
                    target.name,
                    fk.ref_columns.join(", "),
                    key.join(", ")
                ),
            ));
        }
    }
    for (j, (local, remote)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
        let (Some(local_column), Some(remote_column)) =
            (table.column(local), target.column(remote))
        else {
            continue;
        };
        if local_column.ty != remote_column.ty {
            problems.push(Problem::new(
                Place::ForeignKeyColumn(f, j),
                format!(
                    "`{}.{local}` is {} but the referenced `{}.{remote}` is {}",
                    table.name,
                    local_column.ty.name(),
                    target.name,
                    remote_column.ty.name()
                ),
            ));
        }
        if fk.on_update == Action::Cascade && remote_column.nullable && !local_column.nullable {
            problems.push(Problem::new(
                Place::OnUpdate(f),
                format!(
                    "`on_update = cascade` would copy a NULL of the nullable `{}.{remote}` into `{}.{local}`, which is NOT NULL; MariaDB refuses such a key, so make `{local}` nullable or `{remote}` NOT NULL",
                    target.name, table.name
                ),
            ));
        }
    }
    problems
}

/// The first foreign-key cycle between distinct tables, as table names.
fn find_cycle(schema: &Schema) -> Option<Vec<String>> {
    fn visit<'a>(
        schema: &'a Schema,
        name: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| *n == name) {
            let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
            cycle.push(name.to_owned());
            return Some(cycle);
        }
        if !done.insert(name) {
            return None;
        }
        let table = schema.table(name)?;
        path.push(name);
        for fk in &table.foreign_keys {
            if fk.ref_table != name
                && let Some(cycle) = visit(schema, &fk.ref_table, path, done)
            {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for table in &schema.tables {
        if let Some(cycle) = visit(schema, &table.name, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

/// "; did you mean `x`?" when a candidate is close to `name`, else "".
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let limit = name.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| format!("; did you mean `{candidate}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnType, ForeignKey, Schema, Unique};

    fn conduit() -> Table {
        Table::new("conduit")
            .column_def(Column::new("id", ColumnType::Integer).autoincrement())
            .column_def(Column::new("entry_id", ColumnType::Integer))
            .column_def(
                Column::new("enabled", ColumnType::Boolean).default(DefaultValue::Bool(true)),
            )
            .primary_key(["id"])
            .index("idx_conduit_enabled", ["enabled"], false)
            .foreign_key(ForeignKey::new(["entry_id"], "entry", ["id"]).on_delete(Action::Cascade))
    }

    fn entry() -> Table {
        Table::new("entry")
            .column_def(Column::new("id", ColumnType::Integer).autoincrement())
            .column_def(Column::new("name", ColumnType::Text))
            .primary_key(["id"])
    }

    #[test]
    fn valid_schema_has_no_problems() {
        assert_eq!(schema(&Schema::new([entry(), conduit()])), vec![]);
    }

    #[test]
    fn unknown_index_column_suggests_the_closest() {
        let mut t = conduit();
        t.indexes[0].columns = vec!["enabeld".into()];
        let problems = table(&t);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].place, Place::IndexColumn(0, 0));
        assert_eq!(
            problems[0].message,
            "index refers to unknown column `enabeld`; did you mean `enabled`?"
        );
    }

    #[test]
    fn typed_rules_are_checked_against_model_types() {
        let mut t = conduit();
        t.columns[2].default = Some(DefaultValue::Text("yes".into()));
        t.columns[1].autoincrement = true;
        t.foreign_keys[0].on_delete = Action::SetNull;
        let places: Vec<Place> = table(&t).into_iter().map(|p| p.place).collect();
        assert_eq!(
            places,
            vec![
                Place::Autoincrement(1),
                Place::Default(2),
                Place::OnDelete(0)
            ]
        );
    }

    #[test]
    fn foreign_key_to_wrong_table_is_reported_with_a_suggestion() {
        let mut t = conduit();
        t.foreign_keys[0].ref_table = "entries".into();
        let problems = schema(&Schema::new([entry(), t]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "foreign key (entry_id) of `conduit`: foreign key references unknown table `entries`; did you mean `entry`?"
        );
    }

    #[test]
    fn foreign_key_must_reference_unique_columns_of_the_same_type() {
        let mut t = conduit();
        t.foreign_keys[0].ref_columns = vec!["name".into()];
        let messages: Vec<String> = schema(&Schema::new([entry(), t]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        assert_eq!(
            messages,
            vec![
                "`entry(name)` is neither the primary key nor unique; a foreign key must reference a unique column set",
                "`conduit.entry_id` is integer but the referenced `entry.name` is text",
            ]
        );
    }

    #[test]
    fn cycles_and_long_names_are_rejected() {
        let mut e = entry();
        e.columns
            .push(Column::new("conduit_id", ColumnType::Integer));
        e.foreign_keys
            .push(ForeignKey::new(["conduit_id"], "conduit", ["id"]));
        let long = "x".repeat(64);
        e.indexes.push(crate::model::Index {
            name: long,
            columns: vec!["conduit_id".into()],
            unique: false,
        });
        let messages: Vec<String> = schema(&Schema::new([e, conduit()]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("index name `xxx"), "{messages:?}");
        assert!(
            messages[1].contains("cycle (entry -> conduit -> entry)"),
            "{messages:?}"
        );
    }

    #[test]
    fn what_a_backend_refuses_is_rejected() {
        let mut t = conduit();
        t.columns.push(Column::new("note", ColumnType::Text));
        t.columns.push(Column::new("code", ColumnType::String(0)));
        t.columns
            .push(Column::new("small", ColumnType::SmallInt).default(DefaultValue::Int(40_000)));
        t.columns[0].default = Some(DefaultValue::Int(1));
        t.indexes.push(crate::model::Index {
            name: "PRIMARY".into(),
            columns: vec!["note".into()],
            unique: false,
        });
        t.foreign_keys[0].on_update = Action::SetDefault;
        let messages: Vec<String> = table(&t).into_iter().map(|p| p.message).collect();
        assert_eq!(
            messages,
            [
                "`id` is `autoincrement` and cannot also have a default (PostgreSQL identity columns take none)",
                "`PRIMARY` cannot name an index or unique constraint: MySQL reserves it for the primary key",
                "`on_update = set_default` is not supported: MySQL and MariaDB (InnoDB) accept it and then ignore it; choose `set_null`, `cascade`, `restrict` or `no_action`",
                "`note` is text, which MySQL indexes only by a prefix, so it cannot be part of an index; use a string(n) column (`max_len = n` on a `String` field)",
                "default of `small` is out of range for small_int (-32768 to 32767)",
                "`code` is string(0); the length must be between 1 (PostgreSQL) and 16383 (MySQL, utf8mb4); use text for longer strings",
            ]
        );
        let mut wide = conduit();
        wide.columns.push(Column::new("a", ColumnType::String(400)));
        wide.columns.push(Column::new("b", ColumnType::String(400)));
        wide.indexes[0].columns = vec!["a".into(), "b".into()];
        assert_eq!(
            table(&wide)[0].message,
            "an index (a, b) takes 3204 bytes in MySQL (utf8mb4), more than its limit of 3072; use shorter string(n) columns"
        );
    }

    #[test]
    fn names_are_unique_in_the_schema_and_keys_referenced_in_order() {
        let mut e = entry();
        e.columns.push(Column::new("code", ColumnType::String(8)));
        e.uniques.push(Unique {
            name: Some("conduit".into()),
            columns: vec!["code".into(), "id".into()],
        });
        e.indexes.push(crate::model::Index {
            name: "uq_entry_code".into(),
            columns: vec!["code".into()],
            unique: true,
        });
        let mut c = conduit();
        c.columns
            .push(Column::new("entry_code", ColumnType::String(8)));
        c.foreign_keys.push(ForeignKey::new(
            ["entry_id", "entry_code"],
            "entry",
            ["id", "code"],
        ));
        c.indexes[0].name = "fk_conduit_entry_id".into();
        c.columns
            .push(Column::new("entry_name", ColumnType::String(8)));
        c.foreign_keys
            .push(ForeignKey::new(["entry_name"], "entry", ["code"]));

        let messages: Vec<String> = schema(&Schema::new([e, c]))
            .into_iter()
            .map(|p| p.problem.message)
            .collect();
        assert_eq!(
            messages,
            [
                "unique constraint name `conduit` is also a table name (`conduit`); PostgreSQL keeps indexes and tables in one namespace",
                "foreign key name `fk_conduit_entry_id` is already used by the index `fk_conduit_entry_id` of table `conduit`; index and constraint names must be unique in the schema",
                "the foreign key lists `entry(id, code)` but the key is (code, id); list the referenced columns in the key's order (MySQL requires it)",
                "`entry(code)` is unique only through the index `uq_entry_code`, which is created after the tables; a foreign key must reference the primary key or a unique constraint",
            ]
        );
    }

    #[test]
    fn cascading_updates_cannot_copy_nulls_into_not_null_columns() {
        let mut e = entry();
        e.columns
            .push(Column::new("slug", ColumnType::String(8)).nullable());
        e.uniques.push(Unique {
            name: None,
            columns: vec!["slug".into()],
        });
        let mut c = conduit();
        c.columns
            .push(Column::new("entry_slug", ColumnType::String(8)));
        c.foreign_keys
            .push(ForeignKey::new(["entry_slug"], "entry", ["slug"]).on_update(Action::Cascade));
        let problems = schema(&Schema::new([e.clone(), c.clone()]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].problem.place, Place::OnUpdate(1));
        c.columns.last_mut().unwrap().nullable = true;
        assert_eq!(schema(&Schema::new([e, c])), vec![]);
    }

    /// The definition of the order, one table at a time: the first waiting
    /// table (in declaration order) whose referenced tables are all placed.
    fn reference_order(schema: &Schema) -> Vec<String> {
        let mut placed: Vec<String> = Vec::new();
        let mut waiting: Vec<&Table> = schema.tables.iter().collect();
        while !waiting.is_empty() {
            let ready = waiting.iter().position(|table| {
                table.foreign_keys.iter().all(|fk| {
                    fk.ref_table == table.name
                        || placed.contains(&fk.ref_table)
                        || schema.table(&fk.ref_table).is_none()
                })
            });
            match ready {
                Some(i) => placed.push(waiting.remove(i).name.clone()),
                None => placed.extend(waiting.drain(..).map(|t| t.name.clone())),
            }
        }
        placed
    }

    #[test]
    fn dependency_order_matches_its_definition() {
        // Tables t0..t29; table i references tables chosen by a fixed pattern,
        // some missing, some forward (cycles among a few), some itself.
        for seed in 0..40_u64 {
            let mut tables = Vec::new();
            for i in 0..30_u64 {
                let mut table = Table::new(format!("t{i}"))
                    .column_def(Column::new("id", ColumnType::Integer))
                    .primary_key(["id"]);
                for k in 0..3 {
                    let pick = (i * 7 + seed * 13 + k * 5) % 37;
                    let forward = seed % 5 == 0 && k == 2;
                    if pick < i || forward || pick >= 30 {
                        let target = format!("t{pick}");
                        table
                            .foreign_keys
                            .push(ForeignKey::new(["id"], &target, ["id"]));
                    }
                }
                tables.push(table);
            }
            if seed % 2 == 1 {
                tables.reverse();
            }
            let schema = Schema::new(tables);
            let order: Vec<String> = schema
                .in_dependency_order()
                .iter()
                .map(|t| t.name.clone())
                .collect();
            assert_eq!(order, reference_order(&schema), "seed {seed}");
        }
    }

    #[test]
    fn dependency_order_puts_parents_first() {
        let s = Schema::new([conduit(), entry()]);
        let order: Vec<&str> = s
            .in_dependency_order()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(order, ["entry", "conduit"]);
    }
}
