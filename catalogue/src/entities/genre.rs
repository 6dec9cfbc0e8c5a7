//! `genre`: a tree of genres (a self-reference).

/// A genre, possibly under a broader one.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "genre")]
#[schema(has_many(super::book::genre_id, relation = Books))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(unique, max_len = 80)]
    pub name: String,
    #[schema(references = self::id, on_delete = set_null)]
    pub parent_id: Option<i32>,
}
