//! The suite's table of HTTP interactions ("the following HTTP interactions have been
//! defined") and how each is declared with accord's consumer library, matching rules from the
//! fixtures included (as the library's matchers).

use accord::PactBuilder;
use serde_json::Value;

use crate::fixtures::{self, Body};

/// One row of "the following HTTP interactions have been defined".
#[derive(Debug, Clone, Default)]
pub(crate) struct Declared {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) status: u16,
    pub(crate) response_headers: Vec<(String, String)>,
    pub(crate) response_content_type: Option<String>,
    pub(crate) response_body: Option<Body>,
    /// Matching rules from a fixture, as written in a pact (`$.body.one`, `$.path`, ...).
    pub(crate) rules: Vec<(String, Value)>,
    /// Matching rules of the response, from a fixture.
    pub(crate) response_rules: Vec<(String, Value)>,
}

/// What a scenario adds to a declared interaction: provider states (with parameters when they
/// have some), pending, V4 comments and the consumer test's name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    pub(crate) states: Vec<(String, Option<Value>)>,
    pub(crate) pending: bool,
    pub(crate) comments: Vec<String>,
    pub(crate) test_name: Option<String>,
}

/// `'X-TEST: Compatibility'`, or several such separated by commas.
pub(crate) fn headers(cell: &str) -> Vec<(String, String)> {
    cell.split("',")
        .map(|h| h.trim().trim_matches('\''))
        .filter(|h| !h.is_empty())
        .filter_map(|h| h.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The row of a table with a header row, as (column, cell) pairs.
pub(crate) fn rows(table: &[Vec<String>]) -> Vec<Vec<(String, String)>> {
    let Some(header) = table.first() else {
        return Vec::new();
    };
    table
        .iter()
        .skip(1)
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

pub(crate) fn description(n: usize) -> String {
    format!("interaction {n}")
}

/// The rows of "the following HTTP interactions have been defined", in order.
pub(crate) fn parse(table: &[Vec<String>]) -> Result<Vec<Declared>, String> {
    let suite = crate::suite_dir();
    let mut declared = Vec::new();
    for row in rows(table) {
        let cell = |name: &str| {
            row.iter()
                .find(|(k, _)| k == name)
                .map_or(String::new(), |(_, v)| v.clone())
        };
        let status = cell("response");
        declared.push(Declared {
            method: cell("method"),
            path: cell("path"),
            query: cell("query"),
            headers: headers(&cell("headers")),
            body: fixtures::body(&suite, &cell("body"))?,
            status: if status.is_empty() {
                200
            } else {
                status.parse().map_err(|e| format!("status {status}: {e}"))?
            },
            response_headers: headers(&cell("response headers")),
            response_content_type: Some(cell("response content")).filter(|c| !c.is_empty()),
            response_body: fixtures::body(&suite, &cell("response body"))?,
            rules: rules_fixture(&suite, &cell("matching rules"))?,
            response_rules: rules_fixture(&suite, &cell("response matching rules"))?,
        });
    }
    Ok(declared)
}

/// A matching-rules fixture (V2 form, `{"$.body.one": {"match": "regex", ...}}`, or V3 form by
/// category) as (path, rule) pairs with V2-style paths.
fn rules_fixture(suite: &std::path::Path, name: &str) -> Result<Vec<(String, Value)>, String> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(Vec::new());
    }
    let Body::Json(value) = fixtures::file(suite, name)? else {
        return Err(format!("matching rules fixture {name} is not JSON"));
    };
    let map = value
        .as_object()
        .ok_or_else(|| format!("{name} is not an object"))?;
    let mut out = Vec::new();
    for (key, rule) in map {
        if key.starts_with('$') {
            out.push((key.clone(), rule.clone()));
            continue;
        }
        // V3 form: category, then path (or the rule list itself for path and status).
        let category = if key == "header" { "header" } else { key.as_str() };
        match rule.get("matchers") {
            Some(_) => out.push((format!("$.{category}"), rule.clone())),
            None => {
                for (path, inner) in rule.as_object().into_iter().flatten() {
                    let path = path.trim_start_matches('$').trim_start_matches('.');
                    out.push((format!("$.{category}.{path}"), inner.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// The DSL matcher for `rule` (V2 `{"match": ...}` or V3 `{"matchers": [..]}`) around `example`.
fn matcher(rule: &Value, example: Value) -> Result<Value, String> {
    use accord::matchers;
    let rule = rule.get("matchers").and_then(|m| m.get(0)).unwrap_or(rule);
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let kind = rule["match"].as_str().unwrap_or_default();
    Ok(match kind {
        "regex" => matchers::regex(rule["regex"].as_str().unwrap_or_default(), &text(&example)),
        "type" => match (rule["min"].as_u64(), rule["max"].as_u64()) {
            (Some(min), _) => matchers::min_like(example, usize::try_from(min).unwrap_or(0)),
            (None, Some(max)) => matchers::max_like(example, usize::try_from(max).unwrap_or(0)),
            (None, None) => matchers::like(example),
        },
        other => {
            return Err(format!(
                "matching rule '{other}' is not supported by these steps yet"
            ));
        }
    })
}

/// `value` with the matcher of `rule` around the part `path` (`one.a`, `two[0]`) names.
fn embed(value: &mut Value, path: &str, rule: &Value) -> Result<(), String> {
    if path.is_empty() {
        *value = matcher(rule, value.take())?;
        return Ok(());
    }
    let (head, rest) = match path.find(['.', '[']) {
        Some(0) if path.starts_with('[') => {
            let end = path.find(']').ok_or_else(|| format!("bad path {path}"))?;
            let index: usize = path[1..end].parse().map_err(|e| format!("{path}: {e}"))?;
            let target = value
                .get_mut(index)
                .ok_or_else(|| format!("no element {index}"))?;
            return embed(target, path[end + 1..].trim_start_matches('.'), rule);
        }
        Some(i) => (&path[..i], path[i..].trim_start_matches('.')),
        None => (path, ""),
    };
    let target = value
        .get_mut(head)
        .ok_or_else(|| format!("the body has no field '{head}'"))?;
    embed(target, rest, rule)
}

/// Declares interaction `n` (`d`) with `states` (names, with parameters when they have some).
pub(crate) fn declare(pact: &mut PactBuilder, n: usize, d: &Declared, extra: &Extra) -> Result<(), String> {
    let response_rule_at = |path: &str| {
        d.response_rules
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map(|(_, r)| r)
    };
    let mut response_headers = Vec::new();
    for (name, value) in &d.response_headers {
        let value = match response_rule_at(&format!("$.header.{name}"))
            .or_else(|| response_rule_at(&format!("$.headers.{name}")))
        {
            Some(rule) => matcher(rule, Value::String(value.clone()))?,
            None => Value::String(value.clone()),
        };
        response_headers.push((name.clone(), value));
    }
    let mut response_json = match &d.response_body {
        Some(Body::Json(value)) => Some(value.clone()),
        _ => None,
    };
    if let Some(body) = &mut response_json {
        for (path, rule) in &d.response_rules {
            if let Some(inner) = path.strip_prefix("$.body") {
                embed(body, inner.trim_start_matches('.'), rule)?;
            }
        }
    }
    let rule_at = |path: &str| {
        d.rules
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map(|(_, r)| r)
    };
    let path = match rule_at("$.path") {
        Some(rule) => matcher(rule, Value::String(d.path.clone()))?,
        None => Value::String(d.path.clone()),
    };
    let mut query = Vec::new();
    for pair in d.query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = match rule_at(&format!("$.query.{name}")) {
            Some(rule) => matcher(rule, Value::String(value.to_owned()))?,
            None => Value::String(value.to_owned()),
        };
        query.push((name.to_owned(), value));
    }
    let mut headers = Vec::new();
    for (name, value) in &d.headers {
        let value =
            match rule_at(&format!("$.header.{name}")).or_else(|| rule_at(&format!("$.headers.{name}"))) {
                Some(rule) => matcher(rule, Value::String(value.clone()))?,
                None => Value::String(value.clone()),
            };
        headers.push((name.clone(), value));
    }
    let mut json_body = match &d.body {
        Some(Body::Json(value)) => Some(value.clone()),
        _ => None,
    };
    if let Some(body) = &mut json_body {
        for (path, rule) in &d.rules {
            if let Some(inner) = path.strip_prefix("$.body") {
                embed(body, inner.trim_start_matches('.'), rule)?;
            }
        }
    }
    pact.interaction(&description(n), |i| {
        for (name, params) in &extra.states {
            match params {
                Some(params) => i.given_with(name, params.clone()),
                None => i.given(name),
            };
        }
        i.pending(extra.pending);
        for comment in &extra.comments {
            i.comment(comment);
        }
        if let Some(test) = &extra.test_name {
            i.test_name(test);
        }
        i.request(|r| {
            r.method(&d.method).path(path.clone());
            for (name, value) in &query {
                r.query_param(name, value.clone());
            }
            for (name, value) in &headers {
                r.header(name, value.clone());
            }
            match &d.body {
                Some(Body::Json(_)) => {
                    r.json_body(json_body.clone().unwrap_or_default());
                }
                Some(Body::Text(text, ct)) => {
                    r.body(text, ct);
                }
                Some(Body::Binary(bytes, ct)) => {
                    r.binary_body(bytes, ct);
                }
                None => {}
            }
            r
        })
        .response(|r| {
            r.status(d.status);
            for (name, value) in &response_headers {
                r.header(name, value.clone());
            }
            if let Some(ct) = &d.response_content_type {
                r.header("Content-Type", ct.as_str());
            }
            match &d.response_body {
                Some(Body::Json(_)) => {
                    r.json_body(response_json.clone().unwrap_or_default());
                }
                Some(Body::Text(text, ct)) => {
                    r.body(text, d.response_content_type.as_deref().unwrap_or(ct));
                }
                Some(Body::Binary(bytes, ct)) => {
                    r.binary_body(bytes, d.response_content_type.as_deref().unwrap_or(ct));
                }
                None => {}
            }
            r
        });
    });
    Ok(())
}
