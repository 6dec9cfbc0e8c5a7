fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entries")]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(unique)]
            pub uuid: uuid::Uuid,
        }
    }

    mod conduit {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "sync_conduit_between_two_directories")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(references = super::entry::id)]
            pub source_directory_entry_id: i32,
        }
    }
}

fn main() {}
