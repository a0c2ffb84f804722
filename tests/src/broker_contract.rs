//! A harness for verifying the official Pact Broker client's own contract against
//! accord-broker, the way the reference broker verifies it in its CI.
//!
//! One loopback server plays the provider. For every interaction the verifier first calls the
//! state change endpoint ([`ContractBroker::state_url`]); the harness then replaces the broker
//! behind the server with a fresh one (its own SQLite file, base URL `http://example.org`)
//! seeded with exactly what the reference's provider state seeds, through the broker's HTTP API.
//! A teardown call leaves a fresh, empty broker, so an interaction without a state never sees
//! another interaction's data. Requests to any other path go to the current broker after the
//! reference's request rewriting ([`rewrite`]): matrix queries back into the order the client
//! sends them, and ids fixed by the contract to the ids this broker gave out.

mod rewrite;
mod seed;
mod states;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_broker::{AppState, BrokerConfig, Db};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::Mutex;
use tower::ServiceExt as _;

/// Where the contract lives under the shared reference data.
pub const CONTRACT: &str = "contracts/pact-broker-client/Pact Broker Client V2-Pact Broker.json";

/// Where the client's contract with PactFlow (provider contracts) lives under the shared
/// reference data.
pub const PACTFLOW_CONTRACT: &str = "contracts/pact-broker-client/Pact Broker Client V2-PactFlow.json";

/// The interactions of the PactFlow contract that are not about provider contracts: PactFlow's
/// teams, which accord-broker does not have.
pub const PACTFLOW_ONLY: &[&str] = &["a request to create a webhook for a team"];

/// The base URL the reference broker has while its CI verifies the contract.
pub const BASE_URL: &str = "http://example.org";

/// The path of the state change endpoint on the harness server.
const STATE_PATH: &str = "/__contract-harness/provider-states";

/// The contract file: shared reference data, a recorded skip (a failure under `CI=true`) when
/// it is missing.
pub fn contract() -> Option<PathBuf> {
    accord_test_support::shared_data(CONTRACT, "the official Pact Broker client's contract")
}

/// The client's contract with PactFlow: shared reference data, a recorded skip (a failure under
/// `CI=true`) when it is missing.
pub fn pactflow_contract() -> Option<PathBuf> {
    accord_test_support::shared_data(
        PACTFLOW_CONTRACT,
        "the official broker client's PactFlow contract",
    )
}

/// The broker currently behind the harness server and the ids the contract fixes that its
/// seeding had to map.
struct Current {
    router: Router,
    ids: Vec<(String, String)>,
}

struct Harness {
    dir: PathBuf,
    current: Mutex<Current>,
}

/// A running harness: a provider URL for the verifier and a state change URL.
#[derive(Debug)]
pub struct ContractBroker {
    url: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for ContractBroker {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ContractBroker {
    /// Starts the harness on 127.0.0.1, keeping its broker databases under `dir`.
    pub async fn start(dir: &Path) -> Result<ContractBroker, String> {
        let router = fresh_broker(dir).await?;
        let harness = Arc::new(Harness {
            dir: dir.to_owned(),
            current: Mutex::new(Current {
                router,
                ids: Vec::new(),
            }),
        });
        let app = Router::new()
            .route(STATE_PATH, axum::routing::post(change_state))
            .fallback(forward)
            .with_state(harness);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot bind the harness server: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the harness address: {e}"))?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(ContractBroker {
            url: format!("http://{addr}"),
            server,
        })
    }

    /// The provider base URL to verify.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The state change URL (JSON body `{"state", "params", "action"}`).
    pub fn state_url(&self) -> String {
        format!("{}{STATE_PATH}", self.url)
    }

    /// The port the harness listens on.
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_default()
    }
}

/// A new broker on its own SQLite file, as the reference's CI configures it.
async fn fresh_broker(dir: &Path) -> Result<Router, String> {
    let mut config = BrokerConfig::new(accord_test_support::sqlite_url(dir, "broker-contract"));
    config.base_url = Some(BASE_URL.to_owned());
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open a fresh broker database: {e}"))?;
    Ok(accord_broker::app(Arc::new(AppState::new(db, config))))
}

/// The state change endpoint: a fresh broker for every set-up (seeded with the state) and for
/// every teardown (empty).
async fn change_state(State(harness): State<Arc<Harness>>, body: String) -> Response {
    let call: Value = match serde_json::from_str(&body) {
        Ok(call) => call,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("state change body: {e}")).into_response(),
    };
    let name = call["state"].as_str().unwrap_or_default();
    let action = call["action"].as_str().unwrap_or("setup");
    let mut current = harness.current.lock().await;
    let router = match fresh_broker(&harness.dir).await {
        Ok(router) => router,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    };
    let mut ids = Vec::new();
    if action == "setup" {
        let mut seeder = seed::Seeder::new(router.clone());
        if let Err(e) = states::set_up(&mut seeder, name).await {
            let message = format!("provider state '{name}': {e}");
            return (StatusCode::INTERNAL_SERVER_ERROR, message).into_response();
        }
        ids = seeder.into_ids();
    }
    *current = Current { router, ids };
    (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response()
}

/// Every other request: rewritten as the reference's proxy does, then handed to the current
/// broker.
async fn forward(State(harness): State<Arc<Harness>>, request: Request) -> Response {
    let (router, ids) = {
        let current = harness.current.lock().await;
        (current.router.clone(), current.ids.clone())
    };
    let (mut parts, body) = request.into_parts();
    let path = rewrite::path(parts.uri.path(), &ids);
    let query = parts.uri.query().map(|q| rewrite::query(&path, q));
    let uri = match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    match uri.parse() {
        Ok(uri) => parts.uri = uri,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("rewritten URI {uri}: {e}")).into_response(),
    }
    match router.oneshot(Request::from_parts(parts, Body::new(body))).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
