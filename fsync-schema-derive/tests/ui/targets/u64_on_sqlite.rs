// SQLite is targeted: a `u64` has no column type there (INTEGER holds up to 2^63-1).
fsync_schema::entities! {
    targets(sqlite, mysql);
    mod counter {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "counter")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub bytes: u64,
        }
    }
}

fn main() {}
