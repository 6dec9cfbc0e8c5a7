// The bug this derive exists to prevent: a hand-written migration said
// `REFERENCES entry(id)` while the parent table was `entries`.
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
        #[schema(references = super::entries::id, on_delete = cascade)]
        pub entry_id: i32,
    }
}

fn main() {}
