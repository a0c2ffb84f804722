//! What the broker refuses to store even though the pact reader, which is lenient on purpose
//! (a rule it cannot apply becomes a mismatch when matching), can read it: a document a
//! verification could never pass or would pass without checking anything.

use accord_core::rules::{MatchingRule, MatchingRules};
use accord_core::{Interaction, Pact, SpecVersion};
use serde_json::Value;

/// Every reason `pact` (read from `raw`) cannot be published.
pub(crate) fn problems(pact: &Pact, raw: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if raw.get("interactions").is_none() && raw.get("messages").is_none() {
        out.push(
            "the pact has no 'interactions' (it would verify as passed without checking anything)".to_owned(),
        );
    }
    let metadata = &raw["metadata"];
    for key in [
        "pactSpecification",
        "pact-specification",
        "pactSpecificationVersion",
    ] {
        let version = metadata[key]["version"]
            .as_str()
            .or_else(|| metadata[key].as_str());
        if let Some(version) = version
            && SpecVersion::parse(version).is_none()
        {
            out.push(format!(
                "metadata.{key}: unknown specification version '{version}'"
            ));
        }
    }
    for (i, interaction) in pact.interactions.iter().enumerate() {
        let at = format!("interactions[{i}] ('{}')", interaction.info().description);
        let mut rules: Vec<&MatchingRules> = Vec::new();
        match interaction {
            Interaction::Http(http) => {
                let method = &http.request.method;
                if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()) {
                    out.push(format!("{at}: request.method '{method}' is not an HTTP method"));
                }
                rules.push(&http.request.matching_rules);
                rules.push(&http.response.matching_rules);
            }
            Interaction::AsyncMessage(m) => rules.push(&m.message.matching_rules),
            Interaction::SyncMessage(m) => {
                rules.push(&m.request.matching_rules);
                rules.extend(m.response.iter().map(|r| &r.matching_rules));
            }
        }
        for set in rules {
            for (_, category) in set.iter() {
                for (path, list) in category.iter() {
                    for rule in &list.rules {
                        if let Some(why) = unusable(rule) {
                            out.push(format!("{at}: the rule at '{path}' {why}"));
                        }
                    }
                }
            }
        }
    }
    negative_sizes(raw, "$", &mut out);
    out
}

/// Why a rule can never be applied, if it cannot.
fn unusable(rule: &MatchingRule) -> Option<String> {
    match rule {
        MatchingRule::Regex(pattern) => pattern
            .validate()
            .err()
            .map(|e| format!("has a regex that does not compile ('{}'): {e}", pattern.as_str())),
        MatchingRule::Timestamp(format) | MatchingRule::Date(format) | MatchingRule::Time(format) => {
            format.validate().err().map(|e| {
                format!(
                    "has a date format that cannot be read ('{}'): {e}",
                    format.as_str()
                )
            })
        }
        MatchingRule::EachKey { rules, .. } | MatchingRule::EachValue { rules, .. } => {
            rules.iter().find_map(unusable)
        }
        _ => None,
    }
}

/// `min` or `max` of a matcher below zero (the reader ignores them, so the limit would vanish).
fn negative_sizes(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("match") {
                for key in ["min", "max"] {
                    if map.get(key).and_then(Value::as_i64).is_some_and(|n| n < 0) {
                        out.push(format!("{path}: '{key}' must not be negative"));
                    }
                }
            }
            for (k, v) in map {
                negative_sizes(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                negative_sizes(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}
