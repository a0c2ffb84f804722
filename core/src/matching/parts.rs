//! Method, path, status, query parameters, headers and message metadata.

use serde_json::{Map, Value};

use super::matchers::{Coercion, check_list, json_equal};
use crate::mismatch::{Mismatch, MismatchKind, value_text};
use crate::model::{ContentType, Headers, Query, SpecVersion};
use crate::rules::{Category, MatchingRules, RuleList};

/// Compares HTTP methods, case-insensitively.
pub(crate) fn match_method(expected: &str, actual: &str, out: &mut Vec<Mismatch>) {
    if !expected.eq_ignore_ascii_case(actual) {
        out.push(Mismatch::new(
            MismatchKind::Method,
            "",
            expected.to_ascii_uppercase(),
            actual.to_ascii_uppercase(),
            format!(
                "Expected method {} but was {}",
                expected.to_ascii_uppercase(),
                actual.to_ascii_uppercase()
            ),
        ));
    }
}

fn single_rule_list(rules: &MatchingRules, category: Category) -> Option<&RuleList> {
    rules
        .category(category)
        .and_then(|c| c.iter().next().map(|(_, l)| l))
        .filter(|l| !l.rules.is_empty())
}

/// Compares paths exactly, or with the path rule.
pub(crate) fn match_path(expected: &str, actual: &str, rules: &MatchingRules, out: &mut Vec<Mismatch>) {
    if let Some(list) = single_rule_list(rules, Category::Path) {
        let e = Value::String(expected.to_owned());
        let a = Value::String(actual.to_owned());
        for message in check_list(list, &e, &a, Coercion::FromText) {
            out.push(Mismatch::new(MismatchKind::Path, "", expected, actual, message));
        }
    } else if expected != actual {
        out.push(Mismatch::new(
            MismatchKind::Path,
            "",
            expected,
            actual,
            format!("Expected path '{expected}' but was '{actual}'"),
        ));
    }
}

/// Compares status codes exactly, or with a status rule.
pub(crate) fn match_status(expected: u16, actual: u16, rules: &MatchingRules, out: &mut Vec<Mismatch>) {
    if let Some(list) = single_rule_list(rules, Category::Status) {
        for message in check_list(
            list,
            &Value::from(expected),
            &Value::from(actual),
            Coercion::FromText,
        ) {
            out.push(Mismatch::new(
                MismatchKind::Status,
                "",
                expected.to_string(),
                actual.to_string(),
                message,
            ));
        }
    } else if expected != actual {
        out.push(Mismatch::new(
            MismatchKind::Status,
            "",
            expected.to_string(),
            actual.to_string(),
            format!("Expected status {expected} but was {actual}"),
        ));
    }
}

/// Compares query parameters. V1 compares the decoded query strings as a whole.
pub(crate) fn match_query(
    expected: Option<&Query>,
    actual: Option<&Query>,
    rules: &MatchingRules,
    spec: SpecVersion,
    out: &mut Vec<Mismatch>,
) {
    if spec == SpecVersion::V1
        && let (Some(e), Some(a)) = (expected.and_then(Query::raw), actual.and_then(Query::raw))
    {
        let e_dec = percent_encoding::percent_decode_str(e).decode_utf8_lossy();
        let a_dec = percent_encoding::percent_decode_str(a).decode_utf8_lossy();
        if e_dec != a_dec {
            out.push(Mismatch::new(
                MismatchKind::Query,
                "",
                e,
                a,
                format!("Expected query string '{e}' but was '{a}'"),
            ));
        }
        return;
    }
    let empty = Query::new();
    let expected = expected.unwrap_or(&empty);
    let actual = actual.unwrap_or(&empty);
    let query_rules = rules.category(Category::Query);
    for (name, expected_values) in expected.iter() {
        let Some(actual_values) = actual.get(name) else {
            out.push(Mismatch::new(
                MismatchKind::Query,
                name,
                expected_values.join(","),
                "",
                format!("Expected query parameter '{name}' but was missing"),
            ));
            continue;
        };
        if let Some(list) = query_rules
            .and_then(|r| r.get(name))
            .filter(|l| !l.is_equality_only())
        {
            check_values_with_rules(
                MismatchKind::Query,
                name,
                expected_values,
                actual_values,
                list,
                out,
            );
        } else if expected_values != actual_values {
            out.push(Mismatch::new(
                MismatchKind::Query,
                name,
                format!("{expected_values:?}"),
                format!("{actual_values:?}"),
                format!(
                    "Expected query parameter '{name}' with value '{}' but was '{}'",
                    expected_values.join(","),
                    actual_values.join(",")
                ),
            ));
        }
    }
    for (name, values) in actual.iter() {
        if expected.get(name).is_none() {
            out.push(Mismatch::new(
                MismatchKind::Query,
                name,
                "",
                values.join(","),
                format!("Unexpected query parameter '{name}' received"),
            ));
        }
    }
}

/// Applies rules to a list of text values (query parameters, repeated headers), including
/// min/max on the number of values.
fn check_values_with_rules(
    kind: MismatchKind,
    name: &str,
    expected: &[String],
    actual: &[String],
    list: &RuleList,
    out: &mut Vec<Mismatch>,
) {
    use crate::rules::MatchingRule;
    for rule in &list.rules {
        if let MatchingRule::Type { min, max } = rule {
            let n = actual.len();
            if let Some(min) = min.filter(|m| n < *m) {
                out.push(Mismatch::new(
                    kind,
                    name,
                    format!("{expected:?}"),
                    format!("{actual:?}"),
                    format!("Expected {actual:?} (size {n}) to have minimum size of {min}"),
                ));
            }
            if let Some(max) = max.filter(|m| n > *m) {
                out.push(Mismatch::new(
                    kind,
                    name,
                    format!("{expected:?}"),
                    format!("{actual:?}"),
                    format!("Expected {actual:?} (size {n}) to have maximum size of {max}"),
                ));
            }
        }
    }
    for (i, value) in actual.iter().enumerate() {
        let template = expected
            .get(i)
            .or_else(|| expected.first())
            .cloned()
            .unwrap_or_default();
        let e = Value::String(template.clone());
        let a = Value::String(value.clone());
        for message in check_list(list, &e, &a, Coercion::FromText) {
            out.push(Mismatch::new(
                kind,
                name,
                template.clone(),
                value.clone(),
                message,
            ));
        }
    }
}

/// Headers whose values are never split on commas.
const SINGLE_VALUE_HEADERS: &[&str] = &[
    "date",
    "expires",
    "last-modified",
    "if-modified-since",
    "if-unmodified-since",
    "retry-after",
    "set-cookie",
    "user-agent",
    "authorization",
    "proxy-authorization",
    "cookie",
    "www-authenticate",
    "location",
    "content-disposition",
    "etag",
];

fn split_header(name: &str, values: &[String]) -> Vec<String> {
    let single = SINGLE_VALUE_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name));
    let mut out = Vec::new();
    for value in values {
        let looks_structured = value.trim_start().starts_with(['{', '[']);
        if single || looks_structured {
            out.push(value.trim().to_owned());
        } else {
            out.extend(value.split(',').map(|v| v.trim().to_owned()));
        }
    }
    out
}

fn media_types_match(expected: &str, actual: &str) -> bool {
    match (ContentType::parse(expected), ContentType::parse(actual)) {
        (Some(e), Some(a)) => {
            e.essence() == a.essence()
                && e.params
                    .iter()
                    .all(|(name, value)| a.param(name).is_some_and(|av| av.eq_ignore_ascii_case(value)))
        }
        _ => expected.trim() == actual.trim(),
    }
}

/// Compares headers: names case-insensitive, extra actual headers allowed.
pub(crate) fn match_headers(
    expected: &Headers,
    actual: &Headers,
    rules: &MatchingRules,
    out: &mut Vec<Mismatch>,
) {
    let header_rules = rules.category(Category::Header);
    for (name, expected_values) in expected.iter() {
        let Some(actual_values) = actual.get(name) else {
            out.push(Mismatch::new(
                MismatchKind::Header,
                name,
                expected_values.join(", "),
                "",
                format!("Expected a header '{name}' but was missing"),
            ));
            continue;
        };
        let expected_joined = expected_values.join(", ");
        let actual_joined = actual_values.join(", ");
        if let Some(list) = header_rules
            .and_then(|r| r.get_ignore_case(name))
            .filter(|l| !l.is_equality_only())
        {
            let whole = check_list(
                list,
                &Value::String(expected_joined.clone()),
                &Value::String(actual_joined.clone()),
                Coercion::FromText,
            );
            if whole.is_empty() {
                continue;
            }
            let e_split = split_header(name, expected_values);
            let a_split = split_header(name, actual_values);
            let mut per_value = Vec::new();
            check_values_with_rules(
                MismatchKind::Header,
                name,
                &e_split,
                &a_split,
                list,
                &mut per_value,
            );
            if !per_value.is_empty() {
                out.extend(per_value);
            }
            continue;
        }
        let is_media = name.eq_ignore_ascii_case("content-type") || name.eq_ignore_ascii_case("accept");
        let e_split = split_header(name, expected_values);
        let a_split = split_header(name, actual_values);
        let equal = if is_media {
            e_split.len() == a_split.len()
                && e_split.iter().zip(&a_split).all(|(e, a)| media_types_match(e, a))
        } else {
            e_split == a_split
        };
        if !equal {
            out.push(Mismatch::new(
                MismatchKind::Header,
                name,
                expected_joined.clone(),
                actual_joined.clone(),
                format!(
                    "Expected header '{name}' to have value '{expected_joined}' but was '{actual_joined}'"
                ),
            ));
        }
    }
}

/// Compares message metadata: every expected key must be present and match.
pub(crate) fn match_metadata(
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    rules: &MatchingRules,
    out: &mut Vec<Mismatch>,
) {
    let meta_rules = rules.category(Category::Metadata);
    for (key, expected_value) in expected {
        let found = actual.get(key).or_else(|| {
            actual
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        });
        let Some(actual_value) = found else {
            out.push(Mismatch::new(
                MismatchKind::Metadata,
                key,
                value_text(expected_value),
                "",
                format!("Expected message metadata '{key}' but was missing"),
            ));
            continue;
        };
        if let Some(list) = meta_rules
            .and_then(|r| r.get(key))
            .filter(|l| !l.is_equality_only())
        {
            for message in check_list(list, expected_value, actual_value, Coercion::FromText) {
                out.push(Mismatch::new(
                    MismatchKind::Metadata,
                    key,
                    value_text(expected_value),
                    value_text(actual_value),
                    message,
                ));
            }
            continue;
        }
        let is_content_type =
            key.eq_ignore_ascii_case("contentType") || key.eq_ignore_ascii_case("content-type");
        let equal = if is_content_type {
            media_types_match(&value_text(expected_value), &value_text(actual_value))
        } else {
            json_equal(expected_value, actual_value) || value_text(expected_value) == value_text(actual_value)
        };
        if !equal {
            out.push(Mismatch::new(
                MismatchKind::Metadata,
                key,
                value_text(expected_value),
                value_text(actual_value),
                format!(
                    "Expected message metadata '{key}' to have value '{}' but was '{}'",
                    value_text(expected_value),
                    value_text(actual_value)
                ),
            ));
        }
    }
}
