#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = 1e999)]
    pub ratio: f64,
}

fn main() {}
