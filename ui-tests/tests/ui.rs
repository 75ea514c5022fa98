//! Every compile-time check of `#[callback]` has a failing case here whose `.stderr` shows the
//! message pointing at the offending tokens. Regenerate expectations with
//! `TRYBUILD=overwrite cargo test -p ui-tests`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/fail/*.rs");
}
