#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", table = "entries")]
pub struct Model {
    #[schema(primary_key)]
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = 0, default_sql = "1 + 1")]
    pub size: i64,
}

fn main() {}
