#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "membership", primary_key(group_id, group_id))]
pub struct Model {
    pub group_id: i32,
    pub user_id: i32,
}

fn main() {}
