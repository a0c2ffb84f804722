//! Environments (where versions are deployed or released), and recording a version as deployed
//! or released there. Deployments and releases work alike, told apart by [`Kind`].

use serde_json::Value;

use crate::db::Db;
use crate::domain::{DomainError, DomainResult, Policy, names};
pub(crate) use crate::store::environments::{Environment, Placement};
use crate::store::{Conn, environments, pacticipants, versions};

/// Deployed (replacing what ran there) or released (one of several supported versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `deployed-versions`.
    Deployed,
    /// `released-versions`.
    Released,
}

impl Kind {
    /// What a missing one is called (`deployed version 'a1b2'`).
    fn noun(self) -> &'static str {
        match self {
            Kind::Deployed => "deployed version",
            Kind::Released => "released version",
        }
    }
}

/// An environment as a request describes it, before checking.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields {
    /// One word.
    pub(crate) name: Option<String>,
    /// The name shown to people; made from `name` when absent.
    pub(crate) display_name: Option<String>,
    /// Required.
    pub(crate) production: Option<bool>,
    /// Whom to ask, as a JSON list.
    pub(crate) contacts: Value,
}

/// Checked [`Fields`].
struct Checked {
    name: String,
    display: String,
    production: bool,
}

fn check(fields: &Fields) -> DomainResult<Checked> {
    let name = fields.name.clone().unwrap_or_default();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(DomainError::invalid("name must be a single word without spaces"));
    }
    let name = names::accept("name", &name)?;
    let production = fields
        .production
        .ok_or_else(|| DomainError::invalid("production must be true or false"))?;
    let display = fields
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| pacticipants::display_name(&name));
    Ok(Checked {
        name,
        display,
        production,
    })
}

/// A deployment or release with the names it refers to.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    /// The record.
    pub(crate) placement: Placement,
    /// The application's name.
    pub(crate) pacticipant: String,
    /// The version's number.
    pub(crate) version: String,
    /// The environment.
    pub(crate) environment: Environment,
}

/// Which current deployments or releases to list.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// Only this application's.
    pub(crate) pacticipant: Option<String>,
    /// Only this instance (empty: only those without one).
    pub(crate) instance: Option<String>,
    /// Only this version number.
    pub(crate) version: Option<String>,
}

/// Every environment, by name.
pub(crate) async fn all(db: &Db) -> DomainResult<Vec<Environment>> {
    let mut conn = db.pool().acquire().await?;
    Ok(environments::list(&mut conn).await?)
}

async fn require(conn: &mut Conn, uuid: &str) -> DomainResult<Environment> {
    environments::by_uuid(conn, uuid)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("environment '{uuid}'")))
}

/// The environment `uuid`.
pub(crate) async fn show(db: &Db, uuid: &str) -> DomainResult<Environment> {
    let mut conn = db.pool().acquire().await?;
    require(&mut conn, uuid).await
}

/// Creates an environment, under `uuid` when given; its name and uuid must be new.
pub(crate) async fn create(db: &Db, uuid: Option<&str>, fields: &Fields) -> DomainResult<Environment> {
    let f = check(fields)?;
    let uuid = match uuid {
        Some(given) => uuid::Uuid::parse_str(given)
            .map_err(|e| DomainError::invalid(format!("uuid: '{given}' is not a UUID: {e}")))?
            .to_string(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let mut w = db.write().await?;
    if environments::by_name(&mut w.tx, &f.name).await?.is_some() {
        return Err(DomainError::invalid(format!(
            "name '{}' is already used by an existing environment",
            f.name
        )));
    }
    if environments::by_uuid(&mut w.tx, &uuid).await?.is_some() {
        return Err(DomainError::invalid(format!(
            "uuid '{uuid}' is already used by an existing environment"
        )));
    }
    environments::create(
        &mut w.tx,
        &uuid,
        &f.name,
        &f.display,
        f.production,
        &fields.contacts,
    )
    .await?;
    let e = environments::by_uuid(&mut w.tx, &uuid)
        .await?
        .ok_or_else(|| DomainError::Inconsistent("the environment just created is missing".to_owned()))?;
    w.tx.commit().await?;
    Ok(e)
}

/// Replaces the environment's fields.
pub(crate) async fn update(db: &Db, uuid: &str, fields: &Fields) -> DomainResult<Environment> {
    let f = check(fields)?;
    let mut w = db.write().await?;
    let e = require(&mut w.tx, uuid).await?;
    environments::update(
        &mut w.tx,
        e.id,
        &f.name,
        &f.display,
        f.production,
        &fields.contacts,
    )
    .await?;
    let e = require(&mut w.tx, uuid).await?;
    w.tx.commit().await?;
    Ok(e)
}

/// Deletes the environment.
pub(crate) async fn delete(db: &Db, uuid: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let e = require(&mut w.tx, uuid).await?;
    environments::delete(&mut w.tx, e.id).await?;
    w.tx.commit().await?;
    Ok(())
}

async fn placed(conn: &mut Conn, placement: Placement) -> DomainResult<Placed> {
    let missing = |what: &str| {
        DomainError::Inconsistent(format!("the {what} a deployment or release names is missing"))
    };
    let pacticipant = pacticipants::find_by_id(conn, placement.pacticipant_id)
        .await?
        .ok_or_else(|| missing("application"))?;
    let version = versions::by_id(conn, placement.version_id)
        .await?
        .ok_or_else(|| missing("version"))?;
    let environment = environments::list(conn)
        .await?
        .into_iter()
        .find(|e| e.id == placement.environment_id)
        .ok_or_else(|| missing("environment"))?;
    Ok(Placed {
        placement,
        pacticipant: pacticipant.name,
        version: version.number,
        environment,
    })
}

async fn by_uuid(conn: &mut Conn, kind: Kind, id: &str) -> DomainResult<Option<Placement>> {
    Ok(match kind {
        Kind::Deployed => environments::deployed_by_uuid(conn, id).await?,
        Kind::Released => environments::released_by_uuid(conn, id).await?,
    })
}

/// Records version `number` of `name` (both created as needed) as deployed to or released in
/// environment `uuid`; `true` when the record is new (a deployment always is).
pub(crate) async fn record(
    db: &Db,
    policy: Policy,
    kind: Kind,
    (name, number): (&str, &str),
    uuid: &str,
    instance: &str,
) -> DomainResult<(Placed, bool)> {
    let mut w = db.write().await?;
    let e = require(&mut w.tx, uuid).await?;
    let (pid, _) = super::pacticipants::ensure(&mut w.tx, name, policy.allow_similar_names).await?;
    let (vid, _) = versions::ensure(&mut w.tx, pid, number, None).await?;
    let (id, created) = match kind {
        Kind::Deployed => (
            environments::record_deployment(&mut w.tx, vid, pid, e.id, instance).await?,
            true,
        ),
        Kind::Released => environments::record_release(&mut w.tx, vid, pid, e.id).await?,
    };
    let placement = by_uuid(&mut w.tx, kind, &id)
        .await?
        .ok_or_else(|| DomainError::Inconsistent(format!("the {} just recorded is missing", kind.noun())))?;
    let out = placed(&mut w.tx, placement).await?;
    w.tx.commit().await?;
    Ok((out, created))
}

/// What is currently deployed to (or supported in) environment `uuid`, filtered.
pub(crate) async fn current(db: &Db, kind: Kind, uuid: &str, filter: &Filter) -> DomainResult<Vec<Placed>> {
    let mut conn = db.pool().acquire().await?;
    let e = require(&mut conn, uuid).await?;
    let pacticipant_id = match &filter.pacticipant {
        Some(name) => match pacticipants::find(&mut conn, name).await? {
            Some(p) => Some(p.id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let list = match kind {
        Kind::Deployed => environments::currently_deployed(&mut conn, e.id, pacticipant_id).await?,
        Kind::Released => environments::currently_supported(&mut conn, e.id, pacticipant_id).await?,
    };
    let mut out = Vec::new();
    for placement in list {
        if let Some(instance) = &filter.instance {
            let matches = if instance.is_empty() {
                placement.target.is_none()
            } else {
                placement.target.as_deref() == Some(instance.as_str())
            };
            if !matches {
                continue;
            }
        }
        let found = placed(&mut conn, placement).await?;
        if filter
            .version
            .as_ref()
            .is_some_and(|number| *number != found.version)
        {
            continue;
        }
        out.push(found);
    }
    Ok(out)
}

/// The deployment or release `id`.
pub(crate) async fn placement(db: &Db, kind: Kind, id: &str) -> DomainResult<Placed> {
    let mut conn = db.pool().acquire().await?;
    let found = by_uuid(&mut conn, kind, id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("{} '{id}'", kind.noun())))?;
    placed(&mut conn, found).await
}

/// Sets whether the deployment or release `id` is current: `false` ends it (undeployed, or
/// support ended); an ended one cannot become current again.
pub(crate) async fn set_current(
    db: &Db,
    kind: Kind,
    id: &str,
    current: Option<bool>,
) -> DomainResult<Placed> {
    let mut w = db.write().await?;
    let found = by_uuid(&mut w.tx, kind, id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("{} '{id}'", kind.noun())))?;
    match (kind, current) {
        (Kind::Deployed, Some(false)) => environments::undeploy(&mut w.tx, id).await?,
        (Kind::Released, Some(false)) => environments::end_support(&mut w.tx, id).await?,
        (Kind::Deployed, Some(true)) if found.ended_at.is_some() => {
            return Err(DomainError::invalid(
                "currentlyDeployed cannot be set back to true",
            ));
        }
        _ => {}
    }
    let found = by_uuid(&mut w.tx, kind, id)
        .await?
        .ok_or_else(|| DomainError::Inconsistent(format!("the {} just changed is missing", kind.noun())))?;
    let out = placed(&mut w.tx, found).await?;
    w.tx.commit().await?;
    Ok(out)
}
