#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Status {
    Verified,
    Failed(String, u32),
    Pending { since: String },
}

fn main() {}
