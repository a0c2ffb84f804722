//! Steps of the generator features: a request or response with generators (read as a V4 pact
//! holds them) prepared by accord-core for a consumer or provider test, with provider-state
//! values or a mock server URL, and the values it produced checked by their form.

use accord_core::generators::{GeneratorContext, generate_request, generate_response};
use accord_core::{HttpRequest, HttpResponse, SpecVersion};
use compatibility_suite::{StepInput, Steps};
use regex::Regex;
use serde_json::{Map, Value, json};

use crate::fixtures::{self, Body};
use crate::interactions::rows;

/// A scenario's state.
#[derive(Default)]
pub(crate) struct World {
    request: Option<Value>,
    response: Option<Value>,
    provider_mode: bool,
    generated_request: Option<HttpRequest>,
    generated_response: Option<HttpResponse>,
}

/// A part with the body and generators of a table row; a header or query parameter that a
/// generator names is given an example value, as a pact would hold one.
fn configured(row: &[(String, String)], base: Value) -> Result<Value, String> {
    let suite = crate::suite_dir();
    let cell = |name: &str| {
        row.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut out = base;
    if let Some(text) = cell("body").filter(|t| !t.is_empty()) {
        out["body"] = match fixtures::body(&suite, &text)?.ok_or("an empty body cell")? {
            Body::Json(value) => json!({"content": value, "contentType": "application/json"}),
            Body::Text(text, ct) => json!({"content": text, "contentType": ct}),
            Body::Binary(..) => return Err("binary bodies take no generators here".to_owned()),
        };
    }
    if let Some(text) = cell("generators").filter(|t| !t.is_empty()) {
        // A fixture's name, or `JSON: ...` written in the table.
        let generators = match text.strip_prefix("JSON:") {
            Some(json) => serde_json::from_str(json.trim()).map_err(|e| format!("generators {json}: {e}"))?,
            None => match fixtures::file(&suite, &text)? {
                Body::Json(value) => value,
                _ => return Err(format!("generators {text} are not JSON")),
            },
        };
        for (category, key) in [("header", "headers"), ("query", "query")] {
            for name in generators[category]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                out[key][name] = json!(["1"]);
            }
        }
        out["generators"] = generators;
    }
    Ok(out)
}

fn request_configured(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let row = rows(input.table()?).into_iter().next().unwrap_or_default();
    w.request = Some(configured(&row, json!({"method": "GET", "path": "/path/1"}))?);
    Ok(())
}

fn response_configured(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let row = rows(input.table()?).into_iter().next().unwrap_or_default();
    w.response = Some(configured(&row, json!({"status": 200}))?);
    Ok(())
}

fn test_mode(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.provider_mode = match input.arg(0) {
        "Provider" => true,
        "Consumer" => false,
        other => return Err(format!("unknown test mode '{other}'")),
    };
    Ok(())
}

fn context(w: &World, kind: Option<&str>, data: Option<Value>) -> Result<GeneratorContext, String> {
    let data = data.unwrap_or(Value::Null);
    let mut ctx = if w.provider_mode {
        GeneratorContext::provider(Map::new())
    } else {
        GeneratorContext::consumer(None)
    };
    match kind {
        None => {}
        Some("providerState") => {
            ctx.provider_state = data
                .as_object()
                .cloned()
                .ok_or("a provider state context is an object")?;
        }
        Some("mockServer") => {
            ctx.mock_server_url = data["href"].as_str().map(str::to_owned);
        }
        Some(other) => return Err(format!("unknown context '{other}'")),
    }
    Ok(ctx)
}

fn prepare(w: &mut World, kind: Option<&str>, data: Option<Value>) -> Result<(), String> {
    let ctx = context(w, kind, data)?;
    if let Some(request) = &w.request {
        let request = accord_core::format::request_from_json(request, SpecVersion::V4, "the scenario")
            .map_err(|e| format!("{e}"))?;
        w.generated_request = Some(generate_request(&request, &ctx));
    }
    if let Some(response) = &w.response {
        let response = accord_core::format::response_from_json(response, SpecVersion::V4, "the scenario")
            .map_err(|e| format!("{e}"))?;
        w.generated_response = Some(generate_response(&response, &ctx));
    }
    Ok(())
}

fn prepared(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    prepare(w, None, None)
}

fn prepared_with_context(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let table = input.table()?;
    let text = table
        .first()
        .and_then(|r| r.first())
        .ok_or("the context table is empty")?;
    let data: Value = serde_json::from_str(text).map_err(|e| format!("context {text}: {e}"))?;
    prepare(w, Some(input.arg(0)), Some(data))
}

/// The generated body's value at a simple path (`$.one`).
fn body_value(w: &World, path: &str) -> Result<Value, String> {
    let body = match (&w.generated_request, &w.generated_response) {
        (Some(request), _) => request.body.content().to_vec(),
        (None, Some(response)) => response.body.content().to_vec(),
        (None, None) => return Err("nothing was prepared".to_owned()),
    };
    let document: Value = serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let pointer = format!("/{}", path.trim_start_matches("$.").replace('.', "/"));
    document
        .pointer(&pointer)
        .cloned()
        .ok_or_else(|| format!("the body has no {path}: {document}"))
}

fn full(pattern: &str, text: &str) -> bool {
    Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|r| r.is_match(text))
}

fn replaced_with_kind(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let value = body_value(w, input.arg(0))?;
    let text = value.as_str().unwrap_or_default();
    let hex = "[0-9a-f]";
    let ok = match input.arg(1) {
        "integer" => value.is_i64() || value.is_u64(),
        "decimal number" => value.is_f64() || value.is_number(),
        "hexadecimal number" => full("[0-9a-fA-F]+", text),
        "random string" => value.is_string() && text != "a",
        "string from the regex" => full(r"\d{1,8}", text),
        "date" => full(r"\d{4}-\d{2}-\d{2}", text),
        "time" => full(r"\d{2}:\d{2}:\d{2}", text),
        "date-time" => full(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",
            text,
        ),
        "UUID" | "lower-case-hyphenated UUID" => full(
            &format!("{hex}{{8}}-{hex}{{4}}-{hex}{{4}}-{hex}{{4}}-{hex}{{12}}"),
            text,
        ),
        "upper-case-hyphenated UUID" => full(
            "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
            text,
        ),
        "simple UUID" => full(&format!("{hex}{{32}}"), text),
        "URN UUID" => full(
            &format!("urn:uuid:{hex}{{8}}-{hex}{{4}}-{hex}{{4}}-{hex}{{4}}-{hex}{{12}}"),
            text,
        ),
        "boolean" => value.is_boolean(),
        other => return Err(format!("unknown kind of value '{other}'")),
    };
    if !ok {
        return Err(format!("{} is {value}, not a {}", input.arg(0), input.arg(1)));
    }
    Ok(())
}

fn replaced_with_value(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let value = body_value(w, input.arg(0))?;
    let shown = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    if shown != input.arg(1) {
        return Err(format!("{} is {value}", input.arg(0)));
    }
    Ok(())
}

/// A request part named as the suite names it: `path`, `header[X]`, `queryParameter[x]`.
fn request_part(w: &World, name: &str) -> Result<String, String> {
    let request = w.generated_request.as_ref().ok_or("no request was prepared")?;
    if name == "path" {
        return Ok(request.path.clone());
    }
    if let Some(header) = name.strip_prefix("header[").and_then(|n| n.strip_suffix(']')) {
        return request
            .headers
            .get(header)
            .map(|values| values.join(", "))
            .ok_or_else(|| format!("the request has no header {header}"));
    }
    if let Some(param) = name
        .strip_prefix("queryParameter[")
        .and_then(|n| n.strip_suffix(']'))
    {
        return request
            .query
            .as_ref()
            .and_then(|q| q.get(param))
            .map(|values| values.join(","))
            .ok_or_else(|| format!("the request has no query parameter {param}"));
    }
    Err(format!("unknown request part '{name}'"))
}

fn response_part(w: &World, name: &str) -> Result<String, String> {
    let response = w.generated_response.as_ref().ok_or("no response was prepared")?;
    if name == "status" {
        return Ok(response.status.to_string());
    }
    if let Some(header) = name.strip_prefix("header[").and_then(|n| n.strip_suffix(']')) {
        return response
            .headers
            .get(header)
            .map(|values| values.join(", "))
            .ok_or_else(|| format!("the response has no header {header}"));
    }
    Err(format!("unknown response part '{name}'"))
}

fn request_set_as(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = request_part(w, input.arg(0))?;
    if got != input.arg(1) {
        return Err(format!("the request's {} is '{got}'", input.arg(0)));
    }
    Ok(())
}

fn part_matches(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = if input.arg(0) == "request" {
        request_part(w, input.arg(1))?
    } else {
        response_part(w, input.arg(1))?
    };
    if !full(input.arg(2), &got) {
        return Err(format!("the {} {} is '{got}'", input.arg(0), input.arg(1)));
    }
    Ok(())
}

fn response_not(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = response_part(w, input.arg(0))?;
    if got == input.arg(1) {
        return Err(format!("the response's {} is '{got}'", input.arg(0)));
    }
    Ok(())
}

/// The steps of the generator features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step(
        "a request configured with the following generators:",
        request_configured,
    )
    .step(
        "a response configured with the following generators:",
        response_configured,
    )
    .step(r#"the generator test mode is set as "(.*)""#, test_mode)
    .step("the (?:request|response) is prepared for use", prepared)
    .step(
        r#"the (?:request|response) is prepared for use with a "(.*)" context:"#,
        prepared_with_context,
    )
    .step(
        r#"the body value for "(.*)" will have been replaced with an? "(.*)""#,
        replaced_with_kind,
    )
    .step(
        r#"the body value for "(.*)" will have been replaced with "(.*)""#,
        replaced_with_value,
    )
    .step(r#"the request "(.*)" will be set as "(.*)""#, request_set_as)
    .step(r#"the (request|response) "(.*)" will match "(.*)""#, part_matches)
    .step(r#"the response "(.*)" will not be "(.*)""#, response_not);
    s
}
