//! A small provider for the tests: items, a secured route, state changes and messages.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// What the provider recorded.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) state_calls: Vec<Value>,
    pub(crate) state_queries: Vec<String>,
}

#[derive(Clone, Default)]
struct AppState {
    recorded: Arc<Mutex<Recorded>>,
    breaking: bool,
}

/// A running provider; stops when dropped.
pub(crate) struct TestProvider {
    pub(crate) url: String,
    pub(crate) recorded: Arc<Mutex<Recorded>>,
    _runtime: tokio::runtime::Runtime,
}

async fn item(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    if state.breaking {
        return axum::Json(json!({"id": id.to_string(), "title": "item"})).into_response();
    }
    axum::Json(json!({"id": id, "name": "item", "tags": ["a", "b"]})).into_response()
}

async fn secure(headers: HeaderMap) -> Response {
    match headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        Some("secret") => axum::Json(json!({"ok": true})).into_response(),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn state_change(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    body: String,
) -> Response {
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut recorded = state.recorded.lock().expect("lock");
    if let Some(q) = query {
        recorded.state_queries.push(q);
    }
    recorded.state_calls.push(value.clone());
    if value["state"] == "broken state" {
        return (StatusCode::INTERNAL_SERVER_ERROR, "database down").into_response();
    }
    axum::Json(json!({"id": 77})).into_response()
}

async fn message(State(state): State<AppState>, axum::Json(request): axum::Json<Value>) -> Response {
    let mut headers = HeaderMap::new();
    use base64::Engine as _;
    let metadata = base64::engine::general_purpose::STANDARD.encode(json!({"topic": "items"}).to_string());
    headers.insert("Pact-Message-Metadata", metadata.parse().expect("header"));
    let kind = if state.breaking { "removed" } else { "created" };
    (
        headers,
        axum::Json(json!({"event": kind, "description": request["description"]})),
    )
        .into_response()
}

impl TestProvider {
    pub(crate) fn start(breaking: bool) -> TestProvider {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let state = AppState {
            recorded: Arc::default(),
            breaking,
        };
        let recorded = Arc::clone(&state.recorded);
        let router = Router::new()
            .route("/items/{id}", get(item))
            .route("/secure", get(secure))
            .route("/state", post(state_change))
            .route("/messages", post(message))
            .with_state(state);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        runtime.spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestProvider {
            url,
            recorded,
            _runtime: runtime,
        }
    }
}
