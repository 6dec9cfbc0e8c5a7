//! `loan`: a book lent to a borrower.

use chrono::{DateTime, NaiveDate, Utc};

/// A loan; open while `returned_at` is NULL.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "loan", index(name = "idx_loan_book_open", columns(book_id, returned_at)))]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: i32,
    #[schema(references = super::book::id, on_delete = restrict)]
    pub book_id: i32,
    #[schema(max_len = 120)]
    pub borrower: String,
    #[schema(default = current_timestamp)]
    pub loaned_at: DateTime<Utc>,
    pub due_on: NaiveDate,
    pub returned_at: Option<DateTime<Utc>>,
}
