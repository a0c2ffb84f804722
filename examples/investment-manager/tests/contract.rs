//! Contract tests of the investment manager against the accounts service, written with accord.
//! They produce `target/pacts/investment-manager-accounts.json`.

use accord::matchers::{decimal, each_like, integer, like, regex};
use accord::{PactBuilder, json};
use investment_manager::{AccountsClient, ClientError, NewAccount, RiskProfile, handle_account_created};

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

fn pact() -> PactBuilder {
    PactBuilder::new("investment-manager", "accounts")
}

#[tokio::test]
async fn gets_an_account() {
    let mut pact = pact();
    pact.interaction("a request for account 42", |i| {
        i.given_with("account 42 exists", json!({"id": 42, "owner": "ann"}))
            .request(|r| r.get().path("/accounts/42").header("Accept", "application/json"))
            .response(|r| {
                r.status(200)
                    .header("Content-Type", "application/json")
                    .json_body(account_body(42))
            });
    });
    let server = pact.start_mock_server().await.expect("mock server");
    let account = AccountsClient::new(&server.url())
        .get_account(42)
        .await
        .expect("account");
    assert_eq!(account.id, 42);
    assert_eq!(account.risk_profile, RiskProfile::Balanced);
    server.finish().expect("pact satisfied");
}

#[tokio::test]
async fn reports_a_missing_account() {
    let mut pact = pact();
    pact.interaction("a request for a missing account", |i| {
        i.given("account 404 does not exist")
            .request(|r| r.get().path("/accounts/404").header("Accept", "application/json"))
            .response(|r| r.status(404));
    });
    let server = pact.start_mock_server().await.expect("mock server");
    let error = AccountsClient::new(&server.url())
        .get_account(404)
        .await
        .expect_err("not found");
    assert!(matches!(error, ClientError::NotFound(404)));
    server.finish().expect("pact satisfied");
}

#[tokio::test]
async fn lists_the_accounts_of_an_owner() {
    let mut pact = pact();
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
    let server = pact.start_mock_server().await.expect("mock server");
    let accounts = AccountsClient::new(&server.url())
        .accounts_of("ann")
        .await
        .expect("accounts");
    assert_eq!(accounts.len(), 1);
    server.finish().expect("pact satisfied");
}

#[tokio::test]
async fn opens_an_account() {
    let mut pact = pact();
    pact.interaction("a request to open an account", |i| {
        i.request(|r| {
            r.post()
                .path("/accounts")
                .header("Content-Type", "application/json")
                .json_body(json!({"owner": like("bob"), "currency": regex("[A-Z]{3}", "USD"), "riskProfile": regex(RISK, "AGGRESSIVE")}))
        })
        .response(|r| r.status(201).header("Content-Type", "application/json").json_body(account_body(7)));
    });
    let server = pact.start_mock_server().await.expect("mock server");
    let opened = AccountsClient::new(&server.url())
        .open_account(&NewAccount {
            owner: "bob".into(),
            currency: "USD".into(),
            risk_profile: RiskProfile::Aggressive,
        })
        .await
        .expect("opened");
    assert_eq!(opened.id, 7);
    server.finish().expect("pact satisfied");
}

#[test]
fn handles_the_account_created_event() {
    let mut pact = pact();
    let event = pact
        .verify_message(
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
        )
        .expect("handler accepts the event");
    assert_eq!(event.account_id, 42);
}
