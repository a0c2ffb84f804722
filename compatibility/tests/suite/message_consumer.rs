//! Steps of the message consumer features: asynchronous messages (V3 and V4) and synchronous
//! request/response messages (V4) declared with accord's consumer library, handed to a handler
//! standing in for the consumer's code, and the pact file written when the handler succeeds.

use std::path::PathBuf;

use accord::{MessageBuilder, PactBuilder, ReceivedMessage};
use compatibility_suite::{StepInput, Steps};
use serde_json::{Map, Value};

use crate::fixtures::{self, Body};
use crate::interactions::rows;
use crate::tables;

/// One message as declared: its body, metadata and generators (pact form).
#[derive(Debug, Clone, Default)]
struct Declared {
    body: Option<Body>,
    metadata: Vec<(String, Value)>,
    generators: Option<Value>,
}

/// A message as the handler received it.
#[derive(Debug, Clone)]
struct Received {
    bytes: Vec<u8>,
    content_type: Option<String>,
    metadata: Map<String, Value>,
}

impl From<&ReceivedMessage> for Received {
    fn from(message: &ReceivedMessage) -> Received {
        Received {
            bytes: message.bytes().to_vec(),
            content_type: message.content_type().map(str::to_owned),
            metadata: message.metadata().clone(),
        }
    }
}

/// A scenario's state.
pub(crate) struct World {
    dir: PathBuf,
    synchronous: bool,
    v3: bool,
    request: Declared,
    responses: Vec<Declared>,
    extras: tables::Extras,
    outcome: Option<Result<(), String>>,
    received: Option<(Received, Vec<Received>)>,
}

impl Default for World {
    fn default() -> Self {
        World {
            dir: crate::scratch_dir(),
            synchronous: false,
            v3: false,
            request: Declared::default(),
            responses: Vec::new(),
            extras: tables::Extras::default(),
            outcome: None,
            received: None,
        }
    }
}

impl tables::Declaring for World {
    fn extras(&mut self) -> &mut tables::Extras {
        &mut self.extras
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn defining(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    match input.arg(0) {
        "a message integration" => w.v3 = true,
        "a message interaction" => {}
        "a synchronous message interaction" => w.synchronous = true,
        other => return Err(format!("unknown kind of interaction '{other}'")),
    }
    Ok(())
}

/// A body named in a step: `basic` (a JSON fixture) or a table notation (`file: x.xml`).
fn named_body(name: &str, json: bool) -> Result<Option<Body>, String> {
    let suite = crate::suite_dir();
    if json {
        return fixtures::file(&suite, &format!("{name}.json")).map(Some);
    }
    fixtures::body(&suite, name)
}

fn payload(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let body = named_body(input.arg(1), !input.arg(2).is_empty())?;
    match input.arg(0) {
        "response " => w.responses.push(Declared {
            body,
            ..Declared::default()
        }),
        _ => w.request.body = body,
    }
    Ok(())
}

/// A metadata value written in a table: `JSON: ...` or text.
fn metadata_value(text: &str) -> Result<Value, String> {
    match text.trim().strip_prefix("JSON:") {
        Some(json) => serde_json::from_str(json.trim()).map_err(|e| format!("{json}: {e}")),
        None => Ok(Value::String(text.to_owned())),
    }
}

fn metadata_step(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    for row in rows(input.table()?) {
        let cell = |name: &str| {
            row.iter()
                .find(|(k, _)| k == name)
                .map_or(String::new(), |(_, v)| v.clone())
        };
        w.request
            .metadata
            .push((cell("key"), metadata_value(&cell("value"))?));
    }
    Ok(())
}

fn configured(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let suite = crate::suite_dir();
    let row = rows(input.table()?).into_iter().next().unwrap_or_default();
    let cell = |name: &str| {
        row.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut declared = Declared::default();
    if let Some(text) = cell("body").filter(|t| !t.is_empty()) {
        declared.body = fixtures::body(&suite, &text)?;
    }
    if let Some(text) = cell("generators").filter(|t| !t.is_empty()) {
        declared.generators = Some(match text.strip_prefix("JSON:") {
            Some(json) => serde_json::from_str(json.trim()).map_err(|e| format!("{json}: {e}"))?,
            None => match fixtures::file(&suite, &text)? {
                Body::Json(value) => value,
                _ => return Err(format!("{text} is not JSON")),
            },
        });
    }
    if let Some(text) = cell("metadata").filter(|t| !t.is_empty()) {
        let map: Map<String, Value> = serde_json::from_str(&text).map_err(|e| format!("{text}: {e}"))?;
        declared.metadata = map.into_iter().collect();
    }
    match input.arg(0) {
        "response " => w.responses.push(declared),
        _ => w.request = declared,
    }
    Ok(())
}

fn message_defined(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    if w.request.body.is_none() {
        w.request.body = fixtures::body(&crate::suite_dir(), "file: basic.json")?;
    }
    Ok(())
}

/// The DSL value for a generator written in a pact (`{"type": "RandomInt", ...}`) around `example`.
fn generated(generator: &Value) -> Result<Value, String> {
    match generator["type"].as_str() {
        Some("RandomInt") => Ok(accord::matchers::random_int(
            generator["min"].as_i64().unwrap_or(0),
            generator["max"].as_i64().unwrap_or(10),
        )),
        other => Err(format!("generator {other:?} is not supported by these steps yet")),
    }
}

/// Declares one message with the DSL.
fn build(m: &mut MessageBuilder, d: &Declared) -> Result<(), String> {
    let generators = d.generators.clone().unwrap_or(Value::Null);
    match &d.body {
        Some(Body::Json(value)) => {
            let mut value = value.clone();
            for (path, generator) in generators["body"].as_object().into_iter().flatten() {
                let pointer = format!("/{}", path.trim_start_matches("$.").replace('.', "/"));
                let slot = value
                    .pointer_mut(&pointer)
                    .ok_or_else(|| format!("the body has no {path}"))?;
                *slot = generated(generator)?;
            }
            m.json_contents(value);
        }
        Some(Body::Text(text, ct)) => {
            m.contents(text, ct);
        }
        Some(Body::Binary(bytes, ct)) => {
            m.binary_contents(bytes, ct);
        }
        None => {}
    }
    for (name, value) in &d.metadata {
        let value = match generators["metadata"].get(name) {
            Some(generator) => generated(generator)?,
            None => value.clone(),
        };
        m.metadata(name, value);
    }
    Ok(())
}

fn process(w: &mut World, failure: Option<String>) -> Result<(), String> {
    let mut pact = PactBuilder::new("consumer", "provider").output_dir(&w.dir);
    if w.v3 {
        pact = pact.spec_v3();
    }
    let mut problem = None;
    let declare = |i: &mut accord::MessageInteractionBuilder| {
        for (name, data) in &w.extras.states {
            match data {
                Some(data) => i.given_with(name, data.clone()),
                None => i.given(name),
            };
        }
        if let Some(key) = &w.extras.key {
            i.key(key);
        }
        i.pending(w.extras.pending);
        for comment in &w.extras.comments {
            i.comment(comment);
        }
    };
    let mut received = None;
    let outcome = if w.synchronous {
        pact.verify_sync_message(
            "a message exchange",
            |i| {
                declare(i);
                i.message(|m| {
                    if let Err(e) = build(m, &w.request) {
                        problem = Some(e);
                    }
                    m
                });
                for response in &w.responses {
                    i.response(|m| {
                        if let Err(e) = build(m, response) {
                            problem = Some(e);
                        }
                        m
                    });
                }
            },
            |request, responses| {
                received = Some((
                    Received::from(request),
                    responses.iter().map(Received::from).collect(),
                ));
                failure.clone().map_or(Ok(()), Err)
            },
        )
    } else {
        pact.verify_message(
            "a message",
            |i| {
                declare(i);
                i.message(|m| {
                    if let Err(e) = build(m, &w.request) {
                        problem = Some(e);
                    }
                    m
                });
            },
            |message| {
                received = Some((Received::from(message), Vec::new()));
                failure.clone().map_or(Ok(()), Err)
            },
        )
    };
    if let Some(problem) = problem {
        return Err(problem);
    }
    w.received = received;
    w.outcome = Some(outcome.map_err(|e| e.to_string()));
    Ok(())
}

fn processed(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    process(w, None)
}

fn not_processed(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    process(w, Some(input.arg(0).to_owned()))
}

fn received(w: &World, which: &str) -> Result<Received, String> {
    let (request, responses) = w.received.as_ref().ok_or("no message was received")?;
    match which {
        "response " => responses
            .first()
            .cloned()
            .ok_or_else(|| "no response was received".to_owned()),
        _ if w.synchronous && which.is_empty() => responses
            .first()
            .cloned()
            .ok_or_else(|| "no response was received".to_owned()),
        _ => Ok(request.clone()),
    }
}

/// Whether `bytes` hold what `expected` describes.
fn holds(expected: &Body, bytes: &[u8]) -> bool {
    match expected {
        Body::Json(value) => serde_json::from_slice::<Value>(bytes).is_ok_and(|v| v == *value),
        Body::Text(text, _) => text.as_bytes() == bytes,
        Body::Binary(b, _) => b == bytes,
    }
}

fn received_payload(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = received(w, "")?;
    let expected = named_body(input.arg(0), !input.arg(1).is_empty())?.ok_or("no body named")?;
    if !holds(&expected, &message.bytes) {
        return Err(format!(
            "the payload was {}",
            String::from_utf8_lossy(&message.bytes)
        ));
    }
    Ok(())
}

fn received_content_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = received(w, "")?;
    let got = message.content_type.unwrap_or_default();
    if got.split(';').next().unwrap_or_default().trim() != input.arg(0) {
        return Err(format!("the content type was '{got}'"));
    }
    Ok(())
}

fn test_passed(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let outcome = w.outcome.as_ref().ok_or("the message was not processed")?;
    let wanted = input.arg(0) == "passed";
    if outcome.is_ok() != wanted {
        return Err(format!(
            "the test {}: {outcome:?}",
            if outcome.is_ok() { "passed" } else { "failed" }
        ));
    }
    Ok(())
}

fn test_error(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    match w.outcome.as_ref().ok_or("the message was not processed")? {
        Err(error) if error.contains(input.arg(0)) => Ok(()),
        other => Err(format!("the test ended with {other:?}")),
    }
}

fn pact_path(w: &World) -> PathBuf {
    w.dir.join("consumer-provider.json")
}

fn written(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0).is_empty();
    if pact_path(w).exists() != wanted {
        return Err(format!(
            "the pact file was {}written: {:?}",
            if wanted { "not " } else { "" },
            w.outcome
        ));
    }
    Ok(())
}

fn pact(w: &World) -> Result<Value, String> {
    let text = std::fs::read_to_string(pact_path(w)).map_err(|e| format!("the pact file: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("the pact file: {e}"))
}

/// The pact's interactions (V4) or messages (V3).
fn interactions(w: &World) -> Result<Vec<Value>, String> {
    let pact = pact(w)?;
    Ok(pact["interactions"]
        .as_array()
        .or_else(|| pact["messages"].as_array())
        .cloned()
        .unwrap_or_default())
}

fn first(w: &World) -> Result<Value, String> {
    interactions(w)?
        .into_iter()
        .next()
        .ok_or_else(|| "the pact file holds no interaction".to_owned())
}

fn interaction_count(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = interactions(w)?.len();
    if got.to_string() != input.arg(0) {
        return Err(format!("the pact file holds {got} interactions"));
    }
    Ok(())
}

/// The contents of a written message (V3 `contents`, or V4 `contents.content`) as bytes.
fn written_contents(message: &Value) -> Vec<u8> {
    let contents = &message["contents"];
    let inner = match contents {
        Value::Object(map) if map.contains_key("content") => &map["content"],
        other => other,
    };
    if contents["encoded"]
        .as_str()
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
    {
        use base64::Engine as _;
        return base64::engine::general_purpose::STANDARD
            .decode(inner.as_str().unwrap_or_default())
            .unwrap_or_default();
    }
    match inner {
        Value::String(text) => text.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

fn written_content_type(message: &Value) -> String {
    message["contents"]["contentType"]
        .as_str()
        .or_else(|| message["metadata"]["contentType"].as_str())
        .or_else(|| message["metaData"]["contentType"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn first_message_document(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = first(w)?;
    let expected = fixtures::file(&crate::suite_dir(), input.arg(0))?;
    if !holds(&expected, &written_contents(&message)) {
        return Err(format!("the first message is {message}"));
    }
    Ok(())
}

fn first_message_content_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = written_content_type(&first(w)?);
    if got.split(';').next().unwrap_or_default().trim() != input.arg(0) {
        return Err(format!("the content type is '{got}'"));
    }
    Ok(())
}

fn metadata_equals(actual: Option<&Value>, wanted: &str) -> Result<(), String> {
    let wanted = wanted.replace("\\\"", "\"");
    let expected = metadata_value(&wanted)?;
    match actual {
        Some(value) if *value == expected => Ok(()),
        other => Err(format!("the metadata value is {other:?}, not {expected}")),
    }
}

fn received_metadata(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = received(w, input.arg(0))?;
    metadata_equals(message.metadata.get(input.arg(1)), input.arg(2))
}

fn received_metadata_generated(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = received(w, input.arg(0))?;
    match (message.metadata.get(input.arg(1)), input.arg(2)) {
        (Some(value), "integer") if value.is_i64() || value.is_u64() => Ok(()),
        (other, kind) => Err(format!("the metadata value is {other:?}, not a generated {kind}")),
    }
}

fn written_metadata(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = first(w)?;
    let message = if input.arg(0).is_empty() {
        interaction.clone()
    } else {
        interaction["request"].clone()
    };
    let metadata = message.get("metadata").or_else(|| message.get("metaData"));
    metadata_equals(metadata.and_then(|m| m.get(input.arg(1))), input.arg(2))
}

fn written_state_count(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let states = first(w)?["providerStates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if states.len().to_string() != input.arg(0) {
        return Err(format!("the message has {} provider states", states.len()));
    }
    Ok(())
}

fn written_state(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let states = first(w)?["providerStates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !states.iter().any(|s| s["name"] == input.arg(0)) {
        return Err(format!("no provider state '{}': {states:?}", input.arg(0)));
    }
    Ok(())
}

fn written_state_parameters(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_state_parameters(&first(w)?, input)
}

fn contents_generated(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let message = received(w, input.arg(0))?;
    let document: Value = serde_json::from_slice(&message.bytes).map_err(|e| format!("{e}"))?;
    let pointer = format!("/{}", input.arg(1).trim_start_matches("$.").replace('.', "/"));
    match (document.pointer(&pointer), input.arg(2)) {
        (Some(value), "integer") if value.is_i64() || value.is_u64() => Ok(()),
        (other, kind) => Err(format!("{} is {other:?}, not a generated {kind}", input.arg(1))),
    }
}

fn interaction_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_type(&first(w)?, input)
}

fn interaction_field(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    tables::has_field(&first(w)?, input)
}

fn exchange_document(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = first(w)?;
    let expected = fixtures::body(&crate::suite_dir(), input.arg(0))?.ok_or("no body named")?;
    let responses = interaction["response"].as_array().cloned().unwrap_or_default();
    let message = match input.arg(1) {
        "the request" => interaction["request"].clone(),
        "a response" | "the first response message" => responses.first().cloned().unwrap_or(Value::Null),
        "the second response message" => responses.get(1).cloned().unwrap_or(Value::Null),
        other => return Err(format!("unknown message '{other}'")),
    };
    if !holds(&expected, &written_contents(&message)) {
        return Err(format!("{} is {message}", input.arg(1)));
    }
    Ok(())
}

fn exchange_content_type(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let interaction = first(w)?;
    let message = if input.arg(0) == "request" {
        interaction["request"].clone()
    } else {
        interaction["response"][0].clone()
    };
    let got = written_content_type(&message);
    if got.split(';').next().unwrap_or_default().trim() != input.arg(1) {
        return Err(format!("the {} content type is '{got}'", input.arg(0)));
    }
    Ok(())
}

fn response_count(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let got = first(w)?["response"].as_array().map_or(0, Vec::len);
    if got.to_string() != input.arg(0) {
        return Err(format!("the interaction has {got} response messages"));
    }
    Ok(())
}

/// The steps of the message consumer features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step(
        "(a message integration|a message interaction|a synchronous message interaction) is being defined for a consumer test",
        defining,
    )
    .step(r#"the message (request |response )?payload contains the "(.*)" (JSON )?document"#, payload)
    .step("the message (?:request )?contains the following metadata:", metadata_step)
    .step("the message (request |response )?is configured with the following:", configured)
    .step(r#"a provider state "(.*)" for the (?:synchronous )?message is specified"#, tables::state::<World>)
    .step(
        r#"a provider state "(.*)" for the (?:synchronous )?message is specified with the following data:"#,
        tables::state_with_data::<World>,
    )
    .step("a message is defined", message_defined)
    .step(r#"a key of "(.*)" is specified for the (?:synchronous )?message interaction"#, tables::key::<World>)
    .step("the (?:synchronous )?message interaction is marked as pending", tables::pending::<World>)
    .step(r#"a comment "(.*)" is added to the (?:synchronous )?message interaction"#, tables::comment::<World>)
    .step("the message is successfully processed", processed)
    .step("the Pact file for the test is generated", processed)
    .step(r#"the message is NOT successfully processed with a "(.*)" exception"#, not_processed)
    .step(r#"the received message payload will contain the "(.*)" (JSON )?document"#, received_payload)
    .step(r#"the received message content type will be "(.*)""#, received_content_type)
    .step("the consumer test will have (passed|failed)", test_passed)
    .step(r#"the consumer test error will be "(.*)""#, test_error)
    .step("a Pact file for the message interaction will (NOT )?have been written", written)
    .step(r"the pact file will contain (\d+) (?:message )?interactions?", interaction_count)
    .step(r#"the first message in the pact file will contain the "(.*)" document"#, first_message_document)
    .step(r#"the first message in the pact file content type will be "(.*)""#, first_message_content_type)
    .step(
        r#"the received message (request |response )?metadata will contain "(.*)" == "(.*)""#,
        received_metadata,
    )
    .step(
        r#"the received message (request |response )?metadata will contain "(.*)" replaced with an? "(.*)""#,
        received_metadata_generated,
    )
    .step(
        r#"the first message in the pact file will contain the (request )?message metadata "(.*)" == "(.*)""#,
        written_metadata,
    )
    .step(r"the first message in the pact file will contain (\d+) provider states?", written_state_count)
    .step(r#"the first message in the Pact file will contain provider state "(.*)""#, written_state)
    .step(
        r#"the provider state "(.*)" for the message will contain the following parameters:"#,
        written_state_parameters,
    )
    .step(
        r#"the message (request |response )?contents for "(.*)" will have been replaced with an? "(.*)""#,
        contents_generated,
    )
    .step(r#"the first interaction in the Pact file will have a type of "(.*)""#, interaction_type)
    .step(r#"the first interaction in the Pact file will have "(.*)" = '(.*)'"#, interaction_field)
    .step(
        r#"the first interaction in the pact file will contain the "(.*)" document as (the request|a response|the first response message|the second response message)"#,
        exchange_document,
    )
    .step(
        r#"the first interaction in the pact file (request|response) content type will be "(.*)""#,
        exchange_content_type,
    )
    .step(r"the first interaction in the pact file will contain (\d+) response messages", response_count);
    s
}
