#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry", references = super::entry::id)]
pub struct Model {
    #[schema(primary_key, table = "entries")]
    pub id: i32,
    #[schema(foreign_key(columns(parent_id), references = self, ref_columns(id)))]
    pub parent_id: Option<i32>,
}

fn main() {}
