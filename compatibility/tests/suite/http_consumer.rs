//! Steps of the HTTP consumer features: interactions declared with accord's consumer library
//! (`accord::PactBuilder`), served by its mock server, called with a real HTTP client, and the
//! pact file it writes when the test passes.

use std::path::PathBuf;

use accord::{MockSession, PactBuilder};
use accord_mock_server::{MockReport, Problem};
use compatibility_suite::{StepInput, Steps};
use serde_json::Value;

use crate::fixtures::{self, Body};
use crate::interactions::{self, Declared, description, headers, rows};

/// A scenario's state.
pub(crate) struct World {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    declared: Vec<Declared>,
    started: Vec<usize>,
    session: Option<MockSession>,
    report: Option<MockReport>,
    finished: Option<Result<(), String>>,
    response: Option<(u16, reqwest::header::HeaderMap, Vec<u8>)>,
}

impl Default for World {
    fn default() -> Self {
        World {
            rt: crate::runtime(),
            dir: crate::scratch_dir(),
            declared: Vec::new(),
            started: Vec::new(),
            session: None,
            report: None,
            finished: None,
            response: None,
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // A scenario may end before "the pact test is done": the session is finished, as a
        // test would, so its mock server stops (its verdict does not matter any more).
        if let Some(session) = self.session.take() {
            let _ = session.finish();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const CONSUMER: &str = "compatibility-consumer";
const PROVIDER: &str = "compatibility-provider";

fn defined(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.declared = interactions::parse(input.table()?)?;
    Ok(())
}

fn start(w: &mut World, numbers: Vec<usize>) -> Result<(), String> {
    // The suite declares examples that break their own matchers (a regex example 'a'), as other
    // Pact libraries allow, to see what the mock server answers.
    let mut pact = PactBuilder::new(CONSUMER, PROVIDER)
        .output_dir(&w.dir)
        .without_example_checks();
    for &n in &numbers {
        let d = w
            .declared
            .get(n.wrapping_sub(1))
            .cloned()
            .ok_or_else(|| format!("no interaction {n}"))?;
        interactions::declare(&mut pact, n, &d, &interactions::Extra::default())?;
    }
    let session =
        w.rt.block_on(pact.start_mock_server())
            .map_err(|e| format!("the mock server did not start: {e:?}"))?;
    w.session = Some(session);
    w.started = numbers;
    Ok(())
}

fn started_with_one(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    start(w, vec![n])
}

fn started_with_changes(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n: usize = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    let changes = rows(input.table()?).into_iter().next().unwrap_or_default();
    let suite = crate::suite_dir();
    let d = w
        .declared
        .get_mut(n.wrapping_sub(1))
        .ok_or_else(|| format!("no interaction {n}"))?;
    for (name, value) in changes {
        match name.as_str() {
            "body" => d.body = fixtures::body(&suite, &value)?,
            "response body" => d.response_body = fixtures::body(&suite, &value)?,
            other => return Err(format!("unknown interaction change '{other}'")),
        }
    }
    start(w, vec![n])
}

fn started_with_many(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let numbers = input
        .arg(0)
        .split(',')
        .map(|n| n.trim().parse().map_err(|e| format!("{n}: {e}")))
        .collect::<Result<Vec<usize>, String>>()?;
    start(w, numbers)
}

fn request(w: &mut World, n: usize, changes: &[(String, String)]) -> Result<(), String> {
    let mut d = w
        .declared
        .get(n.wrapping_sub(1))
        .cloned()
        .ok_or_else(|| format!("no interaction {n}"))?;
    for (name, value) in changes {
        match name.as_str() {
            "method" => d.method = value.clone(),
            "path" => d.path = value.clone(),
            "query" => d.query = value.clone(),
            "headers" | "raw headers" => d.headers = headers(value),
            "body" => {
                // Plain text replaces the content but keeps the declared content type (a form
                // stays a form); `JSON:`, `XML:` and files say their own.
                let declared = d.body.as_ref().map(|b| b.content_type().to_owned());
                d.body = match fixtures::body(&crate::suite_dir(), value)? {
                    Some(Body::Text(text, ct))
                        if ct == "text/plain" && !value.trim().starts_with("file:") =>
                    {
                        Some(Body::Text(text, declared.unwrap_or(ct)))
                    }
                    other => other,
                };
            }
            other => return Err(format!("unknown request change '{other}'")),
        }
    }
    let session = w.session.as_ref().ok_or("the mock server was not started")?;
    let mut url = session.url_for(&d.path);
    if !d.query.is_empty() {
        url = format!("{url}?{}", d.query);
    }
    let method = reqwest::Method::from_bytes(d.method.as_bytes()).map_err(|e| format!("{e}"))?;
    let client = reqwest::Client::new();
    let mut builder = client.request(method, url);
    for (name, value) in &d.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &d.body {
        builder = builder
            .header("Content-Type", body.content_type())
            .body(body.bytes());
    }
    let answer = w.rt.block_on(async {
        let response = builder.send().await.map_err(|e| format!("request failed: {e}"))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| format!("{e}"))?.to_vec();
        Ok::<_, String>((status, headers, body))
    })?;
    w.response = Some(answer);
    Ok(())
}

fn request_made(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    request(w, n, &[])
}

fn request_made_with_changes(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    let changes = rows(input.table()?).into_iter().next().unwrap_or_default();
    request(w, n, &changes)
}

fn response_status(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (status, _, body) = w.response.as_ref().ok_or("no request was made")?;
    let wanted: u16 = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    if *status != wanted {
        return Err(format!(
            "the status was {status}, not {wanted}: {}",
            String::from_utf8_lossy(body)
        ));
    }
    Ok(())
}

fn payload_document(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (_, _, body) = w.response.as_ref().ok_or("no request was made")?;
    let expected = fixtures::file(&crate::suite_dir(), &format!("{}.json", input.arg(0)))?;
    let got: Value = serde_json::from_slice(body).map_err(|e| format!("the payload is not JSON: {e}"))?;
    if Body::Json(got.clone()) != expected {
        return Err(format!("the payload was {got}"));
    }
    Ok(())
}

fn content_type_set(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (_, headers, _) = w.response.as_ref().ok_or("no request was made")?;
    let got = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let wanted = input.arg(0);
    if got.split(';').next().unwrap_or_default().trim() != wanted {
        return Err(format!("the content type was '{got}', not '{wanted}'"));
    }
    Ok(())
}

fn test_done(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let session = w.session.take().ok_or("the mock server was not started")?;
    w.report = Some(session.report());
    w.finished = Some(session.finish().map(drop).map_err(|e| format!("{e:?}")));
    Ok(())
}

/// The report as of now: the finished test's, or the running mock server's.
fn report(w: &World) -> Result<MockReport, String> {
    match (&w.report, &w.session) {
        (Some(report), _) => Ok(report.clone()),
        (None, Some(session)) => Ok(session.report()),
        (None, None) => Err("the mock server was not started".to_owned()),
    }
}

fn status_ok(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted_ok = input.arg(0).is_empty();
    let report = report(w)?;
    let ok = report.is_success() && w.finished.as_ref().is_none_or(Result::is_ok);
    if ok != wanted_ok {
        return Err(format!(
            "the mock server's status was {}: {report:?}",
            if ok { "OK" } else { "not OK" }
        ));
    }
    Ok(())
}

fn pact_path(w: &World) -> PathBuf {
    w.dir.join(format!("{CONSUMER}-{PROVIDER}.json"))
}

fn pact_written(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0).is_empty();
    let written = pact_path(w).exists();
    if written != wanted {
        return Err(format!(
            "a pact file was {}written ({:?})",
            if written { "" } else { "not " },
            w.finished
        ));
    }
    Ok(())
}

fn written_pact(w: &World) -> Result<Value, String> {
    let text = std::fs::read_to_string(pact_path(w)).map_err(|e| format!("the pact file: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the pact file: {e}"))
}

fn ordinal(word: &str) -> Result<usize, String> {
    [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    ]
    .iter()
    .position(|w| *w == word)
    .ok_or_else(|| format!("unknown ordinal '{word}'"))
}

fn written_interaction(w: &World, word: &str) -> Result<Value, String> {
    let pact = written_pact(w)?;
    pact["interactions"]
        .get(ordinal(word)?)
        .cloned()
        .ok_or_else(|| format!("the pact file has no {word} interaction"))
}

fn pact_interactions(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let pact = written_pact(w)?;
    let got = pact["interactions"].as_array().map_or(0, Vec::len);
    let wanted: usize = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    if got != wanted {
        return Err(format!("the pact file has {got} interactions"));
    }
    Ok(())
}

fn interaction_method(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = written_interaction(w, input.arg(0))?;
    let got = interaction["request"]["method"].as_str().unwrap_or_default();
    if !got.eq_ignore_ascii_case(input.arg(1)) {
        return Err(format!("the request's method is '{got}'"));
    }
    Ok(())
}

/// A written body (V3 or V4 form) as a fixture body, for comparison.
fn written_body(part: &Value) -> Value {
    match &part["body"] {
        Value::Object(map) if map.contains_key("content") => map["content"].clone(),
        other => other.clone(),
    }
}

fn interaction_document(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = written_interaction(w, input.arg(0))?;
    let part = &interaction[input.arg(1)];
    let expected = fixtures::file(&crate::suite_dir(), input.arg(2))?;
    let got = written_body(part);
    let same = match &expected {
        Body::Json(value) => *value == got,
        Body::Text(text, _) => got.as_str() == Some(text.as_str()),
        Body::Binary(..) => false,
    };
    if !same {
        return Err(format!("the {} body is {got}", input.arg(1)));
    }
    Ok(())
}

fn interaction_query(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = written_interaction(w, input.arg(0))?;
    let query = &interaction["request"]["query"];
    let got = match query {
        Value::String(text) => accord_core::Query::parse(text),
        Value::Object(map) => {
            let mut q = accord_core::Query::new();
            for (name, values) in map {
                match values {
                    Value::Array(list) => list
                        .iter()
                        .for_each(|v| q.add(name, v.as_str().unwrap_or_default())),
                    Value::String(v) => q.add(name, v),
                    _ => {}
                }
            }
            q
        }
        _ => accord_core::Query::new(),
    };
    let wanted = accord_core::Query::parse(input.arg(1));
    let pairs = |q: &accord_core::Query| {
        q.iter()
            .map(|(name, values)| (name.to_owned(), values.to_vec()))
            .collect::<Vec<_>>()
    };
    if pairs(&got) != pairs(&wanted) {
        return Err(format!("the request's query is {query}"));
    }
    Ok(())
}

fn interaction_header(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = written_interaction(w, input.arg(0))?;
    let headers = &interaction["request"]["headers"];
    let found = headers.as_object().and_then(|map| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(input.arg(1)))
            .map(|(_, v)| v.clone())
    });
    let value = match found {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::String(v)) => v,
        _ => return Err(format!("the request has no header '{}': {headers}", input.arg(1))),
    };
    if value != input.arg(2) {
        return Err(format!("the header '{}' is '{value}'", input.arg(1)));
    }
    Ok(())
}

fn interaction_content_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = written_interaction(w, input.arg(0))?;
    let request = &interaction["request"];
    let from_header = request["headers"].as_object().and_then(|map| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| match v {
                Value::Array(list) => list
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                other => other.as_str().unwrap_or_default().to_owned(),
            })
    });
    let got = request["body"]["contentType"]
        .as_str()
        .map(str::to_owned)
        .or(from_header)
        .unwrap_or_default();
    if got.split(';').next().unwrap_or_default().trim() != input.arg(1) {
        return Err(format!("the request's content type is '{got}'"));
    }
    Ok(())
}

fn expected_not_received(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n: usize = input.arg(0).parse().map_err(|e| format!("{e}"))?;
    let report = report(w)?;
    if !report.missing.contains(&description(n)) {
        return Err(format!(
            "interaction {n} is not reported as expected but not received: {report:?}"
        ));
    }
    Ok(())
}

fn unexpected_request(w: &World, method: &str, path: &str) -> Result<(), String> {
    let report = report(w)?;
    let found = report.problems.iter().any(|p| match p {
        Problem::Unexpected { request, .. } | Problem::Mismatched { request, .. } => {
            request.method.eq_ignore_ascii_case(method) && request.path == path
        }
    });
    if !found {
        return Err(format!(
            "no unexpected {method} {path} request is reported: {report:?}"
        ));
    }
    Ok(())
}

fn unexpected_for_interaction(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n: usize = input.arg(1).parse().map_err(|e| format!("{e}"))?;
    let path = w
        .declared
        .get(n.wrapping_sub(1))
        .map(|d| d.path.clone())
        .ok_or_else(|| format!("no interaction {n}"))?;
    unexpected_request(w, input.arg(0), &path)
}

fn unexpected_for_path(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    unexpected_request(w, input.arg(0), input.arg(1))
}

fn status_mismatches(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let report = report(w)?;
    if !report
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Mismatched { .. }))
    {
        return Err(format!("the mock server reports no mismatches: {report:?}"));
    }
    Ok(())
}

/// The suite's name for a kind of mismatch.
fn kind_name(kind: accord_core::MismatchKind) -> &'static str {
    use accord_core::MismatchKind as K;
    match kind {
        K::Method => "method",
        K::Path => "path",
        K::Query => "query",
        K::Header => "header",
        K::Status => "status",
        K::BodyType => "body-content-type",
        K::Body => "body",
        K::Metadata => "metadata",
    }
}

fn mismatch_with(w: &World, kind: &str, path: Option<&str>, error: &str) -> Result<(), String> {
    let report = report(w)?;
    let all: Vec<&accord_core::Mismatch> = report
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::Mismatched { mismatches, .. } => Some(mismatches.iter()),
            Problem::Unexpected { .. } => None,
        })
        .flatten()
        .collect();
    let found = all.iter().any(|m| {
        kind_name(m.kind) == kind
            && compatibility_suite::says(error, &m.message)
            && path.is_none_or(|p| m.location == p)
    });
    if !found {
        let listed: Vec<String> = all
            .iter()
            .map(|m| format!("{} at {}: {}", kind_name(m.kind), m.location, m.message))
            .collect();
        return Err(format!("no such mismatch; the mismatches are: {listed:#?}"));
    }
    Ok(())
}

fn mismatch_error(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    mismatch_with(w, input.arg(0), None, input.arg(1))
}

fn mismatch_path_error(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    mismatch_with(w, input.arg(0), Some(input.arg(1)), input.arg(2))
}

/// The steps of the HTTP consumer features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step("the following HTTP interactions have been defined:", defined)
        .step(r"the mock server is started with interaction (\d+)", started_with_one)
        .step(r#"the mock server is started with interactions "(.*)""#, started_with_many)
        .step(
            r"the mock server is started with interaction (\d+) but with the following changes:",
            started_with_changes,
        )
        .step(r"request (\d+) is made to the mock server", request_made)
        .step(
            r"request (\d+) is made to the mock server with the following changes:",
            request_made_with_changes,
        )
        .step(r"a (\d+) (?:success|error) response is returned", response_status)
        .step(r#"the payload will contain the "(.*)" JSON document"#, payload_document)
        .step(r#"the content type will be set as "(.*)""#, content_type_set)
        .step("the pact test is done", test_done)
        .step("the mock server status will (NOT )?be OK", status_ok)
        .step(
            "the mock server will (NOT )?write out a Pact file for the interactions? when done",
            pact_written,
        )
        .step(r"the pact file will contain \{(\d+)\} interactions?", pact_interactions)
        .step(r#"the \{(\w+)\} interaction request will be for a "(.*)""#, interaction_method)
        .step(
            r#"the \{(\w+)\} interaction (request|response) will contain the "(.*)" document"#,
            interaction_document,
        )
        .step(
            r#"the \{(\w+)\} interaction request query parameters will be "(.*)""#,
            interaction_query,
        )
        .step(
            r#"the \{(\w+)\} interaction request will contain the header "(.*)" with value "(.*)""#,
            interaction_header,
        )
        .step(
            r#"the \{(\w+)\} interaction request content type will be "(.*)""#,
            interaction_content_type,
        )
        .step(
            r"the mock server status will be an expected but not received error for interaction \{(\d+)\}",
            expected_not_received,
        )
        .step(
            r#"the mock server status will be an unexpected "(.*)" request received error for interaction \{(\d+)\}"#,
            unexpected_for_interaction,
        )
        .step(
            r#"the mock server status will be an unexpected "(.*)" request received error for path "(.*)""#,
            unexpected_for_path,
        )
        .step("the mock server status will be mismatches", status_mismatches)
        .step(r#"the mismatches will contain a "(.*)" mismatch with error "(.*)""#, mismatch_error)
        .step(
            r#"the mismatches will contain a "(.*)" mismatch with path "(.*)" with error "(.*)""#,
            mismatch_path_error,
        );
    s
}
