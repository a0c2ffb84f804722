//! How one pact of a publication lands on its consumer version: a new pact, the same content
//! again, different content (refused with a diff unless overwriting is allowed), or new
//! interactions merged into the pact already there.

use serde_json::Value;

use crate::domain::DomainResult;
use crate::store::Conn;
use crate::store::pacts::{self, NewRevision, canonical, content_sha};

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Published {
    /// A new publication.
    Created,
    /// The same content again: nothing changed.
    Unchanged,
    /// Different content replaced the previous revision.
    Overwritten,
    /// New interactions were merged into the previous revision.
    Merged,
    /// Refused: different content for an existing consumer version. The diff.
    Conflict(String),
}

/// What publishing one pact did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublishedPact {
    /// Created, unchanged, overwritten, merged or refused.
    pub(crate) published: Published,
    /// The content hash now published for the version (empty when refused).
    pub(crate) sha: String,
    /// Whether the content was stored for the first time.
    pub(crate) new_content: bool,
}

/// The consumer, provider and consumer version a pact is published for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    /// The consumer.
    pub(crate) consumer_id: i64,
    /// The provider.
    pub(crate) provider_id: i64,
    /// The consumer version.
    pub(crate) version_id: i64,
}

/// A unified diff of two pacts' texts, with keys sorted and metadata left out.
fn diff(old: &str, new: &str) -> String {
    let pretty = |text: &str| {
        serde_json::from_str::<Value>(text)
            .map(|mut v| {
                if let Some(map) = v.as_object_mut() {
                    map.remove("metadata");
                }
                serde_json::to_string_pretty(&canonical(&v)).unwrap_or_default()
            })
            .unwrap_or_else(|_| text.to_owned())
    };
    similar::TextDiff::from_lines(&pretty(old), &pretty(new))
        .unified_diff()
        .context_radius(3)
        .header("published", "submitted")
        .to_string()
}

/// Merges the interactions of `addition` into `existing` (same description and provider states
/// must have the same content); `Err` names the conflicting interaction.
pub(crate) fn merge_content(existing: &Value, addition: &Value) -> Result<Value, String> {
    let mut merged = existing.clone();
    let identity = |i: &Value| {
        format!(
            "{}\u{0}{}\u{0}{}",
            i["description"], i["providerStates"], i["providerState"]
        )
    };
    let without_id = |item: &Value| {
        let mut clean = item.clone();
        if let Some(map) = clean.as_object_mut() {
            map.remove("_id");
        }
        clean
    };
    for key in ["interactions", "messages"] {
        let Some(new_items) = addition[key].as_array() else {
            continue;
        };
        let list = merged
            .as_object_mut()
            .map(|m| m.entry(key).or_insert_with(|| Value::Array(Vec::new())));
        let Some(Value::Array(list)) = list else { continue };
        for item in new_items {
            let clean = without_id(item);
            match list.iter().find(|e| identity(e) == identity(item)) {
                Some(present) if canonical(&without_id(present)) != canonical(&clean) => {
                    return Err(format!(
                        "interaction {} is already in the pact with different content",
                        item["description"]
                    ));
                }
                Some(_) => {}
                None => list.push(clean),
            }
        }
    }
    Ok(merged)
}

/// Publishes `pact` for the target's consumer version: the same content is unchanged; different
/// content is refused with a diff unless `allow_overwrite` (or merged when `merge`).
pub(crate) async fn publish(
    conn: &mut Conn,
    target: Target,
    pact: &Value,
    allow_overwrite: bool,
    merge: bool,
) -> DomainResult<PublishedPact> {
    let refused = |published| PublishedPact {
        published,
        sha: String::new(),
        new_content: false,
    };
    let existing = pacts::for_version(conn, target.version_id, target.provider_id).await?;
    let merged;
    let pact = match (&existing, merge) {
        (Some(row), true) => {
            let current: Value = serde_json::from_str(&row.content).unwrap_or(Value::Null);
            match merge_content(&current, pact) {
                Ok(value) => {
                    merged = value;
                    &merged
                }
                Err(reason) => return Ok(refused(Published::Conflict(reason))),
            }
        }
        _ => pact,
    };
    let sha = content_sha(pact);
    let revision = match &existing {
        Some(row) if row.sha == sha => {
            return Ok(PublishedPact {
                published: Published::Unchanged,
                sha,
                new_content: false,
            });
        }
        Some(row) if !allow_overwrite && !merge => {
            return Ok(refused(Published::Conflict(diff(
                &row.content,
                &pact.to_string(),
            ))));
        }
        Some(_) => pacts::next_revision(conn, target.version_id, target.provider_id).await?,
        None => 1,
    };
    let new_content = pacts::store_revision(
        conn,
        &NewRevision {
            consumer_id: target.consumer_id,
            provider_id: target.provider_id,
            consumer_version_id: target.version_id,
            revision,
            pact,
            sha: &sha,
        },
    )
    .await?;
    let published = match (existing.is_some(), merge) {
        (true, true) => Published::Merged,
        (true, false) => Published::Overwritten,
        (false, _) => Published::Created,
    };
    Ok(PublishedPact {
        published,
        sha,
        new_content,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merge_content;

    #[test]
    fn merging_adds_new_interactions_keeps_equal_ones_and_refuses_changed_ones() {
        let existing =
            json!({"interactions": [{"description": "a", "_id": "x", "response": {"status": 200}}]});
        let same_and_new = json!({"interactions": [
            {"description": "a", "response": {"status": 200}},
            {"description": "b", "response": {"status": 201}}
        ]});
        let merged = merge_content(&existing, &same_and_new).expect("merges");
        let descriptions: Vec<&str> = merged["interactions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["description"].as_str())
            .collect();
        assert_eq!(descriptions, ["a", "b"]);
        let changed = json!({"interactions": [{"description": "a", "response": {"status": 500}}]});
        let refused = merge_content(&existing, &changed).expect_err("refused");
        assert!(refused.contains("\"a\""), "{refused}");
    }
}
