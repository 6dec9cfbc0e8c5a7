#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(native = "schedule")]
pub enum Schedule {
    Manual,
    Interval(u32),
}

fn main() {}
