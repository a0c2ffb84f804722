//! What the network picture shows: the integrations, each with the state of its latest
//! verification, narrowed to a team's label, to the failing ones, or to one application with its
//! consumers and providers (a second hop on request).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::db::Db;
use crate::domain::estate::{Standing, all_integrations};
use crate::domain::{DomainResult, labels, pacticipants};

/// One integration as drawn.
#[derive(Debug, Clone)]
pub(crate) struct NetworkEdge {
    /// The consumer's name.
    pub(crate) consumer: String,
    /// The provider's name.
    pub(crate) provider: String,
    /// Its latest verification.
    pub(crate) status: Standing,
}

/// Which part of the network to show.
#[derive(Debug, Clone, Default)]
pub(crate) struct NetworkQuery {
    /// Only this application with its neighbours.
    pub(crate) application: Option<String>,
    /// How far from the application: 1 (its consumers and providers) or 2.
    pub(crate) hops: usize,
    /// Only integrations that touch an application with this label.
    pub(crate) label: Option<String>,
    /// Only integrations whose latest verification failed.
    pub(crate) failing_only: bool,
}

/// The picture's contents.
#[derive(Debug, Clone)]
pub(crate) struct Network {
    /// The integrations shown.
    pub(crate) edges: Vec<NetworkEdge>,
    /// Every label in use, for the filter.
    pub(crate) labels: Vec<String>,
    /// How many integrations there are in all.
    pub(crate) total: usize,
}

/// The integrations `query` asks for. An application that does not exist is not found.
pub(crate) async fn network(db: &Db, query: &NetworkQuery) -> DomainResult<Network> {
    let rows = all_integrations(db).await?;
    let total = rows.len();
    let mut edges: Vec<NetworkEdge> = rows
        .into_iter()
        .map(|row| NetworkEdge {
            status: Standing::of(&row),
            consumer: row.consumer.name,
            provider: row.provider.name,
        })
        .collect();
    if let Some(label) = &query.label {
        let team: BTreeSet<String> = labels::carrying(db, label)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect();
        edges.retain(|e| team.contains(&e.consumer) || team.contains(&e.provider));
    }
    if query.failing_only {
        edges.retain(|e| e.status == Standing::Failing);
    }
    if let Some(application) = &query.application {
        // Not found when there is no such application at all.
        pacticipants::describe(db, application).await?;
        edges = around(edges, application, query.hops.clamp(1, 2));
    }
    Ok(Network {
        edges,
        labels: labels::all(db).await?,
        total,
    })
}

/// The edges within `hops` of `centre`, each touching an application nearer than `hops` (so
/// the outer ring's integrations among themselves are left out).
fn around(edges: Vec<NetworkEdge>, centre: &str, hops: usize) -> Vec<NetworkEdge> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &edges {
        next.entry(&e.consumer).or_default().push(&e.provider);
        next.entry(&e.provider).or_default().push(&e.consumer);
    }
    let mut distance: BTreeMap<String, usize> = BTreeMap::from([(centre.to_owned(), 0)]);
    let mut queue = VecDeque::from([(centre.to_owned(), 0usize)]);
    while let Some((name, d)) = queue.pop_front() {
        if d == hops {
            continue;
        }
        for &other in next.get(name.as_str()).into_iter().flatten() {
            if !distance.contains_key(other) {
                distance.insert(other.to_owned(), d + 1);
                queue.push_back((other.to_owned(), d + 1));
            }
        }
    }
    edges
        .into_iter()
        .filter(|e| {
            let (c, p) = (distance.get(&e.consumer), distance.get(&e.provider));
            matches!((c, p), (Some(c), Some(p)) if (*c).min(*p) < hops)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(consumer: &str, provider: &str) -> NetworkEdge {
        NetworkEdge {
            consumer: consumer.to_owned(),
            provider: provider.to_owned(),
            status: Standing::Verified,
        }
    }

    #[test]
    fn one_hop_is_the_application_its_consumers_and_providers() {
        let all = vec![
            edge("web", "api"),
            edge("api", "db"),
            edge("db", "disk"),
            edge("web", "cdn"),
        ];
        let names = |edges: Vec<NetworkEdge>| -> Vec<String> {
            edges
                .into_iter()
                .map(|e| format!("{}>{}", e.consumer, e.provider))
                .collect()
        };
        assert_eq!(names(around(all.clone(), "api", 1)), ["web>api", "api>db"]);
        assert_eq!(
            names(around(all, "api", 2)),
            ["web>api", "api>db", "db>disk", "web>cdn"]
        );
    }
}
