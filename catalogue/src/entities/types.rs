//! Typed column values of the catalogue.

/// Where a copy of a book is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, fsync_schema::TextEnum)]
pub enum CopyState {
    /// On the shelf.
    Available,
    /// Lent out.
    OnLoan,
    /// Gone.
    Lost,
}
