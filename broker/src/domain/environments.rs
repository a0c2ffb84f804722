//! Environments (where versions are deployed or released), as the pages read them.

use crate::db::Db;
use crate::domain::DomainResult;
use crate::store::environments::{self, Environment};

/// Every environment, in the store's order.
pub(crate) async fn all(db: &Db) -> DomainResult<Vec<Environment>> {
    let mut conn = db.pool().acquire().await?;
    Ok(environments::list(&mut conn).await?)
}
