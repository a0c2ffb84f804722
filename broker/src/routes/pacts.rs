//! Reading pacts: by version, latest, by tag or branch, by content hash, and provider lists.

use std::sync::Arc;

use std::collections::HashMap;

use accord_broker_client::wire::{
    self, ConsumerWithVersion, EmbeddedVersionNumber, LatestPact, LatestPactParties, LatestPacts, Link,
    Links, LinksOnly, NamedItem, Number,
};
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde_json::{Map, Value};

use crate::AppState;
use crate::domain::pacts::{self, Doomed, PactRow, VersionFilter, Which};
use crate::error::ApiResult;
use crate::hal::{Base, Hal, enc};

/// The stored pact with `createdAt` and the links verifiers follow.
pub(crate) fn pact_wire(
    base: &Base,
    consumer: &str,
    provider: &str,
    row: &PactRow,
    metadata: Option<&str>,
) -> wire::Pact {
    let mut content: Map<String, Value> = serde_json::from_str(&row.content).unwrap_or_default();
    content.shift_remove("createdAt");
    content.shift_remove("_links");
    wire::Pact {
        content,
        created_at: row.created_at.clone(),
        links: pact_links(base, consumer, provider, row, metadata),
    }
}

/// The stored pact as [`pact_wire`] answers it, written as text: the stored text with
/// `createdAt` and `_links` added, never read into a JSON tree (a large pact is several times
/// its size as one). A stored pact that names either key itself goes through [`pact_wire`].
fn pact_text(base: &Base, consumer: &str, provider: &str, row: &PactRow, metadata: Option<&str>) -> String {
    let content = row.content.trim_end();
    let spliceable = content.starts_with('{')
        && content.ends_with('}')
        && !content.contains("\"_links\"")
        && !content.contains("\"createdAt\"");
    if !spliceable {
        return serde_json::to_string(&pact_wire(base, consumer, provider, row, metadata))
            .unwrap_or_default();
    }
    let additions = wire::Pact {
        content: Map::new(),
        created_at: row.created_at.clone(),
        links: pact_links(base, consumer, provider, row, metadata),
    };
    let added = serde_json::to_string(&additions).unwrap_or_else(|_| "{}".to_owned());
    let body = &content[..content.len() - 1];
    let separator = if body.trim_end().ends_with('{') { "" } else { "," };
    let mut text = String::with_capacity(content.len() + added.len());
    text.push_str(body);
    text.push_str(separator);
    text.push_str(&added[1..]);
    text
}

fn pact_links(base: &Base, consumer: &str, provider: &str, row: &PactRow, metadata: Option<&str>) -> Links {
    let pair = format!("/pacts/provider/{}/consumer/{}", enc(provider), enc(consumer));
    let permalink = match metadata {
        Some(meta) => format!("{pair}/pact-version/{}/metadata/{meta}", row.sha),
        None => format!("{pair}/pact-version/{}", row.sha),
    };
    let version = &row.consumer_version;
    let version_path = format!("/pacticipants/{}/versions/{}", enc(consumer), enc(version));
    Links::new()
        .with(
            "self",
            base.named(
                &format!("{pair}/version/{}", enc(version)),
                "Pact",
                &format!("Pact between {consumer} ({version}) and {provider}"),
            ),
        )
        .with(
            "pb:consumer",
            base.named(&format!("/pacticipants/{}", enc(consumer)), "Consumer", consumer),
        )
        .with(
            "pb:consumer-version",
            base.named(&version_path, "Consumer version", version),
        )
        .with(
            "pb:provider",
            base.named(&format!("/pacticipants/{}", enc(provider)), "Provider", provider),
        )
        .with(
            "pb:pact-version",
            base.link(&format!("{pair}/pact-version/{}", row.sha)),
        )
        .with("pb:latest-pact-version", base.link(&format!("{pair}/latest")))
        .with(
            "pb:diff-previous-distinct",
            base.named(
                &format!("{pair}/version/{}/diff/previous-distinct", enc(version)),
                "Diff",
                "Changes since the previous distinct version of this pact",
            ),
        )
        .with(
            "pb:diff",
            base.templated(&format!(
                "{pair}/pact-version/{}/diff/pact-version/{{pactVersion}}",
                row.sha
            )),
        )
        .with(
            "pb:publish-verification-results",
            base.link(&format!("{permalink}/verification-results")),
        )
        .with(
            "pb:tag-version",
            base.templated(&format!("{version_path}/tags/{{tag}}")),
        )
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

async fn answer(
    state: &AppState,
    base: &Base,
    (provider, consumer): (&str, &str),
    which: Which<'_>,
    metadata: Option<&str>,
) -> ApiResult<Response> {
    let row = pacts::find(&state.db, provider, consumer, which).await?;
    Ok(respond(base, consumer, provider, &row, metadata))
}

/// `GET /pacts/provider/{p}/consumer/{c}/version/{v}`.
pub(crate) async fn by_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, number)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    answer(
        &state,
        &base,
        (&provider, &consumer),
        Which::Version(&number),
        None,
    )
    .await
}

/// `GET /pacts/provider/{p}/consumer/{c}/latest`.
pub(crate) async fn latest(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Response> {
    answer(&state, &base, (&provider, &consumer), Which::Latest, None).await
}

/// `GET /pacts/provider/{p}/consumer/{c}/latest/{tag}`.
pub(crate) async fn latest_tagged(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, tag)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    answer(
        &state,
        &base,
        (&provider, &consumer),
        Which::LatestTagged(&tag),
        None,
    )
    .await
}

/// `GET /pacts/provider/{p}/consumer/{c}/branch/{b}/latest`.
pub(crate) async fn latest_for_branch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, branch)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    answer(
        &state,
        &base,
        (&provider, &consumer),
        Which::LatestOnBranch(&branch),
        None,
    )
    .await
}

/// `GET /pacts/provider/{p}/consumer/{c}/pact-version/{sha}`.
pub(crate) async fn by_sha(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    answer(&state, &base, (&provider, &consumer), Which::Sha(&sha), None).await
}

/// `GET /pacts/provider/{p}/consumer/{c}/pact-version/{sha}/metadata/{meta}`.
pub(crate) async fn by_sha_with_metadata(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, meta)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    answer(
        &state,
        &base,
        (&provider, &consumer),
        Which::Sha(&sha),
        Some(&meta),
    )
    .await
}

fn pact_link(base: &Base, provider: &str, consumer: &str, row: &PactRow) -> Link {
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
) -> ApiResult<Hal<LinksOnly>> {
    let found = pacts::of_provider(&state.db, provider, consumer, filter, latest_only).await?;
    let links: Vec<Link> = found
        .iter()
        .map(|(consumer, row)| pact_link(base, provider, consumer, row))
        .collect();
    let provider_link = base.named(&format!("/pacticipants/{}", enc(provider)), "Provider", provider);
    Ok(Hal::ok(LinksOnly {
        links: base
            .this(self_path)
            .with("pb:provider", provider_link.clone())
            .with("provider", provider_link)
            .with_all("pb:pacts", links.clone())
            .with_all("pacts", links),
    }))
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
pub(crate) async fn latest_pacts(
    State(state): State<Arc<AppState>>,
    base: Base,
) -> ApiResult<Hal<LatestPacts>> {
    let found = pacts::latest_of_every_pair(&state.db).await?;
    let pacts = found
        .into_iter()
        .map(|(provider, consumer, row)| {
            let pair = format!("/pacts/provider/{}/consumer/{}", enc(&provider), enc(&consumer));
            LatestPact {
                links: Links::new().with_all(
                    "self",
                    vec![
                        base.link(&format!("{pair}/latest")),
                        base.link(&format!("{pair}/version/{}", enc(&row.consumer_version))),
                    ],
                ),
                embedded: LatestPactParties {
                    consumer: ConsumerWithVersion {
                        links: base.this(&format!("/pacticipants/{}", enc(&consumer))),
                        name: consumer,
                        embedded: EmbeddedVersionNumber {
                            version: Number {
                                number: row.consumer_version,
                            },
                        },
                    },
                    provider: NamedItem {
                        links: base.this(&format!("/pacticipants/{}", enc(&provider))),
                        name: provider,
                    },
                },
                created_at: row.created_at,
            }
        })
        .collect();
    Ok(Hal::ok(LatestPacts {
        pacts,
        links: base.this("/pacts/latest"),
    }))
}

async fn delete_publications(
    state: &AppState,
    provider: &str,
    consumer: &str,
    doomed: Doomed<'_>,
) -> ApiResult<axum::http::StatusCode> {
    pacts::delete(&state.db, provider, consumer, doomed).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/version/{v}`: removes that version's pact.
pub(crate) async fn delete_by_version(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, number)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    delete_publications(&state, &provider, &consumer, Doomed::Version(&number)).await
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/tag/{tag}`: removes the pacts of every consumer
/// version with the tag.
pub(crate) async fn delete_with_tag(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, tag)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    delete_publications(
        &state,
        &provider,
        &consumer,
        Doomed::Filtered(VersionFilter::Tag(&tag)),
    )
    .await
}

/// `DELETE /pacts/provider/{p}/consumer/{c}/branch/{b}`: removes the pacts of every consumer
/// version on the branch.
pub(crate) async fn delete_on_branch(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, branch)): Path<(String, String, String)>,
) -> ApiResult<axum::http::StatusCode> {
    let filter = Doomed::Filtered(VersionFilter::Branch(&branch));
    delete_publications(&state, &provider, &consumer, filter).await
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
            let typed = serde_json::to_value(pact_wire(&base, "web", "api", &row(content), Some("m1")))
                .expect("a pact serializes");
            assert_eq!(parsed, typed, "{content}");
        }
    }
}
