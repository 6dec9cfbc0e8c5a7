//! `author`: who writes posts.

/// An author.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "author", has_many(super::post::author_id, relation = Posts))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique, max_len = 120)]
    pub email: String,
    #[schema(max_len = 80)]
    pub name: String,
}
