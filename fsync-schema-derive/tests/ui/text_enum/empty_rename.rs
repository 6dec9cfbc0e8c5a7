#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    #[text(rename = "")]
    Mirror,
}

fn main() {}
