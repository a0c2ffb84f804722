//! The stock dashboard's client of the inventory service: how many of an item are in stock,
//! through the client tonic generates from the service's `.proto` file.

use tonic::Code;
use tonic::transport::Channel;

use crate::proto::ItemRequest;
use crate::proto::inventory_client::InventoryClient;

/// Why the dashboard could not read a stock level.
#[derive(Debug, thiserror::Error)]
pub enum StockError {
    /// The service could not be reached.
    #[error("cannot reach the inventory service: {0}")]
    Connect(#[from] tonic::transport::Error),
    /// The service answered with an error status.
    #[error("the inventory service answered {}: {}", .0.code(), .0.message())]
    Call(#[from] tonic::Status),
}

/// A stock level as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    /// The item's name.
    pub name: String,
    /// Units in stock.
    pub quantity: u32,
}

/// The dashboard's connection to the inventory service.
#[derive(Debug, Clone)]
pub struct StockClient {
    inner: InventoryClient<Channel>,
}

impl StockClient {
    /// Connects to the service at `url` (`http://host:port`).
    pub async fn connect(url: String) -> Result<StockClient, StockError> {
        Ok(StockClient {
            inner: InventoryClient::connect(url).await?,
        })
    }

    /// The stock of `sku`; `None` when the warehouse has no such item.
    pub async fn stock_of(&mut self, sku: &str) -> Result<Option<Stock>, StockError> {
        let request = ItemRequest { sku: sku.to_owned() };
        match self.inner.get_item(request).await {
            Ok(response) => {
                let item = response.into_inner();
                Ok(Some(Stock {
                    name: item.name,
                    // A negative count is a correction in progress: nothing to sell.
                    quantity: u32::try_from(item.quantity).unwrap_or(0),
                }))
            }
            Err(status) if status.code() == Code::NotFound => Ok(None),
            Err(status) => Err(status.into()),
        }
    }
}
