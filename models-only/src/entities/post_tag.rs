//! `post_tag`: which posts carry which tags.

/// A tag on a post.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "post_tag", primary_key(post_id, tag_id))]
pub struct Model {
    #[schema(references = super::post::id, on_delete = cascade)]
    pub post_id: i32,
    #[schema(references = super::tag::id, on_delete = cascade)]
    pub tag_id: i32,
}
