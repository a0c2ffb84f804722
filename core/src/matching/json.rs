//! Structural comparison of JSON bodies under matching rules.

use serde_json::{Map, Value};

use super::matchers::{Coercion, check_list, json_equal, same_type};
use super::rule_cursor::{CompiledRules, Cursor, Selected};
use crate::mismatch::{Mismatch, MismatchKind, describe_value};
use crate::rules::{MatchingRule, RuleList, ValueStep};

/// Compares two JSON documents, collecting mismatches.
pub(crate) struct JsonComparer<'a, 'r> {
    pub(crate) rules: &'a CompiledRules<'r>,
    /// Whether keys the expected object does not have are allowed (responses and messages).
    pub(crate) allow_unexpected_keys: bool,
    pub(crate) mismatches: Vec<Mismatch>,
}

fn push_key(path: &mut String, key: &str) -> usize {
    let len = path.len();
    let simple = !key.is_empty()
        && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !key.chars().all(|c| c.is_ascii_digit());
    if simple {
        path.push('.');
        path.push_str(key);
    } else if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) {
        // Pact writes a key of digits as `[100]`.
        path.push('[');
        path.push_str(key);
        path.push(']');
    } else {
        path.push_str("['");
        path.push_str(key);
        path.push_str("']");
    }
    len
}

fn push_index(path: &mut String, index: usize) -> usize {
    let len = path.len();
    path.push('[');
    path.push_str(&index.to_string());
    path.push(']');
    len
}

fn keys_text(map: &Map<String, Value>) -> String {
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    format!("[{}]", keys.join(", "))
}

impl<'a, 'r> JsonComparer<'a, 'r> {
    fn mismatch(&mut self, path: &str, expected: &Value, actual: &Value, message: String) {
        self.mismatches.push(Mismatch::new(
            MismatchKind::Body,
            path,
            expected.to_string(),
            actual.to_string(),
            message,
        ));
    }

    /// Compares `actual` with `expected` at the node the cursor points to.
    pub(crate) fn compare(&mut self, path: &mut String, cursor: &Cursor, expected: &Value, actual: &Value) {
        match self.rules.best(cursor) {
            Some(selected) if !selected.list.is_equality_only() => {
                self.compare_with_rules(path, cursor, selected, expected, actual)
            }
            _ => self.compare_structurally(path, cursor, expected, actual),
        }
    }

    fn compare_structurally(&mut self, path: &mut String, cursor: &Cursor, expected: &Value, actual: &Value) {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => self.compare_maps(path, cursor, e, a, false),
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    let message = if a.len() < e.len() {
                        format!(
                            "Expected a List with {} elements but received {} elements",
                            e.len(),
                            a.len()
                        )
                    } else {
                        format!(
                            "Expected a List with {} elements but received {} elements (unexpected extra elements)",
                            e.len(),
                            a.len()
                        )
                    };
                    self.mismatch(path, expected, actual, message);
                }
                for (i, (ev, av)) in e.iter().zip(a.iter()).enumerate() {
                    let len = push_index(path, i);
                    let child = self.rules.step(cursor, ValueStep::Index(i));
                    self.compare(path, &child, ev, av);
                    path.truncate(len);
                }
            }
            _ => {
                if !json_equal(expected, actual) {
                    let message = if same_type(expected, actual)
                        || !(expected.is_object()
                            || expected.is_array()
                            || actual.is_object()
                            || actual.is_array())
                    {
                        format!(
                            "Expected {} to be equal to {}",
                            describe_value(actual),
                            describe_value(expected)
                        )
                    } else {
                        format!(
                            "Type mismatch: Expected {} but received {}",
                            describe_value(expected),
                            describe_value(actual)
                        )
                    };
                    self.mismatch(path, expected, actual, message);
                }
            }
        }
    }

    fn compare_maps(
        &mut self,
        path: &mut String,
        cursor: &Cursor,
        expected: &Map<String, Value>,
        actual: &Map<String, Value>,
        under_rule: bool,
    ) {
        let missing: Vec<&String> = expected.keys().filter(|k| !actual.contains_key(*k)).collect();
        let unexpected: Vec<&String> = if self.allow_unexpected_keys {
            Vec::new()
        } else {
            actual.keys().filter(|k| !expected.contains_key(*k)).collect()
        };
        if !missing.is_empty() || !unexpected.is_empty() {
            let message = format!(
                "Expected a Map with keys {} but received one with keys {}",
                keys_text(expected),
                keys_text(actual)
            );
            // One mismatch per key at fault, located at that key, so reports name the field.
            for key in missing {
                let len = push_key(path, key);
                self.mismatches.push(Mismatch::new(
                    MismatchKind::Body,
                    path.as_str(),
                    expected[key].to_string(),
                    "",
                    message.clone(),
                ));
                path.truncate(len);
            }
            for key in unexpected {
                let len = push_key(path, key);
                self.mismatches.push(Mismatch::new(
                    MismatchKind::Body,
                    path.as_str(),
                    "",
                    actual[key].to_string(),
                    message.clone(),
                ));
                path.truncate(len);
            }
        }
        let _ = under_rule;
        for (key, ev) in expected {
            if let Some(av) = actual.get(key) {
                let len = push_key(path, key);
                let child = self.rules.step(cursor, ValueStep::Field(key));
                self.compare(path, &child, ev, av);
                path.truncate(len);
            }
        }
    }

    fn compare_with_rules(
        &mut self,
        path: &mut String,
        cursor: &Cursor,
        selected: Selected<'r>,
        expected: &Value,
        actual: &Value,
    ) {
        let list = selected.list;
        let is_container = actual.is_array() || actual.is_object();
        if is_container {
            let errors = self.check_container(list, selected.cascaded, expected, actual);
            let failed = !errors.is_empty();
            for message in errors {
                self.mismatch(path, expected, actual, message);
            }
            if failed && !same_type(expected, actual) {
                return;
            }
            self.descend_with_rules(path, cursor, list, expected, actual);
        } else {
            let errors = check_list(list, expected, actual, Coercion::Strict);
            for message in errors {
                self.mismatch(path, expected, actual, message);
            }
        }
    }

    /// Applies the collection-level part of each rule (type, size, emptiness, null).
    fn check_container(
        &self,
        list: &RuleList,
        cascaded: bool,
        expected: &Value,
        actual: &Value,
    ) -> Vec<String> {
        let mut errors = Vec::new();
        let mut any_passed = false;
        for rule in &list.rules {
            let result = match rule {
                MatchingRule::Type { min, max } => check_type_and_size(
                    expected,
                    actual,
                    if cascaded { None } else { *min },
                    if cascaded { None } else { *max },
                ),
                MatchingRule::NotEmpty => {
                    let empty = match actual {
                        Value::Array(a) => a.is_empty(),
                        Value::Object(o) => o.is_empty(),
                        _ => false,
                    };
                    if empty {
                        Err(format!("Expected {} to not be empty", describe_value(actual)))
                    } else {
                        check_type_and_size(expected, actual, None, None)
                            .map_err(|why| format!("Type mismatch: {why}"))
                    }
                }
                MatchingRule::Null => Err(format!("Expected {} to be a null value", describe_value(actual))),
                MatchingRule::Values | MatchingRule::EachKey { .. } | MatchingRule::EachValue { .. } => {
                    if actual.is_object() || actual.is_array() {
                        Ok(())
                    } else {
                        Err(format!("Expected {} to be a collection", describe_value(actual)))
                    }
                }
                MatchingRule::ArrayContains(_) => {
                    if actual.is_array() {
                        Ok(())
                    } else {
                        Err(format!("Expected {} to be a list", describe_value(actual)))
                    }
                }
                MatchingRule::Unknown { name, .. } => Err(format!(
                    "matcher '{name}' is not supported by accord (plugin matchers need their plugin)"
                )),
                // A value matcher where the pact has a single value checks the collection that
                // arrived instead ("Expected [] (Array) to be an integer").
                other if !(expected.is_array() || expected.is_object()) => {
                    super::matchers::check(other, expected, actual, super::matchers::Coercion::Strict)
                }
                // Value matchers on a collection apply to its leaves through the cascade.
                _ => Ok(()),
            };
            match result {
                Ok(()) => any_passed = true,
                Err(message) => errors.push(message),
            }
        }
        match list.combine {
            crate::rules::Combine::Or if any_passed => Vec::new(),
            _ => errors,
        }
    }

    fn descend_with_rules(
        &mut self,
        path: &mut String,
        cursor: &Cursor,
        list: &RuleList,
        expected: &Value,
        actual: &Value,
    ) {
        let each_value = list.rules.iter().find_map(|r| match r {
            MatchingRule::EachValue { rules, .. } => Some(rules),
            _ => None,
        });
        let each_key = list.rules.iter().find_map(|r| match r {
            MatchingRule::EachKey { rules, .. } => Some(rules),
            _ => None,
        });
        let array_contains = list.rules.iter().find_map(|r| match r {
            MatchingRule::ArrayContains(variants) => Some(variants),
            _ => None,
        });
        let by_values = list.rules.iter().any(|r| matches!(r, MatchingRule::Values));
        let type_like =
            list.has_type_like() || list.rules.iter().all(|r| !matches!(r, MatchingRule::Equality));

        match (expected, actual) {
            (Value::Array(e), Value::Array(a)) => {
                if let Some(variants) = array_contains {
                    self.check_array_contains(path, variants, e, a);
                    return;
                }
                if !type_like {
                    self.compare_structurally(path, cursor, expected, actual);
                    return;
                }
                for (i, av) in a.iter().enumerate() {
                    let Some(ev) = e.get(i).or_else(|| e.first()) else {
                        continue;
                    };
                    let len = push_index(path, i);
                    let child = self.rules.step(cursor, ValueStep::Index(i));
                    if let Some(rules) = each_value {
                        self.check_each(path, rules, ev, av);
                    } else {
                        self.compare(path, &child, ev, av);
                    }
                    path.truncate(len);
                }
            }
            (Value::Object(e), Value::Object(a)) => {
                if let Some(rules) = each_key {
                    for key in a.keys() {
                        let key_value = Value::String(key.clone());
                        let list = RuleList {
                            rules: rules.clone(),
                            combine: crate::rules::Combine::And,
                        };
                        for message in check_list(&list, &key_value, &key_value, Coercion::Strict) {
                            let len = push_key(path, key);
                            self.mismatch(path, &Value::Null, &key_value, message);
                            path.truncate(len);
                        }
                    }
                }
                if by_values || each_value.is_some() || each_key.is_some() {
                    let template = e.values().next();
                    for (key, av) in a {
                        let Some(ev) = e.get(key).or(template) else {
                            continue;
                        };
                        let len = push_key(path, key);
                        if let Some(rules) = each_value {
                            self.check_each(path, rules, ev, av);
                        } else {
                            let child = self.rules.step(cursor, ValueStep::Field(key));
                            self.compare(path, &child, ev, av);
                        }
                        path.truncate(len);
                    }
                } else {
                    self.compare_maps(path, cursor, e, a, true);
                }
            }
            _ => {}
        }
    }

    fn check_each(&mut self, path: &str, rules: &[MatchingRule], expected: &Value, actual: &Value) {
        let list = RuleList {
            rules: rules.to_vec(),
            combine: crate::rules::Combine::And,
        };
        if actual.is_object() || actual.is_array() {
            for message in self.check_container(&list, false, expected, actual) {
                self.mismatch(path, expected, actual, message);
            }
        } else {
            for message in check_list(&list, expected, actual, Coercion::Strict) {
                self.mismatch(path, expected, actual, message);
            }
        }
    }

    fn check_array_contains(
        &mut self,
        path: &str,
        variants: &[crate::rules::ArrayContainsVariant],
        expected: &[Value],
        actual: &[Value],
    ) {
        for variant in variants {
            let Some(example) = expected.get(variant.index) else {
                continue;
            };
            let rules = CompiledRules::from_category(&variant.rules);
            let found = actual.iter().any(|candidate| {
                let mut sub = JsonComparer {
                    rules: &rules,
                    allow_unexpected_keys: self.allow_unexpected_keys,
                    mismatches: Vec::new(),
                };
                let mut sub_path = String::from("$");
                sub.compare(&mut sub_path, &rules.root(), example, candidate);
                sub.mismatches.is_empty()
            });
            if !found {
                self.mismatches.push(Mismatch::new(
                    MismatchKind::Body,
                    path,
                    example.to_string(),
                    Value::Array(actual.to_vec()).to_string(),
                    format!(
                        "Variant at index {} ({}) was not found in the actual list",
                        variant.index,
                        canonical(example)
                    ),
                ));
            }
        }
    }
}

/// A collection as Pact's size mismatches show it: an array's items separated by `, `.
fn listed(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// A value as compact JSON with object keys in sorted order, as Pact's mismatch texts show
/// values (whatever order the pact wrote them in).
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

fn check_type_and_size(
    expected: &Value,
    actual: &Value,
    min: Option<usize>,
    max: Option<usize>,
) -> Result<(), String> {
    if !same_type(expected, actual) {
        return Err(format!(
            "Expected {} to be the same type as {}",
            describe_value(actual),
            describe_value(expected)
        ));
    }
    let size = match actual {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => return Ok(()),
    };
    if let Some(min) = min
        && size < min
    {
        return Err(format!(
            "Expected {} (size {size}) to have minimum size of {min}",
            listed(actual)
        ));
    }
    if let Some(max) = max
        && size > max
    {
        return Err(format!(
            "Expected {} (size {size}) to have maximum size of {max}",
            listed(actual)
        ));
    }
    Ok(())
}
