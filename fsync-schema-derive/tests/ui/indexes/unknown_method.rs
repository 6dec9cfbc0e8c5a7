#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "doc", index(name = "idx_doc_tags", columns(tags), using = gim))]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
    pub tags: sea_orm::prelude::Json,
}

fn main() {}
