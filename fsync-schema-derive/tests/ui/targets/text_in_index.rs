// MySQL is targeted (the default): a text column in an index is refused,
// under the column's name.
fsync_schema::entities! {
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note", index(name = "idx_note_body", columns(body)))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub body: String,
        }
    }
}

fn main() {}
