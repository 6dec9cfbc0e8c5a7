#[derive(Clone, Debug, PartialEq)]
pub struct Color(u8, u8, u8);

#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub color: Option<Color>,
}

fn main() {}
