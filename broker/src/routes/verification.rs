//! Pacts for verification (selectors, pending, WIP) and verification results.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use super::pacticipants::json_body;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::environments;
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::pacts::{self, PactRow};
use crate::store::verifications::{self, NewVerification};
use crate::store::{Conn, versions};

/// A selected pact with every reason it was selected and every consumer version it stands for.
type Merged = (Selected, Vec<String>, Vec<String>);

/// One selected pact before deduplication by content.
#[derive(Debug, Clone)]
struct Selected {
    consumer: String,
    row: PactRow,
    description: String,
}

const SELECTOR_KEYS: &[&str] = &[
    "mainBranch",
    "branch",
    "matchingBranch",
    "tag",
    "latest",
    "deployed",
    "released",
    "deployedOrReleased",
    "environment",
];

fn validate_selector(selector: &Value, provider_branch: Option<&str>) -> ApiResult<()> {
    let Some(map) = selector.as_object() else {
        return Err(ApiError::bad("each consumer version selector must be an object"));
    };
    if !SELECTOR_KEYS.iter().any(|k| map.contains_key(*k)) {
        return Err(ApiError::bad(
            "must specify a value for environment or tag or branch, or specify mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true or deployedOrReleased=true",
        ));
    }
    if map.contains_key("tag") && map.contains_key("branch") {
        return Err(ApiError::bad(
            "cannot specify both a tag and a branch in one selector",
        ));
    }
    let branch_family = ["latest", "tag", "branch", "mainBranch", "matchingBranch"]
        .iter()
        .any(|k| map.contains_key(*k));
    let env_family = ["environment", "deployed", "released", "deployedOrReleased"]
        .iter()
        .any(|k| map.contains_key(*k));
    if branch_family
        && env_family
        && !(map.len() == 2 && map.contains_key("latest") && map.contains_key("environment"))
    {
        return Err(ApiError::bad(
            "branch or tag selection cannot be combined with environment selection in one selector",
        ));
    }
    if map.get("matchingBranch").and_then(Value::as_bool) == Some(true) && provider_branch.is_none() {
        return Err(ApiError::bad("matchingBranch requires providerVersionBranch"));
    }
    Ok(())
}

async fn pacts_of_versions(
    conn: &mut Conn,
    provider_id: i64,
    version_ids: &[i64],
) -> Result<Vec<PactRow>, sqlx::Error> {
    let mut out = Vec::new();
    for id in version_ids {
        if let Some(row) = pacts::for_version(conn, *id, provider_id).await? {
            out.push(row);
        }
    }
    Ok(out)
}

/// The pact of the newest version on a branch that has one with this provider (a newer
/// version that no longer talks to the provider does not hide it).
async fn latest_on_branch(
    conn: &mut Conn,
    provider: &Pacticipant,
    consumer: &Pacticipant,
    branch: &str,
) -> ApiResult<Vec<PactRow>> {
    Ok(pacts::for_pair(
        conn,
        consumer.id,
        provider.id,
        pacts::VersionFilter::Branch(branch),
        1,
    )
    .await?)
}

async fn evaluate(
    conn: &mut Conn,
    provider: &Pacticipant,
    consumer: &Pacticipant,
    selector: &Value,
    provider_branch: Option<&str>,
) -> ApiResult<Vec<(PactRow, String)>> {
    let get_str = |k: &str| selector.get(k).and_then(Value::as_str);
    let get_bool = |k: &str| selector.get(k).and_then(Value::as_bool) == Some(true);
    let mut found: Vec<(PactRow, String)> = Vec::new();
    let branch = if get_bool("matchingBranch") {
        provider_branch.map(str::to_owned)
    } else {
        get_str("branch").map(str::to_owned)
    };
    if get_bool("mainBranch") {
        let main = consumer.main_branch.clone().unwrap_or_else(|| "main".to_owned());
        for row in latest_on_branch(conn, provider, consumer, &main).await? {
            found.push((row, "latest from main branch".to_owned()));
        }
    } else if let Some(branch) = branch {
        let mut rows = latest_on_branch(conn, provider, consumer, &branch).await?;
        let mut label = format!("latest from branch {branch}");
        if rows.is_empty()
            && let Some(fallback) = get_str("fallbackBranch")
        {
            rows = latest_on_branch(conn, provider, consumer, fallback).await?;
            label = format!("latest from branch {fallback}");
        }
        for row in rows {
            found.push((row, label.clone()));
        }
    } else if let Some(tag) = get_str("tag") {
        let latest = get_bool("latest");
        let mut rows = if latest {
            pacts::latest(conn, consumer.id, provider.id, Some(tag))
                .await?
                .into_iter()
                .collect::<Vec<_>>()
        } else {
            let ids: Vec<i64> = versions::with_tag(conn, consumer.id, tag)
                .await?
                .iter()
                .map(|v| v.id)
                .collect();
            pacts_of_versions(conn, provider.id, &ids).await?
        };
        let mut label = if latest {
            format!("latest with tag {tag}")
        } else {
            format!("one of {tag}")
        };
        if rows.is_empty()
            && let Some(fallback) = get_str("fallbackTag")
        {
            rows = pacts::latest(conn, consumer.id, provider.id, Some(fallback))
                .await?
                .into_iter()
                .collect();
            label = format!("latest with tag {fallback}");
        }
        for row in rows {
            found.push((row, label.clone()));
        }
    } else if get_bool("deployed")
        || get_bool("released")
        || get_bool("deployedOrReleased")
        || get_str("environment").is_some()
    {
        let envs = match get_str("environment") {
            Some(name) => vec![
                environments::by_name(conn, name)
                    .await?
                    .ok_or_else(|| ApiError::bad(format!("environment '{name}' does not exist")))?,
            ],
            None => environments::list(conn).await?,
        };
        let deployed = get_bool("deployed") || get_bool("deployedOrReleased") || !(get_bool("released"));
        let released = get_bool("released") || get_bool("deployedOrReleased") || !(get_bool("deployed"));
        for env in envs {
            if deployed {
                let ids: Vec<i64> = environments::currently_deployed(conn, env.id, Some(consumer.id))
                    .await?
                    .iter()
                    .map(|p| p.version_id)
                    .collect();
                for row in pacts_of_versions(conn, provider.id, &ids).await? {
                    found.push((row, format!("deployed to {}", env.name)));
                }
            }
            if released {
                let ids: Vec<i64> = environments::currently_supported(conn, env.id, Some(consumer.id))
                    .await?
                    .iter()
                    .map(|p| p.version_id)
                    .collect();
                for row in pacts_of_versions(conn, provider.id, &ids).await? {
                    found.push((row, format!("released in {}", env.name)));
                }
            }
        }
    } else if get_bool("latest")
        && let Some(row) = pacts::latest(conn, consumer.id, provider.id, None).await?
    {
        found.push((row, "latest".to_owned()));
    }
    Ok(found)
}

async fn is_pending(
    conn: &mut Conn,
    provider: &Pacticipant,
    content_id: i64,
    branch: Option<&str>,
    tags: &[String],
) -> ApiResult<bool> {
    if let Some(branch) = branch {
        if verifications::verified_successfully(conn, content_id, Some(branch), None).await? {
            return Ok(false);
        }
        return Ok(
            match verifications::branch_started(conn, provider.id, branch).await? {
                Some(started) => {
                    !verifications::verified_successfully_before(conn, content_id, &started).await?
                }
                None => !verifications::verified_successfully(conn, content_id, None, None).await?,
            },
        );
    }
    if !tags.is_empty() {
        for tag in tags {
            if !verifications::verified_successfully(conn, content_id, None, Some(tag)).await? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Ok(!verifications::verified_successfully(conn, content_id, None, None).await?)
}

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

async fn select_pacts(state: &AppState, base: &Base, provider_name: &str, body: &Value) -> ApiResult<Hal> {
    let provider_branch = body["providerVersionBranch"].as_str().filter(|b| !b.is_empty());
    let provider_tags: Vec<String> = body["providerVersionTags"]
        .as_array()
        .map(|t| t.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let include_pending = body
        .get("includePendingStatus")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let wip_since = body["includeWipPactsSince"].as_str();
    let selectors: Vec<Value> = body["consumerVersionSelectors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for selector in &selectors {
        validate_selector(selector, provider_branch)?;
    }
    let mut conn = state.db.pool.acquire().await?;
    let self_link = base.named(
        &format!("/pacts/provider/{}/for-verification", enc(provider_name)),
        "Pacts to be verified",
        provider_name,
    );
    let Some(provider) = pacticipants::find(&mut conn, provider_name).await? else {
        return Ok(Hal::ok(
            json!({"_embedded": {"pacts": []}, "_links": {"self": self_link}}),
        ));
    };
    let consumers = pacticipants::consumers_of(&mut conn, provider.id).await?;
    let mut selected: Vec<Selected> = Vec::new();
    for consumer in &consumers {
        let effective: Vec<Value> = if selectors.is_empty() {
            vec![json!({"mainBranch": true}), json!({"deployedOrReleased": true})]
        } else {
            selectors.clone()
        };
        let mut for_consumer = Vec::new();
        for selector in &effective {
            if selector["consumer"].as_str().is_some_and(|c| c != consumer.name) {
                continue;
            }
            for (row, description) in
                evaluate(&mut conn, &provider, consumer, selector, provider_branch).await?
            {
                for_consumer.push(Selected {
                    consumer: consumer.name.clone(),
                    row,
                    description,
                });
            }
        }
        if selectors.is_empty()
            && consumer.main_branch.is_none()
            && for_consumer.is_empty()
            && let Some(row) = pacts::latest(&mut conn, consumer.id, provider.id, None).await?
        {
            for_consumer.push(Selected {
                consumer: consumer.name.clone(),
                row,
                description: "latest".to_owned(),
            });
        }
        selected.extend(for_consumer);
    }
    // One verifiable pact per distinct content, carrying every reason it was selected.
    let mut by_sha: BTreeMap<(String, String), Merged> = BTreeMap::new();
    for s in selected {
        let key = (s.consumer.clone(), s.row.sha.clone());
        let entry = by_sha
            .entry(key)
            .or_insert_with(|| (s.clone(), Vec::new(), Vec::new()));
        if !entry.1.contains(&s.description) {
            entry.1.push(s.description.clone());
        }
        if !entry.2.contains(&s.row.consumer_version) {
            entry.2.push(s.row.consumer_version.clone());
        }
    }
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (s, descriptions, consumer_versions) in by_sha.into_values() {
        seen.insert((s.consumer.clone(), s.row.sha.clone()));
        let pending = include_pending
            && is_pending(
                &mut conn,
                &provider,
                s.row.content_id,
                provider_branch,
                &provider_tags,
            )
            .await?;
        out.push(entry_json(
            base,
            provider_name,
            &s,
            &descriptions,
            &consumer_versions,
            include_pending,
            pending,
            false,
        ));
    }
    if let (Some(since), Some(branch)) = (wip_since, provider_branch) {
        for consumer in &consumers {
            for branch_name in versions::branch_names(&mut conn, consumer.id).await? {
                let Some(head) = versions::branch_head(&mut conn, consumer.id, &branch_name).await? else {
                    continue;
                };
                let Some(row) = pacts::for_version(&mut conn, head.id, provider.id).await? else {
                    continue;
                };
                if row.created_at.as_str() < since || seen.contains(&(consumer.name.clone(), row.sha.clone()))
                {
                    continue;
                }
                if verifications::verified_successfully(&mut conn, row.content_id, Some(branch), None).await?
                {
                    continue;
                }
                seen.insert((consumer.name.clone(), row.sha.clone()));
                let s = Selected {
                    consumer: consumer.name.clone(),
                    row: row.clone(),
                    description: format!("work in progress from branch {branch_name}"),
                };
                out.push(entry_json(
                    base,
                    provider_name,
                    &s,
                    std::slice::from_ref(&s.description),
                    std::slice::from_ref(&row.consumer_version),
                    true,
                    true,
                    true,
                ));
            }
        }
    }
    Ok(Hal::ok(
        json!({"_embedded": {"pacts": out}, "_links": {"self": self_link}}),
    ))
}

#[allow(clippy::too_many_arguments)]
fn entry_json(
    base: &Base,
    provider: &str,
    s: &Selected,
    descriptions: &[String],
    consumer_versions: &[String],
    include_pending: bool,
    pending: bool,
    wip: bool,
) -> Value {
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
    select_pacts(&state, &base, &provider, &json!({})).await
}

/// `POST /pacts/provider/{p}/for-verification`.
pub(crate) async fn for_verification(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body = json_body(&body)?;
    select_pacts(&state, &base, &provider, &body).await
}

async fn record_result(
    state: &AppState,
    base: &Base,
    provider: &str,
    consumer: &str,
    sha: &str,
    metadata: Option<&str>,
    body: &str,
) -> ApiResult<Response> {
    let body = json_body(body)?;
    let success = body["success"]
        .as_bool()
        .ok_or_else(|| ApiError::bad("success must be true or false"))?;
    let version = body["providerApplicationVersion"]
        .as_str()
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
        versions::ensure(&mut w.tx, p.id, version, body["buildUrl"].as_str()).await?;
    let test_results = body["testResults"].to_string();
    let verified_by = body["verifiedBy"].to_string();
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
            build_url: body["buildUrl"].as_str(),
            test_results: &test_results,
            verified_by: &verified_by,
        },
    )
    .await?;
    let v = verifications::by_id(&mut w.tx, id)
        .await?
        .ok_or(ApiError::Internal(sqlx::Error::RowNotFound))?;
    let path = format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{sha}/verification-results/{id}",
        enc(provider),
        enc(consumer)
    );
    // Webhooks are queued in the same transaction, so they fire only if the result is stored.
    let branches = versions::branches_of(&mut w.tx, provider_version_id).await?;
    let vars = crate::domain::events::pact_vars(
        base,
        consumer,
        provider,
        &row.consumer_version,
        None,
        &[],
        sha,
        body["buildUrl"].as_str(),
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
    let mut response = Hal(StatusCode::CREATED, json).into_response();
    if let Ok(location) = base.url(&path).parse() {
        response.headers_mut().insert("Location", location);
    }
    Ok(response)
}

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
        "testResults": serde_json::from_str::<Value>(&v.test_results).unwrap_or(Value::Null),
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
    record_result(&state, &base, &provider, &consumer, &sha, None, &body).await
}

pub(crate) async fn publish_result_with_metadata(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, meta)): Path<(String, String, String, String)>,
    body: String,
) -> ApiResult<Response> {
    record_result(&state, &base, &provider, &consumer, &sha, Some(&meta), &body).await
}

pub(crate) async fn show_result(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, n)): Path<(String, String, String, i64)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let v = verifications::by_id(&mut conn, n)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("verification result {n}")))?;
    Ok(Hal::ok(result_json(&base, &provider, &consumer, &sha, &v)))
}
