// Every index kind, each on the backends that have it: PostgreSQL's methods,
// `INCLUDE`, partial and expression indexes; MySQL's FULLTEXT; descending
// key parts everywhere; MySQL's ON UPDATE CURRENT_TIMESTAMP and SQLite's
// STRICT and WITHOUT ROWID. The SQL carries each.
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
            /// Articles, as written.
            #[schema(table = "article", doc_comments, index(name = "idx_article_body", columns(title, body), using = fulltext))]
            pub struct Model {
                #[schema(primary_key)]
                pub id: i32,
                /// The headline.
                pub title: String,
                pub body: String,
                #[schema(default = current_timestamp, on_update = current_timestamp)]
                pub updated_at: sea_orm::prelude::DateTimeUtc,
            }
        }
    }
}

mod stored {
    fsync_schema::entities! {
        targets(sqlite);
        mod pair {
            #[derive(Clone, Debug, PartialEq, fsync_schema::Entity)]
            #[schema(table = "pair", strict, without_rowid, primary_key(a, b))]
            pub struct Model {
                pub a: i32,
                #[schema(max_len = 8)]
                pub b: String,
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
    assert!(
        sql.contains("`updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"),
        "{sql}"
    );
    assert!(sql.contains("`title` TEXT NOT NULL COMMENT 'The headline.'"), "{sql}");
    assert!(sql.contains(" COMMENT 'Articles, as written.'"), "{sql}");
    let sql = render::schema_sql(&stored::schema(), Backend::Sqlite).unwrap();
    assert!(sql.contains("\"b\" TEXT NOT NULL") && sql.contains(") STRICT, WITHOUT ROWID;"), "{sql}");
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
