//! The pact diff page: what changed between two versions of a pact, by meaning.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use serde_json::Value;

use super::page::{href, layout};
use crate::AppState;
use crate::domain::pact_diff::{Between, Compared};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, enc};

/// `GET /ui/pacts/provider/{p}/consumer/{c}/version/{v}/diff/previous-distinct`.
pub(crate) async fn previous_distinct(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, version)): Path<(String, String, String)>,
) -> ApiResult<Html<String>> {
    page(
        &state,
        &base,
        &provider,
        &consumer,
        Between::PreviousDistinct { version },
    )
    .await
}

/// `GET /ui/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/diff/pact-version/{base}`.
pub(crate) async fn between_contents(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, other)): Path<(String, String, String, String)>,
) -> ApiResult<Html<String>> {
    page(
        &state,
        &base,
        &provider,
        &consumer,
        Between::Contents { sha, base: other },
    )
    .await
}

fn value(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => format!("\"{s}\""),
        Some(other) => other.to_string(),
    }
}

async fn page(
    state: &AppState,
    base: &Base,
    provider: &str,
    consumer: &str,
    between: Between,
) -> ApiResult<Html<String>> {
    let compared = crate::domain::pages::diff(&state.db, provider, consumer, &between)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "two distinct pacts between {consumer} and {provider} to compare"
            ))
        })?;
    let title = format!(
        "Pact between {consumer} and {provider}: {} compared with {}",
        compared.after.consumer_version, compared.before.consumer_version
    );
    Ok(layout(base, &title, body(provider, consumer, &compared)))
}

fn body(provider: &str, consumer: &str, compared: &Compared) -> Markup {
    let diff = &compared.diff;
    let pact = |sha: &str| {
        format!(
            "pacts/provider/{}/consumer/{}/pact-version/{}",
            enc(provider),
            enc(consumer),
            enc(sha)
        )
    };
    html! {
        p {
            "From version " a href=(pact(&compared.before.sha)) { (compared.before.consumer_version) }
            " (published " (compared.before.created_at) ") to version "
            a href=(pact(&compared.after.sha)) { (compared.after.consumer_version) }
            " (published " (compared.after.created_at) "): "
            (diff.added.len()) " added, " (diff.removed.len()) " removed, "
            (diff.changed.len()) " changed, " (diff.unchanged) " unchanged."
        }
        p { a href=(href(&format!("/ui/pacts/provider/{}/consumer/{}", enc(provider), enc(consumer)))) { "The pact as documentation" } }
        @if !diff.added.is_empty() {
            h2 { "Added interactions" }
            ul id="added" { @for d in &diff.added { li class="added" { (d) } } }
        }
        @if !diff.removed.is_empty() {
            h2 { "Removed interactions" }
            ul id="removed" { @for d in &diff.removed { li class="removed" { (d) } } }
        }
        @if !diff.changed.is_empty() {
            h2 { "Changed interactions" }
            @for changed in &diff.changed {
                h3 { (changed.description) }
                table class="changes" {
                    tr { th { "What" } th { "Where" } th { "Before" } th { "After" } }
                    @for change in &changed.changes {
                        tr class=(if change.before.is_none() { "added" } else if change.after.is_none() { "removed" } else { "changed" }) {
                            td { (change.part.as_str()) }
                            td { code { (change.place) } }
                            td { code { (value(change.before.as_ref())) } }
                            td { code { (value(change.after.as_ref())) } }
                        }
                    }
                }
            }
        }
        @if diff.added.is_empty() && diff.removed.is_empty() && diff.changed.is_empty() {
            p { "The interactions are the same; only the pact's metadata or order differs." }
        }
    }
}
