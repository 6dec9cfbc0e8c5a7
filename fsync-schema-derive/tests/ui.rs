//! Compile-fail tests of `#[derive(fsync_schema::Entity)]` and
//! `#[derive(fsync_schema::TextEnum)]`: each file under `tests/ui/<group>/`
//! must fail to compile with the errors in its `.stderr`, and each file under
//! `tests/ui/targets/pass/` must compile and run (a rule of a backend the
//! schema does not target is no error). Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    t.pass("tests/ui/targets/pass/*.rs");
}
