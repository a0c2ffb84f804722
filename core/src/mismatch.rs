//! Mismatches as data: which part differed, what was expected, what arrived, and why.

use serde_json::{Value, json};

/// The part of a request, response or message a mismatch is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MismatchKind {
    /// HTTP method.
    Method,
    /// Request path.
    Path,
    /// A query parameter (the location is its name).
    Query,
    /// A header (the location is its name).
    Header,
    /// Response status.
    Status,
    /// The body content types differ.
    BodyType,
    /// The body (the location is the `$…` path).
    Body,
    /// A message metadata entry (the location is its key).
    Metadata,
}

impl MismatchKind {
    /// The mismatch `type` name used in JSON (as the Pact tools name them).
    pub fn type_name(self) -> &'static str {
        match self {
            MismatchKind::Method => "MethodMismatch",
            MismatchKind::Path => "PathMismatch",
            MismatchKind::Query => "QueryMismatch",
            MismatchKind::Header => "HeaderMismatch",
            MismatchKind::Status => "StatusMismatch",
            MismatchKind::BodyType => "BodyTypeMismatch",
            MismatchKind::Body => "BodyMismatch",
            MismatchKind::Metadata => "MetadataMismatch",
        }
    }

    /// A short human name for the part, used in reports.
    pub fn part_name(self) -> &'static str {
        match self {
            MismatchKind::Method => "method",
            MismatchKind::Path => "path",
            MismatchKind::Query => "query parameter",
            MismatchKind::Header => "header",
            MismatchKind::Status => "status",
            MismatchKind::BodyType => "body content type",
            MismatchKind::Body => "body",
            MismatchKind::Metadata => "metadata",
        }
    }
}

/// One difference between an expected and an actual request, response or message.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// Which part differed.
    pub kind: MismatchKind,
    /// Where in that part: a body path (`$.items[1].id`), a header, parameter or metadata name;
    /// empty for method, path and status.
    pub location: String,
    /// The expected value, rendered as text (JSON for body values).
    pub expected: String,
    /// The actual value, rendered as text (JSON for body values).
    pub actual: String,
    /// What is wrong, in words.
    pub message: String,
}

impl Mismatch {
    /// A mismatch of the given kind.
    pub fn new(
        kind: MismatchKind,
        location: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        message: impl Into<String>,
    ) -> Mismatch {
        Mismatch {
            kind,
            location: location.into(),
            expected: expected.into(),
            actual: actual.into(),
            message: message.into(),
        }
    }

    /// The JSON form (`type`, the location key, `expected`, `actual`, `mismatch`).
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "type": self.kind.type_name(),
            "expected": self.expected,
            "actual": self.actual,
            "mismatch": self.message,
        });
        let location_key = match self.kind {
            MismatchKind::Query => Some("parameter"),
            MismatchKind::Header | MismatchKind::Metadata => Some("key"),
            MismatchKind::Body => Some("path"),
            _ => None,
        };
        if let (Some(key), Value::Object(map)) = (location_key, &mut value) {
            map.insert(key.into(), self.location.clone().into());
        }
        value
    }

    /// One line describing the mismatch, e.g. `body $.id: Expected 'a' (String) to be ...`.
    pub fn summary(&self) -> String {
        if self.location.is_empty() {
            format!("{}: {}", self.kind.part_name(), self.message)
        } else {
            format!("{} {}: {}", self.kind.part_name(), self.location, self.message)
        }
    }
}

/// Renders a JSON value the way mismatch messages quote it: `'text' (String)`, `42 (Integer)`.
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}' (String)"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("{n} (Integer)"),
        Value::Number(n) => format!("{n} (Decimal)"),
        Value::Bool(b) => format!("{b} (Boolean)"),
        Value::Null => "null (Null)".to_owned(),
        Value::Array(_) => format!("{value} (Array)"),
        Value::Object(_) => format!("{value} (Object)"),
    }
}

/// Renders a JSON value bare, strings without quotes.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
