//! Numbered fixture cases of the diff engine, one per kind of change: the old
//! and new schema, and as snapshot the migration they give: the changes, the
//! lint's findings, the generated migration file, and the SQL of `up` and
//! `down` on each backend (`cargo insta review` after a deliberate change).

use fsync_schema::{
    Action, Backend, Check, Column, ColumnType, DefaultValue, ForeignKey, Index, Schema, Table,
    Unique, changes, codegen, lint::lint, migration::script, step, validate,
};

fn parent() -> Table {
    Table::new("parent")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("name", ColumnType::Text))
        .primary_key(["id"])
}

fn child() -> Table {
    Table::new("child")
        .with_column(Column::new("id", ColumnType::Integer).autoincrement())
        .with_column(Column::new("parent_id", ColumnType::Integer))
        .with_column(Column::new("size", ColumnType::Integer).default(DefaultValue::Int(3)))
        .with_column(Column::new("note", ColumnType::Text).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["parent_id"], "parent", ["id"]).on_delete(Action::Cascade))
        .index("idx_child_parent", ["parent_id"])
}

fn base() -> Schema {
    Schema::new([parent(), child()])
}

/// Changes `child` in a copy of the base schema.
fn with_child(change: impl Fn(&mut Table)) -> Schema {
    let mut child = child();
    change(&mut child);
    Schema::new([parent(), child])
}

fn cases() -> Vec<(&'static str, Schema, Schema)> {
    vec![
        ("0001_create_table", Schema::new([parent()]), base()),
        ("0002_drop_table", base(), Schema::new([parent()])),
        (
            "0003_rename_table",
            base(),
            with_child(|t| {
                t.name = "kid".into();
                t.renamed_from = Some("child".into());
            }),
        ),
        (
            "0004_add_nullable_column",
            base(),
            with_child(|t| {
                t.columns
                    .push(Column::new("label", ColumnType::Text).nullable());
            }),
        ),
        (
            "0005_add_column_with_default",
            base(),
            with_child(|t| {
                t.columns.push(
                    Column::new("enabled", ColumnType::Boolean).default(DefaultValue::Bool(true)),
                );
            }),
        ),
        (
            "0006_add_not_null_column_without_default",
            base(),
            with_child(|t| {
                t.columns.push(Column::new("kind", ColumnType::Integer));
            }),
        ),
        (
            "0007_drop_column",
            base(),
            with_child(|t| {
                t.columns.retain(|c| c.name != "note");
            }),
        ),
        (
            "0008_rename_column",
            base(),
            with_child(|t| {
                t.columns[3].name = "comment".into();
                t.columns[3].renamed_from = Some("note".into());
            }),
        ),
        (
            "0009_widen_type",
            base(),
            with_child(|t| t.columns[2].ty = ColumnType::BigInt),
        ),
        (
            "0010_narrow_type",
            base(),
            with_child(|t| t.columns[3].ty = ColumnType::String(20)),
        ),
        (
            "0011_make_not_null_with_default",
            base(),
            with_child(|t| {
                t.columns[3].nullable = false;
                t.columns[3].default = Some(DefaultValue::Text("none".into()));
            }),
        ),
        (
            "0012_change_default",
            base(),
            with_child(|t| t.columns[2].default = Some(DefaultValue::Int(4))),
        ),
        (
            "0013_add_index",
            base(),
            with_child(|t| t.indexes.push(Index::new("idx_child_size", ["size", "id"]))),
        ),
        ("0014_drop_index", base(), with_child(|t| t.indexes.clear())),
        (
            "0015_add_unique",
            base(),
            with_child(|t| t.uniques.push(Unique::new(["parent_id", "size"]))),
        ),
        (
            "0016_drop_unique",
            with_child(|t| t.uniques.push(Unique::new(["parent_id", "size"]))),
            base(),
        ),
        (
            "0017_add_foreign_key",
            base(),
            with_child(|t| {
                t.columns
                    .push(Column::new("other_id", ColumnType::Integer).nullable());
                t.foreign_keys.push(
                    ForeignKey::new(["other_id"], "parent", ["id"]).on_delete(Action::SetNull),
                );
            }),
        ),
        (
            "0018_drop_foreign_key",
            base(),
            with_child(|t| t.foreign_keys.clear()),
        ),
        (
            "0019_change_foreign_key_action",
            base(),
            with_child(|t| {
                t.foreign_keys[0].on_delete = Action::Restrict;
                t.foreign_keys[0].on_update = Action::Cascade;
            }),
        ),
        (
            "0020_add_check",
            base(),
            with_child(|t| t.checks.push(Check::new("size > 0"))),
        ),
        (
            "0021_drop_check",
            with_child(|t| t.checks.push(Check::new("size > 0"))),
            base(),
        ),
        (
            "0022_change_primary_key",
            base(),
            with_child(|t| {
                t.columns[0].autoincrement = false;
                t.primary_key = vec!["id".into(), "parent_id".into()];
            }),
        ),
    ]
}

fn render(old: &Schema, new: &Schema) -> String {
    let steps = changes::steps(old, new);
    let mut out = String::new();
    out += "## changes\n";
    for line in steps.iter().flat_map(|s| s.describe()) {
        out += &format!("{line}\n");
    }
    out += "\n## lint\n";
    for finding in lint(old, &steps) {
        out += &format!("{finding}\n");
    }
    for backend in Backend::ALL {
        out += &format!("\n## {} up\n", backend.name());
        for sql in script(&steps, backend) {
            out += &format!("{sql};\n");
        }
        out += &format!("\n## {} down\n", backend.name());
        for sql in script(&step::inverse(&steps), backend) {
            out += &format!("{sql};\n");
        }
    }
    if fsync_schema::render::online::touches_existing_tables(&steps) {
        out += "\n## postgres online up\n";
        let online = fsync_schema::render::online::Online { lock_timeout: "5s" };
        for sql in fsync_schema::render::online::script(&steps, &online) {
            out += &format!("{sql};\n");
        }
    }
    out += "\n## migration file\n";
    out += &codegen::migration_file(
        "m20250101_000002_case",
        "cargo xtask",
        "cargo xtask gen-migration --name case",
        &steps,
    );
    out
}

#[test]
fn every_case_gives_the_recorded_migration() {
    for (name, old, new) in cases() {
        assert!(validate::schema(&old).is_empty(), "{name}: old is invalid");
        assert!(
            validate::schema(&new).is_empty(),
            "{name}: new is invalid: {:?}",
            validate::schema(&new)
        );
        let steps = changes::steps(&old, &new);
        assert!(!steps.is_empty(), "{name}: no steps");
        // The steps build the new schema, and their inverse the old one.
        let built = step::replay(&old, &steps).unwrap();
        assert!(
            changes::steps(&built, &new).is_empty(),
            "{name}: steps fall short of the new schema"
        );
        assert_eq!(
            step::replay(&built, &step::inverse(&steps)).unwrap(),
            old,
            "{name}: down"
        );
        insta::assert_snapshot!(name, render(&old, &new));
    }
}
