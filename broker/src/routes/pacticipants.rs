//! Pacticipants, versions, branches and tags.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use serde::Deserialize;

use super::body::typed;
use crate::AppState;
use crate::domain::names;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::versions::{self, Version};
use crate::store::{Conn, environments, labels};

/// The body of `POST /pacticipants` and of `PUT`/`PATCH /pacticipants/{name}` (older official
/// clients send the fields in snake case).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PacticipantBody {
    name: Option<String>,
    #[serde(alias = "display_name")]
    display_name: Option<String>,
    #[serde(alias = "main_branch")]
    main_branch: Option<String>,
    #[serde(alias = "repository_url")]
    repository_url: Option<String>,
}

/// The body of `PUT /pacticipants/{name}/versions/{number}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionBody {
    build_url: Option<String>,
    branch: Option<String>,
    tags: Option<Vec<TagRef>>,
}

/// A tag in a version body: `{"name": "prod"}` or `"prod"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum TagRef {
    Named { name: String },
    Plain(String),
}

pub(crate) fn json_body(body: &str) -> ApiResult<Value> {
    if body.trim().is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_str(body).map_err(|e| ApiError::bad(format!("request body is not valid JSON: {e}")))
}

pub(crate) fn pacticipant_json(base: &Base, p: &Pacticipant) -> Value {
    let path = format!("/pacticipants/{}", enc(&p.name));
    json!({
        "name": p.name,
        "displayName": p.display_name,
        "mainBranch": p.main_branch,
        "repositoryUrl": p.repository_url,
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
        "_links": {
            "self": base.link(&path),
            "pb:versions": base.link(&format!("{path}/versions")),
            "pb:branches": base.link(&format!("{path}/branches")),
            "pb:version": base.templated(&format!("{path}/versions/{{version}}")),
            "pb:version-tag": base.templated(&format!("{path}/versions/{{version}}/tags/{{tag}}")),
            "pb:branch-version": base.templated(&format!("{path}/branches/{{branch}}/versions/{{version}}")),
            "pb:latest-version": base.link(&format!("{path}/latest-version")),
            "pb:label": base.templated(&format!("{path}/labels/{{label}}")),
            "pb:can-i-deploy-badge": base.templated(&format!(
                "{path}/branches/{{branch}}/latest-version/can-i-deploy/to-environment/{{environment}}/badge"
            )),
            "versions": base.link(&format!("{path}/versions")),
        }
    })
}

pub(crate) async fn version_json(
    conn: &mut Conn,
    base: &Base,
    pacticipant: &str,
    v: &Version,
) -> ApiResult<Value> {
    let path = format!("/pacticipants/{}/versions/{}", enc(pacticipant), enc(&v.number));
    let branches = versions::branches_of(conn, v.id).await?;
    let tags = versions::tags_of(conn, v.id).await?;
    let envs = environments::list(conn).await?;
    let branch_versions: Vec<Value> = branches
        .iter()
        .map(|b| {
            json!({"name": b, "_links": {"self": base.link(&format!(
                "/pacticipants/{}/branches/{}/versions/{}", enc(pacticipant), enc(b), enc(&v.number)))}})
        })
        .collect();
    let tag_list: Vec<Value> = tags
        .iter()
        .map(|t| json!({"name": t, "_links": {"self": base.link(&format!("{path}/tags/{}", enc(t)))}}))
        .collect();
    let record_deployment: Vec<Value> = envs
        .iter()
        .map(|e| {
            base.named(
                &format!("{path}/deployed-versions/environment/{}", e.uuid),
                &format!("Record deployment to {}", e.display_name),
                &e.name,
            )
        })
        .collect();
    let record_release: Vec<Value> = envs
        .iter()
        .map(|e| {
            base.named(
                &format!("{path}/released-versions/environment/{}", e.uuid),
                &format!("Record release to {}", e.display_name),
                &e.name,
            )
        })
        .collect();
    Ok(json!({
        "number": v.number,
        "buildUrl": v.build_url,
        "createdAt": v.created_at,
        "branch": branches.last(),
        "_embedded": {"branchVersions": branch_versions.clone(), "branches": branch_versions, "tags": tag_list},
        "_links": {
            "self": base.named(&path, "Version", &v.number),
            "pb:pacticipant": base.named(&format!("/pacticipants/{}", enc(pacticipant)), "Pacticipant", pacticipant),
            "pb:tag": base.templated(&format!("{path}/tags/{{tag}}")),
            "pb:record-deployment": record_deployment,
            "pb:record-release": record_release,
        }
    }))
}

pub(crate) async fn require_pacticipant(conn: &mut Conn, name: &str) -> ApiResult<Pacticipant> {
    Ok(crate::domain::pacticipants::require(conn, name).await?)
}

/// The pacticipant and one of its versions, or a 404 naming what is missing.
async fn require_version(conn: &mut Conn, name: &str, number: &str) -> ApiResult<(Pacticipant, Version)> {
    let p = require_pacticipant(conn, name).await?;
    let v = versions::find(conn, p.id, number)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("version {number} of '{name}'")))?;
    Ok((p, v))
}

fn page(query: &HashMap<String, String>) -> (i64, i64) {
    let size = query
        .get("pageSize")
        .or_else(|| query.get("size"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(100i64)
        .clamp(1, 1000);
    let number = query
        .get("pageNumber")
        .or_else(|| query.get("page"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(1i64)
        .max(1);
    (size, (number - 1) * size)
}

pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let (limit, offset) = page(&query);
    let all = pacticipants::list(&mut conn, limit, offset).await?;
    let ids: Vec<i64> = all.iter().map(|p| p.id).collect();
    let latest = versions::latest_of_each(&mut conn, &ids).await?;
    let items: Vec<Value> = all
        .iter()
        .map(|p| {
            let mut item = pacticipant_json(&base, p);
            if let Some(version) = latest.get(&p.id) {
                let path = format!("/pacticipants/{}/versions/{}", enc(&p.name), enc(&version.number));
                item["_embedded"]["latest-version"] =
                    json!({"number": version.number, "_links": {"self": base.link(&path)}});
            }
            item
        })
        .collect();
    let links: Vec<Value> = all
        .iter()
        .map(|p| {
            base.named(
                &format!("/pacticipants/{}", enc(&p.name)),
                &p.display_name,
                &p.name,
            )
        })
        .collect();
    Ok(Hal::ok(json!({
        "_embedded": {"pacticipants": items.clone()},
        "pacticipants": items,
        "_links": {"self": base.link("/pacticipants"), "pb:pacticipants": links.clone(), "pacticipants": links}
    })))
}

pub(crate) async fn create(State(state): State<Arc<AppState>>, base: Base, body: String) -> ApiResult<Hal> {
    let body: PacticipantBody = typed(&body)?;
    let name = body
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad("name is required"))?;
    let name = names::accept("name", name)?;
    let mut w = state.db.write().await?;
    let (id, created) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    pacticipants::update(
        &mut w.tx,
        id,
        body.display_name.as_deref(),
        body.main_branch.as_deref(),
        body.repository_url.as_deref(),
    )
    .await?;
    let p = pacticipants::find_by_id(&mut w.tx, id)
        .await?
        .ok_or_else(|| ApiError::inconsistent("the pacticipant (pacticipants::find_by_id) is missing"))?;
    w.tx.commit().await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(Hal(status, pacticipant_json(&base, &p)))
}

pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let mut body = pacticipant_json(&base, &p);
    let names = labels::of(&mut conn, p.id).await?;
    body["_embedded"] = json!({"labels": labels_json(&base, &p.name, &names)});
    if let Some(latest) = versions::latest(&mut conn, p.id, None).await? {
        let version = version_json(&mut conn, &base, &p.name, &latest).await?;
        body["_embedded"]["latestVersion"] = version.clone();
        body["_embedded"]["latest-version"] = version;
    }
    Ok(Hal::ok(body))
}

pub(crate) async fn patch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    let body: PacticipantBody = typed(&body)?;
    let mut w = state.db.write().await?;
    let (id, created) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    pacticipants::update(
        &mut w.tx,
        id,
        body.display_name.as_deref(),
        body.main_branch.as_deref(),
        body.repository_url.as_deref(),
    )
    .await?;
    let p = pacticipants::find_by_id(&mut w.tx, id)
        .await?
        .ok_or_else(|| ApiError::inconsistent("the pacticipant (pacticipants::find_by_id) is missing"))?;
    w.tx.commit().await?;
    Ok(Hal(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        pacticipant_json(&base, &p),
    ))
}

pub(crate) async fn replace(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    body: String,
) -> ApiResult<Hal> {
    {
        let mut conn = state.db.pool.acquire().await?;
        require_pacticipant(&mut conn, &name).await?;
    }
    patch(State(state), base, Path(name), body).await
}

pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let p = require_pacticipant(&mut w.tx, &name).await?;
    pacticipants::delete(&mut w.tx, p.id).await?;
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn versions(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let (limit, offset) = page(&query);
    let list = versions::list(&mut conn, p.id, limit, offset).await?;
    let mut items = Vec::new();
    for v in &list {
        items.push(version_json(&mut conn, &base, &p.name, v).await?);
    }
    Ok(Hal::ok(json!({
        "_embedded": {"versions": items},
        "_links": {"self": base.link(&format!("/pacticipants/{}/versions", enc(&p.name)))}
    })))
}

pub(crate) async fn version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let (p, v) = require_version(&mut conn, &name, &number).await?;
    Ok(Hal::ok(version_json(&mut conn, &base, &p.name, &v).await?))
}

pub(crate) async fn put_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number)): Path<(String, String)>,
    body: String,
) -> ApiResult<Hal> {
    let mut body: VersionBody = typed(&body)?;
    names::check("the application name", &name)?;
    names::check("the version number", &number)?;
    if let Some(branch) = &mut body.branch {
        *branch = names::accept("branch", branch)?;
    }
    for (i, tag) in body.tags.iter_mut().flatten().enumerate() {
        let (TagRef::Named { name: tag } | TagRef::Plain(tag)) = tag;
        *tag = names::accept(&format!("tags[{i}]"), tag)?;
    }
    let mut w = state.db.write().await?;
    let (pid, _) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    let (vid, created) = versions::ensure(&mut w.tx, pid, &number, body.build_url.as_deref()).await?;
    for tag in body.tags.clone().unwrap_or_default() {
        let name = match tag {
            TagRef::Named { name } => name,
            TagRef::Plain(name) => name,
        };
        versions::add_tag(&mut w.tx, vid, &name).await?;
    }
    match body.branch.as_deref() {
        Some(branch) => {
            versions::add_to_branch(&mut w.tx, pid, branch, vid).await?;
        }
        None if state.config.first_tag_as_branch => {
            crate::domain::versions::branch_from_first_tag(&mut w.tx, pid, vid).await?;
        }
        None => {}
    }
    let v = versions::by_id(&mut w.tx, vid).await?.ok_or_else(|| {
        ApiError::inconsistent("the row just written or referred to (versions::by_id) is missing")
    })?;
    let body = version_json(&mut w.tx, &base, &name, &v).await?;
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

/// `DELETE /pacticipants/{p}/versions/{v}`: the version with its tags, branch memberships,
/// deployments, pacts and the verification results it published.
pub(crate) async fn delete_version(
    State(state): State<Arc<AppState>>,
    Path((name, number)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let (_, v) = require_version(&mut w.tx, &name, &number).await?;
    versions::delete(&mut w.tx, v.id).await?;
    crate::store::pacts::delete_orphaned_contents(&mut w.tx).await?;
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn latest_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let v = versions::latest(&mut conn, p.id, None)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("a version of '{name}'")))?;
    Ok(Hal::ok(version_json(&mut conn, &base, &p.name, &v).await?))
}

pub(crate) async fn latest_tagged_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, tag)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let v = versions::latest(&mut conn, p.id, Some(&tag))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("a version of '{name}' with tag '{tag}'")))?;
    Ok(Hal::ok(version_json(&mut conn, &base, &p.name, &v).await?))
}

pub(crate) async fn branches(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let names = versions::branch_names(&mut conn, p.id).await?;
    let items: Vec<Value> = names
        .iter()
        .map(|b| json!({"name": b, "_links": {"self": base.link(&format!("/pacticipants/{}/branches/{}", enc(&p.name), enc(b)))}}))
        .collect();
    Ok(Hal::ok(
        json!({"_embedded": {"branches": items}, "_links": {"self": base.link(&format!("/pacticipants/{}/branches", enc(&p.name)))}}),
    ))
}

pub(crate) async fn branch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch)): Path<(String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let p = require_pacticipant(&mut conn, &name).await?;
    let head = versions::branch_head(&mut conn, p.id, &branch)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("branch '{branch}' of '{name}'")))?;
    Ok(Hal::ok(json!({
        "name": branch,
        "latestVersion": head.number,
        "_links": {"self": base.link(&format!("/pacticipants/{}/branches/{}", enc(&p.name), enc(&branch)))}
    })))
}

pub(crate) async fn delete_branch(
    State(state): State<Arc<AppState>>,
    Path((name, branch)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let p = require_pacticipant(&mut w.tx, &name).await?;
    if !versions::delete_branch(&mut w.tx, p.id, &branch).await? {
        return Err(ApiError::NotFound(format!("branch '{branch}' of '{name}'")));
    }
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /pacticipants/{p}/branches/{b}/versions/{v}`: the version, when it is on the branch.
pub(crate) async fn branch_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch, number)): Path<(String, String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let (p, v) = require_version(&mut conn, &name, &number).await?;
    if !versions::branches_of(&mut conn, v.id).await?.contains(&branch) {
        return Err(ApiError::NotFound(format!(
            "version {number} on branch '{branch}' of '{name}'"
        )));
    }
    let path = format!(
        "/pacticipants/{}/branches/{}/versions/{}",
        enc(&p.name),
        enc(&branch),
        enc(&number)
    );
    let mut body = version_json(&mut conn, &base, &p.name, &v).await?;
    body["_links"]["self"] = base.link(&path);
    body["_links"]["pb:version"] = base.named(
        &format!("/pacticipants/{}/versions/{}", enc(&p.name), enc(&number)),
        "Version",
        &number,
    );
    Ok(Hal::ok(body))
}

pub(crate) async fn put_branch_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch, number)): Path<(String, String, String)>,
) -> ApiResult<Hal> {
    let mut w = state.db.write().await?;
    let (pid, _) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, &number, None).await?;
    let created = versions::add_to_branch(&mut w.tx, pid, &branch, vid).await?;
    w.tx.commit().await?;
    let path = format!(
        "/pacticipants/{}/branches/{}/versions/{}",
        enc(&name),
        enc(&branch),
        enc(&number)
    );
    Ok(Hal(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        json!({"name": branch, "_links": {"self": base.link(&path)}}),
    ))
}

pub(crate) async fn tag(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<Hal> {
    let mut conn = state.db.pool.acquire().await?;
    let (_, v) = require_version(&mut conn, &name, &number).await?;
    if !versions::tags_of(&mut conn, v.id).await?.contains(&tag) {
        return Err(ApiError::NotFound(format!("tag '{tag}'")));
    }
    Ok(Hal::ok(tag_json(&base, &name, &number, &tag)))
}

fn tag_json(base: &Base, name: &str, number: &str, tag: &str) -> Value {
    let path = format!(
        "/pacticipants/{}/versions/{}/tags/{}",
        enc(name),
        enc(number),
        enc(tag)
    );
    json!({"name": tag, "_links": {
        "self": base.link(&path),
        "version": base.link(&format!("/pacticipants/{}/versions/{}", enc(name), enc(number))),
        "pacticipant": base.link(&format!("/pacticipants/{}", enc(name))),
    }})
}

pub(crate) async fn put_tag(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<Hal> {
    names::check("the application name", &name)?;
    names::check("the version number", &number)?;
    names::check("the tag", &tag)?;
    let mut w = state.db.write().await?;
    let (pid, _) =
        crate::domain::pacticipants::ensure(&mut w.tx, &name, state.config.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, &number, None).await?;
    let created =
        crate::domain::versions::tag(&mut w.tx, pid, vid, &tag, state.config.first_tag_as_branch).await?;
    w.tx.commit().await?;
    Ok(Hal(
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        tag_json(&base, &name, &number, &tag),
    ))
}

pub(crate) async fn delete_tag(
    State(state): State<Arc<AppState>>,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let mut w = state.db.write().await?;
    let (_, v) = require_version(&mut w.tx, &name, &number).await?;
    if !versions::delete_tag(&mut w.tx, v.id, &tag).await? {
        return Err(ApiError::NotFound(format!("tag '{tag}'")));
    }
    w.tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One label of a pacticipant, with its links.
pub(crate) fn label_json(base: &Base, pacticipant: &str, label: &str) -> Value {
    let owner = format!("/pacticipants/{}", enc(pacticipant));
    json!({
        "name": label,
        "_links": {
            "self": base.link(&format!("{owner}/labels/{}", enc(label))),
            "pb:pacticipant": base.named(&owner, "Pacticipant", pacticipant),
        }
    })
}

/// The `_embedded.labels` list of a pacticipant.
pub(crate) fn labels_json(base: &Base, pacticipant: &str, names: &[String]) -> Vec<Value> {
    names.iter().map(|l| label_json(base, pacticipant, l)).collect()
}
