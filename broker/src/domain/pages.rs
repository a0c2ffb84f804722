//! What each page of the broker's site shows, gathered in one call per page: the pages render
//! these and never read the store themselves.

use std::collections::HashMap;

use crate::db::Db;
use crate::domain::pact_diff::{Between, Compared};
use crate::domain::{DomainError, DomainResult};
pub(crate) use crate::store::environments::Environment;
pub(crate) use crate::store::pacticipants::Pacticipant;
pub(crate) use crate::store::pacts::PactRow;
pub(crate) use crate::store::provider_contracts::ProviderContract;
pub(crate) use crate::store::verifications::{Verification, VerificationKind};
pub(crate) use crate::store::versions::Version;
use crate::store::{
    Conn, environments, matrix, pacticipants, pacts, provider_contracts, verifications, versions,
};

/// The newest result for a pact content: a verification or a provider contract's comparison.
async fn latest_result(conn: &mut Conn, content_id: i64) -> DomainResult<Option<Verification>> {
    Ok(matrix::verifications_of_contents(conn, &[content_id])
        .await?
        .remove(&content_id)
        .and_then(|mut all| all.pop()))
}

/// An integration with its latest pact and that pact's latest result.
#[derive(Debug, Clone)]
pub(crate) struct IntegrationRow {
    /// The consumer.
    pub(crate) consumer: Pacticipant,
    /// The provider.
    pub(crate) provider: Pacticipant,
    /// Its latest pact.
    pub(crate) latest: Option<PactRow>,
    /// That pact's latest verification or comparison.
    pub(crate) result: Option<Verification>,
}

/// The pact history of a pair: each consumer version with a pact, its latest result and
/// whether its content changed from the previous distinct one.
#[derive(Debug, Clone)]
pub(crate) struct PairHistory {
    /// The provider.
    pub(crate) provider: Pacticipant,
    /// The consumer.
    pub(crate) consumer: Pacticipant,
    /// Newest first: (consumer version, its pact, the latest result, changed).
    pub(crate) rows: Vec<(Version, PactRow, Option<Verification>, bool)>,
    /// The consumer's newest version, whether it has a pact or not.
    pub(crate) latest_version: Option<Version>,
    /// Every environment.
    pub(crate) environments: Vec<Environment>,
}

/// [`PairHistory`] over the consumer's newest `limit` versions.
pub(crate) async fn pair_history(
    db: &Db,
    provider: &str,
    consumer: &str,
    limit: i64,
) -> DomainResult<PairHistory> {
    let mut conn = db.pool().acquire().await?;
    let (p, c) = super::pacticipants::require_pair(&mut conn, provider, consumer).await?;
    let consumer_versions = versions::list(&mut conn, c.id, limit, 0).await?;
    let mut rows = Vec::new();
    for cv in &consumer_versions {
        let Some(row) = pacts::for_version(&mut conn, cv.id, p.id).await? else {
            continue;
        };
        let result = latest_result(&mut conn, row.content_id).await?;
        let changed = pacts::previous_distinct(&mut conn, c.id, p.id, &row)
            .await?
            .is_some();
        rows.push((cv.clone(), row, result, changed));
    }
    Ok(PairHistory {
        provider: p,
        consumer: c,
        rows,
        latest_version: consumer_versions.into_iter().next(),
        environments: environments::list(&mut conn).await?,
    })
}

/// The latest pact of a pair and the previous distinct one, if any.
#[derive(Debug, Clone)]
pub(crate) struct LatestPact {
    /// The provider.
    pub(crate) provider: Pacticipant,
    /// The consumer.
    pub(crate) consumer: Pacticipant,
    /// The latest pact.
    pub(crate) latest: PactRow,
    /// The pact before it with different content.
    pub(crate) previous: Option<PactRow>,
}

/// [`LatestPact`] of the pair.
pub(crate) async fn latest_pact(db: &Db, provider: &str, consumer: &str) -> DomainResult<LatestPact> {
    let mut conn = db.pool().acquire().await?;
    let (p, c) = super::pacticipants::require_pair(&mut conn, provider, consumer).await?;
    let latest = pacts::latest(&mut conn, c.id, p.id, None)
        .await?
        .ok_or_else(|| DomainError::NotFound("latest pact".to_owned()))?;
    let previous = pacts::previous_distinct(&mut conn, c.id, p.id, &latest).await?;
    Ok(LatestPact {
        provider: p,
        consumer: c,
        latest,
        previous,
    })
}

/// An application's page: a page of its versions with branches and tags, where each runs,
/// every environment, and its latest provider contracts.
#[derive(Debug, Clone)]
pub(crate) struct ApplicationPage {
    /// The application.
    pub(crate) pacticipant: Pacticipant,
    /// (version, branches, tags), newest first.
    pub(crate) versions: Vec<(Version, Vec<String>, Vec<String>)>,
    /// Version id → `deployed to prod`, `released in app-store`.
    pub(crate) live: HashMap<i64, Vec<String>>,
    /// Every environment.
    pub(crate) environments: Vec<Environment>,
    /// Its latest provider contracts.
    pub(crate) contracts: Vec<ProviderContract>,
}

/// [`ApplicationPage`] of `name`, versions from `offset`, at most `limit`.
pub(crate) async fn application(
    db: &Db,
    name: &str,
    limit: i64,
    offset: i64,
) -> DomainResult<ApplicationPage> {
    let mut conn = db.pool().acquire().await?;
    let p = super::pacticipants::require(&mut conn, name).await?;
    let list = versions::list(&mut conn, p.id, limit, offset).await?;
    let envs = environments::list(&mut conn).await?;
    let mut live: HashMap<i64, Vec<String>> = HashMap::new();
    for env in &envs {
        for placement in environments::currently_deployed(&mut conn, env.id, Some(p.id)).await? {
            live.entry(placement.version_id)
                .or_default()
                .push(format!("deployed to {}", env.name));
        }
        for placement in environments::currently_supported(&mut conn, env.id, Some(p.id)).await? {
            live.entry(placement.version_id)
                .or_default()
                .push(format!("released in {}", env.name));
        }
    }
    let mut rows = Vec::with_capacity(list.len());
    for v in list {
        let branches = versions::branches_of(&mut conn, v.id).await?;
        let tags = versions::tags_of(&mut conn, v.id).await?;
        rows.push((v, branches, tags));
    }
    let contracts = provider_contracts::latest_of_provider(&mut conn, p.id, 10).await?;
    Ok(ApplicationPage {
        pacticipant: p,
        versions: rows,
        live,
        environments: envs,
        contracts,
    })
}

/// One verification result of a pact, with the pair and the consumer versions that published
/// the pact.
#[derive(Debug, Clone)]
pub(crate) struct ResultPage {
    /// The provider.
    pub(crate) provider: Pacticipant,
    /// The consumer.
    pub(crate) consumer: Pacticipant,
    /// The result.
    pub(crate) verification: Verification,
    /// The consumer versions that published the pact, newest first.
    pub(crate) consumer_versions: Vec<String>,
}

/// Result `id` of the pact `sha` between the pair (only a result of this pact: another's
/// would show under this pact's name).
pub(crate) async fn result(
    db: &Db,
    provider: &str,
    consumer: &str,
    sha: &str,
    id: i64,
) -> DomainResult<ResultPage> {
    let mut conn = db.pool().acquire().await?;
    let missing = || {
        DomainError::NotFound(format!(
            "verification result {id} of pact {sha} between {consumer} and {provider}"
        ))
    };
    let (Some(p), Some(c)) = (
        pacticipants::find(&mut conn, provider).await?,
        pacticipants::find(&mut conn, consumer).await?,
    ) else {
        return Err(missing());
    };
    let verification = verifications::of_pact(&mut conn, id, &c.name, &p.name, sha)
        .await?
        .ok_or_else(missing)?;
    let consumer_versions = pacts::publications_of_content(&mut conn, verification.content_id)
        .await?
        .map(|p| p.consumer_versions)
        .unwrap_or_default();
    Ok(ResultPage {
        provider: p,
        consumer: c,
        verification,
        consumer_versions,
    })
}

/// Two pacts of the pair compared, or not found.
pub(crate) async fn diff(
    db: &Db,
    provider: &str,
    consumer: &str,
    between: &Between,
) -> DomainResult<Option<Compared>> {
    let mut conn = db.pool().acquire().await?;
    super::pact_diff::compare_pacts(&mut conn, provider, consumer, between).await
}
