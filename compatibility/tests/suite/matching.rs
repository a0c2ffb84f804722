//! Steps of the matching features: an expected request or response (a body, its content type,
//! query, headers and a matching-rules fixture, read as a V4 pact would hold them) compared by
//! accord-core with requests or responses as received.

use accord_core::matching::{MatchOptions, match_request_with, match_response_with};
use accord_core::{HttpRequest, HttpResponse, Mismatch, SpecVersion};
use base64::Engine as _;
use compatibility_suite::{StepInput, Steps};
use serde_json::{Map, Value, json};

use crate::fixtures::{self, Body};
use crate::interactions::{headers, rows};

/// A scenario's state.
#[derive(Default)]
pub(crate) struct World {
    expected: Option<Value>,
    received: Vec<Value>,
    results: Vec<Vec<Mismatch>>,
    expected_response: Option<Value>,
    received_response: Option<Value>,
    response_result: Option<Vec<Mismatch>>,
}

/// A request or response part as a V4 pact holds it, from a table row.
fn part(row: &[(String, String)]) -> Result<Value, String> {
    let suite = crate::suite_dir();
    let cell = |name: &str| {
        row.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut out = json!({"method": "POST", "path": "/"});
    if let Some(text) = cell("body").filter(|t| !t.is_empty()) {
        let body = fixtures::body(&suite, &text)?.ok_or("an empty body cell")?;
        let content_type = cell("content type")
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| body.content_type().to_owned());
        out["body"] = match body {
            Body::Json(value) if content_type.contains("json") => {
                json!({"content": value, "contentType": content_type})
            }
            Body::Json(value) => json!({"content": value.to_string(), "contentType": content_type}),
            Body::Text(text, _) => json!({"content": text, "contentType": content_type}),
            Body::Binary(bytes, _) => json!({
                "content": base64::engine::general_purpose::STANDARD.encode(bytes),
                "contentType": content_type,
                "encoded": "base64",
            }),
        };
        out["headers"] = json!({"Content-Type": [content_type]});
    }
    if let Some(query) = cell("query").filter(|t| !t.is_empty()) {
        let mut map = Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let values = map.entry(name.to_owned()).or_insert_with(|| json!([]));
            if let Some(list) = values.as_array_mut() {
                list.push(json!(value));
            }
        }
        out["query"] = Value::Object(map);
    }
    if let Some(cell) = cell("headers").filter(|t| !t.is_empty()) {
        let map = out["headers"].as_object().cloned().unwrap_or_default();
        let mut map = map;
        for (name, value) in headers(&cell) {
            let values = map.entry(name).or_insert_with(|| json!([]));
            if let Some(list) = values.as_array_mut() {
                list.extend(value.split(',').map(|v| json!(v.trim())));
            }
        }
        out["headers"] = Value::Object(map);
    }
    if let Some(status) = cell("status").filter(|t| !t.is_empty()) {
        out["status"] = json!(
            status
                .parse::<u16>()
                .map_err(|e| format!("status {status}: {e}"))?
        );
    }
    if let Some(name) = cell("matching rules").filter(|t| !t.is_empty()) {
        let Body::Json(rules) = fixtures::file(&suite, &name)? else {
            return Err(format!("{name} is not JSON"));
        };
        out["matchingRules"] = rules;
    }
    Ok(out)
}

fn first_row(input: &StepInput<'_>) -> Result<Vec<(String, String)>, String> {
    rows(input.table()?)
        .into_iter()
        .next()
        .ok_or_else(|| "the table has no row".to_owned())
}

fn expected_configured(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.expected = Some(part(&first_row(input)?)?);
    Ok(())
}

fn received_configured(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.received.push(part(&first_row(input)?)?);
    Ok(())
}

fn many_received(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    for row in rows(input.table()?) {
        w.received.push(part(&row)?);
    }
    Ok(())
}

fn with_header(name: &str, value: &str) -> Value {
    json!({"method": "GET", "path": "/", "headers": {name: [value]}})
}

fn expected_header(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.expected = Some(with_header(input.arg(0), input.arg(1)));
    Ok(())
}

fn received_header(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.received.push(with_header(input.arg(0), input.arg(1)));
    Ok(())
}

fn request(value: &Value) -> Result<HttpRequest, String> {
    accord_core::format::request_from_json(value, SpecVersion::V4, "the scenario").map_err(|e| format!("{e}"))
}

fn response(value: &Value) -> Result<HttpResponse, String> {
    accord_core::format::response_from_json(value, SpecVersion::V4, "the scenario")
        .map_err(|e| format!("{e}"))
}

fn compared(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let expected = request(w.expected.as_ref().ok_or("no expected request")?)?;
    w.results = w
        .received
        .iter()
        .map(|r| request(r).map(|actual| match_request_with(&expected, &actual, MatchOptions::default())))
        .collect::<Result<_, _>>()?;
    Ok(())
}

fn comparison_ok(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0).is_empty();
    if w.results.is_empty() {
        return Err("nothing was compared".to_owned());
    }
    for (i, mismatches) in w.results.iter().enumerate() {
        if mismatches.is_empty() != wanted {
            return Err(format!(
                "request {} of {}: the mismatches are {:#?}",
                i + 1,
                w.results.len(),
                listed(mismatches)
            ));
        }
    }
    Ok(())
}

fn listed(mismatches: &[Mismatch]) -> Vec<String> {
    mismatches
        .iter()
        .map(|m| format!("{} -> {}", m.location, m.message))
        .collect()
}

/// The text of a quoted step argument, with the feature file's `\"` read as `"`.
fn unescaped(text: &str) -> String {
    text.replace("\\\"", "\"")
}

fn mismatch_with_error(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (path, error) = (unescaped(input.arg(0)), unescaped(input.arg(1)));
    let all: Vec<&Mismatch> = w.results.iter().flatten().collect();
    let found = all.iter().any(|m| {
        compatibility_suite::says(&error, &m.message)
            && (m.location == path || m.location.eq_ignore_ascii_case(&path))
    });
    if !found {
        let listed: Vec<String> = all
            .iter()
            .map(|m| format!("{} -> {}", m.location, m.message))
            .collect();
        return Err(format!(
            "no mismatch {path} -> {error}; the mismatches are {listed:#?}"
        ));
    }
    Ok(())
}

fn expected_response(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let mut part = part(&first_row(input)?)?;
    if let Some(map) = part.as_object_mut() {
        map.remove("method");
        map.remove("path");
    }
    w.expected_response = Some(part);
    Ok(())
}

fn status_received(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let status: u16 = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    w.received_response = Some(json!({"status": status}));
    Ok(())
}

fn response_compared(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let expected = response(w.expected_response.as_ref().ok_or("no expected response")?)?;
    let actual = response(w.received_response.as_ref().ok_or("no response received")?)?;
    w.response_result = Some(match_response_with(&expected, &actual, MatchOptions::default()));
    Ok(())
}

fn response_ok(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0).is_empty();
    let mismatches = w.response_result.as_ref().ok_or("no response was compared")?;
    if mismatches.is_empty() != wanted {
        return Err(format!("the mismatches are {:#?}", listed(mismatches)));
    }
    Ok(())
}

fn response_mismatch(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let mismatches = w.response_result.as_ref().ok_or("no response was compared")?;
    let kind = input.arg(0);
    let error = unescaped(input.arg(1));
    let found = mismatches
        .iter()
        .any(|m| m.kind.part_name() == kind && compatibility_suite::says(&error, &m.message));
    if !found {
        return Err(format!("no {kind} mismatch '{error}': {:#?}", listed(mismatches)));
    }
    Ok(())
}

/// The steps of the matching features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step(
        "an expected request configured with the following:",
        expected_configured,
    )
    .step("a request is received with the following:", received_configured)
    .step("the following requests are received:", many_received)
    .step(
        r#"an expected request with an? "(.*)" header of "(.*)""#,
        expected_header,
    )
    .step(
        r#"a request is received with an? "(.*)" header of "(.*)""#,
        received_header,
    )
    .step("the requests? (?:is|are) compared to the expected one", compared)
    .step("the comparison should (NOT )?be OK", comparison_ok)
    .step(
        r#"the mismatches will contain a mismatch with error "(.*?)" -> "(.*)""#,
        mismatch_with_error,
    )
    .step(
        "an expected response configured with the following:",
        expected_response,
    )
    .step(r"a status (\d+) response is received", status_received)
    .step("the response is compared to the expected one", response_compared)
    .step("the response comparison should (NOT )?be OK", response_ok)
    .step(
        r#"the response mismatches will contain a "(.*)" mismatch with error "(.*)""#,
        response_mismatch,
    );
    s
}
