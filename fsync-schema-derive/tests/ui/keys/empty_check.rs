#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", check(expr = " "), check(name = "ck_entry_size"))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub size: i64,
}

fn main() {}
