#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model<'a> {
    #[schema(primary_key)]
    pub id: i32,
    pub name: &'a str,
}

fn main() {}
