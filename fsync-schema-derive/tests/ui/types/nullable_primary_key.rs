#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key, nullable)]
    pub id: i32,
}

fn main() {}
