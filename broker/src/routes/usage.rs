//! What a provider's consumers rely on, from the latest pact of each consumer (from its main
//! branch when it has one): which consumer uses which field (the answer a provider team needs
//! before removing or renaming one), and which provider states they need.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use accord_core::Pact;
use accord_core::usage::{FieldUse, field_uses};
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde_json::{Value, json};

use super::ui::{layout, search_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacts::{self, VersionFilter};
use crate::store::{Conn, pacticipants};

/// A consumer whose pact was read, with the version it came from.
struct Source {
    consumer: String,
    version: String,
    sha: String,
}

/// Every field with the consumers relying on it, and the pacts read.
struct Usage {
    sources: Vec<Source>,
    fields: BTreeMap<FieldUse, Vec<String>>,
}

/// The pact each consumer of a provider counts with: the latest from its main branch, else its
/// latest; pacts that cannot be read are skipped with a warning.
async fn current_pacts(conn: &mut Conn, provider: &str) -> ApiResult<Vec<(Source, Pact)>> {
    let p = pacticipants::find(conn, provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let mut out = Vec::new();
    for consumer in pacticipants::consumers_of(conn, p.id).await? {
        let main = pacts::for_pair(conn, consumer.id, p.id, VersionFilter::MainBranch, 1)
            .await?
            .into_iter()
            .next();
        let row = match main {
            Some(row) => Some(row),
            None => pacts::latest(conn, consumer.id, p.id, None).await?,
        };
        let Some(row) = row else { continue };
        match accord_core::format::parse_pact(&row.content, &consumer.name) {
            Ok(pact) => out.push((
                Source {
                    consumer: consumer.name.clone(),
                    version: row.consumer_version.clone(),
                    sha: row.sha.clone(),
                },
                pact,
            )),
            Err(error) => {
                tracing::warn!(consumer = %consumer.name, %error, "a stored pact could not be read");
            }
        }
    }
    Ok(out)
}

async fn usage(conn: &mut Conn, provider: &str, search: Option<&str>) -> ApiResult<Usage> {
    let mut sources = Vec::new();
    let mut fields: BTreeMap<FieldUse, Vec<String>> = BTreeMap::new();
    for (source, pact) in current_pacts(conn, provider).await? {
        for field in field_uses(&pact) {
            let wanted = search.is_none_or(|q| {
                let q = q.to_lowercase();
                field.path.to_lowercase().contains(&q) || field.endpoint.to_lowercase().contains(&q)
            });
            if wanted {
                fields.entry(field).or_default().push(source.consumer.clone());
            }
        }
        sources.push(source);
    }
    Ok(Usage { sources, fields })
}

/// `GET /pacts/provider/{p}/provider-states`: every provider state the current pacts of the
/// provider's consumers use, without repeats, with the consumers that use it and the parameters
/// they pass.
pub(crate) async fn provider_states(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let mut states: BTreeMap<String, (Vec<String>, Vec<Value>)> = BTreeMap::new();
    for (source, pact) in current_pacts(&mut conn, &provider).await? {
        for interaction in &pact.interactions {
            for ps in &interaction.info().provider_states {
                let (consumers, params) = states.entry(ps.name.clone()).or_default();
                if !consumers.contains(&source.consumer) {
                    consumers.push(source.consumer.clone());
                }
                let value = Value::Object(ps.params.clone());
                if !ps.params.is_empty() && !params.contains(&value) {
                    params.push(value);
                }
            }
        }
    }
    let list: Vec<Value> = states
        .into_iter()
        .map(|(name, (consumers, params))| json!({"name": name, "consumers": consumers, "params": params}))
        .collect();
    Ok(Hal::ok(json!({
        "providerStates": list,
        "_links": {"self": base.link(&format!("/pacts/provider/{}/provider-states", enc(&provider)))}
    })))
}

/// `GET /pacts/provider/{p}/field-usage[?q=text]`.
pub(crate) async fn field_usage(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let found = usage(&mut conn, &provider, search_of(&query)).await?;
    let consumers: Vec<Value> = found
        .sources
        .iter()
        .map(|s| {
            json!({"name": s.consumer, "version": s.version, "_links": {"pb:pact": base.link(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}", enc(&provider), enc(&s.consumer), s.sha))}})
        })
        .collect();
    let fields: Vec<Value> = found
        .fields
        .iter()
        .map(|(f, users)| json!({"endpoint": f.endpoint, "part": f.part.to_string(), "path": f.path, "consumers": users}))
        .collect();
    Ok(Hal::ok(json!({
        "provider": provider,
        "consumers": consumers,
        "fields": fields,
        "_links": {"self": base.link(&format!("/pacts/provider/{}/field-usage", enc(&provider)))}
    })))
}

/// `GET /ui/pacticipants/{p}/fields[?q=text]`: the same as a page.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let mut conn = state.db.pool.acquire().await?;
    let search = search_of(&query);
    let found = usage(&mut conn, &provider, search).await?;
    let body = maud::html! {
        form method="get" {
            input type="search" name="q" value=(search.unwrap_or_default()) placeholder="Field or endpoint";
            " " button type="submit" { "Search" }
        }
        p {
            "From the latest pact of each consumer (from its main branch when it has one): "
            @if found.sources.is_empty() { "no pacts yet" }
            @for (i, source) in found.sources.iter().enumerate() {
                @if i > 0 { ", " }
                (source.consumer) " " (source.version)
            }
            "."
        }
        table {
            tr { th { "Endpoint or message" } th { "Part" } th { "Field" } th { "Used by" } }
            @for (field, users) in &found.fields {
                tr {
                    td { code { (field.endpoint) } }
                    td { (field.part.to_string()) }
                    td { code { (field.path) } }
                    td { (users.join(", ")) }
                }
            }
        }
    };
    Ok(layout(
        &base,
        &format!("Who uses which field of {provider}"),
        body,
    ))
}
