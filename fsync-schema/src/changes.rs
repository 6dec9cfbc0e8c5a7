//! The migration steps that turn one schema into another ([`steps`]): the
//! change engine behind `gen-migration` (not to be confused with the `diff`
//! command, which reports drift of a live database).
//!
//! Tables and columns are matched by name, or by the `renamed_from` an entity
//! declares. Steps come in an order that respects foreign keys: indexes that
//! go away are dropped first, then tables are renamed, created (parents
//! first), altered, and dropped (children first), and new indexes come last.
//! Column order is not a change: new columns are appended, as `ALTER TABLE
//! ADD COLUMN` does, and the resulting table definition records that order.

use crate::model::{Column, Index, Schema, Table};
use crate::step::{Change, Step};

/// The steps from `old` to `new`; empty when they describe the same schema.
pub fn steps(old: &Schema, new: &Schema) -> Vec<Step> {
    let pairs = match_tables(old, new);
    let mut drop_indexes = Vec::new();
    let mut renames = Vec::new();
    let mut alters = Vec::new();
    let mut create_indexes = Vec::new();

    for new_table in new.in_dependency_order() {
        let Some(old_table) = pairs.old_for(&new_table.name) else {
            continue;
        };
        let renamed_old = renamed_references(old_table, &new_table.name, &pairs);
        if old_table.name != new_table.name {
            renames.push(Step::RenameTable {
                from: old_table.name.clone(),
                table: renamed_old.clone(),
            });
        }
        let changes = table_changes(&renamed_old, new_table);
        let (dropped, kept, added) = index_changes(&renamed_old, new_table, &changes);
        drop_indexes.extend(dropped.into_iter().map(|index| Step::DropIndex {
            table: old_table.name.clone(),
            index,
        }));
        create_indexes.extend(added.into_iter().map(|index| Step::CreateIndex {
            table: new_table.name.clone(),
            index,
        }));
        if !changes.is_empty() {
            let mut after = renamed_old.clone();
            for change in &changes {
                change
                    .apply_to(&mut after)
                    .expect("changes computed from this table apply to it");
            }
            after.indexes = kept;
            after.renamed_from = None;
            let alter = Step::AlterTable {
                table: after,
                changes,
            };
            if let Err(error) = alter.check() {
                panic!("diff built an inconsistent step: {error}");
            }
            alters.push(alter);
        }
    }

    let created: Vec<&Table> = new
        .in_dependency_order()
        .into_iter()
        .filter(|t| pairs.old_for(&t.name).is_none())
        .collect();
    // SQLite takes a key to a table created later inline: a schema for
    // SQLite alone creates each table whole.
    let sqlite_only = new.targets == crate::model::Targets::only(crate::model::Backend::Sqlite);
    let (creates, close_cycles) = create_steps(&created, !sqlite_only);
    let dropped: Vec<&Table> = old
        .in_dependency_order()
        .into_iter()
        .filter(|t| !pairs.matched_old.contains(&t.name))
        .collect();
    // Tables in a foreign-key cycle are dropped once the keys that close it are.
    let (drops, open_cycles) = create_steps(&dropped, !sqlite_only);
    let open_cycles = open_cycles.iter().rev().map(Step::inverse);
    let drops = drops.iter().rev().map(Step::inverse);

    let (create_enums, alter_enums, drop_enums) = enum_steps(old, new);
    let mut steps = drop_indexes;
    steps.extend(renames);
    steps.extend(create_enums);
    steps.extend(alter_enums);
    steps.extend(creates);
    steps.extend(close_cycles);
    steps.extend(alters);
    steps.extend(open_cycles);
    steps.extend(drops);
    steps.extend(drop_enums);
    steps.extend(create_indexes);
    steps
}

/// The native enum types `new` creates, changes and drops, by name: created
/// before the tables that use them, dropped after the tables that used them.
fn enum_steps(old: &Schema, new: &Schema) -> (Vec<Step>, Vec<Step>, Vec<Step>) {
    let (old_enums, new_enums) = (old.enum_types(), new.enum_types());
    let mut creates = Vec::new();
    let mut alters = Vec::new();
    for enum_type in &new_enums {
        match old_enums.iter().find(|e| e.name == enum_type.name) {
            None => creates.push(Step::CreateEnum((*enum_type).clone())),
            Some(from) if from.values != enum_type.values => alters.push(Step::AlterEnum {
                from: (*from).clone(),
                to: (*enum_type).clone(),
            }),
            Some(_) => {}
        }
    }
    let drops = old_enums
        .iter()
        .rev()
        .filter(|e| !new_enums.iter().any(|n| n.name == e.name))
        .map(|e| Step::DropEnum((*e).clone()))
        .collect();
    (creates, alters, drops)
}

/// The steps that create `tables`, in this order: each table without the
/// foreign keys that reference a table created after it (a cycle), then an
/// alter per such table adding those keys ([`crate::model::cycle_keys`]);
/// with every key inline unless `defer`.
fn create_steps(tables: &[&Table], defer: bool) -> (Vec<Step>, Vec<Step>) {
    let cycle_keys = if defer {
        crate::model::cycle_keys(tables)
    } else {
        Vec::new()
    };
    let mut creates = Vec::new();
    let mut alters = Vec::new();
    for table in tables {
        let mut table = (*table).clone();
        table.renamed_from = None;
        table.columns.iter_mut().for_each(|c| c.renamed_from = None);
        let mut deferred = Vec::new();
        for f in (0..table.foreign_keys.len()).rev() {
            if cycle_keys.contains(&(table.name.clone(), f)) {
                deferred.insert(0, Change::AddForeignKey(table.foreign_keys.remove(f)));
            }
        }
        if !deferred.is_empty() {
            let alter = Step::alter_table(&table, deferred)
                .expect("adding a table's own foreign keys applies to it");
            alters.push(alter);
        }
        creates.push(Step::CreateTable(table));
    }
    (creates, alters)
}

/// Which old table each new table continues.
struct Pairs<'a> {
    /// (new name, old table)
    pairs: Vec<(String, &'a Table)>,
    matched_old: Vec<String>,
}

impl<'a> Pairs<'a> {
    fn old_for(&self, new_name: &str) -> Option<&'a Table> {
        self.pairs
            .iter()
            .find(|(name, _)| name == new_name)
            .map(|(_, table)| *table)
    }

    /// The new name of an old table, if it survives.
    fn new_name_of(&self, old_name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(_, table)| table.name == old_name)
            .map(|(name, _)| name.as_str())
    }
}

fn match_tables<'a>(old: &'a Schema, new: &Schema) -> Pairs<'a> {
    let mut pairs = Vec::new();
    for table in &new.tables {
        let same = old.table(&table.name);
        let renamed = table
            .renamed_from
            .as_deref()
            .filter(|from| new.table(from).is_none())
            .and_then(|from| old.table(from));
        if let Some(old_table) = same.or(renamed) {
            pairs.push((table.name.clone(), old_table));
        }
    }
    let matched_old = pairs.iter().map(|(_, t)| t.name.clone()).collect();
    Pairs { pairs, matched_old }
}

/// The old table with its name and its foreign keys' targets following table renames.
fn renamed_references(old: &Table, new_name: &str, pairs: &Pairs) -> Table {
    let mut table = old.clone();
    table.name = new_name.to_owned();
    for fk in &mut table.foreign_keys {
        if let Some(name) = pairs.new_name_of(&fk.ref_table) {
            fk.ref_table = name.to_owned();
        }
    }
    table
}

/// The changes from `old` to `new` (same table), indexes aside.
fn table_changes(old: &Table, new: &Table) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.options != new.options {
        changes.push(Change::SetOptions {
            from: old.options.clone(),
            to: new.options.clone(),
        });
    }
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut matched_old: Vec<&str> = Vec::new();
    let mut adds = Vec::new();
    let mut alters = Vec::new();
    for column in &new.columns {
        let same = old.column(&column.name);
        let renamed = column
            .renamed_from
            .as_deref()
            .filter(|from| new.column(from).is_none())
            .and_then(|from| old.column(from));
        match same.or(renamed) {
            Some(previous) => {
                matched_old.push(&previous.name);
                if previous.name != column.name {
                    renames.push((previous.name.clone(), column.name.clone()));
                }
                let before = Column {
                    name: column.name.clone(),
                    renamed_from: None,
                    ..previous.clone()
                };
                let after = Column {
                    renamed_from: None,
                    ..column.clone()
                };
                if before != after {
                    alters.push(Change::AlterColumn {
                        from: before,
                        to: after,
                    });
                }
            }
            None => adds.push(Change::AddColumn(Column {
                renamed_from: None,
                ..column.clone()
            })),
        }
    }
    let renamed = |name: &str| {
        renames
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name.to_owned(), |(_, to)| to.clone())
    };
    let rename_all = |names: &[String]| names.iter().map(|n| renamed(n)).collect::<Vec<_>>();

    // Constraints of the old table, with column renames applied, to compare with the new ones.
    let mut old_uniques = old.uniques.clone();
    old_uniques
        .iter_mut()
        .for_each(|u| u.columns = rename_all(&u.columns));
    let mut old_fks = old.foreign_keys.clone();
    old_fks
        .iter_mut()
        .for_each(|f| f.columns = rename_all(&f.columns));
    let old_key = rename_all(&old.primary_key);

    let dropped_columns: Vec<&Column> = old
        .columns
        .iter()
        .filter(|c| !matched_old.contains(&c.name.as_str()))
        .collect();

    for unique in old_uniques.iter().filter(|u| !new.uniques.contains(u)) {
        changes.push(Change::DropUnique(unique.clone()));
    }
    for fk in old_fks.iter().filter(|f| !new.foreign_keys.contains(f)) {
        changes.push(Change::DropForeignKey(fk.clone()));
    }
    for check in old.checks.iter().filter(|c| !new.checks.contains(c)) {
        changes.push(Change::DropCheck(check.clone()));
    }
    for (from, to) in renames {
        changes.push(Change::RenameColumn { from, to });
    }
    for column in dropped_columns {
        changes.push(Change::DropColumn(column.clone()));
    }
    changes.extend(alters);
    changes.extend(adds);
    if old_key != new.primary_key {
        changes.push(Change::SetPrimaryKey {
            from: old_key,
            to: new.primary_key.clone(),
        });
    }
    for unique in new.uniques.iter().filter(|u| !old_uniques.contains(u)) {
        changes.push(Change::AddUnique(unique.clone()));
    }
    for fk in new.foreign_keys.iter().filter(|f| !old_fks.contains(f)) {
        changes.push(Change::AddForeignKey(fk.clone()));
    }
    for check in new.checks.iter().filter(|c| !old.checks.contains(c)) {
        changes.push(Change::AddCheck(check.clone()));
    }
    changes
}

/// Indexes to drop (before the table changes), keep, and create (after).
/// An index whose definition changes is dropped and created again.
fn index_changes(
    old: &Table,
    new: &Table,
    changes: &[Change],
) -> (Vec<Index>, Vec<Index>, Vec<Index>) {
    let mut renamed_old = old.clone();
    for change in changes {
        if let Change::RenameColumn { .. } = change {
            let _ = change.apply_to(&mut renamed_old);
        }
    }
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for (index, original) in renamed_old.indexes.iter().zip(&old.indexes) {
        if new.indexes.contains(index) {
            kept.push(index.clone());
        } else {
            dropped.push(original.clone());
        }
    }
    let added = new
        .indexes
        .iter()
        .filter(|index| !kept.contains(index))
        .cloned()
        .collect();
    (dropped, kept, added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, ColumnType, DefaultValue, ForeignKey};
    use crate::step::replay;

    fn entry() -> Table {
        Table::new("entry")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("name", ColumnType::Text))
            .primary_key(["id"])
    }

    fn conduit() -> Table {
        Table::new("conduit")
            .with_column(Column::new("id", ColumnType::Integer).autoincrement())
            .with_column(Column::new("entry_id", ColumnType::Integer))
            .with_column(Column::new("parallel", ColumnType::Integer).default(DefaultValue::Int(3)))
            .primary_key(["id"])
            .foreign_key(ForeignKey::new(["entry_id"], "entry", ["id"]).on_delete(Action::Cascade))
            .index("idx_conduit_entry", ["entry_id"])
    }

    fn check_round_trip(old: &Schema, new: &Schema) -> Vec<Step> {
        let steps = super::steps(old, new);
        let built = replay(old, &steps).expect("steps apply");
        assert!(
            super::steps(&built, new).is_empty(),
            "no change left after {steps:#?}"
        );
        let back = replay(&built, &crate::step::inverse(&steps)).expect("inverse applies");
        assert_eq!(&back, old, "down restores the old schema");
        steps
    }

    #[test]
    fn same_schema_has_no_steps() {
        let schema = Schema::new([entry(), conduit()]);
        assert!(super::steps(&schema, &schema).is_empty());
    }

    #[test]
    fn new_tables_are_created_parents_first_with_their_indexes() {
        let steps = check_round_trip(&Schema::default(), &Schema::new([conduit(), entry()]));
        let names: Vec<String> = steps.iter().flat_map(Step::describe).collect();
        assert_eq!(names, ["create table `entry`", "create table `conduit`"]);
    }

    #[test]
    fn changed_default_is_one_alter() {
        let old = Schema::new([entry(), conduit()]);
        let mut changed = conduit();
        changed.columns[2].default = Some(DefaultValue::Int(4));
        let steps = check_round_trip(&old, &Schema::new([entry(), changed]));
        assert_eq!(
            steps.iter().flat_map(Step::describe).collect::<Vec<_>>(),
            ["conduit.parallel: default 3 → 4"]
        );
    }

    #[test]
    fn renames_are_followed_by_keys_and_indexes() {
        let old = Schema::new([entry(), conduit()]);
        let mut renamed_entry = entry().renamed_from("entry");
        renamed_entry.name = "entries".into();
        let mut renamed_conduit = conduit();
        renamed_conduit.columns[1].name = "source_id".into();
        renamed_conduit.columns[1].renamed_from = Some("entry_id".into());
        renamed_conduit.foreign_keys[0].columns = vec!["source_id".into()];
        renamed_conduit.foreign_keys[0].ref_table = "entries".into();
        renamed_conduit.indexes[0].columns = vec!["source_id".into()];
        let steps = check_round_trip(&old, &Schema::new([renamed_entry, renamed_conduit]));
        assert_eq!(
            steps.iter().flat_map(Step::describe).collect::<Vec<_>>(),
            [
                "rename table `entry` to `entries`",
                "rename column `conduit.entry_id` to `source_id`"
            ]
        );
    }

    #[test]
    fn dropped_and_added_columns_tables_and_indexes() {
        let old = Schema::new([entry(), conduit()]);
        let mut new_entry = entry();
        new_entry.columns.remove(1);
        new_entry
            .columns
            .push(Column::new("size", ColumnType::BigInt).default(DefaultValue::Int(0)));
        new_entry
            .indexes
            .push(Index::new("idx_entry_size", ["size"]));
        let steps = check_round_trip(&old, &Schema::new([new_entry]));
        assert_eq!(
            steps.iter().flat_map(Step::describe).collect::<Vec<_>>(),
            [
                "drop column `entry.name`",
                "add column `entry.size`",
                "drop table `conduit`",
                "create index `idx_entry_size` on entry(size)"
            ]
        );
    }
}
