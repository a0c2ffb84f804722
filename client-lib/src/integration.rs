//! Turning values that embed matchers (integration JSON) into example values plus matching
//! rules and generators at their paths.

use accord_core::format::matcher_from_json;
use accord_core::generators::Generator;
use accord_core::rules::{ArrayContainsVariant, DocPath, MatchingRule, RuleCategory, RuleList};
use serde_json::{Map, Value};

use crate::error::ConsumerError;
use crate::matchers::{EXAMPLE_KEY, GENERATOR_KEY, MATCHER_KEY};

/// Rules and generators collected while extracting examples.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) rules: RuleCategory,
    pub(crate) generators: Vec<(String, Generator)>,
}

fn is_special(map: &Map<String, Value>) -> bool {
    map.contains_key(MATCHER_KEY) || map.contains_key(GENERATOR_KEY)
}

fn rule_of(map: &Map<String, Value>, kind: &str) -> Result<MatchingRule, ConsumerError> {
    let mut rule = Map::new();
    rule.insert("match".into(), kind.into());
    let keeps_value = matches!(kind, "include" | "contentType");
    for (key, value) in map {
        if key.starts_with("pact:") || (key == "value" && !keeps_value) {
            continue;
        }
        rule.insert(key.clone(), value.clone());
    }
    matcher_from_json(&rule, "matcher").map_err(|e| ConsumerError::InvalidMatcher {
        detail: e.to_string(),
    })
}

fn generator_of(map: &Map<String, Value>) -> Option<Generator> {
    let kind = map.get(GENERATOR_KEY)?.as_str()?;
    let mut gen_map = Map::new();
    gen_map.insert("type".into(), kind.into());
    for (key, value) in map {
        if !key.starts_with("pact:") && key != "value" {
            gen_map.insert(key.clone(), value.clone());
        }
    }
    Generator::from_json(&gen_map)
}

/// Extracts the example of `value`, collecting rules and generators keyed by path.
pub(crate) fn extract(value: &Value, path: &DocPath, out: &mut Collected) -> Result<Value, ConsumerError> {
    match value {
        Value::Object(map) if is_special(map) => {
            let kind = map.get(MATCHER_KEY).and_then(Value::as_str);
            if kind == Some("arrayContains") {
                return extract_array_contains(map, path, out);
            }
            let raw_example = map
                .get(EXAMPLE_KEY)
                .or_else(|| map.get("value"))
                .cloned()
                .unwrap_or(Value::Null);
            let key = path.to_string();
            let mut type_like = false;
            if let Some(kind) = kind {
                let rule = rule_of(map, kind)?;
                type_like = rule.is_type_like();
                out.rules.add(key.clone(), RuleList::single(rule));
            }
            if let Some(generator) = generator_of(map) {
                out.generators.push((key, generator));
            }
            match raw_example {
                Value::Array(items) if type_like => {
                    // Every element follows the first as a template, so rules go under `[*]`.
                    let star = path.join_star_index();
                    let mut result = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        if i == 0 {
                            result.push(extract(item, &star, out)?);
                        } else {
                            result.push(extract(item, &star, &mut Collected::default())?);
                        }
                    }
                    Ok(Value::Array(result))
                }
                other => extract(&other, path, out),
            }
        }
        Value::Object(map) => {
            let mut result = Map::new();
            for (key, child) in map {
                result.insert(key.clone(), extract(child, &path.join(key.clone()), out)?);
            }
            Ok(Value::Object(result))
        }
        Value::Array(items) => {
            let mut result = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                result.push(extract(item, &path.join_index(i), out)?);
            }
            Ok(Value::Array(result))
        }
        other => Ok(other.clone()),
    }
}

fn extract_array_contains(
    map: &Map<String, Value>,
    path: &DocPath,
    out: &mut Collected,
) -> Result<Value, ConsumerError> {
    let variants =
        map.get("variants")
            .and_then(Value::as_array)
            .ok_or_else(|| ConsumerError::InvalidMatcher {
                detail: "array_contains needs a list of variants".to_owned(),
            })?;
    let mut examples = Vec::new();
    let mut rule_variants = Vec::new();
    for (index, variant) in variants.iter().enumerate() {
        let mut sub = Collected::default();
        examples.push(extract(variant, &DocPath::root(), &mut sub)?);
        rule_variants.push(ArrayContainsVariant {
            index,
            rules: sub.rules,
            generators: Map::new(),
        });
    }
    out.rules.add(
        path.to_string(),
        RuleList::single(MatchingRule::ArrayContains(rule_variants)),
    );
    Ok(Value::Array(examples))
}

/// A header, query or path value: its example text, rule and generator.
pub(crate) fn extract_text(
    value: &Value,
) -> Result<(String, Option<RuleList>, Option<Generator>), ConsumerError> {
    let mut collected = Collected::default();
    let example = extract(value, &DocPath::root(), &mut collected)?;
    let text = match example {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let rule = collected.rules.iter().next().map(|(_, list)| list.clone());
    let generator = collected.generators.into_iter().next().map(|(_, g)| g);
    Ok((text, rule, generator))
}
