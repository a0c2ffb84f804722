//! Pact content (stored once per distinct content) and publications per consumer version.

use std::collections::HashMap;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::Conn;
use crate::db::now;

/// Recursively sorts object keys so equal content serialises equally.
pub(crate) fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), canonical(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The SHA-256 of a text, in hex.
pub(crate) fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The content hash: only what affects verification (interactions, messages, spec version), with
/// keys sorted and interactions in a stable order, so metadata and ordering changes do not count.
pub(crate) fn content_sha(pact: &Value) -> String {
    let sorted_list = |key: &str| -> Vec<String> {
        let mut items: Vec<String> = pact[key]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|i| {
                        let mut i = i.clone();
                        if let Some(map) = i.as_object_mut() {
                            map.remove("_id");
                        }
                        canonical(&i).to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        items.sort();
        items
    };
    // The hash of `{"interactions":[...],"messages":[...],"spec":...}` as compact JSON, written
    // straight into the hasher: a large pact is not copied once more into one string.
    let mut hasher = HashWriter(Sha256::new());
    let spec = &pact["metadata"]["pactSpecification"]["version"];
    hasher.0.update(b"{\"interactions\":");
    let _ = serde_json::to_writer(&mut hasher, &sorted_list("interactions"));
    hasher.0.update(b",\"messages\":");
    let _ = serde_json::to_writer(&mut hasher, &sorted_list("messages"));
    hasher.0.update(b",\"spec\":");
    let _ = serde_json::to_writer(&mut hasher, spec);
    hasher.0.update(b"}");
    hasher.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds what is written into a SHA-256 hasher.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds an `_id` to an interaction or message (a hash of its content).
fn with_id(interaction: &mut Value) {
    if let Some(map) = interaction.as_object_mut() {
        map.remove("_id");
        let id = hex_digest(&canonical(&Value::Object(map.clone())).to_string());
        map.insert("_id".into(), Value::String(id[..40].to_owned()));
    }
}

/// The pact as stored: every interaction and message with its `_id`. Written one interaction
/// at a time, so a large pact is not copied whole first.
fn stored_text(pact: &Value) -> String {
    let Some(map) = pact.as_object() else {
        return pact.to_string();
    };
    let mut out = String::from("{");
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        match value.as_array() {
            Some(list) if key == "interactions" || key == "messages" => {
                out.push('[');
                for (j, interaction) in list.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    let mut interaction = interaction.clone();
                    with_id(&mut interaction);
                    out.push_str(&interaction.to_string());
                }
                out.push(']');
            }
            _ => out.push_str(&value.to_string()),
        }
    }
    out.push('}');
    out
}

/// A publication with its content.
#[derive(Debug, Clone)]
pub(crate) struct PactRow {
    pub(crate) consumer_version_id: i64,
    pub(crate) consumer_version: String,
    pub(crate) content_id: i64,
    pub(crate) sha: String,
    pub(crate) content: String,
    pub(crate) created_at: String,
}

const SELECT: &str = "SELECT pp.consumer_id, pp.provider_id, pp.consumer_version_id, v.number AS consumer_version, \
    pc.id AS content_id, pc.sha, pc.content, pp.created_at \
    FROM pact_publications pp JOIN pact_contents pc ON pc.id = pp.content_id JOIN versions v ON v.id = pp.consumer_version_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<PactRow, sqlx::Error> {
    Ok(PactRow {
        consumer_version_id: row.try_get("consumer_version_id")?,
        consumer_version: row.try_get("consumer_version")?,
        content_id: row.try_get("content_id")?,
        sha: row.try_get("sha")?,
        content: row.try_get("content")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The latest revision of the pact of one consumer version for a provider.
pub(crate) async fn for_version(
    conn: &mut Conn,
    consumer_version_id: i64,
    provider_id: i64,
) -> Result<Option<PactRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE pp.consumer_version_id = $1 AND pp.provider_id = $2 ORDER BY pp.revision DESC LIMIT 1"
    ))
    .bind(consumer_version_id)
    .bind(provider_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The latest revision of the pact of each of `consumer_version_ids` for a provider, by
/// version id, in one query.
pub(crate) async fn for_versions(
    conn: &mut Conn,
    consumer_version_ids: &[i64],
    provider_id: i64,
) -> Result<std::collections::HashMap<i64, PactRow>, sqlx::Error> {
    let mut out = std::collections::HashMap::new();
    for list in super::id_lists(consumer_version_ids) {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE pp.provider_id = $1 AND pp.consumer_version_id IN ({list}) ORDER BY pp.revision"
        ))
        .bind(provider_id)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let version_id: i64 = row.try_get("consumer_version_id")?;
            // Later revisions come last and replace earlier ones.
            out.insert(version_id, from_row(row)?);
        }
    }
    Ok(out)
}

/// The pact of the latest consumer version (optionally one with a tag) that has one.
pub(crate) async fn latest(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    tag: Option<&str>,
) -> Result<Option<PactRow>, sqlx::Error> {
    let filter = tag.map_or(VersionFilter::Any, VersionFilter::Tag);
    Ok(for_pair(conn, consumer_id, provider_id, filter, 1)
        .await?
        .into_iter()
        .next())
}

/// The latest pact of every integration, by (consumer id, provider id): the newest consumer
/// version with a pact, its latest revision; in one query.
/// The rows leave out the pact's content (an index shows where and when, not what).
pub(crate) async fn latest_of_each_integration(
    conn: &mut Conn,
) -> Result<HashMap<(i64, i64), PactRow>, sqlx::Error> {
    // One index probe per integration (publications_by_provider) for its newest consumer
    // version with a pact: the work grows with the integrations, not with their history.
    // CROSS JOIN keeps SQLite's planner starting from the integrations.
    let rows = sqlx::query(
        "SELECT pp.consumer_id, pp.provider_id, pp.consumer_version_id, v.number AS consumer_version, \
         pc.id AS content_id, pc.sha, '' AS content, pp.created_at \
         FROM integrations i CROSS JOIN pact_publications pp CROSS JOIN pact_contents pc CROSS JOIN versions v \
         WHERE pp.provider_id = i.provider_id AND pp.consumer_id = i.consumer_id \
          AND pp.consumer_version_id = (SELECT MAX(p2.consumer_version_id) FROM pact_publications p2 \
               WHERE p2.provider_id = i.provider_id AND p2.consumer_id = i.consumer_id) \
          AND pc.id = pp.content_id AND v.id = pp.consumer_version_id \
         ORDER BY pp.revision",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = HashMap::new();
    for row in &rows {
        let key = (row.try_get("consumer_id")?, row.try_get("provider_id")?);
        // Ordered by revision: the last one wins.
        out.insert(key, from_row(row)?);
    }
    Ok(out)
}

/// The content with a given hash for a consumer and provider.
pub(crate) async fn by_sha(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    sha: &str,
) -> Result<Option<PactRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE pp.consumer_id = $1 AND pp.provider_id = $2 AND pc.sha = $3 ORDER BY v.id DESC, pp.revision DESC LIMIT 1"
    ))
    .bind(consumer_id)
    .bind(provider_id)
    .bind(sha)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The next revision number of the pact of a consumer version with a provider (1 for the
/// first).
pub(crate) async fn next_revision(
    conn: &mut Conn,
    consumer_version_id: i64,
    provider_id: i64,
) -> Result<i64, sqlx::Error> {
    let current: Option<i64> = sqlx::query(
        "SELECT MAX(revision) AS r FROM pact_publications WHERE consumer_version_id = $1 AND provider_id = $2",
    )
    .bind(consumer_version_id)
    .bind(provider_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("r")?;
    Ok(current.unwrap_or(0) + 1)
}

/// A pact revision to store: who, which version, which revision, the document and its hash.
pub(crate) struct NewRevision<'a> {
    /// The consumer.
    pub(crate) consumer_id: i64,
    /// The provider.
    pub(crate) provider_id: i64,
    /// The consumer version.
    pub(crate) consumer_version_id: i64,
    /// The revision number ([`next_revision`]).
    pub(crate) revision: i64,
    /// The pact.
    pub(crate) pact: &'a Value,
    /// Its [`content_sha`].
    pub(crate) sha: &'a str,
}

/// Stores a revision: the content once per distinct hash, the publication, and the pair as an
/// integration; whether the content was stored for the first time.
pub(crate) async fn store_revision(conn: &mut Conn, new: &NewRevision<'_>) -> Result<bool, sqlx::Error> {
    let now = now();
    let stored = stored_text(new.pact);
    // A new content's id comes back from the insert; an existing one's needs a look-up.
    let inserted = sqlx::query(
        "INSERT INTO pact_contents (consumer_id, provider_id, sha, content, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (consumer_id, provider_id, sha) DO NOTHING RETURNING id",
    )
    .bind(new.consumer_id)
    .bind(new.provider_id)
    .bind(new.sha)
    .bind(&stored)
    .bind(&now)
    .fetch_optional(&mut *conn)
    .await?;
    let new_content = inserted.is_some();
    let content_id: i64 = match inserted {
        Some(row) => row.try_get("id")?,
        None => sqlx::query(
            "SELECT id FROM pact_contents WHERE consumer_id = $1 AND provider_id = $2 AND sha = $3",
        )
        .bind(new.consumer_id)
        .bind(new.provider_id)
        .bind(new.sha)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?,
    };
    sqlx::query(
        "INSERT INTO pact_publications (consumer_version_id, consumer_id, provider_id, revision, content_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer_version_id, provider_id, revision) DO NOTHING",
    )
    .bind(new.consumer_version_id)
    .bind(new.consumer_id)
    .bind(new.provider_id)
    .bind(new.revision)
    .bind(content_id)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO integrations (consumer_id, provider_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (provider_id, consumer_id) DO NOTHING",
    )
    .bind(new.consumer_id)
    .bind(new.provider_id)
    .bind(&now)
    .execute(&mut *conn)
    .await?;
    Ok(new_content)
}

/// Which consumer versions a pact list covers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VersionFilter<'a> {
    /// Every consumer version.
    Any,
    /// Consumer versions with this tag.
    Tag(&'a str),
    /// Consumer versions on this branch.
    Branch(&'a str),
    /// Consumer versions on the consumer's main branch.
    MainBranch,
}

/// Latest revisions of the pacts of one consumer for a provider whose consumer versions pass
/// `filter`, newest first; `limit` 1 gives the latest.
pub(crate) async fn for_pair(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    filter: VersionFilter<'_>,
    limit: i64,
) -> Result<Vec<PactRow>, sqlx::Error> {
    // The common case first: the branch's newest version has a pact with the provider.
    if limit == 1 {
        let branch = match filter {
            VersionFilter::Branch(branch) => Some(branch.to_owned()),
            VersionFilter::MainBranch => super::pacticipants::find_by_id(conn, consumer_id)
                .await?
                .and_then(|c| c.main_branch),
            _ => None,
        };
        if let Some(branch) = branch
            && let Some(head) = super::versions::branch_head(conn, consumer_id, &branch).await?
            && let Some(row) = for_version(conn, head.id, provider_id).await?
        {
            return Ok(vec![row]);
        }
    }
    // Each form starts from the smallest set (the branch's or tag's versions) and walks it newest
    // first, so "the latest" stops at the first version that has a pact with the provider.
    // CROSS JOIN fixes that order for SQLite's planner; PostgreSQL plans it freely.
    const PACT: &str = "CROSS JOIN pact_publications pp CROSS JOIN pact_contents pc";
    const MATCH: &str = "pp.provider_id = $2 AND pc.id = pp.content_id";
    let (tables, condition, order, value) = match filter {
        VersionFilter::Any => (
            format!("versions v {PACT}"),
            format!("v.pacticipant_id = $1 AND pp.consumer_version_id = v.id AND {MATCH}"),
            "v.id",
            None,
        ),
        VersionFilter::Tag(tag) => (
            format!("tags t CROSS JOIN versions v {PACT}"),
            format!(
                "t.name = $3 AND v.id = t.version_id AND v.pacticipant_id = $1 AND pp.consumer_version_id = v.id AND {MATCH}"
            ),
            "t.version_id",
            Some(tag),
        ),
        VersionFilter::Branch(branch) => (
            format!("branches b CROSS JOIN branch_versions bv {PACT} CROSS JOIN versions v"),
            format!(
                "b.pacticipant_id = $1 AND b.name = $3 AND bv.branch_id = b.id AND pp.consumer_version_id = bv.version_id \
                 AND {MATCH} AND v.id = bv.version_id"
            ),
            "bv.version_id",
            Some(branch),
        ),
        VersionFilter::MainBranch => (
            format!("branches b CROSS JOIN branch_versions bv {PACT} CROSS JOIN versions v"),
            format!(
                "b.pacticipant_id = $1 AND b.name = (SELECT c.main_branch FROM pacticipants c WHERE c.id = $1) \
                 AND bv.branch_id = b.id AND pp.consumer_version_id = bv.version_id AND {MATCH} AND v.id = bv.version_id"
            ),
            "bv.version_id",
            None,
        ),
    };
    let columns = "pp.consumer_version_id, pp.provider_id, v.number AS consumer_version, pc.id AS content_id, pc.sha, pc.content, pp.created_at";
    let limit_clause = if limit == 1 { "LIMIT 1" } else { "" };
    let sql = format!(
        "SELECT {columns} FROM {tables} WHERE {condition} ORDER BY {order} DESC, pp.revision DESC {limit_clause}"
    );
    let mut query = sqlx::query(&sql).bind(consumer_id).bind(provider_id);
    if let Some(value) = value {
        query = query.bind(value);
    }
    let mut out: Vec<PactRow> = Vec::new();
    let mut last_version = None;
    for row in query.fetch_all(&mut *conn).await? {
        // Rows come newest revision first within a version: keep the first of each.
        let version: i64 = row.try_get("consumer_version_id")?;
        if last_version == Some(version) {
            continue;
        }
        last_version = Some(version);
        out.push(from_row(&row)?);
        if out.len() as i64 >= limit {
            break;
        }
    }
    Ok(out)
}

/// Deletes every revision of a consumer version's pact with a provider; how many rows went.
pub(crate) async fn delete_for_version(
    conn: &mut Conn,
    consumer_version_id: i64,
    provider_id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM pact_publications WHERE consumer_version_id = $1 AND provider_id = $2")
            .bind(consumer_version_id)
            .bind(provider_id)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// Deletes content no publication refers to (and, by cascade, its verification results).
pub(crate) async fn delete_orphaned_contents(conn: &mut Conn) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM pact_contents WHERE NOT EXISTS (SELECT 1 FROM pact_publications pp WHERE pp.content_id = pact_contents.id)",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::content_sha;
    use sha2::{Digest, Sha256};

    /// The hash is the one of the basis document serialised whole, as published pacts' hashes
    /// have always been computed: stored pacts keep their identity.
    #[test]
    fn the_streamed_hash_equals_the_hash_of_the_whole_basis() {
        let pact = serde_json::json!({
            "consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [{"description": "b \"quoted\" é", "response": {"status": 200}}, {"description": "a"}],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}
        });
        let items = |key: &str| -> Vec<String> {
            let mut list: Vec<String> = pact[key]
                .as_array()
                .map(|l| l.iter().map(|i| super::canonical(i).to_string()).collect())
                .unwrap_or_default();
            list.sort();
            list
        };
        let basis = serde_json::json!({
            "interactions": items("interactions"),
            "messages": items("messages"),
            "spec": pact["metadata"]["pactSpecification"]["version"].clone(),
        });
        let expected: String = Sha256::digest(basis.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(content_sha(&pact), expected);
    }

    /// The stored text is the pact with an `_id` in each interaction, as a whole-tree copy
    /// would give it.
    #[test]
    fn the_stored_text_equals_the_pact_with_ids() {
        let pact = serde_json::json!({
            "consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [{"_id": "old", "description": "a", "response": {"status": 200}}, {"description": "b"}],
            "messages": [], "metadata": {"pactSpecification": {"version": "3.0.0"}}
        });
        let mut whole = pact.clone();
        for interaction in whole["interactions"].as_array_mut().into_iter().flatten() {
            super::with_id(interaction);
        }
        assert_eq!(super::stored_text(&pact), whole.to_string());
        assert!(!super::stored_text(&pact).contains("\"old\""));
    }
}

/// Who published one pact content: the consumer, the hash and the consumer versions (newest
/// first).
#[derive(Debug, Clone)]
pub(crate) struct ContentPublications {
    pub(crate) consumer: String,
    pub(crate) sha: String,
    pub(crate) consumer_versions: Vec<String>,
}

/// The publications of one pact content; `None` when the content no longer exists.
pub(crate) async fn publications_of_content(
    conn: &mut Conn,
    content_id: i64,
) -> Result<Option<ContentPublications>, sqlx::Error> {
    let Some(content) = sqlx::query(
        "SELECT p.name, pc.sha FROM pact_contents pc JOIN pacticipants p ON p.id = pc.consumer_id WHERE pc.id = $1",
    )
    .bind(content_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let versions = sqlx::query(
        "SELECT v.number FROM pact_publications pp JOIN versions v ON v.id = pp.consumer_version_id \
         WHERE pp.content_id = $1 ORDER BY pp.id DESC LIMIT 20",
    )
    .bind(content_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut consumer_versions = Vec::new();
    for row in &versions {
        let number: String = row.try_get("number")?;
        if !consumer_versions.contains(&number) {
            consumer_versions.push(number);
        }
    }
    Ok(Some(ContentPublications {
        consumer: content.try_get("name")?,
        sha: content.try_get("sha")?,
        consumer_versions,
    }))
}

/// The pact published before `row` for the same consumer and provider whose content differs
/// (the previous distinct version), by consumer version order.
pub(crate) async fn previous_distinct(
    conn: &mut Conn,
    consumer_id: i64,
    provider_id: i64,
    row: &PactRow,
) -> Result<Option<PactRow>, sqlx::Error> {
    let found = sqlx::query(&format!(
        "{SELECT} WHERE pp.consumer_id = $1 AND pp.provider_id = $2 AND pp.consumer_version_id < $3 AND pp.content_id <> $4 \
         ORDER BY pp.consumer_version_id DESC, pp.revision DESC LIMIT 1"
    ))
    .bind(consumer_id)
    .bind(provider_id)
    .bind(row.consumer_version_id)
    .bind(row.content_id)
    .fetch_optional(&mut *conn)
    .await?;
    found.as_ref().map(from_row).transpose()
}
