//! Synthetic schemas for the scale benchmarks: `tables` tables of `columns`
//! columns each, with foreign keys, a UNIQUE and indexes, built with the
//! model's builder API.
//!
//! Table `t<k>` (k = 0..tables) has an autoincrement `id`; from k = 1 on,
//! two foreign keys, to tables k - 1 (`parent_id`, ON DELETE CASCADE) and
//! k / 2 (`root_id`, nullable, ON DELETE SET NULL), a chain and a tree, so the
//! foreign-key graph is as deep as the schema is large, each with an index;
//! then columns `c01`.. of ten logical types in turn (a third of them
//! nullable, some with defaults), a UNIQUE on `c01` (text) and a composite
//! index on the two integer columns after it. Tables are declared in a
//! shuffled order (not parents first), as entity modules listed by name
//! would be, so that ordering by foreign keys is part of the work.

use fsync_schema::{Action, Column, ColumnType, DefaultValue, ForeignKey, Schema, Table};

/// The name of table `k`.
pub fn table_name(k: usize) -> String {
    format!("t{k:04}")
}

/// Column `c` (1-based) of a synthetic table, after `id` and the foreign keys.
fn column(c: usize) -> Column {
    let types = [
        ColumnType::Text,
        ColumnType::Integer,
        ColumnType::BigInt,
        ColumnType::Boolean,
        ColumnType::Double,
        ColumnType::String(64),
        ColumnType::TimestampTz,
        ColumnType::Uuid,
        ColumnType::Blob,
        ColumnType::Date,
    ];
    let ty = types[(c - 1) % types.len()];
    let mut column = Column::new(format!("c{c:02}"), ty);
    if c.is_multiple_of(3) {
        column = column.nullable();
    } else if c % 4 == 1 {
        let default = match ty {
            ColumnType::Text | ColumnType::String(_) => Some(DefaultValue::Text("x".into())),
            ColumnType::Integer | ColumnType::BigInt => Some(DefaultValue::Int(0)),
            ColumnType::Boolean => Some(DefaultValue::Bool(true)),
            ColumnType::Double => Some(DefaultValue::Float(1.5)),
            ColumnType::TimestampTz => Some(DefaultValue::CurrentTimestamp),
            _ => None,
        };
        if let Some(default) = default {
            column = column.default(default);
        }
    }
    column
}

/// Synthetic table `k` with `columns` columns (at least 6).
pub fn table(k: usize, columns: usize) -> Table {
    assert!(columns >= 6, "a synthetic table has at least 6 columns");
    let name = table_name(k);
    let mut table = Table::new(&name)
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .primary_key(["id"]);
    let mut taken = 1;
    if k > 0 {
        for (fk, parent, action) in [
            ("parent_id", k - 1, Action::Cascade),
            ("root_id", k / 2, Action::SetNull),
        ] {
            let mut column = Column::new(fk, ColumnType::Integer);
            if action == Action::SetNull {
                column = column.nullable();
            }
            table = table
                .with_column(column)
                .foreign_key(ForeignKey::new([fk], &table_name(parent), ["id"]).on_delete(action))
                .index(&format!("idx_{name}_{fk}"), [fk]);
            taken += 1;
        }
    }
    for c in 1..=columns - taken {
        table = table.with_column(column(c));
    }
    let first_text = table
        .columns
        .iter()
        .find(|c| c.ty == ColumnType::Text)
        .map(|c| c.name.clone())
        .expect("a text column");
    // Two integer columns (text cannot be indexed whole on MySQL).
    let (a, b) = (
        table.columns[taken + 1].name.clone(),
        table.columns[taken + 2].name.clone(),
    );
    table
        .unique(None, [first_text])
        .index(&format!("idx_{name}_{a}_{b}"), [a, b])
}

/// A schema of `tables` synthetic tables of `columns` columns, declared in a
/// fixed shuffled order.
pub fn schema(tables: usize, columns: usize) -> Schema {
    // A permutation of 0..tables: k * step mod tables, with step coprime to tables.
    let step = (tables / 2 + 1..)
        .find(|s| gcd(*s, tables) == 1)
        .unwrap_or(1);
    Schema::new((0..tables).map(|i| table(i * step % tables.max(1), columns)))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The schema as the docs would write it: its SQLite DDL in a ```` ```sql ```` block.
pub fn markdown(schema: &Schema) -> String {
    format!(
        "# Synthetic schema\n\n```sql\n{}```\n",
        fsync_schema::render::schema_sql(schema, fsync_schema::Backend::Sqlite)
            .expect("the synthetic schema targets every backend")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsync_schema::{Backend, changes, compare, migration, normalize, sql_docs, step, validate};

    #[test]
    fn synthetic_schemas_are_valid_and_round_trip() {
        for tables in [1, 10, 100] {
            let schema = schema(tables, 20);
            assert_eq!(schema.tables.len(), tables);
            assert!(schema.tables.iter().all(|t| t.columns.len() == 20));
            let mut names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), tables, "every table once");
            let problems = validate::schema(&schema);
            assert!(problems.is_empty(), "{problems:?}");
            let steps = changes::steps(&Schema::default(), &schema);
            assert_eq!(steps.len(), tables);
            let built = step::replay(&Schema::default(), &steps).unwrap();
            assert!(changes::steps(&built, &schema).is_empty());
            assert!(!migration::script(&steps, Backend::Sqlite).is_empty());
        }
    }

    #[test]
    fn the_docs_of_a_synthetic_schema_match_it() {
        let schema = schema(10, 20);
        let docs = sql_docs::parse_markdown("synthetic.md", &markdown(&schema)).unwrap();
        let findings = compare::compare(
            &normalize::comparable(&schema, Backend::Sqlite),
            &normalize::comparable(&docs.schema, Backend::Sqlite),
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
