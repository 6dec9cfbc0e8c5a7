//! Compile-fail tests of `#[derive(fsync_schema::Entity)]` and
//! `#[derive(fsync_schema::TextEnum)]`: each file under `tests/ui/` must fail to
//! compile with the errors in its `.stderr`. Regenerate the `.stderr` files
//! with `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/**/*.rs");
}
