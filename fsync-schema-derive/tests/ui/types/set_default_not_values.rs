#[derive(Clone, Copy, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(native = "feature")]
pub enum Feature {
    Trailers,
    Commentaries,
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "trailers, commentaries")]
    pub features: fsync_schema::EnumSet<Feature>,
}

fn main() {}
