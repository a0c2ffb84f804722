//! Bodies that are neither JSON nor XML: plain text, form parameters, multipart and binary.

use serde_json::Value;

use super::matchers::{Coercion, check_content_type, check_list};
use super::rule_cursor::CompiledRules;
use crate::mismatch::{Mismatch, MismatchKind};
use crate::model::{ContentType, Query};
use crate::rules::{MatchingRule, ValueStep};

fn body_mismatch(
    path: &str,
    expected: impl Into<String>,
    actual: impl Into<String>,
    message: String,
) -> Mismatch {
    Mismatch::new(MismatchKind::Body, path, expected, actual, message)
}

/// Compares text bodies: equality, or the rule at `$`.
pub(crate) fn match_text(expected: &str, actual: &str, rules: &CompiledRules<'_>, out: &mut Vec<Mismatch>) {
    let root = rules.root();
    match rules.best(&root).filter(|s| !s.list.is_equality_only()) {
        Some(selected) => {
            let e = Value::String(expected.to_owned());
            let a = Value::String(actual.to_owned());
            for message in check_list(selected.list, &e, &a, Coercion::Strict) {
                out.push(body_mismatch("$", expected, actual, message));
            }
        }
        None if expected != actual => out.push(body_mismatch(
            "$",
            expected,
            actual,
            format!("Expected body '{expected}' to match '{actual}' using equality but did not match"),
        )),
        None => {}
    }
}

/// The first 32 bytes in hex, as Pact's mismatch texts show a binary body.
fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(32).map(|b| format!("{b:02x}")).collect()
}

/// A binary body as mismatch texts show it: `[image/jpeg, 28058 bytes, starting with ffd8...]`.
pub(crate) fn binary_summary(content_type: &ContentType, bytes: &[u8]) -> String {
    format!(
        "[{}, {} bytes, starting with {}]",
        content_type.essence(),
        bytes.len(),
        hex_prefix(bytes)
    )
}

/// Compares binary bodies byte for byte, or with a `contentType` rule at `$`.
pub(crate) fn match_binary(
    expected: &[u8],
    actual: &[u8],
    expected_ct: &ContentType,
    actual_ct: &ContentType,
    rules: &CompiledRules<'_>,
    out: &mut Vec<Mismatch>,
) {
    let root = rules.root();
    if let Some(selected) = rules.best(&root).filter(|s| !s.list.is_equality_only()) {
        for rule in &selected.list.rules {
            let result = match rule {
                MatchingRule::ContentType(ct) => check_content_type(ct, actual),
                MatchingRule::NotEmpty if actual.is_empty() => {
                    Err("Expected [] (0 bytes) to not be empty".to_owned())
                }
                MatchingRule::Type { .. } | MatchingRule::NotEmpty => Ok(()),
                other => Err(format!(
                    "matcher '{}' cannot be applied to binary contents",
                    other.name()
                )),
            };
            if let Err(message) = result {
                out.push(body_mismatch(
                    "$",
                    expected_ct.to_string(),
                    actual_ct.to_string(),
                    message,
                ));
            }
        }
        return;
    }
    if expected != actual {
        out.push(body_mismatch(
            "$",
            hex_prefix(expected),
            hex_prefix(actual),
            format!(
                "Actual body [{}, {} bytes, starting with {}] is not equal to the expected body [{}, {} bytes, starting with {}]",
                actual_ct.essence(),
                actual.len(),
                hex_prefix(actual),
                expected_ct.essence(),
                expected.len(),
                hex_prefix(expected)
            ),
        ));
    }
}

/// Compares form-encoded bodies parameter by parameter; rules are keyed `$.name`.
pub(crate) fn match_form(
    expected: &str,
    actual: &str,
    rules: &CompiledRules<'_>,
    allow_unexpected: bool,
    out: &mut Vec<Mismatch>,
) {
    let expected = Query::parse(expected);
    let actual = Query::parse(actual);
    let root = rules.root();
    for (name, expected_values) in expected.iter() {
        let path = format!("$.{name}");
        let Some(actual_values) = actual.get(name) else {
            out.push(body_mismatch(
                &path,
                expected_values.join(","),
                "",
                format!("Expected form post parameter '{name}' but was missing"),
            ));
            continue;
        };
        let cursor = rules.step(&root, ValueStep::Field(name));
        let param = rules.best(&cursor).filter(|s| !s.list.is_equality_only());
        // Rules on one value of a repeated parameter (`$['name[]'][0]`), as pact-php and the
        // official FFI write them.
        let per_value: Vec<_> = (0..actual_values.len())
            .map(|i| {
                let at = rules.step(&cursor, ValueStep::Index(i));
                rules
                    .best(&at)
                    .filter(|s| !s.cascaded && !s.list.is_equality_only())
            })
            .collect();
        if param.is_some() || per_value.iter().any(Option::is_some) {
            for (i, value) in actual_values.iter().enumerate() {
                let template = expected_values
                    .get(i)
                    .or_else(|| expected_values.first())
                    .cloned()
                    .unwrap_or_default();
                let Some(selected) = per_value[i].as_ref().or(param.as_ref()) else {
                    if *value != template {
                        out.push(body_mismatch(
                            &format!("{path}[{i}]"),
                            template.clone(),
                            value.clone(),
                            format!("Expected form post parameter '{name}' value {i} to be '{template}' but was '{value}'"),
                        ));
                    }
                    continue;
                };
                for message in check_list(
                    selected.list,
                    &Value::String(template.clone()),
                    &Value::String(value.clone()),
                    Coercion::FromText,
                ) {
                    out.push(body_mismatch(&path, template.clone(), value.clone(), message));
                }
            }
        } else if expected_values != actual_values {
            out.push(body_mismatch(
                &path,
                expected_values.join(","),
                actual_values.join(","),
                format!(
                    "Expected form post parameter '{name}' with value '{}' but was '{}'",
                    expected_values.join(","),
                    actual_values.join(",")
                ),
            ));
        }
    }
    if !allow_unexpected {
        for (name, values) in actual.iter() {
            if expected.get(name).is_none() {
                out.push(body_mismatch(
                    &format!("$.{name}"),
                    "",
                    values.join(","),
                    format!("Unexpected form post parameter '{name}' received"),
                ));
            }
        }
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) content_type: Option<ContentType>,
    pub(crate) content: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a multipart body into its parts; `None` when it is not valid multipart.
pub(crate) fn parse_multipart(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut pos = find(body, delimiter, 0)? + delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        // Skip the line break after the delimiter.
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if body[pos..].starts_with(b"\n") {
            pos += 1;
        }
        let next = find(body, delimiter, pos)?;
        let mut section = &body[pos..next];
        if section.ends_with(b"\r\n") {
            section = &section[..section.len() - 2];
        } else if section.ends_with(b"\n") {
            section = &section[..section.len() - 1];
        }
        let (head, content) = match find(section, b"\r\n\r\n", 0) {
            Some(i) => (&section[..i], &section[i + 4..]),
            None => match find(section, b"\n\n", 0) {
                Some(i) => (&section[..i], &section[i + 2..]),
                None => (section, &section[section.len()..]),
            },
        };
        let head = String::from_utf8_lossy(head);
        let mut name = String::new();
        let mut content_type = None;
        let mut base64_encoded = false;
        for line in head.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';') {
                    if let Some((k, v)) = param.split_once('=')
                        && k.trim().eq_ignore_ascii_case("name")
                    {
                        name = v.trim().trim_matches('"').to_owned();
                    }
                }
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = ContentType::parse(value.trim());
            } else if key.trim().eq_ignore_ascii_case("content-transfer-encoding") {
                base64_encoded = value.trim().eq_ignore_ascii_case("base64");
            }
        }
        // A part sent as base64 is compared by what it carries, not by its encoding.
        let content = if base64_encoded {
            let compact: Vec<u8> = content
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &compact)
                .unwrap_or_else(|_| content.to_vec())
        } else {
            content.to_vec()
        };
        parts.push(Part {
            name,
            content_type,
            content,
        });
        pos = next + delimiter.len();
    }
    Some(parts)
}
