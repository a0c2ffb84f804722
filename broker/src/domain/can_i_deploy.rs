//! can-i-deploy as the API, the pages and the badges ask it: the matrix decision, after
//! comparing on demand any provider contract the decision pairs with a pact it was never
//! compared with.

use crate::db::Db;
use crate::domain::DomainResult;
use crate::domain::matrix::{Decision, MatrixQuery, decide};
use crate::domain::provider_contract::{self, Documents};

/// The decision, after comparing any provider contract of a version it pairs with a pact that
/// was never compared with it (then decided again): provider contracts answer for every
/// consumer version asked about, not only those relevant when either side was published.
pub(crate) async fn decide_now(
    db: &Db,
    documents: &Documents,
    query: &MatrixQuery,
) -> DomainResult<Decision> {
    let mut conn = db.pool().acquire().await?;
    let decision = decide(&mut conn, query).await?;
    let pairs = provider_contract::unverified_pairs(&decision);
    if provider_contract::uncompared(&mut conn, &pairs).await?.is_empty() {
        return Ok(decision);
    }
    let mut w = db.write().await?;
    provider_contract::compare_on_demand(&mut w.tx, documents, &pairs).await?;
    w.tx.commit().await?;
    decide(&mut conn, query).await
}
