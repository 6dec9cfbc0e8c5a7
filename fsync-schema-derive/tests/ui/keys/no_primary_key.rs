#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    pub id: i32,
    pub name: String,
}

fn main() {}
