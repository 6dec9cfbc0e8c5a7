//! SeaORM's own schema builder (`Schema::create_table_from_entity`,
//! `create_index_from_entity`) on the catalogue's entities builds what
//! `render` builds, on every backend the schema targets (SQLite always,
//! PostgreSQL when `FSYNC_TEST_POSTGRES_URL` is set), but for the differences
//! `fsync_schema::seaorm::known_difference` lists with their reasons.

use catalogue::entities::{author, book, book_author, genre, loan};
use fsync_schema::Backend;
use fsync_schema::seaorm::{self, EntityStatements};
use fsync_test_macros::each_backend;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const ENTITIES: &[EntityStatements] = &[
    seaorm::entity_statements::<genre::Entity>,
    seaorm::entity_statements::<author::Entity>,
    seaorm::entity_statements::<book::Entity>,
    seaorm::entity_statements::<book_author::Entity>,
    seaorm::entity_statements::<loan::Entity>,
];

/// Two fresh, empty databases of `backend` and what drops them, or `None`
/// (with a message) when the server's URL is not set.
async fn two_databases(
    backend: Backend,
) -> Option<(DatabaseConnection, DatabaseConnection, Vec<String>)> {
    let connect = |url: String| async move {
        let mut options = sea_orm::ConnectOptions::new(url);
        options.max_connections(1).sqlx_logging(false);
        sea_orm::Database::connect(options).await.unwrap()
    };
    if backend == Backend::Sqlite {
        let a = connect("sqlite::memory:".into()).await;
        let b = connect("sqlite::memory:".into()).await;
        return Some((a, b, Vec::new()));
    }
    let Ok(url) = std::env::var("FSYNC_TEST_POSTGRES_URL") else {
        eprintln!("skipping PostgreSQL: FSYNC_TEST_POSTGRES_URL is not set");
        return None;
    };
    let admin = connect(url.clone()).await;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    let mut names = Vec::new();
    let mut dbs = Vec::new();
    for side in ["render", "seaorm"] {
        let name = format!("catalogue_builder_{side}_{}", std::process::id());
        for sql in [
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ] {
            admin
                .execute_raw(Statement::from_string(admin.get_database_backend(), sql))
                .await
                .unwrap();
        }
        dbs.push(connect(format!("{base}/{name}")).await);
        names.push(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    }
    let seaorm_db = dbs.pop().unwrap();
    let render_db = dbs.pop().unwrap();
    // Keep the admin connection's URL to drop the databases afterwards.
    names.insert(0, url);
    Some((render_db, seaorm_db, names))
}

/// The catalogue targets SQLite and PostgreSQL (not MySQL).
#[each_backend(sqlite, postgres)]
async fn catalogue_entities_build_the_same_catalogue_with_seaorm(backend: Backend) {
    let schema = catalogue::entities::schema();
    assert_eq!(
        ENTITIES.len(),
        schema.tables.len(),
        "every entity is compared"
    );
    assert!(schema.targets.contains(backend));
    let (ours, theirs, cleanup) = two_databases(backend).await.unwrap();
    let comparison = seaorm::compare_builder(&ours, &theirs, &schema, ENTITIES)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", backend.name()));
    ours.close().await.ok();
    theirs.close().await.ok();
    if let Some((url, drops)) = cleanup.split_first() {
        let admin = sea_orm::Database::connect(url.as_str()).await.unwrap();
        for sql in drops {
            admin
                .execute_raw(Statement::from_string(admin.get_database_backend(), sql))
                .await
                .unwrap();
        }
    }
    eprintln!(
        "{}: {} known difference(s), {} other(s)",
        backend.name(),
        comparison.known.len(),
        comparison.unexplained.len()
    );
    for (finding, known) in &comparison.known {
        eprintln!("  known: {finding} [{known:?}]");
    }
    assert!(
        comparison.unexplained.is_empty(),
        "{}: SeaORM's builder differs from render in ways not known: {:#?}",
        backend.name(),
        comparison.unexplained
    );
}
