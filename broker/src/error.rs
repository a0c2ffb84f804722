//! API errors with one status mapping and the JSON shapes the Pact clients parse.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use accord_broker_client::wire::Notice;

use crate::domain::DomainError;

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// 400 with messages.
    #[error("bad request: {0:?}")]
    BadRequest(Vec<String>),
    /// 400 with messages keyed by the field at fault (`{"errors": {"request.url": [...]}}`), the
    /// shape the reference broker gives validation errors of webhooks.
    #[error("invalid fields: {0:?}")]
    InvalidFields(std::collections::BTreeMap<String, Vec<String>>),
    /// 401.
    #[error("authentication required")]
    Unauthorized,
    /// 403.
    #[error("not allowed")]
    Forbidden,
    /// 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// 415: a write whose body is not JSON.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// 413: a request body over the configured limit.
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// 409: the errors by field, and the notices the official clients print.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// 500; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[from] sqlx::Error),
    /// 500: something the broker just stored, or that a stored row refers to, is not there;
    /// logged as a broken invariant, not as a database error.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
}

/// The body of a 409: messages by the field at fault, and notices to print.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Conflict {
    /// Field → messages.
    errors: std::collections::BTreeMap<String, Vec<String>>,
    /// What the official clients print.
    notices: Vec<Notice>,
}

fn notice(kind: &str, text: String) -> Notice {
    Notice {
        when: None,
        kind: Some(kind.to_owned()),
        text,
    }
}

impl ApiError {
    /// The 409 of the older single-pact `PUT`: different content for a version that has a pact.
    pub(crate) fn pact_changed(consumer: &str, number: &str, provider: &str, diff: String) -> ApiError {
        let text = format!(
            "Cannot change the content of the pact for {consumer} version {number} and provider {provider}"
        );
        ApiError::Conflict(Conflict {
            errors: std::iter::once(("pact".to_owned(), vec![text])).collect(),
            notices: vec![notice("info", diff)],
        })
    }

    /// A 400 with one message.
    pub(crate) fn bad(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(vec![message.into()])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::BadRequest(errors) => (StatusCode::BAD_REQUEST, json!({"errors": errors})),
            ApiError::InvalidFields(errors) => (StatusCode::BAD_REQUEST, json!({"errors": errors})),
            ApiError::Unauthorized => {
                let mut response = hal_error(
                    StatusCode::UNAUTHORIZED,
                    &json!({"error": "authentication required"}),
                );
                response.headers_mut().insert(
                    "WWW-Authenticate",
                    axum::http::HeaderValue::from_static("Basic realm=\"accord broker\""),
                );
                return response;
            }
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                json!({"error": "these credentials may not write"}),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                json!({"error": format!("{what} not found")}),
            ),
            ApiError::UnsupportedMediaType(message) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({"errors": [message]}))
            }
            ApiError::PayloadTooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, json!({"errors": [message]}))
            }
            ApiError::Conflict(body) => (
                StatusCode::CONFLICT,
                serde_json::to_value(body).unwrap_or_else(|_| json!({"error": "conflict"})),
            ),
            ApiError::Internal(error) => {
                tracing::error!(%error, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "internal error; see the broker log"}),
                )
            }
            ApiError::Inconsistent(what) => {
                tracing::error!(%what, "stored data is inconsistent");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "internal error; see the broker log"}),
                )
            }
        };
        hal_error(status, &body)
    }
}

/// An error body with the content type the reference broker gives its errors
/// (`application/hal+json;charset=utf-8`, which the official clients expect).
fn hal_error(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/hal+json;charset=utf-8"),
    );
    response
}

/// Handler result.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// The body of an error response in RFC 9457 form (`application/problem+json`), built from
/// the broker's usual `{"errors": ...}` / `{"error": ...}` body.
fn problem(status: StatusCode, instance: &str, body: &Value) -> Value {
    let slug = match status.as_u16() {
        400 => "validation-error",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        413 => "request-too-large",
        _ if status.is_server_error() => "server-error",
        _ => "client-error",
    };
    let mut messages: Vec<String> = Vec::new();
    match &body["errors"] {
        Value::Array(list) => messages.extend(list.iter().map(text_of)),
        Value::Object(fields) => {
            for (field, list) in fields {
                match list {
                    Value::Array(items) => {
                        messages.extend(items.iter().map(|m| format!("{field}: {}", text_of(m))))
                    }
                    other => messages.push(format!("{field}: {}", text_of(other))),
                }
            }
        }
        _ => {}
    }
    if let Some(error) = body["error"].as_str() {
        messages.push(error.to_owned());
    }
    let title = status.canonical_reason().unwrap_or("Error");
    let detail = if messages.is_empty() {
        title.to_owned()
    } else {
        messages.join("; ")
    };
    let mut out = json!({
        "type": format!("/problems/{slug}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
        "instance": instance,
    });
    if !messages.is_empty() {
        out["errors"] = messages
            .iter()
            .map(|m| json!({"type": format!("/problems/{slug}"), "title": title, "detail": m, "status": status.as_u16()}))
            .collect();
    }
    if let Some(notices) = body.get("notices") {
        out["notices"] = notices.clone();
    }
    out
}

fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

/// Answers errors as `application/problem+json` to clients whose `Accept` asks for it; other
/// clients keep the body shape the Pact tools parse.
pub(crate) async fn problem_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let wants = request
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/problem+json"));
    let instance = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !wants || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1024 * 1024).await.unwrap_or_default();
    let original: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| json!({"error": String::from_utf8_lossy(&bytes).trim().to_owned()}));
    let original = if original["error"].as_str() == Some("") {
        json!({})
    } else {
        original
    };
    let text = problem(status, &instance, &original).to_string();
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/problem+json;charset=utf-8"),
    );
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(text))
}

/// The domain's errors as HTTP answers: invalid requests are 400s, similar names and changed
/// content 409s with the notices the official clients print.
impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> ApiError {
        match error {
            DomainError::Invalid(messages) => ApiError::BadRequest(messages),
            DomainError::SimilarNames(messages) => ApiError::Conflict(Conflict {
                notices: messages.iter().map(|m| notice("error", m.clone())).collect(),
                errors: std::iter::once(("pacticipantName".to_owned(), messages)).collect(),
            }),
            DomainError::ContentChanged {
                consumer,
                version,
                provider,
                diff,
            } => {
                let text = format!(
                    "Cannot change the content of the pact for {consumer} version {version} and provider {provider}, \
                     as race conditions will cause unreliable results for can-i-deploy. Each pact must be published \
                     with a unique consumer version number."
                );
                ApiError::Conflict(Conflict {
                    errors: std::iter::once(("contracts".to_owned(), vec![text.clone()])).collect(),
                    notices: vec![notice("error", text), notice("info", diff)],
                })
            }
            DomainError::NotFound(what) => ApiError::NotFound(what),
            DomainError::Inconsistent(what) => ApiError::Inconsistent(what),
            DomainError::Store(e) => ApiError::Internal(e),
        }
    }
}
