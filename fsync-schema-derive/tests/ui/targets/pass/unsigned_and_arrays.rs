// `u64` on MySQL and arrays on PostgreSQL, each where the schema targets
// only backends that have them; `u8`..`u32` everywhere.
fsync_schema::entities! {
    targets(mysql);
    mod counter {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "counter")]
        pub struct Model {
            #[schema(primary_key, autoincrement)]
            pub id: u32,
            pub small: u8,
            pub medium: Option<u16>,
            pub bytes: u64,
        }
    }
}

mod pg {
    fsync_schema::entities! {
        targets(postgres);
        mod film {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "film")]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                pub special_features: Option<Vec<String>>,
                pub scores: Vec<i32>,
            }
        }
    }
}

fn main() {
    let schema = schema();
    let table = &schema.tables[0];
    assert_eq!(table.columns[3].ty, fsync_schema::ColumnType::BigUnsigned);
    let film = &pg::schema().tables[0];
    assert_eq!(
        film.columns[1].ty,
        fsync_schema::ColumnType::Array(fsync_schema::Element::Text)
    );
}
