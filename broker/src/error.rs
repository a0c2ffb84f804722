//! API errors with one status mapping and the JSON shapes the Pact clients parse.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// 400 with messages.
    #[error("bad request: {0:?}")]
    BadRequest(Vec<String>),
    /// 401.
    #[error("authentication required")]
    Unauthorized,
    /// 403.
    #[error("not allowed")]
    Forbidden,
    /// 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// 409 with a prepared body.
    #[error("conflict")]
    Conflict(Value),
    /// 500; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[from] sqlx::Error),
}

impl ApiError {
    /// A 400 with one message.
    pub(crate) fn bad(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(vec![message.into()])
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::BadRequest(errors) => (StatusCode::BAD_REQUEST, json!({"errors": errors})),
            ApiError::Unauthorized => {
                let mut response = (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({"error": "authentication required"})),
                )
                    .into_response();
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
            ApiError::Conflict(body) => (StatusCode::CONFLICT, body),
            ApiError::Internal(error) => {
                tracing::error!(%error, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "internal error; see the broker log"}),
                )
            }
        };
        (status, axum::Json(body)).into_response()
    }
}

/// Handler result.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
