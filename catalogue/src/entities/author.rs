//! `author`: who wrote the books. Its index over a text column is fine: the
//! catalogue targets SQLite and PostgreSQL, not MySQL (which indexes only a
//! prefix of TEXT).

/// An author.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "author", index(name = "idx_author_name", columns(name)))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    pub name: String,
    pub country: Option<String>,
    pub born: Option<i32>,
}
