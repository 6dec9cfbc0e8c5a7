#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(rename = "mode")]
pub enum SyncMode {
    Mirror,
}

fn main() {}
