//! Publishing pacts: `POST /contracts/publish` and the legacy `PUT` and `PATCH` of one pact.
//! The handlers read the request into a `Publication` and render what `domain::publish` did.

use std::sync::Arc;

use accord_broker_client::wire::{
    Link, Links, LogLine, NamedItem, Notice, Pact, PublishContracts, PublishContractsAnswer,
    PublishedVersion, VersionNumber,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::Value;

use super::body::Typed;
use crate::AppState;
use crate::domain::DomainError;
use crate::domain::publish::{
    Contract, Publication, PublicationResult, Published, publish_committed, publish_pact,
};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

/// Publications larger than this are read, checked and stored at most [`LARGE_AT_ONCE`] at a
/// time: each holds several copies of its pact (the JSON tree, accord's reading of it, the
/// stored text) for a moment, so several at once would multiply the broker's memory.
const LARGE_BODY: usize = 1024 * 1024;
/// How many large publications are handled at once.
pub(crate) const LARGE_AT_ONCE: usize = 2;

/// Middleware of the publishing routes: a large request (by its `Content-Length`, or one that
/// does not say) waits for its turn before its body is even read, and keeps it until answered.
pub(crate) async fn large_ones_in_turn(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let large = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_none_or(|length| length > LARGE_BODY);
    // The application's state travels with every request (`app` adds it); the semaphore is
    // never closed.
    let turns = request
        .extensions()
        .get::<Arc<AppState>>()
        .map(|state| Arc::clone(&state.lasting.large_requests));
    let turn = match turns {
        Some(turns) if large => turns.acquire_owned().await.ok(),
        _ => None,
    };
    let response = next.run(request).await;
    if turn.is_some() {
        drop(turn);
        // What the request built and dropped (its JSON, the pact read, copies on their way to
        // the database) goes back to the system, not only to the allocator's free lists.
        let _ = tokio::task::spawn_blocking(return_freed_memory).await;
    }
    response
}

/// Hands memory the allocator holds free back to the system (glibc keeps freed small blocks
/// in its arenas, so a burst of large requests would otherwise stay in the resident size).
#[allow(unsafe_code)]
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas; it takes
    // the allocator's locks and touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Checks the fields of a publish request and decodes its pacts.
fn publication(body: PublishContracts) -> ApiResult<Publication> {
    let consumer = body
        .pacticipant_name
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad("pacticipantName is required"))?;
    let number = body
        .pacticipant_version_number
        .filter(|s| !s.trim().is_empty() && !s.contains('\n'))
        .ok_or_else(|| ApiError::bad("pacticipantVersionNumber is required and must be a single line"))?;
    if body.branch.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(ApiError::bad("branch cannot be blank"));
    }
    let contracts = body
        .contracts
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad("contracts must be a non-empty list"))?;
    let mut decoded = Vec::new();
    for (i, contract) in contracts.into_iter().enumerate() {
        let provider = contract
            .provider_name
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ApiError::bad(format!("contracts[{i}].providerName is required")))?;
        if contract.consumer_name.as_deref().is_some_and(|c| c != consumer) {
            return Err(ApiError::bad(format!(
                "contracts[{i}].consumerName must equal pacticipantName"
            )));
        }
        let encoded = contract
            .content
            .ok_or_else(|| ApiError::bad(format!("contracts[{i}].content is required")))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| ApiError::bad(format!("contracts[{i}].content is not valid base64: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ApiError::bad(format!("contracts[{i}].content is not UTF-8")))?;
        let content: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| ApiError::bad(format!("contracts[{i}].content is not valid JSON: {e}")))?;
        decoded.push(Contract {
            provider,
            content,
            merge: contract.on_conflict.as_deref() == Some("merge"),
        });
    }
    Ok(Publication {
        consumer,
        version: number,
        branch: body.branch,
        tags: body.tags.unwrap_or_default(),
        build_url: body.build_url,
        contracts: decoded,
        name_contracts: true,
    })
}

/// Who published what: the consumer, its version, branch and tags.
struct Said<'a> {
    consumer: &'a str,
    number: &'a str,
    branch: Option<&'a str>,
    tags: &'a [String],
}

fn notice(kind: &str, text: String) -> Notice {
    Notice {
        when: None,
        kind: Some(kind.to_owned()),
        text,
    }
}

/// The notices of a publication (what happened to the version and to each pact, and hints)
/// and a link to each pact published.
fn outcome_notices(base: &Base, said: &Said<'_>, result: &PublicationResult) -> (Vec<Notice>, Vec<Link>) {
    let Said {
        consumer,
        number,
        branch,
        tags,
    } = *said;
    let mut notices = vec![notice(
        "debug",
        format!(
            "{} {consumer} version {number}{}{}",
            if result.version_created {
                "Created"
            } else {
                "Updated"
            },
            branch.map(|b| format!(" with branch {b}")).unwrap_or_default(),
            if tags.is_empty() {
                String::new()
            } else {
                format!(" and tag(s) {}", tags.join(", "))
            }
        ),
    )];
    let mut contract_links = Vec::new();
    for outcome in &result.outcomes {
        let path = format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            enc(&outcome.provider),
            enc(consumer),
            enc(number)
        );
        let (kind, verb) = match outcome.published {
            Published::Created => ("success", "published"),
            Published::Unchanged => ("success", "republished with no content changes"),
            Published::Overwritten => ("warning", "published over existing content (not recommended)"),
            Published::Merged => ("success", "merged with the existing content"),
            Published::Conflict(_) => ("error", "refused"),
        };
        notices.push(notice(
            kind,
            format!("Pact between {consumer} and {} {verb}", outcome.provider),
        ));
        notices.push(notice(
            "debug",
            format!("View the published pact at {}", base.url(&path)),
        ));
        contract_links.push(base.named(
            &path,
            "Pact",
            &format!("Pact between {consumer} ({number}) and {}", outcome.provider),
        ));
    }
    if branch.is_none() {
        notices.push(notice(
            "prompt",
            "Next time, publish with a branch (--branch) so providers can select pacts by branch.".to_owned(),
        ));
    }
    (notices, contract_links)
}

/// `POST /contracts/publish`.
pub(crate) async fn publish_contracts(
    State(state): State<Arc<AppState>>,
    base: Base,
    Typed(request): Typed<PublishContracts>,
) -> ApiResult<Hal<PublishContractsAnswer>> {
    let publication = publication(request)?;
    let (consumer, number, branch, tags) = (
        publication.consumer.clone(),
        publication.version.clone(),
        publication.branch.clone(),
        publication.tags.clone(),
    );
    let checked = publication.check()?;
    let result = publish_committed(
        &state.db,
        &Base::for_webhooks(&state.config),
        &checked,
        state.config.policy(),
        &state.lasting.documents,
    )
    .await?;
    let owner = format!("/pacticipants/{}", enc(&consumer));
    let version_path = format!("{owner}/versions/{}", enc(&number));
    let said = Said {
        consumer: &consumer,
        number: &number,
        branch: branch.as_deref(),
        tags: &tags,
    };
    let (notices, contract_links) = outcome_notices(&base, &said, &result);
    let logs = notices
        .iter()
        .map(|n| LogLine {
            level: n.kind.clone(),
            message: n.text.clone(),
            deprecation_warning: "Replaced by notices".to_owned(),
        })
        .collect();
    let tag_links = tags
        .iter()
        .map(|t| base.named(&format!("{version_path}/tags/{}", enc(t)), "Tag", t))
        .collect();
    Ok(Hal::ok(PublishContractsAnswer {
        notices,
        logs,
        embedded: Some(PublishedVersion {
            pacticipant: NamedItem {
                name: consumer.clone(),
                links: base.this(&owner),
            },
            version: VersionNumber {
                number: number.clone(),
                links: Links::new().with("self", base.named(&version_path, "Version", &number)),
            },
        }),
        links: Links::new()
            .with("pb:pacticipant", base.named(&owner, "Pacticipant", &consumer))
            .with(
                "pb:pacticipant-version",
                base.named(&version_path, "Pacticipant version", &number),
            )
            .with_all("pb:pacticipant-version-tags", tag_links)
            .with_all("pb:contracts", contract_links),
    }))
}

/// `PUT /pacts/provider/{p}/consumer/{c}/version/{v}` with the pact as the body.
pub(crate) async fn put_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
    Typed(content): Typed<Value>,
) -> ApiResult<Hal<Pact>> {
    store_pact(state, base, (provider, consumer, number), content, false).await
}

/// `PATCH /pacts/provider/{p}/consumer/{c}/version/{v}`: merges the interactions of the body
/// into the pact already published for that version.
pub(crate) async fn patch_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
    Typed(content): Typed<Value>,
) -> ApiResult<Hal<Pact>> {
    store_pact(state, base, (provider, consumer, number), content, true).await
}

async fn store_pact(
    state: Arc<AppState>,
    base: Base,
    (provider, consumer, number): (String, String, String),
    content: Value,
    merge: bool,
) -> ApiResult<Hal<Pact>> {
    let publication = Publication {
        consumer: consumer.clone(),
        version: number.clone(),
        branch: None,
        tags: Vec::new(),
        build_url: None,
        contracts: vec![Contract {
            provider: provider.clone(),
            content,
            merge,
        }],
        name_contracts: false,
    };
    let checked = publication.check()?;
    let published = publish_pact(
        &state.db,
        &Base::for_webhooks(&state.config),
        &checked,
        state.config.policy(),
        &state.lasting.documents,
    )
    .await;
    let (published, row) = match published {
        Ok(done) => done,
        Err(DomainError::ContentChanged { diff, .. }) => {
            return Err(ApiError::pact_changed(&consumer, &number, &provider, diff));
        }
        Err(other) => return Err(other.into()),
    };
    let status = match published {
        Published::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok(Hal(
        status,
        super::pacts::pact_wire(&base, &consumer, &provider, &row, None),
    ))
}
