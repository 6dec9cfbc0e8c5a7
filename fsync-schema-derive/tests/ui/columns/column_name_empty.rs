#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "album")]
pub struct Model {
    #[schema(primary_key, column = "")]
    pub album_id: i32,
}

fn main() {}
