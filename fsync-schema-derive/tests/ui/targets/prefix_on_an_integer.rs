// A prefix length is for text: refused on every backend.
fsync_schema::entities! {
    targets(sqlite);
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note", index(name = "idx_note_rank", columns(rank(4))))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub rank: i32,
        }
    }
}

fn main() {}
