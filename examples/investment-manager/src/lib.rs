//! Example consumer: the investment-manager service's client for the accounts service, and its
//! handler for the "account created" event. The contract tests in `tests/` describe what this
//! code needs from accounts and produce the pact `investment-manager-accounts.json`.
//!
//! Run them with `cargo test -p investment-manager`; [`contract`] holds the contract tests'
//! bodies so the walkthrough can run the same code.

pub mod contract;

use serde::{Deserialize, Serialize};

/// How much risk an account's owner accepts; sent on the wire in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskProfile {
    /// Capital preservation first.
    Conservative,
    /// A mix of growth and safety.
    Balanced,
    /// Growth first.
    Aggressive,
}

/// An account as the investment manager uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Account number.
    pub id: i64,
    /// Owner's user name.
    pub owner: String,
    /// Current balance.
    pub balance: f64,
    /// ISO currency code.
    pub currency: String,
    /// Reference of the investment manager handling the account.
    pub investment_manager_ref: String,
    /// The owner's risk profile.
    pub risk_profile: RiskProfile,
}

/// What the investment manager sends to open an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// Owner's user name.
    pub owner: String,
    /// ISO currency code.
    pub currency: String,
    /// The owner's risk profile.
    pub risk_profile: RiskProfile,
}

/// A failed call to the accounts service.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The account does not exist.
    #[error("account {0} not found")]
    NotFound(i64),
    /// The service answered with an unexpected status.
    #[error("accounts service answered {0}")]
    Status(u16),
    /// The request failed or the answer could not be read.
    #[error("accounts service request failed")]
    Http(#[from] reqwest::Error),
}

/// A client for the accounts service.
#[derive(Debug, Clone)]
pub struct AccountsClient {
    base_url: String,
    http: reqwest::Client,
}

impl AccountsClient {
    /// A client for the service at `base_url`.
    pub fn new(base_url: &str) -> AccountsClient {
        AccountsClient {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Fetches one account.
    pub async fn get_account(&self, id: i64) -> Result<Account, ClientError> {
        let response = self
            .http
            .get(format!("{}/accounts/{id}", self.base_url))
            .header("Accept", "application/json")
            .send()
            .await?;
        match response.status().as_u16() {
            200 => Ok(response.json().await?),
            404 => Err(ClientError::NotFound(id)),
            other => Err(ClientError::Status(other)),
        }
    }

    /// Lists the accounts of an owner.
    pub async fn accounts_of(&self, owner: &str) -> Result<Vec<Account>, ClientError> {
        let response = self
            .http
            .get(format!("{}/accounts", self.base_url))
            .query(&[("owner", owner)])
            .header("Accept", "application/json")
            .send()
            .await?;
        match response.status().as_u16() {
            200 => Ok(response.json().await?),
            other => Err(ClientError::Status(other)),
        }
    }

    /// Opens an account.
    pub async fn open_account(&self, account: &NewAccount) -> Result<Account, ClientError> {
        let response = self
            .http
            .post(format!("{}/accounts", self.base_url))
            .json(account)
            .send()
            .await?;
        match response.status().as_u16() {
            201 => Ok(response.json().await?),
            other => Err(ClientError::Status(other)),
        }
    }
}

/// The "account created" event the accounts service publishes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountCreated {
    /// The new account's number.
    pub account_id: i64,
    /// Owner's user name.
    pub owner: String,
    /// The owner's risk profile.
    pub risk_profile: RiskProfile,
}

/// Handles an "account created" event: parses it and returns what the manager records.
pub fn handle_account_created(payload: &[u8]) -> Result<AccountCreated, serde_json::Error> {
    serde_json::from_slice(payload)
}
