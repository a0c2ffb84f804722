//! The stock dashboard's contract with the inventory service, declared with accord from the
//! service's `.proto` file and exercised against the real client. The crate's tests run each
//! function; the walkthrough runs them all to produce the pact.

use std::path::Path;

use accord::matchers::{integer, like};
use accord::{ConsumerError, PactBuilder};
use serde_json::json;

use crate::client::{StockClient, StockError};

/// A failed contract test: the pact was not satisfied, or the client misbehaved.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The mock server or pact writing reported a problem.
    #[error(transparent)]
    Pact(#[from] ConsumerError),
    /// The client returned an error.
    #[error("client call failed: {0}")]
    Client(#[from] StockError),
    /// The client returned something unexpected.
    #[error("unexpected result: {0}")]
    Unexpected(String),
}

fn pact(output: Option<&Path>) -> PactBuilder {
    let pact = PactBuilder::new("stock-dashboard", "inventory");
    match output {
        Some(dir) => pact.output_dir(dir),
        None => pact,
    }
}

/// Reads how many blue mugs are in stock.
pub async fn reads_the_stock_of_an_item(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.grpc_interaction("the stock of the blue mug", |i| {
        i.given("the blue mug MUG-1 is stocked")
            .proto(crate::proto_file())
            .method("Inventory/GetItem")
            .request(json!({"sku": "MUG-1"}))
            .response(json!({"sku": "MUG-1", "name": like("Blue mug"), "quantity": integer(12)}));
    });
    let server = pact.start_mock_server().await?;
    let stock = StockClient::connect(server.url())
        .await?
        .stock_of("MUG-1")
        .await?;
    match stock {
        Some(stock) if stock.name == "Blue mug" && stock.quantity == 12 => {}
        other => return Err(ContractError::Unexpected(format!("{other:?}"))),
    }
    server.finish()?;
    Ok(())
}

/// An item the warehouse does not have reads as none, not as an error.
pub async fn reports_an_unknown_item(output: Option<&Path>) -> Result<(), ContractError> {
    let mut pact = pact(output);
    pact.grpc_interaction("the stock of an unknown item", |i| {
        i.given("no item has SKU NOPE")
            .proto(crate::proto_file())
            .method("Inventory/GetItem")
            .request(json!({"sku": "NOPE"}))
            .status("NOT_FOUND", None);
    });
    let server = pact.start_mock_server().await?;
    let stock = StockClient::connect(server.url()).await?.stock_of("NOPE").await?;
    if stock.is_some() {
        return Err(ContractError::Unexpected(format!("{stock:?}")));
    }
    server.finish()?;
    Ok(())
}

/// Every contract test, each writing its interaction into the pact in `dir`.
pub async fn run_all(dir: &Path) -> Result<(), ContractError> {
    reads_the_stock_of_an_item(Some(dir)).await?;
    reports_an_unknown_item(Some(dir)).await?;
    Ok(())
}
