#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model<T> {
    #[schema(primary_key)]
    pub id: T,
}

fn main() {}
