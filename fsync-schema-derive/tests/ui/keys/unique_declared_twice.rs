fsync_schema::entities! {
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entry", unique(columns(uuid)))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(unique)]
            pub uuid: uuid::Uuid,
        }
    }
}

fn main() {}
