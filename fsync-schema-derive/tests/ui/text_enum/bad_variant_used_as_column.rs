// A variant the derive cannot store is one error; the enum still works as a
// column type (stub impls), so its uses add none.
#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    Mirror,
    Window(u32, u32),
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "conduit")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "mirror")]
    pub sync_mode: SyncMode,
    pub fallback_mode: Option<SyncMode>,
}

fn main() {
    let _ = SyncMode::Mirror.to_string();
}
