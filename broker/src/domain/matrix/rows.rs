//! From resolved versions to matrix rows: each version's pacts paired with the versions of the
//! other side, in a fixed number of queries however many versions, pacts and verifications
//! are involved.

use std::collections::{HashMap, HashSet};

use super::resolve::{Mode, Resolved, Target};
use super::{MatrixQuery, Row, Selector};
use crate::domain::DomainResult;
use crate::store::Conn;
use crate::store::matrix::{self, MatrixPact};
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::verifications::Verification;
use crate::store::versions::{self, Version};

/// The rows of a query and, for pacts nobody on the target side has verified, the reasons.
#[derive(Debug, Default)]
pub(super) struct Rows {
    pub(super) rows: Vec<Row>,
    pub(super) unverified: Vec<String>,
}

/// What the queries brought back, for pairing in memory.
struct Loaded {
    verifications: HashMap<i64, Vec<Verification>>,
    versions: HashMap<i64, Version>,
}

impl Loaded {
    /// The latest verification of a pact content by one provider version.
    fn latest_for(&self, content_id: i64, provider_version_id: i64) -> Option<Verification> {
        self.verifications
            .get(&content_id)?
            .iter()
            .rev()
            .find(|v| v.provider_version_id == provider_version_id)
            .cloned()
    }

    /// The provider versions that verified a content (those `accept` takes), each with its
    /// latest verification, in the order they first verified; only the newest when `latest`.
    fn verifying(
        &self,
        content_id: i64,
        accept: impl Fn(i64) -> bool,
        latest: bool,
    ) -> Vec<(Version, Verification)> {
        let Some(all) = self.verifications.get(&content_id) else {
            return Vec::new();
        };
        let mut order: Vec<i64> = Vec::new();
        let mut newest: HashMap<i64, &Verification> = HashMap::new();
        for v in all.iter().filter(|v| accept(v.provider_version_id)) {
            if newest.insert(v.provider_version_id, v).is_none() {
                order.push(v.provider_version_id);
            }
        }
        if latest && let Some(last) = all.iter().rev().find(|v| accept(v.provider_version_id)) {
            order = vec![last.provider_version_id];
        }
        order
            .into_iter()
            .filter_map(|id| Some((self.versions.get(&id)?.clone(), (*newest.get(&id)?).clone())))
            .collect()
    }
}

fn is_ignored(ignores: &[Selector], name: &str, version: Option<&Version>) -> bool {
    ignores.iter().any(|i| {
        i.pacticipant.as_deref() == Some(name)
            && i.version
                .as_deref()
                .is_none_or(|v| version.is_some_and(|x| x.number == v))
    })
}

/// Builds every row of the query.
pub(super) async fn build(
    conn: &mut Conn,
    query: &MatrixQuery,
    resolved: &[Resolved],
    target: &Target,
) -> DomainResult<Rows> {
    let selected: HashMap<i64, &Resolved> = resolved.iter().map(|r| (r.pacticipant.id, r)).collect();

    // The pacts the selected versions published, as consumers.
    let consumer_version_ids: Vec<i64> = resolved
        .iter()
        .flat_map(|r| r.versions.iter().map(|v| v.id))
        .collect();
    let published = matrix::pacts_of_consumer_versions(conn, &consumer_version_ids).await?;

    // The consumers of the selected applications, as providers, that no selector names.
    let mut consumers_of: Vec<(usize, Vec<Pacticipant>)> = Vec::new();
    for (i, r) in resolved.iter().enumerate() {
        let others: Vec<Pacticipant> = pacticipants::consumers_of(conn, r.pacticipant.id)
            .await?
            .into_iter()
            .filter(|c| !selected.contains_key(&c.id))
            .collect();
        consumers_of.push((i, others));
    }

    // The target's versions of every application on the other side.
    let mut other_ids: Vec<i64> = published
        .iter()
        .map(|p| p.provider_id)
        .filter(|id| !selected.contains_key(id))
        .chain(consumers_of.iter().flat_map(|(_, cs)| cs.iter().map(|c| c.id)))
        .collect();
    other_ids.sort_unstable();
    other_ids.dedup();
    let targets = target.versions_of(conn, &other_ids).await?;

    // The pacts the target's consumer versions published for each selected provider.
    let mut received: Vec<(usize, HashMap<i64, MatrixPact>)> = Vec::new();
    for (i, consumers) in &consumers_of {
        let ids: Vec<i64> = consumers
            .iter()
            .flat_map(|c| targets.get(&c.id).into_iter().flatten().map(|v| v.id))
            .collect();
        if !ids.is_empty() {
            received.push((
                *i,
                matrix::pacts_with_provider(conn, &ids, resolved[*i].pacticipant.id).await?,
            ));
        }
    }

    // Every verification of those pacts, and the provider versions behind them.
    let mut content_ids: Vec<i64> = published
        .iter()
        .map(|p| p.content_id)
        .chain(
            received
                .iter()
                .flat_map(|(_, m)| m.values().map(|p| p.content_id)),
        )
        .collect();
    content_ids.sort_unstable();
    content_ids.dedup();
    let verifications = matrix::verifications_of_contents(conn, &content_ids).await?;
    let mut provider_version_ids: Vec<i64> = verifications
        .values()
        .flatten()
        .map(|v| v.provider_version_id)
        .collect();
    provider_version_ids.sort_unstable();
    provider_version_ids.dedup();
    let loaded = Loaded {
        verifications,
        versions: versions::by_ids(conn, &provider_version_ids).await?,
    };
    let mut provider_ids: Vec<i64> = published.iter().map(|p| p.provider_id).collect();
    provider_ids.sort_unstable();
    provider_ids.dedup();
    let providers = pacticipants::by_ids(conn, &provider_ids).await?;

    let mut out = Rows::default();
    let mut by_version: HashMap<i64, Vec<&MatrixPact>> = HashMap::new();
    for p in &published {
        by_version.entry(p.consumer_version_id).or_default().push(p);
    }
    let latest_only = query.latest_by.is_some();
    for r in resolved {
        for version in &r.versions {
            for pact in by_version.get(&version.id).into_iter().flatten() {
                let Some(provider) = providers.get(&pact.provider_id) else {
                    continue;
                };
                let pairs: Vec<(Version, Option<Verification>)> = match selected.get(&provider.id) {
                    Some(o) if o.mode == Mode::Exact => o
                        .versions
                        .iter()
                        .map(|pv| (pv.clone(), loaded.latest_for(pact.content_id, pv.id)))
                        .collect(),
                    Some(o) => {
                        let set: HashSet<i64> = o.versions.iter().map(|v| v.id).collect();
                        let latest = matches!(query.latest_by.as_deref(), Some("cvp" | "cp"));
                        pairs_of(loaded.verifying(pact.content_id, |id| set.contains(&id), latest))
                    }
                    None => match target {
                        Target::None => pairs_of(loaded.verifying(pact.content_id, |_| true, latest_only)),
                        _ => targets
                            .get(&provider.id)
                            .into_iter()
                            .flatten()
                            .map(|pv| (pv.clone(), loaded.latest_for(pact.content_id, pv.id)))
                            .collect(),
                    },
                };
                let consumer_ignored = is_ignored(&query.ignores, &r.pacticipant.name, Some(version));
                if pairs.is_empty() {
                    let ignored = consumer_ignored || is_ignored(&query.ignores, &provider.name, None);
                    if !ignored {
                        out.unverified.push(format!(
                            "There is no verified pact between {} and {}",
                            r.description,
                            target.text(&provider.name)
                        ));
                    }
                    out.rows.push(row(
                        &r.pacticipant.name,
                        version,
                        &provider.name,
                        None,
                        pact,
                        None,
                        ignored,
                    ));
                }
                for (pv, verification) in pairs {
                    let ignored = consumer_ignored || is_ignored(&query.ignores, &provider.name, Some(&pv));
                    out.rows.push(row(
                        &r.pacticipant.name,
                        version,
                        &provider.name,
                        Some(pv),
                        pact,
                        verification,
                        ignored,
                    ));
                }
            }
        }
    }

    // As a provider: every consumer version on the target side that has a pact with it.
    for (i, pacts) in &received {
        let r = &resolved[*i];
        let consumers = consumers_of
            .iter()
            .find(|(j, _)| j == i)
            .map(|(_, cs)| cs.as_slice())
            .unwrap_or_default();
        for consumer in consumers {
            for cv in targets.get(&consumer.id).into_iter().flatten() {
                let Some(pact) = pacts.get(&cv.id) else { continue };
                let consumer_ignored = is_ignored(&query.ignores, &consumer.name, Some(cv));
                let pairs: Vec<(Version, Option<Verification>)> = match r.mode {
                    Mode::Exact => r
                        .versions
                        .iter()
                        .map(|v| (v.clone(), loaded.latest_for(pact.content_id, v.id)))
                        .collect(),
                    Mode::Set => {
                        let set: HashSet<i64> = r.versions.iter().map(|v| v.id).collect();
                        pairs_of(loaded.verifying(pact.content_id, |id| set.contains(&id), false))
                    }
                };
                for (pv, verification) in pairs {
                    let ignored =
                        consumer_ignored || is_ignored(&query.ignores, &r.pacticipant.name, Some(&pv));
                    out.rows.push(row(
                        &consumer.name,
                        cv,
                        &r.pacticipant.name,
                        Some(pv),
                        pact,
                        verification,
                        ignored,
                    ));
                }
            }
        }
    }
    Ok(out)
}

fn pairs_of(verifying: Vec<(Version, Verification)>) -> Vec<(Version, Option<Verification>)> {
    verifying.into_iter().map(|(v, r)| (v, Some(r))).collect()
}

fn row(
    consumer: &str,
    consumer_version: &Version,
    provider: &str,
    provider_version: Option<Version>,
    pact: &MatrixPact,
    verification: Option<Verification>,
    ignored: bool,
) -> Row {
    Row {
        consumer: consumer.to_owned(),
        consumer_version: consumer_version.clone(),
        provider: provider.to_owned(),
        provider_version,
        sha: pact.sha.clone(),
        pact_created_at: pact.created_at.clone(),
        verification,
        ignored,
    }
}
