//! Authentication (basic and bearer) and the read/write policy.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::AppState;
use crate::config::Credential;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    None,
    Read,
    Write,
}

/// What the caller of a request may do, for handlers that show less to readers (a request
/// extension set by [`require_auth`]; absent means authentication is off, so everyone writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Viewer {
    /// Whether the caller may write (and so see what only writers see).
    pub(crate) may_write: bool,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Viewer, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Viewer>()
            .copied()
            .unwrap_or(Viewer { may_write: true }))
    }
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

/// Routes anyone may GET when badges are public.
const BADGES: &[&str] = &[
    "/pacts/provider/*/consumer/*/latest/badge",
    "/pacts/provider/*/consumer/*/latest/*/badge",
    "/pacticipants/*/branches/*/latest-version/can-i-deploy/to-environment/*/badge",
];

/// Whether `path`, or `path` less one of the configured context `prefixes`, is exactly the
/// route `pattern`, where `*` stands for one path segment. A name in the path can never turn
/// another route into this one.
fn route_is(prefixes: &[String], path: &str, pattern: &str) -> bool {
    let same = |path: &str| {
        let mut got = path.split('/');
        let mut wanted = pattern.split('/');
        loop {
            match (got.next(), wanted.next()) {
                (None, None) => return true,
                (Some(g), Some("*")) if !g.is_empty() => {}
                (Some(g), Some(w)) if g == w => {}
                _ => return false,
            }
        }
    };
    same(path)
        || prefixes
            .iter()
            .any(|prefix| path.strip_prefix(prefix.as_str()).is_some_and(same))
}

/// Whether a presented credential is one of `list`, in time that does not depend on how much of
/// a stored secret it gets right: both sides are hashed and the digests compared in constant
/// time.
fn known(list: &[Credential], presented: &Credential) -> bool {
    let digest = |credential: &Credential| -> [u8; 32] {
        let text = match credential {
            Credential::Basic { username, password } => format!("basic\0{username}\0{password}"),
            Credential::Token(token) => format!("token\0{token}"),
        };
        sha2::Sha256::digest(text.as_bytes()).into()
    };
    let wanted = digest(presented);
    list.iter().fold(false, |found, stored| {
        found | bool::from(digest(stored).ct_eq(&wanted))
    })
}

fn is_read(prefixes: &[String], request: &Request) -> bool {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return true;
    }
    // Asking for pacts to verify is a read, even though it is a POST.
    method == Method::POST
        && route_is(
            prefixes,
            request.uri().path(),
            "/pacts/provider/*/for-verification",
        )
}

/// Checks credentials: no credential → 401, read-only credential writing → 403.
pub(crate) async fn require_auth(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let auth = &state.config.auth;
    if !auth.enabled() {
        return next.run(request).await;
    }
    let prefixes = crate::hal::context_paths(state.config.base_url.as_deref().unwrap_or_default());
    let path = request.uri().path();
    let public = route_is(&prefixes, path, "/diagnostic/status/heartbeat")
        || (auth.public_badges
            && request.method() == Method::GET
            && BADGES.iter().any(|badge| route_is(&prefixes, path, badge)));
    if public {
        return next.run(request).await;
    }
    let access = match presented(&request) {
        Some(credential) if known(&auth.read_write, &credential) => Access::Write,
        Some(credential) if known(&auth.read_only, &credential) => Access::Read,
        Some(_) => return ApiError::Unauthorized.into_response(),
        None if auth.public_read => Access::Read,
        None => Access::None,
    };
    request.extensions_mut().insert(Viewer {
        may_write: access == Access::Write,
    });
    match access {
        Access::Write => next.run(request).await,
        Access::Read if is_read(&prefixes, &request) => next.run(request).await,
        Access::Read => ApiError::Forbidden.into_response(),
        Access::None => ApiError::Unauthorized.into_response(),
    }
}
