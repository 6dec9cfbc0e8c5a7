//! Incremental migrations on SQLite, PostgreSQL and MariaDB: a chain of schema
//! versions covering every kind of change, each diffed, applied to a database
//! that already holds rows, and checked: every row is kept, every value of a
//! column that survives is unchanged, and the database matches the model.

mod common;

use fsync_schema::migration::{Direction, apply, needs_sqlite_rebuild};
use fsync_schema::{
    Action, Backend, Check, Column, ColumnType, DefaultValue, ForeignKey, Schema, Step, Table,
    changes, lint::lint, step::replay,
};
use fsync_test_macros::each_backend;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, JsonValue, Statement,
    TransactionTrait,
};
use sea_orm_migration::SchemaManager;
use std::collections::BTreeMap;

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
        .with_column(Column::new("note", ColumnType::Text).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["entry_id"], "entry", ["id"]).on_delete(Action::Cascade))
        .index("idx_conduit_entry", ["entry_id"])
}

/// The versions of the schema, each with what it changes.
fn versions() -> Vec<(&'static str, Schema)> {
    let mut out = vec![("create tables", Schema::new([entry(), conduit()]))];
    let mut next = |what: &'static str, change: &dyn Fn(&mut Schema)| {
        let mut schema = out.last().unwrap().1.clone();
        for table in &mut schema.tables {
            table.renamed_from = None;
            table.columns.iter_mut().for_each(|c| c.renamed_from = None);
        }
        change(&mut schema);
        out.push((what, schema));
    };
    let table = |schema: &mut Schema, name: &str| -> usize {
        schema.tables.iter().position(|t| t.name == name).unwrap()
    };
    next("add a nullable column", &|s| {
        let t = table(s, "conduit");
        s.tables[t]
            .columns
            .push(Column::new("label", ColumnType::Text).nullable());
    });
    next("add a NOT NULL column with a default", &|s| {
        let t = table(s, "conduit");
        s.tables[t]
            .columns
            .push(Column::new("priority", ColumnType::Integer).default(DefaultValue::Int(0)));
    });
    next("change a default", &|s| {
        let t = table(s, "conduit");
        s.tables[t].columns[2].default = Some(DefaultValue::Int(4));
    });
    next("make a column NOT NULL with a default", &|s| {
        let t = table(s, "conduit");
        s.tables[t].columns[3].nullable = false;
        s.tables[t].columns[3].default = Some(DefaultValue::Text(String::new()));
    });
    next("widen a type", &|s| {
        let t = table(s, "conduit");
        s.tables[t].columns[2].ty = ColumnType::BigInt;
    });
    next("rename a column", &|s| {
        let t = table(s, "conduit");
        let column = s.tables[t]
            .columns
            .iter_mut()
            .find(|c| c.name == "label")
            .unwrap();
        column.name = "title".into();
        column.renamed_from = Some("label".into());
    });
    next("add an index and a unique", &|s| {
        let t = table(s, "conduit");
        s.tables[t].indexes.push(fsync_schema::Index::new(
            "idx_conduit_priority",
            ["priority"],
        ));
        s.tables[t]
            .uniques
            .push(fsync_schema::Unique::new(["entry_id", "title"]));
    });
    next("add a check", &|s| {
        let t = table(s, "conduit");
        s.tables[t]
            .checks
            .push(Check::new("priority >= 0").named("ck_conduit_priority"));
    });
    next("add a nullable foreign key with SET NULL", &|s| {
        let t = table(s, "conduit");
        s.tables[t]
            .columns
            .push(Column::new("target_id", ColumnType::Integer).nullable());
        s.tables[t]
            .foreign_keys
            .push(ForeignKey::new(["target_id"], "entry", ["id"]).on_delete(Action::SetNull));
    });
    next("change a foreign key's action", &|s| {
        let t = table(s, "conduit");
        s.tables[t].foreign_keys[0].on_delete = Action::Restrict;
    });
    next("drop an index", &|s| {
        let t = table(s, "conduit");
        s.tables[t]
            .indexes
            .retain(|i| i.name != "idx_conduit_entry");
    });
    next("rename a table", &|s| {
        let t = table(s, "conduit");
        s.tables[t].name = "link".into();
        s.tables[t].renamed_from = Some("conduit".into());
    });
    next("create a table", &|s| {
        s.tables.push(
            Table::new("tag")
                .with_column(Column::new("id", ColumnType::Integer).autoincrement())
                .with_column(Column::new("link_id", ColumnType::Integer))
                .with_column(Column::new("name", ColumnType::String(40)))
                .primary_key(["id"])
                .foreign_key(
                    ForeignKey::new(["link_id"], "link", ["id"]).on_delete(Action::Cascade),
                )
                .index("idx_tag_link", ["link_id"]),
        );
    });
    next("drop a unique, a check and a foreign key", &|s| {
        let t = table(s, "link");
        s.tables[t].uniques.clear();
        s.tables[t].checks.clear();
        s.tables[t]
            .foreign_keys
            .retain(|f| f.columns != ["target_id"]);
    });
    next("drop a column", &|s| {
        let t = table(s, "link");
        s.tables[t].columns.retain(|c| c.name != "note");
    });
    next("drop a table", &|s| {
        s.tables.retain(|t| t.name != "tag");
    });
    out
}

/// Inserts one row into every table, parents first, with values of each column's type.
async fn insert_rows(db: &DatabaseConnection, backend: Backend, schema: &Schema, n: i64) {
    for table in schema.in_dependency_order() {
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for column in table.columns.iter().filter(|c| !c.autoincrement) {
            let fk = table
                .foreign_keys
                .iter()
                .find(|f| f.columns == [column.name.clone()]);
            let value = match (fk, column.ty) {
                (Some(fk), _) => format!("(SELECT MAX(id) FROM {})", quote(backend, &fk.ref_table)),
                (None, ColumnType::Text | ColumnType::String(_)) => {
                    format!("'{}-{n}'", column.name)
                }
                (None, ColumnType::Boolean) => "1".to_owned(),
                (None, _) => n.to_string(),
            };
            columns.push(quote(backend, &column.name));
            values.push(value);
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote(backend, &table.name),
            columns.join(", "),
            values.join(", ")
        );
        common::exec(db, &sql).await;
    }
}

fn quote(backend: Backend, name: &str) -> String {
    match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// Every row of every table: table → id → column → value.
async fn rows(
    db: &DatabaseConnection,
    backend: Backend,
    schema: &Schema,
    version: usize,
) -> BTreeMap<String, BTreeMap<i64, serde_json::Map<String, JsonValue>>> {
    let mut out = BTreeMap::new();
    for table in &schema.tables {
        // Columns by name, and the version in the text: sqlx caches prepared
        // statements, and a cached statement keeps the columns and types it had
        // before an ALTER TABLE.
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| quote(backend, &c.name))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} /* version {version} */",
            columns.join(", "),
            quote(backend, &table.name)
        );
        let stmt = Statement::from_string(db.get_database_backend(), sql);
        let mut by_id = BTreeMap::new();
        for row in JsonValue::find_by_statement(stmt).all(db).await.unwrap() {
            let JsonValue::Object(map) = row else {
                panic!("a row is an object")
            };
            let id = map["id"].as_i64().expect("id");
            by_id.insert(id, map);
        }
        out.insert(table.name.clone(), by_id);
    }
    out
}

/// Applies `steps` the way a generated migration does, in a transaction
/// where the backend has transactional DDL.
async fn migrate(db: &DatabaseConnection, backend: Backend, steps: &[Step], direction: Direction) {
    let sqlite = backend == Backend::Sqlite;
    if sqlite {
        common::exec(db, "PRAGMA foreign_keys = OFF").await;
    }
    if backend == Backend::MySql {
        apply(&SchemaManager::new(db), steps, direction)
            .await
            .unwrap();
    } else {
        let txn = db.begin().await.unwrap();
        apply(&SchemaManager::new(&txn), steps, direction)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    if sqlite {
        common::exec(db, "PRAGMA foreign_keys = ON").await;
    }
}

async fn chain(backend: Backend, db: &DatabaseConnection) {
    let versions = versions();
    let mut current = Schema::default();
    let mut rebuilt = 0;
    for (n, (what, target)) in versions.iter().enumerate() {
        assert!(
            fsync_schema::validate::schema(target).is_empty(),
            "{what}: {:?}",
            fsync_schema::validate::schema(target)
        );
        let steps = changes::steps(&current, target);
        assert!(!steps.is_empty(), "{what}: no steps");
        let findings = lint(&current, &steps);
        let built = replay(&current, &steps).unwrap();
        let before = rows(db, backend, &current, n).await;
        rebuilt += steps.iter().filter(|s| needs_sqlite_rebuild(s)).count();
        migrate(db, backend, &steps, Direction::Up).await;
        let after = rows(db, backend, &built, n + 1).await;

        // Rows kept, surviving values unchanged (renames followed).
        for (table, old_rows) in &before {
            let new_name = steps
                .iter()
                .find_map(|s| match s {
                    Step::RenameTable {
                        from,
                        table: renamed,
                    } if from == table => Some(renamed.name.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| table.clone());
            let Some(new_rows) = after.get(&new_name) else {
                assert!(
                    findings.iter().any(|f| f.destructive),
                    "{what}: `{table}` vanished without a destructive finding"
                );
                continue;
            };
            assert_eq!(
                old_rows.len(),
                new_rows.len(),
                "{backend:?} {what}: rows of `{table}` lost"
            );
            for (id, old) in old_rows {
                let new = &new_rows[id];
                for (column, value) in old {
                    let renamed = if column == "label" && !new.contains_key("label") {
                        "title"
                    } else {
                        column.as_str()
                    };
                    match new.get(renamed) {
                        Some(kept) if value.is_null() && column == "note" => {
                            assert_eq!(kept, &JsonValue::from(""))
                        }
                        Some(kept) => assert_eq!(
                            value, kept,
                            "{backend:?} {what}: `{table}.{column}` of row {id}"
                        ),
                        None => assert!(
                            findings.iter().any(|f| f.destructive),
                            "{what}: `{column}` vanished"
                        ),
                    }
                }
            }
        }
        insert_rows(db, backend, &built, n as i64 + 1).await;
        current = built;
    }
    // SQLite rebuilt tables for the changes its ALTER TABLE cannot make.
    if backend == Backend::Sqlite {
        assert!(rebuilt >= 5, "only {rebuilt} rebuilds");
        let check = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA foreign_key_check",
            ))
            .await
            .unwrap();
        assert!(check.is_empty());
    }
    // And all the way down again.
    for window in versions.windows(2).rev() {
        let steps = changes::steps(&window[0].1, &window[1].1);
        migrate(db, backend, &steps, Direction::Down).await;
    }
    let first = &versions[0].1;
    let left = rows(db, backend, first, 0).await;
    assert_eq!(
        left["entry"].len(),
        versions.len(),
        "{backend:?}: entries kept through up and down"
    );
}

#[each_backend]
async fn every_change_applies_with_data_kept_on_every_backend(backend: Backend) {
    let test_db = common::db(backend, "incremental").await;
    chain(test_db.backend, &test_db.db).await;
    test_db.drop_database().await;
}

#[test]
fn the_chain_covers_every_kind_of_change() {
    let versions = versions();
    let mut kinds = std::collections::BTreeSet::new();
    for window in versions.windows(2) {
        for step in changes::steps(&window[0].1, &window[1].1) {
            match &step {
                Step::AlterTable { changes, .. } => {
                    for change in changes {
                        kinds.insert(
                            format!("{change:?}")
                                .split(['(', ' '])
                                .next()
                                .unwrap()
                                .to_owned(),
                        );
                    }
                }
                other => {
                    kinds.insert(
                        format!("{other:?}")
                            .split(['(', ' '])
                            .next()
                            .unwrap()
                            .to_owned(),
                    );
                }
            }
        }
    }
    let expected = [
        "AddCheck",
        "AddColumn",
        "AddForeignKey",
        "AddUnique",
        "AlterColumn",
        "CreateIndex",
        "CreateTable",
        "DropCheck",
        "DropColumn",
        "DropForeignKey",
        "DropIndex",
        "DropTable",
        "DropUnique",
        "RenameColumn",
        "RenameTable",
    ];
    for kind in expected {
        assert!(kinds.contains(kind), "the chain has no {kind}: {kinds:?}");
    }
}

/// Sakila's `store.manager_staff_id` → `staff`, `staff.store_id` → `store`.
fn store_and_staff() -> Schema {
    let store = Table::new("store")
        .with_column(Column::new("id", ColumnType::Integer))
        .with_column(Column::new("manager_staff_id", ColumnType::Integer).nullable())
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["manager_staff_id"], "staff", ["id"]));
    let staff = Table::new("staff")
        .with_column(Column::new("id", ColumnType::Integer))
        .with_column(Column::new("store_id", ColumnType::Integer))
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["store_id"], "store", ["id"]).on_delete(Action::Cascade));
    Schema::new([store, staff])
}

/// Tables whose foreign keys form a cycle: created, then the key that
/// closes the cycle added (`ALTER TABLE` on PostgreSQL and MySQL; SQLite
/// rebuilds the new, empty table); the database matches the model and
/// enforces both keys; `down` drops the key, then the tables; the schema's
/// own SQL builds the same catalogue.
#[each_backend]
async fn foreign_key_cycles_are_created_closed_and_dropped(backend: Backend) {
    let schema = store_and_staff();
    assert_eq!(fsync_schema::validate::schema(&schema), vec![]);
    let steps = changes::steps(&Schema::default(), &schema);
    let described: Vec<String> = steps.iter().flat_map(Step::describe).collect();
    assert_eq!(
        described,
        [
            "create table `store`",
            "create table `staff`",
            "add foreign key `store`(manager_staff_id) -> staff(id)",
        ]
    );
    assert_eq!(replay(&Schema::default(), &steps).unwrap(), schema);
    let test = common::db(backend, "cycles").await;
    let (db, backend) = (&test.db, test.backend);
    let expected = schema.clone();
    migrate(db, backend, &steps, Direction::Up).await;
    let drift = fsync_schema::introspect::drift(db, &expected)
        .await
        .unwrap();
    assert!(drift.is_empty(), "{backend:?}: {drift:#?}");
    let q = |name: &str| quote(backend, name);
    common::exec(db, &format!("INSERT INTO {} VALUES (1, NULL)", q("store"))).await;
    common::exec(db, &format!("INSERT INTO {} VALUES (1, 1)", q("staff"))).await;
    common::exec(
        db,
        &format!("UPDATE {} SET {} = 1", q("store"), q("manager_staff_id")),
    )
    .await;
    let orphan = format!("UPDATE {} SET {} = 9", q("store"), q("manager_staff_id"));
    let refused = db
        .execute_raw(Statement::from_string(db.get_database_backend(), orphan))
        .await;
    assert!(
        refused.is_err(),
        "{backend:?}: the key closing the cycle holds"
    );
    common::exec(
        db,
        &format!("UPDATE {} SET {} = NULL", q("store"), q("manager_staff_id")),
    )
    .await;
    migrate(db, backend, &steps, Direction::Down).await;
    assert!(
        fsync_schema::introspect::schema(db)
            .await
            .unwrap()
            .tables
            .is_empty(),
        "{backend:?}: down leaves nothing"
    );

    // `schema sql`: the tables, then the key that closes the cycle.
    for statement in fsync_schema::render::schema_statements(&schema, backend) {
        common::exec(db, &statement).await;
    }
    let drift = fsync_schema::introspect::drift(db, &expected)
        .await
        .unwrap();
    assert!(drift.is_empty(), "{backend:?}: {drift:#?}");
    test.drop_database().await;
}
