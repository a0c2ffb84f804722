//! A JSON value (a pact's example, with its matching rules) against a JSON Schema of the
//! document, in one of two directions: a request the document must accept, or a response the
//! document must promise (every field the consumer's example has must be documented, required
//! and of a compatible type).

use accord_core::rules::{Category, MatchingRule, MatchingRules};
use serde_json::{Map, Value};

use crate::document::OpenApi;
use crate::pattern::{Inclusion, Semantics};

/// Which side of the contract a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// The consumer sends it: the document must accept it.
    Request,
    /// The consumer relies on it: the document must promise it.
    Response,
}

/// One disagreement: the pact path, the document path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) pact_path: String,
    pub(crate) document_path: String,
    pub(crate) message: String,
}

/// Checks values against schemas of one document, with the rules of one body.
pub(crate) struct Checker<'a> {
    pub(crate) document: &'a OpenApi,
    pub(crate) rules: &'a MatchingRules,
    pub(crate) direction: Direction,
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The types a schema allows (3.0 `type` + `nullable`, 3.1 `type` lists); empty: any.
fn allowed_types(schema: &Value) -> Vec<String> {
    let mut types: Vec<String> = match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && schema["nullable"] == Value::Bool(true) {
        types.push("null".to_owned());
    }
    types
}

fn type_allowed(actual: &str, allowed: &[String]) -> bool {
    allowed.is_empty()
        || allowed
            .iter()
            .any(|t| t == actual || (t == "number" && actual == "integer"))
}

/// Whether `text` has the documented string `format`, where accord can tell.
fn has_format(text: &str, format: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match format {
        "date" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3 && parts.iter().all(|p| digits(p)) && parts[0].len() == 4
        }
        "date-time" => {
            text.len() >= 19
                && text
                    .as_bytes()
                    .get(10)
                    .is_some_and(|c| *c == b'T' || *c == b't' || *c == b' ')
                && has_format(&text[..10], "date")
        }
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
                && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
        }
        "email" => text
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        _ => true,
    }
}

impl Checker<'_> {
    fn rule_at(&self, path: &str) -> Option<&MatchingRule> {
        self.rules
            .category(Category::Body)
            .and_then(|c| c.iter().find(|(k, _)| *k == path).map(|(_, list)| list))
            .and_then(|list| list.rules.first())
    }

    fn problem(&self, out: &mut Vec<Problem>, pact_path: &str, document_path: &str, message: String) {
        out.push(Problem {
            pact_path: pact_path.to_owned(),
            document_path: document_path.to_owned(),
            message,
        });
    }

    /// The problems of `value` at `pact_path` against `schema` at `document_path`.
    pub(crate) fn check(
        &self,
        value: &Value,
        schema: &Value,
        pact_path: &str,
        document_path: &str,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        self.check_into(value, schema, pact_path, document_path, &mut out);
        out
    }

    fn check_into(
        &self,
        value: &Value,
        schema: &Value,
        pact_path: &str,
        document_path: &str,
        out: &mut Vec<Problem>,
    ) {
        let schema = self.document.resolve(schema);
        if let Some(all) = schema["allOf"].as_array() {
            let merged = self.merged(all);
            let mut rest = schema.clone();
            if let Some(map) = rest.as_object_mut() {
                map.remove("allOf");
            }
            let combined = merge_schemas(&rest, &merged);
            return self.check_into(
                value,
                &combined,
                pact_path,
                &format!("{document_path}.allOf"),
                out,
            );
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema[key].as_array() {
                let results: Vec<Vec<Problem>> = branches
                    .iter()
                    .enumerate()
                    .map(|(i, b)| self.check(value, b, pact_path, &format!("{document_path}.{key}[{i}]")))
                    .collect();
                if !results.iter().any(Vec::is_empty) {
                    let best = results.into_iter().min_by_key(Vec::len).unwrap_or_default();
                    out.extend(best);
                }
                return;
            }
        }
        let actual = type_of(value);
        let allowed = allowed_types(schema);
        if !type_allowed(actual, &allowed) {
            let message = if actual == "null" {
                "null is not allowed by the document (not nullable)".to_owned()
            } else {
                format!(
                    "the document says {} but the pact has {actual}",
                    allowed.join(" or ")
                )
            };
            return self.problem(out, pact_path, document_path, message);
        }
        let rule = self.rule_at(pact_path);
        let exact_value = rule.is_none() || matches!(rule, Some(MatchingRule::Equality));
        if let Some(options) = schema["enum"].as_array() {
            match rule {
                Some(MatchingRule::Regex(pattern)) => {
                    let pattern = pattern.as_str();
                    if let Ok(re) = regex_lite(pattern) {
                        for option in options.iter().filter_map(Value::as_str) {
                            if !re(option) {
                                self.problem(out, pact_path, document_path, format!(
                                    "the document allows '{option}', which the pact's regex '{pattern}' does not accept"
                                ));
                            }
                        }
                    }
                }
                _ if exact_value && !options.contains(value) => self.problem(
                    out,
                    pact_path,
                    document_path,
                    format!(
                        "{value} is not one of the documented values {}",
                        Value::Array(options.clone())
                    ),
                ),
                _ => {}
            }
        }
        if let (Value::String(text), Some(format)) = (value, schema["format"].as_str())
            && !has_format(text, format)
        {
            self.problem(
                out,
                pact_path,
                document_path,
                format!("'{text}' does not have the documented format {format}"),
            );
        }
        if let (Value::String(text), Some(pattern)) = (value, schema["pattern"].as_str()) {
            self.check_pattern(text, pattern, rule, pact_path, document_path, out);
        }
        match value {
            Value::Object(map) => self.check_object(map, schema, pact_path, document_path, out),
            Value::Array(items) => {
                let item_schema = &schema["items"];
                if !item_schema.is_null() {
                    for (i, item) in items.iter().enumerate() {
                        let item_path = format!("{pact_path}[{i}]");
                        self.check_into(
                            item,
                            item_schema,
                            &item_path,
                            &format!("{document_path}.items"),
                            out,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// A string against the document's `pattern`: the example must match it, and a regex rule
    /// must agree with it where that is decidable: every text the consumer may send must match
    /// the pattern; every text the provider may answer must satisfy the consumer's regex.
    fn check_pattern(
        &self,
        text: &str,
        pattern: &str,
        rule: Option<&MatchingRule>,
        pact_path: &str,
        document_path: &str,
        out: &mut Vec<Problem>,
    ) {
        if self.document.patterns.search(pattern, text) == Some(false) {
            self.problem(
                out,
                pact_path,
                document_path,
                format!("'{text}' does not match the documented pattern '{pattern}'"),
            );
            return;
        }
        let Some(MatchingRule::Regex(regex)) = rule else {
            return;
        };
        let regex = regex.as_str();
        let message = match self.direction {
            Direction::Request => {
                match self
                    .document
                    .patterns
                    .included(regex, Semantics::Whole, pattern, Semantics::Search)
                {
                    Inclusion::Counterexample(w) => format!(
                        "the pact's regex '{regex}' lets the consumer send '{w}', which the documented pattern '{pattern}' refuses"
                    ),
                    _ => return,
                }
            }
            Direction::Response => {
                match self
                    .document
                    .patterns
                    .included(pattern, Semantics::Search, regex, Semantics::Whole)
                {
                    Inclusion::Counterexample(w) => format!(
                        "the documented pattern '{pattern}' allows '{w}', which the pact's regex '{regex}' does not accept"
                    ),
                    _ => return,
                }
            }
        };
        self.problem(out, pact_path, document_path, message);
    }

    fn check_object(
        &self,
        map: &Map<String, Value>,
        schema: &Value,
        pact_path: &str,
        document_path: &str,
        out: &mut Vec<Problem>,
    ) {
        let properties = schema["properties"].as_object();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let closed = schema["additionalProperties"] == Value::Bool(false);
        for (key, child) in map {
            let child_pact = format!("{pact_path}.{key}");
            match properties.and_then(|p| p.get(key)) {
                Some(child_schema) => {
                    if self.direction == Direction::Response && !required.contains(&key.as_str()) {
                        self.problem(out, &child_pact, &format!("{document_path}.required"), format!(
                            "the consumer relies on '{key}', which the document marks optional (it may be missing)"
                        ));
                    }
                    self.check_into(
                        child,
                        child_schema,
                        &child_pact,
                        &format!("{document_path}.properties.{key}"),
                        out,
                    );
                }
                None if self.direction == Direction::Response => {
                    let additional = &schema["additionalProperties"];
                    if additional.is_object() {
                        self.check_into(
                            child,
                            additional,
                            &child_pact,
                            &format!("{document_path}.additionalProperties"),
                            out,
                        );
                    } else {
                        self.problem(
                            out,
                            &child_pact,
                            &format!("{document_path}.properties"),
                            format!("the consumer relies on '{key}', which the document does not define"),
                        );
                    }
                }
                None if closed => self.problem(
                    out,
                    &child_pact,
                    &format!("{document_path}.additionalProperties"),
                    format!("'{key}' is not allowed: the document sets additionalProperties to false"),
                ),
                None => {}
            }
        }
        if self.direction == Direction::Request {
            for key in required {
                if !map.contains_key(key) {
                    self.problem(
                        out,
                        pact_path,
                        &format!("{document_path}.required"),
                        format!("the document requires '{key}', which the pact's request does not send"),
                    );
                }
            }
        }
    }

    /// The properties and required lists of `allOf`'s parts, merged.
    fn merged(&self, parts: &[Value]) -> Value {
        parts.iter().fold(Value::Object(Map::new()), |acc, part| {
            let part = self.document.resolve(part);
            let part = match part["allOf"].as_array() {
                Some(inner) => merge_schemas(part, &self.merged(inner)),
                None => part.clone(),
            };
            merge_schemas(&acc, &part)
        })
    }
}

/// `a` and `b` combined: properties and required lists joined, other keys of `b` winning.
fn merge_schemas(a: &Value, b: &Value) -> Value {
    let mut out = a.as_object().cloned().unwrap_or_default();
    if let Some(b) = b.as_object() {
        for (key, value) in b {
            match key.as_str() {
                "properties" => {
                    let mut props = out
                        .get("properties")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    for (k, v) in value.as_object().into_iter().flatten() {
                        props.insert(k.clone(), v.clone());
                    }
                    out.insert("properties".into(), Value::Object(props));
                }
                "required" => {
                    let mut list = out
                        .get("required")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    for v in value.as_array().into_iter().flatten() {
                        if !list.contains(v) {
                            list.push(v.clone());
                        }
                    }
                    out.insert("required".into(), Value::Array(list));
                }
                "allOf" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }
    if !out.contains_key("type") && out.contains_key("properties") {
        out.insert("type".into(), "object".into());
    }
    Value::Object(out)
}

/// A whole-text matcher for a pact regex, through accord's own pattern type.
fn regex_lite(pattern: &str) -> Result<impl Fn(&str) -> bool + '_, String> {
    let compiled = accord_core::rules::RegexPattern::new(pattern);
    compiled.validate()?;
    Ok(move |text: &str| compiled.is_full_match(text).unwrap_or(false))
}
