//! Labels: tag applications with team or domain names, list them, find applications by label.
//! The handlers parse and render; `domain::labels` decides and stores.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::pacticipants::{label_json, pacticipant_json};
use crate::AppState;
use crate::domain::labels;
use crate::error::ApiResult;
use crate::hal::{Base, Hal, enc};

/// `GET /pacticipants/{p}/labels/{label}`.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let p = labels::labelled(&state.db, &name, &label).await?;
    Ok(Hal::ok(label_json(&base, &p.name, &label)))
}

/// `PUT /pacticipants/{p}/labels/{label}`: 201 when added, 200 when already there.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let (p, created) = labels::add(&state.db, &name, &label).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Hal(status, label_json(&base, &p.name, &label)))
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
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal> {
    let names = labels::all(&state.db).await?;
    let items: Vec<Value> = names
        .iter()
        .map(|l| {
            json!({"name": l, "_links": {"pb:pacticipants": base.link(&format!("/pacticipants/label/{}", enc(l)))}})
        })
        .collect();
    Ok(Hal::ok(json!({
        "_embedded": {"labels": items},
        "_links": {"self": base.link("/labels")}
    })))
}

/// `GET /pacticipants/label/{label}`: the applications carrying a label.
pub(crate) async fn pacticipants(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(label): Path<String>,
) -> ApiResult<Hal> {
    let found = labels::carrying(&state.db, &label).await?;
    let items: Vec<Value> = found.iter().map(|p| pacticipant_json(&base, p)).collect();
    Ok(Hal::ok(json!({
        "_embedded": {"pacticipants": items.clone()},
        "pacticipants": items,
        "_links": {"self": base.link(&format!("/pacticipants/label/{}", enc(&label)))}
    })))
}
