#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(on_delete = cascade, relation = Parent)]
    pub parent_id: Option<i32>,
}

fn main() {}
