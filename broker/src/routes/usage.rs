//! What a provider's consumers rely on (`domain::usage`), as JSON and as a page: which consumer
//! uses which field (the answer a provider team needs before removing or renaming one), and
//! which provider states they need.

use std::collections::HashMap;
use std::sync::Arc;

use accord_broker_client::wire::{
    FieldUsage, FieldUse, Links, ProviderStateUse, ProviderStates, UsageSource,
};
use axum::extract::{Path, Query, State};
use axum::response::Html;

use super::ui::{layout, search_of};
use crate::AppState;
use crate::domain::usage;
use crate::error::ApiResult;
use crate::hal::{Base, Hal, enc};

/// `GET /pacts/provider/{p}/provider-states`: every provider state the current pacts of the
/// provider's consumers use, without repeats, with the consumers that use it and the parameters
/// they pass.
pub(crate) async fn provider_states(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
) -> ApiResult<Hal<ProviderStates>> {
    let provider_states = usage::provider_states(&state.db, &provider)
        .await?
        .into_iter()
        .map(|s| ProviderStateUse {
            name: s.name,
            consumers: s.consumers,
            params: s.params,
        })
        .collect();
    Ok(Hal::ok(ProviderStates {
        provider_states,
        links: base.this(&format!("/pacts/provider/{}/provider-states", enc(&provider))),
    }))
}

/// `GET /pacts/provider/{p}/field-usage[?q=text]`.
pub(crate) async fn field_usage(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal<FieldUsage>> {
    let found = usage::field_usage(&state.db, &provider, search_of(&query)).await?;
    let consumers = found
        .sources
        .iter()
        .map(|s| UsageSource {
            name: s.consumer.clone(),
            version: s.version.clone(),
            links: Links::new().with(
                "pb:pact",
                base.link(&format!(
                    "/pacts/provider/{}/consumer/{}/pact-version/{}",
                    enc(&provider),
                    enc(&s.consumer),
                    s.sha
                )),
            ),
        })
        .collect();
    let fields = found
        .fields
        .iter()
        .map(|(f, users)| FieldUse {
            endpoint: f.endpoint.clone(),
            part: f.part.to_string(),
            path: f.path.clone(),
            consumers: users.clone(),
        })
        .collect();
    Ok(Hal::ok(FieldUsage {
        links: base.this(&format!("/pacts/provider/{}/field-usage", enc(&provider))),
        provider,
        consumers,
        fields,
    }))
}

/// `GET /ui/pacticipants/{p}/fields[?q=text]`: the same as a page.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let search = search_of(&query);
    let found = usage::field_usage(&state.db, &provider, search).await?;
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
