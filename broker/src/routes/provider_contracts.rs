//! PactFlow's provider contract API: `POST /provider-contracts/provider/{p}/publish` (what
//! `pact pactflow publish-provider-contract` sends) and `PUT /contracts/provider/{p}/version/{v}`
//! (the older form), then the contract and each of its comparisons as JSON. The handlers read
//! the request into a `ContractPublication` and render what `domain::provider_contract` did.

use std::sync::Arc;

use accord_broker_client::wire::{PublishProviderContract, PutProviderContract, SelfVerificationResults};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

use super::body::typed;
use crate::AppState;
use crate::domain::provider_contract::{
    self, ContractPublication, ContractPublished, ContractView, OAS, SelfVerification,
};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

/// Decodes a base64 field into text, naming the field when it is not base64 of UTF-8.
fn decode(field: &str, encoded: &str) -> ApiResult<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| ApiError::bad(format!("{field} is not valid base64: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| ApiError::bad(format!("{field} is not UTF-8 text")))?;
    // Decoded text never passed the body's NUL check, and no document holds one.
    if text.contains('\0') {
        return Err(ApiError::bad(format!(
            "{field}: the decoded text holds a NUL character (U+0000), which the broker cannot store"
        )));
    }
    Ok(text)
}

fn self_verification(field: &str, body: Option<SelfVerificationResults>) -> ApiResult<SelfVerification> {
    let Some(body) = body else {
        return Ok(SelfVerification::default());
    };
    let content = body
        .content
        .as_deref()
        .map(|c| decode(&format!("{field}.content"), c))
        .transpose()?;
    Ok(SelfVerification {
        success: body.success.unwrap_or(false),
        verifier: body.verifier,
        verifier_version: body.verifier_version,
        content,
        content_type: body.content_type,
        format: body.format,
    })
}

fn required_version(number: Option<String>) -> ApiResult<String> {
    number
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad("pacticipantVersionNumber is required"))
}

/// `POST /provider-contracts/provider/{p}/publish`.
pub(crate) async fn publish(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let request = typed::<PublishProviderContract>(&body)?;
    drop(body);
    let version = required_version(request.pacticipant_version_number)?;
    if request.branch.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(ApiError::bad("branch cannot be blank"));
    }
    let contract = request
        .contract
        .ok_or_else(|| ApiError::bad("contract is required"))?;
    let content = contract
        .content
        .as_deref()
        .ok_or_else(|| ApiError::bad("contract.content is required"))
        .and_then(|c| decode("contract.content", c))?;
    let nfc = |name: &str| crate::domain::names::nfc(name).into_owned();
    let publication = ContractPublication {
        provider,
        version: nfc(&version),
        branch: request.branch.as_deref().map(nfc),
        tags: request.tags.unwrap_or_default().iter().map(|t| nfc(t)).collect(),
        build_url: request.build_url,
        specification: contract.specification.unwrap_or_else(|| OAS.to_owned()),
        content_type: contract
            .content_type
            .unwrap_or_else(|| "application/yaml".to_owned()),
        content,
        self_verification: self_verification(
            "contract.selfVerificationResults",
            contract.self_verification_results,
        )?,
    };
    let published = store(&state, &publication).await?;
    Ok(Hal::ok(publish_response(&base, &publication, &published)))
}

/// `PUT /contracts/provider/{p}/version/{v}`: 201 when the version had no contract, else 200.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version)): Path<(String, String)>,
    body: String,
) -> ApiResult<Hal> {
    let request = typed::<PutProviderContract>(&body)?;
    drop(body);
    let content = request
        .content
        .as_deref()
        .ok_or_else(|| ApiError::bad("content is required"))
        .and_then(|c| decode("content", c))?;
    let publication = ContractPublication {
        provider,
        version,
        branch: None,
        tags: Vec::new(),
        build_url: None,
        specification: request.contract_type.unwrap_or_else(|| OAS.to_owned()),
        content_type: request
            .content_type
            .unwrap_or_else(|| "application/yaml".to_owned()),
        content,
        self_verification: self_verification("verificationResults", request.verification_results)?,
    };
    let published = store(&state, &publication).await?;
    let status = if published.replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut body = contract_links(&base, &publication.provider, &publication.version);
    body["notices"] = Value::Array(notices(&publication, &published));
    Ok(Hal(status, body))
}

async fn store(state: &AppState, publication: &ContractPublication) -> ApiResult<ContractPublished> {
    let mut w = state.db.write().await?;
    let published = provider_contract::publish(
        &mut w.tx,
        &state.lasting.documents,
        publication,
        state.config.allow_similar_names,
    )
    .await?;
    w.tx.commit().await?;
    Ok(published)
}

/// The path of a provider version's contract.
pub(crate) fn contract_path(provider: &str, version: &str) -> String {
    format!("/contracts/provider/{}/version/{}", enc(provider), enc(version))
}

/// The path of a contract's comparison with one pact content.
pub(crate) fn comparison_path(provider: &str, version: &str, consumer: &str, sha: &str) -> String {
    format!(
        "{}/consumer/{}/pact-version/{}",
        contract_path(provider, version),
        enc(consumer),
        enc(sha)
    )
}

/// The page of a provider version's contract.
pub(crate) fn contract_page(provider: &str, version: &str) -> String {
    format!(
        "/ui/provider-contracts/provider/{}/version/{}",
        enc(provider),
        enc(version)
    )
}

fn contract_links(base: &Base, provider: &str, version: &str) -> Value {
    let version_path = format!("/pacticipants/{}/versions/{}", enc(provider), enc(version));
    json!({"_links": {
        "self": base.link(&contract_path(provider, version)),
        "pf:provider-contract": base.named(&contract_path(provider, version), "Provider contract", version),
        "pf:ui": base.named(&contract_page(provider, version), "Provider contract page", version),
        "pb:pacticipant": base.named(&format!("/pacticipants/{}", enc(provider)), "Pacticipant", provider),
        "pb:pacticipant-version": base.named(&version_path, "Pacticipant version", version),
    }})
}

fn notices(publication: &ContractPublication, published: &ContractPublished) -> Vec<Value> {
    let (provider, version) = (&publication.provider, &publication.version);
    let mut notices = vec![json!({"type": "success", "text": format!(
        "Provider contract for {provider} version {version} {}",
        if published.replaced { "published, replacing the one published before" } else { "published" }
    )})];
    if !publication.self_verification.success {
        notices.push(json!({"type": "warning", "text": format!(
            "The self-verification of the provider contract for {provider} version {version} did not succeed: \
             can-i-deploy counts no comparison with it as a successful verification"
        )}));
    }
    if let Some(why) = &published.unreadable {
        notices.push(json!({"type": "warning", "text": format!(
            "The provider contract cannot be compared with pacts: {why}"
        )}));
    }
    if published.comparisons.is_empty() {
        notices.push(json!({"type": "info", "text": format!(
            "No pact with {provider} to compare yet: each pact published later is compared with this contract"
        )}));
    }
    for made in &published.comparisons {
        let text = if made.mismatches == 0 {
            format!(
                "The pact of {} ({}) is compatible with this provider contract",
                made.consumer, made.sha
            )
        } else {
            format!(
                "The pact of {} ({}) is incompatible with this provider contract: {} mismatch(es)",
                made.consumer, made.sha, made.mismatches
            )
        };
        let kind = if made.mismatches == 0 { "success" } else { "error" };
        notices.push(json!({"type": kind, "text": text}));
    }
    notices
}

fn publish_response(base: &Base, publication: &ContractPublication, published: &ContractPublished) -> Value {
    let (provider, version) = (&publication.provider, &publication.version);
    let version_path = format!("/pacticipants/{}/versions/{}", enc(provider), enc(version));
    let mut body = contract_links(base, provider, version);
    let tag_links: Vec<Value> = publication
        .tags
        .iter()
        .map(|t| base.named(&format!("{version_path}/tags/{}", enc(t)), "Tag", t))
        .collect();
    body["_links"]["pb:pacticipant-version-tags"] = Value::Array(tag_links);
    if let Some(branch) = &publication.branch {
        body["_links"]["pb:branch-version"] = base.named(
            &format!(
                "/pacticipants/{}/branches/{}/versions/{}",
                enc(provider),
                enc(branch),
                enc(version)
            ),
            "Branch version",
            version,
        );
    }
    body["notices"] = Value::Array(notices(publication, published));
    body["_embedded"] = json!({
        "pacticipant": {"name": provider, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(provider)))}},
        "version": {
            "number": version,
            "created": published.version_created,
            "_links": {"self": base.named(&version_path, "Version", version)},
        },
    });
    body
}

fn comparison_json(base: &Base, provider: &str, view: &ContractView, index: usize) -> Option<Value> {
    let c = view.comparisons.get(index)?;
    let version = &view.contract.provider_version;
    Some(json!({
        "consumer": {"name": c.consumer},
        "consumerVersions": c.consumer_versions,
        "pactVersion": c.sha,
        "providerVersion": version,
        "compatible": c.compatible,
        "selfVerificationSuccess": view.contract.self_verified,
        "success": c.compatible && view.contract.self_verified,
        "interactions": c.interactions,
        "mismatches": c.mismatches,
        "comparedAt": c.compared_at,
        "_links": {
            "self": base.link(&comparison_path(provider, version, &c.consumer, &c.sha)),
            "pf:provider-contract": base.link(&contract_path(provider, version)),
            "pf:ui": base.link(&contract_page(provider, version)),
            "pb:pact-version": base.link(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}",
                enc(provider),
                enc(&c.consumer),
                enc(&c.sha)
            )),
        },
    }))
}

/// `GET /contracts/provider/{p}/version/{v}`: the document, the self-verification and every
/// comparison.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let view = provider_contract::view(&mut conn, &provider, &version)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("No provider contract for {provider} version {version}"))
        })?;
    let c = &view.contract;
    let comparisons: Vec<Value> = (0..view.comparisons.len())
        .filter_map(|i| comparison_json(&base, &provider, &view, i))
        .collect();
    let mut body = contract_links(&base, &provider, &version);
    body["provider"] = json!({"name": provider});
    body["providerVersion"] = json!(version);
    body["specification"] = json!(c.specification);
    body["contentType"] = json!(c.content_type);
    body["content"] = json!(c.content);
    body["selfVerificationResults"] = json!({
        "success": c.self_verified,
        "verifier": c.verifier,
        "verifierVersion": c.verifier_version,
        "content": c.results_content,
        "contentType": c.results_content_type,
        "format": c.results_format,
    });
    body["createdAt"] = json!(c.created_at);
    body["comparisons"] = Value::Array(comparisons);
    Ok(Hal::ok(body))
}

/// `GET /contracts/provider/{p}/version/{v}/consumer/{c}/pact-version/{sha}`: one comparison.
pub(crate) async fn comparison(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version, consumer, sha)): Path<(String, String, String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let view = provider_contract::view(&mut conn, &provider, &version)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("No provider contract for {provider} version {version}"))
        })?;
    let index = view
        .comparisons
        .iter()
        .position(|c| c.consumer == consumer && c.sha == sha)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "The provider contract for {provider} version {version} was not compared with pact {sha} of {consumer}"
            ))
        })?;
    let body = comparison_json(&base, &provider, &view, index)
        .ok_or_else(|| ApiError::inconsistent("a comparison just found is missing"))?;
    Ok(Hal::ok(body))
}
