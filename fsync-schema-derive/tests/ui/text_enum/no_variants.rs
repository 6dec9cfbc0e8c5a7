#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {}

fn main() {}
