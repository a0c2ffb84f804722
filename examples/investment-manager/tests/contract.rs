//! Contract tests of the investment manager against the accounts service, written with accord.
//! They produce `target/pacts/investment-manager-accounts.json`.

use investment_manager::contract;

#[tokio::test]
async fn gets_an_account() {
    contract::gets_an_account(None).await.expect("pact satisfied");
}

#[tokio::test]
async fn reports_a_missing_account() {
    contract::reports_a_missing_account(None)
        .await
        .expect("pact satisfied");
}

#[tokio::test]
async fn lists_the_accounts_of_an_owner() {
    contract::lists_the_accounts_of_an_owner(None)
        .await
        .expect("pact satisfied");
}

#[tokio::test]
async fn opens_an_account() {
    contract::opens_an_account(None).await.expect("pact satisfied");
}

#[test]
fn handles_the_account_created_event() {
    contract::handles_the_account_created_event(None).expect("handler accepts the event");
}
