#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", index(name = "idx_entry_name", columns(name, name)))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(max_len = 100)]
    pub name: String,
}

fn main() {}
