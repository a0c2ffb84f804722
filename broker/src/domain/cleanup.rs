//! Data clean-up: deletes the versions no keep selector protects (with their pacts,
//! verification results, tags and deployments), then content nobody publishes any more and
//! branches left without versions. Brokers that serve hundreds of CI pipelines otherwise grow
//! without bound.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::store::cleanup as store;
use crate::store::cleanup::Facts;
use serde_json::Value;

use crate::db::Db;

/// Which versions a clean-up keeps; a version is kept when any selector matches it. Within one
/// selector every given condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeepSelector {
    /// Only versions of this application (otherwise every application).
    pub pacticipant: Option<String>,
    /// Only the latest matching version (per branch or per tag when those are `Any`).
    pub latest: bool,
    /// Versions on a branch: one named, or any branch.
    pub branch: Option<Matching>,
    /// Versions on the application's main branch.
    pub main_branch: bool,
    /// Versions with a tag: one named, or any tag.
    pub tag: Option<Matching>,
    /// Versions currently deployed to an environment.
    pub deployed: bool,
    /// Versions currently released (supported) in an environment.
    pub released: bool,
    /// Versions created at most this many days ago.
    pub max_age_days: Option<i64>,
}

/// A branch or tag condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matching {
    /// Any branch or tag (and with `latest`, the latest of each).
    Any,
    /// This one.
    Named(String),
}

/// A keep selector that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CleanupError {
    /// The selector is not a JSON object of known keys.
    #[error("keep selector {selector}: {problem}")]
    Selector {
        /// The selector as given.
        selector: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The database failed; nothing was deleted.
    #[error("database error during clean-up")]
    Database(#[from] sqlx::Error),
}

impl KeepSelector {
    /// Reads `{"branch": true, "latest": true}`, `{"deployedOrReleased": true}`,
    /// `{"maxAge": 90}`, `{"pacticipant": "web", "tag": "prod"}` and the like (the Pact Broker's
    /// clean-up selector keys; `max_age` is accepted too).
    pub fn parse(text: &str) -> Result<Vec<KeepSelector>, CleanupError> {
        let fail = |problem: String| CleanupError::Selector {
            selector: text.to_owned(),
            problem,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| fail(format!("not JSON: {e}")))?;
        let object = value
            .as_object()
            .ok_or_else(|| fail("must be a JSON object".to_owned()))?;
        let mut selector = KeepSelector::default();
        let mut either = false;
        let flag = |key: &str, v: &Value| {
            v.as_bool()
                .ok_or_else(|| fail(format!("'{key}' must be true or false")))
        };
        let matching = |key: &str, v: &Value| match v {
            Value::Bool(true) => Ok(Some(Matching::Any)),
            Value::Bool(false) => Ok(None),
            Value::String(s) if !s.is_empty() => Ok(Some(Matching::Named(s.clone()))),
            _ => Err(fail(format!("'{key}' must be true or a name"))),
        };
        for (key, v) in object {
            match key.as_str() {
                "pacticipant" => {
                    selector.pacticipant = Some(
                        v.as_str()
                            .ok_or_else(|| fail("'pacticipant' must be a name".to_owned()))?
                            .to_owned(),
                    )
                }
                "latest" => selector.latest = flag(key, v)?,
                "branch" => selector.branch = matching(key, v)?,
                "tag" => selector.tag = matching(key, v)?,
                "mainBranch" => selector.main_branch = flag(key, v)?,
                "deployed" => selector.deployed = flag(key, v)?,
                "released" => selector.released = flag(key, v)?,
                "deployedOrReleased" => either = flag(key, v)?,
                "maxAge" | "max_age" => {
                    selector.max_age_days = Some(
                        v.as_i64()
                            .filter(|d| *d >= 0)
                            .ok_or_else(|| fail(format!("'{key}' must be a number of days")))?,
                    )
                }
                other => return Err(fail(format!("unknown key '{other}'"))),
            }
        }
        if either {
            // "deployed or released" is two selectors that differ only there.
            let deployed = KeepSelector {
                deployed: true,
                released: false,
                ..selector.clone()
            };
            let released = KeepSelector {
                deployed: false,
                released: true,
                ..selector
            };
            return Ok(vec![deployed, released]);
        }
        Ok(vec![selector])
    }

    /// What the broker keeps when no selector is given: the latest version of every branch and
    /// of every tag, everything deployed or released, and everything from the last 90 days.
    pub fn defaults() -> Vec<KeepSelector> {
        vec![
            KeepSelector {
                latest: true,
                branch: Some(Matching::Any),
                ..KeepSelector::default()
            },
            KeepSelector {
                latest: true,
                tag: Some(Matching::Any),
                ..KeepSelector::default()
            },
            KeepSelector {
                deployed: true,
                ..KeepSelector::default()
            },
            KeepSelector {
                released: true,
                ..KeepSelector::default()
            },
            KeepSelector {
                max_age_days: Some(90),
                ..KeepSelector::default()
            },
        ]
    }
}

/// What a clean-up deleted (or, in a dry run, would delete).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Deleted versions by application, version numbers oldest first.
    pub versions: BTreeMap<String, Vec<String>>,
    /// Pact contents no publication referred to any more.
    pub orphaned_contents: u64,
    /// Branches left without versions.
    pub empty_branches: u64,
}

impl CleanupReport {
    /// How many versions were deleted.
    pub fn version_count(&self) -> usize {
        self.versions.values().map(Vec::len).sum()
    }
}

/// The ids of the versions one selector keeps.
fn kept_by(selector: &KeepSelector, facts: &Facts, now: chrono::DateTime<chrono::Utc>) -> HashSet<i64> {
    let empty = Vec::new();
    // Each matching version with the group it competes in for "latest".
    let mut groups: BTreeMap<String, i64> = BTreeMap::new();
    let mut all = HashSet::new();
    for (id, _, created_at) in &facts.versions {
        let branches = facts.branches.get(id).unwrap_or(&empty);
        let tags = facts.tags.get(id).unwrap_or(&empty);
        if selector.deployed && !facts.deployed.contains(id) {
            continue;
        }
        if selector.released && !facts.released.contains(id) {
            continue;
        }
        if let Some(days) = selector.max_age_days {
            let young = chrono::DateTime::parse_from_rfc3339(created_at)
                .is_ok_and(|t| now.signed_duration_since(t) <= chrono::TimeDelta::days(days));
            if !young {
                continue;
            }
        }
        if selector.main_branch
            && !facts
                .main_branch
                .as_ref()
                .is_some_and(|main| branches.contains(main))
        {
            continue;
        }
        let mut keys: Vec<String> = vec![String::new()];
        if let Some(branch) = &selector.branch {
            keys = match branch {
                Matching::Any => branches.iter().map(|b| format!("b:{b}")).collect(),
                Matching::Named(name) if branches.contains(name) => vec![format!("b:{name}")],
                Matching::Named(_) => Vec::new(),
            };
        }
        if let Some(tag) = &selector.tag {
            let tag_keys: Vec<String> = match tag {
                Matching::Any => tags.iter().map(|t| format!("t:{t}")).collect(),
                Matching::Named(name) if tags.contains(name) => vec![format!("t:{name}")],
                Matching::Named(_) => Vec::new(),
            };
            keys = keys
                .iter()
                .flat_map(|k| tag_keys.iter().map(move |t| format!("{k}|{t}")))
                .collect();
        }
        for key in keys {
            all.insert(*id);
            // Versions come oldest first, so the last one seen per group is the latest.
            groups.insert(key, *id);
        }
    }
    if selector.latest {
        groups.into_values().collect()
    } else {
        all
    }
}

/// Deletes what no selector keeps (all of it in one transaction), or with `dry_run` only
/// reports it. The latest version of every application is always kept.
pub async fn clean(db: &Db, keep: &[KeepSelector], dry_run: bool) -> Result<CleanupReport, CleanupError> {
    let mut w = db.write().await?;
    let now = chrono::Utc::now();
    let pacticipants = store::pacticipants(&mut w.tx).await?;
    let mut report = CleanupReport::default();
    let mut doomed: Vec<i64> = Vec::new();
    for (id, name) in &pacticipants {
        let facts = store::facts(&mut w.tx, *id).await?;
        let mut kept: BTreeSet<i64> = BTreeSet::new();
        if let Some((latest, _, _)) = facts.versions.last() {
            kept.insert(*latest);
        }
        for selector in keep
            .iter()
            .filter(|s| s.pacticipant.as_deref().is_none_or(|p| p == name))
        {
            kept.extend(kept_by(selector, &facts, now));
        }
        let deleted: Vec<&(i64, String, String)> = facts
            .versions
            .iter()
            .filter(|(v, _, _)| !kept.contains(v))
            .collect();
        if !deleted.is_empty() {
            doomed.extend(deleted.iter().map(|(v, _, _)| *v));
            report
                .versions
                .insert(name.clone(), deleted.iter().map(|(_, n, _)| n.clone()).collect());
        }
    }
    if dry_run {
        return Ok(report);
    }
    store::delete_versions(&mut w.tx, &doomed).await?;
    report.orphaned_contents = crate::store::pacts::delete_orphaned_contents(&mut w.tx).await?;
    report.empty_branches = store::delete_empty_branches(&mut w.tx).await?;
    w.tx.commit().await?;
    Ok(report)
}
