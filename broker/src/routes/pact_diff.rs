//! Pact diffs as JSON: the reference broker's `pb:diff-previous-distinct` relation
//! (`/pacts/provider/{p}/consumer/{c}/version/{v}/diff/previous-distinct`) and `pb:diff`
//! (`/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/diff/pact-version/{base}`), answered by
//! meaning: interactions added, removed and changed, and for a changed one what changed.

use std::sync::Arc;

use accord_broker_client::wire::{self, DiffSide, Links};
use axum::extract::{Path, State};

use crate::AppState;
use crate::domain::pact_diff::{Between, Compared, PactVersion};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

/// The page showing a diff, relative to the broker's root.
pub(crate) fn page_path(provider: &str, consumer: &str, between: &Between) -> String {
    let pair = format!("/pacts/provider/{}/consumer/{}", enc(provider), enc(consumer));
    match between {
        Between::PreviousDistinct { version } => {
            format!("/ui{pair}/version/{}/diff/previous-distinct", enc(version))
        }
        Between::Contents { sha, base } => format!(
            "/ui{pair}/pact-version/{}/diff/pact-version/{}",
            enc(sha),
            enc(base)
        ),
    }
}

fn side(base: &Base, provider: &str, consumer: &str, row: &PactVersion) -> DiffSide {
    DiffSide {
        consumer_version: row.consumer_version.clone(),
        pact_version: row.sha.clone(),
        created_at: row.created_at.clone(),
        links: base.this(&format!(
            "/pacts/provider/{}/consumer/{}/pact-version/{}",
            enc(provider),
            enc(consumer),
            row.sha
        )),
    }
}

fn render(
    base: &Base,
    provider: &str,
    consumer: &str,
    between: &Between,
    compared: &Compared,
) -> wire::PactDiff {
    let diff = &compared.diff;
    wire::PactDiff {
        added: diff.added.clone(),
        removed: diff.removed.clone(),
        changed: diff
            .changed
            .iter()
            .map(|c| wire::ChangedInteraction {
                description: c.description.clone(),
                changes: c
                    .changes
                    .iter()
                    .map(|ch| wire::Change {
                        part: ch.part.as_str().to_owned(),
                        place: ch.place.clone(),
                        before: ch.before.clone(),
                        after: ch.after.clone(),
                    })
                    .collect(),
            })
            .collect(),
        unchanged: diff.unchanged,
        before: side(base, provider, consumer, &compared.before),
        after: side(base, provider, consumer, &compared.after),
        links: Links::new().with("pb:ui", base.link(&page_path(provider, consumer, between))),
    }
}

async fn answer(
    state: &AppState,
    base: &Base,
    provider: &str,
    consumer: &str,
    between: Between,
) -> ApiResult<Hal<wire::PactDiff>> {
    let compared = crate::domain::pages::diff(&state.db, provider, consumer, &between)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(match &between {
                Between::PreviousDistinct { version } => format!(
                    "no pact of {consumer} version {version} with {provider} that has a distinct earlier version"
                ),
                Between::Contents { sha, base } => {
                    format!("pact versions {sha} and {base} between {consumer} and {provider}")
                }
            })
        })?;
    Ok(Hal::ok(render(base, provider, consumer, &between, &compared)))
}

/// `GET /pacts/provider/{p}/consumer/{c}/version/{v}/diff/previous-distinct`.
pub(crate) async fn previous_distinct(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, version)): Path<(String, String, String)>,
) -> ApiResult<Hal<wire::PactDiff>> {
    answer(
        &state,
        &base,
        &provider,
        &consumer,
        Between::PreviousDistinct { version },
    )
    .await
}

/// `GET /pacts/provider/{p}/consumer/{c}/pact-version/{sha}/diff/pact-version/{base}`.
pub(crate) async fn between_contents(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, other)): Path<(String, String, String, String)>,
) -> ApiResult<Hal<wire::PactDiff>> {
    answer(
        &state,
        &base,
        &provider,
        &consumer,
        Between::Contents { sha, base: other },
    )
    .await
}
