#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    #[text(rename = mirror)]
    Mirror,
}

fn main() {}
