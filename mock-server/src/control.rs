//! The control API for consumers written in other languages, and the multi-provider stub mode
//! used by `accord-mock-server serve`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use accord_core::pact_file::write_pact_file;
use accord_core::{Pact, SpecVersion};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::StartError;
use crate::server::{MockServer, MockServerConfig};

/// Starts one mock server per provider named in `pacts`, merging pacts for the same provider.
/// The first provider gets `port` (0 for a free one); the others get free ports.
pub async fn serve_pacts(
    pacts: Vec<Pact>,
    host: IpAddr,
    port: u16,
    cors: bool,
    tls: bool,
) -> Result<Vec<MockServer>, StartError> {
    let mut by_provider: Vec<Pact> = Vec::new();
    for pact in pacts {
        match by_provider.iter_mut().find(|p| p.provider == pact.provider) {
            Some(existing) => existing.interactions.extend(pact.interactions),
            None => by_provider.push(pact),
        }
    }
    let mut servers = Vec::new();
    for (i, pact) in by_provider.into_iter().enumerate() {
        let config = MockServerConfig {
            host,
            port: if i == 0 { port } else { 0 },
            cors,
            tls,
            ..MockServerConfig::default()
        };
        servers.push(MockServer::start(pact, config).await?);
    }
    Ok(servers)
}

#[derive(Debug)]
struct ControlState {
    servers: Mutex<HashMap<String, MockServer>>,
    host: IpAddr,
    run_id: String,
    /// Pact files are written only below this directory.
    pact_root: PathBuf,
}

/// The control API's router: create, list, inspect, verify, write and delete mock servers.
/// Pact files go below `pact_root` (a request's `dir` is relative to it).
pub fn control_router(host: IpAddr, pact_root: PathBuf) -> Router {
    let state = Arc::new(ControlState {
        servers: Mutex::new(HashMap::new()),
        host,
        pact_root,
        run_id: format!("control-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
    });
    Router::new()
        .route("/mockservers", post(create).get(list))
        .route("/mockservers/{id}", get(show).delete(delete))
        .route("/mockservers/{id}/mismatches", get(mismatches))
        .route("/mockservers/{id}/verify", post(verify))
        .route("/mockservers/{id}/pact", post(write_pact))
        .layer(axum::middleware::from_fn(json_bodies_only))
        .with_state(state)
}

/// Refuses a POST whose body is not JSON (`415`): the control API has no authentication, so a
/// web page must not be able to drive it with the form or `text/plain` bodies a browser sends
/// cross-site without asking.
async fn json_bodies_only(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    let has_body = headers.contains_key("transfer-encoding")
        || headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(accord_core::ContentType::parse)
        .is_some_and(|ct| ct.is_json());
    if request.method() == axum::http::Method::POST && has_body && !json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request bodies must be JSON (Content-Type: application/json)",
        );
    }
    next.run(request).await
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": message.into()}))).into_response()
}

fn describe(id: &str, server: &MockServer) -> Value {
    let mut value = json!({
        "id": id,
        "port": server.port(),
        "url": server.url(),
        "consumer": server.pact().consumer,
        "provider": server.pact().provider,
        "interactions": server.pact().http_interactions().count(),
    });
    if let Some(pem) = server.certificate_pem() {
        value["certificatePem"] = pem.into();
    }
    value
}

async fn create(
    State(state): State<Arc<ControlState>>,
    Query(params): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let pact = match accord_core::format::parse_pact(&body, "request body") {
        Ok(pact) => pact,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let port = match params.get("port").map(|p| p.parse::<u16>()) {
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "query parameter 'port' must be a port number",
            );
        }
        None => 0,
    };
    let config = MockServerConfig {
        host: state.host,
        port,
        cors: params.get("cors").is_some_and(|v| v == "true"),
        tls: params.get("tls").is_some_and(|v| v == "true"),
        ..MockServerConfig::default()
    };
    match MockServer::start(pact, config).await {
        Ok(server) => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let body = describe(&id, &server);
            state.servers.lock().await.insert(id, server);
            (StatusCode::CREATED, axum::Json(body)).into_response()
        }
        Err(e) => error(
            StatusCode::CONFLICT,
            format!(
                "{e}: {}",
                std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            ),
        ),
    }
}

async fn list(State(state): State<Arc<ControlState>>) -> Response {
    let servers = state.servers.lock().await;
    let mut list: Vec<Value> = servers.iter().map(|(id, s)| describe(id, s)).collect();
    list.sort_by_key(|v| v["port"].as_u64());
    axum::Json(json!({"mockServers": list})).into_response()
}

async fn show(State(state): State<Arc<ControlState>>, Path(id): Path<String>) -> Response {
    let servers = state.servers.lock().await;
    match servers.get(&id) {
        Some(server) => {
            let mut body = describe(&id, server);
            body["report"] = server.report().to_json();
            axum::Json(body).into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("no mock server with id '{id}'")),
    }
}

async fn mismatches(State(state): State<Arc<ControlState>>, Path(id): Path<String>) -> Response {
    let servers = state.servers.lock().await;
    match servers.get(&id) {
        Some(server) => axum::Json(server.report().to_json()["mismatches"].clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no mock server with id '{id}'")),
    }
}

async fn verify(State(state): State<Arc<ControlState>>, Path(id): Path<String>) -> Response {
    let servers = state.servers.lock().await;
    match servers.get(&id) {
        Some(server) => {
            let report = server.report();
            let status = if report.is_success() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, axum::Json(report.to_json())).into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("no mock server with id '{id}'")),
    }
}

async fn write_pact(
    State(state): State<Arc<ControlState>>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let request: Value = if body.trim().is_empty() {
        json!({})
    } else {
        match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(e) => return error(StatusCode::BAD_REQUEST, format!("request body is not JSON: {e}")),
        }
    };
    let dir = PathBuf::from(request["dir"].as_str().unwrap_or("pacts"));
    // The control API has no authentication: it writes only below its pact directory.
    let escapes = dir
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
    if escapes {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "'dir' must be a relative path below the control API's pact directory (--pact-dir), not '{}'",
                dir.display()
            ),
        );
    }
    let version = match request["specification"].as_str().map(SpecVersion::parse) {
        Some(Some(v @ (SpecVersion::V3 | SpecVersion::V4))) => v,
        Some(_) => return error(StatusCode::BAD_REQUEST, "'specification' must be \"3\" or \"4\""),
        None => SpecVersion::V4,
    };
    let servers = state.servers.lock().await;
    let Some(server) = servers.get(&id) else {
        return error(StatusCode::NOT_FOUND, format!("no mock server with id '{id}'"));
    };
    let report = server.report();
    if !report.is_success() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"error": "the mock server saw mismatches; no pact written", "report": report.to_json()})),
        )
            .into_response();
    }
    let pact = server.pact().clone();
    let path = state.pact_root.join(dir).join(pact.file_name());
    let run_id = state.run_id.clone();
    drop(servers);
    let written = tokio::task::spawn_blocking(move || write_pact_file(&path, &pact, version, &run_id)).await;
    match written {
        Ok(Ok(outcome)) => {
            axum::Json(json!({"path": outcome.path, "interactions": outcome.interactions})).into_response()
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, error_chain(&e)),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn delete(State(state): State<Arc<ControlState>>, Path(id): Path<String>) -> Response {
    let server = state.servers.lock().await.remove(&id);
    match server {
        Some(server) => axum::Json(server.shutdown().await.to_json()).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no mock server with id '{id}'")),
    }
}
