//! The Ruby pact gem's `json_class` matchers, as its pre-V3 pacts hold them inline:
//! `Pact::Term` (an example and a Ruby regex), `Pact::SomethingLike` (match by type) and
//! `Pact::ArrayLike` (each element like the example, at least `min`). Each becomes its example
//! value plus a V2 matching rule at its place, so the rest of the reader sees an ordinary V2
//! request or response (or gets V3 rules when its rules are already V3-shaped: a pact without
//! a specification version reads as V3). The official tools read these objects as literal
//! JSON; reading them as the matchers they are is what their writer meant.

use serde_json::{Map, Value, json};

/// The request or response with every `json_class` matcher replaced by its example and a rule
/// added to `matchingRules`; `None` when it has none.
pub(crate) fn unwrap(part: &Map<String, Value>) -> Option<Map<String, Value>> {
    if !part.values().any(contains_json_class) {
        return None;
    }
    let mut out = part.clone();
    let mut rules = Map::new();
    if let Some(path) = out.get_mut("path") {
        replace(path, "$.path", &mut rules);
    }
    for (key, prefix) in [("headers", "$.headers"), ("query", "$.query")] {
        if let Some(Value::Object(map)) = out.get_mut(key) {
            for (name, value) in map.iter_mut() {
                replace(value, &format!("{prefix}.{}", field(name)), &mut rules);
            }
        }
    }
    if let Some(body) = out.get_mut("body") {
        replace(body, "$.body", &mut rules);
    }
    let existing = out
        .entry("matchingRules")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(existing) = existing {
        let nested = existing.keys().any(|k| !k.starts_with('$'));
        for (path, rule) in rules {
            if nested {
                add_nested(existing, &path, rule);
            } else {
                existing.entry(path).or_insert(rule);
            }
        }
    }
    Some(out)
}

/// Adds a V2 rule (`$.body.a`, `$.headers.H`, `$.query.q`, `$.path`) to V3 rules by category.
fn add_nested(rules: &mut Map<String, Value>, path: &str, rule: Value) {
    let matchers = json!({"matchers": [rule]});
    let (category, key) = if let Some(rest) = path.strip_prefix("$.body") {
        ("body", Some(format!("${rest}")))
    } else if let Some(rest) = path.strip_prefix("$.headers.") {
        ("header", Some(rest.to_owned()))
    } else if let Some(rest) = path.strip_prefix("$.query.") {
        ("query", Some(rest.to_owned()))
    } else {
        ("path", None)
    };
    let entry = rules.entry(category).or_insert_with(|| Value::Object(Map::new()));
    match (key, entry) {
        (Some(key), Value::Object(map)) => {
            map.entry(key).or_insert(matchers);
        }
        (None, entry) => *entry = matchers,
        _ => {}
    }
}

fn contains_json_class(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("json_class") || map.values().any(contains_json_class),
        Value::Array(items) => items.iter().any(contains_json_class),
        _ => false,
    }
}

/// A rule path step for a key: `.name`, or `['odd key']`.
fn field(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_owned()
    } else {
        format!("['{}']", name.replace('\'', "\\'"))
    }
}

fn child(path: &str, name: &str) -> String {
    let step = field(name);
    if step.starts_with('[') {
        format!("{path}{step}")
    } else {
        format!("{path}.{step}")
    }
}

/// Replaces matchers inside `value` (found at rule path `path`) by their examples.
fn replace(value: &mut Value, path: &str, rules: &mut Map<String, Value>) {
    let class = value.get("json_class").and_then(Value::as_str).map(str::to_owned);
    match class.as_deref() {
        Some("Pact::Term") => {
            let example = value["data"]["generate"].clone();
            if let Some(regex) = ruby_regex(&value["data"]["matcher"]) {
                rules.insert(path.to_owned(), json!({"match": "regex", "regex": regex}));
            }
            *value = example;
        }
        Some("Pact::SomethingLike") => {
            let mut contents = value["contents"].clone();
            rules.insert(path.to_owned(), json!({"match": "type"}));
            replace(&mut contents, path, rules);
            *value = contents;
        }
        Some("Pact::ArrayLike") => {
            let min = value["min"].as_u64().unwrap_or(1).max(1);
            let mut element = value["contents"].clone();
            rules.insert(path.to_owned(), json!({"match": "type", "min": min}));
            replace(&mut element, &format!("{path}[*]"), rules);
            let copies = usize::try_from(min).unwrap_or(1);
            *value = Value::Array(vec![element; copies]);
        }
        _ => match value {
            Value::Object(map) => {
                for (name, v) in map.iter_mut() {
                    replace(v, &child(path, name), rules);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    replace(v, &format!("{path}[{i}]"), rules);
                }
            }
            _ => {}
        },
    }
}

/// A Ruby `Regexp` (`{"json_class": "Regexp", "s": source, "o": options}`) as a regex a whole
/// value must match: Ruby's `=~` finds the pattern anywhere, so it is wrapped to allow any text
/// around it; option 1 is ignore-case, 4 lets `.` match newlines.
fn ruby_regex(matcher: &Value) -> Option<String> {
    let (source, options) = match matcher {
        Value::String(source) => (source.as_str(), 0),
        Value::Object(map) => (
            map.get("s")?.as_str()?,
            map.get("o").and_then(Value::as_u64).unwrap_or(0),
        ),
        _ => return None,
    };
    let mut flags = String::new();
    if options & 1 != 0 {
        flags.push('i');
    }
    if options & 4 != 0 {
        flags.push('s');
    }
    let inner = if flags.is_empty() {
        source.to_owned()
    } else {
        format!("(?{flags}:{source})")
    };
    Some(format!("[\\s\\S]*(?:{inner})[\\s\\S]*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_like_and_array_like_become_examples_and_rules() {
        let part = json!({
            "status": 200,
            "headers": {"Content-type": {"json_class": "Pact::Term", "data": {"generate": "text/plain",
                "matcher": {"json_class": "Regexp", "o": 0, "s": "text"}}}},
            "body": {"message": {"json_class": "Pact::SomethingLike", "contents": "rainy"},
                     "days": {"json_class": "Pact::ArrayLike", "contents": {"name": {"json_class": "Pact::Term",
                        "data": {"generate": "Monday", "matcher": {"json_class": "Regexp", "o": 1, "s": "day$"}}}}, "min": 2}}
        });
        let out = unwrap(part.as_object().expect("object")).expect("has matchers");
        assert_eq!(out["headers"]["Content-type"], "text/plain");
        assert_eq!(out["body"]["message"], "rainy");
        assert_eq!(
            out["body"]["days"],
            json!([{"name": "Monday"}, {"name": "Monday"}])
        );
        let rules = &out["matchingRules"];
        assert_eq!(
            rules["$.headers.Content-type"]["regex"],
            "[\\s\\S]*(?:text)[\\s\\S]*"
        );
        assert_eq!(rules["$.body.message"], json!({"match": "type"}));
        assert_eq!(rules["$.body.days"], json!({"match": "type", "min": 2}));
        assert_eq!(
            rules["$.body.days[*].name"]["regex"],
            "[\\s\\S]*(?:(?i:day$))[\\s\\S]*"
        );
        assert!(unwrap(json!({"status": 200}).as_object().expect("object")).is_none());
    }

    #[test]
    fn v3_shaped_rules_get_the_new_rules_by_category() {
        let part = json!({
            "headers": {"Accept": {"json_class": "Pact::Term", "data": {"generate": "application/json", "matcher": {"s": "json"}}}},
            "body": {"id": {"json_class": "Pact::SomethingLike", "contents": 1}},
            "matchingRules": {"body": {"$.name": {"matchers": [{"match": "type"}]}}}
        });
        let out = unwrap(part.as_object().expect("object")).expect("has matchers");
        let rules = &out["matchingRules"];
        assert_eq!(rules["body"]["$.id"], json!({"matchers": [{"match": "type"}]}));
        assert_eq!(rules["body"]["$.name"], json!({"matchers": [{"match": "type"}]}));
        assert_eq!(rules["header"]["Accept"]["matchers"][0]["match"], "regex");
    }
}
