//! Integrations (consumer/provider pairs): a page of them with the verification status of each
//! pair's latest pact, deleting one, and the row counts `/metrics` reports.

use crate::db::Db;
use crate::domain::{DomainError, DomainResult};
use crate::store::{integrations, metrics, pacticipants, verifications};

/// How a pair's latest pact fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Its latest verification passed.
    Success,
    /// Its latest verification failed.
    Failed,
    /// Nobody verified it yet.
    Unverified,
}

impl Status {
    /// As the reference broker writes it (`verificationStatus`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failed => "failed",
            Status::Unverified => "unverified",
        }
    }
}

/// One integration.
#[derive(Debug, Clone)]
pub(crate) struct Integration {
    /// The consumer's name.
    pub(crate) consumer: String,
    /// The provider's name.
    pub(crate) provider: String,
    /// The status of its latest pact, when asked for.
    pub(crate) status: Option<Status>,
    /// When its latest pact was published, when the status was asked for.
    pub(crate) latest_pact_created_at: Option<String>,
}

/// The integrations from `offset` on, at most `size`; with each one's status when `with_status`
/// (one more query per pair).
pub(crate) async fn page(
    db: &Db,
    size: i64,
    offset: i64,
    with_status: bool,
) -> DomainResult<Vec<Integration>> {
    let mut conn = db.pool().acquire().await?;
    let pairs = pacticipants::integrations(&mut conn, size, offset, None).await?;
    let mut out = Vec::with_capacity(pairs.len());
    for (c, p) in pairs {
        let (status, latest_pact_created_at) = if with_status {
            let latest = verifications::latest_pact_with_result(&mut conn, c.id, p.id, None).await?;
            let status = match &latest {
                Some((_, Some(v))) if v.success => Status::Success,
                Some((_, Some(_))) => Status::Failed,
                _ => Status::Unverified,
            };
            (Some(status), latest.map(|(row, _)| row.created_at))
        } else {
            (None, None)
        };
        out.push(Integration {
            consumer: c.name,
            provider: p.name,
            status,
            latest_pact_created_at,
        });
    }
    Ok(out)
}

/// Removes the pair's pacts, their verification results and the webhooks scoped to exactly
/// this pair.
pub(crate) async fn delete(db: &Db, provider: &str, consumer: &str) -> DomainResult<()> {
    let mut w = db.write().await?;
    let (p, c) = super::pacticipants::require_pair(&mut w.tx, provider, consumer).await?;
    if !integrations::delete_pair(&mut w.tx, (c.id, &c.name), (p.id, &p.name)).await? {
        return Err(DomainError::NotFound(format!(
            "an integration between '{consumer}' and '{provider}'"
        )));
    }
    w.tx.commit().await?;
    Ok(())
}

/// What the broker holds, counted: (group, measure, count).
pub(crate) async fn counts(db: &Db) -> DomainResult<Vec<(&'static str, &'static str, i64)>> {
    let mut conn = db.pool().acquire().await?;
    Ok(metrics::counts(&mut conn).await?)
}
