mod entry {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "entry")]
    pub struct Model {
        #[schema(primary_key)]
        pub id: i32,
    }
}

mod conduit {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "conduit")]
    pub struct Model {
        #[schema(primary_key)]
        pub id: i32,
        #[schema(references = super::entry::id, on_delete = cascde)]
        pub entry_id: i32,
    }
}

fn main() {}
