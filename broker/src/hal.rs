//! HAL responses: the content type the clients require, absolute links, encoded path segments.

use std::sync::Arc;

use accord_broker_client::wire::{Link, Links};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

/// A HAL+JSON response with a status; the body is one of the wire model's types.
#[derive(Debug)]
pub(crate) struct Hal<T = serde_json::Value>(pub(crate) StatusCode, pub(crate) T);

impl<T: Serialize> Hal<T> {
    /// 200 OK.
    pub(crate) fn ok(body: T) -> Hal<T> {
        Hal(StatusCode::OK, body)
    }

    /// 201 Created when `created`, else 200 OK.
    pub(crate) fn created_if(created: bool, body: T) -> Hal<T> {
        let status = if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        Hal(status, body)
    }
}

impl<T: Serialize> IntoResponse for Hal<T> {
    fn into_response(self) -> Response {
        match serde_json::to_string(&self.1) {
            Ok(text) => hal_text(self.0, text),
            Err(error) => {
                tracing::error!(%error, "an answer did not serialize");
                hal_text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"internal error; see the broker log"}"#.to_owned(),
                )
            }
        }
    }
}

/// A HAL answer of `body` (an object) with one more field, `key`, whose value is the JSON text
/// `raw` as stored: large stored documents are answered without being read into a tree. A
/// `raw` that is not JSON is answered as null.
pub(crate) fn with_raw_field(status: StatusCode, body: &impl Serialize, key: &str, raw: &str) -> Response {
    let raw = if serde_json::from_str::<serde::de::IgnoredAny>(raw).is_ok() {
        raw
    } else {
        "null"
    };
    let mut text = serde_json::to_string(body).unwrap_or_default();
    if text.ends_with('}') {
        text.pop();
        if text.len() > 1 {
            text.push(',');
        }
        text.push_str(&serde_json::Value::String(key.to_owned()).to_string());
        text.push(':');
        text.push_str(raw);
        text.push('}');
    }
    hal_text(status, text)
}

/// A HAL answer whose JSON is already written.
pub(crate) fn hal_text(status: StatusCode, text: String) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        "Content-Type",
        HeaderValue::from_static("application/hal+json;charset=utf-8"),
    );
    response
}

pub(crate) use crate::domain::segment as enc;

/// The base URL links are built from: a configured one (the one whose host the request names
/// when several are configured), else the `X-Forwarded-*` headers, else `Host`.
#[derive(Debug, Clone)]
pub(crate) struct Base(pub(crate) String);

/// The authority (`host[:port]`) and the path (without a trailing `/`) of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    }
}

/// The base URLs of the `base_url` setting, which may hold several separated by spaces or commas.
fn configured_urls(setting: &str) -> impl Iterator<Item = &str> {
    setting
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|u| !u.is_empty())
}

/// The path prefixes of the configured base URLs (`https://host/broker` → `/broker`), under
/// which the broker also answers, for proxies that do not strip a context path.
pub(crate) fn context_paths(setting: &str) -> Vec<String> {
    let mut out: Vec<String> = configured_urls(setting)
        .map(|url| split_url(url).1.to_owned())
        .filter(|path| !path.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

impl FromRequestParts<Arc<AppState>> for Base {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let trusted = state.config.trust_forwarded_headers;
        let forwarded = |name: &str| if trusted { header(name) } else { None };
        let host = forwarded("x-forwarded-host").or_else(|| header("host"));
        if let Some(configured) = &state.config.base_url {
            let candidates: Vec<&str> = configured_urls(configured).collect();
            let chosen = host
                .as_deref()
                .and_then(|h| candidates.iter().find(|u| split_url(u).0.eq_ignore_ascii_case(h)))
                .or(candidates.first());
            if let Some(url) = chosen {
                return Ok(Base(url.trim_end_matches('/').to_owned()));
            }
        }
        let proto = forwarded("x-forwarded-proto")
            .or_else(|| forwarded("x-forwarded-scheme"))
            .or_else(|| (forwarded("x-forwarded-ssl").as_deref() == Some("on")).then(|| "https".to_owned()))
            .filter(|p| p == "http" || p == "https")
            .unwrap_or_else(|| "http".to_owned());
        let mut host = host.unwrap_or_else(|| state.config.bind.to_string());
        if let Some(port) = forwarded("x-forwarded-port").filter(|p| p.parse::<u16>().is_ok())
            && !host.contains(':')
            && !matches!((proto.as_str(), port.as_str()), ("http", "80") | ("https", "443"))
        {
            host = format!("{host}:{port}");
        }
        // A prefix is a plain path: `//evil.example` or `/x"><script>` is no prefix at all.
        let prefix = forwarded("x-forwarded-prefix")
            .map(|p| p.trim_matches('/').to_owned())
            .filter(|p| {
                p.split('/').all(|segment| {
                    !segment.is_empty()
                        && segment
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
                })
            })
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        Ok(Base(format!("{proto}://{host}{prefix}")))
    }
}

impl Base {
    /// The base URL of links in webhook requests (`${pactbroker.pactUrl}`): the configured base
    /// URL, else the address the broker listens on, never what a request says about itself,
    /// so no publisher can point a CI job, and the token it sends, at another host.
    pub(crate) fn for_webhooks(config: &crate::BrokerConfig) -> crate::domain::BaseUrl {
        let configured = config
            .base_url
            .as_deref()
            .and_then(|setting| configured_urls(setting).next())
            .map(|url| url.trim_end_matches('/').to_owned());
        crate::domain::BaseUrl(configured.unwrap_or_else(|| format!("http://{}", config.bind)))
    }

    /// The path the broker's root sits at: empty, or a context path such as `/broker`.
    pub(crate) fn root_path(&self) -> &str {
        split_url(&self.0).1
    }

    /// An absolute URL for a path.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }

    /// A link to a path.
    pub(crate) fn link(&self, path: &str) -> Link {
        Link::to(self.url(path))
    }

    /// A link with title and name.
    pub(crate) fn named(&self, path: &str, title: &str, name: &str) -> Link {
        Link::named(self.url(path), title, name)
    }

    /// A templated link.
    pub(crate) fn templated(&self, path: &str) -> Link {
        Link::templated(self.url(path))
    }

    /// `_links` with only `self`.
    pub(crate) fn this(&self, path: &str) -> Links {
        Links::this(self.url(path))
    }
}
