#[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
pub enum SyncMode {
    Mirror,
    Bidirectional,
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "mirrored")]
    pub sync_mode: SyncMode,
}

fn main() {}
