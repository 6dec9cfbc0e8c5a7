// Every backend is targeted (the default): a partial index (not on MySQL), a
// GIN index (PostgreSQL only), `include` (PostgreSQL only) of an unknown column.
fsync_schema::entities! {
    mod doc {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(
            table = "doc",
            index(name = "idx_doc_open", columns(id), where = "state <> 'x'"),
            index(name = "idx_doc_state", columns(state), using = gin),
            index(name = "idx_doc_cover", columns(id), include(stat))
        )]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(max_len = 10)]
            pub state: String,
        }
    }
}

fn main() {}
