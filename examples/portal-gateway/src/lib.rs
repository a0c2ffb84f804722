//! Example consumer: the customer portal's gateway shows an account summary (number, owner,
//! balance) and needs nothing else from accounts, so accounts' breaking change does not affect
//! it. Run its contract tests with `cargo test -p portal-gateway`.

use std::path::Path;

use accord::matchers::{decimal, integer, like};
use accord::{ConsumerError, PactBuilder, json};
use serde::Deserialize;

/// What the portal shows of an account.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountSummary {
    /// Account number.
    pub id: i64,
    /// Owner's user name.
    pub owner: String,
    /// Balance.
    pub balance: f64,
}

/// Fetches an account summary from the accounts service at `base_url`.
pub async fn account_summary(base_url: &str, id: i64) -> Result<AccountSummary, reqwest::Error> {
    reqwest::Client::new()
        .get(format!("{}/accounts/{id}", base_url.trim_end_matches('/')))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}

/// A failed contract test.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The pact was not satisfied.
    #[error(transparent)]
    Pact(#[from] ConsumerError),
    /// The client failed.
    #[error("client call failed")]
    Client(#[from] reqwest::Error),
}

/// The portal's contract test: shows the summary of account 42; writes the pact to `output`
/// (default `target/pacts`).
pub async fn shows_an_account_summary(output: Option<&Path>) -> Result<AccountSummary, ContractError> {
    let mut pact = PactBuilder::new("portal-gateway", "accounts");
    if let Some(dir) = output {
        pact = pact.output_dir(dir);
    }
    pact.interaction("a request for the summary of account 42", |i| {
        i.given_with("account 42 exists", json!({"id": 42, "owner": "ann"}))
            .request(|r| r.get().path("/accounts/42"))
            .response(|r| {
                r.status(200)
                    .json_body(json!({"id": integer(42), "owner": like("ann"), "balance": decimal(10.5)}))
            });
    });
    let server = pact.start_mock_server().await?;
    let summary = account_summary(&server.url(), 42).await?;
    server.finish()?;
    Ok(summary)
}
