#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "entry")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(default = 1 + 1)]
    pub size: i64,
    #[schema(default = now)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[schema(default = current_timestap)]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
