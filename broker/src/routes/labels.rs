//! Labels: tag applications with team or domain names, list them, find applications by label.
//! The handlers parse and render; `domain::labels` decides and stores.

use std::sync::Arc;

use accord_broker_client::wire::{EmbeddedLabels, LabelList, NamedItem, PacticipantList};
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::pacticipants::{label_json, pacticipant_list};
use crate::AppState;
use crate::domain::labels;
use crate::error::ApiResult;
use crate::hal::{Base, Hal, enc};

/// `GET /pacticipants/{p}/labels/{label}`.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal<NamedItem>> {
    let p = labels::labelled(&state.db, &name, &label).await?;
    Ok(Hal::ok(label_json(&base, &p.name, &label)))
}

/// `PUT /pacticipants/{p}/labels/{label}`: 201 when added, 200 when already there.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal<NamedItem>> {
    let (p, created) = labels::add(&state.db, &name, &label).await?;
    Ok(Hal::created_if(created, label_json(&base, &p.name, &label)))
}

/// `DELETE /pacticipants/{p}/labels/{label}`.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    labels::remove(&state.db, &name, &label).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /labels`: every label in use.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal<LabelList>> {
    let names = labels::all(&state.db).await?;
    let labels = names
        .into_iter()
        .map(|l| {
            let link = base.link(&format!("/pacticipants/label/{}", enc(&l)));
            NamedItem {
                name: l,
                links: accord_broker_client::wire::Links::new().with("pb:pacticipants", link),
            }
        })
        .collect();
    Ok(Hal::ok(LabelList {
        embedded: EmbeddedLabels { labels },
        links: base.this("/labels"),
    }))
}

/// `GET /pacticipants/label/{label}`: the applications carrying a label.
pub(crate) async fn pacticipants(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(label): Path<String>,
) -> ApiResult<Hal<PacticipantList>> {
    let found = labels::carrying(&state.db, &label).await?;
    let list = pacticipant_list(&base, &found, &Default::default());
    Ok(Hal::ok(PacticipantList {
        links: base.this(&format!("/pacticipants/label/{}", enc(&label))),
        ..list
    }))
}
