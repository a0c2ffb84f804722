//! All SQL lives here and in the submodules; handlers never see rows.

pub(crate) mod cleanup;
pub(crate) mod environments;
pub(crate) mod integrations;
pub(crate) mod labels;
pub(crate) mod matrix;
pub(crate) mod metrics;
pub(crate) mod pacticipants;
pub(crate) mod pacts;
pub(crate) mod provider_contracts;
pub(crate) mod verifications;
pub(crate) mod versions;
pub(crate) mod webhooks;

pub(crate) use sqlx::AnyConnection as Conn;

/// Ids as comma-separated lists of at most 500, for `IN (...)`: the ids are integers read from
/// the database, so they are written into the statement rather than bound one by one.
pub(crate) fn id_lists(ids: &[i64]) -> impl Iterator<Item = String> + '_ {
    ids.chunks(500)
        .map(|chunk| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// Whether the database answers a trivial query.
pub(crate) async fn ping(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}
