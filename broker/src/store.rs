//! All SQL lives here and in the submodules; handlers never see rows.

pub(crate) mod cleanup;
pub(crate) mod environments;
pub(crate) mod integrations;
pub(crate) mod labels;
pub(crate) mod metrics;
pub(crate) mod pacticipants;
pub(crate) mod pacts;
pub(crate) mod verifications;
pub(crate) mod versions;
pub(crate) mod webhooks;

pub(crate) use sqlx::AnyConnection as Conn;

/// Whether the database answers a trivial query.
pub(crate) async fn ping(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
