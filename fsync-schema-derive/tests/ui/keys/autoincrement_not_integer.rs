#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key, autoincrement)]
    pub id: uuid::Uuid,
}

fn main() {}
