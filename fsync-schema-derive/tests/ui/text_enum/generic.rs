#[derive(Clone, Debug, PartialEq, fsync_schema::TextEnum)]
pub enum Schedule<T> {
    Manual,
    Interval(T),
}

fn main() {}
