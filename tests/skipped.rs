//! The closing list of the test run: every check an earlier test binary of this `cargo test`
//! skipped (missing PostgreSQL, Chromium, official Pact tools or shared reference data), with
//! the command that enables it. Printed straight to the terminal so a passing run shows it;
//! under `CI=true` a skip is a failure (the skipping tests fail too).

#[test]
fn nothing_was_skipped_that_ci_requires() {
    let skips = accord_test_support::take_skips();
    accord_test_support::print_skips(&skips);
    if accord_test_support::in_ci() {
        assert!(
            skips.is_empty(),
            "under CI=true nothing may be skipped: {skips:?}"
        );
    }
}
