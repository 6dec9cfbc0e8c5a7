#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = 40000)]
    pub small: i16,
    #[schema(default = 3000000000)]
    pub count: i32,
    #[schema(default = 3000000000)]
    pub big: i64,
}

fn main() {}
