//! PactFlow's provider contract API: `POST /provider-contracts/provider/{p}/publish` (what
//! `pact pactflow publish-provider-contract` sends) and `PUT /contracts/provider/{p}/version/{v}`
//! (the older form), then the contract and each of its comparisons as JSON. The handlers read
//! the request into a `ContractPublication` and render what `domain::provider_contract` did.

use std::sync::Arc;

use accord_broker_client::wire::{
    Comparison, ContractMismatch, CreatedVersion, Links, Name, NamedItem, Notice, ProviderContract,
    ProviderContractPublished, ProviderVersionEmbedded, PublishProviderContract, PutProviderContract,
    SelfVerification, SelfVerificationResults,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;

use super::body::Typed;
use crate::AppState;
use crate::domain::provider_contract::{
    self, ComparisonView, ContractPublication, ContractPublished, ContractView, OAS,
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

fn self_verification(
    field: &str,
    body: Option<SelfVerificationResults>,
) -> ApiResult<provider_contract::SelfVerification> {
    let Some(body) = body else {
        return Ok(provider_contract::SelfVerification::default());
    };
    let content = body
        .content
        .as_deref()
        .map(|c| decode(&format!("{field}.content"), c))
        .transpose()?;
    Ok(provider_contract::SelfVerification {
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
    Typed(request): Typed<PublishProviderContract>,
) -> ApiResult<Hal<ProviderContractPublished>> {
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
    Typed(request): Typed<PutProviderContract>,
) -> ApiResult<Hal<ProviderContractPublished>> {
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
    Ok(Hal(
        status,
        ProviderContractPublished {
            links: contract_links(&base, &publication.provider, &publication.version),
            notices: notices(&publication, &published),
            embedded: None,
        },
    ))
}

async fn store(state: &AppState, publication: &ContractPublication) -> ApiResult<ContractPublished> {
    let documents = &state.lasting.documents;
    let allow = state.config.allow_similar_names;
    Ok(provider_contract::publish_committed(&state.db, documents, publication, allow).await?)
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

fn contract_links(base: &Base, provider: &str, version: &str) -> Links {
    let version_path = format!("/pacticipants/{}/versions/{}", enc(provider), enc(version));
    Links::new()
        .with("self", base.link(&contract_path(provider, version)))
        .with(
            "pf:provider-contract",
            base.named(&contract_path(provider, version), "Provider contract", version),
        )
        .with(
            "pf:ui",
            base.named(
                &contract_page(provider, version),
                "Provider contract page",
                version,
            ),
        )
        .with(
            "pb:pacticipant",
            base.named(
                &format!("/pacticipants/{}", enc(provider)),
                "Pacticipant",
                provider,
            ),
        )
        .with(
            "pb:pacticipant-version",
            base.named(&version_path, "Pacticipant version", version),
        )
}

fn notice(kind: &str, text: String) -> Notice {
    Notice {
        when: None,
        kind: Some(kind.to_owned()),
        text,
    }
}

fn notices(publication: &ContractPublication, published: &ContractPublished) -> Vec<Notice> {
    let (provider, version) = (&publication.provider, &publication.version);
    let mut notices = vec![notice(
        "success",
        format!(
            "Provider contract for {provider} version {version} {}",
            if published.replaced {
                "published, replacing the one published before"
            } else {
                "published"
            }
        ),
    )];
    if !publication.self_verification.success {
        notices.push(notice(
            "warning",
            format!(
                "The self-verification of the provider contract for {provider} version {version} did not succeed: \
                 can-i-deploy counts no comparison with it as a successful verification"
            ),
        ));
    }
    if let Some(why) = &published.unreadable {
        notices.push(notice(
            "warning",
            format!("The provider contract cannot be compared with pacts: {why}"),
        ));
    }
    if published.comparisons.is_empty() {
        notices.push(notice(
            "info",
            format!("No pact with {provider} to compare yet: each pact published later is compared with this contract"),
        ));
    }
    for made in &published.comparisons {
        let (kind, text) = if made.mismatches == 0 {
            (
                "success",
                format!(
                    "The pact of {} ({}) is compatible with this provider contract",
                    made.consumer, made.sha
                ),
            )
        } else {
            (
                "error",
                format!(
                    "The pact of {} ({}) is incompatible with this provider contract: {} mismatch(es)",
                    made.consumer, made.sha, made.mismatches
                ),
            )
        };
        notices.push(notice(kind, text));
    }
    notices
}

fn publish_response(
    base: &Base,
    publication: &ContractPublication,
    published: &ContractPublished,
) -> ProviderContractPublished {
    let (provider, version) = (&publication.provider, &publication.version);
    let version_path = format!("/pacticipants/{}/versions/{}", enc(provider), enc(version));
    let tag_links = publication
        .tags
        .iter()
        .map(|t| base.named(&format!("{version_path}/tags/{}", enc(t)), "Tag", t))
        .collect();
    let mut links =
        contract_links(base, provider, version).with_all("pb:pacticipant-version-tags", tag_links);
    if let Some(branch) = &publication.branch {
        links.set(
            "pb:branch-version",
            base.named(
                &format!(
                    "/pacticipants/{}/branches/{}/versions/{}",
                    enc(provider),
                    enc(branch),
                    enc(version)
                ),
                "Branch version",
                version,
            ),
        );
    }
    ProviderContractPublished {
        links,
        notices: notices(publication, published),
        embedded: Some(ProviderVersionEmbedded {
            pacticipant: NamedItem {
                name: provider.clone(),
                links: base.this(&format!("/pacticipants/{}", enc(provider))),
            },
            version: CreatedVersion {
                number: version.clone(),
                created: published.version_created,
                links: Links::new().with("self", base.named(&version_path, "Version", version)),
            },
        }),
    }
}

fn comparison_wire(base: &Base, provider: &str, view: &ContractView, c: &ComparisonView) -> Comparison {
    let version = &view.contract.provider_version;
    Comparison {
        consumer: Name {
            name: c.consumer.clone(),
        },
        consumer_versions: c.consumer_versions.clone(),
        pact_version: c.sha.clone(),
        provider_version: version.clone(),
        compatible: c.compatible,
        self_verification_success: view.contract.self_verified,
        success: c.compatible && view.contract.self_verified,
        interactions: c.interactions,
        mismatches: c
            .mismatches
            .iter()
            .map(|m| ContractMismatch {
                interaction: m.interaction.clone(),
                pact_path: m.pact_path.clone(),
                document_path: m.document_path.clone(),
                message: m.message.clone(),
            })
            .collect(),
        compared_at: c.compared_at.clone(),
        links: Links::new()
            .with(
                "self",
                base.link(&comparison_path(provider, version, &c.consumer, &c.sha)),
            )
            .with(
                "pf:provider-contract",
                base.link(&contract_path(provider, version)),
            )
            .with("pf:ui", base.link(&contract_page(provider, version)))
            .with(
                "pb:pact-version",
                base.link(&format!(
                    "/pacts/provider/{}/consumer/{}/pact-version/{}",
                    enc(provider),
                    enc(&c.consumer),
                    enc(&c.sha)
                )),
            ),
    }
}

/// `GET /contracts/provider/{p}/version/{v}`: the document, the self-verification and every
/// comparison.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version)): Path<(String, String)>,
) -> ApiResult<Hal<ProviderContract>> {
    let view = provider_contract::show(&state.db, &provider, &version).await?;
    let c = &view.contract;
    Ok(Hal::ok(ProviderContract {
        links: contract_links(&base, &provider, &version),
        provider: Name {
            name: provider.clone(),
        },
        provider_version: version.clone(),
        specification: c.specification.clone(),
        content_type: c.content_type.clone(),
        content: c.content.clone(),
        self_verification_results: SelfVerification {
            success: c.self_verified,
            verifier: c.verifier.clone(),
            verifier_version: c.verifier_version.clone(),
            content: c.results_content.clone(),
            content_type: c.results_content_type.clone(),
            format: c.results_format.clone(),
        },
        created_at: c.created_at.clone(),
        comparisons: view
            .comparisons
            .iter()
            .map(|one| comparison_wire(&base, &provider, &view, one))
            .collect(),
    }))
}

/// `GET /contracts/provider/{p}/version/{v}/consumer/{c}/pact-version/{sha}`: one comparison.
pub(crate) async fn comparison(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version, consumer, sha)): Path<(String, String, String, String)>,
) -> ApiResult<Hal<Comparison>> {
    let view = provider_contract::show(&state.db, &provider, &version).await?;
    let one = view
        .comparisons
        .iter()
        .find(|c| c.consumer == consumer && c.sha == sha)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "The provider contract for {provider} version {version} was not compared with pact {sha} of {consumer}"
            ))
        })?;
    Ok(Hal::ok(comparison_wire(&base, &provider, &view, one)))
}
