#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = current_timestamp)]
    pub value: chrono::NaiveDate,
}

fn main() {}
