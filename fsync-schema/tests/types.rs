//! Real column types through `pull`, per backend, on focused fixtures
//! (`tests/data/types/`): MySQL's unsigned integers, YEAR, ENUM and SET;
//! PostgreSQL's native enums, a domain, arrays and the types SeaORM has no
//! Rust type for (carried as opaque columns read as text); SQLite's
//! `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT` and `TRUE`/`FALSE` defaults.
//!
//! As for Chinook (`tests/chinook.rs`): what `pull` writes is the committed
//! `tests/types/<backend>/` (compiled here; regenerate with
//! `FSYNC_PULL_OVERWRITE=1 cargo test -p fsync-schema --features pull --test types`
//! with both server URLs set), the database shows no drift from it, its DDL
//! builds the same catalogue in a fresh database, and SeaORM writes and
//! reads a row of every table through it.
#![cfg(feature = "pull")]

mod common;

#[path = "types/mysql/mod.rs"]
mod mysql_entities;
#[path = "types/postgres/mod.rs"]
mod postgres_entities;
#[path = "types/sqlite/mod.rs"]
mod sqlite_entities;
#[rustfmt::skip] // written by codegen, as it writes it
#[path = "types/migration.rs"]
mod written_migration;

use common::{TestDb, server_url};
use fsync_schema::compare::{Sides, compare_with};
use fsync_schema::{Backend, Schema, introspect, pull};
use fsync_test_macros::{each_backend, needs};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use std::path::{Path, PathBuf};

/// How the fixtures are made (it goes into their headers).
const COMMAND: &str =
    "FSYNC_PULL_OVERWRITE=1 cargo test -p fsync-schema --features pull --test types";

fn script(backend: Backend) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/types")
        .join(format!("{}.sql", backend.name()));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_dir(backend: Backend) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/types")
        .join(backend.name())
}

/// Runs a script of `;`-separated statements on one connection.
async fn load(db: &TestDb, script: &str) {
    let txn = db.db.begin().await.expect("begin");
    let code: String = script
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in code.split(';').filter(|s| !s.trim().is_empty()) {
        txn.execute_raw(Statement::from_string(
            txn.get_database_backend(),
            statement,
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}\n  in: {statement}"));
    }
    txn.commit().await.expect("commit");
}

/// Compares the pulled files with the fixture, or rewrites the fixture
/// when `FSYNC_PULL_OVERWRITE` is set.
fn check_fixture(backend: Backend, pulled: &pull::Pulled) {
    let dir = fixture_dir(backend);
    if std::env::var_os("FSYNC_PULL_OVERWRITE").is_some() {
        pull::write(&dir, pulled, false).expect("write the fixture");
        return;
    }
    let mut stale = Vec::new();
    for (name, contents) in &pulled.files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale pulled fixtures (run `{COMMAND}`): {stale:?}"
    );
}

/// Pulls the fixture of `backend`, checks the committed entities against
/// it, the database against them (no drift) and their DDL against it (the
/// same catalogue); returns the source database for rows. What the schema
/// does not manage (a PostgreSQL domain) is created in the fresh database
/// first, from the definition `pull` names in its note.
async fn pulled(backend: Backend, entities: Schema) -> Option<TestDb> {
    let url = server_url(backend)?;
    let source = TestDb::fresh(backend, &url, "types")
        .await
        .expect("database");
    load(&source, &script(backend)).await;

    let pulled = pull::pull(&source.db, COMMAND).await.expect("pull");
    check_fixture(backend, &pulled);
    let domains = introspect::domains(&source.db).await.expect("domains");
    assert_eq!(pulled.notes.len(), domains.len(), "{:?}", pulled.notes);

    // The derive builds what `pull` planned.
    let read = introspect::schema(&source.db).await.expect("introspect");
    let planned = Schema::new(
        pull::plan(&read, backend)
            .expect("plan")
            .iter()
            .map(pull::Entity::derived_table),
    );
    let differences = compare_with(
        &introspect::as_introspected(&planned, backend),
        &introspect::as_introspected(&entities, backend),
        &Sides::new("planned", "derived"),
    );
    assert!(differences.is_empty(), "{differences:#?}");

    // No drift between the database and its pulled entities.
    let drift = introspect::drift(&source.db, &entities)
        .await
        .expect("drift");
    assert!(drift.is_empty(), "{} drift: {drift:#?}", backend.name());

    // The entities' DDL builds the same catalogue.
    let rebuilt = TestDb::fresh(backend, &url, "types_rebuilt")
        .await
        .expect("database");
    for (name, definition) in &domains {
        assert!(
            pulled
                .notes
                .iter()
                .any(|n| n.contains(name) && n.contains(definition)),
            "{:?}",
            pulled.notes
        );
        load(&rebuilt, definition).await;
    }
    rebuilt
        .apply(&entities)
        .await
        .expect("apply the pulled DDL");
    let again = introspect::schema(&rebuilt.db).await.expect("introspect");
    let differences = compare_with(
        &introspect::as_introspected(&read, backend),
        &introspect::as_introspected(&again, backend),
        &Sides::new("source", "rebuilt"),
    );
    assert!(
        differences.is_empty(),
        "{} catalogue: {differences:#?}",
        backend.name()
    );
    rebuilt.close().await.expect("drop");
    Some(source)
}

#[tokio::test]
async fn types_sqlite() {
    use sea_orm::{ActiveModelTrait, EntityTrait, NotSet, Set};
    use sqlite_entities::setting;
    let Some(db) = pulled(Backend::Sqlite, sqlite_entities::schema()).await else {
        return;
    };
    // The defaults are written as the source writes them.
    let ddl = fsync_schema::render::schema_sql(&sqlite_entities::schema(), Backend::Sqlite)
        .expect("the schema targets SQLite");
    for written in [
        "\"enabled\" BOOLEAN NOT NULL DEFAULT FALSE",
        "\"visible\" BOOLEAN NOT NULL DEFAULT TRUE",
        "\"archived\" BOOLEAN DEFAULT 0",
    ] {
        assert!(ddl.contains(written), "{written} in {ddl}");
    }
    // The key written `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT`, as
    // sea-query writes it, is expressible and shows no drift.
    let mut exact = sqlite_entities::schema();
    exact.tables[0].columns[0].sql_type.sqlite = Some("INTEGER NOT NULL".into());
    let ddl = fsync_schema::render::schema_sql(&exact, Backend::Sqlite).expect("SQLite");
    assert!(
        ddl.contains("\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"),
        "{ddl}"
    );
    let drift = introspect::drift(&db.db, &exact).await.expect("drift");
    assert!(drift.is_empty(), "{drift:#?}");
    // The defaults as the database applies them: FALSE, TRUE, 0.
    common::execute(&db.db, "INSERT INTO setting (name) VALUES ('defaults')")
        .await
        .expect("insert");
    let row = setting::Entity::find_by_id(1)
        .one(&db.db)
        .await
        .expect("select")
        .expect("the row");
    assert_eq!(
        (row.enabled, row.visible, row.archived),
        (false, true, Some(false))
    );
    let written = setting::ActiveModel {
        id: NotSet,
        name: Set("dark mode".into()),
        enabled: Set(true),
        visible: Set(false),
        archived: Set(None),
    }
    .insert(&db.db)
    .await
    .expect("insert through SeaORM");
    assert_eq!(written.id, 2);
    assert_eq!(
        setting::Entity::find_by_id(2)
            .one(&db.db)
            .await
            .expect("select"),
        Some(written)
    );
    db.close().await.expect("drop");
}

#[tokio::test]
#[needs(postgres)]
async fn types_postgres() {
    use postgres_entities::{client, film};
    use sea_orm::prelude::Uuid;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};
    let Some(db) = pulled(Backend::Postgres, postgres_entities::schema()).await else {
        return;
    };
    let domains = introspect::domains(&db.db).await.expect("domains");
    assert_eq!(
        domains,
        [(
            "year".to_owned(),
            "CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))".to_owned()
        )]
    );
    let film = film::ActiveModel {
        film_id: NotSet,
        title: Set("ACADEMY DINOSAUR".into()),
        release_year: Set(Some(2006)),
        rating: Set(Some(client::MpaaRating::Pg13)),
        special_features: Set(Some(vec!["Trailers".into(), "Deleted Scenes".into()])),
        scores: Set(vec![3, 5]),
        fulltext: Set("'academi':1 'dinosaur':2".into()),
        duration: Set(Some("01:26:00".into())),
        price: Set(Some("$0.99".into())),
        flags: Set(Some("10100000".into())),
        public_id: Set(Uuid::nil()),
        last_update: NotSet,
    }
    .insert(&db.db)
    .await
    .expect("insert film");
    // Read back through the casts: the enum and the opaque columns as text.
    assert_eq!(film.rating, Some(client::MpaaRating::Pg13));
    assert_eq!(film.fulltext, "'academi':1 'dinosaur':2");
    assert_eq!(film.duration.as_deref(), Some("01:26:00"));
    assert_eq!(film.flags.as_deref(), Some("10100000"));
    assert_eq!(
        film.special_features,
        Some(vec!["Trailers".to_owned(), "Deleted Scenes".to_owned()])
    );
    // The domain still checks its values.
    let mut too_old: film::ActiveModel = film.clone().into();
    too_old.release_year = Set(Some(1800));
    assert!(too_old.update(&db.db).await.is_err(), "the domain's CHECK");

    let client = client::ActiveModel {
        client_id: NotSet,
        address: Set(Some("192.168.0.1".into())),
        network: Set(Some("10.0.0.0/8".into())),
        mac: Set(Some("08:00:2b:01:02:03".into())),
        profile: Set(Some("<p>fan</p>".into())),
        favourite: Set(client::MpaaRating::Nc17),
        film_id: Set(Some(film.film_id)),
    }
    .insert(&db.db)
    .await
    .expect("insert client");
    // PostgreSQL writes an inet as text with its mask.
    assert_eq!(client.address.as_deref(), Some("192.168.0.1/32"));
    // Filters cast the value to the enum type.
    let fans = client::Entity::find()
        .filter(client::Column::Favourite.eq(client::MpaaRating::Nc17))
        .all(&db.db)
        .await
        .expect("filter by an enum");
    assert_eq!(fans, vec![client]);
    let by_rating = film::Entity::find()
        .filter(film::Column::Rating.eq(client::MpaaRating::Pg13))
        .one(&db.db)
        .await
        .expect("filter by an enum");
    assert_eq!(by_rating, Some(film));
    db.close().await.expect("drop");
}

#[tokio::test]
#[needs(mysql)]
async fn types_mysql() {
    use mysql_entities::{film, inventory};
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, NotSet, QueryFilter, Set,
    };
    let Some(db) = pulled(Backend::MySql, mysql_entities::schema()).await else {
        return;
    };
    let film = film::ActiveModel {
        film_id: NotSet,
        title: Set("ACADEMY DINOSAUR".into()),
        release_year: Set(Some(2006)),
        rating: Set(Some(film::FilmRating::Pg13)),
        // Given out of the set's order: kept in it, as MySQL stores them.
        special_features: Set(Some(
            [
                film::FilmSpecialFeatures::DeletedScenes,
                film::FilmSpecialFeatures::Trailers,
            ]
            .into_iter()
            .collect(),
        )),
        audiences: NotSet,
        rental_duration: Set(u8::MAX),
        length: Set(Some(u16::MAX)),
        views: Set(u32::MAX),
        bytes: Set(u64::MAX),
        created: NotSet,
        last_update: NotSet,
    }
    .insert(&db.db)
    .await
    .expect("insert film");
    assert_eq!(
        (
            film.release_year,
            film.rental_duration,
            film.length,
            film.views,
            film.bytes
        ),
        (Some(2006), u8::MAX, Some(u16::MAX), u32::MAX, u64::MAX)
    );
    assert_eq!(film.rating, Some(film::FilmRating::Pg13));
    assert_eq!(
        film.special_features
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("Trailers,Deleted Scenes")
    );
    assert_eq!(film.audiences.to_string(), "teens,adults", "the default");
    assert!(film.audiences.contains(&film::FilmAudiences::Adults));
    let copy = inventory::ActiveModel {
        inventory_id: NotSet,
        film_id: Set(film.film_id),
        state: NotSet,
    }
    .insert(&db.db)
    .await
    .expect("insert inventory");
    assert_eq!(copy.state, inventory::InventoryState::In, "the default");
    let lost = inventory::Entity::find()
        .filter(inventory::Column::State.eq(inventory::InventoryState::In))
        .all(&db.db)
        .await
        .expect("filter by an enum");
    assert_eq!(lost, vec![copy.clone()]);
    let of_film = copy
        .find_related(film::Entity)
        .one(&db.db)
        .await
        .expect("the film of the copy");
    assert_eq!(of_film, Some(film));
    db.close().await.expect("drop");
}

/// A UUID default, where the schema does not target MySQL (see
/// `tests/ui/targets/uuid_default_on_mysql.rs`).
mod tokens {
    fsync_schema::entities! {
        targets(sqlite, postgres);
        pub mod token {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "token")]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                #[schema(default = "6f1f5c3e-0000-4000-8000-00000000000a")]
                pub public_id: sea_orm::prelude::Uuid,
            }
        }
    }
}

/// A string default on a `Uuid` column: PostgreSQL's literal, the 16 bytes
/// as a hex literal on SQLite (where SeaORM stores a Uuid as a BLOB); no
/// drift, and SeaORM reads the default back.
#[each_backend(sqlite, postgres)]
async fn uuid_string_defaults(backend: Backend) {
    use sea_orm::EntityTrait;
    use tokens::token;
    let url = server_url(backend).unwrap();
    let db = TestDb::fresh(backend, &url, "uuid")
        .await
        .expect("database");
    db.apply(&tokens::schema()).await.expect("DDL");
    let drift = introspect::drift(&db.db, &tokens::schema())
        .await
        .expect("drift");
    assert!(drift.is_empty(), "{}: {drift:#?}", backend.name());
    common::execute(&db.db, "INSERT INTO token (id) VALUES (1)")
        .await
        .expect("insert");
    let row = token::Entity::find_by_id(1)
        .one(&db.db)
        .await
        .expect("select")
        .expect("the row");
    assert_eq!(
        row.public_id.to_string(),
        "6f1f5c3e-0000-4000-8000-00000000000a",
        "{}",
        backend.name()
    );
    db.close().await.expect("drop");
}

/// Entities written by hand, for every backend: unsigned integers, a
/// native enum, and a plain field over a nullable column.
mod catalog {
    fsync_schema::entities! {
        pub mod film {
            #[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
            #[text(native = "mpaa_rating")]
            pub enum Rating {
                #[text(rename = "G")]
                G,
                #[text(rename = "PG-13")]
                Pg13,
            }

            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "film")]
            pub struct Model {
                #[schema(primary_key, autoincrement)]
                pub id: u32,
                #[schema(default = "G")]
                pub rating: Rating,
                pub tiny: u8,
                pub small: Option<u16>,
                #[schema(default = 7)]
                pub medium: u32,
                #[schema(default = "G,PG-13")]
                pub allowed: fsync_schema::EnumSet<Rating>,
                #[schema(nullable)]
                pub note: String,
            }
        }
    }
}

/// `catalog` on every backend: its DDL (a PostgreSQL enum type, unsigned
/// columns with their range CHECKs where the backend has no unsigned
/// types), no drift, SeaORM writing and reading the largest values and an
/// enum value, and the database refusing a value out of range.
#[each_backend]
async fn unsigned_and_native_enums_by_hand(backend: Backend) {
    use catalog::film;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};
    let url = server_url(backend).unwrap();
    let db = TestDb::fresh(backend, &url, "by_hand")
        .await
        .expect("database");
    db.apply(&catalog::schema()).await.expect("DDL");
    let drift = introspect::drift(&db.db, &catalog::schema())
        .await
        .expect("drift");
    assert!(drift.is_empty(), "{}: {drift:#?}", backend.name());
    // Another value in the entities is drift where the database keeps
    // the values (not on SQLite, where the column is TEXT).
    let mut more = catalog::schema();
    let rating = more.tables[0].columns[1].enum_type.as_mut().expect("enum");
    rating.values.push("R".into());
    let drift: Vec<String> = introspect::drift(&db.db, &more)
        .await
        .expect("drift")
        .iter()
        .map(ToString::to_string)
        .collect();
    let expected: &[&str] = match backend {
        Backend::Sqlite => &[],
        Backend::Postgres => &[
            "film.rating: type is MPAA_RATING ('G', 'PG-13', 'R') in the entities but MPAA_RATING ('G', 'PG-13') in the database",
        ],
        Backend::MySql => &[
            "film.rating: type is ENUM('G','PG-13','R') in the entities but ENUM('G','PG-13') in the database",
        ],
    };
    assert_eq!(drift, expected, "{}", backend.name());
    let row = film::ActiveModel {
        id: NotSet,
        rating: Set(film::Rating::Pg13),
        tiny: Set(u8::MAX),
        small: Set(Some(u16::MAX)),
        medium: Set(u32::MAX),
        allowed: Set([film::Rating::Pg13].into_iter().collect()),
        note: Set("kept".into()),
    }
    .insert(&db.db)
    .await
    .unwrap_or_else(|e| panic!("{}: {e}", backend.name()));
    assert_eq!(
        (row.rating, row.tiny, row.small, row.medium),
        (film::Rating::Pg13, u8::MAX, Some(u16::MAX), u32::MAX),
        "{}",
        backend.name()
    );
    let found = film::Entity::find()
        .filter(film::Column::Rating.eq(film::Rating::Pg13))
        .all(&db.db)
        .await
        .expect("filter by an enum");
    assert_eq!(found, vec![row.clone()], "{}", backend.name());
    assert_eq!(row.allowed.to_string(), "PG-13", "{}", backend.name());
    // A set's default, as the database applies it.
    common::execute(
        &db.db,
        "INSERT INTO film (rating, tiny, note) VALUES ('G', 2, 'x')",
    )
    .await
    .expect("a row with the defaults");
    let defaults = film::Entity::find()
        .filter(film::Column::Tiny.eq(2u8))
        .one(&db.db)
        .await
        .expect("select")
        .expect("the row");
    assert_eq!(
        defaults.allowed.to_string(),
        "G,PG-13",
        "{}",
        backend.name()
    );
    // `note` is nullable in the database; this model reads it as never
    // NULL, and a NULL is an error naming the column.
    common::execute(&db.db, "INSERT INTO film (rating, tiny) VALUES ('G', 1)")
        .await
        .expect("a row without a note");
    let error = film::Entity::find()
        .all(&db.db)
        .await
        .expect_err("a NULL note read as a String");
    assert!(
        error.to_string().contains("note"),
        "{}: {error}",
        backend.name()
    );
    for (column, value) in [("tiny", "256"), ("tiny", "-1"), ("medium", "4294967296")] {
        let insert = format!("INSERT INTO film (rating, tiny, {column}) VALUES ('G', 1, {value})")
            .replace("tiny, tiny", "tiny");
        let result = common::execute(&db.db, &insert).await;
        assert!(result.is_err(), "{}: {insert} was accepted", backend.name());
    }
    db.close().await.expect("drop");
}

/// Native enums through migrations, run by the `Runner` as `migrate up`
/// does: the type created before its first table, values added in place
/// (and usable in the same migration: PostgreSQL gets them before the
/// migration's transaction), dropped after its last table; the database
/// matches each version. On PostgreSQL a migration that adds values cannot
/// be undone (the type keeps them) and `down` says so.
#[each_backend]
async fn native_enums_through_migrations(backend: Backend) {
    use fsync_schema::migration::prelude::*;
    use fsync_schema::migration::{Command, Runner};
    use fsync_schema::{Column, ColumnType, EnumType, Table, changes};

    struct Generated {
        name: String,
        steps: Vec<Step>,
    }
    impl MigrationName for Generated {
        fn name(&self) -> &str {
            &self.name
        }
    }
    #[async_trait]
    impl MigrationTrait for Generated {
        fn use_transaction(&self) -> Option<bool> {
            Some(true)
        }
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            apply(manager, &self.steps, Direction::Up).await
        }
        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            apply(manager, &self.steps, Direction::Down).await
        }
    }

    let rating = |values: &[&str]| EnumType::new("mpaa_rating", values.iter().copied());
    let film = |values: &[&str]| {
        Table::new("film")
            .with_column(Column::new("id", ColumnType::Integer))
            .with_column(Column::enumeration("rating", rating(values)))
            .primary_key(["id"])
    };
    let v1 = Schema::new([film(&["G", "PG"])]);
    let v2 = Schema::new([
        film(&["NC", "G", "PG", "PG-13"]),
        Table::new("review")
            .with_column(Column::new("id", ColumnType::Integer))
            .with_column(
                Column::enumeration("rating", rating(&["NC", "G", "PG", "PG-13"]))
                    .default(fsync_schema::DefaultValue::Text("PG-13".into())),
            )
            .primary_key(["id"]),
    ]);
    let v3 = Schema::new([Table::new("other")
        .with_column(Column::new("id", ColumnType::Integer))
        .primary_key(["id"])]);
    let versions = [
        ("m1_create", Schema::default(), v1.clone()),
        ("m2_add_values", v1.clone(), v2.clone()),
        ("m3_drop", v2.clone(), v3.clone()),
    ];
    let steps: Vec<(String, Vec<Step>)> = versions
        .iter()
        .map(|(name, from, to)| (name.to_string(), changes::steps(from, to)))
        .collect();
    let describe = |i: usize| {
        steps[i]
            .1
            .iter()
            .flat_map(Step::describe)
            .collect::<Vec<_>>()
    };
    assert_eq!(describe(0)[0], "create enum `mpaa_rating` ('G', 'PG')");
    assert_eq!(
        describe(1)[0],
        "enum `mpaa_rating`: ('G', 'PG') → ('NC', 'G', 'PG', 'PG-13')"
    );
    assert_eq!(describe(2).last().unwrap(), "drop enum `mpaa_rating`");
    assert!(
        matches!(steps[2].1.last(), Some(Step::DropEnum(_))),
        "the type goes after its tables: {:?}",
        describe(2)
    );

    let url = server_url(backend).unwrap();
    let db = TestDb::fresh(backend, &url, "enum_migrations")
        .await
        .expect("database");
    let migrations = || -> Vec<Box<dyn MigrationTrait>> {
        steps
            .iter()
            .map(|(name, steps)| {
                Box::new(Generated {
                    name: name.clone(),
                    steps: steps.clone(),
                }) as Box<dyn MigrationTrait>
            })
            .collect()
    };
    let runner = || {
        Runner::new(&db.db, migrations())
            .with_steps(steps.iter().map(|(n, s)| (n.as_str(), s.clone())))
    };
    for (n, (name, _, schema)) in versions.iter().enumerate() {
        runner()
            .run(Command::Up(Some(1)), false)
            .await
            .unwrap_or_else(|e| panic!("{} {name}: {e}", backend.name()));
        let mut drift = introspect::drift(&db.db, schema).await.expect("drift");
        // The runner's journal of MySQL runs.
        drift.retain(|f| f.table != "fsync_schema_journal");
        assert!(
            drift.is_empty(),
            "{} after {name}: {drift:#?}",
            backend.name()
        );
        if n == 1 {
            // The added values, and the new table's default, hold.
            common::execute(&db.db, "INSERT INTO film (id, rating) VALUES (1, 'NC')")
                .await
                .expect("a new value");
            common::execute(&db.db, "INSERT INTO review (id) VALUES (1)")
                .await
                .expect("the default");
            let select = match backend {
                Backend::Postgres => "SELECT rating::text FROM review",
                _ => "SELECT rating FROM review",
            };
            let rows = db
                .db
                .query_all_raw(Statement::from_string(db.db.get_database_backend(), select))
                .await
                .expect("select");
            let value: String = rows[0].try_get_by_index(0).expect("text");
            assert_eq!(value, "PG-13", "{}", backend.name());
            if backend == Backend::Postgres {
                // Down cannot drop the values; it fails and changes nothing.
                let error = runner()
                    .run(Command::Down(Some(1)), true)
                    .await
                    .expect_err("down of added values on PostgreSQL");
                assert!(
                    error.to_string().contains("PostgreSQL only adds values"),
                    "{error}"
                );
                let drift = introspect::drift(&db.db, schema).await.expect("drift");
                assert!(drift.is_empty(), "after the failed down: {drift:#?}");
            }
        }
    }
    // Nothing of the enum is left.
    if backend == Backend::Postgres {
        let rows = db
            .db
            .query_all_raw(Statement::from_string(
                db.db.get_database_backend(),
                "SELECT typname FROM pg_type WHERE typname = 'mpaa_rating' \
                 AND typnamespace = current_schema()::regnamespace",
            ))
            .await
            .expect("pg_type");
        assert!(rows.is_empty(), "the enum type is dropped");
    }
    db.close().await.expect("drop");
    // `fresh` drops the tables and the enum type, and builds them again
    // (on a database of the first migration alone: `fresh` drops what the
    // migrations build in the end, and m3 dropped the enum).
    let db = TestDb::fresh(backend, &url, "enum_fresh")
        .await
        .expect("database");
    for command in [Command::Up(None), Command::Fresh] {
        Runner::new(&db.db, migrations().into_iter().take(1).collect())
            .with_steps([(steps[0].0.as_str(), steps[0].1.clone())])
            .run(command, true)
            .await
            .unwrap_or_else(|e| panic!("{} {command:?}: {e}", backend.name()));
    }
    let mut drift = introspect::drift(&db.db, &v1).await.expect("drift");
    drift.retain(|f| f.table != "fsync_schema_journal");
    assert!(
        drift.is_empty(),
        "{} after fresh: {drift:#?}",
        backend.name()
    );
    db.close().await.expect("drop");
}

/// The steps of a schema with every new type (native enums created and
/// extended, arrays, unsigned integers, a UUID default), written as a
/// migration file by `codegen` (`tests/types/migration.rs`, compiled here:
/// regenerate it with `FSYNC_PULL_OVERWRITE=1`): the file builds, and its
/// `steps()` are the steps it was written from, and on PostgreSQL (where
/// arrays exist) the runner applies it and the database matches the schema.
#[tokio::test]
async fn migration_files_carry_the_new_types() {
    use fsync_schema::{
        Column, ColumnType, DefaultValue, Element, EnumType, Table, changes, codegen,
    };
    let rating = |values: &[&str]| EnumType::new("mpaa_rating", values.iter().copied());
    let film =
        |values: &[&str]| {
            Table::new("film")
                .with_column(Column::new("id", ColumnType::Unsigned).autoincrement())
                .with_column(Column::enumeration("rating", rating(values)).nullable())
                .with_column(Column::new("tags", ColumnType::Array(Element::Text)))
                .with_column(Column::new("tiny", ColumnType::TinyUnsigned))
                .with_column(Column::new("public_id", ColumnType::Uuid).default(
                    DefaultValue::Text("00000000-0000-0000-0000-000000000000".into()),
                ))
                .primary_key(["id"])
        };
    let v1 = Schema::new([film(&["G", "PG"])]);
    let v2 = Schema::new([film(&["G", "PG", "R"])]);
    let mut steps = changes::steps(&Schema::default(), &v1);
    steps.extend(changes::steps(&v1, &v2));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/types/migration.rs");
    let source = codegen::migration_file("m20261204_000001_types", "cargo test", COMMAND, &steps);
    if std::env::var_os("FSYNC_PULL_OVERWRITE").is_some() {
        std::fs::write(&path, &source).expect("write the migration");
    }
    assert_eq!(
        std::fs::read_to_string(&path).expect("the migration"),
        source,
        "stale {} (run `{COMMAND}`)",
        path.display()
    );
    assert_eq!(written_migration::steps(), steps);
    for backend in Backend::ALL {
        let script = fsync_schema::render::steps::script(&steps, backend);
        let created = script
            .iter()
            .filter(|s| s.starts_with("CREATE TYPE"))
            .count();
        assert_eq!(
            created,
            usize::from(backend == Backend::Postgres),
            "{script:#?}"
        );
    }
    let Some(url) = server_url(Backend::Postgres) else {
        return;
    };
    let db = TestDb::fresh(Backend::Postgres, &url, "written")
        .await
        .expect("database");
    fsync_schema::migration::Runner::new(&db.db, vec![Box::new(written_migration::Migration)])
        .with_steps([("m20261204_000001_types", written_migration::steps())])
        .run(fsync_schema::migration::Command::Up(None), false)
        .await
        .expect("migrate up");
    let drift = introspect::drift(&db.db, &v2).await.expect("drift");
    assert!(drift.is_empty(), "{drift:#?}");
    db.close().await.expect("drop");
}

/// `catalog` but for its key, a plain `i32`: sea-query's PostgreSQL builder
/// panics on an auto-increment unsigned column ("Unsigned doesn't support
/// auto increment"), so SeaORM's builder cannot build `catalog` there.
mod builder {
    fsync_schema::entities! {
        pub mod film {
            #[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
            #[text(native = "mpaa_rating")]
            pub enum Rating {
                #[text(rename = "G")]
                G,
                #[text(rename = "PG-13")]
                Pg13,
            }

            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "film")]
            pub struct Model {
                #[schema(primary_key, autoincrement)]
                pub id: i32,
                #[schema(default = "G")]
                pub rating: Rating,
                pub tiny: u8,
                pub small: Option<u16>,
                #[schema(default = 7)]
                pub medium: u32,
            }
        }
    }
}

/// SeaORM's schema builder on `builder`'s metadata (`Column::def()`) builds
/// what `render` builds on every backend, but for the differences
/// `seaorm::known_difference` explains (the PostgreSQL enum type is created
/// first on both sides, as SeaORM leaves it to `create_enum_from_active_enum`).
#[each_backend]
async fn seaorm_builder_agrees_on_the_new_types(backend: Backend) {
    use fsync_schema::seaorm::{compare_builder, entity_statements};
    let url = server_url(backend).unwrap();
    let ours = TestDb::fresh(backend, &url, "ours")
        .await
        .expect("database");
    let seaorm = TestDb::fresh(backend, &url, "seaorm")
        .await
        .expect("database");
    if backend == Backend::Postgres {
        for enum_type in builder::schema().enum_types() {
            common::execute(&seaorm.db, &fsync_schema::render::create_enum(enum_type))
                .await
                .expect("create the enum");
        }
    }
    let comparison = compare_builder(
        &ours.db,
        &seaorm.db,
        &builder::schema(),
        &[entity_statements::<builder::film::Entity>],
    )
    .await
    .expect("compare");
    assert!(
        comparison.unexplained.is_empty(),
        "{}: {:#?}",
        backend.name(),
        comparison.unexplained
    );
    ours.close().await.expect("drop");
    seaorm.close().await.expect("drop");
}
