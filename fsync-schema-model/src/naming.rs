//! Constraint names, worked out in one place: the names `render` gives every
//! constraint, and so the names that migrations (drop, rename) and
//! comparisons use to find them again.
//!
//! - foreign key: the declared name, else `fk_<table>_<columns>`
//!   (SQLite keeps no foreign-key name);
//! - UNIQUE: the declared name, else the name the backend itself gives an
//!   unnamed one, so that databases built before names were explicit agree:
//!   `<table>_<columns>_key` (PostgreSQL; also used on SQLite, where names
//!   are never looked up), the first column on MySQL (`_2`, `_3`, .. after an
//!   earlier UNIQUE of the table with the same first column);
//! - CHECK: the declared name, else `ck_<table>_<hash of the expression>`;
//! - primary key: the backend's own (`<table>_pkey`, MySQL's `PRIMARY`),
//!   never written by render.
//!
//! Derived names are kept within [`MAX_NAME_BYTES`], cut the way PostgreSQL
//! cuts a longer identifier, so the name written is the name read back.

use crate::model::{Backend, Check, ForeignKey, Table, Unique};

/// The longest identifier PostgreSQL keeps (MySQL keeps 64 bytes).
pub const MAX_NAME_BYTES: usize = 63;

/// `name` cut to [`MAX_NAME_BYTES`] at a character boundary.
fn fit(mut name: String) -> String {
    if name.len() > MAX_NAME_BYTES {
        let mut end = MAX_NAME_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

/// The constraint name of a foreign key of `table`.
pub fn foreign_key(table: &str, foreign_key: &ForeignKey) -> String {
    foreign_key
        .name
        .clone()
        .unwrap_or_else(|| format!("fk_{table}_{}", foreign_key.columns.join("_")))
}

/// The constraint name of `unique` on `backend`: declared, or what the backend
/// names an unnamed UNIQUE of `table`. A UNIQUE no longer in `table` (one a
/// migration drops) gets the name it would have as the table's only one.
pub fn unique(table: &Table, unique: &Unique, backend: Backend) -> String {
    if let Some(name) = &unique.name {
        return name.clone();
    }
    match backend {
        Backend::MySql => {
            let first = unique.columns.first().map_or("", String::as_str);
            let earlier = table
                .uniques
                .iter()
                .take_while(|u| *u != unique)
                .filter(|u| {
                    u.name.is_none() && u.columns.first().map(String::as_str) == Some(first)
                })
                .count();
            let in_table = table.uniques.contains(unique);
            match (in_table, earlier) {
                (true, n) if n > 0 => format!("{first}_{}", n + 1),
                _ => first.to_owned(),
            }
        }
        Backend::Postgres | Backend::Sqlite => {
            fit(format!("{}_{}_key", table.name, unique.columns.join("_")))
        }
    }
}

/// Whether `name` is what `backend` would call an unnamed UNIQUE over
/// `columns` of `table` (a name a comparison should not hold against it).
pub fn is_unique_default(table: &str, columns: &[String], name: &str, backend: Backend) -> bool {
    match backend {
        Backend::Sqlite => true,
        Backend::Postgres => name == fit(format!("{table}_{}_key", columns.join("_"))),
        Backend::MySql => {
            let first = columns.first().map_or("", String::as_str);
            name.strip_prefix(first).is_some_and(|rest| {
                rest.is_empty()
                    || rest
                        .strip_prefix('_')
                        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        }
    }
}

/// The constraint name of a CHECK of `table`: declared, or `ck_<table>_<hash>`
/// (the table's name cut so that the whole fits [`MAX_NAME_BYTES`]).
pub fn check(table: &str, check: &Check) -> String {
    if let Some(name) = &check.name {
        return name.clone();
    }
    // FNV-1a: stable across Rust versions and platforms.
    let hash = check.expr.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let suffix = format!("_{:08x}", hash as u32);
    let prefix = fit(format!("ck_{table}"));
    let mut end = prefix.len().min(MAX_NAME_BYTES - suffix.len());
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &prefix[..end])
}

/// The name of `table`'s primary key where the backend has one to address:
/// `<table>_pkey` on PostgreSQL; `None` on MySQL (`DROP PRIMARY KEY`) and SQLite.
pub fn primary_key(table: &str, backend: Backend) -> Option<String> {
    match backend {
        Backend::Postgres => Some(fit(format!("{table}_pkey"))),
        Backend::MySql | Backend::Sqlite => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType};

    fn table() -> Table {
        Table::new("t")
            .column_def(Column::new("a", ColumnType::Integer))
            .column_def(Column::new("b", ColumnType::Integer))
            .unique(None, ["a"])
            .unique(None, ["a", "b"])
    }

    #[test]
    fn unnamed_uniques_get_the_backends_own_names() {
        let t = table();
        let (first, second) = (&t.uniques[0], &t.uniques[1]);
        assert_eq!(unique(&t, first, Backend::Postgres), "t_a_key");
        assert_eq!(unique(&t, second, Backend::Postgres), "t_a_b_key");
        assert_eq!(unique(&t, first, Backend::MySql), "a");
        assert_eq!(unique(&t, second, Backend::MySql), "a_2");
        let gone = Unique::new(["b"]);
        assert_eq!(unique(&t, &gone, Backend::MySql), "b");
        for backend in Backend::ALL {
            for u in &t.uniques {
                assert!(is_unique_default(
                    "t",
                    &u.columns,
                    &unique(&t, u, backend),
                    backend
                ));
            }
        }
        assert!(!is_unique_default(
            "t",
            &["a".into()],
            "uq_a",
            Backend::Postgres
        ));
        assert_eq!(
            unique(&t, &Unique::new(["a"]).named("x"), Backend::MySql),
            "x"
        );
    }

    #[test]
    fn derived_names_fit_postgres_identifiers() {
        let long = "é".repeat(40);
        let name = check(&long, &Check::new("a > 0"));
        assert!(name.len() <= MAX_NAME_BYTES, "{name}");
        assert!(name.starts_with("ck_é"));
        assert_eq!(
            check(&long, &Check::new("a > 0")),
            name,
            "the same expression gives the same name"
        );
        assert_ne!(
            check("t", &Check::new("a > 0")),
            check("t", &Check::new("a > 1"))
        );
        assert_eq!(
            check("child", &Check::new("x")).len(),
            "ck_child_".len() + 8
        );
        let key = Unique::new([long.clone()]);
        let t = Table::new("t").unique(None, key.columns.clone());
        assert!(unique(&t, &key, Backend::Postgres).len() <= MAX_NAME_BYTES);
        assert_eq!(
            primary_key("t", Backend::Postgres).as_deref(),
            Some("t_pkey")
        );
        assert_eq!(primary_key("t", Backend::MySql), None);
    }
}
