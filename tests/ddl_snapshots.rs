//! Snapshots of the rendered DDL per backend and of the table model
//! (`cargo insta review` after a deliberate change).

use fsync_schema::{Backend, render};

#[test]
fn ddl_per_backend() {
    let schema = fsync::entities::schema();
    for backend in Backend::ALL {
        insta::assert_snapshot!(
            format!("ddl_{}", backend.name()),
            render::schema_sql(&schema, backend).expect("the schema targets every backend")
        );
    }
}

#[test]
fn table_models() {
    insta::assert_json_snapshot!("schema_model", fsync::entities::schema());
}

#[test]
fn first_migration_statements_per_backend() {
    let steps = &fsync::migrations::steps()[0].1;
    for backend in Backend::ALL {
        let down = fsync_schema::step::inverse(steps);
        let script = [
            fsync_schema::migration::script(steps, backend),
            vec!["-- down".to_owned()],
            fsync_schema::migration::script(&down, backend),
        ]
        .concat()
        .join(";\n");
        insta::assert_snapshot!(format!("first_migration_{}", backend.name()), script);
    }
}
