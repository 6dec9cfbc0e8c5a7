#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "membership", primary_key(group_id, user_id))]
pub struct Model {
    #[schema(primary_key)]
    pub group_id: i32,
    pub user_id: i32,
}

fn main() {}
