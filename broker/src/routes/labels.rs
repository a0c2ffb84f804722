//! Labels: tag applications with team or domain names, list them, find applications by label.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::pacticipants::{label_json, pacticipant_json, require_pacticipant};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::{labels, pacticipants};

/// `GET /pacticipants/{p}/labels/{label}`.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    if !labels::of(&mut conn, p.id).await?.contains(&label) {
        return Err(ApiError::NotFound(format!("label '{label}' of '{name}'")));
    }
    Ok(Hal::ok(label_json(&base, &p.name, &label)))
}

/// `PUT /pacticipants/{p}/labels/{label}`: 201 when added, 200 when already there.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, label)): Path<(String, String)>,
) -> ApiResult<Hal> {
    if label.trim().is_empty() {
        return Err(ApiError::bad("a label needs a name"));
    }
    crate::domain::names::check("the label", &label)?;
    let mut w = state.db.write().await?;
    let p = require_pacticipant(&mut w.tx, &name).await?;
    let created = labels::add(&mut w.tx, p.id, &label).await?;
    w.tx.commit().await?;
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
    let mut w = state.db.write().await?;
    let p = require_pacticipant(&mut w.tx, &name).await?;
    if !labels::remove(&mut w.tx, p.id, &label).await? {
        return Err(ApiError::NotFound(format!("label '{label}' of '{name}'")));
    }
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /labels`: every label in use.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let names = labels::all(&mut conn).await?;
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
    let mut conn = state.db.pool.acquire().await?;
    let found = pacticipants::with_label(&mut conn, &label).await?;
    let items: Vec<Value> = found.iter().map(|p| pacticipant_json(&base, p)).collect();
    Ok(Hal::ok(json!({
        "_embedded": {"pacticipants": items.clone()},
        "pacticipants": items,
        "_links": {"self": base.link(&format!("/pacticipants/label/{}", enc(&label)))}
    })))
}
