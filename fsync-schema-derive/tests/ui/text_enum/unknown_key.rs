#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum SyncMode {
    #[text(renam = "mirror")]
    Mirror,
    #[text(alias = "both")]
    Bidirectional,
}

fn main() {}
