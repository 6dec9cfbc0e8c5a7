#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_kye)]
    pub id: i32,
    #[schema(comment = "the entry's name")]
    pub name: String,
}

fn main() {}
