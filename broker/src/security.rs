//! Request and response rules that hold for every route: writes declare JSON bodies, no NUL
//! character in a path or query, and response headers that keep pages from being framed,
//! sniffed or made to load anything foreign.

use axum::extract::Request;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The writes that take no body: they accept an empty body sent without a content type (or
/// any body declared as JSON, which they ignore). Every other write needs a JSON content type,
/// whatever the length of its body.
const BODYLESS_WRITES: &[(Method, &str)] = &[
    (Method::PUT, "/pacticipants/{p}/versions/{v}/tags/{t}"),
    (Method::PUT, "/pacticipants/{p}/labels/{l}"),
    (Method::PUT, "/pacticipants/{p}/branches/{b}/versions/{v}"),
    (Method::POST, "/webhooks/{uuid}/execute"),
];

/// Refuses a write (`POST`, `PUT`, `PATCH`) that does not declare a JSON body (`415`): HTML
/// forms and `text/plain` requests are what a browser sends cross-site without asking, with the
/// credentials it keeps for the broker, and an empty form is still a form. Only the
/// [`BODYLESS_WRITES`] may come with no content type at all, and then only with an empty body.
pub(crate) async fn require_json_writes(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if !matches!(method, Method::POST | Method::PUT | Method::PATCH) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let declared = headers.get("content-type");
    let content_type = declared
        .and_then(|v| v.to_str().ok())
        .and_then(accord_core::ContentType::parse);
    if content_type
        .as_ref()
        .is_some_and(accord_core::ContentType::is_json)
    {
        return next.run(request).await;
    }
    let empty = !headers.contains_key("transfer-encoding")
        && headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() == "0");
    let bodyless = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|matched| {
            BODYLESS_WRITES
                .iter()
                .any(|(m, route)| *m == method && matched.as_str().ends_with(route))
        });
    if bodyless && empty && declared.is_none() {
        return next.run(request).await;
    }
    let sent = match (declared, content_type) {
        (_, Some(ct)) => ct.to_string(),
        (Some(raw), None) => format!("'{}'", String::from_utf8_lossy(raw.as_bytes())),
        (None, None) => "no content type".to_owned(),
    };
    let message = if bodyless {
        format!(
            "this request takes no body: send none, with no content type, or JSON (Content-Type: application/json), not {sent}"
        )
    } else {
        format!("request bodies must be JSON (Content-Type: application/json), not {sent}")
    };
    ApiError::UnsupportedMediaType(message).into_response()
}

/// Refuses a path or query holding a NUL character (`%00`), which PostgreSQL cannot store, and
/// a path segment no name may be (one holding another control, format or separator character,
/// or `.` and `..`: see `domain::names`); a path whose names are not in Unicode NFC is read in
/// NFC, the form names are stored in, so a decomposed "Café" finds the composed one.
pub(crate) async fn refuse_nul(mut request: Request, next: Next) -> Response {
    let uri = request.uri();
    let has_nul = |text: &str| text.contains('\0') || text.to_ascii_lowercase().contains("%00");
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        return ApiError::bad("the path or query holds a NUL character (%00), which no name may contain")
            .into_response();
    }
    let mut rewritten = false;
    let mut segments = Vec::new();
    for raw in uri.path().split('/') {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        if let Some(why) = crate::domain::names::character_problem(&decoded).filter(|_| !decoded.is_empty()) {
            return ApiError::bad(format!("a name in the path {why}")).into_response();
        }
        match crate::domain::names::nfc(&decoded) {
            std::borrow::Cow::Owned(composed) => {
                rewritten = true;
                segments.push(percent_encoding::utf8_percent_encode(&composed, SEGMENT).to_string());
            }
            std::borrow::Cow::Borrowed(_) => segments.push(raw.to_owned()),
        }
    }
    if rewritten {
        let path = segments.join("/");
        let path_and_query = match uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        let mut parts = uri.clone().into_parts();
        match path_and_query.parse() {
            Ok(pq) => parts.path_and_query = Some(pq),
            Err(_) => return ApiError::bad("the path cannot be read as a URL path").into_response(),
        }
        match axum::http::Uri::from_parts(parts) {
            Ok(composed) => *request.uri_mut() = composed,
            Err(_) => return ApiError::bad("the path cannot be read as a URL path").into_response(),
        }
    }
    next.run(request).await
}

/// What a rewritten path segment escapes: everything but unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The most of an over-limit body read (and thrown away) so that its sender, still sending,
/// reads the 413 instead of a connection closed under it; a larger one gets the connection
/// closed.
const DRAINED_AT_MOST: u64 = 64 * 1024 * 1024;

/// How long reading an over-limit body may take before the connection is closed anyway.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(30);

/// Refuses a request whose `Content-Length` is over `limit` with a 413 that names both sizes.
/// The body is read and thrown away first (up to [`DRAINED_AT_MOST`], within [`DRAIN_TIME`]),
/// so clients that send the whole body before reading (curl, the official CLI) show the
/// message, not a broken pipe. Bodies without a length are cut at the limit when read.
pub(crate) async fn limit_body(
    axum::extract::State(limit): axum::extract::State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let declared = request
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(length) = declared.filter(|length| *length > limit as u64) else {
        return next.run(request).await;
    };
    if length <= DRAINED_AT_MOST {
        let mut body = request.into_body();
        let drain = async {
            use http_body_util::BodyExt as _;
            while let Some(Ok(_)) = body.frame().await {}
        };
        let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    }
    ApiError::PayloadTooLarge(format!(
        "the request body is {length} bytes, over the broker's limit of {limit} bytes (set with --body-limit)"
    ))
    .into_response()
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
