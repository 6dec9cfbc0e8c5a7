//! `post`: an article.

use super::PostState;
use chrono::{DateTime, Utc};

/// A post.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "post", index(name = "idx_post_author_state", columns(author_id, state)))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(references = super::author::id, on_delete = cascade)]
    pub author_id: i32,
    #[schema(max_len = 200)]
    pub title: String,
    pub body: String,
    #[schema(default = "draft", max_len = 16)]
    pub state: PostState,
    #[schema(default = current_timestamp)]
    pub created_at: DateTime<Utc>,
}
