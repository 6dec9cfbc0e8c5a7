// SQLite accepts `REFERENCES entry(name)` when `name` is not unique, then
// refuses every insert into the child ("foreign key mismatch").
mod entry {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "entry")]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        #[schema(max_len = 255)]
        pub name: String,
    }
}

mod alias {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "alias")]
    pub struct Model {
        #[schema(primary_key, autoincrement)]
        pub id: i32,
        #[schema(max_len = 255, references = super::entry::name)]
        pub entry_name: String,
    }
}

fn main() {}
