//! The crate-level example of `src/lib.rs`, run as a test (the tidy test checks that every line
//! of the example is here). Doctests are off so that the test run ends with its list of skips.

use accord_core::{format, matching};

#[test]
fn the_crate_example_runs() {
    let pact = format::parse_pact(
        r#"{
  "consumer": {"name": "web"}, "provider": {"name": "accounts"},
  "interactions": [{"description": "get account", "request": {"method": "GET", "path": "/accounts/42"},
    "response": {"status": 200, "body": {"id": 42}}}],
  "metadata": {"pactSpecification": {"version": "2.0.0"}}
}"#,
        "example.json",
    )
    .expect("a valid pact");
    let interaction = pact.http_interactions().next().expect("one interaction");
    let mut actual = interaction.request.clone();
    actual.path = "/accounts/43".to_owned();
    let mismatches = matching::match_request(&interaction.request, &actual);
    assert_eq!(
        mismatches[0].message,
        "Expected path '/accounts/42' but was '/accounts/43'"
    );
}
