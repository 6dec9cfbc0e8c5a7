// A mistake in a text enum is one error, not more where the enum is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
pub enum SyncMode {
    #[text(renam = "copy")]
    Mirror,
    Bidirectional,
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "mirror")]
    pub sync_mode: SyncMode,
}

fn main() {}
