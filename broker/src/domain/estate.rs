//! The estate at a glance: every integration with its latest pact and that pact's latest
//! result, read in a fixed number of queries however many integrations and versions there are,
//! and the integrations index built from it: what is failing first, then what nobody verified,
//! then the rest by latest activity; filtered by application name, label and standing; a page
//! at a time.

use std::collections::BTreeSet;

use crate::db::Db;
use crate::domain::DomainResult;
use crate::domain::pages::IntegrationRow;
use crate::store::{labels, matrix, pacticipants, pacts};

/// How an integration stands, by its latest pact's latest result. Ordered as the index lists
/// them: failing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Standing {
    /// The latest verification (or provider-contract comparison) failed.
    Failing,
    /// Nobody has verified the latest pact.
    Unverified,
    /// The latest verification passed.
    Verified,
}

impl Standing {
    /// The standing of an integration row.
    pub(crate) fn of(row: &IntegrationRow) -> Standing {
        match &row.result {
            Some(v) if v.success => Standing::Verified,
            Some(_) => Standing::Failing,
            None => Standing::Unverified,
        }
    }

    /// Its name in a query string: `failing`, `unverified`, `verified`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Standing::Failing => "failing",
            Standing::Unverified => "unverified",
            Standing::Verified => "verified",
        }
    }

    /// The standing a query string names.
    pub(crate) fn named(name: &str) -> Option<Standing> {
        [Standing::Failing, Standing::Unverified, Standing::Verified]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// Every integration with its latest pact and result, in four queries (and one more per 500
/// pacts for their results).
pub(crate) async fn all_integrations(db: &Db) -> DomainResult<Vec<IntegrationRow>> {
    let mut conn = db.pool().acquire().await?;
    let pairs = pacticipants::all_integrations(&mut conn).await?;
    let mut latest = pacts::latest_of_each_integration(&mut conn).await?;
    let contents: Vec<i64> = latest.values().map(|p| p.content_id).collect();
    let mut results = matrix::verifications_of_contents(&mut conn, &contents).await?;
    Ok(pairs
        .into_iter()
        .map(|(consumer, provider)| {
            let latest = latest.remove(&(consumer.id, provider.id));
            let result = latest
                .as_ref()
                .and_then(|p| results.get_mut(&p.content_id))
                .and_then(Vec::pop);
            IntegrationRow {
                consumer,
                provider,
                latest,
                result,
            }
        })
        .collect())
}

/// What the index is asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexQuery {
    /// Only integrations whose consumer or provider name contains this (any case).
    pub(crate) search: Option<String>,
    /// Only integrations touching an application with this label.
    pub(crate) label: Option<String>,
    /// Only integrations that stand so.
    pub(crate) standing: Option<Standing>,
    /// How many rows a page holds.
    pub(crate) limit: usize,
    /// How many rows to skip.
    pub(crate) offset: usize,
}

/// A page of the index.
#[derive(Debug, Clone)]
pub(crate) struct IndexPage {
    /// The rows of this page, failing first, then unverified, then by latest activity.
    pub(crate) rows: Vec<IntegrationRow>,
    /// How many integrations match the filters in all.
    pub(crate) matching: usize,
    /// How many of those stand each way: failing, unverified, verified.
    pub(crate) counts: [usize; 3],
    /// Every label in use, for the filter.
    pub(crate) labels: Vec<String>,
}

/// When an integration last changed: its latest result, else its latest pact.
fn last_activity(row: &IntegrationRow) -> &str {
    let pact = row.latest.as_ref().map_or("", |p| p.created_at.as_str());
    let result = row.result.as_ref().map_or("", |v| v.created_at.as_str());
    pact.max(result)
}

/// The index page `query` asks for.
pub(crate) async fn index(db: &Db, query: &IndexQuery) -> DomainResult<IndexPage> {
    let mut rows = all_integrations(db).await?;
    let mut conn = db.pool().acquire().await?;
    if let Some(text) = query.search.as_deref().map(str::to_lowercase) {
        rows.retain(|r| {
            r.consumer.name.to_lowercase().contains(&text) || r.provider.name.to_lowercase().contains(&text)
        });
    }
    if let Some(label) = &query.label {
        let team: BTreeSet<i64> = pacticipants::with_label(&mut conn, label)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        rows.retain(|r| team.contains(&r.consumer.id) || team.contains(&r.provider.id));
    }
    let mut counts = [0; 3];
    for row in &rows {
        counts[Standing::of(row) as usize] += 1;
    }
    if let Some(standing) = query.standing {
        rows.retain(|r| Standing::of(r) == standing);
    }
    rows.sort_by(|a, b| {
        Standing::of(a)
            .cmp(&Standing::of(b))
            .then_with(|| last_activity(b).cmp(last_activity(a)))
            .then_with(|| a.consumer.name.cmp(&b.consumer.name))
            .then_with(|| a.provider.name.cmp(&b.provider.name))
    });
    let matching = rows.len();
    let rows = rows.into_iter().skip(query.offset).take(query.limit).collect();
    Ok(IndexPage {
        rows,
        matching,
        counts,
        labels: labels::all(&mut conn).await?,
    })
}
