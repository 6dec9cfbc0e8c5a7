#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub size: u128,
}

fn main() {}
