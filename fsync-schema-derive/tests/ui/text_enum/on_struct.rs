#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub struct SyncMode {
    mode: String,
}

fn main() {}
