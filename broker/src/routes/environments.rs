//! Environments, and deployments and releases of versions to them: the handlers parse, call
//! `domain::environments` and render the wire model.

use std::collections::HashMap;
use std::sync::Arc;

use accord_broker_client::wire::{
    self, Contact, CurrentlyDeployed, CurrentlySupported, DeployedVersion, EmbeddedDeployed,
    EmbeddedEnvironments, EmbeddedReleased, EnvironmentList, Links, NamedItem, PlacementEmbedded,
    ReleasedVersion, VersionNumber,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::body::Typed;
use crate::AppState;
use crate::domain::environments::{self, Environment, Fields, Filter, Kind, Placed};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

/// An environment in the wire model.
pub(crate) fn environment_wire(base: &Base, e: &Environment) -> wire::Environment {
    let path = format!("/environments/{}", e.uuid);
    let deployed = base.link(&format!("{path}/deployed-versions/currently-deployed"));
    let supported = base.link(&format!("{path}/released-versions/currently-supported"));
    wire::Environment {
        uuid: e.uuid.clone(),
        name: e.name.clone(),
        display_name: e.display_name.clone(),
        production: e.production,
        contacts: serde_json::from_value(e.contacts.clone()).unwrap_or_default(),
        created_at: e.created_at.clone(),
        updated_at: e.updated_at.clone(),
        links: Links::new()
            .with("self", base.named(&path, "Environment", &e.name))
            .with("pb:currently-deployed-deployed-versions", deployed.clone())
            .with("pb:currently-supported-released-versions", supported.clone())
            .with("pb:currently-deployed-versions", deployed)
            .with("pb:currently-supported-versions", supported)
            .with("pb:environments", base.link("/environments")),
    }
}

/// `GET /environments`.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Hal<EnvironmentList>> {
    let all = environments::all(&state.db).await?;
    let named = all
        .iter()
        .map(|e| base.named(&format!("/environments/{}", e.uuid), "Environment", &e.name))
        .collect();
    Ok(Hal::ok(EnvironmentList {
        embedded: EmbeddedEnvironments {
            environments: all.iter().map(|e| environment_wire(&base, e)).collect(),
        },
        links: base.this("/environments").with_all("pb:environments", named),
    }))
}

/// The body of `POST /environments` and `PUT /environments/{uuid}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EnvironmentBody {
    /// A UUID to create the environment under (new environments only).
    uuid: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    production: Option<bool>,
    contacts: Option<Vec<Contact>>,
}

impl EnvironmentBody {
    fn fields(&self) -> ApiResult<Fields> {
        Ok(Fields {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            production: self.production,
            contacts: serde_json::to_value(self.contacts.as_deref().unwrap_or_default())
                .map_err(|e| ApiError::bad(format!("contacts: {e}")))?,
        })
    }
}

/// `POST /environments`.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    base: Base,
    Typed(body): Typed<EnvironmentBody>,
) -> ApiResult<Hal<wire::Environment>> {
    let e = environments::create(&state.db, body.uuid.as_deref(), &body.fields()?).await?;
    Ok(Hal(StatusCode::CREATED, environment_wire(&base, &e)))
}

/// `GET /environments/{uuid}`.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
) -> ApiResult<Hal<wire::Environment>> {
    let e = environments::show(&state.db, &uuid).await?;
    Ok(Hal::ok(environment_wire(&base, &e)))
}

/// `PUT /environments/{uuid}`.
pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Typed(body): Typed<EnvironmentBody>,
) -> ApiResult<Hal<wire::Environment>> {
    let e = environments::update(&state.db, &uuid, &body.fields()?).await?;
    Ok(Hal::ok(environment_wire(&base, &e)))
}

/// `DELETE /environments/{uuid}`.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(uuid): Path<String>,
) -> ApiResult<StatusCode> {
    environments::delete(&state.db, &uuid).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn placement_embedded(base: &Base, p: &Placed) -> PlacementEmbedded {
    let owner = format!("/pacticipants/{}", enc(&p.pacticipant));
    PlacementEmbedded {
        pacticipant: NamedItem {
            name: p.pacticipant.clone(),
            links: base.this(&owner),
        },
        version: VersionNumber {
            number: p.version.clone(),
            links: base.this(&format!("{owner}/versions/{}", enc(&p.version))),
        },
        environment: environment_wire(base, &p.environment),
    }
}

fn deployed_wire(base: &Base, p: &Placed) -> DeployedVersion {
    let r = &p.placement;
    DeployedVersion {
        uuid: r.uuid.clone(),
        created_at: r.created_at.clone(),
        embedded: placement_embedded(base, p),
        currently_deployed: r.ended_at.is_none(),
        application_instance: r.target.clone(),
        target: r.target.clone(),
        undeployed_at: r.ended_at.clone(),
        links: base.this(&format!("/deployed-versions/{}", r.uuid)),
    }
}

fn released_wire(base: &Base, p: &Placed) -> ReleasedVersion {
    let r = &p.placement;
    ReleasedVersion {
        uuid: r.uuid.clone(),
        created_at: r.created_at.clone(),
        embedded: placement_embedded(base, p),
        currently_supported: r.ended_at.is_none(),
        support_ended_at: r.ended_at.clone(),
        links: base.this(&format!("/released-versions/{}", r.uuid)),
    }
}

/// The body of recording a deployment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeploymentBody {
    application_instance: Option<String>,
    target: Option<String>,
}

/// The body of `PATCH` on a deployed or released version.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlacementBody {
    currently_deployed: Option<bool>,
    currently_supported: Option<bool>,
}

/// `POST /pacticipants/{p}/versions/{v}/deployed-versions/environment/{uuid}`.
pub(crate) async fn record_deployment(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, uuid)): Path<(String, String, String)>,
    Typed(body): Typed<DeploymentBody>,
) -> ApiResult<Hal<DeployedVersion>> {
    let instance = body.application_instance.or(body.target).unwrap_or_default();
    let policy = state.config.policy();
    let (placed, _) = environments::record(
        &state.db,
        policy,
        Kind::Deployed,
        (&name, &number),
        &uuid,
        &instance,
    )
    .await?;
    Ok(Hal(StatusCode::CREATED, deployed_wire(&base, &placed)))
}

/// `POST /pacticipants/{p}/versions/{v}/released-versions/environment/{uuid}`: 201 when new.
pub(crate) async fn record_release(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, uuid)): Path<(String, String, String)>,
    // Nothing in the body is used (the official client sends `{}`), but it must be JSON.
    Typed(_): Typed<serde::de::IgnoredAny>,
) -> ApiResult<Hal<ReleasedVersion>> {
    let policy = state.config.policy();
    let (placed, created) =
        environments::record(&state.db, policy, Kind::Released, (&name, &number), &uuid, "").await?;
    Ok(Hal::created_if(created, released_wire(&base, &placed)))
}

fn filter(query: &HashMap<String, String>) -> Filter {
    Filter {
        pacticipant: query.get("pacticipant").cloned(),
        instance: query
            .get("applicationInstance")
            .or_else(|| query.get("target"))
            .cloned(),
        version: query.get("version").cloned(),
    }
}

/// `GET /environments/{uuid}/deployed-versions/currently-deployed`.
pub(crate) async fn currently_deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal<CurrentlyDeployed>> {
    let list = environments::current(&state.db, Kind::Deployed, &uuid, &filter(&query)).await?;
    Ok(Hal::ok(CurrentlyDeployed {
        embedded: EmbeddedDeployed {
            deployed_versions: list.iter().map(|p| deployed_wire(&base, p)).collect(),
        },
        links: base.this(&format!(
            "/environments/{uuid}/deployed-versions/currently-deployed"
        )),
    }))
}

/// `GET /environments/{uuid}/released-versions/currently-supported`.
pub(crate) async fn currently_supported(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(uuid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal<CurrentlySupported>> {
    let list = environments::current(&state.db, Kind::Released, &uuid, &filter(&query)).await?;
    Ok(Hal::ok(CurrentlySupported {
        embedded: EmbeddedReleased {
            released_versions: list.iter().map(|p| released_wire(&base, p)).collect(),
        },
        links: base.this(&format!(
            "/environments/{uuid}/released-versions/currently-supported"
        )),
    }))
}

/// `GET /deployed-versions/{id}`.
pub(crate) async fn deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
) -> ApiResult<Hal<DeployedVersion>> {
    let placed = environments::placement(&state.db, Kind::Deployed, &id).await?;
    Ok(Hal::ok(deployed_wire(&base, &placed)))
}

/// `PATCH /deployed-versions/{id}`: `{"currentlyDeployed": false}` records the undeployment.
pub(crate) async fn patch_deployed(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
    Typed(body): Typed<PlacementBody>,
) -> ApiResult<Hal<DeployedVersion>> {
    let placed = environments::set_current(&state.db, Kind::Deployed, &id, body.currently_deployed).await?;
    Ok(Hal::ok(deployed_wire(&base, &placed)))
}

/// `GET /released-versions/{id}`.
pub(crate) async fn released(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
) -> ApiResult<Hal<ReleasedVersion>> {
    let placed = environments::placement(&state.db, Kind::Released, &id).await?;
    Ok(Hal::ok(released_wire(&base, &placed)))
}

/// `PATCH /released-versions/{id}`: `{"currentlySupported": false}` ends its support.
pub(crate) async fn patch_released(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(id): Path<String>,
    Typed(body): Typed<PlacementBody>,
) -> ApiResult<Hal<ReleasedVersion>> {
    let placed = environments::set_current(&state.db, Kind::Released, &id, body.currently_supported).await?;
    Ok(Hal::ok(released_wire(&base, &placed)))
}
