#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    #[text(rename = "mirror", rename = "copy")]
    Mirror,
}

fn main() {}
