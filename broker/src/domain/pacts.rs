//! Reading and deleting pacts: one pact by consumer version, latest, tag, branch or content
//! hash; the pacts of a provider; the latest pact of every integration.

use crate::db::Db;
use crate::domain::{DomainError, DomainResult};
pub(crate) use crate::store::pacts::{PactRow, VersionFilter};
use crate::store::{Conn, pacticipants, pacts, versions};

/// Which pact of a consumer/provider pair.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Which<'a> {
    /// The one published for this consumer version.
    Version(&'a str),
    /// The latest.
    Latest,
    /// The latest from a version with this tag.
    LatestTagged(&'a str),
    /// The latest from a version on this branch.
    LatestOnBranch(&'a str),
    /// The one with this content hash.
    Sha(&'a str),
}

/// The ids of the pair `(provider, consumer)`, or a not-found error naming the missing one.
async fn ids(conn: &mut Conn, provider: &str, consumer: &str) -> DomainResult<(i64, i64)> {
    let (p, c) = super::pacticipants::require_pair(conn, provider, consumer).await?;
    Ok((p.id, c.id))
}

/// One pact of the pair.
pub(crate) async fn find(db: &Db, provider: &str, consumer: &str, which: Which<'_>) -> DomainResult<PactRow> {
    let mut conn = db.pool().acquire().await?;
    let (pid, cid) = ids(&mut conn, provider, consumer).await?;
    let (found, missing) = match which {
        Which::Version(number) => {
            let version = versions::find(&mut conn, cid, number)
                .await?
                .ok_or_else(|| DomainError::NotFound(format!("version {number} of '{consumer}'")))?;
            (
                pacts::for_version(&mut conn, version.id, pid).await?,
                format!("pact for version {number} of '{consumer}'"),
            )
        }
        Which::Latest => (
            pacts::latest(&mut conn, cid, pid, None).await?,
            "latest pact".to_owned(),
        ),
        Which::LatestTagged(tag) => (
            pacts::latest(&mut conn, cid, pid, Some(tag)).await?,
            format!("latest pact with tag '{tag}'"),
        ),
        Which::LatestOnBranch(branch) => (
            pacts::for_pair(&mut conn, cid, pid, VersionFilter::Branch(branch), 1)
                .await?
                .into_iter()
                .next(),
            format!("a pact from branch '{branch}' of '{consumer}'"),
        ),
        Which::Sha(sha) => (
            pacts::by_sha(&mut conn, cid, pid, sha).await?,
            format!("pact version '{sha}'"),
        ),
    };
    found.ok_or(DomainError::NotFound(missing))
}

/// The pact just published for `consumer_version_id` with `provider`.
pub(crate) async fn published(
    conn: &mut Conn,
    provider: &str,
    consumer_version_id: i64,
) -> DomainResult<PactRow> {
    let provider_id = pacticipants::find(conn, provider)
        .await?
        .map(|p| p.id)
        .unwrap_or_default();
    pacts::for_version(conn, consumer_version_id, provider_id)
        .await?
        .ok_or_else(|| DomainError::Inconsistent("the pact just published is missing".to_owned()))
}

/// The provider's pacts whose consumer versions pass `filter`, from one consumer or all of
/// them, each with its consumer's name; only the latest of each consumer when `latest_only`.
pub(crate) async fn of_provider(
    db: &Db,
    provider: &str,
    consumer: Option<&str>,
    filter: VersionFilter<'_>,
    latest_only: bool,
) -> DomainResult<Vec<(String, PactRow)>> {
    let mut conn = db.pool().acquire().await?;
    let p = pacticipants::find(&mut conn, provider)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("provider '{provider}'")))?;
    let consumers = match consumer {
        Some(name) => vec![
            pacticipants::find(&mut conn, name)
                .await?
                .ok_or_else(|| DomainError::NotFound(format!("consumer '{name}'")))?,
        ],
        None => pacticipants::consumers_of(&mut conn, p.id).await?,
    };
    let limit = if latest_only { 1 } else { i64::MAX };
    let mut out = Vec::new();
    for c in consumers {
        for row in pacts::for_pair(&mut conn, c.id, p.id, filter, limit).await? {
            out.push((c.name.clone(), row));
        }
    }
    Ok(out)
}

/// The latest pact of every integration: (provider, consumer, pact).
pub(crate) async fn latest_of_every_pair(db: &Db) -> DomainResult<Vec<(String, String, PactRow)>> {
    let mut conn = db.pool().acquire().await?;
    let all = pacticipants::list(&mut conn, 100_000, 0).await?;
    let mut out = Vec::new();
    for provider in &all {
        for consumer in pacticipants::consumers_of(&mut conn, provider.id).await? {
            if let Some(row) = pacts::latest(&mut conn, consumer.id, provider.id, None).await? {
                out.push((provider.name.clone(), consumer.name, row));
            }
        }
    }
    Ok(out)
}

/// Which publications of a pair to delete.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Doomed<'a> {
    /// The one of this consumer version.
    Version(&'a str),
    /// Those of every consumer version passing the filter.
    Filtered(VersionFilter<'a>),
}

/// Deletes the publications of the provider's pacts with the consumer that `doomed` names, then
/// any content no publication refers to any more (its verification results go with it).
pub(crate) async fn delete(db: &Db, provider: &str, consumer: &str, doomed: Doomed<'_>) -> DomainResult<()> {
    let mut w = db.write().await?;
    let (pid, cid) = ids(&mut w.tx, provider, consumer).await?;
    let version_ids: Vec<i64> = match doomed {
        Doomed::Version(number) => versions::find(&mut w.tx, cid, number)
            .await?
            .map(|v| v.id)
            .into_iter()
            .collect(),
        Doomed::Filtered(filter) => pacts::for_pair(&mut w.tx, cid, pid, filter, i64::MAX)
            .await?
            .iter()
            .map(|r| r.consumer_version_id)
            .collect(),
    };
    let mut deleted = 0;
    for id in version_ids {
        deleted += pacts::delete_for_version(&mut w.tx, id, pid).await?;
    }
    if deleted == 0 {
        return Err(DomainError::NotFound("a matching pact".to_owned()));
    }
    pacts::delete_orphaned_contents(&mut w.tx).await?;
    w.tx.commit().await?;
    Ok(())
}
