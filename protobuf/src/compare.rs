//! An actual protobuf message against the expected one, by the pact's matching rules, with the
//! plugin's semantics: a field the sender left out holds its default value; in a request, a
//! field the consumer did not declare may only hold its default.

use accord_core::matching::{Strictness, match_json};
use accord_core::rules::MatchingRules;
use accord_core::{Mismatch, MismatchKind};
use prost_reflect::MessageDescriptor;
use serde_json::{Map, Value};

use crate::message::{decode, decode_all_fields};

/// Which side of an exchange a message is: requests allow no undeclared field, responses and
/// messages allow any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request: a field the pact does not declare must hold its default.
    Request,
    /// A response or a message: fields the pact does not declare are allowed.
    Response,
}

/// The mismatches of `actual` against `expected` (both encoded `descriptor` messages), by the
/// `body` rules of `rules`. Paths name the message's fields (`$.rectangle.length`); values are
/// shown decoded, never as bytes. Bytes that do not decode are one mismatch saying why.
pub fn compare(
    descriptor: &MessageDescriptor,
    expected: &[u8],
    actual: &[u8],
    rules: &MatchingRules,
    side: Side,
) -> Vec<Mismatch> {
    let expected = match decode(descriptor, expected) {
        Ok(value) => value,
        Err(e) => {
            return vec![Mismatch::new(
                MismatchKind::Body,
                "$",
                "",
                "",
                format!("the pact's own example cannot be decoded: {e}"),
            )];
        }
    };
    let actual = match decode_all_fields(descriptor, actual) {
        Ok(value) => value,
        Err(e) => {
            return vec![Mismatch::new(
                MismatchKind::Body,
                "$",
                expected.to_string(),
                "",
                format!(
                    "the provider's answer is not a '{}' message: {e}",
                    descriptor.full_name()
                ),
            )];
        }
    };
    let actual = without_undeclared_defaults(&expected, actual);
    let strictness = match side {
        Side::Request => Strictness::Request,
        Side::Response => Strictness::Response,
    };
    match_json(&expected, &actual, rules, strictness)
}

/// Whether a decoded value is a field's default (zero, empty, false, the first enum value).
fn is_default(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty() || map.values().all(is_default),
    }
}

/// `actual` without the fields `expected` does not declare that hold their default value:
/// decoding with every field fills them in, and they were not sent.
fn without_undeclared_defaults(expected: &Value, actual: Value) -> Value {
    match (expected, actual) {
        (Value::Object(declared), Value::Object(fields)) => {
            let mut out = Map::new();
            for (name, value) in fields {
                match declared.get(&name) {
                    Some(inner) => {
                        out.insert(name, without_undeclared_defaults(inner, value));
                    }
                    None if is_default(&value) => {}
                    None => {
                        out.insert(name, value);
                    }
                }
            }
            Value::Object(out)
        }
        (Value::Array(declared), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match declared.get(i).or_else(|| declared.first()) {
                    Some(inner) => without_undeclared_defaults(inner, item),
                    None => item,
                })
                .collect(),
        ),
        (_, actual) => actual,
    }
}
