//! Conversion between hyper's types and the pact model.

use accord_core::{Body, ContentType, Headers, HttpRequest, HttpResponse, Query};
use bytes::Bytes;
use http_body_util::Full;

/// A path with its percent escapes decoded: requests arrive encoded, and pacts hold paths either
/// way (official writers record them as sent, `/pacticipants/Pricing%20Service`), so both sides
/// are compared decoded.
pub(crate) fn decoded_path(path: &str) -> String {
    if !path.contains('%') {
        return path.to_owned();
    }
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// Builds a model request from hyper's request parts and the collected body.
pub(crate) fn to_model_request(parts: &hyper::http::request::Parts, body: Bytes) -> HttpRequest {
    let mut headers = Headers::new();
    for (name, value) in &parts.headers {
        headers.add(
            name.as_str(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    let path = decoded_path(parts.uri.path());
    let query = parts.uri.query().map(Query::parse);
    let content_type = headers.content_type();
    let body = if body.is_empty() {
        Body::Missing
    } else {
        Body::bytes(
            body.to_vec(),
            content_type.or_else(|| Some(ContentType::detect(&body))),
        )
    };
    HttpRequest {
        method: parts.method.as_str().to_owned(),
        path,
        query,
        headers,
        body,
        ..HttpRequest::default()
    }
}

/// A response ready to send: status, headers and body bytes.
#[derive(Debug, Clone)]
pub(crate) struct PreparedResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
}

impl PreparedResponse {
    pub(crate) fn from_model(response: &HttpResponse) -> PreparedResponse {
        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, values) in response.headers.iter() {
            for value in values {
                headers.push((name.to_owned(), value.clone()));
            }
        }
        let has_content_type = response.headers.get("content-type").is_some();
        let body = match &response.body {
            Body::Present { content, .. } => Bytes::from(content.clone()),
            Body::Null => Bytes::from_static(b"null"),
            _ => Bytes::new(),
        };
        if !has_content_type
            && !body.is_empty()
            && let Some(ct) = response.content_type()
        {
            headers.push(("Content-Type".to_owned(), ct.to_string()));
        }
        PreparedResponse {
            status: response.status,
            headers,
            body,
        }
    }

    pub(crate) fn into_hyper(self, extra: &[(&str, &str)]) -> hyper::Response<Full<Bytes>> {
        let mut builder = hyper::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        builder.body(Full::new(self.body)).unwrap_or_else(|_| {
            let mut response = hyper::Response::new(Full::new(Bytes::from_static(
                b"{\"error\":\"the pact's response has an invalid status or header\"}",
            )));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
    }
}
