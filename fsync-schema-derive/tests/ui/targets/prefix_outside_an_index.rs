#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "note", unique(columns(body(191))))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub body: String,
}

fn main() {}
