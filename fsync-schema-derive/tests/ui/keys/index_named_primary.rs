fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(index = "PRIMARY")]
            #[schema(max_len = 100)]
            pub name: String,
        }
    }
}

fn main() {}
