fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(index = "idx_entry_name_for_looking_up_entries_by_name_in_the_sync_engine")]
            #[schema(max_len = 100)]
            pub name: String,
        }
    }
}

fn main() {}
