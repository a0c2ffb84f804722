//! Verification results: recording one for a pact (with the webhook events it fires) and
//! reading one back; and the selection facts a pact's verification link carries, so the result
//! published through it knows whether the pact was pending or work in progress.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::domain::events::{EventVars, PactRef};
use crate::domain::{BaseUrl, DomainError, DomainResult, segment as enc};
pub(crate) use crate::store::verifications::Verification;
use crate::store::verifications::{self, NewVerification};
use crate::store::{pacts, versions};

/// Why a pact was selected for verification, carried in the metadata segment of its link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Selection {
    /// Each selector that selected it (`latest from main branch`).
    #[serde(rename = "s", default)]
    pub(crate) descriptions: Vec<String>,
    /// The consumer versions it was selected for.
    #[serde(rename = "cv", default)]
    pub(crate) consumer_versions: Vec<String>,
    /// Pending for this provider version.
    #[serde(rename = "p", default)]
    pub(crate) pending: bool,
    /// Work in progress.
    #[serde(rename = "w", default)]
    pub(crate) wip: bool,
}

impl Selection {
    /// As a URL path segment (base64url of its JSON).
    pub(crate) fn segment(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// Read back from a segment; anything unreadable is an empty selection.
    pub(crate) fn of_segment(segment: &str) -> Selection {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(segment)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }
}

/// A verification result as a verifier publishes it, checked.
#[derive(Debug, Clone)]
pub(crate) struct NewResult<'a> {
    /// Whether every interaction passed.
    pub(crate) success: bool,
    /// The provider version verified.
    pub(crate) provider_version: &'a str,
    /// The CI build.
    pub(crate) build_url: Option<&'a str>,
    /// The per-interaction results as JSON text.
    pub(crate) test_results: &'a str,
    /// The tool that verified, as JSON text.
    pub(crate) verified_by: &'a str,
}

/// The path of a verification result.
pub(crate) fn result_path(provider: &str, consumer: &str, sha: &str, id: i64) -> String {
    format!(
        "/pacts/provider/{}/consumer/{}/pact-version/{sha}/verification-results/{id}",
        enc(provider),
        enc(consumer)
    )
}

/// Records a result for the pact `sha` of the pair, creating the provider version, and queues
/// the webhooks of `provider_verification_published` and of its outcome in the same
/// transaction, so they fire only if the result is stored.
pub(crate) async fn record(
    db: &Db,
    base: &BaseUrl,
    (provider, consumer, sha): (&str, &str, &str),
    selection: &Selection,
    result: &NewResult<'_>,
) -> DomainResult<Verification> {
    let mut w = db.write().await?;
    let (p, c) = super::pacticipants::require_pair(&mut w.tx, provider, consumer).await?;
    let row = pacts::by_sha(&mut w.tx, c.id, p.id, sha)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("pact version '{sha}'")))?;
    let (provider_version_id, _) =
        versions::ensure(&mut w.tx, p.id, result.provider_version, result.build_url).await?;
    let id = verifications::record(
        &mut w.tx,
        &NewVerification {
            content_id: row.content_id,
            provider_version_id,
            consumer_id: c.id,
            provider_id: p.id,
            success: result.success,
            wip: selection.wip,
            pending: selection.pending,
            build_url: result.build_url,
            test_results: result.test_results,
            verified_by: result.verified_by,
        },
    )
    .await?;
    let stored = verifications::summary_by_id(&mut w.tx, id)
        .await?
        .ok_or_else(|| {
            DomainError::Inconsistent("the verification result just stored is missing".to_owned())
        })?;
    let branches = versions::branches_of(&mut w.tx, provider_version_id).await?;
    let pact = PactRef {
        consumer,
        provider,
        consumer_version: &row.consumer_version,
        consumer_branch: None,
        consumer_tags: &[],
        sha,
        build_url: result.build_url,
    };
    let vars = EventVars::of_pact(base, pact).verified(
        result.provider_version,
        branches.last().map(String::as_str),
        result.success,
        &base.url(&result_path(provider, consumer, sha, id)),
    );
    super::webhooks::queue_all(&mut w.tx, "provider_verification_published", &vars).await?;
    let outcome = if result.success {
        "provider_verification_succeeded"
    } else {
        "provider_verification_failed"
    };
    super::webhooks::queue_all(&mut w.tx, outcome, &vars).await?;
    w.tx.commit().await?;
    Ok(stored)
}

/// Result `id` of the pact `sha` between the pair.
pub(crate) async fn find(
    db: &Db,
    provider: &str,
    consumer: &str,
    sha: &str,
    id: i64,
) -> DomainResult<Verification> {
    let mut conn = db.pool().acquire().await?;
    verifications::of_pact(&mut conn, id, consumer, provider, sha)
        .await?
        .ok_or_else(|| {
            DomainError::NotFound(format!(
                "verification result {id} of pact {sha} between {consumer} and {provider}"
            ))
        })
}
