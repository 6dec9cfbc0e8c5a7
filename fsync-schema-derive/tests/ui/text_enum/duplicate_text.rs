#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    Mirror,
    #[text(rename = "mirror")]
    Copy,
}

fn main() {}
