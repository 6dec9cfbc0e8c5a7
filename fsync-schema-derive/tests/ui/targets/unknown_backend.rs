fsync_schema::entities! {
    targets(sqlite, oracle);
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
        }
    }
}

fn main() {}
