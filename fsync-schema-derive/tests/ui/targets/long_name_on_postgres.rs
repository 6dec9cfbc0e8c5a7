// PostgreSQL is targeted: a table name longer than 63 bytes is refused.
fsync_schema::entities! {
    targets(postgres);
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note_with_a_name_that_is_far_too_long_for_postgresql_to_keep_whole")]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
        }
    }
}

fn main() {}
