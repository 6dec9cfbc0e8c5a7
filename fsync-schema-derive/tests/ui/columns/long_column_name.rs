fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub the_number_of_bytes_transferred_since_the_conduit_was_first_enabled: i64,
        }
    }
}

fn main() {}
