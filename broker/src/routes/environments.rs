//! Environments, and deployments and releases of versions to them.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use serde::Deserialize;

use super::body::typed;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::environments::{self, Environment, Placement};
use crate::store::{Conn, pacticipants, versions};

fn environment_json(base: &Base, e: &Environment) -> Value {
    let path = format!("/environments/{}", e.uuid);
    json!({
        "uuid": e.uuid,
        "name": e.name,
        "displayName": e.display_name,
        "production": e.production,
        "contacts": e.contacts,
        "createdAt": e.created_at,
        "updatedAt": e.updated_at,
        "_links": {
            "self": base.named(&path, "Environment", &e.name),
            "pb:currently-deployed-deployed-versions": base.link(&format!("{path}/deployed-versions/currently-deployed")),
            "pb:currently-supported-released-versions": base.link(&format!("{path}/released-versions/currently-supported")),
            "pb:currently-deployed-versions": base.link(&format!("{path}/deployed-versions/currently-deployed")),
            "pb:currently-supported-versions": base.link(&format!("{path}/released-versions/currently-supported")),
            "pb:environments": base.link("/environments"),
        }
    })
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(char::is_whitespace)
}

pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let all = environments::list(&mut conn).await?;
    let items: Vec<Value> = all.iter().map(|e| environment_json(&base, e)).collect();
    let links: Vec<Value> = all
        .iter()
        .map(|e| base.named(&format!("/environments/{}", e.uuid), "Environment", &e.name))
        .collect();
    Ok(Hal::ok(json!({
        "_embedded": {"environments": items},
        "_links": {"self": base.link("/environments"), "pb:environments": links}
    })))
}

/// The body of `POST /environments` and `PUT /environments/{uuid}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentBody {
    /// A UUID to create the environment under (new environments only).
    uuid: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    production: Option<bool>,
    contacts: Option<Vec<Contact>>,
}

/// A person or team to ask about an environment.
#[derive(Debug, Deserialize, serde::Serialize)]
struct Contact {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<serde_json::Map<String, Value>>,
}

/// A checked environment body: name, display name, production flag and contacts.
struct EnvironmentFields {
    name: String,
    display: String,
    production: bool,
    contacts: Value,
}

fn checked(body: &EnvironmentBody) -> ApiResult<EnvironmentFields> {
    let name = body.name.clone().unwrap_or_default();
    if !valid_name(&name) {
        return Err(ApiError::bad("name must be a single word without spaces"));
    }
    let name = crate::domain::names::accept("name", &name)?;
    let production = body
        .production
        .ok_or_else(|| ApiError::bad("production must be true or false"))?;
    let display = body
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| pacticipants::display_name(&name));
    let contacts = serde_json::to_value(body.contacts.as_deref().unwrap_or_default())
        .map_err(|e| ApiError::bad(format!("contacts: {e}")))?;
    Ok(EnvironmentFields {
        name,
        display,
        production,
        contacts,
    })
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, base: Base, body: String) -> ApiResult<Hal> {
    let body: EnvironmentBody = typed(&body)?;
    let f = checked(&body)?;
    let uuid = match &body.uuid {
        Some(given) => uuid::Uuid::parse_str(given)
            .map_err(|e| ApiError::bad(format!("uuid: '{given}' is not a UUID: {e}")))?
            .to_string(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let mut w = state.db.write().await?;
    if environments::by_name(&mut w.tx, &f.name).await?.is_some() {
        return Err(ApiError::bad(format!(
            "name '{}' is already used by an existing environment",
            f.name
        )));
    }
    if environments::by_uuid(&mut w.tx, &uuid).await?.is_some() {
        return Err(ApiError::bad(format!(
            "uuid '{uuid}' is already used by an existing environment"
        )));
    }
    environments::create(&mut w.tx, &uuid, &f.name, &f.display, f.production, &f.contacts).await?;
    let e = environments::by_uuid(&mut w.tx, &uuid).await?.ok_or_else(|| {
        ApiError::inconsistent("the environment just created (environments::by_uuid) is missing")
    })?;
    w.tx.commit().await?;
    Ok(Hal(StatusCode::CREATED, environment_json(&base, &e)))
}

async fn require_environment(conn: &mut Conn, uuid: &str) -> ApiResult<Environment> {
    environments::by_uuid(conn, uuid)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("environment '{uuid}'")))
}

pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let e = require_environment(&mut conn, &uuid).await?;
    Ok(Hal::ok(environment_json(&base, &e)))
}

pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body: EnvironmentBody = typed(&body)?;
    let f = checked(&body)?;
    let mut w = state.db.write().await?;
    let e = require_environment(&mut w.tx, &uuid).await?;
    environments::update(&mut w.tx, e.id, &f.name, &f.display, f.production, &f.contacts).await?;
    let e = require_environment(&mut w.tx, &uuid).await?;
    w.tx.commit().await?;
    Ok(Hal::ok(environment_json(&base, &e)))
}

pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let e = require_environment(&mut w.tx, &uuid).await?;
    environments::delete(&mut w.tx, e.id).await?;
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn placement_json(conn: &mut Conn, base: &Base, p: &Placement, deployed: bool) -> ApiResult<Value> {
    let pacticipant = pacticipants::find_by_id(conn, p.pacticipant_id)
        .await?
        .ok_or_else(|| ApiError::inconsistent("the pacticipant (pacticipants::find_by_id) is missing"))?;
    let version = versions::by_id(conn, p.version_id).await?.ok_or_else(|| {
        ApiError::inconsistent("the row just written or referred to (versions::by_id) is missing")
    })?;
    let environment = environments::list(conn)
        .await?
        .into_iter()
        .find(|e| e.id == p.environment_id)
        .ok_or_else(|| ApiError::inconsistent("a row (a row) is missing"))?;
    let version_path = format!(
        "/pacticipants/{}/versions/{}",
        enc(&pacticipant.name),
        enc(&version.number)
    );
    let mut body = json!({
        "uuid": p.uuid,
        "createdAt": p.created_at,
        "_embedded": {
            "pacticipant": {"name": pacticipant.name, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&pacticipant.name)))}},
            "version": {"number": version.number, "_links": {"self": base.link(&version_path)}},
            "environment": environment_json(base, &environment),
        },
    });
    if deployed {
        body["currentlyDeployed"] = json!(p.ended_at.is_none());
        body["applicationInstance"] = json!(p.target);
        body["target"] = json!(p.target);
        body["undeployedAt"] = json!(p.ended_at);
        body["_links"] = json!({"self": base.link(&format!("/deployed-versions/{}", p.uuid))});
    } else {
        body["currentlySupported"] = json!(p.ended_at.is_none());
        body["supportEndedAt"] = json!(p.ended_at);
        body["_links"] = json!({"self": base.link(&format!("/released-versions/{}", p.uuid))});
    }
    Ok(body)
}

/// The body of recording a deployment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentBody {
    application_instance: Option<String>,
    target: Option<String>,
}

/// The body of `PATCH` on a deployed or released version.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlacementBody {
    currently_deployed: Option<bool>,
    currently_supported: Option<bool>,
}

pub(crate) async fn record_deployment(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, uuid)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Hal> {
    let body: DeploymentBody = typed(&body)?;
    let target = body.application_instance.or(body.target).unwrap_or_default();
    let mut w = state.db.write().await?;
    let e = require_environment(&mut w.tx, &uuid).await?;
    let (pid, _) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, &number, None).await?;
    let id = environments::record_deployment(&mut w.tx, vid, pid, e.id, &target).await?;
    let placement = environments::deployed_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| {
            ApiError::inconsistent("the deployment record (environments::deployed_by_uuid) is missing")
        })?;
    let body = placement_json(&mut w.tx, &base, &placement, true).await?;
    w.tx.commit().await?;
    Ok(Hal(StatusCode::CREATED, body))
}

pub(crate) async fn record_release(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, uuid)): Path<(String, String, String)>,
    body: String,
) -> ApiResult<Hal> {
    // Nothing in the body is used (the official client sends `{}`), but it must be JSON.
    let _: serde::de::IgnoredAny = typed(&body)?;
    let mut w = state.db.write().await?;
    let e = require_environment(&mut w.tx, &uuid).await?;
    let (pid, _) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, &number, None).await?;
    let (id, created) = environments::record_release(&mut w.tx, vid, pid, e.id).await?;
    let placement = environments::released_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| {
            ApiError::inconsistent("the release record (environments::released_by_uuid) is missing")
        })?;
    let body = placement_json(&mut w.tx, &base, &placement, false).await?;
    w.tx.commit().await?;
    Ok(Hal(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        body,
    ))
}

async fn filtered(
    conn: &mut Conn,
    base: &Base,
    uuid: &str,
    query: &HashMap<String, String>,
    deployed: bool,
) -> ApiResult<Vec<Value>> {
    let e = require_environment(conn, uuid).await?;
    let pacticipant_id = match query.get("pacticipant") {
        Some(name) => match pacticipants::find(conn, name).await? {
            Some(p) => Some(p.id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let list = if deployed {
        environments::currently_deployed(conn, e.id, pacticipant_id).await?
    } else {
        environments::currently_supported(conn, e.id, pacticipant_id).await?
    };
    let instance = query.get("applicationInstance").or_else(|| query.get("target"));
    let mut out = Vec::new();
    for p in &list {
        if let Some(instance) = instance {
            let matches = if instance.is_empty() {
                p.target.is_none()
            } else {
                p.target.as_deref() == Some(instance.as_str())
            };
            if !matches {
                continue;
            }
        }
        if let Some(number) = query.get("version") {
            let v = versions::by_id(conn, p.version_id).await?;
            if v.is_none_or(|v| &v.number != number) {
                continue;
            }
        }
        out.push(placement_json(conn, base, p, deployed).await?);
    }
    Ok(out)
}

pub(crate) async fn currently_deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let list = filtered(&mut conn, &base, &uuid, &query, true).await?;
    Ok(Hal::ok(
        json!({"_embedded": {"deployedVersions": list}, "_links": {"self": base.link(&format!("/environments/{uuid}/deployed-versions/currently-deployed"))}}),
    ))
}

pub(crate) async fn currently_supported(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let list = filtered(&mut conn, &base, &uuid, &query, false).await?;
    Ok(Hal::ok(
        json!({"_embedded": {"releasedVersions": list}, "_links": {"self": base.link(&format!("/environments/{uuid}/released-versions/currently-supported"))}}),
    ))
}

pub(crate) async fn deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = environments::deployed_by_uuid(&mut conn, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("deployed version '{id}'")))?;
    Ok(Hal::ok(placement_json(&mut conn, &base, &p, true).await?))
}

pub(crate) async fn patch_deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body: PlacementBody = typed(&body)?;
    let mut w = state.db.write().await?;
    let p = environments::deployed_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("deployed version '{id}'")))?;
    match body.currently_deployed {
        Some(false) => environments::undeploy(&mut w.tx, &id).await?,
        Some(true) if p.ended_at.is_some() => {
            return Err(ApiError::bad("currentlyDeployed cannot be set back to true"));
        }
        _ => {}
    }
    let p = environments::deployed_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| {
            ApiError::inconsistent("the deployment record (environments::deployed_by_uuid) is missing")
        })?;
    let body = placement_json(&mut w.tx, &base, &p, true).await?;
    w.tx.commit().await?;
    Ok(Hal::ok(body))
}

pub(crate) async fn released(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = environments::released_by_uuid(&mut conn, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("released version '{id}'")))?;
    Ok(Hal::ok(placement_json(&mut conn, &base, &p, false).await?))
}

pub(crate) async fn patch_released(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body: PlacementBody = typed(&body)?;
    let mut w = state.db.write().await?;
    environments::released_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("released version '{id}'")))?;
    if body.currently_supported == Some(false) {
        environments::end_support(&mut w.tx, &id).await?;
    }
    let p = environments::released_by_uuid(&mut w.tx, &id)
        .await?
        .ok_or_else(|| {
            ApiError::inconsistent("the release record (environments::released_by_uuid) is missing")
        })?;
    let body = placement_json(&mut w.tx, &base, &p, false).await?;
    w.tx.commit().await?;
    Ok(Hal::ok(body))
}
