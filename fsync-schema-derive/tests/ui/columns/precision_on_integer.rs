#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "invoice")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(precision = 10, scale = 2)]
    pub total: i64,
}

fn main() {}
