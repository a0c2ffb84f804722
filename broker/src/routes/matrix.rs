//! `GET /matrix` and `GET /can-i-deploy`: parse the Rack nested-array grammar the Pact CLIs send
//! into a `MatrixQuery`, ask the domain for the decision, render it as the reference broker does.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::AppState;
use crate::domain::matrix::{Decision, Deployable, MatrixQuery, Row, Selector, decide};
use crate::domain::provider_contract;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::verifications::{Verification, VerificationKind};
use crate::store::versions::Version;

use super::provider_contracts::{comparison_path, contract_page};

/// Sets one field of a selector from its query key.
fn set(selector: &mut Selector, key: &str, value: String) {
    match key {
        "pacticipant" => selector.pacticipant = Some(value),
        "version" => selector.version = Some(value),
        "latest" => selector.latest = value == "true",
        "tag" => selector.tag = Some(value),
        "branch" => selector.branch = Some(value),
        "mainBranch" => selector.main_branch = value == "true",
        "environment" => selector.environment = Some(value),
        _ => {}
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `q[][pacticipant]=A&q[][version]=1&environment=prod`: a new array element starts
/// whenever the current one already has the key being set (Rack's rule).
pub(crate) fn parse_query(raw: &str) -> MatrixQuery {
    let mut query = MatrixQuery::default();
    // The keys each selector already has, for Rack's "a repeated key starts a new element".
    let mut selector_keys: Vec<Vec<String>> = Vec::new();
    let mut ignore_keys: Vec<Vec<String>> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        let value = decode(value);
        let list = if let Some(rest) = key.strip_prefix("q[]") {
            Some((&mut query.selectors, &mut selector_keys, rest.to_owned()))
        } else if let Some(rest) = key.strip_prefix("ignore[]") {
            Some((&mut query.ignores, &mut ignore_keys, rest.to_owned()))
        } else {
            None
        };
        match list {
            Some((list, keys, rest)) => {
                let field = rest.trim_start_matches('[').trim_end_matches(']').to_owned();
                let needs_new = keys.last().is_none_or(|k| k.contains(&field));
                if needs_new {
                    list.push(Selector::default());
                    keys.push(Vec::new());
                }
                if let (Some(last), Some(last_keys)) = (list.last_mut(), keys.last_mut()) {
                    last_keys.push(field.clone());
                    set(last, &field, value);
                }
            }
            None => match key.as_str() {
                "environment" => query.environment = Some(value),
                "tag" => query.tag = Some(value),
                "latest" => query.latest = value == "true",
                "mainBranch" => query.main_branch = value == "true",
                "latestby" => query.latest_by = Some(value),
                "limit" => query.limit = Some(value),
                "success[]" | "success" => query.success.push(value),
                _ => {}
            },
        }
    }
    query
}

/// The matrix answer in the reference broker's JSON shape.
fn render(base: &Base, decision: &Decision) -> Value {
    let deployable = match decision.deployable {
        Deployable::Yes => json!(true),
        Deployable::No => json!(false),
        Deployable::Unknown => Value::Null,
    };
    let mut summary = json!({"deployable": deployable, "reason": decision.reason(),
        "success": decision.success, "failed": decision.failed, "unknown": decision.unknown});
    if let Some(ignored) = decision.ignored {
        summary["ignored"] = json!(ignored);
    }
    let notices: Vec<Value> = decision
        .notices
        .iter()
        .map(|n| json!({"type": n.kind.as_str(), "text": n.text}))
        .collect();
    let matrix: Vec<Value> = decision.listed_rows().map(|r| row_json(base, r)).collect();
    json!({"summary": summary, "notices": notices, "matrix": matrix})
}

fn row_json(base: &Base, row: &Row) -> Value {
    let version = |name: &str, v: &Version| json!({"number": v.number, "_links": {"self": base.link(&format!("/pacticipants/{}/versions/{}", enc(name), enc(&v.number)))}});
    let mut out = json!({
        "consumer": {"name": row.consumer, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&row.consumer)))},
                     "version": version(&row.consumer, &row.consumer_version)},
        "provider": {"name": row.provider, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&row.provider)))},
                     "version": row.provider_version.as_ref().map(|v| version(&row.provider, v))},
        "pact": {"createdAt": row.pact_created_at, "_links": {"self": base.link(&format!(
            "/pacts/provider/{}/consumer/{}/pact-version/{}", enc(&row.provider), enc(&row.consumer), row.sha))}},
        "verificationResult": row.verification.as_ref().map(|v| verification_json(base, row, v)),
    });
    if row.ignored {
        out["ignored"] = json!(true);
    }
    out
}

/// A row's verification: the verifier's published result, or the comparison of the pact with
/// the provider version's provider contract; `kind` says which.
fn verification_json(base: &Base, row: &Row, v: &Verification) -> Value {
    match v.kind {
        VerificationKind::Pact => json!({
            "success": v.success,
            "verifiedAt": v.created_at,
            "kind": "pact-verification",
            "_links": {"self": base.link(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}/verification-results/{}", enc(&row.provider), enc(&row.consumer), row.sha, v.id))}
        }),
        VerificationKind::ProviderContract {
            compatible,
            self_verified,
        } => json!({
            "success": v.success,
            "verifiedAt": v.created_at,
            "kind": "provider-contract",
            "compatible": compatible,
            "selfVerificationSuccess": self_verified,
            "_links": {
                "self": base.link(&comparison_path(&row.provider, &v.provider_version, &row.consumer, &row.sha)),
                "pf:ui": base.link(&contract_page(&row.provider, &v.provider_version)),
            }
        }),
    }
}

/// The decision, after comparing any provider contract of a version it pairs with a pact that
/// was never compared with it (then decided again): provider contracts answer for every
/// consumer version asked about, not only those relevant when either side was published.
pub(crate) async fn decide_comparing(
    state: &AppState,
    conn: &mut crate::store::Conn,
    query: &MatrixQuery,
) -> ApiResult<Decision> {
    let decision = decide(conn, query).await?;
    let pairs = provider_contract::unverified_pairs(&decision);
    if provider_contract::uncompared(conn, &pairs).await?.is_empty() {
        return Ok(decision);
    }
    let mut w = state.db.write().await?;
    provider_contract::compare_on_demand(&mut w.tx, &state.lasting.documents, &pairs).await?;
    w.tx.commit().await?;
    Ok(decide(conn, query).await?)
}

/// `GET /matrix`.
pub(crate) async fn matrix(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal> {
    let query = parse_query(raw.as_deref().unwrap_or(""));
    let mut conn = state.db.pool.acquire().await?;
    Ok(Hal::ok(render(
        &base,
        &decide_comparing(&state, &mut conn, &query).await?,
    )))
}

/// `GET /can-i-deploy?pacticipant=&version=&environment=|to=`.
pub(crate) async fn can_i_deploy(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal> {
    let raw = raw.unwrap_or_default();
    let mut selector = Selector::default();
    let mut query = MatrixQuery::default();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match decode(key).as_str() {
            "pacticipant" => selector.pacticipant = Some(value),
            "version" => selector.version = Some(value),
            "environment" => query.environment = Some(value),
            "to" => query.tag = Some(value),
            "ignore[]" | "ignore" => query.ignores.push(Selector {
                pacticipant: Some(value),
                ..Selector::default()
            }),
            _ => {}
        }
    }
    if query.environment.is_some() == query.tag.is_some() {
        return Err(ApiError::bad(
            "Please specify exactly one of 'environment' or 'to'",
        ));
    }
    if selector.version.is_none() {
        selector.latest = true;
    }
    query.selectors.push(selector);
    let mut conn = state.db.pool.acquire().await?;
    Ok(Hal::ok(render(
        &base,
        &decide_comparing(&state, &mut conn, &query).await?,
    )))
}

#[cfg(test)]
mod tests;
