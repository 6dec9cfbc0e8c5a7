//! A walkthrough of the workflow on a schema of its own: a small bookshop.
//!
//! Version 1 has `author` and `book`. We generate its migration, apply it to a
//! SQLite file and store some rows. Version 2 adds an entity (`publisher`) and
//! a column (`book.pages`, with a default) and renames `book.title` to
//! `book.name`; we generate the incremental migration, read the lint, apply
//! it to the database that holds the rows, and show that every row is kept.
//! Version 3 adds `book.slug`, NOT NULL without a default: the migration fills
//! the existing rows once (`gen-migration --fill "book.slug=.."`) and carries
//! a hand-written data step (SQL with its `down`) after its generated steps.
//!
//! Run it with `cargo run --example walkthrough`.

use fsync_schema::migration::{DataStep, Direction, apply_with_data};
use fsync_schema::{Schema, SchemaEntity, changes, codegen, fill, lint::lint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait,
};
use sea_orm::{ConnectionTrait, PaginatorTrait, Statement};
use sea_orm_migration::SchemaManager;

/// Version 1: authors and their books.
mod v1 {
    pub mod author {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "author", has_many(super::book::author_id, relation = Books))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(unique)]
            pub name: String,
        }
    }

    pub mod book {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "book", index(name = "idx_book_author", columns(author_id)))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(references = super::author::id, on_delete = cascade)]
            pub author_id: i32,
            pub title: String,
        }
    }

    pub fn schema() -> fsync_schema::Schema {
        use fsync_schema::SchemaEntity;
        fsync_schema::Schema::new([author::Entity::table(), book::Entity::table()])
    }
}

/// Version 2: a new entity, a new column, a renamed column.
mod v2 {
    pub mod publisher {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "publisher")]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            pub name: String,
        }
    }

    pub mod author {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "author", has_many(super::book::author_id, relation = Books))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(unique)]
            pub name: String,
        }
    }

    pub mod book {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "book", index(name = "idx_book_author", columns(author_id)))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(references = super::author::id, on_delete = cascade)]
            pub author_id: i32,
            #[schema(renamed_from = "title")]
            pub name: String,
            #[schema(default = 100)]
            pub pages: i32,
            #[schema(references = super::publisher::id, on_delete = set_null)]
            pub publisher_id: Option<i32>,
        }
    }

    pub fn schema() -> fsync_schema::Schema {
        use fsync_schema::SchemaEntity;
        fsync_schema::Schema::new([
            publisher::Entity::table(),
            author::Entity::table(),
            book::Entity::table(),
        ])
    }
}

/// Version 3: `book.slug`, required, filled once for the books already stored.
mod v3 {
    pub use super::v2::{author, publisher};

    pub mod book {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "book", index(name = "idx_book_author", columns(author_id)))]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(references = super::author::id, on_delete = cascade)]
            pub author_id: i32,
            pub name: String,
            #[schema(default = 100)]
            pub pages: i32,
            #[schema(references = super::publisher::id, on_delete = set_null)]
            pub publisher_id: Option<i32>,
            pub slug: String,
        }
    }

    pub fn schema() -> fsync_schema::Schema {
        use fsync_schema::SchemaEntity;
        fsync_schema::Schema::new([
            publisher::Entity::table(),
            author::Entity::table(),
            book::Entity::table(),
        ])
    }
}

/// Generates the migration from `old` to `new`, writes it to `dir`, and applies it.
/// `fills` are `gen-migration --fill` arguments; `data` the data steps written
/// by hand into the generated file's `data_steps()`.
async fn migrate(
    db: &DatabaseConnection,
    dir: &std::path::Path,
    name: &str,
    (old, new): (&Schema, &Schema),
    fills: &[&str],
    data: Vec<DataStep>,
) -> Result<(), Box<dyn std::error::Error>> {
    let fills: Vec<fill::Fill> = fills
        .iter()
        .map(|f| fill::parse(f))
        .collect::<Result<_, _>>()?;
    let (steps, fills) = fill::apply(old, &changes::steps(old, new), &fills)?;
    println!("\n== {name}: {} step(s)", steps.len());
    for change in steps.iter().flat_map(|s| s.describe()) {
        println!("  {change}");
    }
    for finding in lint(old, &changes::steps(old, new)) {
        println!("{finding}");
    }
    let options = codegen::FileOptions {
        fills: fills.clone(),
        lock_timeout: None,
    };
    let source = codegen::migration_file_with(
        name,
        "cargo xtask",
        "cargo run --example walkthrough",
        &steps,
        &options,
    );
    let path = dir.join(format!("{name}.rs"));
    std::fs::write(&path, &source)?;
    println!(
        "wrote {} ({} lines); its steps:",
        path.display(),
        source.lines().count()
    );
    for line in source
        .lines()
        .skip_while(|l| !l.starts_with("pub fn steps"))
        .take(14)
    {
        println!("  | {line}");
    }
    // What the generated file's `up` does: apply its steps in one transaction,
    // with SQLite's foreign keys off so that a table can be rebuilt.
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "PRAGMA foreign_keys = OFF",
    ))
    .await?;
    let txn = db.begin().await?;
    let mut all_data: Vec<DataStep> = fills
        .iter()
        .map(|f| DataStep::fill(f.after, &f.table, &f.column, &f.expr))
        .collect();
    all_data.extend(data);
    apply_with_data(&SchemaManager::new(&txn), &steps, &all_data, Direction::Up).await?;
    txn.commit().await?;
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "PRAGMA foreign_keys = ON",
    ))
    .await?;
    println!("applied {name}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("fsync-walkthrough-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db_path = dir.join("bookshop.db");
    let db = fsync::db::connect(&fsync::db::sqlite_url(&db_path)).await?;
    println!("database: {}", db_path.display());

    migrate(
        &db,
        &dir,
        "m20250101_000001_create_bookshop",
        (&Schema::default(), &v1::schema()),
        &[],
        Vec::new(),
    )
    .await?;

    // Rows written through the version 1 entities.
    for (author, titles) in [
        ("Le Guin", vec!["The Dispossessed", "Lavinia"]),
        ("Calvino", vec!["Invisible Cities"]),
    ] {
        let author = v1::author::ActiveModel {
            name: Set(author.into()),
            ..Default::default()
        }
        .insert(&db)
        .await?;
        for title in titles {
            v1::book::ActiveModel {
                author_id: Set(author.id),
                title: Set(title.into()),
                ..Default::default()
            }
            .insert(&db)
            .await?;
        }
    }
    let before: Vec<v1::book::Model> = v1::book::Entity::find().all(&db).await?;
    println!(
        "\nstored {} authors and {} books",
        v1::author::Entity::find().count(&db).await?,
        before.len()
    );

    migrate(
        &db,
        &dir,
        "m20250102_000002_add_publisher_and_pages",
        (&v1::schema(), &v2::schema()),
        &[],
        Vec::new(),
    )
    .await?;

    // The same rows, read through the version 2 entities.
    let after: Vec<v2::book::Model> = v2::book::Entity::find().all(&db).await?;
    println!("\nrows kept:");
    for book in &after {
        println!(
            "  book {}: {:?} by author {}, {} pages, publisher {:?}",
            book.id, book.name, book.author_id, book.pages, book.publisher_id
        );
    }
    assert_eq!(after.len(), before.len(), "every book is kept");
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(
            (old.id, old.author_id, &old.title),
            (new.id, new.author_id, &new.name)
        );
        assert_eq!(new.pages, 100, "the new column takes its default");
    }
    let publisher = v2::publisher::ActiveModel {
        name: Set("Gollancz".into()),
        ..Default::default()
    }
    .insert(&db)
    .await?;
    let mut book: v2::book::ActiveModel = after[0].clone().into();
    book.publisher_id = Set(Some(publisher.id));
    book.update(&db).await?;
    let linked = v2::book::Entity::find()
        .find_also_related(v2::publisher::Entity)
        .all(&db)
        .await?;
    println!(
        "  {} book(s) now have a publisher",
        linked.iter().filter(|(_, p)| p.is_some()).count()
    );

    // Version 3: a required `slug`, filled once from the name; then a data
    // step (written by hand in the migration's `data_steps()`) gives the books
    // of each author a page count of at least 100, and undoes nothing on `down`.
    migrate(
        &db,
        &dir,
        "m20250103_000003_add_slug",
        (&v2::schema(), &v3::schema()),
        &["book.slug=lower(replace(name, ' ', '-'))"],
        vec![
            DataStep::after(2)
                .named("at least 100 pages")
                .sql("UPDATE book SET pages = 100 WHERE pages < 100")
                .down_nothing(),
        ],
    )
    .await?;
    let slugs: Vec<String> = v3::book::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|b| b.slug)
        .collect();
    println!("\nslugs filled once: {slugs:?}");
    assert_eq!(
        slugs,
        ["the-dispossessed", "lavinia", "invisible-cities"],
        "every stored book got its slug"
    );

    // The generated entities also render the new schema directly.
    println!(
        "\n{}",
        fsync_schema::render::build(
            &v3::book::Entity::create_table_statement(fsync_schema::Backend::Sqlite),
            fsync_schema::Backend::Sqlite
        )
    );
    db.close().await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
