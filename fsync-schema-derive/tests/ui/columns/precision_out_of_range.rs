#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "invoice")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    #[schema(precision = 66)]
    pub total: sea_orm::prelude::Decimal,
}

fn main() {}
