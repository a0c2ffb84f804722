//! Applications (pacticipants) and their versions, branches and tags: each function owns its
//! connection or transaction. A new name that displays like an existing one (the same
//! confusable skeleton: Cyrillic letters for Latin ones, a no-break space) is refused, whichever
//! route would create it.

use std::collections::HashMap;

use crate::db::Db;
use crate::domain::{DomainError, DomainResult, Policy, names};
pub(crate) use crate::store::environments::Environment;
pub(crate) use crate::store::pacticipants::Pacticipant;
pub(crate) use crate::store::versions::Version;
use crate::store::{Conn, environments, labels, pacticipants, versions};

/// A version with what its answer shows: its branches, its tags, and the environments it could
/// be recorded as deployed to or released in.
#[derive(Debug, Clone)]
pub(crate) struct VersionDetails {
    /// The version.
    pub(crate) version: Version,
    /// Its branches, oldest first.
    pub(crate) branches: Vec<String>,
    /// Its tags.
    pub(crate) tags: Vec<String>,
    /// Every environment.
    pub(crate) environments: Vec<Environment>,
}

/// An application as `GET /pacticipants/{name}` shows it.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    /// The application.
    pub(crate) pacticipant: Pacticipant,
    /// Its labels.
    pub(crate) labels: Vec<String>,
    /// Its latest version.
    pub(crate) latest: Option<VersionDetails>,
}

/// What a create or update of an application sets (absent fields stay as they are).
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
    /// The name shown to people.
    pub(crate) display_name: Option<String>,
    /// The main branch.
    pub(crate) main_branch: Option<String>,
    /// Where its source lives.
    pub(crate) repository_url: Option<String>,
}

/// What a `PUT` of a version sets.
#[derive(Debug, Clone, Default)]
pub(crate) struct VersionChanges {
    /// The CI build.
    pub(crate) build_url: Option<String>,
    /// The branch to put it on.
    pub(crate) branch: Option<String>,
    /// Tags to add.
    pub(crate) tags: Vec<String>,
}

async fn details(conn: &mut Conn, version: Version) -> DomainResult<VersionDetails> {
    Ok(VersionDetails {
        branches: versions::branches_of(conn, version.id).await?,
        tags: versions::tags_of(conn, version.id).await?,
        environments: environments::list(conn).await?,
        version,
    })
}

/// The application `name` and its version `number`, or a not-found error naming what is
/// missing.
async fn require_version(conn: &mut Conn, name: &str, number: &str) -> DomainResult<(Pacticipant, Version)> {
    let p = require(conn, name).await?;
    let v = versions::find(conn, p.id, number)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("version {number} of '{name}'")))?;
    Ok((p, v))
}

/// A page of applications, each with its latest version.
pub(crate) async fn list(
    db: &Db,
    limit: i64,
    offset: i64,
) -> DomainResult<(Vec<Pacticipant>, HashMap<i64, Version>)> {
    let mut conn = db.pool().acquire().await?;
    let all = pacticipants::list(&mut conn, limit, offset).await?;
    let ids: Vec<i64> = all.iter().map(|p| p.id).collect();
    let latest = versions::latest_of_each(&mut conn, &ids).await?;
    Ok((all, latest))
}

/// The application `name` with its labels and latest version.
pub(crate) async fn describe(db: &Db, name: &str) -> DomainResult<Described> {
    let mut conn = db.pool().acquire().await?;
    let pacticipant = require(&mut conn, name).await?;
    let labels = labels::of(&mut conn, pacticipant.id).await?;
    let latest = match versions::latest(&mut conn, pacticipant.id, None).await? {
        Some(v) => Some(details(&mut conn, v).await?),
        None => None,
    };
    Ok(Described {
        pacticipant,
        labels,
        latest,
    })
}

/// Creates the application `name` or updates it with `changes`; `true` when created. With
/// `must_exist` (a `PUT`), an unknown name is not found rather than created.
pub(crate) async fn save(
    db: &Db,
    policy: Policy,
    name: &str,
    changes: &Changes,
    must_exist: bool,
) -> DomainResult<(Pacticipant, bool)> {
    let mut w = db.write().await?;
    if must_exist {
        require(&mut w.tx, name).await?;
    }
    let (id, created) = ensure(&mut w.tx, name, policy.allow_similar_names).await?;
    pacticipants::update(
        &mut w.tx,
        id,
        changes.display_name.as_deref(),
        changes.main_branch.as_deref(),
        changes.repository_url.as_deref(),
    )
    .await?;
    let p = pacticipants::find_by_id(&mut w.tx, id)
        .await?
        .ok_or_else(|| DomainError::Inconsistent("the application just saved is missing".to_owned()))?;
    w.tx.commit().await?;
    Ok((p, created))
}

/// Deletes the application `name` with everything that belongs to it.
pub(crate) async fn delete(db: &Db, name: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let p = require(&mut w.tx, name).await?;
    pacticipants::delete(&mut w.tx, p.id).await?;
    w.tx.commit().await?;
    Ok(())
}

/// A page of the application's versions, newest first.
pub(crate) async fn versions(
    db: &Db,
    name: &str,
    limit: i64,
    offset: i64,
) -> DomainResult<(Pacticipant, Vec<VersionDetails>)> {
    let mut conn = db.pool().acquire().await?;
    let p = require(&mut conn, name).await?;
    let mut out = Vec::new();
    for v in versions::list(&mut conn, p.id, limit, offset).await? {
        out.push(details(&mut conn, v).await?);
    }
    Ok((p, out))
}

/// Version `number` of the application `name`.
pub(crate) async fn version(
    db: &Db,
    name: &str,
    number: &str,
) -> DomainResult<(Pacticipant, VersionDetails)> {
    let mut conn = db.pool().acquire().await?;
    let (p, v) = require_version(&mut conn, name, number).await?;
    Ok((p, details(&mut conn, v).await?))
}

/// The application's latest version, or its latest with `tag`.
pub(crate) async fn latest_version(
    db: &Db,
    name: &str,
    tag: Option<&str>,
) -> DomainResult<(Pacticipant, VersionDetails)> {
    let mut conn = db.pool().acquire().await?;
    let p = require(&mut conn, name).await?;
    let v = versions::latest(&mut conn, p.id, tag).await?.ok_or_else(|| {
        DomainError::NotFound(match tag {
            Some(tag) => format!("a version of '{name}' with tag '{tag}'"),
            None => format!("a version of '{name}'"),
        })
    })?;
    Ok((p, details(&mut conn, v).await?))
}

/// Creates or updates version `number` of the application `name` (creating the application),
/// puts it on its branch and adds its tags; `true` when the version is new.
pub(crate) async fn save_version(
    db: &Db,
    policy: Policy,
    name: &str,
    number: &str,
    changes: &VersionChanges,
) -> DomainResult<(VersionDetails, bool)> {
    names::check("the application name", name)?;
    names::check("the version number", number)?;
    let branch = match &changes.branch {
        Some(branch) => Some(names::accept("branch", branch)?),
        None => None,
    };
    let mut tags = Vec::with_capacity(changes.tags.len());
    for (i, tag) in changes.tags.iter().enumerate() {
        tags.push(names::accept(&format!("tags[{i}]"), tag)?);
    }
    let mut w = db.write().await?;
    let (pid, _) = ensure(&mut w.tx, name, policy.allow_similar_names).await?;
    let (vid, created) = versions::ensure(&mut w.tx, pid, number, changes.build_url.as_deref()).await?;
    for tag in &tags {
        versions::add_tag(&mut w.tx, vid, tag).await?;
    }
    match branch.as_deref() {
        Some(branch) => {
            versions::add_to_branch(&mut w.tx, pid, branch, vid).await?;
        }
        None if policy.first_tag_as_branch => {
            super::versions::branch_from_first_tag(&mut w.tx, pid, vid).await?;
        }
        None => {}
    }
    let v = versions::by_id(&mut w.tx, vid)
        .await?
        .ok_or_else(|| DomainError::Inconsistent("the version just saved is missing".to_owned()))?;
    let out = details(&mut w.tx, v).await?;
    w.tx.commit().await?;
    Ok((out, created))
}

/// Deletes a version with its tags, branch memberships, deployments, pacts and the
/// verification results it published, and the pact contents nothing refers to any more.
pub(crate) async fn delete_version(db: &Db, name: &str, number: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let (_, v) = require_version(&mut w.tx, name, number).await?;
    versions::delete(&mut w.tx, v.id).await?;
    crate::store::pacts::delete_orphaned_contents(&mut w.tx).await?;
    w.tx.commit().await?;
    Ok(())
}

/// The application's branch names.
pub(crate) async fn branches(db: &Db, name: &str) -> DomainResult<(Pacticipant, Vec<String>)> {
    let mut conn = db.pool().acquire().await?;
    let p = require(&mut conn, name).await?;
    let names = versions::branch_names(&mut conn, p.id).await?;
    Ok((p, names))
}

/// The latest version on the application's `branch`.
pub(crate) async fn branch_head(db: &Db, name: &str, branch: &str) -> DomainResult<(Pacticipant, Version)> {
    let mut conn = db.pool().acquire().await?;
    let p = require(&mut conn, name).await?;
    let head = versions::branch_head(&mut conn, p.id, branch)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("branch '{branch}' of '{name}'")))?;
    Ok((p, head))
}

/// Deletes the application's `branch` (its versions stay).
pub(crate) async fn delete_branch(db: &Db, name: &str, branch: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let p = require(&mut w.tx, name).await?;
    if !versions::delete_branch(&mut w.tx, p.id, branch).await? {
        return Err(DomainError::NotFound(format!("branch '{branch}' of '{name}'")));
    }
    w.tx.commit().await?;
    Ok(())
}

/// Version `number` when it is on `branch`.
pub(crate) async fn branch_version(
    db: &Db,
    name: &str,
    branch: &str,
    number: &str,
) -> DomainResult<(Pacticipant, VersionDetails)> {
    let mut conn = db.pool().acquire().await?;
    let (p, v) = require_version(&mut conn, name, number).await?;
    let found = details(&mut conn, v).await?;
    if !found.branches.iter().any(|b| b == branch) {
        return Err(DomainError::NotFound(format!(
            "version {number} on branch '{branch}' of '{name}'"
        )));
    }
    Ok((p, found))
}

/// Puts version `number` on `branch`, creating both the application and the version as
/// needed; `true` when the version was not on the branch yet.
pub(crate) async fn put_branch_version(
    db: &Db,
    policy: Policy,
    name: &str,
    branch: &str,
    number: &str,
) -> DomainResult<bool> {
    let mut w = db.write().await?;
    let (pid, _) = ensure(&mut w.tx, name, policy.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, number, None).await?;
    let created = versions::add_to_branch(&mut w.tx, pid, branch, vid).await?;
    w.tx.commit().await?;
    Ok(created)
}

/// Whether version `number` of `name` carries `tag` (not found otherwise).
pub(crate) async fn require_tag(db: &Db, name: &str, number: &str, tag: &str) -> DomainResult<()> {
    let mut conn = db.pool().acquire().await?;
    let (_, v) = require_version(&mut conn, name, number).await?;
    if !versions::tags_of(&mut conn, v.id).await?.iter().any(|t| t == tag) {
        return Err(DomainError::NotFound(format!("tag '{tag}'")));
    }
    Ok(())
}

/// Tags version `number` of `name` (creating both as needed), applying the first-tag-as-branch
/// rule; `true` when the tag is new.
pub(crate) async fn put_tag(
    db: &Db,
    policy: Policy,
    name: &str,
    number: &str,
    tag: &str,
) -> DomainResult<bool> {
    names::check("the application name", name)?;
    names::check("the version number", number)?;
    names::check("the tag", tag)?;
    let mut w = db.write().await?;
    let (pid, _) = ensure(&mut w.tx, name, policy.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, number, None).await?;
    let created = super::versions::tag(&mut w.tx, pid, vid, tag, policy.first_tag_as_branch).await?;
    w.tx.commit().await?;
    Ok(created)
}

/// Takes `tag` off version `number` of `name`.
pub(crate) async fn delete_tag(db: &Db, name: &str, number: &str, tag: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let (_, v) = require_version(&mut w.tx, name, number).await?;
    if !versions::delete_tag(&mut w.tx, v.id, tag).await? {
        return Err(DomainError::NotFound(format!("tag '{tag}'")));
    }
    w.tx.commit().await?;
    Ok(())
}

/// The application `name`, or a not-found error naming it.
pub(crate) async fn require(conn: &mut Conn, name: &str) -> DomainResult<pacticipants::Pacticipant> {
    pacticipants::find(conn, name)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("pacticipant '{name}'")))
}

/// The provider and the consumer of a pair, or not found naming the one missing.
pub(crate) async fn require_pair(
    conn: &mut Conn,
    provider: &str,
    consumer: &str,
) -> DomainResult<(Pacticipant, Pacticipant)> {
    let p = pacticipants::find(conn, provider)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("provider '{provider}'")))?;
    let c = pacticipants::find(conn, consumer)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("consumer '{consumer}'")))?;
    Ok((p, c))
}

/// Finds the application `name` (already checked and in NFC) or creates it; `true` when
/// created. A new name that displays like an existing one is refused unless `allow_look_alikes`.
pub(crate) async fn ensure(
    conn: &mut Conn,
    name: &str,
    allow_look_alikes: bool,
) -> DomainResult<(i64, bool)> {
    if let Some(existing) = pacticipants::find(conn, name).await? {
        return Ok((existing.id, false));
    }
    if !allow_look_alikes {
        let shape = names::shape(name);
        let alike: Vec<String> = pacticipants::all_names(conn)
            .await?
            .into_iter()
            .filter(|other| other != name && names::shape(other) == shape)
            .collect();
        if !alike.is_empty() {
            return Err(DomainError::SimilarNames(vec![look_alike_message(name, &alike)]));
        }
    }
    Ok(pacticipants::ensure(conn, name).await?)
}

/// Why `name` is refused next to the existing names it looks like.
pub(crate) fn look_alike_message(name: &str, alike: &[String]) -> String {
    format!(
        "The name \"{name}\" displays like the existing application(s) {}: it differs only in characters \
         that look the same (another script's letters, a different space). Use the existing name, or start \
         the broker with --allow-similar-names.",
        alike
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}
