#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "nil")]
    pub public_id: sea_orm::prelude::Uuid,
}

fn main() {}
