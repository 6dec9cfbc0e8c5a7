#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: uuid::Uuid,
    #[schema(autoincrement)]
    pub position: i64,
}

fn main() {}
