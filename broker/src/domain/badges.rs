//! What a pact badge says: whether the latest pact of a pair (of a tag, when given) was
//! verified, failed or has no result.

use crate::db::Db;
use crate::domain::DomainResult;
use crate::store::{pacticipants, verifications};

/// The verification status of a pair's latest pact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PactStatus {
    /// Its latest verification passed.
    Verified,
    /// Its latest verification failed.
    Failed,
    /// No such pair or pact, or no verification yet.
    Unknown,
}

/// The status of the latest pact between `consumer` and `provider` (with `tag`, when given).
pub(crate) async fn latest_pact_status(
    db: &Db,
    provider: &str,
    consumer: &str,
    tag: Option<&str>,
) -> DomainResult<PactStatus> {
    let mut conn = db.pool().acquire().await?;
    let (Some(p), Some(c)) = (
        pacticipants::find(&mut conn, provider).await?,
        pacticipants::find(&mut conn, consumer).await?,
    ) else {
        return Ok(PactStatus::Unknown);
    };
    Ok(
        match verifications::latest_pact_with_result(&mut conn, c.id, p.id, tag).await? {
            Some((_, Some(v))) if v.success => PactStatus::Verified,
            Some((_, Some(_))) => PactStatus::Failed,
            _ => PactStatus::Unknown,
        },
    )
}
