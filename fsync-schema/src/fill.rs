//! One-off fills of new NOT NULL columns (`gen-migration --fill table.column=expr`),
//! in the manner of Django's one-off default: the migration adds the column as
//! NULL, sets every existing row to the expression, then makes it NOT NULL. The
//! expression is never kept as the column's default.

use crate::model::Schema;
use crate::step::{Change, Step};

/// A one-off fill of a column that a migration adds, run after generated step `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fill {
    pub after: usize,
    pub table: String,
    pub column: String,
    /// An SQL expression, evaluated for each existing row: a literal (`0`,
    /// `'none'`) or an expression of the row's other columns (`lower(name)`).
    pub expr: String,
}

/// Reads `table.column=expr`.
pub fn parse(arg: &str) -> Result<Fill, String> {
    let bad = || {
        format!(
            "--fill `{arg}` must be `table.column=<SQL expression>`, e.g. `--fill item.size=0` or `--fill \"item.slug=lower(name)\"`"
        )
    };
    let (place, expr) = arg.split_once('=').ok_or_else(bad)?;
    let (table, column) = place.trim().split_once('.').ok_or_else(bad)?;
    let expr = expr.trim();
    if table.is_empty() || column.is_empty() || expr.is_empty() {
        return Err(bad());
    }
    Ok(Fill {
        after: 0,
        table: table.to_owned(),
        column: column.to_owned(),
        expr: expr.to_owned(),
    })
}

/// `steps` rewritten for `fills`: each filled column is added as NULL, filled
/// after that step, and made NOT NULL by a step of its own right after. Returns
/// the steps and the fills with their positions. An error names a fill that
/// does not match a NOT NULL column the steps add to a table of `before`.
pub fn apply(
    before: &Schema,
    steps: &[Step],
    fills: &[Fill],
) -> Result<(Vec<Step>, Vec<Fill>), String> {
    let mut out = Vec::new();
    let mut placed = Vec::new();
    let mut used = vec![false; fills.len()];
    for step in steps {
        let Step::AlterTable { table, changes } = step else {
            out.push(step.clone());
            continue;
        };
        let mut nullable_table = table.clone();
        let mut changes = changes.clone();
        let mut tighten = Vec::new();
        let mut filled_here = Vec::new();
        for change in &mut changes {
            let Change::AddColumn(column) = change else {
                continue;
            };
            let Some(i) = fills
                .iter()
                .position(|f| f.table == table.name && f.column == column.name)
            else {
                continue;
            };
            if column.nullable {
                return Err(format!(
                    "--fill {}.{}: the column is nullable; existing rows get NULL, nothing to fill",
                    table.name, column.name
                ));
            }
            used[i] = true;
            let mut loose = column.clone();
            loose.nullable = true;
            if let Some(c) = nullable_table
                .columns
                .iter_mut()
                .find(|c| c.name == column.name)
            {
                c.nullable = true;
            }
            tighten.push(Change::AlterColumn {
                from: loose.clone(),
                to: column.clone(),
            });
            *column = loose;
            filled_here.push(fills[i].clone());
        }
        if tighten.is_empty() {
            out.push(step.clone());
            continue;
        }
        out.push(Step::AlterTable {
            table: nullable_table,
            changes,
        });
        let after = out.len();
        placed.extend(filled_here.into_iter().map(|f| Fill { after, ..f }));
        out.push(Step::AlterTable {
            table: table.clone(),
            changes: tighten,
        });
    }
    if let Some(i) = used.iter().position(|u| !u) {
        let fill = &fills[i];
        let added: Vec<String> = steps
            .iter()
            .flat_map(|s| match s {
                Step::AlterTable { table, changes } => changes
                    .iter()
                    .filter_map(|c| match c {
                        Change::AddColumn(c) if !c.nullable => {
                            Some(format!("`{}.{}`", table.name, c.name))
                        }
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let new_table = before.table(&fill.table).is_none()
            && steps
                .iter()
                .any(|s| matches!(s, Step::CreateTable(t) if t.name == fill.table));
        let why = if new_table {
            format!(
                "the migration creates table `{}`, which holds no rows yet",
                fill.table
            )
        } else if added.is_empty() {
            "the migration adds no NOT NULL column to an existing table".to_owned()
        } else {
            format!("the NOT NULL columns it adds are {}", added.join(", "))
        };
        return Err(format!(
            "--fill {}.{}: the migration adds no NOT NULL column `{}.{}` to an existing table; {why}",
            fill.table, fill.column, fill.table, fill.column
        ));
    }
    Ok((out, placed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, Table};
    use crate::{changes, step};

    fn items(extra: Option<Column>) -> Schema {
        let mut table = Table::new("item")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("name", ColumnType::Text))
            .primary_key(["id"]);
        table.columns.extend(extra);
        Schema::new([table])
    }

    #[test]
    fn a_filled_column_is_added_null_filled_then_made_not_null() {
        let before = items(None);
        let after = items(Some(Column::new("size", ColumnType::BigInt)));
        let steps = changes::steps(&before, &after);
        let fill = parse("item.size = length(name)").unwrap();
        let (filled, placed) = apply(&before, &steps, &[fill]).unwrap();
        let described: Vec<String> = filled.iter().flat_map(Step::describe).collect();
        assert_eq!(
            described,
            ["add column `item.size`", "item.size: NULL → NOT NULL"]
        );
        assert_eq!(placed[0].after, 1);
        assert_eq!(placed[0].expr, "length(name)");
        // The schema the steps build is the same, without any default.
        assert_eq!(step::replay(&before, &filled).unwrap(), after);
        assert_eq!(after.tables[0].columns[2].default, None);
    }

    #[test]
    fn a_fill_that_matches_nothing_names_the_place() {
        let before = items(None);
        let after = items(Some(Column::new("size", ColumnType::BigInt)));
        let steps = changes::steps(&before, &after);
        let error = apply(&before, &steps, &[parse("item.sise=0").unwrap()]).unwrap_err();
        assert!(
            error.contains("--fill item.sise: the migration adds no NOT NULL column `item.sise`")
                && error.contains("the NOT NULL columns it adds are `item.size`"),
            "{error}"
        );
        let nullable = items(Some(Column::new("size", ColumnType::BigInt).nullable()));
        let steps = changes::steps(&before, &nullable);
        let error = apply(&before, &steps, &[parse("item.size=0").unwrap()]).unwrap_err();
        assert!(error.contains("the column is nullable"), "{error}");
        for bad in ["item.size", "size=0", "item.=0", "item.size="] {
            assert!(
                parse(bad).unwrap_err().contains("must be `table.column="),
                "{bad}"
            );
        }
    }
}
