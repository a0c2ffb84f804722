//! Reading pacts: by version, latest, by tag or branch, by content hash, and provider lists.

use std::sync::Arc;

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacts::{self, PactRow, VersionFilter};
use crate::store::{Conn, pacticipants, versions};

/// The stored pact with `createdAt` and the links verifiers follow.
pub(crate) fn pact_json(
    base: &Base,
    consumer: &str,
    provider: &str,
    row: &PactRow,
    metadata: Option<&str>,
) -> Value {
    let mut doc: Value = serde_json::from_str(&row.content).unwrap_or(json!({}));
    if let Some(map) = doc.as_object_mut() {
        map.insert("createdAt".into(), row.created_at.clone().into());
        map.insert(
            "_links".into(),
            pact_links(base, consumer, provider, row, metadata),
        );
    }
    doc
}

/// The stored pact as [`pact_json`] answers it, written as text: the stored text with
/// `createdAt` and `_links` added, never read into a JSON tree (a large pact is several times
/// its size as one). A stored pact that names either key itself goes through [`pact_json`].
fn pact_text(base: &Base, consumer: &str, provider: &str, row: &PactRow, metadata: Option<&str>) -> String {
    let content = row.content.trim_end();
    let spliceable = content.starts_with('{')
        && content.ends_with('}')
        && !content.contains("\"_links\"")
        && !content.contains("\"createdAt\"");
    if !spliceable {
        return pact_json(base, consumer, provider, row, metadata).to_string();
    }
    let added = json!({
        "createdAt": row.created_at,
        "_links": pact_links(base, consumer, provider, row, metadata),
    })
    .to_string();
    let body = &content[..content.len() - 1];
    let separator = if body.trim_end().ends_with('{') { "" } else { "," };
    let mut text = String::with_capacity(content.len() + added.len());
    text.push_str(body);
    text.push_str(separator);
    text.push_str(&added[1..]);
    text
}

fn pact_links(base: &Base, consumer: &str, provider: &str, row: &PactRow, metadata: Option<&str>) -> Value {
    let pair = format!("/pacts/provider/{}/consumer/{}", enc(provider), enc(consumer));
    let permalink = match metadata {
        Some(meta) => format!("{pair}/pact-version/{}/metadata/{meta}", row.sha),
        None => format!("{pair}/pact-version/{}", row.sha),
    };
    let version_path = format!(
        "/pacticipants/{}/versions/{}",
        enc(consumer),
        enc(&row.consumer_version)
    );
    json!({
        "self": base.named(&format!("{pair}/version/{}", enc(&row.consumer_version)), "Pact",
            &format!("Pact between {consumer} ({}) and {provider}", row.consumer_version)),
        "pb:consumer": base.named(&format!("/pacticipants/{}", enc(consumer)), "Consumer", consumer),
        "pb:consumer-version": base.named(&version_path, "Consumer version", &row.consumer_version),
        "pb:provider": base.named(&format!("/pacticipants/{}", enc(provider)), "Provider", provider),
        "pb:pact-version": base.link(&format!("{pair}/pact-version/{}", row.sha)),
        "pb:latest-pact-version": base.link(&format!("{pair}/latest")),
        "pb:diff-previous-distinct": base.named(
            &format!("{pair}/version/{}/diff/previous-distinct", enc(&row.consumer_version)),
            "Diff",
            "Changes since the previous distinct version of this pact",
        ),
        "pb:diff": base.templated(&format!("{pair}/pact-version/{}/diff/pact-version/{{pactVersion}}", row.sha)),
        "pb:publish-verification-results": base.link(&format!("{permalink}/verification-results")),
        "pb:tag-version": base.templated(&format!("{version_path}/tags/{{tag}}")),
    })
}

async fn ids(conn: &mut Conn, provider: &str, consumer: &str) -> ApiResult<(i64, i64)> {
    let p = pacticipants::find(conn, provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let c = pacticipants::find(conn, consumer)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("consumer '{consumer}'")))?;
    Ok((p.id, c.id))
}

fn respond(base: &Base, consumer: &str, provider: &str, row: &PactRow, metadata: Option<&str>) -> Response {
    let mut response = crate::hal::hal_text(
        axum::http::StatusCode::OK,
        pact_text(base, consumer, provider, row, metadata),
    );
    if let Ok(value) = row.consumer_version.parse() {
        response.headers_mut().insert("X-Pact-Consumer-Version", value);
    }
    response
}

pub(crate) async fn by_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let version = versions::find(&mut conn, cid, &number)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("version {number} of '{consumer}'")))?;
    let row = pacts::for_version(&mut conn, version.id, pid)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("pact for version {number} of '{consumer}'")))?;
    Ok(respond(&base, &consumer, &provider, &row, None))
}

pub(crate) async fn latest(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let row = pacts::latest(&mut conn, cid, pid, None)
        .await?
        .ok_or_else(|| ApiError::NotFound("latest pact".to_owned()))?;
    Ok(respond(&base, &consumer, &provider, &row, None))
}

pub(crate) async fn latest_tagged(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, tag)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let row = pacts::latest(&mut conn, cid, pid, Some(&tag))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("latest pact with tag '{tag}'")))?;
    Ok(respond(&base, &consumer, &provider, &row, None))
}

pub(crate) async fn latest_for_branch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, branch)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let row = pacts::for_pair(&mut conn, cid, pid, VersionFilter::Branch(&branch), 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("a pact from branch '{branch}' of '{consumer}'")))?;
    Ok(respond(&base, &consumer, &provider, &row, None))
}

pub(crate) async fn by_sha(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let row = pacts::by_sha(&mut conn, cid, pid, &sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("pact version '{sha}'")))?;
    Ok(respond(&base, &consumer, &provider, &row, None))
}

pub(crate) async fn by_sha_with_metadata(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, meta)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let (pid, cid) = ids(&mut conn, &provider, &consumer).await?;
    let row = pacts::by_sha(&mut conn, cid, pid, &sha)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("pact version '{sha}'")))?;
    Ok(respond(&base, &consumer, &provider, &row, Some(&meta)))
}

fn pact_link(base: &Base, provider: &str, consumer: &str, row: &PactRow) -> Value {
    let path = format!(
        "/pacts/provider/{}/consumer/{}/version/{}",
        enc(provider),
        enc(consumer),
        enc(&row.consumer_version)
    );
    base.named(
        &path,
        &format!(
            "Pact between {consumer} ({}) and {provider}",
            row.consumer_version
        ),
        consumer,
    )
}

/// A list of pact links for a provider, over every consumer or one.
async fn pact_list(
    state: &AppState,
    base: &Base,
    self_path: &str,
    provider: &str,
    consumer: Option<&str>,
    filter: VersionFilter<'_>,
    latest_only: bool,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = pacticipants::find(&mut conn, provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let consumers = match consumer {
        Some(name) => vec![
            pacticipants::find(&mut conn, name)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("consumer '{name}'")))?,
        ],
        None => pacticipants::consumers_of(&mut conn, p.id).await?,
    };
    let limit = if latest_only { 1 } else { i64::MAX };
    let mut links = Vec::new();
    for c in consumers {
        for row in pacts::for_pair(&mut conn, c.id, p.id, filter, limit).await? {
            links.push(pact_link(base, provider, &c.name, &row));
        }
    }
    let provider_link = base.named(&format!("/pacticipants/{}", enc(provider)), "Provider", provider);
    Ok(Hal::ok(json!({
        "_links": {
            "self": base.link(self_path),
            "pb:provider": provider_link.clone(),
            "provider": provider_link,
            "pb:pacts": links.clone(),
            "pacts": links,
        }
    })))
}

/// Which pact list a route serves; its path parameters are `p` (provider), `c` (consumer),
/// `tag` and `b` (branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PactList {
    /// `/pacts/provider/{p}`: every pact version.
    All,
    /// `/pacts/provider/{p}/latest`: the latest of each consumer.
    Latest,
    /// `/pacts/provider/{p}/latest/{tag}`.
    LatestWithTag,
    /// `/pacts/provider/{p}/tag/{tag}`.
    WithTag,
    /// `/pacts/provider/{p}/branch/{b}`.
    WithBranch,
    /// `/pacts/provider/{p}/branch/{b}/latest`.
    LatestWithBranch,
    /// `/pacts/provider/{p}/branch`: each consumer's main branch.
    MainBranch,
    /// `/pacts/provider/{p}/branch/latest`.
    LatestMainBranch,
    /// `/pacts/provider/{p}/consumer/{c}/tag/{tag}`.
    PairWithTag,
    /// `/pacts/provider/{p}/consumer/{c}/branch/{b}`.
    PairWithBranch,
    /// `/pacts/provider/{p}/consumer/{c}/branch`: the consumer's main branch.
    PairMainBranch,
    /// `/pacts/provider/{p}/consumer/{c}/branch/latest`.
    PairLatestMainBranch,
}

/// The `GET` handler of a pact list route.
pub(crate) fn list(kind: PactList) -> MethodRouter<Arc<AppState>> {
    get(
        move |State(state): State<Arc<AppState>>,
              base: Base,
              uri: Uri,
              Path(params): Path<HashMap<String, String>>| async move {
            let param = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
            let filter = match kind {
                PactList::All | PactList::Latest => VersionFilter::Any,
                PactList::LatestWithTag | PactList::WithTag | PactList::PairWithTag => {
                    VersionFilter::Tag(param("tag"))
                }
                PactList::WithBranch | PactList::LatestWithBranch | PactList::PairWithBranch => {
                    VersionFilter::Branch(param("b"))
                }
                PactList::MainBranch
                | PactList::LatestMainBranch
                | PactList::PairMainBranch
                | PactList::PairLatestMainBranch => VersionFilter::MainBranch,
            };
            let latest = matches!(
                kind,
                PactList::Latest
                    | PactList::LatestWithTag
                    | PactList::LatestWithBranch
                    | PactList::LatestMainBranch
                    | PactList::PairLatestMainBranch
            );
            let consumer = params.get("c").map(String::as_str);
            pact_list(&state, &base, uri.path(), param("p"), consumer, filter, latest).await
        },
    )
}

/// `GET /pacts/latest`: the latest pact of every integration.
pub(crate) async fn latest_pacts(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let all = pacticipants::list(&mut conn, 100_000, 0).await?;
    let mut out = Vec::new();
    for provider in &all {
        for consumer in pacticipants::consumers_of(&mut conn, provider.id).await? {
            if let Some(row) = pacts::latest(&mut conn, consumer.id, provider.id, None).await? {
                let pair = format!(
                    "/pacts/provider/{}/consumer/{}",
                    enc(&provider.name),
                    enc(&consumer.name)
                );
                out.push(json!({
                    "_links": {"self": [base.link(&format!("{pair}/latest")), base.link(&format!("{pair}/version/{}", enc(&row.consumer_version)))]},
                    "_embedded": {
                        "consumer": {"name": consumer.name, "_embedded": {"version": {"number": row.consumer_version}},
                            "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&consumer.name)))}},
                        "provider": {"name": provider.name,
                            "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&provider.name)))}},
                    },
                    "createdAt": row.created_at,
                }));
            }
        }
    }
    Ok(Hal::ok(
        json!({"pacts": out, "_links": {"self": base.link("/pacts/latest")}}),
    ))
}

/// Deletes the publications of one provider's pacts for the given consumer versions, then any
/// content no publication refers to any more (its verification results go with it).
async fn delete_publications(
    state: &AppState,
    provider: &str,
    consumer: &str,
    filter: Option<VersionFilter<'_>>,
    number: Option<&str>,
) -> ApiResult<axum::http::StatusCode> {
    let mut w = state.db.write().await?;
    let (pid, cid) = ids(&mut w.tx, provider, consumer).await?;
    let version_ids: Vec<i64> = match (number, filter) {
        (Some(number), _) => versions::find(&mut w.tx, cid, number)
            .await?
            .map(|v| v.id)
            .into_iter()
            .collect(),
        (None, Some(filter)) => pacts::for_pair(&mut w.tx, cid, pid, filter, i64::MAX)
            .await?
            .iter()
            .map(|r| r.consumer_version_id)
            .collect(),
        (None, None) => Vec::new(),
    };
    let mut deleted = 0;
    for id in version_ids {
        deleted += pacts::delete_for_version(&mut w.tx, id, pid).await?;
    }
    if deleted == 0 {
        return Err(ApiError::NotFound("a matching pact".to_owned()));
    }
    pacts::delete_orphaned_contents(&mut w.tx).await?;
    w.tx.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/version/{v}`: removes that version's pact.
pub(crate) async fn delete_by_version(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, number)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    delete_publications(&state, &provider, &consumer, None, Some(&number)).await
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/tag/{tag}`: removes the pacts of every consumer
/// version with the tag.
pub(crate) async fn delete_with_tag(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, tag)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    delete_publications(&state, &provider, &consumer, Some(VersionFilter::Tag(&tag)), None).await
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/branch/{b}`: removes the pacts of every consumer
/// version on the branch.
pub(crate) async fn delete_on_branch(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, branch)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    let filter = Some(VersionFilter::Branch(&branch));
    delete_publications(&state, &provider, &consumer, filter, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(content: &str) -> PactRow {
        PactRow {
            consumer_version_id: 1,
            consumer_version: "1.0 beta".into(),
            content_id: 1,
            sha: "abc".into(),
            content: content.into(),
            created_at: "2026-12-06T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn the_pact_written_as_text_is_the_pact_answered_as_json() {
        let base = Base("http://broker.example".into());
        for content in [
            r#"{"consumer":{"name":"web"},"provider":{"name":"api"},"interactions":[]}"#,
            "{}",
            r#"{"consumer":{"name":"web"},"_links":{"old":1}}"#,
            r#"{"createdAt":"then","x":1}"#,
        ] {
            let text = pact_text(&base, "web", "api", &row(content), Some("m1"));
            let parsed: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{content}: {e}: {text}"));
            assert_eq!(
                parsed,
                pact_json(&base, "web", "api", &row(content), Some("m1")),
                "{content}"
            );
        }
    }
}
