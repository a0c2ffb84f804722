//! Matching actual requests, responses and messages against expected ones.
//! Matching never fails: it returns the list of mismatches, empty when everything matched.

mod bodies;
mod json;
mod matchers;
mod parts;
mod rule_cursor;
mod xml;

use serde_json::Value;

use crate::mismatch::{Mismatch, MismatchKind};
use crate::model::{Body, ContentType, HttpRequest, HttpResponse, MessageContents, SpecVersion};
use crate::rules::{Category, MatchingRules};
use rule_cursor::CompiledRules;

/// Settings that change how comparison works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    /// The specification version whose rules apply (V1 compares query strings as a whole).
    pub spec: SpecVersion,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            spec: SpecVersion::V4,
        }
    }
}

/// How a body treats content the expectation does not mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Requests: unexpected keys, attributes, children and form fields are mismatches.
    Request,
    /// Responses and messages: unexpected content is allowed.
    Response,
}

/// Compares an actual request with an expected one (V4 rules).
pub fn match_request(expected: &HttpRequest, actual: &HttpRequest) -> Vec<Mismatch> {
    match_request_with(expected, actual, MatchOptions::default())
}

/// Compares an actual request with an expected one under the given options.
pub fn match_request_with(
    expected: &HttpRequest,
    actual: &HttpRequest,
    options: MatchOptions,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    parts::match_method(&expected.method, &actual.method, &mut out);
    parts::match_path(&expected.path, &actual.path, &expected.matching_rules, &mut out);
    parts::match_query(
        expected.query.as_ref(),
        actual.query.as_ref(),
        &expected.matching_rules,
        options.spec,
        &mut out,
    );
    parts::match_headers(
        &expected.headers,
        &actual.headers,
        &expected.matching_rules,
        &mut out,
    );
    out.extend(match_body_with(
        &expected.body,
        &actual.body,
        expected.content_type().as_ref(),
        actual.content_type().as_ref(),
        &expected.matching_rules,
        Strictness::Request,
    ));
    out
}

/// Whether an actual path satisfies an expected request's path (its path rule, or equality):
/// a cheap first test before comparing a whole request.
pub fn path_matches(expected: &HttpRequest, actual_path: &str) -> bool {
    if let Some(regex) = path_regex(expected) {
        return regex.is_full_match(actual_path).unwrap_or(false);
    }
    let mut out = Vec::new();
    parts::match_path(&expected.path, actual_path, &expected.matching_rules, &mut out);
    out.is_empty()
}

/// The regex of a request's path rule when that rule is exactly one `regex` matcher (the way
/// the official libraries write a path with ids), so callers can recognise many paths at once.
pub fn path_regex(expected: &HttpRequest) -> Option<&crate::rules::RegexPattern> {
    let list = expected
        .matching_rules
        .category(Category::Path)?
        .iter()
        .next()
        .map(|(_, list)| list)?;
    match list.rules.as_slice() {
        [crate::rules::MatchingRule::Regex(regex)] => Some(regex),
        _ => None,
    }
}

/// Compares an actual response with an expected one (V4 rules).
pub fn match_response(expected: &HttpResponse, actual: &HttpResponse) -> Vec<Mismatch> {
    match_response_with(expected, actual, MatchOptions::default())
}

/// Compares an actual response with an expected one under the given options.
pub fn match_response_with(
    expected: &HttpResponse,
    actual: &HttpResponse,
    options: MatchOptions,
) -> Vec<Mismatch> {
    let _ = options;
    let mut out = Vec::new();
    parts::match_status(expected.status, actual.status, &expected.matching_rules, &mut out);
    parts::match_headers(
        &expected.headers,
        &actual.headers,
        &expected.matching_rules,
        &mut out,
    );
    out.extend(match_body_with(
        &expected.body,
        &actual.body,
        expected.content_type().as_ref(),
        actual.content_type().as_ref(),
        &expected.matching_rules,
        Strictness::Response,
    ));
    out
}

/// Compares an actual message (contents and metadata) with an expected one.
pub fn match_message(expected: &MessageContents, actual: &MessageContents) -> Vec<Mismatch> {
    let mut out = Vec::new();
    out.extend(match_body_with(
        &expected.contents,
        &actual.contents,
        expected.content_type().as_ref(),
        actual.content_type().as_ref(),
        &expected.matching_rules,
        Strictness::Response,
    ));
    parts::match_metadata(
        &expected.metadata,
        &actual.metadata,
        &expected.matching_rules,
        &mut out,
    );
    out
}

/// Compares bodies alone, given their content types (as declared by headers or metadata).
pub fn match_body(
    expected: &Body,
    actual: &Body,
    expected_type: Option<&ContentType>,
    actual_type: Option<&ContentType>,
    rules: &MatchingRules,
    strictness: Strictness,
) -> Vec<Mismatch> {
    match_body_with(expected, actual, expected_type, actual_type, rules, strictness)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyClass {
    Json,
    Xml,
    Form,
    Multipart,
    Text,
    Binary,
}

fn classify(ct: &ContentType) -> BodyClass {
    if ct.is_json() {
        BodyClass::Json
    } else if ct.is_xml() {
        BodyClass::Xml
    } else if ct.is_form() {
        BodyClass::Form
    } else if ct.is_multipart() {
        BodyClass::Multipart
    } else if ct.is_text() {
        BodyClass::Text
    } else {
        BodyClass::Binary
    }
}

fn body_text(body: &Body) -> String {
    String::from_utf8_lossy(body.content()).into_owned()
}

fn match_body_with(
    expected: &Body,
    actual: &Body,
    expected_type: Option<&ContentType>,
    actual_type: Option<&ContentType>,
    rules: &MatchingRules,
    strictness: Strictness,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let compiled = CompiledRules::new(rules.category(Category::Body));
    match expected {
        Body::Missing => {}
        Body::Empty => {
            if actual.is_present() {
                out.push(Mismatch::new(
                    MismatchKind::Body,
                    "$",
                    "",
                    body_text(actual),
                    format!("Expected an empty body but received '{}'", body_text(actual)),
                ));
            }
        }
        Body::Null => match actual {
            Body::Missing | Body::Empty | Body::Null => {}
            Body::Present { content, .. } => {
                let is_null = serde_json::from_slice::<Value>(content).is_ok_and(|v| v.is_null());
                if !is_null {
                    out.push(Mismatch::new(
                        MismatchKind::Body,
                        "$",
                        "null",
                        body_text(actual),
                        format!("Expected a null body but received '{}'", body_text(actual)),
                    ));
                }
            }
        },
        Body::Present { content, .. } => {
            let expected_ct = expected.effective_content_type(expected_type);
            let expected_ct = expected_ct.unwrap_or_else(|| ContentType::detect(content));
            let class = classify(&expected_ct);
            let actual_content: &[u8] = match actual {
                Body::Present { content, .. } => content,
                Body::Null if class == BodyClass::Json => b"null",
                // An empty binary body is compared as zero bytes (a `notEmpty` rule says so).
                Body::Empty if class == BodyClass::Binary => b"",
                _ => {
                    let shown = if class == BodyClass::Binary {
                        bodies::binary_summary(&expected_ct, content)
                    } else {
                        format!("'{}'", body_text(expected))
                    };
                    out.push(Mismatch::new(
                        MismatchKind::Body,
                        "$",
                        body_text(expected),
                        "",
                        format!("Expected body {shown} but was missing"),
                    ));
                    return out;
                }
            };
            let actual_ct = actual
                .content_type()
                .cloned()
                .or_else(|| actual_type.cloned())
                .unwrap_or_else(|| ContentType::detect(actual_content));
            let actual_class = classify(&actual_ct);
            let structured = |c: BodyClass| {
                matches!(
                    c,
                    BodyClass::Json | BodyClass::Xml | BodyClass::Form | BodyClass::Multipart
                )
            };
            if class != actual_class
                && (structured(class) || structured(actual_class))
                && class != BodyClass::Text
            {
                out.push(Mismatch::new(
                    MismatchKind::BodyType,
                    "",
                    expected_ct.essence(),
                    actual_ct.essence(),
                    format!(
                        "Expected a body of '{}' but the actual content type was '{}'",
                        expected_ct.essence(),
                        actual_ct.essence()
                    ),
                ));
                return out;
            }
            let allow_unexpected = strictness == Strictness::Response;
            match class {
                BodyClass::Json => {
                    match_json_bodies(content, actual_content, &compiled, allow_unexpected, &mut out)
                }
                BodyClass::Xml => {
                    let parsed = (
                        xml::parse(&String::from_utf8_lossy(content)),
                        xml::parse(&String::from_utf8_lossy(actual_content)),
                    );
                    match parsed {
                        (Ok(e), Ok(a)) => {
                            let mut comparer = xml::XmlComparer {
                                rules: &compiled,
                                allow_unexpected,
                                mismatches: Vec::new(),
                            };
                            comparer.compare_root(&e, &a);
                            out.extend(comparer.mismatches);
                        }
                        (Err(e), _) => out.push(Mismatch::new(
                            MismatchKind::Body,
                            "$",
                            body_text(expected),
                            "",
                            format!("expected body is not valid XML: {e}"),
                        )),
                        (_, Err(e)) => out.push(Mismatch::new(
                            MismatchKind::Body,
                            "$",
                            "",
                            String::from_utf8_lossy(actual_content),
                            format!("actual body is not valid XML: {e}"),
                        )),
                    }
                }
                BodyClass::Form => bodies::match_form(
                    &String::from_utf8_lossy(content),
                    &String::from_utf8_lossy(actual_content),
                    &compiled,
                    allow_unexpected,
                    &mut out,
                ),
                BodyClass::Multipart => match_multipart(
                    content,
                    actual_content,
                    &expected_ct,
                    &actual_ct,
                    &compiled,
                    &mut out,
                ),
                BodyClass::Text => bodies::match_text(
                    &String::from_utf8_lossy(content),
                    &String::from_utf8_lossy(actual_content),
                    &compiled,
                    &mut out,
                ),
                BodyClass::Binary => bodies::match_binary(
                    content,
                    actual_content,
                    &expected_ct,
                    &actual_ct,
                    &compiled,
                    &mut out,
                ),
            }
        }
    }
    out
}

fn match_json_bodies(
    expected: &[u8],
    actual: &[u8],
    rules: &CompiledRules<'_>,
    allow_unexpected: bool,
    out: &mut Vec<Mismatch>,
) {
    let expected_value: Value = match serde_json::from_slice(expected) {
        Ok(v) => v,
        Err(e) => {
            out.push(Mismatch::new(
                MismatchKind::Body,
                "$",
                String::from_utf8_lossy(expected),
                "",
                format!("expected body is not valid JSON: {e}"),
            ));
            return;
        }
    };
    let actual_value: Value = match serde_json::from_slice(actual) {
        Ok(v) => v,
        Err(e) => {
            out.push(Mismatch::new(
                MismatchKind::Body,
                "$",
                expected_value.to_string(),
                String::from_utf8_lossy(actual),
                format!("actual body is not valid JSON: {e}"),
            ));
            return;
        }
    };
    out.extend(compare_json_values(
        &expected_value,
        &actual_value,
        rules,
        allow_unexpected,
    ));
}

fn compare_json_values(
    expected: &Value,
    actual: &Value,
    rules: &CompiledRules<'_>,
    allow_unexpected: bool,
) -> Vec<Mismatch> {
    let mut comparer = json::JsonComparer {
        rules,
        allow_unexpected_keys: allow_unexpected,
        mismatches: Vec::new(),
    };
    let mut path = String::from("$");
    comparer.compare(&mut path, &rules.root(), expected, actual);
    comparer.mismatches
}

/// Compares JSON values directly under body rules (used by tests and benchmarks on parsed data).
pub fn match_json(
    expected: &Value,
    actual: &Value,
    rules: &MatchingRules,
    strictness: Strictness,
) -> Vec<Mismatch> {
    let compiled = CompiledRules::new(rules.category(Category::Body));
    compare_json_values(expected, actual, &compiled, strictness == Strictness::Response)
}

fn match_multipart(
    expected: &[u8],
    actual: &[u8],
    expected_ct: &ContentType,
    actual_ct: &ContentType,
    rules: &CompiledRules<'_>,
    out: &mut Vec<Mismatch>,
) {
    let parse = |bytes: &[u8], ct: &ContentType| {
        ct.param("boundary")
            .and_then(|b| bodies::parse_multipart(bytes, b))
    };
    let (Some(expected_parts), Some(actual_parts)) = (parse(expected, expected_ct), parse(actual, actual_ct))
    else {
        if expected != actual {
            out.push(Mismatch::new(
                MismatchKind::Body,
                "$",
                String::from_utf8_lossy(expected),
                String::from_utf8_lossy(actual),
                "multipart bodies could not be parsed and are not equal".to_owned(),
            ));
        }
        return;
    };
    let root = rules.root();
    // Named parts pair by name; parts without a name (multipart/mixed) pair by position among
    // the unnamed ones.
    let unnamed_actual: Vec<&bodies::Part> = actual_parts.iter().filter(|p| p.name.is_empty()).collect();
    let mut unnamed_seen = 0;
    for part in &expected_parts {
        let (path, actual_part) = if part.name.is_empty() {
            unnamed_seen += 1;
            (
                format!("$.{}", unnamed_seen - 1),
                unnamed_actual.get(unnamed_seen - 1).copied(),
            )
        } else {
            (
                format!("$.{}", part.name),
                actual_parts.iter().find(|p| p.name == part.name),
            )
        };
        let Some(actual_part) = actual_part else {
            out.push(Mismatch::new(
                MismatchKind::Body,
                &path,
                part.name.clone(),
                "",
                if part.name.is_empty() {
                    format!("Expected multipart part {} but was missing", unnamed_seen)
                } else {
                    format!("Expected a multipart part named '{}' but was missing", part.name)
                },
            ));
            continue;
        };
        let part_ct = part
            .content_type
            .clone()
            .unwrap_or_else(|| ContentType::detect(&part.content));
        let actual_part_ct = actual_part
            .content_type
            .clone()
            .unwrap_or_else(|| ContentType::detect(&actual_part.content));
        let cursor = rules.step(&root, crate::rules::ValueStep::Field(&part.name));
        if let Some(selected) = rules.best(&cursor).filter(|s| !s.list.is_equality_only()) {
            for rule in &selected.list.rules {
                let result = match rule {
                    crate::rules::MatchingRule::ContentType(ct) => {
                        matchers::check_content_type(ct, &actual_part.content)
                    }
                    other => {
                        let e = Value::String(String::from_utf8_lossy(&part.content).into_owned());
                        let a = Value::String(String::from_utf8_lossy(&actual_part.content).into_owned());
                        matchers::check(other, &e, &a, matchers::Coercion::Strict)
                    }
                };
                if let Err(message) = result {
                    out.push(Mismatch::new(
                        MismatchKind::Body,
                        &path,
                        part_ct.to_string(),
                        actual_part_ct.to_string(),
                        message,
                    ));
                }
            }
            continue;
        }
        let sub_rules = CompiledRules::new(None);
        let mut part_out = Vec::new();
        match classify(&part_ct) {
            BodyClass::Json => match_json_bodies(
                &part.content,
                &actual_part.content,
                &sub_rules,
                false,
                &mut part_out,
            ),
            BodyClass::Binary => bodies::match_binary(
                &part.content,
                &actual_part.content,
                &part_ct,
                &actual_part_ct,
                &sub_rules,
                &mut part_out,
            ),
            _ => bodies::match_text(
                &String::from_utf8_lossy(&part.content),
                &String::from_utf8_lossy(&actual_part.content),
                &sub_rules,
                &mut part_out,
            ),
        }
        for mut m in part_out {
            m.location = format!("{path}{}", m.location.trim_start_matches('$'));
            out.push(m);
        }
    }
}

#[cfg(test)]
mod multipart_tests {
    use super::*;

    fn body(text: &str) -> Body {
        Body::Present {
            content: text.replace('\n', "\r\n").into_bytes(),
            content_type: ContentType::parse("multipart/mixed; boundary=b"),
            hint: None,
        }
    }

    #[test]
    fn unnamed_parts_pair_by_position_and_base64_parts_compare_what_they_carry() {
        let expected = body(
            "--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=\n--b--\n",
        );
        let same = body(
            "--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/octet-stream\n\nhello world\n--b--\n",
        );
        let ct = ContentType::parse("multipart/mixed; boundary=b");
        let rules = MatchingRules::default();
        let none = match_body(
            &expected,
            &same,
            ct.as_ref(),
            ct.as_ref(),
            &rules,
            Strictness::Request,
        );
        assert!(none.is_empty(), "{none:?}");
        let other = body(
            "--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/octet-stream\n\nbye\n--b--\n",
        );
        let found = match_body(
            &expected,
            &other,
            ct.as_ref(),
            ct.as_ref(),
            &rules,
            Strictness::Request,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, "$.1");
        assert!(
            found[0]
                .message
                .contains("11 bytes, starting with 68656c6c6f20776f726c64"),
            "the expected part decoded from base64: {}",
            found[0].message
        );
    }

    #[test]
    fn an_empty_binary_body_meets_a_not_empty_rule_and_a_missing_one_is_summarised() {
        let ct = ContentType::parse("image/jpeg");
        let expected = Body::Present {
            content: vec![0xff; 40],
            content_type: ct.clone(),
            hint: None,
        };
        let mut rules = MatchingRules::default();
        rules.add_rule(Category::Body, "$", crate::rules::MatchingRule::NotEmpty);
        let found = match_body(
            &expected,
            &Body::Empty,
            ct.as_ref(),
            ct.as_ref(),
            &rules,
            Strictness::Request,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].message, "Expected [] (0 bytes) to not be empty");
        let missing = match_body(
            &expected,
            &Body::Missing,
            ct.as_ref(),
            ct.as_ref(),
            &MatchingRules::default(),
            Strictness::Request,
        );
        assert!(
            missing[0]
                .message
                .starts_with("Expected body [image/jpeg, 40 bytes, starting with ffff"),
            "{}",
            missing[0].message
        );
    }

    #[test]
    fn a_binary_mismatch_shows_the_first_32_bytes_as_pact_does() {
        let bytes = |fill: u8| Body::Present {
            content: vec![fill; 40],
            content_type: ContentType::parse("application/octet-stream"),
            hint: None,
        };
        let ct = ContentType::parse("application/octet-stream");
        let found = match_body(
            &bytes(1),
            &bytes(2),
            ct.as_ref(),
            ct.as_ref(),
            &MatchingRules::default(),
            Strictness::Request,
        );
        let message = &found[0].message;
        assert!(
            message.contains(&format!("starting with {}]", "02".repeat(32))),
            "{message}"
        );
    }
}
