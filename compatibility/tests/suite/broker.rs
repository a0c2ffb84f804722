//! An accord broker for one scenario: on a fresh SQLite file, served on a loopback port, with
//! the pacts the scenario publishes and the verification results the verifier publishes back.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

/// A broker serving until the scenario ends.
pub(crate) struct Broker {
    /// Its base URL.
    pub(crate) url: String,
    server: tokio::task::JoinHandle<()>,
    client: reqwest::Client,
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Broker {
    /// Starts a broker on a database in `dir`.
    pub(crate) async fn start(dir: &Path) -> Result<Broker, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{e}"))?;
        let database = format!("sqlite://{}", dir.join("broker.db").display());
        let config = accord_broker::BrokerConfig::new(database);
        let db = accord_broker::Db::connect(&config.database_url)
            .await
            .map_err(|e| format!("the broker's database: {e}"))?;
        let app = accord_broker::app(Arc::new(accord_broker::AppState::new(db, config)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let url = format!("http://{}", listener.local_addr().map_err(|e| format!("{e}"))?);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Broker {
            url,
            server,
            client: reqwest::Client::new(),
        })
    }

    /// Publishes `pact` (its text) as version 1 of `consumer`.
    pub(crate) async fn publish(&self, consumer: &str, provider: &str, pact: &str) -> Result<(), String> {
        let answer = self
            .client
            .put(format!(
                "{}/pacts/provider/{provider}/consumer/{consumer}/version/1",
                self.url
            ))
            .header("Content-Type", "application/json")
            .body(pact.to_owned())
            .send()
            .await
            .map_err(|e| format!("publishing: {e}"))?;
        if !answer.status().is_success() {
            return Err(format!(
                "publishing: {} {}",
                answer.status(),
                answer.text().await.unwrap_or_default()
            ));
        }
        Ok(())
    }

    /// Whether each verification result published for the pair passed, as the matrix lists them.
    pub(crate) async fn results(&self, consumer: &str, provider: &str) -> Result<Vec<bool>, String> {
        let matrix: Value = self
            .client
            .get(format!(
                "{}/matrix?q[][pacticipant]={consumer}&q[][pacticipant]={provider}",
                self.url
            ))
            .send()
            .await
            .map_err(|e| format!("the matrix: {e}"))?
            .json()
            .await
            .map_err(|e| format!("the matrix: {e}"))?;
        Ok(matrix["matrix"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| row["verificationResult"]["success"].as_bool())
            .collect())
    }
}
