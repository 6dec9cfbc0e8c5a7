#[derive(fsync_schema::TextEnum)]
pub struct SyncMode {
    mode: String,
}

fn main() {}
