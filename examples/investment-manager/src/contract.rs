//! The investment manager's contract with the accounts service, declared with accord and
//! exercised against the real client code. The crate's tests run each function; the
//! walkthrough runs them all to produce the pact.

use std::path::Path;

use accord::matchers::{decimal, each_like, integer, like, regex};
use accord::{ConsumerError, PactBuilder, json};

use crate::{AccountsClient, ClientError, NewAccount, RiskProfile, handle_account_created};

const RISK: &str = "CONSERVATIVE|BALANCED|AGGRESSIVE";

fn account_body(id: i64) -> serde_json::Value {
    json!({
        "id": integer(id),
        "owner": like("ann"),
        "balance": decimal(1250.5),
        "currency": regex("[A-Z]{3}", "EUR"),
        "investmentManagerRef": like("IM-7"),
        "riskProfile": regex(RISK, "BALANCED"),
    })
}

fn pact(output: Option<&Path>) -> PactBuilder {
    let pact = PactBuilder::new("investment-manager", "accounts");
    match output {
        Some(dir) => pact.output_dir(dir),
        None => pact,
    }
}

/// A failed contract test: the pact was not satisfied, or the client misbehaved.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The mock server or pact writing reported a problem.
    #[error(transparent)]
    Pact(#[from] ConsumerError),
    /// The client returned an error.
    #[error("client call failed")]
    Client(#[from] ClientError),
    /// The client returned something unexpected.
    #[error("unexpected result: {0}")]
    Unexpected(String),
}

/// Gets account 42.
pub async fn gets_an_account(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.interaction("a request for account 42", |i| {
        i.given_with("account 42 exists", json!({"id": 42, "owner": "ann"}))
            .request(|r| r.get().path("/accounts/42").header("Accept", "application/json"))
            .response(|r| {
                r.status(200)
                    .header("Content-Type", "application/json")
                    .json_body(account_body(42))
            });
    });
    let server = pact.start_mock_server().await?;
    let account = AccountsClient::new(&server.url()).get_account(42).await?;
    if account.id != 42 || account.risk_profile != RiskProfile::Balanced {
        return Err(ContractError::Unexpected(format!("{account:?}")));
    }
    server.finish()?;
    Ok(())
}

/// A missing account is reported as not found.
pub async fn reports_a_missing_account(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.interaction("a request for a missing account", |i| {
        i.given("account 404 does not exist")
            .request(|r| r.get().path("/accounts/404").header("Accept", "application/json"))
            .response(|r| r.status(404));
    });
    let server = pact.start_mock_server().await?;
    match AccountsClient::new(&server.url()).get_account(404).await {
        Err(ClientError::NotFound(404)) => {}
        other => return Err(ContractError::Unexpected(format!("{other:?}"))),
    }
    server.finish()?;
    Ok(())
}

/// Lists the accounts of an owner.
pub async fn lists_the_accounts_of_an_owner(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.interaction("a request for the accounts of ann", |i| {
        i.given_with("ann has accounts", json!({"owner": "ann"}))
            .request(|r| {
                r.get()
                    .path("/accounts")
                    .query_param("owner", "ann")
                    .header("Accept", "application/json")
            })
            .response(|r| {
                r.status(200)
                    .header("Content-Type", "application/json")
                    .json_body(each_like(account_body(42)))
            });
    });
    let server = pact.start_mock_server().await?;
    let accounts = AccountsClient::new(&server.url()).accounts_of("ann").await?;
    if accounts.len() != 1 {
        return Err(ContractError::Unexpected(format!("{accounts:?}")));
    }
    server.finish()?;
    Ok(())
}

/// Opens an account.
pub async fn opens_an_account(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.interaction("a request to open an account", |i| {
        i.request(|r| {
            r.post().path("/accounts").header("Content-Type", "application/json").json_body(
                json!({"owner": like("bob"), "currency": regex("[A-Z]{3}", "USD"), "riskProfile": regex(RISK, "AGGRESSIVE")}),
            )
        })
        .response(|r| r.status(201).header("Content-Type", "application/json").json_body(account_body(7)));
    });
    let server = pact.start_mock_server().await?;
    let opened = AccountsClient::new(&server.url())
        .open_account(&NewAccount {
            owner: "bob".into(),
            currency: "USD".into(),
            risk_profile: RiskProfile::Aggressive,
        })
        .await?;
    if opened.id != 7 {
        return Err(ContractError::Unexpected(format!("{opened:?}")));
    }
    server.finish()?;
    Ok(())
}

/// Handles the "account created" event with the real handler.
pub fn handles_the_account_created_event(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    let event = pact.verify_message(
        "an account created event",
        |m| {
            m.given("an account is opened").message(|c| {
                c.json_contents(json!({
                    "accountId": integer(42),
                    "owner": like("ann"),
                    "riskProfile": regex(RISK, "CONSERVATIVE"),
                }))
                .metadata("topic", "accounts.created")
            });
        },
        |message| handle_account_created(message.bytes()),
    )?;
    if event.account_id != 42 {
        return Err(ContractError::Unexpected(format!("{event:?}")));
    }
    Ok(())
}

/// Runs every contract test, writing the pact into `output`.
pub async fn run_all(output: &Path) -> Result<(), ContractError> {
    gets_an_account(Some(output)).await?;
    reports_a_missing_account(Some(output)).await?;
    lists_the_accounts_of_an_owner(Some(output)).await?;
    opens_an_account(Some(output)).await?;
    handles_the_account_created_event(Some(output))?;
    Ok(())
}
