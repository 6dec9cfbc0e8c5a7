//! The synthetic schema of `cargo xtask bench-build scale` and of the derive's
//! 300-entity test: `n` tables of 20 columns of mixed types (integers, floats,
//! text, a boolean, dates and times, a UUID, bytes), a UNIQUE and an index or
//! two, and one or two foreign keys each, as entity source written two ways:
//! derived (`#[derive(fsync_schema::Entity)]`, declared in
//! `fsync_schema::entities!`) and by hand in the style of
//! `sea-orm-cli generate entity` (`DeriveEntityModel`, a `Relation` enum,
//! `Related` impls, `ActiveModelBehavior`).
//!
//! Table `k` references table `k - 1` (`prev_id`, on delete cascade) and,
//! when that is another table, table `k / 2` (`half_id`, on delete set null),
//! so the graph is as deep as the schema is large; each parent has the
//! `has_many` of its children. Every relation is named after the entity it
//! leads to, as sea-orm-cli names them, and leads to an entity no other
//! relation of that entity leads to, so each has its `Related` impl.
//!
//! Plain functions of `n` and `k` on strings: this file is also compiled into
//! `fsync-schema-derive/tests/scale.rs` (by `#[path]`), so it uses only `std`.

use std::fmt::Write as _;

/// The module of entity `k`: `e0000`, `e0001`, ..
pub fn module(k: usize) -> String {
    format!("e{k:04}")
}

/// The table of entity `k`.
pub fn table(k: usize) -> String {
    format!("t{k:04}")
}

/// The relation variant leading to entity `k`, as sea-orm-cli names it after
/// the target: `E0004`.
fn variant(k: usize) -> String {
    format!("E{k:04}")
}

/// The foreign keys of entity `k`: (column, parent, on delete).
pub fn foreign_keys(k: usize) -> Vec<(&'static str, usize, &'static str)> {
    let mut keys = Vec::new();
    if k >= 1 {
        keys.push(("prev_id", k - 1, "cascade"));
    }
    if k >= 2 && k / 2 != k - 1 {
        keys.push(("half_id", k / 2, "set_null"));
    }
    keys
}

/// The children of entity `k` among `n`: (child, its column).
pub fn children(k: usize, n: usize) -> Vec<(usize, &'static str)> {
    let mut candidates = vec![k + 1, 2 * k, 2 * k + 1];
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter(|&child| child > k && child < n)
        .flat_map(|child| {
            foreign_keys(child)
                .into_iter()
                .filter(move |&(_, parent, _)| parent == k)
                .map(move |(column, ..)| (child, column))
        })
        .collect()
}

/// SeaORM's name of a foreign-key action.
fn sea_action(action: &str) -> &'static str {
    match action {
        "cascade" => "Cascade",
        "set_null" => "SetNull",
        other => panic!("no action {other}"),
    }
}

/// SeaORM's `Column` variant of a snake_case column.
fn camel(column: &str) -> String {
    column
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// One column: name, Rust type, the derive's attribute keys, SeaORM's.
struct Field(&'static str, &'static str, &'static str, &'static str);

/// The 20 columns every table has, in order (`prev_id` and `half_id` are
/// foreign keys where [`foreign_keys`] says so).
const FIELDS: [Field; 20] = [
    Field("id", "i32", "primary_key, autoincrement", "primary_key"),
    Field("prev_id", "i32", "", ""),
    Field("half_id", "Option<i32>", "", ""),
    Field(
        "code",
        "String",
        "unique, max_len = 64",
        "column_type = \"String(StringLen::N(64))\", unique",
    ),
    Field(
        "name",
        "String",
        "max_len = 64",
        "column_type = \"String(StringLen::N(64))\"",
    ),
    Field(
        "note",
        "Option<String>",
        "",
        "column_type = \"Text\", nullable",
    ),
    Field("amount", "i64", "default = 0", "default_value = 0"),
    Field("ratio", "f64", "", "column_type = \"Double\""),
    Field(
        "score",
        "Option<f32>",
        "",
        "column_type = \"Float\", nullable",
    ),
    Field("active", "bool", "default = true", "default_value = true"),
    Field("visits", "i32", "default = 0", "default_value = 0"),
    Field("rank", "i16", "", ""),
    Field("created_at", "DateTimeUtc", "index", "indexed"),
    Field("updated_at", "Option<DateTimeUtc>", "", ""),
    Field("day", "Date", "", ""),
    Field("uuid", "Uuid", "", ""),
    Field(
        "payload",
        "Option<Vec<u8>>",
        "",
        "column_type = \"Blob\", nullable",
    ),
    Field("total", "i64", "", ""),
    Field("parent_rank", "Option<i64>", "", ""),
    Field(
        "status",
        "String",
        "max_len = 16, default = \"new\"",
        "column_type = \"String(StringLen::N(16))\", default_value = \"new\"",
    ),
];

/// The derived source of entity `k` of `n` (a module of `entities!`).
pub fn derived(k: usize, n: usize) -> String {
    derived_columns(k, n, FIELDS.len())
}

/// The derived source of entity `k` of `n` with the first `columns` of its
/// 20 columns (at least the five up to `name`: the keys, a UNIQUE and the
/// composite index stay; `columns(name, code)` when `day` is left out).
pub fn derived_columns(k: usize, n: usize, columns: usize) -> String {
    assert!((5..=FIELDS.len()).contains(&columns), "5 to 20 columns");
    let fields = &FIELDS[..columns];
    let table = table(k);
    let (imports, index) = if columns > 14 {
        (
            "use sea_orm::prelude::{Date, DateTimeUtc, Uuid};\n\n",
            "name_day\", columns(name, day)",
        )
    } else {
        ("", "name_code\", columns(name, code)")
    };
    let mut out = format!(
        "//! Entity {k} of {n}, table `{table}`. Generated by `cargo xtask bench-build scale`.\n\n\
         {imports}#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]\n\
         #[schema(table = \"{table}\", index(name = \"idx_{table}_{index}))]\n"
    );
    for (child, column) in children(k, n) {
        let _ = writeln!(
            out,
            "#[schema(has_many(super::{}::{column}, relation = {}))]",
            module(child),
            variant(child)
        );
    }
    out.push_str("pub struct Model {\n");
    let keys = foreign_keys(k);
    for Field(name, ty, keys_of_derive, _) in fields {
        let mut attr = keys_of_derive.to_string();
        if let Some((_, parent, action)) = keys.iter().find(|(column, ..)| column == name) {
            attr = format!(
                "references = super::{}::id, on_delete = {action}, relation = {}",
                module(*parent),
                variant(*parent)
            );
        }
        if !attr.is_empty() {
            let _ = writeln!(out, "    #[schema({attr})]");
        }
        let _ = writeln!(out, "    pub {name}: {ty},");
    }
    out.push_str("}\n");
    out
}

/// The hand-written source of entity `k` of `n`, as `sea-orm-cli generate
/// entity` writes it (with the derived side's defaults and indexes).
pub fn hand(k: usize, n: usize) -> String {
    let table = table(k);
    let mut out = format!(
        "//! Entity {k} of {n}, table `{table}`, in the style of `sea-orm-cli generate entity`. \
         Generated by `cargo xtask bench-build scale`.\n\n\
         use sea_orm::entity::prelude::*;\n\n\
         #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n\
         #[sea_orm(table_name = \"{table}\")]\n\
         pub struct Model {{\n"
    );
    for Field(name, ty, _, attr) in &FIELDS {
        if !attr.is_empty() {
            let _ = writeln!(out, "    #[sea_orm({attr})]");
        }
        let _ = writeln!(out, "    pub {name}: {ty},");
    }
    out.push_str(
        "}\n\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {\n",
    );
    let mut targets = Vec::new();
    for (column, parent, action) in foreign_keys(k) {
        let parent_module = module(parent);
        let _ = writeln!(
            out,
            "    #[sea_orm(\n        belongs_to = \"super::{parent_module}::Entity\",\n        \
             from = \"Column::{}\",\n        to = \"super::{parent_module}::Column::Id\",\n        \
             on_update = \"NoAction\",\n        on_delete = \"{}\"\n    )]\n    {},",
            camel(column),
            sea_action(action),
            variant(parent)
        );
        targets.push(parent);
    }
    for (child, _) in children(k, n) {
        let _ = writeln!(
            out,
            "    #[sea_orm(has_many = \"super::{}::Entity\")]\n    {},",
            module(child),
            variant(child)
        );
        targets.push(child);
    }
    out.push_str("}\n");
    for target in targets {
        let _ = write!(
            out,
            "\nimpl Related<super::{}::Entity> for Entity {{\n    fn to() -> RelationDef {{\n        Relation::{}.def()\n    }}\n}}\n",
            module(target),
            variant(target)
        );
    }
    out.push_str("\nimpl ActiveModelBehavior for ActiveModel {}\n");
    out
}

/// The body of `entities!` declaring `n` entity files: `pub mod e0000;` ..
pub fn derived_declarations(n: usize) -> String {
    (0..n)
        .map(|k| format!("    pub mod {};\n", module(k)))
        .collect()
}

/// One file holding all `n` derived entities of `columns` columns inline, in one `entities!`
/// (for a test that compiles them as a single file), with a `main` that
/// checks the schema: `n` tables, each with its foreign keys. Used by
/// `fsync-schema-derive/tests/scale.rs`.
#[cfg_attr(not(test), allow(dead_code))]
pub fn derived_single_file(n: usize, columns: usize, header: &str) -> String {
    let mut out = format!("{header}\nfsync_schema::entities! {{\n");
    for k in 0..n {
        let source = derived_columns(k, n, columns);
        let _ = writeln!(out, "    pub mod {} {{", module(k));
        for line in source.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "        {line}");
            }
        }
        out.push_str("    }\n");
    }
    let foreign_keys: usize = (0..n).map(|k| foreign_keys(k).len()).sum();
    let _ = write!(
        out,
        "}}\n\nfn main() {{\n    let schema = schema();\n    assert_eq!(schema.tables.len(), {n});\n    \
         assert_eq!(schema.tables.iter().map(|t| t.foreign_keys.len()).sum::<usize>(), {foreign_keys});\n    \
         assert_eq!(schema.tables.iter().map(|t| t.columns.len()).sum::<usize>(), {});\n}}\n",
        n * columns
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_relation_leads_to_an_entity_of_its_own() {
        let n = 1000;
        for k in 0..n {
            let mut targets: Vec<usize> = foreign_keys(k).iter().map(|&(_, p, _)| p).collect();
            targets.extend(children(k, n).iter().map(|&(c, _)| c));
            let count = targets.len();
            targets.sort();
            targets.dedup();
            assert_eq!(targets.len(), count, "entity {k}");
            assert!(!targets.contains(&k), "entity {k}");
        }
        assert_eq!(children(0, 4), vec![(1, "prev_id")]);
        assert_eq!(children(1, 4), vec![(2, "prev_id"), (3, "half_id")]);
        assert_eq!(foreign_keys(0), vec![]);
        assert_eq!(foreign_keys(2), vec![("prev_id", 1, "cascade")]);
        assert_eq!(FIELDS.len(), 20);
    }

    #[test]
    fn the_single_file_holds_every_entity_inline() {
        let file = derived_single_file(4, 20, "//! header");
        assert!(
            file.starts_with("//! header\nfsync_schema::entities! {\n    pub mod e0000 {\n"),
            "{file}"
        );
        assert_eq!(
            file.matches("#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]")
                .count(),
            4
        );
        assert!(
            file.contains("assert_eq!(schema.tables.len(), 4);"),
            "{file}"
        );
    }

    #[test]
    fn both_sides_declare_the_same_relations() {
        let derived = derived(5, 20);
        assert!(
            derived
                .contains("references = super::e0004::id, on_delete = cascade, relation = E0004"),
            "{derived}"
        );
        assert!(
            derived
                .contains("references = super::e0002::id, on_delete = set_null, relation = E0002"),
            "{derived}"
        );
        assert!(
            derived.contains("has_many(super::e0006::prev_id, relation = E0006)"),
            "{derived}"
        );
        assert!(
            derived.contains("has_many(super::e0010::half_id, relation = E0010)"),
            "{derived}"
        );
        let hand = hand(5, 20);
        assert!(hand.contains("to = \"super::e0004::Column::Id\""), "{hand}");
        assert!(hand.contains("from = \"Column::HalfId\""), "{hand}");
        assert!(
            hand.contains("impl Related<super::e0011::Entity> for Entity"),
            "{hand}"
        );
        assert_eq!(hand.matches("impl Related").count(), 5, "{hand}");
    }
}
