//! `book_author`: who wrote which book (a composite key).

/// One author of one book, in credit order.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "book_author", primary_key(book_id, author_id))]
pub struct Model {
    #[schema(references = super::book::id, on_delete = cascade)]
    pub book_id: i32,
    #[schema(references = super::author::id, on_delete = cascade)]
    pub author_id: i32,
    #[schema(default = 0)]
    pub position: i16,
}
