// Without MySQL among the targets, MySQL's rules are no errors: a text column
// in an index and a key, `set_default`, `PRIMARY` as an index name, a VARCHAR
// longer than MySQL's, `set_null` on a NOT NULL column (as Sakila's
// `payment.rental_id` on PostgreSQL).
fsync_schema::entities! {
    targets(sqlite, postgres);
    mod tag {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "tag")]
        pub struct Model {
            #[schema(primary_key)]
            pub name: String,
            pub note: Option<String>,
        }
    }
    mod note {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(table = "note", index(name = "PRIMARY", columns(body)))]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub body: String,
            #[schema(max_len = 20000)]
            pub summary: String,
            #[schema(default = "none", references = super::tag::name, on_delete = set_default)]
            pub tag: String,
            #[schema(references = super::tag::name, on_delete = set_null)]
            pub first_tag: String,
        }
    }
}

fn main() {
    use fsync_schema::{Backend, render, validate};
    let schema = schema();
    assert_eq!(schema.targets.names(), "sqlite, postgres");
    assert_eq!(validate::schema(&schema), vec![]);
    assert!(render::schema_sql(&schema, Backend::Sqlite).is_ok());
    assert_eq!(
        render::schema_sql(&schema, Backend::MySql).unwrap_err().to_string(),
        "the schema targets sqlite, postgres; it has no MySQL rendering"
    );
    // The same tables targeting MySQL break its rules.
    let everywhere = schema.clone().targeting(fsync_schema::Targets::ALL);
    assert_eq!(validate::schema(&everywhere).len(), 8, "{:#?}", validate::schema(&everywhere));
}
