#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film", many_to_many(super::actor))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
}

fn main() {}
