#[derive(Clone, Copy, fsync_schema::Entity)]
#[schema(table = "entry")]
pub union Model {
    id: i32,
    size: i64,
}

fn main() {}
