// A key part is a column, `desc(column)`, `column(prefix)` or SQL in quotes.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(
    table = "doc",
    index(name = "idx_doc_sum", columns(a + b)),
    index(name = "idx_doc_twice", columns(desc(desc(a)))),
    index(name = "idx_doc_empty", columns("")),
    index(name = "idx_doc_where", columns(a), where = " ")
)]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub a: i32,
    pub b: i32,
}

fn main() {}
