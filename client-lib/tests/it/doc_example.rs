//! The crate-level example of `src/lib.rs`, run as a test with a real call where the example
//! says "call your real client" (the tidy test checks that every line of the example is here).
//! Doctests are off so that the test run ends with its list of skips.

use accord::PactBuilder;
use accord::matchers::{each_like, integer, like, regex};
use serde_json::json;

#[tokio::test]
async fn the_crate_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    let dir = crate::temp_dir("doc-example");
    let mut pact = PactBuilder::new("investment-manager", "accounts");
    pact = pact.output_dir(&dir);
    pact.interaction("get account 42", |i| {
        i.given_with("account exists", json!({"id": 42}))
            .request(|r| r.get().path(regex("/accounts/\\d+", "/accounts/42")))
            .response(|r| {
                r.status(200).json_body(json!({
                    "id": integer(42),
                    "owner": like("ann"),
                    "tags": each_like("retail"),
                }))
            });
    });
    let server = pact.start_mock_server().await?;
    // ... call your real client with server.url() ...
    let body: serde_json::Value = reqwest::get(format!("{}/accounts/42", server.url()))
        .await?
        .json()
        .await?;
    assert_eq!(body["id"], 42);
    server.finish()?; // fails listing every mismatch; writes the pact on success
    assert!(dir.join("investment-manager-accounts.json").exists());
    Ok(())
}
