// Values written in the wrong form: each is an error on the value, saying
// which form the key takes.
mod entry {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "entry")]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
    }
}

mod conduit {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "conduit")]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        #[schema(references = super::entry::id, on_delete = "cascade")]
        pub entry_id: i32,
        #[schema(index = idx_conduit_name, max_len = "64")]
        pub name: String,
        #[schema(references = "super::entry::id")]
        pub other_id: i32,
        #[schema(default = current_date)]
        pub created_at: chrono::NaiveDateTime,
    }
}

fn main() {}
