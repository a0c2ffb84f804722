//! The matrix's reads, each one query (or one per 500 ids) whatever the number of versions,
//! pacts and verifications involved: the publications of many consumer versions and the
//! verifications of many pact contents.

use std::collections::HashMap;

use sqlx::Row;

use super::Conn;
use super::verifications::Verification;

/// A pact publication as the matrix needs it: who published what, without the content.
#[derive(Debug, Clone)]
pub(crate) struct MatrixPact {
    pub(crate) consumer_version_id: i64,
    pub(crate) provider_id: i64,
    pub(crate) content_id: i64,
    pub(crate) sha: String,
    pub(crate) created_at: String,
}

const PACTS: &str = "SELECT pp.consumer_version_id, pp.provider_id, pp.content_id, pc.sha, pp.created_at \
    FROM pact_publications pp JOIN pact_contents pc ON pc.id = pp.content_id";

/// Only the latest revision of each (consumer version, provider) publication.
const LATEST_REVISION: &str = "pp.revision = (SELECT MAX(p2.revision) FROM pact_publications p2 \
    WHERE p2.consumer_version_id = pp.consumer_version_id AND p2.provider_id = pp.provider_id)";

fn pact(row: &sqlx::any::AnyRow) -> Result<MatrixPact, sqlx::Error> {
    Ok(MatrixPact {
        consumer_version_id: row.try_get("consumer_version_id")?,
        provider_id: row.try_get("provider_id")?,
        content_id: row.try_get("content_id")?,
        sha: row.try_get("sha")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The pacts (latest revision per provider) of these consumer versions.
pub(crate) async fn pacts_of_consumer_versions(
    conn: &mut Conn,
    consumer_version_ids: &[i64],
) -> Result<Vec<MatrixPact>, sqlx::Error> {
    let mut out = Vec::new();
    for list in super::id_lists(consumer_version_ids) {
        let rows = sqlx::query(&format!(
            "{PACTS} WHERE pp.consumer_version_id IN ({list}) AND {LATEST_REVISION} ORDER BY pp.consumer_version_id, pp.provider_id"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            out.push(pact(row)?);
        }
    }
    Ok(out)
}

/// The pact (latest revision) of each of these consumer versions with one provider, by
/// consumer version id.
pub(crate) async fn pacts_with_provider(
    conn: &mut Conn,
    consumer_version_ids: &[i64],
    provider_id: i64,
) -> Result<HashMap<i64, MatrixPact>, sqlx::Error> {
    let mut out = HashMap::new();
    for list in super::id_lists(consumer_version_ids) {
        let rows = sqlx::query(&format!(
            "{PACTS} WHERE pp.provider_id = $1 AND pp.consumer_version_id IN ({list}) AND {LATEST_REVISION}"
        ))
        .bind(provider_id)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let pact = pact(row)?;
            out.insert(pact.consumer_version_id, pact);
        }
    }
    Ok(out)
}

/// Every verification of these pact contents, oldest first, by content id (without the test
/// results, which the matrix does not show): the verifier's results and the provider
/// contracts' comparisons together.
pub(crate) async fn verifications_of_contents(
    conn: &mut Conn,
    content_ids: &[i64],
) -> Result<HashMap<i64, Vec<Verification>>, sqlx::Error> {
    let mut out: HashMap<i64, Vec<Verification>> = HashMap::new();
    for list in super::id_lists(content_ids) {
        let rows = sqlx::query(&format!(
            "SELECT vr.id, vr.content_id, vr.provider_version_id, v.number AS provider_version, vr.success, \
             vr.build_url, '' AS test_results, vr.verified_by, vr.created_at \
             FROM verifications vr JOIN versions v ON v.id = vr.provider_version_id \
             WHERE vr.content_id IN ({list}) ORDER BY vr.id"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let content_id: i64 = row.try_get("content_id")?;
            out.entry(content_id)
                .or_default()
                .push(super::verifications::from_row(row)?);
        }
    }
    for (content_id, compared) in super::provider_contracts::as_verifications(conn, content_ids).await? {
        let all = out.entry(content_id).or_default();
        all.extend(compared);
        all.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    }
    Ok(out)
}
