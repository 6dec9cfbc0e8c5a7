#[derive(Clone, Copy, Debug, PartialEq, fsync_schema::TextEnum)]
#[text(native = "mpaa_rating")]
pub enum Rating {
    #[text(rename = "G")]
    G,
    #[text(rename = "PG-13")]
    Pg13,
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "pg13")]
    pub rating: Rating,
}

fn main() {}
