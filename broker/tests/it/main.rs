//! The broker through HTTP, on SQLite and on PostgreSQL.

mod auth;
mod cleanup;
mod client;
mod estate;
mod flow;
mod grpc;
mod hardening;
mod input;
mod matrix;
mod pact_diff;
mod provider_contracts;
mod resources;
mod robustness;
mod security;
mod ui;
mod webhooks;
mod wire;

use std::sync::Arc;

use accord_broker::{AppState, BrokerConfig, Db};
use base64::Engine as _;
use serde_json::{Value, json};

/// A broker running in-process on a free loopback port.
pub(crate) struct Broker {
    pub(crate) url: String,
    pub(crate) client: reqwest::Client,
    _server: tokio::task::JoinHandle<()>,
    worker: tokio::task::JoinHandle<()>,
}

impl Drop for Broker {
    fn drop(&mut self) {
        self._server.abort();
        self.worker.abort();
    }
}

/// A fresh SQLite database URL, for tests that exercise behaviour independent of the backend.
pub(crate) fn sqlite_only(name: &str) -> String {
    accord_test_support::sqlite_url(&tmp_dir(), &format!("broker-{name}"))
}

/// The database URLs to test: a fresh SQLite file, and a fresh PostgreSQL database when the
/// server on 127.0.0.1:5432 answers (a recorded skip otherwise; required under `CI=true`).
pub(crate) async fn backends(name: &str) -> Vec<String> {
    accord_test_support::backends(&tmp_dir(), &format!("broker-{name}")).await
}

fn tmp_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// Starts a broker (with its webhook worker) on a database.
pub(crate) async fn start(config: BrokerConfig) -> Broker {
    let db = Db::connect(&config.database_url).await.expect("database");
    let state = Arc::new(AppState::new(db, config));
    let worker = accord_broker::webhooks::spawn_worker(Arc::clone(&state));
    let app = accord_broker::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Broker {
        url,
        client: reqwest::Client::new(),
        _server: server,
        worker,
    }
}

/// Serves a broker on a fresh SQLite database with at most `max_connections` connections and a
/// one-second header timeout; its address and the server task.
pub(crate) async fn serve_limited(
    name: &str,
    max_connections: usize,
) -> (String, tokio::task::JoinHandle<()>) {
    let config = BrokerConfig::new(sqlite_only(name));
    let db = Db::connect(&config.database_url).await.expect("database");
    let app = accord_broker::app(Arc::new(AppState::new(db, config)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("addr").to_string();
    let limits = accord_broker::ConnectionLimits {
        max_connections,
        header_timeout: std::time::Duration::from_secs(1),
    };
    let server = tokio::spawn(accord_broker::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    (address, server)
}

/// A V3 pact with one interaction whose response field is `field`.
pub(crate) fn pact(consumer: &str, provider: &str, field: &str) -> Value {
    json!({
        "consumer": {"name": consumer}, "provider": {"name": provider},
        "interactions": [{"description": "get thing", "request": {"method": "GET", "path": "/thing"},
            "response": {"status": 200, "body": {field: "x"}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}
    })
}

/// The body of `POST /contracts/publish`.
pub(crate) fn publish_body(consumer: &str, version: &str, branch: Option<&str>, pacts: &[Value]) -> Value {
    let contracts: Vec<Value> = pacts
        .iter()
        .map(|p| {
            json!({"consumerName": consumer, "providerName": p["provider"]["name"], "specification": "pact",
              "contentType": "application/json",
              "content": base64::engine::general_purpose::STANDARD.encode(p.to_string())})
        })
        .collect();
    let mut body =
        json!({"pacticipantName": consumer, "pacticipantVersionNumber": version, "contracts": contracts});
    if let Some(branch) = branch {
        body["branch"] = json!(branch);
    }
    body
}

impl Broker {
    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let (status, text) = self.send_text(method, path, body).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A request with a JSON body, answered as text.
    pub(crate) async fn send_text(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, String) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.url))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub(crate) async fn delete(&self, path: &str) -> u16 {
        self.send(reqwest::Method::DELETE, path, &Value::Null).await.0
    }

    pub(crate) async fn put(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, &serde_json::json!({}))
            .await
    }

    /// A GET with extra headers, answered as text.
    pub(crate) async fn get_text(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut request = self.client.get(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("sent");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Publishes a verification result of the pact of `consumer` `version` with `provider`,
    /// by the pact's `pb:publish-verification-results` relation; the result's answer.
    pub(crate) async fn verify(
        &self,
        consumer: &str,
        version: &str,
        provider: &str,
        result: &Value,
    ) -> Value {
        let (_, pact) = self
            .get(&format!(
                "/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
            ))
            .await;
        let publish = pact["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .expect("the publish relation")
            .trim_start_matches(&self.url)
            .to_owned();
        let (status, body) = self.post(&publish, result).await;
        assert_eq!(status, 201, "{body}");
        body
    }

    /// Records the deployment of `pacticipant` `version` to the first environment its version
    /// resource offers.
    pub(crate) async fn deploy(&self, pacticipant: &str, version: &str) {
        let (_, resource) = self
            .get(&format!("/pacticipants/{pacticipant}/versions/{version}"))
            .await;
        let record = resource["_links"]["pb:record-deployment"][0]["href"]
            .as_str()
            .expect("the record-deployment relation")
            .trim_start_matches(&self.url)
            .to_owned();
        let (status, body) = self.post(&record, &json!({})).await;
        assert_eq!(status, 201, "{body}");
    }

    /// Records the deployment of `pacticipant` `version` to the environment named `environment`.
    pub(crate) async fn deploy_to(&self, pacticipant: &str, version: &str, environment: &str) {
        let (_, resource) = self
            .get(&format!("/pacticipants/{pacticipant}/versions/{version}"))
            .await;
        let record = resource["_links"]["pb:record-deployment"]
            .as_array()
            .and_then(|links| links.iter().find(|l| l["name"] == environment))
            .and_then(|l| l["href"].as_str())
            .expect("the record-deployment relation for the environment")
            .trim_start_matches(&self.url)
            .to_owned();
        let (status, body) = self.post(&record, &json!({})).await;
        assert_eq!(status, 201, "{body}");
    }

    pub(crate) async fn publish(
        &self,
        consumer: &str,
        version: &str,
        branch: Option<&str>,
        pacts: &[Value],
    ) -> (u16, Value) {
        self.post(
            "/contracts/publish",
            &publish_body(consumer, version, branch, pacts),
        )
        .await
    }
}
