//! The catalogue's tables, one annotated struct each.

mod types;

fsync_schema::entities! {
    targets(sqlite, postgres);
    pub mod genre;
    pub mod author;
    pub mod book;
    pub mod book_author;
    pub mod loan;
}

pub use types::CopyState;
