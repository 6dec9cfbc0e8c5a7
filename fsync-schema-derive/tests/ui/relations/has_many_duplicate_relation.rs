mod entry {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "entry", has_many(super::conduit::source_id), has_many(super::conduit::target_id))]
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
        #[schema(references = super::entry::id)]
        pub source_id: i32,
        #[schema(references = super::entry::id)]
        pub target_id: i32,
    }
}

fn main() {}
