//! Integrations (consumer/provider pairs) as HAL or Graphviz, deleting one, and `/metrics`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use accord_broker_client::wire::{EmbeddedIntegrations, Integration, Integrations, Metrics, NamedItem};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::domain::integrations;
use crate::error::ApiResult;
use crate::hal::{Base, Hal, enc};

const PAGE_SIZE: i64 = 1000;

fn wants_graphviz(headers: &HeaderMap) -> bool {
    headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/vnd.graphviz"))
}

/// `GET /integrations`: every consumer/provider pair with its latest pact and verification;
/// `Accept: text/vnd.graphviz` gives the dependency graph instead.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    base: Base,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let size = query
        .get("pageSize")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(PAGE_SIZE)
        .clamp(1, PAGE_SIZE);
    let number = query
        .get("pageNumber")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let graphviz = wants_graphviz(&headers);
    let pairs = integrations::page(&state.db, size, (number - 1) * size, !graphviz).await?;
    if graphviz {
        let mut dot = String::from("digraph {\n  ranksep=3;\n  ratio=auto;\n  overlap=false;\n");
        for pair in &pairs {
            let _ = writeln!(dot, "  {:?} -> {:?};", pair.consumer, pair.provider);
        }
        dot.push_str("}\n");
        let mut response = dot.into_response();
        response.headers_mut().insert(
            "Content-Type",
            HeaderValue::from_static("text/vnd.graphviz;charset=utf-8"),
        );
        return Ok(response);
    }
    let integrations = pairs
        .iter()
        .map(|i| {
            let (c, p) = (&i.consumer, &i.provider);
            let pair = format!("/pacts/provider/{}/consumer/{}", enc(p), enc(c));
            Integration {
                consumer: NamedItem {
                    name: c.clone(),
                    links: base.this(&format!("/pacticipants/{}", enc(c))),
                },
                provider: NamedItem {
                    name: p.clone(),
                    links: base.this(&format!("/pacticipants/{}", enc(p))),
                },
                verification_status: i
                    .status
                    .unwrap_or(integrations::Status::Unverified)
                    .as_str()
                    .to_owned(),
                latest_pact_created_at: i.latest_pact_created_at.clone(),
                links: base
                    .this(&format!("/integrations/provider/{}/consumer/{}", enc(p), enc(c)))
                    .with("pb:latest-pact", base.link(&format!("{pair}/latest"))),
            }
        })
        .collect();
    Ok(Hal::ok(Integrations {
        embedded: EmbeddedIntegrations { integrations },
        links: base.this("/integrations"),
    })
    .into_response())
}

/// `DELETE /integrations/provider/{p}/consumer/{c}`: removes the pair's pacts, their
/// verification results and the webhooks scoped to exactly this pair.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    integrations::delete(&state.db, &provider, &consumer).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_uppercase() {
            out.push('_');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The counts in the Prometheus text format: `accord_broker_pact_publications_count 12`.
fn prometheus(counts: &Metrics) -> String {
    let mut out = String::new();
    for (group, values) in &counts.counts {
        for (key, n) in values {
            let name = format!("accord_broker_{}_{}", snake(group), snake(key));
            let _ = writeln!(out, "# TYPE {name} gauge\n{name} {n}");
        }
    }
    out
}

/// `GET /metrics`: row counts of what the broker holds, for dashboards and capacity planning;
/// in the Prometheus text format when the `Accept` header asks for `text/plain`.
pub(crate) async fn metrics(
    State(state): State<Arc<AppState>>,
    base: Base,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let mut body = Metrics {
        links: base.this("/metrics"),
        ..Metrics::default()
    };
    for (group, measure, n) in integrations::counts(&state.db).await? {
        body.counts
            .entry(group.to_owned())
            .or_default()
            .insert(measure.to_owned(), n);
    }
    let accept = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if accept.contains("text/plain") || accept.contains("openmetrics") {
        let mut response = prometheus(&body).into_response();
        response.headers_mut().insert(
            "Content-Type",
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        );
        return Ok(response);
    }
    Ok(Hal::ok(body).into_response())
}
