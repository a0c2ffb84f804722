//! Pacts for verification (selectors, pending, WIP) and verification results: the handlers
//! parse, call `domain::verification` or `domain::results` and render the wire model.

use std::sync::Arc;

use accord_broker_client::wire::{
    EmbeddedPacts, Link, Links, Notice, PactsForVerification, PactsForVerificationRequest, VerifiablePact,
    VerificationProperties, VerificationResult, VerificationResultAnswer, VerifiedBy,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::body::{Typed, typed};
use crate::AppState;
use crate::domain::results::{self, NewResult, Selection, Verification, result_path};
use crate::domain::verification::{SelectedPact, SelectionRequest, pacts_to_verify};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

fn entry(base: &Base, provider: &str, s: &SelectedPact) -> VerifiablePact {
    let (descriptions, consumer_versions) = (&s.descriptions, &s.consumer_versions);
    let (include_pending, pending, wip) = (s.pending.is_some(), s.pending == Some(true), s.wip);
    let selection = Selection {
        descriptions: descriptions.clone(),
        consumer_versions: consumer_versions.clone(),
        pending,
        wip,
    };
    let href = format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{}/metadata/{}",
        enc(provider),
        enc(&s.consumer),
        s.row.sha,
        selection.segment()
    );
    let before = |text: String| Notice {
        when: Some("before_verification".to_owned()),
        kind: None,
        text,
    };
    let mut notices = vec![before(format!(
        "The pact at {} is being verified because it matches the following configured selection criterion: {} (consumer version {})",
        base.url(&href),
        descriptions.join(", "),
        consumer_versions.join(", ")
    ))];
    if include_pending {
        notices.push(before(if pending {
            format!(
                "This pact is in pending state for this version of {provider} because a successful verification result has not yet been published. If verification fails, it will not cause the overall build to fail."
            )
        } else {
            format!(
                "This pact has previously been successfully verified by {provider}. If this verification fails, it will fail the build."
            )
        }));
    }
    let name = format!(
        "Pact between {} ({}) and {provider}",
        s.consumer,
        consumer_versions.join(", ")
    );
    VerifiablePact {
        short_description: descriptions.join(", "),
        verification_properties: VerificationProperties {
            pending: include_pending.then_some(pending),
            wip: wip.then_some(true),
            notices,
        },
        links: Links::new().with(
            "self",
            Link {
                href: base.url(&href),
                name: Some(name),
                ..Link::default()
            },
        ),
    }
}

/// `GET /pacts/provider/{p}/for-verification`: the verifier navigates here first.
pub(crate) async fn for_verification_get(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal<PactsForVerification>> {
    let request = SelectionRequest {
        include_pending: true,
        ..SelectionRequest::default()
    };
    let pacts = pacts_to_verify(&state.db, &provider, &request).await?;
    Ok(render_selection(&base, &provider, &pacts))
}

/// `POST /pacts/provider/{p}/for-verification`.
pub(crate) async fn for_verification(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Typed(body): Typed<PactsForVerificationRequest>,
) -> ApiResult<Hal<PactsForVerification>> {
    let request = SelectionRequest {
        provider_branch: body.provider_version_branch,
        provider_tags: body.provider_version_tags.unwrap_or_default(),
        include_pending: body.include_pending_status.unwrap_or(true),
        wip_since: body.include_wip_pacts_since,
        selectors: body.consumer_version_selectors.unwrap_or_default(),
    };
    let pacts = pacts_to_verify(&state.db, &provider, &request).await?;
    Ok(render_selection(&base, &provider, &pacts))
}

/// The answer to the verifier: each pact with its link, notices and verification properties.
fn render_selection(base: &Base, provider: &str, pacts: &[SelectedPact]) -> Hal<PactsForVerification> {
    let self_link = base.named(
        &format!("/pacts/provider/{}/for-verification", enc(provider)),
        "Pacts to be verified",
        provider,
    );
    Hal::ok(PactsForVerification {
        embedded: EmbeddedPacts {
            pacts: pacts.iter().map(|p| entry(base, provider, p)).collect(),
        },
        links: Links::new().with("self", self_link),
    })
}

async fn record_result(
    state: &AppState,
    base: &Base,
    (provider, consumer, sha): (&str, &str, &str),
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
    let selection = metadata.map(Selection::of_segment).unwrap_or_default();
    let test_results = body
        .test_results
        .as_deref()
        .map_or("null", serde_json::value::RawValue::get);
    let verified_by = serde_json::to_string(&body.verified_by).unwrap_or_else(|_| "null".to_owned());
    let result = NewResult {
        success,
        provider_version: version,
        build_url: body.build_url.as_deref(),
        test_results,
        verified_by: &verified_by,
    };
    let webhook_base = Base::for_webhooks(&state.config);
    let stored = results::record(
        &state.db,
        &webhook_base,
        (provider, consumer, sha),
        &selection,
        &result,
    )
    .await?;
    let answer = result_wire(base, provider, consumer, sha, &stored);
    let mut response = crate::hal::with_raw_field(StatusCode::CREATED, &answer, "testResults", test_results);
    drop(body);
    if let Ok(location) = base.url(&result_path(provider, consumer, sha, stored.id)).parse() {
        response.headers_mut().insert("Location", location);
    }
    Ok(response)
}

/// A verification result's fields and links, without its `testResults` (they are added as
/// stored, never read into a JSON tree: a large result is several times its size as one).
fn result_wire(
    base: &Base,
    provider: &str,
    consumer: &str,
    sha: &str,
    v: &Verification,
) -> VerificationResultAnswer {
    VerificationResultAnswer {
        provider_name: provider.to_owned(),
        provider_application_version: v.provider_version.clone(),
        success: v.success,
        verification_date: v.created_at.clone(),
        build_url: v.build_url.clone(),
        verified_by: serde_json::from_str::<Option<VerifiedBy>>(&v.verified_by).unwrap_or_default(),
        links: Links::new()
            .with(
                "self",
                base.named(
                    &result_path(provider, consumer, sha, v.id),
                    "Verification result",
                    &v.id.to_string(),
                ),
            )
            .with(
                "pb:pact-version",
                base.link(&format!(
                    "/pacts/provider/{}/consumer/{}/pact-version/{sha}",
                    enc(provider),
                    enc(consumer)
                )),
            ),
        test_results: None,
    }
}

/// `POST /pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results`.
pub(crate) async fn publish_result(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Response> {
    record_result(&state, &base, (&provider, &consumer, &sha), None, body).await
}

/// The same through the metadata link the pacts for verification give.
pub(crate) async fn publish_result_with_metadata(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, meta)): Path<(String, String, String, String)>,
    body: String,
) -> ApiResult<Response> {
    record_result(&state, &base, (&provider, &consumer, &sha), Some(&meta), body).await
}

/// `GET .../pact-version/{sha}/verification-results/{n}`.
pub(crate) async fn show_result(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, n)): Path<(String, String, String, i64)>,
) -> ApiResult<Response> {
    let v = results::find(&state.db, &provider, &consumer, &sha, n).await?;
    let answer = result_wire(&base, &provider, &consumer, &sha, &v);
    let raw = Some(v.test_results.as_str()).filter(|t| !t.trim().is_empty());
    Ok(crate::hal::with_raw_field(
        StatusCode::OK,
        &answer,
        "testResults",
        raw.unwrap_or("null"),
    ))
}
