//! Applying one matcher to one value, with the mismatch text the Pact tools use.

use serde_json::Value;

use crate::java_time;
use crate::mismatch::{describe_value, value_text};
use crate::model::ContentType;
use crate::rules::{Combine, MatchingRule, RuleList};

/// How strings are treated by the numeric matchers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coercion {
    /// Body values: a string is never a number.
    Strict,
    /// Header, query and metadata text: numbers are read from strings.
    FromText,
}

/// Applies a rule list (AND/OR) to a leaf value; the messages of failed matchers.
pub(crate) fn check_list(
    list: &RuleList,
    expected: &Value,
    actual: &Value,
    coercion: Coercion,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut any_passed = false;
    for rule in &list.rules {
        match check(rule, expected, actual, coercion) {
            Ok(()) => any_passed = true,
            Err(message) => errors.push(message),
        }
    }
    match list.combine {
        Combine::And => errors,
        Combine::Or if any_passed => Vec::new(),
        Combine::Or => errors,
    }
}

/// Applies one rule to a leaf value.
pub(crate) fn check(
    rule: &MatchingRule,
    expected: &Value,
    actual: &Value,
    coercion: Coercion,
) -> Result<(), String> {
    match rule {
        MatchingRule::Equality => {
            if json_equal(expected, actual) {
                Ok(())
            } else {
                Err(format!(
                    "Expected {} to be equal to {}",
                    describe_value(actual),
                    describe_value(expected)
                ))
            }
        }
        MatchingRule::Regex(regex) => {
            if actual.is_object() || actual.is_array() {
                return Ok(());
            }
            let text = if actual.is_null() {
                String::new()
            } else {
                value_text(actual)
            };
            if regex.is_full_match(&text)? {
                Ok(())
            } else {
                Err(format!("Expected '{text}' to match '{regex}'"))
            }
        }
        // Under `values` a map's entries are compared with the expected ones by type.
        MatchingRule::Type { .. } | MatchingRule::Values => {
            if same_type(expected, actual) {
                Ok(())
            } else {
                Err(format!(
                    "Expected {} to be the same type as {}",
                    describe_value(actual),
                    describe_value(expected)
                ))
            }
        }
        MatchingRule::Include(part) => {
            let text = value_text(actual);
            if text.contains(part.as_str()) {
                Ok(())
            } else {
                Err(format!("Expected '{text}' to include '{part}'"))
            }
        }
        MatchingRule::Integer => match actual {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            Value::String(s) if coercion == Coercion::FromText && s.trim().parse::<i64>().is_ok() => Ok(()),
            _ => Err(format!("Expected {} to be an integer", describe_value(actual))),
        },
        MatchingRule::Decimal => match actual {
            Value::Number(n) if n.is_f64() => Ok(()),
            Value::String(s)
                if coercion == Coercion::FromText && s.contains('.') && s.trim().parse::<f64>().is_ok() =>
            {
                Ok(())
            }
            _ => Err(format!(
                "Expected {} to be a decimal number",
                describe_value(actual)
            )),
        },
        MatchingRule::Number => match actual {
            Value::Number(_) => Ok(()),
            Value::String(s) if coercion == Coercion::FromText && s.trim().parse::<f64>().is_ok() => Ok(()),
            _ => Err(format!("Expected {} to be a number", describe_value(actual))),
        },
        MatchingRule::Timestamp(format) | MatchingRule::Date(format) | MatchingRule::Time(format) => {
            let text = match actual {
                Value::String(s) => s.clone(),
                other => value_text(other),
            };
            let valid = if format.is_empty() {
                match rule {
                    MatchingRule::Date(_) => java_time::is_iso_date(&text),
                    MatchingRule::Time(_) => java_time::is_iso_time(&text),
                    _ => java_time::is_iso_datetime(&text),
                }
            } else {
                format.matches(&text)?
            };
            if valid && actual.is_string() {
                Ok(())
            } else {
                let kind = match rule {
                    MatchingRule::Date(_) => "date",
                    MatchingRule::Time(_) => "time",
                    _ => "datetime",
                };
                let shown = if format.is_empty() {
                    "ISO-8601"
                } else {
                    format.as_str()
                };
                Err(format!(
                    "Expected '{text}' to match a {kind} pattern of '{shown}'"
                ))
            }
        }
        MatchingRule::Null => {
            if actual.is_null() {
                Ok(())
            } else {
                Err(format!("Expected {} to be a null value", describe_value(actual)))
            }
        }
        MatchingRule::Boolean => match actual {
            Value::Bool(_) => Ok(()),
            Value::String(s) if s == "true" || s == "false" => Ok(()),
            _ => Err(format!("Expected {} to match a boolean", describe_value(actual))),
        },
        MatchingRule::ContentType(expected_type) => {
            let text = value_text(actual);
            check_content_type(expected_type, text.as_bytes())
        }
        MatchingRule::NotEmpty => {
            let empty = match actual {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => false,
            };
            if empty {
                Err(format!("Expected {} to not be empty", describe_value(actual)))
            } else if !same_type(expected, actual) && !expected.is_null() {
                Err(format!(
                    "Type mismatch: Expected {} to be the same type as {}",
                    describe_value(actual),
                    describe_value(expected)
                ))
            } else {
                Ok(())
            }
        }
        MatchingRule::Semver => {
            let text = value_text(actual);
            if actual.is_string() && semver::Version::parse(&text).is_ok() {
                Ok(())
            } else {
                Err(format!("'{text}' is not a valid semantic version"))
            }
        }
        MatchingRule::StatusCode(class) => match actual.as_u64().and_then(|s| u16::try_from(s).ok()) {
            Some(status) if class.contains(status) => Ok(()),
            _ => Err(format!(
                "Expected status code {} to be {}",
                value_text(actual),
                class.describe()
            )),
        },
        MatchingRule::ArrayContains(_) => Ok(()),
        MatchingRule::EachKey { .. } => Ok(()),
        MatchingRule::EachValue { rules, .. } => {
            let list = RuleList {
                rules: rules.clone(),
                combine: Combine::And,
            };
            let errors = check_list(&list, expected, actual, coercion);
            if errors.is_empty() {
                Ok(())
            } else {
                Err(errors.join("; "))
            }
        }
        MatchingRule::Unknown { name, .. } => Err(format!(
            "matcher '{name}' is not supported by accord (plugin matchers need their plugin)"
        )),
    }
}

/// Checks binary content against an expected content type using its magic bytes.
pub(crate) fn check_content_type(expected_type: &str, bytes: &[u8]) -> Result<(), String> {
    let detected = ContentType::detect(bytes);
    let expected = ContentType::parse(expected_type);
    let same = match &expected {
        Some(e) => {
            e.essence() == detected.essence()
                || (e.is_json() && detected.is_json())
                || (e.is_xml() && detected.is_xml())
        }
        None => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "Expected binary contents to have content type '{expected_type}' but detected contents was '{}'",
            detected.essence()
        ))
    }
}

/// Whether two JSON values are of the same type (all numbers are one type).
pub(crate) fn same_type(expected: &Value, actual: &Value) -> bool {
    matches!(
        (expected, actual),
        (Value::Null, Value::Null)
            | (Value::Bool(_), Value::Bool(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::String(_), Value::String(_))
            | (Value::Array(_), Value::Array(_))
            | (Value::Object(_), Value::Object(_))
    )
}

/// Equality of leaf values; numbers compare by value.
pub(crate) fn json_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
                x == y
            } else {
                a.as_f64() == b.as_f64()
            }
        }
        _ => expected == actual,
    }
}
