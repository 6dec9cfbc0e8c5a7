// With MySQL targeted, an index over a text column takes a prefix length,
// which only MySQL's DDL shows.
fsync_schema::entities! {
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note", index(name = "idx_note_body", columns(title, body(191))))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            #[schema(max_len = 80)]
            pub title: String,
            pub body: String,
        }
    }
}

fn main() {
    use fsync_schema::{Backend, render};
    let schema = schema();
    assert!(schema.targets.is_all());
    assert_eq!(schema.tables[0].indexes[0].prefix_of("body"), Some(191));
    let mysql = render::schema_sql(&schema, Backend::MySql).unwrap();
    assert!(mysql.contains("(`title`, `body` (191))"), "{mysql}");
    let postgres = render::schema_sql(&schema, Backend::Postgres).unwrap();
    assert!(postgres.contains(r#"("title", "body")"#), "{postgres}");
}
