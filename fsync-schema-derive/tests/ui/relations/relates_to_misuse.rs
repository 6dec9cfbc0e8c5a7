// `relates_to` declares no foreign key: no action, not with `references`.
#[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
#[schema(table = "film")]
pub struct Model {
    #[schema(primary_key)]
    pub id: i32,
}

mod review {
    #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
    #[schema(table = "review")]
    pub struct Model {
        #[schema(primary_key)]
        pub id: i32,
        #[schema(relates_to = super::id, on_delete = cascade)]
        pub film_id: i32,
        #[schema(references = super::id, relates_to = super::id)]
        pub other_id: i32,
    }
}

fn main() {}
