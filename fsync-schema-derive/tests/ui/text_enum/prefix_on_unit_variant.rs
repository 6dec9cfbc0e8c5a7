#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Schedule {
    #[text(prefix = "manual:")]
    Manual,
}

fn main() {}
