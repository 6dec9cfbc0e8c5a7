#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(nullable)]
    pub title: Option<String>,
}

fn main() {}
