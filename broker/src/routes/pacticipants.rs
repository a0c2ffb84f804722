//! Applications (pacticipants), versions, branches and tags: each handler parses the request,
//! calls one function of `domain::pacticipants` and renders its answer in the wire model.

use std::collections::HashMap;
use std::sync::Arc;

use accord_broker_client::wire::{
    self, Branch, BranchList, EmbeddedBranches, EmbeddedPacticipants, EmbeddedVersions, LatestVersion, Links,
    NamedItem, PacticipantEmbedded, PacticipantList, VersionEmbedded, VersionList, VersionNumber,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::body::Typed;
use crate::AppState;
use crate::domain::names;
use crate::domain::pacticipants::{self, Changes, Pacticipant, Version, VersionChanges, VersionDetails};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

/// The body of `POST /pacticipants` and of `PUT`/`PATCH /pacticipants/{name}` (older official
/// clients send the fields in snake case).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PacticipantBody {
    name: Option<String>,
    #[serde(alias = "display_name")]
    display_name: Option<String>,
    #[serde(alias = "main_branch")]
    main_branch: Option<String>,
    #[serde(alias = "repository_url")]
    repository_url: Option<String>,
}

impl PacticipantBody {
    fn changes(self) -> Changes {
        Changes {
            display_name: self.display_name,
            main_branch: self.main_branch,
            repository_url: self.repository_url,
        }
    }
}

/// The body of `PUT /pacticipants/{name}/versions/{number}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VersionBody {
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

/// An application in the wire model, without embedded resources.
pub(crate) fn pacticipant_wire(base: &Base, p: &Pacticipant) -> wire::Pacticipant {
    let path = format!("/pacticipants/{}", enc(&p.name));
    let links = Links::new()
        .with("self", base.link(&path))
        .with("pb:versions", base.link(&format!("{path}/versions")))
        .with("pb:branches", base.link(&format!("{path}/branches")))
        .with(
            "pb:version",
            base.templated(&format!("{path}/versions/{{version}}")),
        )
        .with(
            "pb:version-tag",
            base.templated(&format!("{path}/versions/{{version}}/tags/{{tag}}")),
        )
        .with(
            "pb:branch-version",
            base.templated(&format!("{path}/branches/{{branch}}/versions/{{version}}")),
        )
        .with("pb:latest-version", base.link(&format!("{path}/latest-version")))
        .with("pb:label", base.templated(&format!("{path}/labels/{{label}}")))
        .with(
            "pb:can-i-deploy-badge",
            base.templated(&format!(
                "{path}/branches/{{branch}}/latest-version/can-i-deploy/to-environment/{{environment}}/badge"
            )),
        )
        .with("versions", base.link(&format!("{path}/versions")));
    wire::Pacticipant {
        name: p.name.clone(),
        display_name: p.display_name.clone(),
        main_branch: p.main_branch.clone(),
        repository_url: p.repository_url.clone(),
        created_at: p.created_at.clone(),
        updated_at: p.updated_at.clone(),
        embedded: None,
        links,
    }
}

/// A list of applications, each with the number of its latest version when `latest` has it.
pub(crate) fn pacticipant_list(
    base: &Base,
    all: &[Pacticipant],
    latest: &HashMap<i64, Version>,
) -> PacticipantList {
    let items: Vec<wire::Pacticipant> = all
        .iter()
        .map(|p| {
            let mut item = pacticipant_wire(base, p);
            if let Some(version) = latest.get(&p.id) {
                let path = format!("/pacticipants/{}/versions/{}", enc(&p.name), enc(&version.number));
                item.embedded = Some(PacticipantEmbedded {
                    latest: Some(LatestVersion::Short(VersionNumber {
                        number: version.number.clone(),
                        links: base.this(&path),
                    })),
                    ..PacticipantEmbedded::default()
                });
            }
            item
        })
        .collect();
    let named = all
        .iter()
        .map(|p| {
            base.named(
                &format!("/pacticipants/{}", enc(&p.name)),
                &p.display_name,
                &p.name,
            )
        })
        .collect::<Vec<_>>();
    PacticipantList {
        embedded: EmbeddedPacticipants {
            pacticipants: items.clone(),
        },
        pacticipants: items,
        links: base
            .this("/pacticipants")
            .with_all("pb:pacticipants", named.clone())
            .with_all("pacticipants", named),
    }
}

/// A version in the wire model.
fn version_wire(base: &Base, pacticipant: &str, d: &VersionDetails) -> wire::Version {
    let v = &d.version;
    let path = format!("/pacticipants/{}/versions/{}", enc(pacticipant), enc(&v.number));
    let branch_versions: Vec<NamedItem> = d
        .branches
        .iter()
        .map(|b| NamedItem {
            name: b.clone(),
            links: base.this(&format!(
                "/pacticipants/{}/branches/{}/versions/{}",
                enc(pacticipant),
                enc(b),
                enc(&v.number)
            )),
        })
        .collect();
    let tags = d
        .tags
        .iter()
        .map(|t| NamedItem {
            name: t.clone(),
            links: base.this(&format!("{path}/tags/{}", enc(t))),
        })
        .collect();
    let record = |kind: &str, verb: &str| {
        d.environments
            .iter()
            .map(|e| {
                base.named(
                    &format!("{path}/{kind}/environment/{}", e.uuid),
                    &format!("{verb} {}", e.display_name),
                    &e.name,
                )
            })
            .collect::<Vec<_>>()
    };
    wire::Version {
        number: v.number.clone(),
        build_url: v.build_url.clone(),
        created_at: v.created_at.clone(),
        branch: d.branches.last().cloned(),
        embedded: VersionEmbedded {
            branch_versions: branch_versions.clone(),
            branches: branch_versions,
            tags,
        },
        links: Links::new()
            .with("self", base.named(&path, "Version", &v.number))
            .with(
                "pb:pacticipant",
                base.named(
                    &format!("/pacticipants/{}", enc(pacticipant)),
                    "Pacticipant",
                    pacticipant,
                ),
            )
            .with("pb:tag", base.templated(&format!("{path}/tags/{{tag}}")))
            .with_all(
                "pb:record-deployment",
                record("deployed-versions", "Record deployment to"),
            )
            .with_all(
                "pb:record-release",
                record("released-versions", "Record release to"),
            ),
    }
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

/// `GET /pacticipants`.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal<PacticipantList>> {
    let (limit, offset) = page(&query);
    let (all, latest) = pacticipants::list(&state.db, limit, offset).await?;
    Ok(Hal::ok(pacticipant_list(&base, &all, &latest)))
}

/// `POST /pacticipants`: 201 when created, 200 when it existed (and is updated).
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    base: Base,
    Typed(body): Typed<PacticipantBody>,
) -> ApiResult<Hal<wire::Pacticipant>> {
    let name = body
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::bad("name is required"))?;
    let name = names::accept("name", name)?;
    let (p, created) =
        pacticipants::save(&state.db, state.config.policy(), &name, &body.changes(), false).await?;
    Ok(Hal::created_if(created, pacticipant_wire(&base, &p)))
}

/// `GET /pacticipants/{name}`: with its labels and latest version.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal<wire::Pacticipant>> {
    let found = pacticipants::describe(&state.db, &name).await?;
    let p = &found.pacticipant;
    let mut body = pacticipant_wire(&base, p);
    let latest = found
        .latest
        .as_ref()
        .map(|d| Box::new(version_wire(&base, &p.name, d)));
    body.embedded = Some(PacticipantEmbedded {
        labels: Some(
            found
                .labels
                .iter()
                .map(|l| label_json(&base, &p.name, l))
                .collect(),
        ),
        latest: latest.clone().map(LatestVersion::Full),
        latest_version: latest,
    });
    Ok(Hal::ok(body))
}

/// `PATCH /pacticipants/{name}`: creates or updates.
pub(crate) async fn patch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Typed(body): Typed<PacticipantBody>,
) -> ApiResult<Hal<wire::Pacticipant>> {
    save(&state, &base, &name, body, false).await
}

/// `PUT /pacticipants/{name}`: updates an existing application.
pub(crate) async fn replace(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Typed(body): Typed<PacticipantBody>,
) -> ApiResult<Hal<wire::Pacticipant>> {
    save(&state, &base, &name, body, true).await
}

async fn save(
    state: &AppState,
    base: &Base,
    name: &str,
    body: PacticipantBody,
    must_exist: bool,
) -> ApiResult<Hal<wire::Pacticipant>> {
    let (p, created) = pacticipants::save(
        &state.db,
        state.config.policy(),
        name,
        &body.changes(),
        must_exist,
    )
    .await?;
    Ok(Hal::created_if(created, pacticipant_wire(base, &p)))
}

/// `DELETE /pacticipants/{name}`.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    pacticipants::delete(&state.db, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /pacticipants/{name}/versions`.
pub(crate) async fn versions(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Hal<VersionList>> {
    let (limit, offset) = page(&query);
    let (p, list) = pacticipants::versions(&state.db, &name, limit, offset).await?;
    Ok(Hal::ok(VersionList {
        embedded: EmbeddedVersions {
            versions: list.iter().map(|d| version_wire(&base, &p.name, d)).collect(),
        },
        links: base.this(&format!("/pacticipants/{}/versions", enc(&p.name))),
    }))
}

/// `GET /pacticipants/{name}/versions/{number}`.
pub(crate) async fn version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number)): Path<(String, String)>,
) -> ApiResult<Hal<wire::Version>> {
    let (p, d) = pacticipants::version(&state.db, &name, &number).await?;
    Ok(Hal::ok(version_wire(&base, &p.name, &d)))
}

/// `PUT`/`PATCH /pacticipants/{name}/versions/{number}`: 201 when the version is new.
pub(crate) async fn put_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number)): Path<(String, String)>,
    Typed(body): Typed<VersionBody>,
) -> ApiResult<Hal<wire::Version>> {
    let changes = VersionChanges {
        build_url: body.build_url,
        branch: body.branch,
        tags: body
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| match t {
                TagRef::Named { name } | TagRef::Plain(name) => name,
            })
            .collect(),
    };
    let (d, created) =
        pacticipants::save_version(&state.db, state.config.policy(), &name, &number, &changes).await?;
    Ok(Hal::created_if(created, version_wire(&base, &name, &d)))
}

/// `DELETE /pacticipants/{p}/versions/{v}`: the version with its tags, branch memberships,
/// deployments, pacts and the verification results it published.
pub(crate) async fn delete_version(
    State(state): State<Arc<AppState>>,
    Path((name, number)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    pacticipants::delete_version(&state.db, &name, &number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /pacticipants/{name}/latest-version`.
pub(crate) async fn latest_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal<wire::Version>> {
    let (p, d) = pacticipants::latest_version(&state.db, &name, None).await?;
    Ok(Hal::ok(version_wire(&base, &p.name, &d)))
}

/// `GET /pacticipants/{name}/latest-version/{tag}`.
pub(crate) async fn latest_tagged_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, tag)): Path<(String, String)>,
) -> ApiResult<Hal<wire::Version>> {
    let (p, d) = pacticipants::latest_version(&state.db, &name, Some(&tag)).await?;
    Ok(Hal::ok(version_wire(&base, &p.name, &d)))
}

/// `GET /pacticipants/{name}/branches`.
pub(crate) async fn branches(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Hal<BranchList>> {
    let (p, names) = pacticipants::branches(&state.db, &name).await?;
    let path = format!("/pacticipants/{}/branches", enc(&p.name));
    let branches = names
        .into_iter()
        .map(|b| NamedItem {
            links: base.this(&format!("{path}/{}", enc(&b))),
            name: b,
        })
        .collect();
    Ok(Hal::ok(BranchList {
        embedded: EmbeddedBranches { branches },
        links: base.this(&path),
    }))
}

/// `GET /pacticipants/{name}/branches/{branch}`.
pub(crate) async fn branch(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch)): Path<(String, String)>,
) -> ApiResult<Hal<Branch>> {
    let (p, head) = pacticipants::branch_head(&state.db, &name, &branch).await?;
    Ok(Hal::ok(Branch {
        links: base.this(&format!(
            "/pacticipants/{}/branches/{}",
            enc(&p.name),
            enc(&branch)
        )),
        name: branch,
        latest_version: head.number,
    }))
}

/// `DELETE /pacticipants/{name}/branches/{branch}`.
pub(crate) async fn delete_branch(
    State(state): State<Arc<AppState>>,
    Path((name, branch)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    pacticipants::delete_branch(&state.db, &name, &branch).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /pacticipants/{p}/branches/{b}/versions/{v}`: the version, when it is on the branch.
pub(crate) async fn branch_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch, number)): Path<(String, String, String)>,
) -> ApiResult<Hal<wire::Version>> {
    let (p, d) = pacticipants::branch_version(&state.db, &name, &branch, &number).await?;
    let mut body = version_wire(&base, &p.name, &d);
    body.links.set(
        "self",
        base.link(&format!(
            "/pacticipants/{}/branches/{}/versions/{}",
            enc(&p.name),
            enc(&branch),
            enc(&number)
        )),
    );
    body.links.set(
        "pb:version",
        base.named(
            &format!("/pacticipants/{}/versions/{}", enc(&p.name), enc(&number)),
            "Version",
            &number,
        ),
    );
    Ok(Hal::ok(body))
}

/// `PUT /pacticipants/{p}/branches/{b}/versions/{v}`: 201 when the version joins the branch.
pub(crate) async fn put_branch_version(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, branch, number)): Path<(String, String, String)>,
) -> ApiResult<Hal<NamedItem>> {
    let created =
        pacticipants::put_branch_version(&state.db, state.config.policy(), &name, &branch, &number).await?;
    let path = format!(
        "/pacticipants/{}/branches/{}/versions/{}",
        enc(&name),
        enc(&branch),
        enc(&number)
    );
    Ok(Hal::created_if(
        created,
        NamedItem {
            name: branch,
            links: base.this(&path),
        },
    ))
}

/// `GET /pacticipants/{p}/versions/{v}/tags/{t}`.
pub(crate) async fn tag(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<Hal<NamedItem>> {
    pacticipants::require_tag(&state.db, &name, &number, &tag).await?;
    Ok(Hal::ok(tag_wire(&base, &name, &number, &tag)))
}

fn tag_wire(base: &Base, name: &str, number: &str, tag: &str) -> NamedItem {
    let version = format!("/pacticipants/{}/versions/{}", enc(name), enc(number));
    NamedItem {
        name: tag.to_owned(),
        links: Links::new()
            .with("self", base.link(&format!("{version}/tags/{}", enc(tag))))
            .with("version", base.link(&version))
            .with("pacticipant", base.link(&format!("/pacticipants/{}", enc(name)))),
    }
}

/// `PUT /pacticipants/{p}/versions/{v}/tags/{t}`: 201 when the tag is new.
pub(crate) async fn put_tag(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<Hal<NamedItem>> {
    let created = pacticipants::put_tag(&state.db, state.config.policy(), &name, &number, &tag).await?;
    Ok(Hal::created_if(created, tag_wire(&base, &name, &number, &tag)))
}

/// `DELETE /pacticipants/{p}/versions/{v}/tags/{t}`.
pub(crate) async fn delete_tag(
    State(state): State<Arc<AppState>>,
    Path((name, number, tag)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    pacticipants::delete_tag(&state.db, &name, &number, &tag).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One label of an application, with its links.
pub(crate) fn label_json(base: &Base, pacticipant: &str, label: &str) -> NamedItem {
    let owner = format!("/pacticipants/{}", enc(pacticipant));
    NamedItem {
        name: label.to_owned(),
        links: Links::new()
            .with("self", base.link(&format!("{owner}/labels/{}", enc(label))))
            .with("pb:pacticipant", base.named(&owner, "Pacticipant", pacticipant)),
    }
}
