//! Pacts for verification (selectors, pending, WIP) and verification results.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use serde_json::{Value, json};

use super::body::typed;
use crate::AppState;
use accord_broker_client::wire::{PactsForVerificationRequest, VerificationResult};

use crate::domain::verification::{SelectedPact, SelectionRequest, select};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacticipants;
use crate::store::pacts;
use crate::store::verifications::{self, NewVerification};
use crate::store::versions;

fn metadata_segment(descriptions: &[String], versions: &[String], pending: bool, wip: bool) -> String {
    let meta = json!({"s": descriptions, "cv": versions, "p": pending, "w": wip});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(meta.to_string())
}

fn read_metadata(segment: &str) -> Value {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(json!({}))
}

fn entry_json(base: &Base, provider: &str, s: &SelectedPact) -> Value {
    let (descriptions, consumer_versions) = (&s.descriptions, &s.consumer_versions);
    let (include_pending, pending, wip) = (s.pending.is_some(), s.pending == Some(true), s.wip);
    let meta = metadata_segment(descriptions, consumer_versions, pending, wip);
    let href = format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{}/metadata/{meta}",
        enc(provider),
        enc(&s.consumer),
        s.row.sha
    );
    let mut notices = vec![json!({
        "when": "before_verification",
        "text": format!(
            "The pact at {} is being verified because it matches the following configured selection criterion: {} (consumer version {})",
            base.url(&href), descriptions.join(", "), consumer_versions.join(", ")
        ),
    })];
    if include_pending {
        let text = if pending {
            format!(
                "This pact is in pending state for this version of {provider} because a successful verification result has not yet been published. If verification fails, it will not cause the overall build to fail."
            )
        } else {
            format!(
                "This pact has previously been successfully verified by {provider}. If this verification fails, it will fail the build."
            )
        };
        notices.push(json!({"when": "before_verification", "text": text}));
    }
    let mut props = json!({"notices": notices});
    if include_pending {
        props["pending"] = json!(pending);
    }
    if wip {
        props["wip"] = json!(true);
    }
    json!({
        "shortDescription": descriptions.join(", "),
        "verificationProperties": props,
        "_links": {"self": {"href": base.url(&href), "name": format!("Pact between {} ({}) and {provider}", s.consumer, consumer_versions.join(", "))}},
    })
}

/// `GET /pacts/provider/{p}/for-verification`: the verifier navigates here first.
pub(crate) async fn for_verification_get(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let request = SelectionRequest {
        include_pending: true,
        ..SelectionRequest::default()
    };
    let pacts = select(&mut conn, &provider, &request).await?;
    Ok(render_selection(&base, &provider, &pacts))
}

/// `POST /pacts/provider/{p}/for-verification`.
pub(crate) async fn for_verification(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body: PactsForVerificationRequest = typed(&body)?;
    let request = SelectionRequest {
        provider_branch: body.provider_version_branch,
        provider_tags: body.provider_version_tags.unwrap_or_default(),
        include_pending: body.include_pending_status.unwrap_or(true),
        wip_since: body.include_wip_pacts_since,
        selectors: body.consumer_version_selectors.unwrap_or_default(),
    };
    let mut conn = state.db.pool.acquire().await?;
    let pacts = select(&mut conn, &provider, &request).await?;
    Ok(render_selection(&base, &provider, &pacts))
}

/// The answer to the verifier: each pact with its link, notices and verification properties.
fn render_selection(base: &Base, provider: &str, pacts: &[SelectedPact]) -> Hal {
    let self_link = base.named(
        &format!("/pacts/provider/{}/for-verification", enc(provider)),
        "Pacts to be verified",
        provider,
    );
    let out: Vec<Value> = pacts.iter().map(|p| entry_json(base, provider, p)).collect();
    Hal::ok(json!({"_embedded": {"pacts": out}, "_links": {"self": self_link}}))
}

async fn record_result(
    state: &AppState,
    base: &Base,
    provider: &str,
    consumer: &str,
    sha: &str,
    metadata: Option<&str>,
    text: String,
) -> ApiResult<Response> {
    let body: VerificationResult = typed(&text)?;
    // The parsed result keeps its test results as text: the request's own copy can go.
    drop(text);
    let success = body
        .success
        .ok_or_else(|| ApiError::bad("success must be true or false"))?;
    let version = body
        .provider_application_version
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad("providerApplicationVersion is required"))?;
    let meta = metadata.map(read_metadata).unwrap_or(json!({}));
    let mut w = state.db.write().await?;
    let p = pacticipants::find(&mut w.tx, provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let c = pacticipants::find(&mut w.tx, consumer)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("consumer '{consumer}'")))?;
    let row = pacts::by_sha(&mut w.tx, c.id, p.id, sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("pact version '{sha}'")))?;
    let (provider_version_id, _) =
        versions::ensure(&mut w.tx, p.id, version, body.build_url.as_deref()).await?;
    let test_results = body
        .test_results
        .as_deref()
        .map_or("null", serde_json::value::RawValue::get);
    let verified_by = serde_json::to_string(&body.verified_by).unwrap_or_else(|_| "null".to_owned());
    let id = verifications::record(
        &mut w.tx,
        &NewVerification {
            content_id: row.content_id,
            provider_version_id,
            consumer_id: c.id,
            provider_id: p.id,
            success,
            wip: meta["w"].as_bool().unwrap_or(false),
            pending: meta["p"].as_bool().unwrap_or(false),
            build_url: body.build_url.as_deref(),
            test_results,
            verified_by: &verified_by,
        },
    )
    .await?;
    let v = verifications::summary_by_id(&mut w.tx, id)
        .await?
        .ok_or_else(|| {
            ApiError::inconsistent(
                "the row just written or referred to (verifications::summary_by_id) is missing",
            )
        })?;
    let path = format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{sha}/verification-results/{id}",
        enc(provider),
        enc(consumer)
    );
    // Webhooks are queued in the same transaction, so they fire only if the result is stored.
    let branches = versions::branches_of(&mut w.tx, provider_version_id).await?;
    let vars = crate::domain::events::pact_vars(
        &Base::for_webhooks(&state.config),
        consumer,
        provider,
        &row.consumer_version,
        None,
        &[],
        sha,
        body.build_url.as_deref(),
    );
    let vars = super::webhooks::with_verification(
        vars,
        version,
        branches.last().map(String::as_str),
        success,
        &base.url(&path),
    );
    crate::store::webhooks::enqueue(&mut w.tx, "provider_verification_published", &vars).await?;
    let outcome_event = if success {
        "provider_verification_succeeded"
    } else {
        "provider_verification_failed"
    };
    crate::store::webhooks::enqueue(&mut w.tx, outcome_event, &vars).await?;
    w.tx.commit().await?;
    let json = result_json(base, provider, consumer, sha, &v);
    let mut response = crate::hal::with_raw_field(StatusCode::CREATED, &json, "testResults", test_results);
    drop(body);
    if let Ok(location) = base.url(&path).parse() {
        response.headers_mut().insert("Location", location);
    }
    Ok(response)
}

/// A verification result as answered: [`result_json`] with its `testResults` as stored, never
/// read into a JSON tree (a large result is several times its size as one).
fn result_answer(
    status: StatusCode,
    base: &Base,
    provider: &str,
    consumer: &str,
    sha: &str,
    v: &verifications::Verification,
) -> Response {
    let json = result_json(base, provider, consumer, sha, v);
    let raw = Some(v.test_results.as_str()).filter(|t| !t.trim().is_empty());
    crate::hal::with_raw_field(status, &json, "testResults", raw.unwrap_or("null"))
}

/// A verification result's fields and links, without its `testResults`.
pub(crate) fn result_json(
    base: &Base,
    provider: &str,
    consumer: &str,
    sha: &str,
    v: &verifications::Verification,
) -> Value {
    let path = format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{sha}/verification-results/{}",
        enc(provider),
        enc(consumer),
        v.id
    );
    json!({
        "providerName": provider,
        "providerApplicationVersion": v.provider_version,
        "success": v.success,
        "verificationDate": v.created_at,
        "buildUrl": v.build_url,
        "verifiedBy": serde_json::from_str::<Value>(&v.verified_by).unwrap_or(Value::Null),
        "_links": {
            "self": base.named(&path, "Verification result", &v.id.to_string()),
            "pb:pact-version": base.link(&format!("/pacts/provider/{}/consumer/{}/pact-version/{sha}", enc(provider), enc(consumer))),
        }
    })
}

pub(crate) async fn publish_result(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Response> {
    record_result(&state, &base, &provider, &consumer, &sha, None, body).await
}

pub(crate) async fn publish_result_with_metadata(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, meta)): Path<(String, String, String, String)>,
    body: String,
) -> ApiResult<Response> {
    record_result(&state, &base, &provider, &consumer, &sha, Some(&meta), body).await
}

pub(crate) async fn show_result(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, n)): Path<(String, String, String, i64)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let v = verifications::of_pact(&mut conn, n, &consumer, &provider, &sha)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "verification result {n} of pact {sha} between {consumer} and {provider}"
            ))
        })?;
    Ok(result_answer(
        StatusCode::OK,
        &base,
        &provider,
        &consumer,
        &sha,
        &v,
    ))
}
