//! A models crate: a blog's entities, shared by a server and its tools. It
//! depends on `fsync-schema` with its default features and on `sea-orm` with
//! `macros` only, without a database driver, and builds that way on its own.

pub mod entities;

#[cfg(test)]
mod tests {
    use crate::entities::{post, schema};
    use fsync_schema::{Backend, render, validate};
    use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn the_schema_is_valid_and_renders_on_every_backend() {
        let schema = schema();
        assert_eq!(validate::schema(&schema), vec![]);
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
            let sql = render::schema_sql(&schema, backend).unwrap();
            assert!(sql.contains("post_tag"), "{backend:?}: {sql}");
        }
    }

    #[test]
    fn seaorm_queries_build_without_a_driver() {
        let query = post::Entity::find()
            .filter(post::Column::State.eq(crate::entities::PostState::Published))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(
            query.contains(r#"WHERE "post"."state" = 'published'"#),
            "{query}"
        );
    }
}
