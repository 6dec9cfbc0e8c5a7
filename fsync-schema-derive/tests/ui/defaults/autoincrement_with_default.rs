fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry")]
        pub struct Model {
            #[schema(primary_key, autoincrement, default = 1)]
            pub id: i32,
        }
    }
}

fn main() {}
