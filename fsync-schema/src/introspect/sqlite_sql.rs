//! What SQLite keeps only in the text of its `CREATE` statements
//! (`sqlite_schema.sql`), read with `sqlparser` (SQLite dialect): the
//! expressions and predicate of an index, and a table's CHECK constraints.

use crate::model::Check;
use sqlparser::ast::{ColumnOption, Statement, TableConstraint};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

/// One statement of `sql`, or `None` when it does not parse as one.
fn statement(sql: &str) -> Option<Statement> {
    let mut statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
    (statements.len() == 1).then(|| statements.remove(0))
}

/// The key parts of a `CREATE INDEX` as written (`lower(email)`, `"name"`),
/// without `ASC`/`DESC`, and its `WHERE` predicate.
pub(super) fn index_parts(sql: &str) -> Option<(Vec<String>, Option<String>)> {
    let Statement::CreateIndex(create) = statement(sql)? else {
        return None;
    };
    let parts = create
        .columns
        .iter()
        .map(|part| part.column.expr.to_string())
        .collect();
    Some((parts, create.predicate.map(|p| p.to_string())))
}

/// The CHECK constraints of a `CREATE TABLE`, on columns and on the table,
/// in the order written, with their names when given.
pub(super) fn table_checks(sql: &str) -> Option<Vec<Check>> {
    let Statement::CreateTable(create) = statement(sql)? else {
        return None;
    };
    let mut checks = Vec::new();
    for column in &create.columns {
        for option in &column.options {
            if let ColumnOption::Check(check) = &option.option {
                let name = option.name.as_ref().or(check.name.as_ref());
                checks.push(Check {
                    name: name.map(|n| n.value.clone()),
                    expr: check.expr.to_string(),
                });
            }
        }
    }
    for constraint in &create.constraints {
        if let TableConstraint::Check(check) = constraint {
            checks.push(Check {
                name: check.name.as_ref().map(|n| n.value.clone()),
                expr: check.expr.to_string(),
            });
        }
    }
    Some(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_expressions_and_predicates() {
        let (parts, predicate) = index_parts(
            "CREATE INDEX idx ON t (lower(email), \"name\" DESC) WHERE deleted_at IS NULL",
        )
        .unwrap();
        assert_eq!(parts, ["lower(email)", "\"name\""]);
        assert_eq!(predicate.as_deref(), Some("deleted_at IS NULL"));
    }

    #[test]
    fn checks_on_columns_and_on_the_table() {
        let checks = table_checks(
            "CREATE TABLE t (a INTEGER CHECK (a > 0), b TEXT CONSTRAINT b_short CHECK (length(b) < 5), \
             CONSTRAINT both_set CHECK (a IS NOT NULL OR b IS NOT NULL))",
        )
        .unwrap();
        let read: Vec<(Option<&str>, &str)> = checks
            .iter()
            .map(|c| (c.name.as_deref(), c.expr.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                (None, "a > 0"),
                (Some("b_short"), "length(b) < 5"),
                (Some("both_set"), "a IS NOT NULL OR b IS NOT NULL"),
            ]
        );
    }
}
