#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Status {
    Verified,
    #[text(rename = "failed")]
    Failed(String),
}

fn main() {}
