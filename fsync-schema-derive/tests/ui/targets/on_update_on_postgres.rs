// `ON UPDATE CURRENT_TIMESTAMP` is MySQL's: refused when PostgreSQL is targeted.
fsync_schema::entities! {
    targets(postgres);
    mod actor {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "actor")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(default = current_timestamp, on_update = current_timestamp)]
            pub last_update: sea_orm::prelude::DateTimeUtc,
        }
    }
}

fn main() {}
