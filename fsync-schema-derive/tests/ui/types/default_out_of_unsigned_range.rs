#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = -1)]
    pub rental_duration: u8,
}

fn main() {}
