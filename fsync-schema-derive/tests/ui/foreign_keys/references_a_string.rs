// The habit from hand-written migrations: `REFERENCES entry(id)` as text.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(references = "entry(id)")]
    pub entry_id: i32,
}

fn main() {}
