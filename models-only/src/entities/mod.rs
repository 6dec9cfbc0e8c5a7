//! The blog's entities; declaring a module here registers it.

fsync_schema::entities! {
    pub mod author;
    pub mod post;
    pub mod tag;
    pub mod post_tag;
}

/// Where a post is in its life; stored as text (`draft`, `published`, `archived`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
pub enum PostState {
    Draft,
    Published,
    Archived,
}
