//! DDL laid out for reading, the way `pg_dump` and SQLite's `.schema` print
//! it: a `CREATE TABLE`'s columns and constraints one per line.

/// `statement` with the parts of its outermost parenthesised list (the
/// columns and constraints of a `CREATE TABLE`) one per line, indented by two
/// spaces; statements without such a list (`CREATE INDEX ..`) are returned as
/// they are. Quotes (`'..'`, `".."`, `` `..` ``) and nested parentheses are
/// respected, so `DEFAULT ','` or `DECIMAL(10, 2)` stay whole.
pub fn multiline(statement: &str) -> String {
    if !statement
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("CREATE TABLE")
    {
        return statement.to_owned();
    }
    let Some((open, close, commas)) = outer_list(statement) else {
        return statement.to_owned();
    };
    let mut out = String::with_capacity(statement.len() + 8 * commas.len());
    out.push_str(statement[..open].trim_end());
    out.push_str(" (\n");
    let mut start = open + 1;
    for end in commas.iter().copied().chain([close]) {
        out.push_str("  ");
        out.push_str(statement[start..end].trim());
        out.push_str(if end == close { "\n" } else { ",\n" });
        start = end + 1;
    }
    out.push(')');
    out.push_str(&statement[close + 1..]);
    out
}

/// The byte offsets of the first top-level `(`, its matching `)` and the
/// commas directly inside them; `None` when the parentheses do not balance.
fn outer_list(sql: &str) -> Option<(usize, usize, Vec<usize>)> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut open = None;
    let mut commas = Vec::new();
    for (at, c) in sql.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None, // a doubled quote re-opens at once
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => {
                depth += 1;
                open.get_or_insert(at);
            }
            (None, ')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((open?, at, commas));
                }
            }
            (None, ',') if depth == 1 => commas.push(at),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::multiline;

    #[test]
    fn columns_and_constraints_go_one_per_line() {
        assert_eq!(
            multiline(
                r#"CREATE TABLE "t" ( "id" integer NOT NULL, "p" decimal(10, 2) DEFAULT ',', "q" text DEFAULT 'it''s (', CONSTRAINT "pk" PRIMARY KEY ("id", "p") )"#
            ),
            "CREATE TABLE \"t\" (\n  \"id\" integer NOT NULL,\n  \"p\" decimal(10, 2) DEFAULT ',',\n  \"q\" text DEFAULT 'it''s (',\n  CONSTRAINT \"pk\" PRIMARY KEY (\"id\", \"p\")\n)"
        );
    }

    #[test]
    fn other_statements_and_table_options_are_kept() {
        let index = r#"CREATE INDEX "i" ON "t" ("a", "b")"#;
        assert_eq!(multiline(index), index);
        assert_eq!(
            multiline("CREATE TABLE `t` ( `a` int ) ENGINE=InnoDB"),
            "CREATE TABLE `t` (\n  `a` int\n) ENGINE=InnoDB"
        );
        assert_eq!(multiline("CREATE TABLE t (a"), "CREATE TABLE t (a");
    }
}
