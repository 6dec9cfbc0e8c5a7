// MySQL is targeted: it refuses `SET NULL` on a NOT NULL column.
fsync_schema::entities! {
    targets(postgres, mysql);
    mod entry {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "entries")]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: i32,
            #[schema(unique)]
            pub uuid: uuid::Uuid,
        }
    }

    mod conduit {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "conduit")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(references = super::entry::id, on_delete = set_null)]
            pub entry_id: i32,
        }
    }
}

fn main() {}
