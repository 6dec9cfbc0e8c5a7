//! `introspect`: a schema built with `render::schema_statements` reads back as
//! its model (normalized per backend), and drift made by hand is found. SQLite
//! always runs (in memory); PostgreSQL and MariaDB/MySQL when
//! `FSYNC_TEST_POSTGRES_URL` / `FSYNC_TEST_MYSQL_URL` are set.
#![cfg(feature = "introspect")]

mod common;

use common::{TestDb, execute, server_url};
use fsync_schema::compare::{Finding, Sides, compare_with};
use fsync_schema::introspect;
use fsync_schema::{
    Action, Backend, Column, ColumnType as T, DefaultValue, ForeignKey, Index, Schema, Table,
};
use fsync_test_macros::{each_backend, needs};

/// Tables shaped like the file-sync entities, plus a composite key, a named
/// unique, a unique index and a name that needs quoting.
fn sample() -> Schema {
    let entry = Table::new("entry")
        .with_column(Column::new("id", T::Integer).autoincrement())
        .with_column(Column::new("uuid", T::Uuid))
        .with_column(Column::new("name", T::Text))
        .with_column(Column::new("kind", T::Integer))
        .with_column(Column::new("parent_id", T::Integer).nullable())
        .with_column(Column::new("size", T::BigInt).default(DefaultValue::Int(0)))
        .with_column(Column::new("created_at", T::TimestampTz))
        .primary_key(["id"])
        .unique(None, ["uuid"])
        .foreign_key(ForeignKey::new(["parent_id"], "entry", ["id"]).on_delete(Action::Cascade))
        .index("idx_entry_parent", ["parent_id"])
        // A text column indexed by a prefix on MySQL, whole elsewhere.
        .index_def(Index::new("idx_entry_name", ["kind", "name"]).prefix("name", 191));
    let conduit = Table::new("sync_conduit")
        .with_column(Column::new("id", T::Integer).autoincrement())
        .with_column(Column::new("source_entry_id", T::Integer))
        .with_column(Column::new("sync_mode", T::String(16)))
        .with_column(Column::new("enabled", T::Boolean).default(DefaultValue::Bool(true)))
        .with_column(Column::new("schedule", T::Text).default(DefaultValue::Text("manual".into())))
        .with_column(Column::new("ratio", T::Double).default(DefaultValue::Float(0.5)))
        .with_column(Column::new("last_sync_completed_at", T::DateTime).nullable())
        .with_column(
            Column::new("updated_at", T::TimestampTz).default(DefaultValue::CurrentTimestamp),
        )
        .with_column(Column::new("settings", T::Json).nullable())
        .primary_key(["id"])
        .foreign_key(
            ForeignKey::new(["source_entry_id"], "entry", ["id"])
                .on_delete(Action::Cascade)
                .on_update(Action::Restrict),
        )
        .index("idx_sync_conduit_enabled", ["enabled"])
        .unique_index("idx_sync_conduit_mode", ["sync_mode", "source_entry_id"]);
    let order = Table::new("order")
        .with_column(Column::new("conduit_id", T::Integer))
        .with_column(Column::new("group", T::SmallInt).default(DefaultValue::Int(-5)))
        .with_column(Column::new("select", T::String(8)).nullable())
        .with_column(Column::new("day", T::Date).default(DefaultValue::Text("2024-02-29".into())))
        .with_column(Column::new("at", T::Time).nullable())
        .with_column(Column::new("blob", T::Blob).nullable())
        .with_column(Column::new("ratio", T::Float).default(DefaultValue::Float(-1.25)))
        .primary_key(["conduit_id", "group"])
        .unique(Some("uq_order_select"), ["select", "group"])
        .foreign_key(
            ForeignKey::new(["conduit_id"], "sync_conduit", ["id"]).on_delete(Action::Cascade),
        );
    let note = Table::new("note")
        .with_column(Column::new("id", T::BigInt).autoincrement())
        .with_column(Column::new("conduit_id", T::Integer).nullable())
        .primary_key(["id"])
        .foreign_key(
            ForeignKey::new(["conduit_id"], "sync_conduit", ["id"]).on_delete(Action::SetNull),
        );
    let schema = Schema::new([entry, conduit, order, note]);
    assert_eq!(fsync_schema::validate::schema(&schema), vec![]);
    schema
}

/// The findings between `expected` and what the database holds, normalized.
async fn drift(test: &TestDb, expected: &Schema) -> Vec<String> {
    let actual = introspect::schema(&test.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let findings: Vec<Finding> = compare_with(
        &introspect::as_introspected(expected, test.backend),
        &introspect::as_introspected(&actual, test.backend),
        &Sides::new("entities", "database"),
    );
    findings.iter().map(ToString::to_string).collect()
}

async fn round_trip_and_drift(backend: Backend) {
    let Some(url) = server_url(backend) else {
        return;
    };
    common::sweep(backend, &url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let test = TestDb::fresh(backend, &url, "introspect")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let schema = sample();
    test.apply(&schema).await.unwrap_or_else(|e| panic!("{e}"));
    execute(
        &test.db,
        "CREATE TABLE seaql_migrations (version VARCHAR(64) PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .await
    .unwrap();

    assert_eq!(
        drift(&test, &schema).await,
        Vec::<String>::new(),
        "{backend:?}"
    );
    assert_eq!(introspect::drift(&test.db, &schema).await.unwrap().len(), 0);

    // Drift made by hand.
    let quote = |name: &str| match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    execute(
        &test.db,
        &format!(
            "ALTER TABLE {} ADD COLUMN note_text VARCHAR(20) DEFAULT 'x'",
            quote("sync_conduit")
        ),
    )
    .await
    .unwrap();
    let drop_index = match backend {
        // Not `idx_entry_parent`: MySQL keeps the index a foreign key needs.
        Backend::MySql => "DROP INDEX `idx_entry_name` ON `entry`".to_owned(),
        _ => "DROP INDEX \"idx_entry_name\"".to_owned(),
    };
    execute(&test.db, &drop_index).await.unwrap();
    execute(
        &test.db,
        &format!(
            "CREATE INDEX {} ON {}({})",
            quote("idx_order_day"),
            quote("order"),
            quote("day")
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        drift(&test, &schema).await,
        [
            "entry: index `idx_entry_name` is in the entities but not in the database",
            "sync_conduit.note_text: column is in the database but not in the entities",
            "order: index `idx_order_day` is in the database but not in the entities",
        ],
        "{backend:?}"
    );
    test.close().await.unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn sqlite_reads_back_what_was_rendered_and_finds_drift() {
    round_trip_and_drift(Backend::Sqlite).await;
}

#[tokio::test]
#[needs(postgres)]
async fn postgres_reads_back_what_was_rendered_and_finds_drift() {
    round_trip_and_drift(Backend::Postgres).await;
}

#[tokio::test]
#[needs(mysql)]
async fn mysql_reads_back_what_was_rendered_and_finds_drift() {
    round_trip_and_drift(Backend::MySql).await;
}

#[tokio::test]
async fn sqlite_details_are_read_as_declared() {
    let test = TestDb::fresh(Backend::Sqlite, "sqlite::memory:", "details")
        .await
        .unwrap();
    execute(
        &test.db,
        "CREATE TABLE t (
            b TEXT NOT NULL,
            a INTEGER NOT NULL,
            label varchar(12) DEFAULT '12',
            quoted TEXT DEFAULT 'it''s',
            flag BOOLEAN DEFAULT 1,
            PRIMARY KEY (a, b)
        )",
    )
    .await
    .unwrap();
    let schema = introspect::schema(&test.db).await.unwrap();
    let table = &schema.tables[0];
    assert_eq!(table.primary_key, ["a", "b"], "key order, not column order");
    let label = table.column("label").unwrap();
    assert_eq!(label.ty, T::String(12));
    assert_eq!(label.sql_type.sqlite.as_deref(), Some("varchar(12)"));
    assert_eq!(label.default, Some(DefaultValue::Text("12".into())));
    assert_eq!(
        table.column("quoted").unwrap().default,
        Some(DefaultValue::Text("it's".into()))
    );
    let flag = table.column("flag").unwrap();
    assert_eq!(flag.ty, T::Boolean);
    assert_eq!(flag.sql_type.sqlite.as_deref(), Some("BOOLEAN"));
    assert_eq!(flag.default, Some(DefaultValue::Bool(true)));
    test.close().await.unwrap();
}

/// The catalogue reader (`introspect::schema`) and sea-schema's discovery
/// (`introspect::discovery::schema`, the reader it replaced) read the same
/// model: the sample, the migrations table, hand-made drift, and objects
/// the entities do not make (`extra`, per backend).
async fn readers_agree(backend: Backend, extra: &[&str]) {
    let Some(url) = server_url(backend) else {
        return;
    };
    common::sweep(backend, &url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let test = TestDb::fresh(backend, &url, "agree")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    test.apply(&sample())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    execute(
        &test.db,
        "CREATE TABLE seaql_migrations (version VARCHAR(64) PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .await
    .unwrap();
    for sql in extra {
        execute(&test.db, sql).await.unwrap();
    }
    let mut new = introspect::schema(&test.db).await.unwrap();
    let old = introspect::discovery::schema(&test.db).await.unwrap();
    if backend == Backend::Sqlite {
        // sea-schema's SQLite discovery reads no predicate: the catalogue
        // reader does (`index_kinds_round_trip`).
        // Nor STRICT or WITHOUT ROWID (`sqlite_table_options_round_trip`).
        let pair = new.tables.iter_mut().find(|t| t.name == "pair").unwrap();
        assert!(std::mem::take(&mut pair.options).without_rowid);
        for index in new.tables.iter_mut().flat_map(|t| &mut t.indexes) {
            assert_eq!(
                index.predicate.take().is_some(),
                index.name == "idx_partial",
                "{index:?}"
            );
        }
    }
    test.close().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new.tables.len(), 4 + extra_tables(extra), "{backend:?}");
    assert!(
        new == old,
        "{backend:?}: {:#?}",
        compare_with(&old, &new, &Sides::new("discovery", "catalogue"))
    );
}

/// How many tables the statements create.
fn extra_tables(extra: &[&str]) -> usize {
    extra
        .iter()
        .filter(|sql| sql.starts_with("CREATE TABLE"))
        .count()
}

#[tokio::test]
async fn sqlite_catalogue_and_discovery_read_the_same_model() {
    readers_agree(
        Backend::Sqlite,
        &[
            "CREATE TABLE counter (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT UNIQUE, \
             owner INTEGER REFERENCES entry (id) ON UPDATE SET NULL, \
             total INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL)",
            "CREATE TABLE pair (a INTEGER, b TEXT, PRIMARY KEY (b, a), UNIQUE (a, b)) WITHOUT ROWID",
            "CREATE TABLE link (x INTEGER, y TEXT, \
             FOREIGN KEY (y, x) REFERENCES pair (b, a) ON DELETE SET DEFAULT, \
             FOREIGN KEY (x) REFERENCES counter (id))",
            "CREATE INDEX idx_partial ON counter (label) WHERE label IS NOT NULL",
            "CREATE UNIQUE INDEX idx_pair ON link (y, x)",
        ],
    )
    .await;
}

#[tokio::test]
#[needs(postgres)]
async fn postgres_catalogue_and_discovery_read_the_same_model() {
    readers_agree(
        Backend::Postgres,
        &[
            "CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0)",
            "CREATE TABLE counter (id serial PRIMARY KEY, n bigint GENERATED BY DEFAULT AS IDENTITY, \
             amount positive, label text UNIQUE, price numeric(10, 2) DEFAULT 1.5, \
             twice integer GENERATED ALWAYS AS (id * 2) STORED)",
            "CREATE TABLE pair (a integer, b text, PRIMARY KEY (b, a))",
            "CREATE TABLE link (x integer, y text, \
             CONSTRAINT link_pair FOREIGN KEY (y, x) REFERENCES pair (b, a) ON DELETE SET DEFAULT ON UPDATE RESTRICT, \
             CONSTRAINT link_counter FOREIGN KEY (x) REFERENCES counter (id) ON DELETE SET NULL)",
            "CREATE INDEX idx_partial ON counter (label) WHERE label IS NOT NULL",
            "CREATE INDEX idx_expression ON counter (lower(label), id)",
            "CREATE UNIQUE INDEX idx_link ON link (y, x)",
        ],
    )
    .await;
}

#[tokio::test]
#[needs(mysql)]
async fn mysql_catalogue_and_discovery_read_the_same_model() {
    readers_agree(
        Backend::MySql,
        &[
            "CREATE TABLE counter (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, \
             label VARCHAR(20) UNIQUE DEFAULT 'it''s', price DECIMAL(10,2) DEFAULT 1.5, \
             at TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3), flag TINYINT(1) NOT NULL DEFAULT 1, \
             twice DECIMAL(12,2) AS (price * 2) VIRTUAL)",
            "CREATE TABLE pair (a INT, b VARCHAR(8), PRIMARY KEY (b, a))",
            "CREATE TABLE link (x INT UNSIGNED, y VARCHAR(8), z INT, \
             CONSTRAINT link_pair FOREIGN KEY (y, z) REFERENCES pair (b, a) ON UPDATE CASCADE, \
             FOREIGN KEY (x) REFERENCES counter (id) ON DELETE SET NULL)",
            "CREATE INDEX idx_prefix ON counter (label(4), price)",
            "CREATE UNIQUE INDEX idx_link ON link (z, y)",
        ],
    )
    .await;
}

/// A foreign key named like one in another schema of the same database is
/// read with its own columns and target. (Discovery is not: it joins
/// `information_schema.constraint_column_usage` by constraint name alone,
/// and reads both targets; the last assertion records that, and fails the
/// day sea-schema mends it.)
#[tokio::test]
#[needs(postgres)]
async fn postgres_foreign_keys_named_like_another_schemas_are_read_as_declared() {
    let Some(url) = server_url(Backend::Postgres) else {
        return;
    };
    let mine = TestDb::fresh(Backend::Postgres, &url, "fk_mine")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = TestDb::fresh(Backend::Postgres, &url, "fk_theirs")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for (test, parent, key) in [(&mine, "parent", "id"), (&theirs, "other", "code")] {
        execute(
            &test.db,
            &format!("CREATE TABLE {parent} ({key} integer PRIMARY KEY)"),
        )
        .await
        .unwrap();
        execute(
            &test.db,
            &format!(
                "CREATE TABLE child (parent_id integer, \
                 CONSTRAINT fk_shared FOREIGN KEY (parent_id) REFERENCES {parent} ({key}))"
            ),
        )
        .await
        .unwrap();
    }
    let read = introspect::schema(&mine.db).await.unwrap();
    let child = read.table("child").expect("table child");
    assert_eq!(
        child.foreign_keys,
        [ForeignKey::new(["parent_id"], "parent", ["id"]).named("fk_shared")]
    );
    let discovered = introspect::discovery::schema(&mine.db).await.unwrap();
    assert_ne!(discovered, read, "discovery now reads this right");
    mine.close().await.unwrap_or_else(|e| panic!("{e}"));
    theirs.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// A table with every index kind `backend` has: partial, expression and
/// descending key parts everywhere but MySQL's partial and expression
/// indexes (MariaDB has none); PostgreSQL's methods and `INCLUDE`; MySQL's
/// FULLTEXT and SPATIAL.
fn index_kinds(backend: Backend) -> Schema {
    use fsync_schema::IndexMethod as M;
    let table = Table::new("booking")
        .with_column(Column::new("id", T::Integer))
        .with_column(Column::new("email", T::String(100)))
        .with_column(Column::new("state", T::String(16)))
        .with_column(Column::new("created_at", T::DateTime))
        .with_column(Column::new("notes", T::Text))
        .with_column(Column::new("tags", T::Json).nullable())
        .primary_key(["id"])
        .index_def(Index::new("idx_booking_recent", ["state", "created_at"]).desc("created_at"));
    let table = match backend {
        Backend::Sqlite => table
            .index_def(
                Index::new("idx_booking_open", ["created_at"]).where_("state <> 'cancelled'"),
            )
            .index_def(
                Index::new("idx_booking_email", Vec::<String>::new())
                    .expression("lower(email)")
                    .unique(),
            ),
        Backend::Postgres => table
            .index_def(
                Index::new("idx_booking_open", ["created_at"]).where_("state <> 'cancelled'"),
            )
            .index_def(
                Index::new("idx_booking_email", Vec::<String>::new())
                    .expression("lower(email)")
                    .unique(),
            )
            .index_def(Index::new("idx_booking_tags", ["tags"]).using(M::Gin))
            .index_def(Index::new("idx_booking_created", ["created_at"]).using(M::Brin))
            .index_def(Index::new("idx_booking_state", ["state"]).using(M::Hash))
            .index_def(Index::new("idx_booking_cover", ["email"]).include(["state"])),
        Backend::MySql => table
            .with_column(Column::new("spot", T::Text).sql_type(Backend::MySql, "POINT"))
            .index_def(Index::new("idx_booking_notes", ["notes"]).using(M::Fulltext))
            .index_def(Index::new("idx_booking_spot", ["spot"]).using(M::Spatial)),
    };
    Schema::new([table]).targeting(fsync_schema::Targets::only(backend))
}

async fn index_kinds_round_trip(backend: Backend) {
    let Some(url) = server_url(backend) else {
        return;
    };
    let test = TestDb::fresh(backend, &url, "index_kinds")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let schema = index_kinds(backend);
    let problems = fsync_schema::validate::schema(&schema);
    assert!(problems.is_empty(), "{problems:?}");
    test.apply(&schema).await.unwrap_or_else(|e| panic!("{e}"));
    let read = introspect::schema(&test.db).await.unwrap();
    let booking = read.table("booking").expect("booking");
    for index in &schema.tables[0].indexes {
        let again = booking
            .indexes
            .iter()
            .find(|i| i.name == index.name)
            .unwrap_or_else(|| panic!("{backend:?}: {} not read: {booking:#?}", index.name));
        assert_eq!(again.using, index.using, "{backend:?} {}", index.name);
        assert_eq!(
            again.predicate.is_some(),
            index.predicate.is_some(),
            "{again:?}"
        );
        assert_eq!(again.descending.len(), index.descending.len(), "{again:?}");
        assert_eq!(again.include, index.include, "{again:?}");
    }
    assert_eq!(
        drift(&test, &schema).await,
        Vec::<String>::new(),
        "{backend:?}"
    );
    #[cfg(feature = "pull")]
    pulls_index_kinds(&test, backend).await;

    // Each kind is drift when it differs: an index rebuilt plain.
    let plain = |name: &str, column: &str| {
        let q = |n: &str| fsync_schema::render::quote(n, backend);
        let drop = match backend {
            Backend::MySql => format!("DROP INDEX {} ON {}", q(name), q("booking")),
            _ => format!("DROP INDEX {}", q(name)),
        };
        (
            drop,
            format!(
                "CREATE INDEX {} ON {} ({})",
                q(name),
                q("booking"),
                q(column)
            ),
        )
    };
    let (changed, column, expected) = match backend {
        Backend::MySql => (
            "idx_booking_notes",
            "email",
            vec![
                "booking: index `idx_booking_notes`: columns is (notes) in the entities but (email) in the database",
                "booking: index `idx_booking_notes`: method is fulltext in the entities but btree in the database",
            ],
        ),
        _ => (
            "idx_booking_open",
            "created_at",
            vec![
                "booking: index `idx_booking_open`: predicate is WHERE state<>'cancelled' in the entities but none (every row) in the database",
            ],
        ),
    };
    let (drop, create) = plain(changed, column);
    execute(&test.db, &drop).await.unwrap();
    execute(&test.db, &create).await.unwrap();
    assert_eq!(drift(&test, &schema).await, expected, "{backend:?}");
    if backend == Backend::Postgres {
        let (drop, create) = plain("idx_booking_tags", "tags");
        execute(&test.db, &drop).await.unwrap();
        execute(&test.db, &create).await.unwrap();
        let findings = drift(&test, &schema).await;
        assert!(
            findings.contains(&"booking: index `idx_booking_tags`: method is gin in the entities but btree in the database".to_owned()),
            "{findings:#?}"
        );
    }

    test.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// `pull` writes the kinds as `index(..)` keys.
#[cfg(feature = "pull")]
async fn pulls_index_kinds(test: &TestDb, backend: Backend) {
    let pulled = fsync_schema::pull::pull(&test.db, "test")
        .await
        .expect("pull");
    let (_, file) = pulled
        .files
        .iter()
        .find(|(name, _)| name == "booking.rs")
        .expect("booking.rs");
    let keys: &[&str] = match backend {
        Backend::Sqlite => &[
            "desc(created_at)",
            "columns(\"lower(email)\"), unique",
            "where = \"state <> 'cancelled'\"",
        ],
        Backend::Postgres => &[
            "using = brin",
            "using = hash",
            "using = gin",
            "include(state)",
            "desc(created_at)",
            "where = \"state::text <> 'cancelled'::text\"",
            "columns(\"lower(email::text)\"), unique",
        ],
        Backend::MySql => &[
            "using = fulltext",
            "desc(created_at)",
            "using = spatial",
            "sql_type(mysql = \"point\")",
        ],
    };
    for key in keys {
        assert!(file.contains(key), "{backend:?}: no `{key}` in\n{file}");
    }
}

#[tokio::test]
async fn sqlite_index_kinds_round_trip() {
    index_kinds_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
#[needs(postgres)]
async fn postgres_index_kinds_round_trip() {
    index_kinds_round_trip(Backend::Postgres).await;
}

#[tokio::test]
#[needs(mysql)]
async fn mysql_index_kinds_round_trip() {
    index_kinds_round_trip(Backend::MySql).await;
}

/// MySQL's `ON UPDATE CURRENT_TIMESTAMP` (Sakila's `last_update`) is read,
/// compared, pulled as `on_update = current_timestamp`, and rendered again:
/// the rebuilt table sets the column on update, a model without it is drift.
#[tokio::test]
#[needs(mysql)]
async fn mysql_on_update_current_timestamp_round_trips() {
    let Some(url) = server_url(Backend::MySql) else {
        return;
    };
    let source = TestDb::fresh(Backend::MySql, &url, "on_update")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    execute(
        &source.db,
        "CREATE TABLE actor (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, \
         last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
    )
    .await
    .unwrap();
    let read = introspect::schema(&source.db).await.unwrap();
    let column = read.tables[0].column("last_update").unwrap();
    assert!(column.on_update_current_timestamp, "{column:?}");
    assert_eq!(column.default, Some(DefaultValue::CurrentTimestamp));

    #[cfg(feature = "pull")]
    {
        let pulled = fsync_schema::pull::pull(&source.db, "test").await.unwrap();
        let file = &pulled.files[0].1;
        assert!(
            file.contains("default = current_timestamp,\n        on_update = current_timestamp"),
            "{file}"
        );
    }

    let mut without = read.clone();
    without.tables[0].columns[2].on_update_current_timestamp = false;
    assert_eq!(
        drift(&source, &without).await,
        [
            "actor.last_update: ON UPDATE is none in the entities but CURRENT_TIMESTAMP in the database"
        ]
    );

    let rebuilt = TestDb::fresh(Backend::MySql, &url, "on_update_rebuilt")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    rebuilt.apply(&read).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(drift(&rebuilt, &read).await, Vec::<String>::new());
    execute(
        &rebuilt.db,
        "INSERT INTO actor (id, name, last_update) VALUES (1, 'a', '2001-01-01 00:00:00')",
    )
    .await
    .unwrap();
    execute(&rebuilt.db, "UPDATE actor SET name = 'b'")
        .await
        .unwrap();
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        &rebuilt.db,
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::MySql,
            "SELECT YEAR(last_update) > 2001 FROM actor",
        ),
    )
    .await
    .unwrap();
    assert_eq!(rows[0].try_get_by_index::<i64>(0).unwrap(), 1);
    rebuilt.close().await.unwrap();
    source.close().await.unwrap();
}

/// Objects the entities do not manage are each named, on every backend:
/// views, triggers, functions and procedures, standalone sequences, rules,
/// events, partitions and inheritance children (without a primary key, as
/// Pagila's `payment_p2022_01` is), and a partitioned table's partitioning.
/// `pull` lists them in `mod.rs` and writes no entity for them.
#[each_backend]
async fn objects_besides_tables_are_named_not_dropped(backend: Backend) {
    let url = server_url(backend).unwrap();
    let test = TestDb::fresh(backend, &url, "objects")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (setup, expected): (&[&str], &[&str]) = match backend {
        Backend::Sqlite => (
            &[
                "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, last_update TEXT, \
                 title_length INTEGER GENERATED ALWAYS AS (length(title)) VIRTUAL)",
                "CREATE VIEW film_list AS SELECT id, title FROM film",
                "CREATE TRIGGER film_touch AFTER UPDATE ON film BEGIN \
                 UPDATE film SET last_update = CURRENT_TIMESTAMP WHERE id = NEW.id; END",
            ],
            &[
                "view `film_list` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "trigger `film_touch` on `film` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "generated column `film.title_length` is not managed by the entities (left out of `film`'s entity, which reads and writes the other columns; migrations neither create nor drop it)",
            ],
        ),
        Backend::Postgres => (
            &[
                "CREATE TABLE film (id INTEGER PRIMARY KEY, title TEXT NOT NULL, last_update TIMESTAMP, \
                 title_length INTEGER GENERATED ALWAYS AS (length(title)) STORED)",
                "CREATE VIEW film_list AS SELECT id, title FROM film",
                "CREATE MATERIALIZED VIEW film_count AS SELECT count(*) AS n FROM film",
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN NEW.last_update = now(); RETURN NEW; END $$",
                "CREATE TRIGGER film_touch BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION touch()",
                "CREATE SEQUENCE ticket_seq",
                "CREATE RULE film_no_delete AS ON DELETE TO film DO INSTEAD NOTHING",
                "CREATE TABLE payment (id INTEGER NOT NULL, paid_on DATE NOT NULL, \
                 PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on)",
                "CREATE TABLE payment_p2022_01 PARTITION OF payment \
                 FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')",
                "CREATE TABLE film_archive (archived_on DATE, \
                 CONSTRAINT film_archive_recent CHECK (archived_on > '2000-01-01')) INHERITS (film)",
            ],
            &[
                "view `film_list` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "materialized view `film_count` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "trigger `film_touch` on `film` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "function `touch()` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "sequence `ticket_seq` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "rule `film_no_delete` on `film` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "partition `payment_p2022_01` of `payment` is not managed by the entities (no entity is written for it; create it by hand or in a data step)",
                "table `film_archive` inherits from `film` and is not managed by the entities (no entity is written for it; create it by hand or in a data step)",
                "partitioned table `payment`: its partitioning is not managed by the entities, which describe it as a plain table",
                "generated column `film.title_length` is not managed by the entities (left out of `film`'s entity, which reads and writes the other columns; migrations neither create nor drop it)",
            ],
        ),
        Backend::MySql => (
            &[
                "CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(50) NOT NULL, last_update DATETIME, \
                 title_length INT AS (CHAR_LENGTH(title)) VIRTUAL)",
                "CREATE VIEW film_list AS SELECT id, title FROM film",
                "CREATE TRIGGER film_touch BEFORE UPDATE ON film FOR EACH ROW SET NEW.last_update = NOW()",
                "CREATE PROCEDURE film_count() SELECT COUNT(*) FROM film",
                "CREATE FUNCTION twice(n INT) RETURNS INT DETERMINISTIC RETURN n * 2",
                "CREATE EVENT film_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM film WHERE id < 0",
            ],
            &[
                "view `film_list` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "trigger `film_touch` on `film` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "function `twice` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "procedure `film_count` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "event `film_cleanup` is not managed by the entities (kept as it is; migrations neither create nor drop it)",
                "generated column `film.title_length` is not managed by the entities (left out of `film`'s entity, which reads and writes the other columns; migrations neither create nor drop it)",
            ],
        ),
    };
    for sql in setup {
        execute(&test.db, sql)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    }
    let named: Vec<String> = introspect::unmanaged(&test.db)
        .await
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(named, expected, "{backend:?}");
    // The CHECKs read are those of the schema's tables only (not of
    // `film_archive`, an inheritance child: Sakila's `payment_p2007_01`).
    let tables = introspect::schema(&test.db).await.unwrap();
    // The generated column is left out of the table (named above).
    let film = tables.table("film").unwrap();
    assert_eq!(
        film.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "title", "last_update"],
        "{backend:?}"
    );
    for (table, check) in introspect::checks(&test.db).await.unwrap() {
        assert!(
            tables.table(&table).is_some(),
            "{backend:?}: CHECK {check:?} of `{table}`, which is not a table of the schema"
        );
    }

    #[cfg(feature = "pull")]
    {
        let pulled = fsync_schema::pull::pull(&test.db, "test").await.unwrap();
        let names: Vec<&str> = pulled.files.iter().map(|(n, _)| n.as_str()).collect();
        let tables: &[&str] = match backend {
            Backend::Postgres => &["film.rs", "payment.rs", "mod.rs"],
            _ => &["film.rs", "mod.rs"],
        };
        assert_eq!(names, tables, "{backend:?}");
        let (_, module) = pulled.files.last().unwrap();
        for line in expected {
            assert!(module.contains(&format!("// - {line}")), "{module}");
        }
    }
    test.close().await.unwrap_or_else(|e| panic!("{e}"));
}

/// SQLite's `STRICT` and `WITHOUT ROWID` are read, compared, pulled as
/// `strict` / `without_rowid`, and rendered again (a STRICT table's columns
/// with the types it takes); changing them rebuilds the table.
#[tokio::test]
async fn sqlite_table_options_round_trip() {
    let test = TestDb::fresh(Backend::Sqlite, "sqlite::memory:", "options")
        .await
        .unwrap();
    execute(
        &test.db,
        "CREATE TABLE pair (a INTEGER NOT NULL, b TEXT NOT NULL, PRIMARY KEY (b, a)) STRICT, WITHOUT ROWID",
    )
    .await
    .unwrap();
    let read = introspect::schema(&test.db).await.unwrap();
    let options = &read.tables[0].options;
    assert!(options.strict && options.without_rowid, "{options:?}");
    let mut plain = read.clone();
    plain.tables[0].options = Default::default();
    assert_eq!(
        drift(&test, &plain).await,
        ["pair: options is none in the entities but STRICT, WITHOUT ROWID in the database"]
    );
    #[cfg(feature = "pull")]
    {
        let pulled = fsync_schema::pull::pull(&test.db, "test").await.unwrap();
        assert!(
            pulled.files[0].1.contains("strict, without_rowid"),
            "{}",
            pulled.files[0].1
        );
    }
    // A STRICT table takes VARCHAR(64) as TEXT.
    let strict = Table::new("note")
        .with_column(Column::new("id", T::Integer))
        .with_column(Column::new("title", T::String(64)))
        .with_column(Column::new("price", T::Decimal(10, 2)))
        .primary_key(["id"])
        .with_options(fsync_schema::TableOptions {
            strict: true,
            ..Default::default()
        });
    let schema = Schema::new([strict.clone()]);
    let sql = fsync_schema::render::schema_sql(&schema, Backend::Sqlite).unwrap();
    assert!(
        sql.contains("\"title\" TEXT NOT NULL") && sql.ends_with(") STRICT;\n"),
        "{sql}"
    );
    test.apply(&schema).await.unwrap();
    let both = Schema::new([read.tables[0].clone(), strict.clone()]);
    assert_eq!(drift(&test, &both).await, Vec::<String>::new());
    // Making a table STRICT is a change, migrated by a rebuild on SQLite.
    let mut before = strict.clone();
    before.options = Default::default();
    let steps = fsync_schema::changes::steps(&Schema::new([before]), &schema);
    assert_eq!(
        steps
            .iter()
            .flat_map(fsync_schema::Step::describe)
            .collect::<Vec<_>>(),
        ["options of `note`: none → STRICT"]
    );
    assert!(fsync_schema::migration::needs_sqlite_rebuild(&steps[0]));
    test.close().await.unwrap();
}

/// Collations: a column's (MySQL's binary one, PostgreSQL's "C", SQLite's
/// NOCASE) and a MySQL table's (`utf8mb3`, as Sakila's tables) are read,
/// pulled as `collate = ".."`, rendered again, and drift when they differ.
#[each_backend]
async fn collations_round_trip(backend: Backend) {
    let url = server_url(backend).unwrap();
    let test = TestDb::fresh(backend, &url, "collations").await.unwrap();
    let (create, collation) = match backend {
        Backend::Sqlite => (
            "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE)",
            "NOCASE",
        ),
        Backend::Postgres => (
            "CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL)",
            "C",
        ),
        Backend::MySql => (
            "CREATE TABLE tag (id INT PRIMARY KEY, name VARCHAR(20) COLLATE utf8mb3_bin NOT NULL) \
             DEFAULT CHARSET=utf8mb3",
            "utf8mb3_bin",
        ),
    };
    execute(&test.db, create).await.unwrap();
    let read = introspect::schema(&test.db).await.unwrap();
    let tag = &read.tables[0];
    assert_eq!(
        tag.column("name").unwrap().collation.as_deref(),
        Some(collation),
        "{backend:?}"
    );
    assert_eq!(tag.column("id").unwrap().collation, None, "{backend:?}");
    if backend == Backend::MySql {
        assert_eq!(tag.options.collation.as_deref(), Some("utf8mb3_general_ci"));
    }
    #[cfg(feature = "pull")]
    {
        let pulled = fsync_schema::pull::pull(&test.db, "test").await.unwrap();
        let file = &pulled.files[0].1;
        assert!(
            file.contains(&format!("collate = \"{collation}\"")),
            "{file}"
        );
    }
    let mut plain = read.clone();
    plain.tables[0].columns[1].collation = None;
    assert_eq!(
        drift(&test, &plain).await,
        [format!(
            "tag.name: collation is the default in the entities but {collation} in the database"
        )],
        "{backend:?}"
    );
    let rebuilt = TestDb::fresh(backend, &url, "collations_rebuilt")
        .await
        .unwrap();
    rebuilt
        .apply(&read)
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    assert_eq!(
        drift(&rebuilt, &read).await,
        Vec::<String>::new(),
        "{backend:?}"
    );
    rebuilt.close().await.unwrap();
    test.close().await.unwrap();
}

/// Table and column comments (PostgreSQL, MySQL; SQLite keeps none) are
/// read, pulled as doc comments under `doc_comments`, rendered again, and
/// drift when they differ.
#[each_backend(postgres, mysql)]
async fn comments_round_trip(backend: Backend) {
    let url = server_url(backend).unwrap();
    let test = TestDb::fresh(backend, &url, "comments").await.unwrap();
    let statements: &[&str] = match backend {
        Backend::MySql => &[
            "CREATE TABLE film (id INT PRIMARY KEY, title VARCHAR(20) NOT NULL COMMENT 'as shown, it''s') \
             COMMENT = 'the films'",
        ],
        _ => &[
            "CREATE TABLE film (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL)",
            "COMMENT ON TABLE film IS 'the films'",
            "COMMENT ON COLUMN film.title IS 'as shown, it''s'",
        ],
    };
    for sql in statements {
        execute(&test.db, sql).await.unwrap();
    }
    let read = introspect::schema(&test.db).await.unwrap();
    let film = &read.tables[0];
    assert_eq!(
        film.options.comment.as_deref(),
        Some("the films"),
        "{backend:?}"
    );
    assert_eq!(
        film.column("title").unwrap().comment.as_deref(),
        Some("as shown, it's")
    );
    #[cfg(feature = "pull")]
    {
        let pulled = fsync_schema::pull::pull(&test.db, "test").await.unwrap();
        let file = &pulled.files[0].1;
        for part in ["/// the films\n", "doc_comments", "/// as shown, it's\n"] {
            assert!(file.contains(part), "{backend:?}: no {part:?} in\n{file}");
        }
    }
    let mut other = read.clone();
    other.tables[0].columns[1].comment = None;
    assert_eq!(
        drift(&test, &other).await,
        ["film.title: comment is none in the entities but 'as shown, it's' in the database"],
        "{backend:?}"
    );
    let rebuilt = TestDb::fresh(backend, &url, "comments_rebuilt")
        .await
        .unwrap();
    rebuilt
        .apply(&read)
        .await
        .unwrap_or_else(|e| panic!("{backend:?}: {e}"));
    assert_eq!(
        drift(&rebuilt, &read).await,
        Vec::<String>::new(),
        "{backend:?}"
    );
    // A changed comment is a migration step that changes only it.
    let steps = fsync_schema::changes::steps(&read, &other);
    assert_eq!(
        steps
            .iter()
            .flat_map(fsync_schema::Step::describe)
            .collect::<Vec<_>>(),
        ["film.title: comment changed"]
    );
    for sql in fsync_schema::render::steps::script(&steps, backend) {
        execute(&rebuilt.db, &sql)
            .await
            .unwrap_or_else(|e| panic!("{backend:?}: {e}\n{sql}"));
    }
    assert_eq!(
        drift(&rebuilt, &other).await,
        Vec::<String>::new(),
        "{backend:?}"
    );
    rebuilt.close().await.unwrap();
    test.close().await.unwrap();
}
