//! The stock dashboard's contract tests against the inventory service, written with accord.
//! They produce `target/pacts/stock-dashboard-inventory.json`.

use inventory::contract;

#[tokio::test]
async fn reads_the_stock_of_an_item() {
    contract::reads_the_stock_of_an_item(None)
        .await
        .expect("pact satisfied");
}

#[tokio::test]
async fn reports_an_unknown_item() {
    contract::reports_an_unknown_item(None)
        .await
        .expect("pact satisfied");
}
