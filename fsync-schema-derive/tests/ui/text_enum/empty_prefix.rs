#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Status {
    Verified,
    #[text(prefix = "")]
    Failed(String),
}

fn main() {}
