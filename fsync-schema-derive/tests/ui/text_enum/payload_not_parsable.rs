#[derive(Clone, Debug, PartialEq)]
pub struct Interval(u64);

#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Schedule {
    Manual,
    Interval(Interval),
}

fn main() {}
