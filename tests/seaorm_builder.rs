//! SeaORM's own schema builder (`Schema::create_table_from_entity` and
//! `create_index_from_entity`) on the derived entities builds the catalogue
//! that `render::schema_sql` builds, on SQLite, PostgreSQL and MariaDB, but for
//! the differences `fsync_schema::seaorm::known_difference` lists with their
//! reasons. Run for this repository's entities and for a small library schema
//! with a composite key, a self-reference, a text enum and indexes.

mod common;

use fsync_schema::seaorm::{self, BuilderComparison, EntityStatements};
use fsync_schema::{Backend, Schema};
use fsync_test_macros::each_backend;
use std::collections::BTreeMap;

/// A lending library: authors (a self-reference), shelves (a composite
/// UNIQUE), books (a text enum with a default, a composite index, a type
/// override), loans (a composite primary key of two foreign keys).
mod library {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
    pub enum Condition {
        New,
        Good,
        Worn,
    }

    pub mod author {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "author", has_many(super::book::author_id, relation = Books))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(max_len = 120, unique)]
            pub name: String,
            #[schema(references = self::id, on_delete = set_null, relation = Mentor)]
            pub mentor_id: Option<i32>,
            #[schema(default = true)]
            pub active: bool,
        }
    }

    pub mod shelf {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(
            table = "shelf",
            unique(name = "uq_shelf_room_label", columns(room, label))
        )]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(max_len = 40)]
            pub room: String,
            #[schema(max_len = 20)]
            pub label: String,
            #[schema(default = 1.5)]
            pub height_m: f64,
        }
    }

    pub mod book {
        use super::Condition;

        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(
            table = "book",
            index(name = "idx_book_shelf_title", columns(shelf_id, title))
        )]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i64,
            #[schema(references = super::author::id, on_delete = cascade)]
            pub author_id: i32,
            #[schema(references = super::shelf::id, on_delete = restrict)]
            pub shelf_id: Option<i32>,
            #[schema(max_len = 200)]
            pub title: String,
            #[schema(sql_type(
                sqlite = "VARCHAR(13)",
                postgres = "VARCHAR(13)",
                mysql = "VARCHAR(13)"
            ))]
            pub isbn: Option<String>,
            #[schema(default = "good", max_len = 10, index = "idx_book_condition")]
            pub condition: Condition,
            #[schema(default = 0)]
            pub pages: i32,
            pub note: Option<String>,
        }
    }

    pub mod loan {
        use chrono::{DateTime, Utc};

        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "loan", primary_key(book_id, reader))]
        pub struct Model {
            #[schema(references = super::book::id, on_delete = cascade)]
            pub book_id: i64,
            #[schema(max_len = 80)]
            pub reader: String,
            #[schema(default = current_timestamp)]
            pub lent_at: DateTime<Utc>,
            pub returned_at: Option<DateTime<Utc>>,
            #[schema(default = "")]
            pub remark: String,
        }
    }

    pub fn schema() -> fsync_schema::Schema {
        use fsync_schema::SchemaEntity;
        fsync_schema::Schema::new([
            author::Entity::table(),
            shelf::Entity::table(),
            book::Entity::table(),
            loan::Entity::table(),
        ])
    }

    pub const ENTITIES: &[fsync_schema::seaorm::EntityStatements] = &[
        fsync_schema::seaorm::entity_statements::<author::Entity>,
        fsync_schema::seaorm::entity_statements::<shelf::Entity>,
        fsync_schema::seaorm::entity_statements::<book::Entity>,
        fsync_schema::seaorm::entity_statements::<loan::Entity>,
    ];
}

const FSYNC_ENTITIES: &[EntityStatements] = &[
    seaorm::entity_statements::<fsync::entities::entry::Entity>,
    seaorm::entity_statements::<fsync::entities::sync_conduit::Entity>,
    seaorm::entity_statements::<fsync::entities::sync_generation::Entity>,
];

/// The known differences, one a line with its kind, then each kind's reason.
fn summary(comparison: &BuilderComparison) -> String {
    let mut out = String::new();
    let mut kinds = Vec::new();
    for (finding, known) in &comparison.known {
        out += &format!("{finding} [{known:?}]\n");
        kinds.push(*known);
    }
    kinds.sort();
    kinds.dedup();
    for known in kinds {
        out += &format!("\n{known:?}: {}\n", known.reason());
    }
    out
}

/// Builds `schema` both ways on two fresh databases of each backend,
/// prints every difference, fails on any not known, and snapshots the
/// known ones per table.
async fn agrees(backend: Backend, tag: &str, schema: &Schema, entities: &[EntityStatements]) {
    let ours = common::db(backend, &format!("{tag}_render")).await;
    let theirs = common::db(backend, &format!("{tag}_seaorm")).await;
    {
        let backend = ours.backend;
        let comparison = seaorm::compare_builder(&ours.db, &theirs.db, schema, entities)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", backend.name()));
        let mut per_table: BTreeMap<&str, usize> = BTreeMap::new();
        for finding in comparison
            .known
            .iter()
            .map(|(f, _)| f)
            .chain(&comparison.unexplained)
        {
            *per_table.entry(finding.table.as_str()).or_default() += 1;
        }
        eprintln!(
            "{tag} on {}: differences per table {per_table:?}",
            backend.name()
        );
        for finding in &comparison.unexplained {
            eprintln!("  UNEXPLAINED: {finding}");
        }
        assert!(
            comparison.unexplained.is_empty(),
            "{}: SeaORM's builder differs from render in ways not known: {:#?}",
            backend.name(),
            comparison.unexplained
        );
        insta::assert_snapshot!(format!("{tag}_{}", backend.name()), summary(&comparison));
        ours.drop_database().await;
        theirs.drop_database().await;
    }
}

#[each_backend]
async fn fsync_entities_build_the_same_catalogue_with_seaorm(backend: Backend) {
    agrees(backend, "fsync", &fsync::entities::schema(), FSYNC_ENTITIES).await;
}

#[each_backend]
async fn library_entities_build_the_same_catalogue_with_seaorm(backend: Backend) {
    assert_eq!(library::ENTITIES.len(), library::schema().tables.len());
    agrees(backend, "library", &library::schema(), library::ENTITIES).await;
}

/// The metadata itself: what `Column::def()` carries for a few columns.
#[test]
fn column_def_carries_defaults_uniques_and_indexes() {
    use library::book::Column as Book;
    use sea_orm::{ColumnTrait, ColumnType};
    let title = Book::Title.def();
    assert_eq!(
        title.get_column_type(),
        &ColumnType::String(sea_orm::sea_query::StringLen::N(200))
    );
    assert!(!title.is_null());
    assert_eq!(
        Book::Isbn.def().get_column_type(),
        &ColumnType::custom("VARCHAR(13)")
    );
    assert!(Book::Note.def().is_null());
    let condition = Book::Condition.def();
    assert_eq!(
        condition.get_column_type(),
        &ColumnType::String(sea_orm::sea_query::StringLen::N(10))
    );
    assert_eq!(
        condition.get_column_default(),
        Some(&sea_orm::sea_query::Expr::val("good"))
    );
    assert!(library::author::Column::Name.def().is_unique());
    assert!(!Book::Title.def().is_unique());
}
