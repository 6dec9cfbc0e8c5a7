#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", has_many(conduit_id, relation = Conduits))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
}

fn main() {}
