#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", index(name = "idx_entry_name", colums(name)))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub name: String,
}

fn main() {}
