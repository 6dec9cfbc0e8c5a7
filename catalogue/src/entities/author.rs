//! `author`: who wrote the books.

/// An author.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "author")]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    pub name: String,
    pub country: Option<String>,
    pub born: Option<i32>,
}
