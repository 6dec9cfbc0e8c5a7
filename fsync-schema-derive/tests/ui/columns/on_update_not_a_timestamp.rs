// `on_update = current_timestamp` sets a date and time.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "actor")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(on_update = current_timestamp)]
    pub name: String,
}

fn main() {}
