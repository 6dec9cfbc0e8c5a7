//! `tag`: a label on posts.

/// A tag.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "tag")]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique, max_len = 40)]
    pub name: String,
}
