//! The accord contract broker: stores pacts by consumer version, branch, tag and environment,
//! records verification results and answers "can I deploy?". Its HTTP API is the Pact
//! Broker's, so the official `pact-broker` CLI and Pact verifier work against it unchanged.
//!
//! It runs on an embedded SQLite file by default and on PostgreSQL when given a `postgres://`
//! URL, in which case several instances may share one database.

mod auth;
pub mod client;
pub mod config;
pub mod db;
mod domain;
mod error;
mod hal;
mod routes;
mod security;
pub mod serve;
mod store;
pub mod webhooks;

use std::sync::Arc;

use axum::Router;

pub use config::{
    AuthConfig, BrokerConfig, Credential, DEFAULT_WEBHOOK_CALLS_PER_MINUTE, RateLimit, WebhookPolicy,
};
pub use db::{Backend, Db, DbError};
pub use domain::cleanup;
pub use serve::{ConnectionLimits, serve};

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The settings.
    pub config: BrokerConfig,
    /// What lives as long as the application: caches and limits shared by its requests.
    pub(crate) lasting: Lasting,
}

impl AppState {
    /// The state of an application on `db` with `config`.
    pub fn new(db: Db, config: BrokerConfig) -> AppState {
        AppState {
            db,
            config,
            lasting: Lasting::default(),
        }
    }
}

/// What lives as long as the application and is shared by its requests.
#[derive(Debug)]
pub(crate) struct Lasting {
    /// Provider contract documents read last.
    pub(crate) documents: domain::provider_contract::Documents,
    /// Turns of large publications and verification results.
    pub(crate) large_requests: Arc<tokio::sync::Semaphore>,
}

impl Default for Lasting {
    fn default() -> Self {
        Lasting {
            documents: domain::provider_contract::Documents::default(),
            large_requests: Arc::new(tokio::sync::Semaphore::new(routes::LARGE_AT_ONCE)),
        }
    }
}

/// Connects to the database, runs migrations, starts the webhook worker and builds the
/// application.
pub async fn build(config: BrokerConfig) -> Result<Router, DbError> {
    let db = Db::connect(&config.database_url).await?;
    let state = Arc::new(AppState::new(db, config));
    webhooks::spawn_worker(Arc::clone(&state));
    Ok(app(state))
}

/// The application for an already connected state.
pub fn app(state: Arc<AppState>) -> Router {
    let limit = state.config.body_limit;
    let mut router = routes::router();
    for prefix in hal::context_paths(state.config.base_url.as_deref().unwrap_or_default()) {
        router = router.clone().nest(&prefix, routes::router());
    }
    // Bodies over the limit are refused after authentication (only a known caller's body is
    // read to give it the 413) and cut at the limit when they declare no length.
    let routed = router
        .layer(axum::middleware::from_fn(security::require_json_writes))
        .layer(axum::middleware::from_fn_with_state(limit, security::limit_body))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            auth::require_auth,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::Extension(Arc::clone(&state)))
        .with_state(state);
    // The path is checked (and its names composed to NFC) before routing, so every route sees
    // names in the form they are stored in.
    let checked = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(axum::middleware::from_fn(error::problem_json))
        .layer(axum::middleware::from_fn(security::refuse_nul))
        .service(routed);
    Router::new().fallback_service(checked)
}
