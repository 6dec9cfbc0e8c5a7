fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "sync_generation_verification_status_history_of_every_conduit_ever")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
        }
    }
}

fn main() {}
