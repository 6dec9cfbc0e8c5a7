#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit", index(name = "idx_conduit_enabled", columns(enabeld)))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub enabled: bool,
}

fn main() {}
