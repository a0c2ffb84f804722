//! What changed between two versions of a pact, by meaning rather than by text: both are read
//! by accord and written in the V4 form, so a V2 pact and its V3 successor compare field by
//! field; interactions are paired by description and provider states (by description alone when
//! that is unique on both sides, so a changed state shows as a change), and a changed
//! interaction lists which request and response fields, matchers, generators and provider states
//! changed.

use std::collections::BTreeMap;

use accord_core::SpecVersion;
use serde_json::Value;

use crate::domain::{DomainError, DomainResult};
use crate::store::pacts::{self, PactRow};
use crate::store::{Conn, pacticipants, versions};

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// A provider state or its parameters.
    ProviderState,
    /// The request's method, path, query, headers or body.
    Request,
    /// The response's status, headers or body.
    Response,
    /// A matching rule.
    Matcher,
    /// A generator.
    Generator,
    /// Anything else of the interaction (its type, comments, pending flag).
    Other,
}

impl Part {
    /// How the API and the page name it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Part::ProviderState => "provider state",
            Part::Request => "request",
            Part::Response => "response",
            Part::Matcher => "matcher",
            Part::Generator => "generator",
            Part::Other => "interaction",
        }
    }
}

/// One changed place of an interaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    /// What it is about.
    pub(crate) part: Part,
    /// Where: `response.body $.balance`, `request matcher on body $.id`, ...
    pub(crate) place: String,
    /// The value before, when there was one.
    pub(crate) before: Option<Value>,
    /// The value after, when there is one.
    pub(crate) after: Option<Value>,
}

/// A changed interaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChangedInteraction {
    /// Its description (the new one's).
    pub(crate) description: String,
    /// Every change.
    pub(crate) changes: Vec<Change>,
}

/// What changed between two pacts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PactDiff {
    /// Interactions only the new pact has.
    pub(crate) added: Vec<String>,
    /// Interactions only the old pact has.
    pub(crate) removed: Vec<String>,
    /// Interactions both have, with what changed.
    pub(crate) changed: Vec<ChangedInteraction>,
    /// How many interactions are the same in both.
    pub(crate) unchanged: usize,
}

/// One side of a comparison: which pact it is.
#[derive(Debug, Clone)]
pub(crate) struct PactVersion {
    /// The consumer version it was published for.
    pub(crate) consumer_version: String,
    /// Its content's hash.
    pub(crate) sha: String,
    /// When it was published.
    pub(crate) created_at: String,
}

impl From<&PactRow> for PactVersion {
    fn from(row: &PactRow) -> PactVersion {
        PactVersion {
            consumer_version: row.consumer_version.clone(),
            sha: row.sha.clone(),
            created_at: row.created_at.clone(),
        }
    }
}

/// Two versions of one pact and what changed between them.
#[derive(Debug, Clone)]
pub(crate) struct Compared {
    /// The older pact, the base of the diff.
    pub(crate) before: PactVersion,
    /// The newer pact.
    pub(crate) after: PactVersion,
    /// What changed.
    pub(crate) diff: PactDiff,
}

/// Which two pacts of a consumer and provider to compare.
#[derive(Debug, Clone)]
pub(crate) enum Between {
    /// A consumer version's pact and the distinct one published before it.
    PreviousDistinct {
        /// The consumer version.
        version: String,
    },
    /// Two pact contents by hash: the newer one and the base.
    Contents {
        /// The newer content's hash.
        sha: String,
        /// The base content's hash.
        base: String,
    },
}

/// The two pacts and their diff; `Ok(None)` when the consumer, provider, version or a content
/// does not exist, or nothing distinct was published before.
pub(crate) async fn compare_pacts(
    conn: &mut Conn,
    provider: &str,
    consumer: &str,
    between: &Between,
) -> DomainResult<Option<Compared>> {
    let (Some(p), Some(c)) = (
        pacticipants::find(conn, provider).await?,
        pacticipants::find(conn, consumer).await?,
    ) else {
        return Ok(None);
    };
    let (before, after) = match between {
        Between::PreviousDistinct { version } => {
            let Some(v) = versions::find(conn, c.id, version).await? else {
                return Ok(None);
            };
            let Some(after) = pacts::for_version(conn, v.id, p.id).await? else {
                return Ok(None);
            };
            let Some(before) = pacts::previous_distinct(conn, c.id, p.id, &after).await? else {
                return Ok(None);
            };
            (before, after)
        }
        Between::Contents { sha, base } => {
            let (Some(after), Some(before)) = (
                pacts::by_sha(conn, c.id, p.id, sha).await?,
                pacts::by_sha(conn, c.id, p.id, base).await?,
            ) else {
                return Ok(None);
            };
            (before, after)
        }
    };
    let diff = diff(&before.content, &after.content)?;
    Ok(Some(Compared {
        before: PactVersion::from(&before),
        after: PactVersion::from(&after),
        diff,
    }))
}

/// An interaction in the V4 form with the name it is shown under.
struct Entry {
    description: String,
    states: Vec<String>,
    value: Value,
}

fn entries(content: &str, which: &str) -> DomainResult<Vec<Entry>> {
    let pact =
        accord_core::format::parse_pact(content, which).map_err(|e| DomainError::invalid(e.to_string()))?;
    let v4 = accord_core::format::pact_to_json(&pact, SpecVersion::V4)
        .map_err(|e| DomainError::invalid(format!("{which}: {e}")))?;
    let mut values: Vec<Value> = v4["interactions"].as_array().cloned().unwrap_or_default();
    // Protobuf contents as their decoded messages, so a changed field is named, not a changed
    // base64 text.
    let (decoded, _) = accord_protobuf::decoded_bodies(&pact);
    for body in decoded {
        use accord_protobuf::BodyPart;
        let Some(value) = values.get_mut(body.interaction) else {
            continue;
        };
        let sync = value["type"].as_str() == Some("Synchronous/Messages");
        let pointer = match body.part {
            BodyPart::Request if sync => "/request/contents".to_owned(),
            BodyPart::Response(k) if sync => format!("/response/{k}/contents"),
            BodyPart::Request => "/request/body".to_owned(),
            BodyPart::Response(_) => "/response/body".to_owned(),
            BodyPart::Message => "/contents".to_owned(),
        };
        if let Some(Value::Object(slot)) = value.pointer_mut(&pointer) {
            slot.insert("content".to_owned(), body.value);
            slot.insert("encoded".to_owned(), Value::Bool(false));
        }
    }
    Ok(values
        .into_iter()
        .map(|mut value| {
            // The key is derived from the content; it changes whenever anything does.
            if let Some(map) = value.as_object_mut() {
                map.remove("key");
            }
            Entry {
                description: value["description"].as_str().unwrap_or_default().to_owned(),
                states: value["providerStates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["name"].as_str().map(str::to_owned))
                    .collect(),
                value,
            }
        })
        .collect())
}

/// The interactions' differences between an old and a new pact text.
pub(crate) fn diff(old: &str, new: &str) -> DomainResult<PactDiff> {
    let old = entries(old, "the older pact")?;
    let new = entries(new, "the newer pact")?;
    let mut out = PactDiff::default();
    let mut paired_old = vec![false; old.len()];
    for n in &new {
        let exact = old
            .iter()
            .enumerate()
            .position(|(i, o)| !paired_old[i] && o.description == n.description && o.states == n.states);
        let by_description = || {
            let same = |e: &&Entry| e.description == n.description;
            let unique = old.iter().filter(same).count() == 1 && new.iter().filter(same).count() == 1;
            old.iter()
                .enumerate()
                .position(|(i, o)| unique && !paired_old[i] && o.description == n.description)
        };
        let Some(i) = exact.or_else(by_description) else {
            out.added.push(label(n));
            continue;
        };
        paired_old[i] = true;
        let changes = changes(&old[i].value, &n.value);
        if changes.is_empty() {
            out.unchanged += 1;
        } else {
            out.changed.push(ChangedInteraction {
                description: label(n),
                changes,
            });
        }
    }
    for (o, paired) in old.iter().zip(paired_old) {
        if !paired {
            out.removed.push(label(o));
        }
    }
    Ok(out)
}

fn label(entry: &Entry) -> String {
    if entry.states.is_empty() {
        entry.description.clone()
    } else {
        format!("{} (given {})", entry.description, entry.states.join(", "))
    }
}

/// Every changed leaf of two interactions, named by meaning.
fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let (mut before, mut after) = (BTreeMap::new(), BTreeMap::new());
    flatten(old, "", &mut before);
    flatten(new, "", &mut after);
    let mut out = Vec::new();
    for (place, value) in &after {
        match before.get(place) {
            Some(old) if old == value => {}
            old => out.push(change(place, old.cloned(), Some(value.clone()))),
        }
    }
    for (place, value) in &before {
        if !after.contains_key(place) {
            out.push(change(place, Some(value.clone()), None));
        }
    }
    out.sort_by(|a, b| a.place.cmp(&b.place));
    out
}

/// Leaves of an interaction by place; a matcher, generator or provider state is one leaf.
fn flatten(value: &Value, place: &str, out: &mut BTreeMap<String, Value>) {
    let last = place.rsplit('.').next().unwrap_or_default();
    let whole = matches!(last, "providerStates")
        || place.contains(".matchingRules.") && place.matches('.').count() >= 3
        || place.contains(".generators.") && place.matches('.').count() >= 3;
    match value {
        Value::Object(map) if !whole => {
            for (key, child) in map {
                let sep = if place.is_empty() { "" } else { "." };
                flatten(child, &format!("{place}{sep}{key}"), out);
            }
        }
        Value::Array(items) if !whole && !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                flatten(child, &format!("{place}[{i}]"), out);
            }
        }
        _ => {
            out.insert(place.to_owned(), value.clone());
        }
    }
}

/// A change named by its meaning: `response body $.balance`, `request matcher on body $.id`.
fn change(place: &str, before: Option<Value>, after: Option<Value>) -> Change {
    let (part, named) = if place.starts_with("providerStates") {
        (Part::ProviderState, "provider states".to_owned())
    } else if let Some((side, rest)) = place.split_once('.') {
        let side_name = if side == "request" { "request" } else { "response" };
        let is_side = matches!(side, "request" | "response");
        if let Some(rule) = rest.strip_prefix("matchingRules.") {
            let (category, path) = rule.split_once('.').unwrap_or((rule, ""));
            (
                Part::Matcher,
                format!("{side_name} matcher on {category} {path}")
                    .trim_end()
                    .to_owned(),
            )
        } else if let Some(generator) = rest.strip_prefix("generators.") {
            let (category, path) = generator.split_once('.').unwrap_or((generator, ""));
            (
                Part::Generator,
                format!("{side_name} generator on {category} {path}")
                    .trim_end()
                    .to_owned(),
            )
        } else if let Some(body) = rest.strip_prefix("body.content") {
            let path = if body.is_empty() {
                "$".to_owned()
            } else {
                format!("${body}")
            };
            (side_part(side), format!("{side_name} body {path}"))
        } else if is_side {
            (side_part(side), format!("{side_name} {}", rest.replace('.', " ")))
        } else {
            (Part::Other, place.to_owned())
        }
    } else {
        (Part::Other, place.to_owned())
    };
    Change {
        part,
        place: named,
        before,
        after,
    }
}

fn side_part(side: &str) -> Part {
    if side == "request" {
        Part::Request
    } else {
        Part::Response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pact(interactions: Value, version: &str) -> String {
        json!({"consumer": {"name": "web"}, "provider": {"name": "api"}, "interactions": interactions,
            "metadata": {"pactSpecification": {"version": version}}})
        .to_string()
    }

    #[test]
    fn interactions_are_added_removed_and_changed_by_meaning_across_spec_versions() {
        let old = pact(
            json!([
                {"description": "get account", "providerState": "an account",
                 "request": {"method": "GET", "path": "/accounts/1"},
                 "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                     "body": {"id": 1, "balance": 10}, "matchingRules": {"$.body.id": {"match": "type"}}}},
                {"description": "delete account", "request": {"method": "DELETE", "path": "/accounts/1"}, "response": {"status": 204}},
                {"description": "same", "request": {"method": "GET", "path": "/same"}, "response": {"status": 200}}
            ]),
            "2.0.0",
        );
        let new = pact(
            json!([
                {"description": "get account", "providerStates": [{"name": "an account", "params": {"id": 1}}],
                 "request": {"method": "GET", "path": "/accounts/1"},
                 "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                     "body": {"id": 1, "balance": 10, "currency": "EUR"},
                     "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}}}},
                {"description": "same", "request": {"method": "GET", "path": "/same"}, "response": {"status": 200}},
                {"description": "close account", "request": {"method": "POST", "path": "/accounts/1/close"}, "response": {"status": 200}}
            ]),
            "3.0.0",
        );
        let diff = diff(&old, &new).expect("both readable");
        assert_eq!(diff.added, ["close account"]);
        assert_eq!(diff.removed, ["delete account"]);
        assert_eq!(diff.unchanged, 1);
        let changed = &diff.changed[0];
        assert_eq!(changed.description, "get account (given an account)");
        let places: Vec<(&str, &str)> = changed
            .changes
            .iter()
            .map(|c| (c.part.as_str(), c.place.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                ("provider state", "provider states"),
                ("response", "response body $.currency"),
                ("matcher", "response matcher on body $.id"),
            ],
            "{changed:?}"
        );
    }
}
