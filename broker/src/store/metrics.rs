//! Row counts of what the broker holds, for `/metrics`.

use sqlx::Row as _;

use super::Conn;

/// Each count as (group, measure, value), in the order `/metrics` lists them.
const COUNTS: &[(&str, &str, &str)] = &[
    ("pacticipants", "count", "SELECT COUNT(*) AS n FROM pacticipants"),
    ("integrations", "count", "SELECT COUNT(*) AS n FROM integrations"),
    (
        "pactPublications",
        "count",
        "SELECT COUNT(*) AS n FROM pact_publications",
    ),
    ("pactVersions", "count", "SELECT COUNT(*) AS n FROM pact_contents"),
    (
        "verificationResults",
        "count",
        "SELECT COUNT(*) AS n FROM verifications",
    ),
    (
        "verificationResults",
        "successCount",
        "SELECT COUNT(*) AS n FROM verifications WHERE success = 1",
    ),
    (
        "verificationResults",
        "failureCount",
        "SELECT COUNT(*) AS n FROM verifications WHERE success = 0",
    ),
    (
        "pacticipantVersions",
        "count",
        "SELECT COUNT(*) AS n FROM versions",
    ),
    (
        "providerContracts",
        "count",
        "SELECT COUNT(*) AS n FROM provider_contracts",
    ),
    (
        "providerContractComparisons",
        "count",
        "SELECT COUNT(*) AS n FROM contract_comparisons",
    ),
    (
        "providerContractComparisons",
        "incompatibleCount",
        "SELECT COUNT(*) AS n FROM contract_comparisons WHERE compatible = 0",
    ),
    ("branches", "count", "SELECT COUNT(*) AS n FROM branches"),
    ("tags", "count", "SELECT COUNT(*) AS n FROM tags"),
    ("labels", "count", "SELECT COUNT(*) AS n FROM labels"),
    ("environments", "count", "SELECT COUNT(*) AS n FROM environments"),
    (
        "deployedVersions",
        "count",
        "SELECT COUNT(*) AS n FROM deployed_versions",
    ),
    (
        "deployedVersions",
        "currentlyDeployedCount",
        "SELECT COUNT(*) AS n FROM deployed_versions WHERE undeployed_at IS NULL",
    ),
    (
        "releasedVersions",
        "count",
        "SELECT COUNT(*) AS n FROM released_versions",
    ),
    (
        "releasedVersions",
        "currentlySupportedCount",
        "SELECT COUNT(*) AS n FROM released_versions WHERE support_ended_at IS NULL",
    ),
    ("webhooks", "count", "SELECT COUNT(*) AS n FROM webhooks"),
    (
        "webhookDeliveries",
        "count",
        "SELECT COUNT(*) AS n FROM webhook_deliveries",
    ),
    (
        "webhookDeliveries",
        "pendingCount",
        "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'",
    ),
    (
        "webhookDeliveries",
        "failureCount",
        "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'failed'",
    ),
];

/// Every count, as (group, measure, value).
pub(crate) async fn counts(conn: &mut Conn) -> Result<Vec<(&'static str, &'static str, i64)>, sqlx::Error> {
    let mut out = Vec::with_capacity(COUNTS.len());
    for (group, measure, sql) in COUNTS {
        let n: i64 = sqlx::query(sql).fetch_one(&mut *conn).await?.try_get("n")?;
        out.push((*group, *measure, n));
    }
    Ok(out)
}
