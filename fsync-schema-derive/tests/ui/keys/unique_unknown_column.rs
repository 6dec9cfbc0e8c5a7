#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit", unique(columns(source_id, traget_id)))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub source_id: i32,
    pub target_id: i32,
}

fn main() {}
