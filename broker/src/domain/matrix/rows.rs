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

/// What the queries of one matrix question bring back.
struct Gathered {
    /// The pacts the selected versions published, as consumers.
    published: Vec<MatrixPact>,
    /// For each selected application (by index), its consumers that no selector names.
    consumers_of: Vec<(usize, Vec<Pacticipant>)>,
    /// The target's versions of every application on the other side.
    targets: HashMap<i64, Vec<Version>>,
    /// For each selected provider (by index), the pacts the target's consumer versions
    /// published for it, by consumer version.
    received: Vec<(usize, HashMap<i64, MatrixPact>)>,
    /// Every verification of those pacts and the provider versions behind them.
    loaded: Loaded,
    /// The providers of the published pacts.
    providers: HashMap<i64, Pacticipant>,
}

fn sorted_unique(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Runs the question's queries: a fixed number, however many versions, pacts and
/// verifications are involved.
async fn gather(
    conn: &mut Conn,
    resolved: &[Resolved],
    target: &Target,
    selected: &HashMap<i64, &Resolved>,
) -> DomainResult<Gathered> {
    let consumer_version_ids: Vec<i64> = resolved
        .iter()
        .flat_map(|r| r.versions.iter().map(|v| v.id))
        .collect();
    let published = matrix::pacts_of_consumer_versions(conn, &consumer_version_ids).await?;
    let mut consumers_of: Vec<(usize, Vec<Pacticipant>)> = Vec::new();
    for (i, side) in resolved.iter().enumerate() {
        let others: Vec<Pacticipant> = pacticipants::consumers_of(conn, side.pacticipant.id)
            .await?
            .into_iter()
            .filter(|c| !selected.contains_key(&c.id))
            .collect();
        consumers_of.push((i, others));
    }
    let other_ids = sorted_unique(
        published
            .iter()
            .map(|p| p.provider_id)
            .filter(|id| !selected.contains_key(id))
            .chain(consumers_of.iter().flat_map(|(_, cs)| cs.iter().map(|c| c.id)))
            .collect(),
    );
    let targets = target.versions_of(conn, &other_ids).await?;
    let mut received: Vec<(usize, HashMap<i64, MatrixPact>)> = Vec::new();
    for (i, consumers) in &consumers_of {
        let ids: Vec<i64> = consumers
            .iter()
            .flat_map(|c| targets.get(&c.id).into_iter().flatten().map(|v| v.id))
            .collect();
        if !ids.is_empty() {
            let pacts = matrix::pacts_with_provider(conn, &ids, resolved[*i].pacticipant.id).await?;
            received.push((*i, pacts));
        }
    }
    let content_ids = sorted_unique(
        published
            .iter()
            .map(|p| p.content_id)
            .chain(
                received
                    .iter()
                    .flat_map(|(_, m)| m.values().map(|p| p.content_id)),
            )
            .collect(),
    );
    let verifications = matrix::verifications_of_contents(conn, &content_ids).await?;
    let provider_version_ids = sorted_unique(
        verifications
            .values()
            .flatten()
            .map(|v| v.provider_version_id)
            .collect(),
    );
    let loaded = Loaded {
        verifications,
        versions: versions::by_ids(conn, &provider_version_ids).await?,
    };
    let provider_ids = sorted_unique(published.iter().map(|p| p.provider_id).collect());
    let providers = pacticipants::by_ids(conn, &provider_ids).await?;
    Ok(Gathered {
        published,
        consumers_of,
        targets,
        received,
        loaded,
        providers,
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
    let gathered = gather(conn, resolved, target, &selected).await?;
    let mut out = Rows::default();
    as_consumers(query, resolved, target, &selected, &gathered, &mut out);
    as_providers(query, resolved, &gathered, &mut out);
    Ok(out)
}

/// The provider versions a pact of a selected consumer version is paired with: the versions
/// another selector names (exactly, or those of them that verified it), else the target's, else
/// every version that verified it.
fn provider_pairs(
    query: &MatrixQuery,
    target: &Target,
    selected: &HashMap<i64, &Resolved>,
    gathered: &Gathered,
    provider_id: i64,
    content_id: i64,
) -> Vec<(Version, Option<Verification>)> {
    let loaded = &gathered.loaded;
    match selected.get(&provider_id) {
        Some(other) if other.mode == Mode::Exact => other
            .versions
            .iter()
            .map(|pv| (pv.clone(), loaded.latest_for(content_id, pv.id)))
            .collect(),
        Some(other) => {
            let set: HashSet<i64> = other.versions.iter().map(|v| v.id).collect();
            let latest = matches!(query.latest_by.as_deref(), Some("cvp" | "cp"));
            pairs_of(loaded.verifying(content_id, |id| set.contains(&id), latest))
        }
        None => match target {
            Target::None => pairs_of(loaded.verifying(content_id, |_| true, query.latest_by.is_some())),
            _ => gathered
                .targets
                .get(&provider_id)
                .into_iter()
                .flatten()
                .map(|pv| (pv.clone(), loaded.latest_for(content_id, pv.id)))
                .collect(),
        },
    }
}

/// The rows of the selected versions as consumers: each pact they published, with the
/// provider versions it is paired with (or none, which is a reason not to deploy).
fn as_consumers(
    query: &MatrixQuery,
    resolved: &[Resolved],
    target: &Target,
    selected: &HashMap<i64, &Resolved>,
    gathered: &Gathered,
    out: &mut Rows,
) {
    let mut by_version: HashMap<i64, Vec<&MatrixPact>> = HashMap::new();
    for pact in &gathered.published {
        by_version.entry(pact.consumer_version_id).or_default().push(pact);
    }
    for consumer_side in resolved {
        for version in &consumer_side.versions {
            for pact in by_version.get(&version.id).into_iter().flatten() {
                let Some(provider) = gathered.providers.get(&pact.provider_id) else {
                    continue;
                };
                let pairs = provider_pairs(query, target, selected, gathered, provider.id, pact.content_id);
                let consumer_ignored =
                    is_ignored(&query.ignores, &consumer_side.pacticipant.name, Some(version));
                if pairs.is_empty() {
                    let ignored = consumer_ignored || is_ignored(&query.ignores, &provider.name, None);
                    if !ignored {
                        out.unverified.push(format!(
                            "There is no verified pact between {} and {}",
                            consumer_side.description,
                            target.text(&provider.name)
                        ));
                    }
                    let consumer = (consumer_side.pacticipant.name.as_str(), version);
                    out.rows
                        .push(row(consumer, &provider.name, None, pact, None, ignored));
                }
                for (provider_version, verification) in pairs {
                    let ignored = consumer_ignored
                        || is_ignored(&query.ignores, &provider.name, Some(&provider_version));
                    let consumer = (consumer_side.pacticipant.name.as_str(), version);
                    out.rows.push(row(
                        consumer,
                        &provider.name,
                        Some(provider_version),
                        pact,
                        verification,
                        ignored,
                    ));
                }
            }
        }
    }
}

/// The rows of the selected versions as providers: every consumer version on the target side
/// that has a pact with them.
fn as_providers(query: &MatrixQuery, resolved: &[Resolved], gathered: &Gathered, out: &mut Rows) {
    let loaded = &gathered.loaded;
    for (i, pacts) in &gathered.received {
        let provider_side = &resolved[*i];
        let consumers = gathered
            .consumers_of
            .iter()
            .find(|(j, _)| j == i)
            .map(|(_, cs)| cs.as_slice())
            .unwrap_or_default();
        for consumer in consumers {
            for consumer_version in gathered.targets.get(&consumer.id).into_iter().flatten() {
                let Some(pact) = pacts.get(&consumer_version.id) else {
                    continue;
                };
                let consumer_ignored = is_ignored(&query.ignores, &consumer.name, Some(consumer_version));
                let pairs: Vec<(Version, Option<Verification>)> = match provider_side.mode {
                    Mode::Exact => provider_side
                        .versions
                        .iter()
                        .map(|v| (v.clone(), loaded.latest_for(pact.content_id, v.id)))
                        .collect(),
                    Mode::Set => {
                        let set: HashSet<i64> = provider_side.versions.iter().map(|v| v.id).collect();
                        pairs_of(loaded.verifying(pact.content_id, |id| set.contains(&id), false))
                    }
                };
                for (provider_version, verification) in pairs {
                    let ignored = consumer_ignored
                        || is_ignored(
                            &query.ignores,
                            &provider_side.pacticipant.name,
                            Some(&provider_version),
                        );
                    out.rows.push(row(
                        (consumer.name.as_str(), consumer_version),
                        &provider_side.pacticipant.name,
                        Some(provider_version),
                        pact,
                        verification,
                        ignored,
                    ));
                }
            }
        }
    }
}

fn pairs_of(verifying: Vec<(Version, Verification)>) -> Vec<(Version, Option<Verification>)> {
    verifying.into_iter().map(|(v, r)| (v, Some(r))).collect()
}

fn row(
    (consumer, consumer_version): (&str, &Version),
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
