//! Request and response rules that hold for every route: writes take JSON only, no NUL
//! character in a path or query, and response headers that keep pages from being framed,
//! sniffed or made to load anything foreign.

use axum::extract::Request;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Refuses a write whose body is not JSON (`415`): HTML forms and `text/plain` requests are the
/// bodies a browser sends cross-site without asking, with the credentials it keeps for the
/// broker, so no write may accept them.
pub(crate) async fn require_json_writes(request: Request, next: Next) -> Response {
    let writes = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH);
    if !writes {
        return next.run(request).await;
    }
    let headers = request.headers();
    let has_body = headers.contains_key("transfer-encoding")
        || headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(accord_core::ContentType::parse);
    let json = content_type
        .as_ref()
        .is_some_and(accord_core::ContentType::is_json);
    if !has_body || json {
        return next.run(request).await;
    }
    let sent = content_type.map_or_else(|| "no content type".to_owned(), |ct| ct.to_string());
    ApiError::UnsupportedMediaType(format!(
        "request bodies must be JSON (Content-Type: application/json), not {sent}"
    ))
    .into_response()
}

/// Refuses a path or query holding a NUL character (`%00`), which PostgreSQL cannot store, and
/// a path holding any other control or bidirectional-text character: no name may contain one
/// (see `domain::names`).
pub(crate) async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let has_nul = |text: &str| text.contains('\0') || text.to_ascii_lowercase().contains("%00");
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        return ApiError::bad("the path or query holds a NUL character (%00), which no name may contain")
            .into_response();
    }
    let decoded = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    let unprintable = decoded.split('/').find_map(|segment| {
        crate::domain::names::problem(segment).filter(|why| !segment.is_empty() && why.contains("character"))
    });
    if let Some(why) = unprintable {
        return ApiError::bad(format!("a name in the path {why}")).into_response();
    }
    next.run(request).await
}

/// The page policy: nothing is loaded from elsewhere, no script runs, forms and the base URL
/// stay on the broker, no other site may frame a page.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
    form-action 'self'; base-uri 'self'; frame-ancestors 'none'";

/// Adds `Content-Security-Policy`, `X-Content-Type-Options` and `X-Frame-Options` to every
/// response.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}
