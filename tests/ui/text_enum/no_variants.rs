#[derive(fsync_schema::TextEnum)]
pub enum SyncMode {}

fn main() {}
