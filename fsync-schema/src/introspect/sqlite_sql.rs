//! What SQLite keeps only in the text of its `CREATE` statements
//! (`sqlite_schema.sql`), read with `sqlparser` (SQLite dialect): the
//! expressions and predicate of an index, and a table's CHECK constraints.

use crate::model::Check;
use sqlparser::ast::Statement;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

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
/// in the order written, each with its name when given and its expression
/// as written. Read from the statement's tokens, not its parse: SQLite takes
/// any words as a column's type (Sakila's `BLOB SUB_TYPE TEXT`), which no
/// SQL grammar does.
pub(super) fn table_checks(sql: &str) -> Option<Vec<Check>> {
    let tokens: Vec<Token> = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    let word = |token: &Token, keyword: Keyword| matches!(token, Token::Word(w) if w.keyword == keyword && w.quote_style.is_none());
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let mut checks = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < significant.len() {
        match significant[i] {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            token if depth == 1 && word(token, Keyword::CHECK) => {
                let name = match (
                    i.checked_sub(2).map(|p| significant[p]),
                    significant.get(i - 1),
                ) {
                    (Some(constraint), Some(Token::Word(name)))
                        if word(constraint, Keyword::CONSTRAINT) =>
                    {
                        Some(name.value.clone())
                    }
                    _ => None,
                };
                // The expression: the text between the parentheses after CHECK.
                let start = tokens
                    .iter()
                    .position(|t| std::ptr::eq(t, significant[i]))?;
                let open = start + tokens[start..].iter().position(|t| *t == Token::LParen)?;
                let mut inner = 0usize;
                let mut text = String::new();
                let mut end = open;
                for (at, token) in tokens.iter().enumerate().skip(open) {
                    match token {
                        Token::LParen => inner += 1,
                        Token::RParen => inner -= 1,
                        _ => {}
                    }
                    if inner == 0 {
                        end = at;
                        break;
                    }
                    if at > open {
                        text.push_str(&token.to_string());
                    }
                }
                checks.push(Check {
                    name,
                    expr: text.split_whitespace().collect::<Vec<_>>().join(" "),
                });
                i = significant
                    .iter()
                    .position(|t| std::ptr::eq(*t, &tokens[end]))?;
            }
            _ => {}
        }
        i += 1;
    }
    Some(checks)
}

/// The collation each column of a `CREATE TABLE` declares (`COLLATE
/// NOCASE`), as (column, collation), from the statement's tokens.
pub(super) fn column_collations(sql: &str) -> Option<Vec<(String, String)>> {
    let tokens: Vec<Token> = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    let significant = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_)));
    let constraint = [
        Keyword::CONSTRAINT,
        Keyword::PRIMARY,
        Keyword::UNIQUE,
        Keyword::CHECK,
        Keyword::FOREIGN,
    ];
    let mut out = Vec::new();
    let mut depth = 0usize;
    // The column the current element of the list defines, once named.
    let mut column: Option<String> = None;
    let mut element_start = false;
    let mut collate_next = false;
    for token in significant {
        match token {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    element_start = true;
                }
            }
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 1 => {
                element_start = true;
                column = None;
            }
            Token::Word(word) if depth == 1 => {
                if element_start {
                    element_start = false;
                    let is_constraint =
                        word.quote_style.is_none() && constraint.contains(&word.keyword);
                    column = (!is_constraint).then(|| word.value.clone());
                } else if collate_next {
                    collate_next = false;
                    if let Some(name) = &column {
                        out.push((name.clone(), word.value.clone()));
                    }
                } else if word.quote_style.is_none() && word.keyword == Keyword::COLLATE {
                    collate_next = true;
                }
            }
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_collations() {
        let read = super::column_collations(
            "CREATE TABLE t (a TEXT COLLATE NOCASE, [b c] TEXT NOT NULL COLLATE RTRIM, d INTEGER, \
             CONSTRAINT u UNIQUE (a COLLATE BINARY))",
        )
        .unwrap();
        assert_eq!(
            read,
            [
                ("a".to_owned(), "NOCASE".to_owned()),
                ("b c".to_owned(), "RTRIM".to_owned())
            ]
        );
    }

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
    fn checks_of_a_table_whose_types_no_grammar_takes() {
        let checks = table_checks(
            "CREATE TABLE film (d BLOB SUB_TYPE TEXT DEFAULT NULL, r VARCHAR(10), \
             CONSTRAINT CHECK_rating CHECK(r in ('G','PG-13')))",
        )
        .unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].name.as_deref(), Some("CHECK_rating"));
        assert_eq!(checks[0].expr, "r in ('G','PG-13')");
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
