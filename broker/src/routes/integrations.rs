//! Integrations (consumer/provider pairs) as HAL or Graphviz, deleting one, and `/metrics`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::{integrations, metrics, pacticipants, verifications};

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
    let mut conn = state.db.pool.acquire().await?;
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
    let pairs = pacticipants::integrations(&mut conn, size, (number - 1) * size, None).await?;
    if wants_graphviz(&headers) {
        let mut dot = String::from("digraph {\n  ranksep=3;\n  ratio=auto;\n  overlap=false;\n");
        for (c, p) in &pairs {
            let _ = writeln!(dot, "  {:?} -> {:?};", c.name, p.name);
        }
        dot.push_str("}\n");
        let mut response = dot.into_response();
        response.headers_mut().insert(
            "Content-Type",
            HeaderValue::from_static("text/vnd.graphviz;charset=utf-8"),
        );
        return Ok(response);
    }
    let mut items = Vec::with_capacity(pairs.len());
    for (c, p) in &pairs {
        let pair = format!("/pacts/provider/{}/consumer/{}", enc(&p.name), enc(&c.name));
        let latest = verifications::latest_pact_with_result(&mut conn, c.id, p.id, None).await?;
        let status = match &latest {
            Some((_, Some(v))) if v.success => "success",
            Some((_, Some(_))) => "failed",
            _ => "unverified",
        };
        items.push(json!({
            "consumer": {"name": c.name, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&c.name)))}},
            "provider": {"name": p.name, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&p.name)))}},
            "verificationStatus": status,
            "latestPactCreatedAt": latest.as_ref().map(|(r, _)| r.created_at.clone()),
            "_links": {
                "self": base.link(&format!("/integrations/provider/{}/consumer/{}", enc(&p.name), enc(&c.name))),
                "pb:latest-pact": base.link(&format!("{pair}/latest")),
            }
        }));
    }
    Ok(Hal::ok(json!({
        "_embedded": {"integrations": items},
        "_links": {"self": base.link("/integrations")}
    }))
    .into_response())
}

/// `DELETE /integrations/provider/{p}/consumer/{c}`: removes the pair's pacts, their
/// verification results and the webhooks scoped to exactly this pair.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let p = pacticipants::find(&mut w.tx, &provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let c = pacticipants::find(&mut w.tx, &consumer)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("consumer '{consumer}'")))?;
    if !integrations::delete_pair(&mut w.tx, (c.id, &c.name), (p.id, &p.name)).await? {
        return Err(ApiError::NotFound(format!(
            "an integration between '{consumer}' and '{provider}'"
        )));
    }
    w.tx.commit().await?;
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
fn prometheus(counts: &serde_json::Value) -> String {
    let mut out = String::new();
    for (group, values) in counts.as_object().into_iter().flatten() {
        for (key, value) in values.as_object().into_iter().flatten() {
            if let Some(n) = value.as_i64() {
                let name = format!("accord_broker_{}_{}", snake(group), snake(key));
                let _ = writeln!(out, "# TYPE {name} gauge\n{name} {n}");
            }
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
    let mut conn = state.db.pool.acquire().await?;
    let mut body = json!({});
    for (group, measure, n) in metrics::counts(&mut conn).await? {
        body[group][measure] = json!(n);
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
    body["_links"] = json!({"self": base.link("/metrics")});
    Ok(Hal::ok(body).into_response())
}
