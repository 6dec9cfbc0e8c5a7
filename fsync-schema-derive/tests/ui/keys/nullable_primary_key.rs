#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: Option<i32>,
}

fn main() {}
