// Every index kind, each on the backends that have it: PostgreSQL's methods,
// `INCLUDE`, partial and expression indexes; MySQL's FULLTEXT; descending
// key parts everywhere. The SQL carries each kind.
fsync_schema::entities! {
    targets(postgres);
    mod booking {
        #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
        #[schema(
            table = "booking",
            index(name = "idx_booking_open", columns(created_at), where = "state <> 'cancelled'"),
            index(name = "idx_booking_email", columns("lower(email)"), unique),
            index(name = "idx_booking_recent", columns(state, desc(created_at))),
            index(name = "idx_booking_tags", columns(tags), using = gin),
            index(name = "idx_booking_cover", columns(email), include(state))
        )]
        pub struct Model {
            #[schema(primary_key)]
            pub id: i32,
            pub email: String,
            pub state: String,
            pub created_at: sea_orm::prelude::DateTime,
            pub tags: Option<sea_orm::prelude::Json>,
        }
    }
}

mod text {
    fsync_schema::entities! {
        targets(mysql);
        mod article {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "article", index(name = "idx_article_body", columns(title, body), using = fulltext))]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                pub title: String,
                pub body: String,
            }
        }
    }
}

fn main() {
    use fsync_schema::{Backend, render, validate};
    let schema = schema();
    assert_eq!(validate::schema(&schema), vec![]);
    let sql = render::schema_sql(&schema, Backend::Postgres).unwrap();
    for part in [
        r#"CREATE INDEX "idx_booking_open" ON "booking" ("created_at") WHERE state <> 'cancelled'"#,
        r#"CREATE UNIQUE INDEX "idx_booking_email" ON "booking" ((lower(email)))"#,
        r#"CREATE INDEX "idx_booking_recent" ON "booking" ("state", "created_at" DESC)"#,
        r#"CREATE INDEX "idx_booking_tags" ON "booking" USING gin ("tags")"#,
        r#"CREATE INDEX "idx_booking_cover" ON "booking" ("email") INCLUDE ("state")"#,
    ] {
        assert!(sql.contains(part), "{part}\n{sql}");
    }
    let text = text::schema();
    assert_eq!(validate::schema(&text), vec![]);
    let sql = render::schema_sql(&text, Backend::MySql).unwrap();
    assert!(
        sql.contains("CREATE FULLTEXT INDEX `idx_article_body` ON `article` (`title`, `body`)"),
        "{sql}"
    );
    // The same tables on every backend break the rules of those that lack a kind.
    let everywhere = schema.targeting(fsync_schema::Targets::ALL);
    let messages: Vec<String> = validate::schema(&everywhere)
        .iter()
        .map(|p| p.problem.message.clone())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with("a partial index (`where = ..`) does not exist on MySQL")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("`using = gin` exists only on postgres")),
        "{messages:#?}"
    );
}
