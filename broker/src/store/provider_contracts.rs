//! Provider contracts (one per provider version: the document, its content type and
//! specification, and the provider's own test result for it) and their comparisons with pact
//! contents.

use std::collections::HashMap;

use sqlx::Row;

use super::Conn;
use super::verifications::{Verification, VerificationKind};
use crate::db::now;

/// A stored provider contract.
#[derive(Debug, Clone)]
pub(crate) struct ProviderContract {
    pub(crate) id: i64,
    pub(crate) provider_version: String,
    pub(crate) specification: String,
    pub(crate) content_type: String,
    pub(crate) content: String,
    /// The SHA-256 of the content: documents are read once per distinct content.
    pub(crate) sha: String,
    pub(crate) self_verified: bool,
    pub(crate) verifier: Option<String>,
    pub(crate) verifier_version: Option<String>,
    pub(crate) results_content: Option<String>,
    pub(crate) results_content_type: Option<String>,
    pub(crate) results_format: Option<String>,
    pub(crate) build_url: Option<String>,
    pub(crate) created_at: String,
}

/// What to store for a provider contract.
#[derive(Debug, Clone)]
pub(crate) struct NewProviderContract<'a> {
    pub(crate) specification: &'a str,
    pub(crate) content_type: &'a str,
    pub(crate) content: &'a str,
    pub(crate) self_verified: bool,
    pub(crate) verifier: Option<&'a str>,
    pub(crate) verifier_version: Option<&'a str>,
    pub(crate) results_content: Option<&'a str>,
    pub(crate) results_content_type: Option<&'a str>,
    pub(crate) results_format: Option<&'a str>,
    pub(crate) build_url: Option<&'a str>,
}

const SELECT: &str = "SELECT pc.id, pc.provider_version_id, v.number AS provider_version, pc.specification, \
    pc.content_type, pc.content, pc.sha, pc.self_verified, pc.verifier, pc.verifier_version, pc.results_content, \
    pc.results_content_type, pc.results_format, pc.build_url, pc.created_at \
    FROM provider_contracts pc JOIN versions v ON v.id = pc.provider_version_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ProviderContract, sqlx::Error> {
    Ok(ProviderContract {
        id: row.try_get("id")?,
        provider_version: row.try_get("provider_version")?,
        specification: row.try_get("specification")?,
        content_type: row.try_get("content_type")?,
        content: row.try_get("content")?,
        sha: row.try_get("sha")?,
        self_verified: row.try_get::<i64, _>("self_verified")? != 0,
        verifier: row.try_get("verifier")?,
        verifier_version: row.try_get("verifier_version")?,
        results_content: row.try_get("results_content")?,
        results_content_type: row.try_get("results_content_type")?,
        results_format: row.try_get("results_format")?,
        build_url: row.try_get("build_url")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores the provider contract of a version, replacing (with its comparisons) one published
/// before for the same version; its id and whether one was replaced.
pub(crate) async fn replace(
    conn: &mut Conn,
    provider_id: i64,
    provider_version_id: i64,
    new: &NewProviderContract<'_>,
) -> Result<(i64, bool), sqlx::Error> {
    sqlx::query("DELETE FROM contract_comparisons WHERE provider_contract_id IN (SELECT id FROM provider_contracts WHERE provider_version_id = $1)")
        .bind(provider_version_id)
        .execute(&mut *conn)
        .await?;
    let replaced = sqlx::query("DELETE FROM provider_contracts WHERE provider_version_id = $1")
        .bind(provider_version_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    let row = sqlx::query(
        "INSERT INTO provider_contracts (provider_id, provider_version_id, specification, content_type, content, sha, \
         self_verified, verifier, verifier_version, results_content, results_content_type, results_format, build_url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(provider_id)
    .bind(provider_version_id)
    .bind(new.specification)
    .bind(new.content_type)
    .bind(new.content)
    .bind(content_sha(new.content))
    .bind(i64::from(new.self_verified))
    .bind(new.verifier)
    .bind(new.verifier_version)
    .bind(new.results_content)
    .bind(new.results_content_type)
    .bind(new.results_format)
    .bind(new.build_url)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("id")?, replaced))
}

/// The hash a contract's document is known by.
pub(crate) fn content_sha(content: &str) -> String {
    super::pacts::hex_digest(content)
}

/// A provider contract by id.
pub(crate) async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<ProviderContract>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE pc.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The provider contract of one provider version.
pub(crate) async fn of_version(
    conn: &mut Conn,
    provider_version_id: i64,
) -> Result<Option<ProviderContract>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE pc.provider_version_id = $1"))
        .bind(provider_version_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The newest provider contracts of a provider, newest first, at most `limit`.
pub(crate) async fn latest_of_provider(
    conn: &mut Conn,
    provider_id: i64,
    limit: i64,
) -> Result<Vec<ProviderContract>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE pc.provider_id = $1 ORDER BY pc.id DESC LIMIT $2"
    ))
    .bind(provider_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// A provider contract by id and content hash, without its document.
#[derive(Debug, Clone)]
pub(crate) struct ContractRef {
    pub(crate) id: i64,
    pub(crate) sha: String,
}

/// The ids of the rows of `table` (provider contracts or pact publications, for the provider
/// bound as `$1` to `$5`, each row of a version in `version_column` and of an owner in
/// `owner_column`) that a comparison concerns: each owner's newest, the newest of each branch,
/// the newest of each owner's tags, and the newest of each version currently deployed or
/// released. One definition for both directions of provider-contract comparisons.
fn newest_of_each(table: &str, version_column: &str, owner_column: &str) -> String {
    format!(
        "SELECT MAX(id) FROM {table} WHERE provider_id = $1 GROUP BY {owner_column} \
         UNION SELECT MAX(x.id) FROM {table} x JOIN branch_versions bv ON bv.version_id = x.{version_column} \
           WHERE x.provider_id = $2 GROUP BY bv.branch_id \
         UNION SELECT MAX(x.id) FROM {table} x JOIN tags tg ON tg.version_id = x.{version_column} \
           WHERE x.provider_id = $3 GROUP BY x.{owner_column}, tg.name \
         UNION SELECT MAX(x.id) FROM {table} x JOIN deployed_versions d ON d.version_id = x.{version_column} \
           WHERE x.provider_id = $4 AND d.undeployed_at IS NULL GROUP BY x.{version_column} \
         UNION SELECT MAX(x.id) FROM {table} x JOIN released_versions r ON r.version_id = x.{version_column} \
           WHERE x.provider_id = $5 AND r.support_ended_at IS NULL GROUP BY x.{version_column}"
    )
}

/// `sql` holding [`newest_of_each`] with the provider bound to each of its five parameters.
fn for_provider(
    sql: &str,
    provider_id: i64,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    (0..5).fold(sqlx::query(sql), |query, _| query.bind(provider_id))
}

/// The provider contracts a new pact for this provider is compared with: the newest one, the
/// newest of each branch and tag, and those of versions currently deployed or released.
pub(crate) async fn relevant(conn: &mut Conn, provider_id: i64) -> Result<Vec<ContractRef>, sqlx::Error> {
    let sql = format!(
        "SELECT pc.id, pc.sha FROM provider_contracts pc WHERE pc.id IN ({}) ORDER BY pc.id",
        newest_of_each("provider_contracts", "provider_version_id", "provider_id")
    );
    let rows = for_provider(&sql, provider_id).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(ContractRef {
                id: row.try_get("id")?,
                sha: row.try_get("sha")?,
            })
        })
        .collect()
}

/// A pact content a new provider contract is compared with.
#[derive(Debug, Clone)]
pub(crate) struct RelevantPact {
    pub(crate) content_id: i64,
    pub(crate) consumer: String,
    pub(crate) sha: String,
    pub(crate) content: String,
}

/// The pact contents a new provider contract of this provider is compared with: each
/// consumer's newest, the newest of each consumer branch and tag, and those of consumer
/// versions currently deployed or released.
pub(crate) async fn relevant_pacts(
    conn: &mut Conn,
    provider_id: i64,
) -> Result<Vec<RelevantPact>, sqlx::Error> {
    let sql = format!(
        "SELECT pc.id, p.name AS consumer, pc.sha, pc.content FROM pact_contents pc \
         JOIN pacticipants p ON p.id = pc.consumer_id \
         WHERE pc.id IN (SELECT pp.content_id FROM pact_publications pp WHERE pp.id IN ({})) ORDER BY pc.id",
        newest_of_each("pact_publications", "consumer_version_id", "consumer_id")
    );
    let rows = for_provider(&sql, provider_id).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(RelevantPact {
                content_id: row.try_get("id")?,
                consumer: row.try_get("consumer")?,
                sha: row.try_get("sha")?,
                content: row.try_get("content")?,
            })
        })
        .collect()
}

/// A stored comparison of a provider contract with a pact content.
#[derive(Debug, Clone)]
pub(crate) struct StoredComparison {
    pub(crate) content_id: i64,
    pub(crate) compatible: bool,
    pub(crate) interactions: i64,
    /// The mismatches, as the JSON array the domain wrote.
    pub(crate) mismatches: String,
    pub(crate) created_at: String,
}

fn comparison_from_row(row: &sqlx::any::AnyRow) -> Result<StoredComparison, sqlx::Error> {
    Ok(StoredComparison {
        content_id: row.try_get("content_id")?,
        compatible: row.try_get::<i64, _>("compatible")? != 0,
        interactions: row.try_get("interactions")?,
        mismatches: row.try_get("mismatches")?,
        created_at: row.try_get("created_at")?,
    })
}

const SELECT_COMPARISON: &str = "SELECT cc.content_id, cc.compatible, cc.interactions, \
    cc.mismatches, cc.created_at FROM contract_comparisons cc";

/// Records (or replaces) the comparison of a provider contract with a pact content.
pub(crate) async fn record_comparison(
    conn: &mut Conn,
    provider_contract_id: i64,
    content_id: i64,
    compatible: bool,
    interactions: i64,
    mismatches: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM contract_comparisons WHERE provider_contract_id = $1 AND content_id = $2")
        .bind(provider_contract_id)
        .bind(content_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO contract_comparisons (provider_contract_id, content_id, compatible, interactions, mismatches, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(provider_contract_id)
    .bind(content_id)
    .bind(i64::from(compatible))
    .bind(interactions)
    .bind(mismatches)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every comparison of a provider contract, in the order they were made.
pub(crate) async fn comparisons_of(
    conn: &mut Conn,
    provider_contract_id: i64,
) -> Result<Vec<StoredComparison>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT_COMPARISON} WHERE cc.provider_contract_id = $1 ORDER BY cc.id"
    ))
    .bind(provider_contract_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(comparison_from_row).collect()
}

/// The comparison of a provider contract with one pact content, when it was made.
pub(crate) async fn comparison(
    conn: &mut Conn,
    provider_contract_id: i64,
    content_id: i64,
) -> Result<Option<StoredComparison>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT_COMPARISON} WHERE cc.provider_contract_id = $1 AND cc.content_id = $2"
    ))
    .bind(provider_contract_id)
    .bind(content_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(comparison_from_row).transpose()
}

/// The comparisons of these pact contents as the matrix counts them, by content id: a
/// verification of the provider contract's version that succeeded when the comparison found
/// the pact compatible and the provider's own tests passed.
pub(crate) async fn as_verifications(
    conn: &mut Conn,
    content_ids: &[i64],
) -> Result<HashMap<i64, Vec<Verification>>, sqlx::Error> {
    let mut out: HashMap<i64, Vec<Verification>> = HashMap::new();
    for list in super::id_lists(content_ids) {
        let rows = sqlx::query(&format!(
            "SELECT cc.id, cc.content_id, cc.compatible, pc.self_verified, pc.provider_version_id, \
             v.number AS provider_version, pc.build_url, pc.verifier, cc.created_at \
             FROM contract_comparisons cc JOIN provider_contracts pc ON pc.id = cc.provider_contract_id \
             JOIN versions v ON v.id = pc.provider_version_id WHERE cc.content_id IN ({list}) ORDER BY cc.id"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let content_id: i64 = row.try_get("content_id")?;
            let compatible = row.try_get::<i64, _>("compatible")? != 0;
            let self_verified = row.try_get::<i64, _>("self_verified")? != 0;
            out.entry(content_id).or_default().push(Verification {
                id: row.try_get("id")?,
                content_id,
                provider_version_id: row.try_get("provider_version_id")?,
                provider_version: row.try_get("provider_version")?,
                success: compatible && self_verified,
                build_url: row.try_get("build_url")?,
                test_results: String::new(),
                verified_by: row.try_get::<Option<String>, _>("verifier")?.unwrap_or_default(),
                created_at: row.try_get("created_at")?,
                kind: VerificationKind::ProviderContract {
                    compatible,
                    self_verified,
                },
            });
        }
    }
    Ok(out)
}

/// A provider contract and a pact content not compared yet, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Uncompared {
    pub(crate) contract_id: i64,
    pub(crate) content_id: i64,
}

/// Of these (consumer, provider, pact content hash, provider version id) pairs, those whose
/// provider version has a provider contract never compared with that pact content; ids only,
/// so asking costs no document.
pub(crate) async fn uncompared(
    conn: &mut Conn,
    pairs: &[(String, String, String, i64)],
) -> Result<Vec<Uncompared>, sqlx::Error> {
    let version_ids: Vec<i64> = pairs.iter().map(|p| p.3).collect();
    let mut contracts: HashMap<i64, i64> = HashMap::new();
    for list in super::id_lists(&version_ids) {
        let rows = sqlx::query(&format!(
            "SELECT id, provider_version_id FROM provider_contracts WHERE provider_version_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            contracts.insert(row.try_get("provider_version_id")?, row.try_get("id")?);
        }
    }
    let mut out = Vec::new();
    for (consumer, provider, sha, version_id) in pairs {
        let Some(contract_id) = contracts.get(version_id).copied() else {
            continue;
        };
        let content = sqlx::query(
            "SELECT pc.id FROM pact_contents pc JOIN pacticipants c ON c.id = pc.consumer_id \
             JOIN pacticipants p ON p.id = pc.provider_id WHERE c.name = $1 AND p.name = $2 AND pc.sha = $3 \
             AND NOT EXISTS (SELECT 1 FROM contract_comparisons cc WHERE cc.content_id = pc.id AND cc.provider_contract_id = $4)",
        )
        .bind(consumer)
        .bind(provider)
        .bind(sha)
        .bind(contract_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = content {
            let pair = Uncompared {
                contract_id,
                content_id: row.try_get("id")?,
            };
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
    }
    Ok(out)
}

/// The text of a pact content.
pub(crate) async fn pact_content(conn: &mut Conn, content_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT content FROM pact_contents WHERE id = $1")
        .bind(content_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| r.try_get("content")).transpose()
}
