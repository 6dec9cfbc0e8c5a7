//! The catalogue's entities through SeaORM on a migrated SQLite database:
//! the self-reference, the composite key, the text enum and the relations.

use catalogue::entities::{CopyState, author, book, book_author, genre};
use fsync_schema::migration::{Command, run};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set};

#[tokio::test]
async fn books_authors_and_genres_round_trip() {
    let db = fsync_schema_cli::database::connect("sqlite::memory:")
        .await
        .unwrap();
    run::<catalogue::migrations::Migrator>(&db, Command::Up(None))
        .await
        .unwrap();
    let fiction = genre::ActiveModel {
        name: Set("Fiction".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let crime = genre::ActiveModel {
        name: Set("Crime".into()),
        parent_id: Set(Some(fiction.id)),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let book = book::ActiveModel {
        isbn: Set("978-0-00-000000-2".into()),
        title: Set("The Long Wait".into()),
        genre_id: Set(Some(crime.id)),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(book.state, CopyState::Available, "the column default");
    let writer = author::ActiveModel {
        name: Set("A. Writer".into()),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    book_author::ActiveModel {
        book_id: Set(book.id),
        author_id: Set(writer.id),
        position: Set(1),
    }
    .insert(&db)
    .await
    .unwrap();
    let duplicate = book_author::ActiveModel {
        book_id: Set(book.id),
        author_id: Set(writer.id),
        position: Set(2),
    }
    .insert(&db)
    .await;
    assert!(duplicate.is_err(), "the composite key holds");

    let in_fiction = genre::Entity::find()
        .filter(genre::Column::ParentId.eq(fiction.id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(in_fiction, vec![crime.clone()]);
    let books = crime.find_related(book::Entity).all(&db).await.unwrap();
    assert_eq!(books, vec![book.clone()]);

    // Deleting the parent genre sets the child's parent to NULL.
    genre::Entity::delete_by_id(fiction.id)
        .exec(&db)
        .await
        .unwrap();
    let crime = genre::Entity::find_by_id(crime.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(crime.parent_id, None);
}
