//! The safety lint: what each migration step risks, why, and the safer way.
//!
//! Destructive findings (data is lost) make `cargo xtask gen-migration`
//! refuse unless `--allow-destructive` is given; the others are warnings
//! printed with the migration.

use crate::model::{ColumnType, Schema};
use crate::step::{Change, Step};
use serde::Serialize;
use std::fmt;

/// One risk of one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Risk {
    /// The step's position (0-based) in the migration.
    pub step: usize,
    /// Whether applying the step loses data.
    pub destructive: bool,
    /// What the step does.
    pub message: String,
    /// Why that is a risk.
    pub reason: String,
    /// The safer way.
    pub alternative: String,
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.destructive {
            "destructive"
        } else {
            "warning"
        };
        write!(
            f,
            "{level}: {}\n  why: {}\n  safer: {}",
            self.message, self.reason, self.alternative
        )
    }
}

/// Whether converting `from` to `to` can lose or reject values.
pub fn narrows(from: ColumnType, to: ColumnType) -> bool {
    use ColumnType as T;
    let rank = |ty: ColumnType| match ty {
        T::Boolean => Some((0, 0)),
        T::SmallInt => Some((0, 1)),
        T::Integer => Some((0, 2)),
        T::BigInt => Some((0, 3)),
        T::Float => Some((1, 1)),
        T::Double => Some((1, 2)),
        T::String(len) => Some((2, len as u64)),
        T::Text => Some((2, u64::MAX)),
        T::TinyUnsigned => Some((3, 1)),
        T::SmallUnsigned => Some((3, 2)),
        T::Unsigned => Some((3, 3)),
        T::BigUnsigned => Some((3, 4)),
        _ => None,
    };
    match (rank(from), rank(to)) {
        _ if from == to => false,
        (Some((a, x)), Some((b, y))) if a == b => y < x,
        // u8, u16 and u32 fit the next wider signed type (i16, i32, i64).
        (Some((3, x)), Some((0, y))) => y < x,
        // Integers fit a double exactly up to 2^53; any number fits text.
        (Some((0, _)), Some((1, 2))) | (Some((0 | 1, _)), Some((2, u64::MAX))) => false,
        _ => true,
    }
}

/// The findings for `steps`, applied to a database built by `before`.
pub fn lint(before: &Schema, steps: &[Step]) -> Vec<Risk> {
    let mut out = Vec::new();
    let existed = |table: &str| before.table(table).is_some();
    for (position, step) in steps.iter().enumerate() {
        let mut push = |destructive: bool, message: String, reason: &str, alternative: &str| {
            out.push(Risk {
                step: position,
                destructive,
                message,
                reason: reason.to_owned(),
                alternative: alternative.to_owned(),
            })
        };
        match step {
            Step::DropTable(table) => push(
                true,
                format!("drops table `{}`", table.name),
                "every row of the table is deleted",
                "if the table moved, declare `renamed_from` on the entity; otherwise export its rows first",
            ),
            Step::AlterEnum { from, to } if from.added_values(to).is_none() => push(
                true,
                format!(
                    "changes enum `{}` from ({}) to ({})",
                    to.name,
                    from.sql_values(),
                    to.sql_values()
                ),
                "PostgreSQL only adds values to an enum type (the migration fails there); on MySQL, rows holding a dropped value are emptied",
                "only add values (anywhere in the list); to drop one, add the new type under another name, move the columns over, then drop the old one",
            ),
            Step::AlterEnum { to, .. } => push(
                false,
                format!("adds values to enum `{}`", to.name),
                "on PostgreSQL a value added in a transaction cannot be used before it commits (a default or a data step of the same migration using it fails)",
                "use a new value from the next migration on",
            ),
            Step::RenameTable { from, table } => push(
                false,
                format!("renames table `{from}` to `{}`", table.name),
                "code that still uses the old name fails once the migration runs",
                "deploy the code that uses the new name together with the migration",
            ),
            Step::CreateIndex { table, index } if existed(table) => {
                push(
                    false,
                    format!(
                        "builds index `{}` on the existing table `{table}`",
                        index.name
                    ),
                    "on PostgreSQL, CREATE INDEX blocks writes to the table until it is built",
                    "keep gen-migration's online plan (the default; not --no-online): PostgreSQL then builds it with CREATE INDEX CONCURRENTLY outside the transaction",
                );
                if index.unique {
                    push(
                        false,
                        format!("adds unique index `{}` to `{table}`", index.name),
                        "it fails if existing rows hold duplicate values",
                        "remove duplicates in an earlier migration",
                    );
                }
            }
            Step::AlterTable { table, changes } => {
                for change in changes {
                    let t = &table.name;
                    match change {
                        Change::DropColumn(c) => push(
                            true,
                            format!("drops column `{t}.{}`", c.name),
                            "the column's values are deleted",
                            "if the column moved, declare `renamed_from` on the field; otherwise copy its values first",
                        ),
                        Change::RenameColumn { from, to } => push(
                            false,
                            format!("renames column `{t}.{from}` to `{to}`"),
                            "code that still uses the old name fails once the migration runs",
                            "deploy the code that uses the new name together with the migration",
                        ),
                        Change::AlterColumn { from, to } if narrows(from.ty, to.ty) => push(
                            true,
                            format!(
                                "changes `{t}.{}` from {} to {}",
                                to.name,
                                from.ty.name(),
                                to.ty.name()
                            ),
                            "values that do not fit the new type are truncated or make the migration fail",
                            "add a new column of the new type, copy and check the values, then drop the old one",
                        ),
                        Change::AlterColumn { from, to } if from.nullable && !to.nullable => push(
                            false,
                            format!("makes `{t}.{}` NOT NULL", to.name),
                            if to.default.is_some() {
                                "rows holding NULL get the default"
                            } else {
                                "it fails if any row holds NULL"
                            },
                            "fill the NULLs in an earlier migration, or give the field a default",
                        ),
                        Change::AddColumn(c)
                            if !c.nullable && c.default.is_none() && !c.autoincrement =>
                        {
                            push(
                                false,
                                format!("adds NOT NULL column `{t}.{}` without a default", c.name),
                                "it fails on a table that already holds rows",
                                &format!(
                                    "fill the existing rows once with `gen-migration --fill {t}.{}=<SQL expression>` \
                                     (added as NULL, filled, then made NOT NULL; no default is kept), \
                                     or give the field a `default`",
                                    c.name
                                ),
                            )
                        }
                        Change::AddUnique(u) => push(
                            false,
                            format!("adds UNIQUE ({}) to `{t}`", u.columns.join(", ")),
                            "it fails if existing rows hold duplicate values",
                            "remove duplicates in an earlier migration",
                        ),
                        Change::AddForeignKey(fk) => push(
                            false,
                            format!(
                                "adds a foreign key `{t}`({}) -> {}",
                                fk.columns.join(", "),
                                fk.ref_table
                            ),
                            "it fails if existing rows reference missing rows",
                            "clean the orphan rows in an earlier migration",
                        ),
                        Change::SetPrimaryKey { from, to } => push(
                            !from.is_empty(),
                            format!("changes the primary key of `{t}` to ({})", to.join(", ")),
                            "rows that collide under the new key make the migration fail, and references to the old key break",
                            "add a UNIQUE on the new columns first, then switch the key in a separate migration",
                        ),
                        _ => {}
                    }
                    if let Some((message, reason, alternative)) = postgres_lock(t, change) {
                        push(false, message, reason, alternative);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Functions that PostgreSQL evaluates per row (a default made of one makes
/// `ADD COLUMN` rewrite the table).
const VOLATILE: &[&str] = &[
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
];

/// Whether PostgreSQL changes the column's type without rewriting the table
/// (a longer varchar, varchar to text).
fn postgres_keeps_rows(from: ColumnType, to: ColumnType) -> bool {
    match (from, to) {
        (ColumnType::String(a), ColumnType::String(b)) => b >= a,
        (ColumnType::String(_), ColumnType::Text) => true,
        _ => from == to,
    }
}

/// What a change to an existing table makes PostgreSQL rewrite or lock for
/// long, with the safer plan: (message, reason, alternative).
fn postgres_lock(table: &str, change: &Change) -> Option<(String, &'static str, &'static str)> {
    match change {
        // A narrowing change is already a destructive finding with the same safer plan.
        Change::AlterColumn { from, to }
            if !postgres_keeps_rows(from.ty, to.ty) && !narrows(from.ty, to.ty) =>
        {
            Some((
                format!(
                    "changes the type of `{table}.{}` from {} to {}",
                    to.name,
                    from.ty.name(),
                    to.ty.name()
                ),
                "on PostgreSQL, the type change rewrites the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends",
                "add a column of the new type, fill it in batches (a data step), move the code to it, then drop the old column",
            ))
        }
        Change::AlterColumn { from, to } if from.nullable && !to.nullable => Some((
            format!(
                "makes `{table}.{}` NOT NULL by a full scan on PostgreSQL",
                to.name
            ),
            "SET NOT NULL scans every row under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends",
            "first add CHECK (column IS NOT NULL) NOT VALID and VALIDATE it (writes go on); PostgreSQL 12+ then sets NOT NULL without the scan, and the CHECK can go",
        )),
        Change::AddColumn(column) => {
            let Some(crate::model::DefaultValue::Sql(expr)) = &column.default else {
                return None;
            };
            let lower = expr.to_lowercase();
            VOLATILE.iter().any(|f| lower.contains(f)).then(|| {
                (
                    format!(
                        "adds `{table}.{}` with the volatile default {expr}",
                        column.name
                    ),
                    "on PostgreSQL, a volatile default is computed for every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock",
                    "add the column without the default (or with a constant one), fill existing rows in batches with a data step, then set the default",
                )
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType as T;

    #[test]
    fn narrowing() {
        assert!(narrows(T::BigInt, T::Integer));
        assert!(narrows(T::Text, T::String(10)));
        assert!(narrows(T::String(20), T::String(10)));
        assert!(narrows(T::Text, T::Integer));
        assert!(!narrows(T::Integer, T::BigInt));
        assert!(!narrows(T::Integer, T::Text));
        assert!(!narrows(T::String(10), T::Text));
        assert!(!narrows(T::Integer, T::Double));
    }

    #[test]
    fn postgres_rewrites_and_long_locks_are_named_with_the_safer_plan() {
        use crate::model::{Column, DefaultValue, Table};
        let table = Table::new("t")
            .with_column(Column::new("id", T::Integer))
            .with_column(Column::new("code", T::String(10)).nullable())
            .with_column(Column::new("n", T::Integer))
            .primary_key(["id"]);
        let before = Schema::new([table.clone()]);
        let change = |from: Column, to: Column| Change::AlterColumn { from, to };
        let changes = vec![
            change(
                table.columns[1].clone(),
                Column::new("code", T::String(20)).nullable(),
            ),
            change(table.columns[1].clone(), Column::new("code", T::Text)),
            change(table.columns[2].clone(), Column::new("n", T::BigInt)),
            Change::AddColumn(
                Column::new("token", T::Uuid)
                    .default(DefaultValue::Sql("gen_random_uuid()".into())),
            ),
            Change::AddColumn(
                Column::new("at", T::TimestampTz).default(DefaultValue::CurrentTimestamp),
            ),
        ];
        let steps = vec![Step::AlterTable {
            table: table.clone(),
            changes,
        }];
        let messages: Vec<String> = lint(&before, &steps)
            .into_iter()
            .filter(|f| {
                f.reason.starts_with("on PostgreSQL") || f.reason.starts_with("SET NOT NULL")
            })
            .map(|f| format!("{} | {}", f.message, &f.alternative[..20]))
            .collect();
        assert_eq!(
            messages,
            [
                "makes `t.code` NOT NULL by a full scan on PostgreSQL | first add CHECK (col",
                "changes the type of `t.n` from integer to big_int | add a column of the ",
                "adds `t.token` with the volatile default gen_random_uuid() | add the column witho",
            ]
        );
    }

    #[test]
    fn findings_say_what_why_and_the_safer_way() {
        use crate::model::{Column, Index, Table, Unique};
        let table = Table::new("t")
            .with_column(Column::new("id", T::Integer).autoincrement())
            .with_column(Column::new("name", T::Text).nullable())
            .primary_key(["id"]);
        let before = Schema::new([table.clone()]);
        let mut after = table.clone();
        after.columns[1] = Column::new("name", T::String(10));
        after.columns.push(Column::new("kind", T::Integer));
        after.uniques.push(Unique::new(["name"]));
        let steps = vec![
            Step::AlterTable {
                table: after.clone(),
                changes: vec![
                    Change::AlterColumn {
                        from: table.columns[1].clone(),
                        to: after.columns[1].clone(),
                    },
                    Change::AddColumn(after.columns[2].clone()),
                    Change::AddUnique(Unique::new(["name"])),
                ],
            },
            Step::CreateIndex {
                table: "t".into(),
                index: Index::new("idx_t_kind", ["kind"]),
            },
            Step::DropTable(after.clone()),
        ];
        let findings = lint(&before, &steps);
        let summary: Vec<(usize, bool, &str)> = findings
            .iter()
            .map(|f| (f.step, f.destructive, f.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (0, true, "changes `t.name` from text to string(10)"),
                (
                    0,
                    false,
                    "makes `t.name` NOT NULL by a full scan on PostgreSQL"
                ),
                (0, false, "adds NOT NULL column `t.kind` without a default"),
                (0, false, "adds UNIQUE (name) to `t`"),
                (
                    1,
                    false,
                    "builds index `idx_t_kind` on the existing table `t`"
                ),
                (2, true, "drops table `t`"),
            ]
        );
        assert!(
            findings[2]
                .alternative
                .contains("--fill t.kind=<SQL expression>")
        );
        assert!(findings[4].reason.contains("blocks writes"));
        assert!(findings[5].alternative.contains("renamed_from"));
    }

    #[test]
    fn unsigned_types_widen_into_wider_ones() {
        use ColumnType as T;
        assert!(!narrows(T::TinyUnsigned, T::SmallUnsigned));
        assert!(!narrows(T::TinyUnsigned, T::SmallInt));
        assert!(!narrows(T::Unsigned, T::BigInt));
        assert!(narrows(T::BigUnsigned, T::BigInt));
        assert!(narrows(T::SmallUnsigned, T::TinyUnsigned));
        assert!(narrows(T::SmallInt, T::SmallUnsigned), "negative values");
    }

    #[test]
    fn enum_values_dropped_are_destructive_added_are_warned() {
        use crate::model::EnumType;
        let from = EnumType::new("rating", ["G", "PG"]);
        let steps = |to: &[&str]| {
            vec![Step::AlterEnum {
                from: from.clone(),
                to: EnumType::new("rating", to.iter().copied()),
            }]
        };
        let added = lint(&Schema::default(), &steps(&["G", "PG", "R"]));
        assert_eq!(added.len(), 1);
        assert!(!added[0].destructive, "{added:?}");
        let dropped = lint(&Schema::default(), &steps(&["G"]));
        assert!(dropped[0].destructive, "{dropped:?}");
        assert!(dropped[0].reason.contains("PostgreSQL only adds values"));
    }
}
