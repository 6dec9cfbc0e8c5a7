// Only a B-tree index can be unique.
fsync_schema::entities! {
    targets(postgres);
    mod doc {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "doc", index(name = "idx_doc_tags", columns(tags), unique, using = gin))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub tags: sea_orm::prelude::Json,
        }
    }
}

fn main() {}
