#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
}

fn main() {}
