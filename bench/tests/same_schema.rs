//! The baseline is a fair one: the hand-written migration builds the database
//! that `fsync migrate up` builds, and the hand-written entities describe it.

use fsync_schema::catalogue::{self, Catalogue};
use fsync_schema::migration::{self, Command};
use sea_orm::{ColumnTrait, DatabaseConnection, Iterable};
use sea_orm_migration::MigratorTrait;

async fn memory() -> DatabaseConnection {
    fsync::db::connect("sqlite::memory:").await.unwrap()
}

/// Declared types compared without case: sea-query writes `integer`, the
/// spec (and fsync-schema) `INTEGER`; SQLite reads them alike.
fn normalized(mut catalogue: Catalogue) -> Catalogue {
    for table in catalogue.tables.values_mut() {
        for column in &mut table.columns {
            column.declared_type = column.declared_type.to_ascii_uppercase();
        }
    }
    catalogue
}

#[tokio::test]
async fn the_hand_written_migration_builds_the_same_catalogue() {
    let generated = memory().await;
    migration::run::<fsync::migrations::Migrator>(&generated, Command::Up(None))
        .await
        .unwrap();
    let hand = memory().await;
    fsync_bench::hand_migration::Migrator::up(&hand, None)
        .await
        .unwrap();
    let (generated, hand) = (
        normalized(catalogue::read(&generated).await.unwrap()),
        normalized(catalogue::read(&hand).await.unwrap()),
    );
    assert_eq!(generated.tables.len(), 3);
    assert_eq!(generated, hand);
}

#[test]
fn the_hand_written_entities_have_the_same_tables_and_columns() {
    use fsync_bench::hand;
    /// The table name, and each column's name, SeaORM type, nullability and uniqueness.
    type Shape = (String, Vec<(String, String, bool, bool)>);
    fn columns<E: sea_orm::EntityTrait>() -> Shape {
        (
            E::default().table_name().to_owned(),
            E::Column::iter()
                .map(|c| {
                    let def = c.def();
                    (
                        sea_orm::IdenStatic::as_str(&c).to_owned(),
                        format!("{:?}", def.get_column_type()),
                        def.is_null(),
                        def.is_unique(),
                    )
                })
                .collect(),
        )
    }
    use fsync::entities as derived;
    assert_eq!(
        columns::<hand::entry::Entity>(),
        columns::<derived::entry::Entity>()
    );
    assert_eq!(
        columns::<hand::sync_conduit::Entity>(),
        columns::<derived::sync_conduit::Entity>()
    );
    assert_eq!(
        columns::<hand::sync_generation::Entity>(),
        columns::<derived::sync_generation::Entity>()
    );
}
