//! An actual protobuf message against the expected one, by the pact's matching rules, with the
//! plugin's semantics: a field the sender left out holds its default value (a message field the
//! default message); in a request, a field the consumer did not declare may only hold its
//! default.

use accord_core::matching::{Strictness, match_json};
use accord_core::rules::MatchingRules;
use accord_core::{Mismatch, MismatchKind};
use prost_reflect::{Kind, MessageDescriptor};
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
    compare_with(descriptor, &expected, actual, rules, side)
}

/// [`compare`] with the expected message already decoded (a mock server decodes each
/// interaction's once, not per request).
pub fn compare_with(
    descriptor: &MessageDescriptor,
    expected: &Value,
    actual_bytes: &[u8],
    rules: &MatchingRules,
    side: Side,
) -> Vec<Mismatch> {
    let actual = match decode_all_fields(descriptor, actual_bytes) {
        Ok(value) => value,
        Err(e) => {
            let (place, why) = crate::message::wire_problem(descriptor, actual_bytes, "$")
                .unwrap_or_else(|| ("$".to_owned(), e.to_string()));
            return vec![Mismatch::new(
                MismatchKind::Body,
                place,
                expected.to_string(),
                "",
                format!("the answer is not a '{}' message: {why}", descriptor.full_name()),
            )];
        }
    };
    let mut actual = without_undeclared_defaults(expected, actual);
    fill_missing_messages(descriptor, expected, &mut actual);
    let strictness = match side {
        Side::Request => Strictness::Request,
        Side::Response => Strictness::Response,
    };
    match_json(expected, &actual, rules, strictness)
}

/// A message field the sender left out reads as the default message (every field at its
/// default), as Pact's protobuf plugin reads it: fill in those the expected message declares.
fn fill_missing_messages(descriptor: &MessageDescriptor, expected: &Value, actual: &mut Value) {
    let (Value::Object(declared), Value::Object(fields)) = (expected, actual) else {
        return;
    };
    for (name, declared_value) in declared {
        let Some(field) = descriptor.get_field_by_name(name) else {
            continue;
        };
        let Kind::Message(inner) = field.kind() else {
            continue;
        };
        if field.is_map() {
            continue;
        }
        if field.is_list() {
            if let (Value::Array(declared_items), Some(Value::Array(items))) =
                (declared_value, fields.get_mut(name))
            {
                for (declared_item, item) in declared_items.iter().zip(items.iter_mut()) {
                    fill_missing_messages(&inner, declared_item, item);
                }
            }
            continue;
        }
        if !fields.contains_key(name)
            && let Ok(default) = decode_all_fields(&inner, &[])
        {
            fields.insert(name.clone(), default);
        }
        if let Some(value) = fields.get_mut(name) {
            fill_missing_messages(&inner, declared_value, value);
        }
    }
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
