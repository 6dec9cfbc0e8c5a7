#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "album")]
pub struct Model {
    #[schema(primary_key, column = "AlbumId")]
    pub album_id: i32,
    #[schema(column = "AlbumId")]
    pub title: String,
}

fn main() {}
