//! Authentication (basic and bearer) and the read/write policy.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use crate::AppState;
use crate::config::Credential;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    None,
    Read,
    Write,
}

fn presented(request: &Request) -> Option<Credential> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    if let Some(token) = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
    {
        return Some(Credential::Token(token.trim().to_owned()));
    }
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (username, password) = text.split_once(':')?;
    Some(Credential::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

fn is_read(request: &Request) -> bool {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return true;
    }
    // Asking for pacts to verify is a read, even though it is a POST.
    method == Method::POST && request.uri().path().ends_with("/for-verification")
}

/// Checks credentials: no credential → 401, read-only credential writing → 403.
pub(crate) async fn require_auth(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let auth = &state.config.auth;
    let path = request.uri().path();
    let public = path.ends_with("/diagnostic/status/heartbeat")
        || (auth.public_badges && request.method() == Method::GET && path.ends_with("/badge"));
    if !auth.enabled() || public {
        return next.run(request).await;
    }
    let access = match presented(&request) {
        Some(credential) if auth.read_write.contains(&credential) => Access::Write,
        Some(credential) if auth.read_only.contains(&credential) => Access::Read,
        Some(_) => return ApiError::Unauthorized.into_response(),
        None if auth.public_read => Access::Read,
        None => Access::None,
    };
    match access {
        Access::Write => next.run(request).await,
        Access::Read if is_read(&request) => next.run(request).await,
        Access::Read => ApiError::Forbidden.into_response(),
        Access::None => ApiError::Unauthorized.into_response(),
    }
}
