#[derive(Clone, Debug, PartialEq, Eq, fsync_schema::TextEnum)]
pub enum Status {
    Unverified,
    #[text(prefix = "failed:")]
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "generation")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = "failed")]
    pub status: Status,
}

fn main() {}
