// With `max_len`, a text column is string(n) and can be indexed: this case
// must fail only because of `note`, which has none.
fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry", index(name = "idx_entry_name", columns(name, note)))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(max_len = 200)]
            pub name: String,
            pub note: String,
        }
    }
}

fn main() {}
