//! Verification results, attached to pact content so identical content is already verified.

use sqlx::Row;

use super::Conn;
use super::pacts::PactRow;
use crate::db::now;

/// A verification row.
#[derive(Debug, Clone)]
pub(crate) struct Verification {
    pub(crate) id: i64,
    /// The pact content verified (or compared).
    pub(crate) content_id: i64,
    pub(crate) provider_version_id: i64,
    pub(crate) provider_version: String,
    pub(crate) success: bool,
    pub(crate) build_url: Option<String>,
    pub(crate) test_results: String,
    pub(crate) verified_by: String,
    pub(crate) created_at: String,
    /// A verifier's run against the provider, or a provider contract's comparison.
    pub(crate) kind: VerificationKind,
}

/// How a provider version was found compatible (or not) with a pact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerificationKind {
    /// The provider was run against the pact and the result published.
    Pact,
    /// The pact was compared with the provider version's provider contract.
    ProviderContract {
        /// The comparison found no mismatch.
        compatible: bool,
        /// The provider's own tests of its contract passed.
        self_verified: bool,
    },
}

const SELECT: &str = "SELECT vr.id, vr.content_id, vr.provider_version_id, v.number AS provider_version, vr.success, \
    vr.build_url, vr.test_results, vr.verified_by, vr.created_at FROM verifications vr JOIN versions v ON v.id = vr.provider_version_id";

pub(super) fn from_row(row: &sqlx::any::AnyRow) -> Result<Verification, sqlx::Error> {
    Ok(Verification {
        id: row.try_get("id")?,
        content_id: row.try_get("content_id")?,
        provider_version_id: row.try_get("provider_version_id")?,
        provider_version: row.try_get("provider_version")?,
        success: row.try_get::<i64, _>("success")? != 0,
        build_url: row.try_get("build_url")?,
        test_results: row.try_get("test_results")?,
        verified_by: row.try_get("verified_by")?,
        created_at: row.try_get("created_at")?,
        kind: VerificationKind::Pact,
    })
}

/// What to store for a verification.
#[derive(Debug, Clone)]
pub(crate) struct NewVerification<'a> {
    pub(crate) content_id: i64,
    pub(crate) provider_version_id: i64,
    pub(crate) consumer_id: i64,
    pub(crate) provider_id: i64,
    pub(crate) success: bool,
    pub(crate) wip: bool,
    pub(crate) pending: bool,
    pub(crate) build_url: Option<&'a str>,
    pub(crate) test_results: &'a str,
    pub(crate) verified_by: &'a str,
}

pub(crate) async fn record(conn: &mut Conn, new: &NewVerification<'_>) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO verifications (content_id, provider_version_id, consumer_id, provider_id, success, wip, pending, build_url, test_results, verified_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(new.content_id)
    .bind(new.provider_version_id)
    .bind(new.consumer_id)
    .bind(new.provider_id)
    .bind(i64::from(new.success))
    .bind(i64::from(new.wip))
    .bind(i64::from(new.pending))
    .bind(new.build_url)
    .bind(new.test_results)
    .bind(new.verified_by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    row.try_get("id")
}

/// A verification result of one pact (by consumer, provider and content hash); `None` when the
/// id is another pact's.
pub(crate) async fn of_pact(
    conn: &mut Conn,
    id: i64,
    consumer: &str,
    provider: &str,
    sha: &str,
) -> Result<Option<Verification>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} JOIN pact_contents pc ON pc.id = vr.content_id JOIN pacticipants c ON c.id = pc.consumer_id \
         JOIN pacticipants p ON p.id = pc.provider_id WHERE vr.id = $1 AND c.name = $2 AND p.name = $3 AND pc.sha = $4"
    ))
    .bind(id)
    .bind(consumer)
    .bind(provider)
    .bind(sha)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A verification without its test results (left empty: they may be many megabytes, and
/// whoever just stored them has them).
pub(crate) async fn summary_by_id(conn: &mut Conn, id: i64) -> Result<Option<Verification>, sqlx::Error> {
    let select = SELECT.replace("vr.test_results", "'' AS test_results");
    let row = sqlx::query(&format!("{select} WHERE vr.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The latest verification of content by any provider version.
pub(crate) async fn latest_of_content(
    conn: &mut Conn,
    content_id: i64,
) -> Result<Option<Verification>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE vr.content_id = $1 ORDER BY vr.id DESC LIMIT 1"
    ))
    .bind(content_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The latest pact between a consumer and a provider (optionally from a version with a tag),
/// with the latest verification of its content, if any.
pub(crate) async fn latest_pact_with_result(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    tag: Option<&str>,
) -> Result<Option<(PactRow, Option<Verification>)>, sqlx::Error> {
    let Some(row) = super::pacts::latest(conn, consumer_id, provider_id, tag).await? else {
        return Ok(None);
    };
    let verification = latest_of_content(conn, row.content_id).await?;
    Ok(Some((row, verification)))
}

/// Whether content was ever verified successfully, optionally only by provider versions on a
/// branch or with a tag.
pub(crate) async fn verified_successfully(
    conn: &mut Conn,
    content_id: i64,
    branch: Option<&str>,
    tag: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let row = match (branch, tag) {
        (Some(branch), _) => {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM verifications vr JOIN branch_versions bv ON bv.version_id = vr.provider_version_id \
                 JOIN branches b ON b.id = bv.branch_id WHERE vr.content_id = $1 AND vr.success = 1 AND vr.wip = 0 AND b.name = $2",
            )
            .bind(content_id)
            .bind(branch)
            .fetch_one(&mut *conn)
            .await?
        }
        (None, Some(tag)) => {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM verifications vr JOIN tags t ON t.version_id = vr.provider_version_id \
                 WHERE vr.content_id = $1 AND vr.success = 1 AND vr.wip = 0 AND t.name = $2",
            )
            .bind(content_id)
            .bind(tag)
            .fetch_one(&mut *conn)
            .await?
        }
        (None, None) => {
            sqlx::query("SELECT COUNT(*) AS n FROM verifications vr WHERE vr.content_id = $1 AND vr.success = 1 AND vr.wip = 0")
                .bind(content_id)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Which of `content_ids` were ever verified successfully (not as WIP), optionally only by
/// provider versions on a branch or with a tag: the batch form of `verified_successfully`.
pub(crate) async fn verified_successfully_among(
    conn: &mut Conn,
    content_ids: &[i64],
    branch: Option<&str>,
    tag: Option<&str>,
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let mut out = std::collections::HashSet::new();
    for list in super::id_lists(content_ids) {
        let rows = match (branch, tag) {
            (Some(branch), _) => {
                sqlx::query(&format!(
                    "SELECT DISTINCT vr.content_id FROM verifications vr JOIN branch_versions bv ON bv.version_id = vr.provider_version_id \
                     JOIN branches b ON b.id = bv.branch_id WHERE vr.content_id IN ({list}) AND vr.success = 1 AND vr.wip = 0 AND b.name = $1"
                ))
                .bind(branch)
                .fetch_all(&mut *conn)
                .await?
            }
            (None, Some(tag)) => {
                sqlx::query(&format!(
                    "SELECT DISTINCT vr.content_id FROM verifications vr JOIN tags t ON t.version_id = vr.provider_version_id \
                     WHERE vr.content_id IN ({list}) AND vr.success = 1 AND vr.wip = 0 AND t.name = $1"
                ))
                .bind(tag)
                .fetch_all(&mut *conn)
                .await?
            }
            (None, None) => {
                sqlx::query(&format!(
                    "SELECT DISTINCT vr.content_id FROM verifications vr WHERE vr.content_id IN ({list}) AND vr.success = 1 AND vr.wip = 0"
                ))
                .fetch_all(&mut *conn)
                .await?
            }
        };
        for row in &rows {
            out.insert(row.try_get::<i64, _>("content_id")?);
        }
    }
    Ok(out)
}

/// Which of `content_ids` were verified successfully (not as WIP) before a time.
pub(crate) async fn verified_successfully_before_among(
    conn: &mut Conn,
    content_ids: &[i64],
    before: &str,
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let mut out = std::collections::HashSet::new();
    for list in super::id_lists(content_ids) {
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT content_id FROM verifications WHERE content_id IN ({list}) AND success = 1 AND wip = 0 AND created_at < $1"
        ))
        .bind(before)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            out.insert(row.try_get::<i64, _>("content_id")?);
        }
    }
    Ok(out)
}

/// When a pacticipant's branch got its first version, if it exists.
pub(crate) async fn branch_started(
    conn: &mut Conn,
    pacticipant_id: i64,
    branch: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT MIN(bv.created_at) AS t FROM branch_versions bv JOIN branches b ON b.id = bv.branch_id WHERE b.pacticipant_id = $1 AND b.name = $2",
    )
    .bind(pacticipant_id)
    .bind(branch)
    .fetch_one(&mut *conn)
    .await?;
    row.try_get("t")
}
