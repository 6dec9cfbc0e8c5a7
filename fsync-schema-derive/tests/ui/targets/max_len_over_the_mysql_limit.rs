// MySQL is targeted: VARCHAR holds at most 16383 characters in utf8mb4.
fsync_schema::entities! {
    targets(mysql);
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(max_len = 20000)]
            pub body: String,
        }
    }
}

fn main() {}
