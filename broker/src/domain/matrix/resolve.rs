//! From selectors to versions: which versions of which application a selector names, and
//! which versions of the other applications a deployment target means.

use std::collections::HashMap;

use super::{Kind, MatrixQuery, Selector};
use crate::domain::{DomainError, DomainResult};
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::versions::{self, Version};
use crate::store::{Conn, environments};

/// How a selector names versions, which decides how the other side is paired with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Exact versions (a number, or the latest): every one is paired with the other side,
    /// verified or not.
    Exact,
    /// A set of versions (a tag, a branch, an environment or every version): only those that
    /// verified a pact are paired with it.
    Set,
}

/// A selector with its versions.
#[derive(Debug)]
pub(super) struct Resolved {
    pub(super) pacticipant: Pacticipant,
    pub(super) versions: Vec<Version>,
    pub(super) mode: Mode,
    pub(super) description: String,
}

/// Resolves one selector, adding an error reason when it names no version.
///
/// As in the reference broker, a selector names only the latest matching version when it says
/// `latest=true`, and every matching version otherwise: a name alone means every version, a tag
/// every version with the tag, a branch every version on it.
pub(super) async fn resolve(
    conn: &mut Conn,
    selector: &Selector,
    reasons: &mut Vec<(Kind, String)>,
) -> DomainResult<Resolved> {
    let name = selector
        .pacticipant
        .clone()
        .ok_or_else(|| DomainError::invalid("Please specify the pacticipant name"))?;
    let pacticipant = pacticipants::find(conn, &name)
        .await?
        .ok_or_else(|| DomainError::invalid(format!("Pacticipant {name} not found")))?;
    let id = pacticipant.id;
    let main = pacticipant.main_branch.clone().unwrap_or_else(|| "main".into());
    let latest = selector.latest;
    let (versions, mode, description, missing) = if let Some(number) = &selector.version {
        let v = versions::find(conn, id, number).await?;
        (
            v.into_iter().collect(),
            Mode::Exact,
            format!("version {number} of {name}"),
            format!("No pacts or verifications have been published for version {number} of {name}"),
        )
    } else if let Some(branch) = selector
        .branch
        .clone()
        .or_else(|| selector.main_branch.then(|| main.clone()))
    {
        let which = if selector.branch.is_some() {
            format!("branch {branch}")
        } else {
            format!("the main branch {branch}")
        };
        if latest {
            let v = versions::branch_head(conn, id, &branch).await?;
            (
                v.into_iter().collect(),
                Mode::Exact,
                format!("the latest version of {name} from {which}"),
                format!("No version of {name} from {which} exists"),
            )
        } else {
            (
                versions::on_branch(conn, id, &branch).await?,
                Mode::Set,
                format!("the versions of {name} from {which}"),
                format!("No version of {name} from {which} exists"),
            )
        }
    } else if let Some(tag) = &selector.tag {
        if latest {
            let v = versions::latest(conn, id, Some(tag)).await?;
            (
                v.into_iter().collect(),
                Mode::Exact,
                format!("the latest version of {name} with tag {tag}"),
                format!("No version with tag {tag} exists for {name}"),
            )
        } else {
            (
                versions::with_tag(conn, id, tag).await?,
                Mode::Set,
                format!("the versions of {name} with tag {tag}"),
                format!("No version with tag {tag} exists for {name}"),
            )
        }
    } else if let Some(env) = &selector.environment {
        let e = environments::by_name(conn, env)
            .await?
            .ok_or_else(|| DomainError::invalid(format!("Environment with name '{env}' does not exist")))?;
        let placed = in_environment(conn, e.id).await?;
        let mut found: Vec<Version> = placed.get(&id).cloned().unwrap_or_default();
        found.sort_by_key(|v| std::cmp::Reverse(v.id));
        (
            found,
            Mode::Set,
            format!("the versions of {name} in {env}"),
            format!("No version of {name} is currently in {env}"),
        )
    } else if latest {
        let v = versions::latest(conn, id, None).await?;
        (
            v.into_iter().collect(),
            Mode::Exact,
            format!("the latest version of {name}"),
            format!("No versions of {name} exist"),
        )
    } else {
        (
            versions::list(conn, id, i64::MAX, 0).await?,
            Mode::Set,
            format!("the versions of {name}"),
            format!("No versions of {name} exist"),
        )
    };
    if versions.is_empty() {
        reasons.push((Kind::Error, missing));
    }
    let description = match versions.first() {
        Some(v) if mode == Mode::Exact && selector.version.is_none() => {
            format!("{description} ({})", v.number)
        }
        _ => description,
    };
    Ok(Resolved {
        pacticipant,
        versions,
        mode,
        description,
    })
}

/// Where the versions asked about are going, and so which versions of the other applications
/// they must work with.
#[derive(Debug)]
pub(super) enum Target {
    /// The versions currently deployed to or supported in an environment.
    Environment(String, i64),
    /// The latest version with a tag.
    Tag(String),
    /// The head of each application's main branch.
    MainBranch,
    /// No target: the versions that verified.
    None,
}

impl Target {
    /// The target a query names.
    pub(super) async fn of(conn: &mut Conn, query: &MatrixQuery) -> DomainResult<Target> {
        Ok(match (&query.environment, &query.tag) {
            (Some(env), _) => {
                let e = environments::by_name(conn, env).await?.ok_or_else(|| {
                    DomainError::invalid(format!("Environment with name '{env}' does not exist"))
                })?;
                Target::Environment(env.clone(), e.id)
            }
            (None, Some(tag)) => Target::Tag(tag.clone()),
            _ if query.main_branch => Target::MainBranch,
            _ => Target::None,
        })
    }

    /// The target's versions of each of these applications, by application id, in a fixed
    /// number of queries.
    pub(super) async fn versions_of(
        &self,
        conn: &mut Conn,
        pacticipant_ids: &[i64],
    ) -> DomainResult<HashMap<i64, Vec<Version>>> {
        let mut out: HashMap<i64, Vec<Version>> = HashMap::new();
        match self {
            Target::Environment(_, env_id) => {
                let mut placed = in_environment(conn, *env_id).await?;
                for id in pacticipant_ids {
                    if let Some(found) = placed.remove(id) {
                        out.insert(*id, found);
                    }
                }
            }
            Target::Tag(tag) => {
                for (id, v) in versions::latest_with_tag_of_each(conn, pacticipant_ids, tag).await? {
                    out.insert(id, vec![v]);
                }
            }
            Target::MainBranch => {
                for (id, v) in versions::main_branch_heads(conn, pacticipant_ids).await? {
                    out.insert(id, vec![v]);
                }
            }
            Target::None => {}
        }
        Ok(out)
    }

    /// How the reasons name the target's version of an application.
    pub(super) fn text(&self, name: &str) -> String {
        match self {
            Target::Environment(env, _) => format!("a version of {name} currently in {env}"),
            Target::Tag(tag) => format!("the latest version of {name} with tag {tag}"),
            Target::MainBranch => format!("the latest version of {name} from its main branch"),
            Target::None => format!("a version of {name}"),
        }
    }
}

/// The versions currently deployed to or supported in an environment, by application id.
async fn in_environment(conn: &mut Conn, env_id: i64) -> DomainResult<HashMap<i64, Vec<Version>>> {
    let mut placed = environments::currently_deployed(conn, env_id, None).await?;
    placed.extend(environments::currently_supported(conn, env_id, None).await?);
    let mut ids: Vec<i64> = placed.iter().map(|p| p.version_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let by_id = versions::by_ids(conn, &ids).await?;
    let mut out: HashMap<i64, Vec<Version>> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for p in placed {
        if seen.insert(p.version_id)
            && let Some(v) = by_id.get(&p.version_id)
        {
            out.entry(p.pacticipant_id).or_default().push(v.clone());
        }
    }
    Ok(out)
}
