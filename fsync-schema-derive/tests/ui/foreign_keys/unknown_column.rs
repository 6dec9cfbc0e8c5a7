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
    #[schema(table = "conduit")]
    pub struct Model {
        #[schema(primary_key)]
        pub id: i32,
        #[schema(references = super::entry::uid)]
        pub entry_uuid: uuid::Uuid,
    }
}

fn main() {}
