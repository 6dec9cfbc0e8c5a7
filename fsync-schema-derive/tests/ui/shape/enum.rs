#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub enum Model {
    File,
    Directory,
}

fn main() {}
