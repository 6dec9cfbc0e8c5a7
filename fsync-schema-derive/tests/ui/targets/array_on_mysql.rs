// MySQL is targeted: an array column exists on PostgreSQL only.
fsync_schema::entities! {
    targets(postgres, mysql);
    mod film {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "film")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub special_features: Option<Vec<String>>,
        }
    }
}

fn main() {}
