// MySQL is targeted: it stores a Uuid as BINARY(16), whose string default
// MariaDB reports with its bytes lost.
fsync_schema::entities! {
    targets(postgres, mysql);
    mod token {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "token")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(default = "6f1f5c3e-0000-4000-8000-00000000000a")]
            pub public_id: sea_orm::prelude::Uuid,
        }
    }
}

fn main() {}
