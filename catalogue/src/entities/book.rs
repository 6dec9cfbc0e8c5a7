//! `book`: a title in the catalogue.

use super::CopyState;
use chrono::{DateTime, Utc};

/// A book.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "book", index(name = "idx_book_title", columns(title)))]
#[schema(has_many(super::loan::book_id, relation = Loans))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique, max_len = 17)]
    pub isbn: String,
    #[schema(max_len = 200)]
    pub title: String,
    #[schema(references = super::genre::id, on_delete = set_null)]
    pub genre_id: Option<i32>,
    pub published: Option<i32>,
    #[schema(default = "available")]
    pub state: CopyState,
    #[schema(default = current_timestamp)]
    pub added_at: DateTime<Utc>,
}
