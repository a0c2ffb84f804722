//! Publishing pacts: `POST /contracts/publish` and the legacy `PUT`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

use super::pacticipants::json_body;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacts::{self, Published};
use crate::store::{Conn, pacticipants, versions};

/// Checks that the body is a pact accord can read, naming the problem otherwise.
fn check_pact(content: &Value, consumer: &str, provider: &str) -> ApiResult<()> {
    accord_core::format::parse_pact_value(content, "the published pact")
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let named_consumer = content["consumer"]["name"].as_str().unwrap_or_default();
    let named_provider = content["provider"]["name"].as_str().unwrap_or_default();
    if named_consumer != consumer {
        return Err(ApiError::bad(format!(
            "the pact's consumer name '{named_consumer}' does not match '{consumer}'"
        )));
    }
    if named_provider != provider {
        return Err(ApiError::bad(format!(
            "the pact's provider name '{named_provider}' does not match '{provider}'"
        )));
    }
    Ok(())
}

struct Outcome {
    provider: String,
    published: Published,
    sha: String,
    new_content: bool,
}

async fn publish_one(
    conn: &mut Conn,
    consumer_id: i64,
    version_id: i64,
    provider: &str,
    content: &Value,
    allow_overwrite: bool,
    merge: bool,
) -> ApiResult<Outcome> {
    let (provider_id, _) = pacticipants::ensure(conn, provider).await?;
    let published = pacts::publish(
        conn,
        consumer_id,
        provider_id,
        version_id,
        content,
        allow_overwrite,
        merge,
    )
    .await?;
    let row = pacts::for_version(conn, version_id, provider_id).await?;
    let (sha, new_content) = match &row {
        Some(row) => (
            row.sha.clone(),
            pacts::publications_of_content(conn, row.content_id).await? == 1,
        ),
        None => (String::new(), false),
    };
    Ok(Outcome {
        provider: provider.to_owned(),
        published,
        sha,
        new_content,
    })
}

/// Queues the webhooks of a publication in its own transaction, so they fire only if it commits.
async fn trigger_publication_events(
    conn: &mut Conn,
    vars: &serde_json::Map<String, Value>,
    outcome: &Outcome,
) -> ApiResult<()> {
    use crate::store::webhooks::enqueue;
    enqueue(conn, "contract_published", vars).await?;
    if outcome.published != Published::Unchanged && outcome.new_content {
        enqueue(conn, "contract_content_changed", vars).await?;
        let mut needed = vars.clone();
        if let Some(provider) = pacticipants::find(conn, &outcome.provider).await? {
            let main = provider.main_branch.clone().unwrap_or_else(|| "main".to_owned());
            if let Some(head) = versions::branch_head(conn, provider.id, &main).await? {
                needed.insert("providerVersionNumber".into(), head.number.into());
                needed.insert("providerVersionBranch".into(), main.into());
                needed.insert(
                    "providerVersionDescriptions".into(),
                    "latest from main branch".into(),
                );
            }
        }
        enqueue(conn, "contract_requiring_verification_published", &needed).await?;
    }
    Ok(())
}

/// `POST /contracts/publish`.
pub(crate) async fn publish_contracts(
    State(state): State<Arc<AppState>>,
    base: Base,
    body: String,
) -> ApiResult<Hal> {
    let body = json_body(&body)?;
    let consumer = body["pacticipantName"]
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::bad("pacticipantName is required"))?
        .to_owned();
    let number = body["pacticipantVersionNumber"]
        .as_str()
        .filter(|s| !s.trim().is_empty() && !s.contains('\n'))
        .ok_or_else(|| ApiError::bad("pacticipantVersionNumber is required and must be a single line"))?
        .to_owned();
    let branch = body["branch"].as_str().map(str::to_owned);
    if branch.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(ApiError::bad("branch cannot be blank"));
    }
    let tags: Vec<String> = body["tags"]
        .as_array()
        .map(|t| t.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let build_url = body["buildUrl"].as_str().map(str::to_owned);
    let contracts = body["contracts"]
        .as_array()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad("contracts must be a non-empty list"))?;
    let mut decoded = Vec::new();
    for (i, contract) in contracts.iter().enumerate() {
        let provider = contract["providerName"]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ApiError::bad(format!("contracts[{i}].providerName is required")))?;
        if contract["consumerName"].as_str().is_some_and(|c| c != consumer) {
            return Err(ApiError::bad(format!(
                "contracts[{i}].consumerName must equal pacticipantName"
            )));
        }
        let encoded = contract["content"]
            .as_str()
            .ok_or_else(|| ApiError::bad(format!("contracts[{i}].content is required")))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|e| ApiError::bad(format!("contracts[{i}].content is not valid base64: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ApiError::bad(format!("contracts[{i}].content is not UTF-8")))?;
        let content: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| ApiError::bad(format!("contracts[{i}].content is not valid JSON: {e}")))?;
        check_pact(&content, &consumer, provider).map_err(|e| match e {
            ApiError::BadRequest(msgs) => {
                ApiError::BadRequest(msgs.into_iter().map(|m| format!("contracts[{i}]: {m}")).collect())
            }
            other => other,
        })?;
        let merge = contract["onConflict"].as_str() == Some("merge");
        decoded.push((provider.to_owned(), content, merge));
    }

    let mut w = state.db.write().await?;
    let mut names = vec![consumer.as_str()];
    names.extend(decoded.iter().map(|(provider, _, _)| provider.as_str()));
    refuse_similar_names(&state, &mut w.tx, &names).await?;
    let (consumer_id, _) = pacticipants::ensure(&mut w.tx, &consumer).await?;
    let (version_id, version_created) =
        versions::ensure(&mut w.tx, consumer_id, &number, build_url.as_deref()).await?;
    if let Some(branch) = &branch {
        versions::add_to_branch(&mut w.tx, consumer_id, branch, version_id).await?;
    }
    for (i, tag) in tags.iter().enumerate() {
        versions::add_tag(&mut w.tx, version_id, tag).await?;
        if i == 0 && branch.is_none() && state.config.first_tag_as_branch {
            versions::first_tag_as_branch(&mut w.tx, consumer_id, version_id, tag).await?;
        }
    }
    let mut outcomes = Vec::new();
    for (provider, content, merge) in &decoded {
        let outcome = publish_one(
            &mut w.tx,
            consumer_id,
            version_id,
            provider,
            content,
            state.config.allow_overwrite,
            *merge,
        )
        .await?;
        if let Published::Conflict(diff) = &outcome.published {
            // Nothing of this publication is stored: the transaction is dropped.
            let text = format!(
                "Cannot change the content of the pact for {consumer} version {number} and provider {provider}, \
                 as race conditions will cause unreliable results for can-i-deploy. Each pact must be published \
                 with a unique consumer version number."
            );
            return Err(ApiError::Conflict(json!({
                "errors": {"contracts": [text.clone()]},
                "notices": [{"type": "error", "text": text}, {"type": "info", "text": diff}],
            })));
        }
        let vars = super::webhooks::pact_vars(
            &base,
            &consumer,
            &outcome.provider,
            &number,
            branch.as_deref(),
            &tags,
            &outcome.sha,
            build_url.as_deref(),
        );
        trigger_publication_events(&mut w.tx, &vars, &outcome).await?;
        outcomes.push(outcome);
    }
    w.tx.commit().await?;

    let version_path = format!("/pacticipants/{}/versions/{}", enc(&consumer), enc(&number));
    let mut notices = vec![json!({"type": "debug", "text": format!(
        "{} {consumer} version {number}{}{}",
        if version_created { "Created" } else { "Updated" },
        branch.as_ref().map(|b| format!(" with branch {b}")).unwrap_or_default(),
        if tags.is_empty() { String::new() } else { format!(" and tag(s) {}", tags.join(", ")) }
    )})];
    let mut contract_links = Vec::new();
    for outcome in &outcomes {
        let path = format!(
            "/pacts/provider/{}/consumer/{}/version/{}",
            enc(&outcome.provider),
            enc(&consumer),
            enc(&number)
        );
        let (kind, verb) = match outcome.published {
            Published::Created => ("success", "published"),
            Published::Unchanged => ("success", "republished with no content changes"),
            Published::Overwritten => ("warning", "published over existing content (not recommended)"),
            Published::Merged => ("success", "merged with the existing content"),
            Published::Conflict(_) => ("error", "refused"),
        };
        notices.push(
            json!({"type": kind, "text": format!("Pact between {consumer} and {} {verb}", outcome.provider)}),
        );
        notices.push(
            json!({"type": "debug", "text": format!("View the published pact at {}", base.url(&path))}),
        );
        contract_links.push(base.named(
            &path,
            "Pact",
            &format!("Pact between {consumer} ({number}) and {}", outcome.provider),
        ));
    }
    if branch.is_none() {
        notices.push(json!({"type": "prompt", "text": "Next time, publish with a branch (--branch) so providers can select pacts by branch."}));
    }
    let logs: Vec<Value> = notices
        .iter()
        .map(|n| json!({"level": n["type"], "message": n["text"], "deprecationWarning": "Replaced by notices"}))
        .collect();
    let tag_links: Vec<Value> = tags
        .iter()
        .map(|t| base.named(&format!("{version_path}/tags/{}", enc(t)), "Tag", t))
        .collect();
    Ok(Hal::ok(json!({
        "notices": notices,
        "logs": logs,
        "_embedded": {
            "pacticipant": {"name": consumer, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&consumer)))}},
            "version": {"number": number, "_links": {"self": base.named(&version_path, "Version", &number)}},
        },
        "_links": {
            "pb:pacticipant": base.named(&format!("/pacticipants/{}", enc(&consumer)), "Pacticipant", &consumer),
            "pb:pacticipant-version": base.named(&version_path, "Pacticipant version", &number),
            "pb:pacticipant-version-tags": tag_links,
            "pb:contracts": contract_links,
        }
    })))
}

/// Refuses a publication that would create a pacticipant whose name is probably a misspelling
/// of an existing one ("Accounts Service" next to "accounts"), unless the check is turned off.
async fn refuse_similar_names(state: &AppState, conn: &mut Conn, names: &[&str]) -> ApiResult<()> {
    if state.config.allow_similar_names {
        return Ok(());
    }
    let messages: Vec<String> = pacticipants::potential_duplicates(conn, names)
        .await?
        .into_iter()
        .map(|(name, similar)| {
            format!(
                "This is the first time a pact has been published for \"{name}\". The name \"{name}\" is very similar \
                 to the following existing pacticipants: {}. If you meant one of them, publish with that exact name; \
                 if this is a new application, create it first with POST /pacticipants, or start the broker with \
                 --allow-similar-names.",
                similar.join(", ")
            )
        })
        .collect();
    if messages.is_empty() {
        return Ok(());
    }
    let notices: Vec<Value> = messages
        .iter()
        .map(|m| json!({"type": "error", "text": m}))
        .collect();
    Err(ApiError::Conflict(json!({
        "errors": {"pacticipantName": messages},
        "notices": notices,
    })))
}

/// `PUT /pacts/provider/{p}/consumer/{c}/version/{v}` with the pact as the body.
pub(crate) async fn put_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Hal> {
    store_pact(state, base, (provider, consumer, number), body, false).await
}

/// `PATCH /pacts/provider/{p}/consumer/{c}/version/{v}`: merges the interactions of the body
/// into the pact already published for that version.
pub(crate) async fn patch_pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Hal> {
    store_pact(state, base, (provider, consumer, number), body, true).await
}

async fn store_pact(
    state: Arc<AppState>,
    base: Base,
    (provider, consumer, number): (String, String, String),
    body: String,
    merge: bool,
) -> ApiResult<Hal> {
    let content = json_body(&body)?;
    check_pact(&content, &consumer, &provider)?;
    let mut w = state.db.write().await?;
    refuse_similar_names(&state, &mut w.tx, &[&consumer, &provider]).await?;
    let (consumer_id, _) = pacticipants::ensure(&mut w.tx, &consumer).await?;
    let (version_id, _) = versions::ensure(&mut w.tx, consumer_id, &number, None).await?;
    let outcome = publish_one(
        &mut w.tx,
        consumer_id,
        version_id,
        &provider,
        &content,
        state.config.allow_overwrite,
        merge,
    )
    .await?;
    let status = match &outcome.published {
        Published::Conflict(diff) => {
            return Err(ApiError::Conflict(json!({
                "errors": {"pact": [format!("Cannot change the content of the pact for {consumer} version {number} and provider {provider}")]},
                "notices": [{"type": "info", "text": diff}],
            })));
        }
        Published::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    let vars = super::webhooks::pact_vars(
        &base,
        &consumer,
        &provider,
        &number,
        None,
        &[],
        &outcome.sha,
        None,
    );
    trigger_publication_events(&mut w.tx, &vars, &outcome).await?;
    let provider_id = pacticipants::find(&mut w.tx, &provider)
        .await?
        .map(|p| p.id)
        .unwrap_or_default();
    let row = pacts::for_version(&mut w.tx, version_id, provider_id)
        .await?
        .ok_or(ApiError::Internal(sqlx::Error::RowNotFound))?;
    w.tx.commit().await?;
    Ok(Hal(
        status,
        super::pacts::pact_json(&base, &consumer, &provider, &row, None),
    ))
}
