//! Steps of the message provider features: a provider that produces named messages (through
//! the verifier library's message handler), pact files of message interactions written as V4
//! pacts, verified by accord's verifier with the shared provider checks.

use std::path::PathBuf;

use accord_verifier::{ProducedMessage, Verifier, VerifierConfig};
use base64::Engine as _;
use compatibility_suite::{StepInput, Steps};
use serde_json::{Map, Value, json};

use crate::fixtures::{self, Body};
use crate::interactions::rows;
use crate::tables;
use crate::verification::{self, Checks, Verifying};

/// A message the provider can produce: its name (the interaction's description), body and
/// metadata.
#[derive(Debug, Clone)]
struct Producible {
    name: String,
    body: Body,
    metadata: Map<String, Value>,
}

/// A scenario's state.
pub(crate) struct World {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    producible: Vec<Producible>,
    pact_files: Vec<PathBuf>,
    checks: Checks,
}

impl Default for World {
    fn default() -> Self {
        World {
            rt: crate::runtime(),
            dir: crate::scratch_dir(),
            producible: Vec::new(),
            pact_files: Vec::new(),
            checks: Checks::default(),
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Verifying for World {
    fn checks(&self) -> &Checks {
        &self.checks
    }

    fn checks_mut(&mut self) -> &mut Checks {
        &mut self.checks
    }
}

/// A body cell of these features: the table notations, with the feature file's `\"` as `"`.
fn body(cell: &str) -> Result<Body, String> {
    fixtures::body(&crate::suite_dir(), &cell.replace("\\\"", "\""))?
        .ok_or_else(|| "an empty body".to_owned())
}

/// A metadata value: `JSON: ...` or text.
fn metadata_value(text: &str) -> Result<Value, String> {
    match text.trim().strip_prefix("JSON:") {
        Some(json) => serde_json::from_str(json.trim()).map_err(|e| format!("{json}: {e}")),
        None => Ok(Value::String(text.trim().to_owned())),
    }
}

fn metadata_table(input: &StepInput<'_>) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for row in rows(input.table()?) {
        let cell = |name: &str| {
            row.iter()
                .find(|(k, _)| k == name)
                .map_or(String::new(), |(_, v)| v.clone())
        };
        map.insert(cell("key"), metadata_value(&cell("value"))?);
    }
    Ok(map)
}

fn producer(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.producible.push(Producible {
        name: input.arg(0).to_owned(),
        body: body(input.arg(1))?,
        metadata: Map::new(),
    });
    Ok(())
}

fn producer_with_metadata(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.producible.push(Producible {
        name: input.arg(0).to_owned(),
        body: body(input.arg(1))?,
        metadata: metadata_table(input)?,
    });
    Ok(())
}

/// What a pact file's message holds besides its description and body.
#[derive(Default)]
struct Extra {
    metadata: Map<String, Value>,
    rules: Option<Value>,
    state: Option<String>,
    pending: bool,
    comments: Vec<String>,
    test_name: Option<String>,
}

/// The V4 form of a body.
fn contents(body: &Body) -> Value {
    match body {
        Body::Json(value) => json!({"content": value, "contentType": "application/json", "encoded": false}),
        Body::Text(text, ct) => json!({"content": text, "contentType": ct, "encoded": false}),
        Body::Binary(bytes, ct) => json!({
            "content": base64::engine::general_purpose::STANDARD.encode(bytes),
            "contentType": ct,
            "encoded": "base64",
        }),
    }
}

fn write_pact(w: &mut World, name: &str, body: &Body, extra: &Extra) -> Result<(), String> {
    let mut message = json!({
        "type": "Asynchronous/Messages",
        "description": name,
        "contents": contents(body),
        "metadata": extra.metadata,
        "pending": extra.pending,
    });
    if let Some(rules) = &extra.rules {
        message["matchingRules"] = rules.clone();
    }
    if let Some(state) = &extra.state {
        message["providerStates"] = json!([{"name": state}]);
    }
    let mut comments = Map::new();
    if !extra.comments.is_empty() {
        comments.insert("text".into(), json!(extra.comments));
    }
    if let Some(test) = &extra.test_name {
        comments.insert("testname".into(), json!(test));
    }
    if !comments.is_empty() {
        message["comments"] = Value::Object(comments);
    }
    let n = w.pact_files.len();
    let pact = json!({
        "consumer": {"name": format!("c{n}")},
        "provider": {"name": "p"},
        "interactions": [message],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    });
    std::fs::create_dir_all(&w.dir).map_err(|e| format!("{e}"))?;
    let path = w.dir.join(format!("c{n}-p.json"));
    std::fs::write(&path, pact.to_string()).map_err(|e| format!("{e}"))?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_for(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    write_pact(w, input.arg(0), &body(input.arg(1))?, &Extra::default())
}

fn pact_with_state(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let extra = Extra {
        state: Some(input.arg(2).to_owned()),
        ..Extra::default()
    };
    write_pact(w, input.arg(0), &body(input.arg(1))?, &extra)
}

fn pact_with_metadata(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let extra = Extra {
        metadata: metadata_table(input)?,
        ..Extra::default()
    };
    write_pact(w, input.arg(0), &body(input.arg(1))?, &extra)
}

fn pact_pending(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let extra = Extra {
        pending: true,
        ..Extra::default()
    };
    write_pact(w, input.arg(0), &body(input.arg(1))?, &extra)
}

fn pact_with_comments(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (comments, test_name) = tables::comments(input)?;
    let extra = Extra {
        comments,
        test_name,
        ..Extra::default()
    };
    write_pact(w, input.arg(0), &body(input.arg(1))?, &extra)
}

/// `| body | ... |`, `| matching rules | ... |`, `| metadata | Origin=AXP-1000; TagData=JSON: ... |`.
fn pact_with_the_following(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let mut extra = Extra::default();
    let mut message_body = None;
    for row in input.table()? {
        let (Some(name), Some(value)) = (row.first(), row.get(1)) else {
            continue;
        };
        match name.trim() {
            "body" => message_body = Some(body(value)?),
            "matching rules" => {
                extra.rules = match fixtures::file(&crate::suite_dir(), value.trim())? {
                    Body::Json(rules) => Some(rules),
                    _ => return Err(format!("{value} is not JSON")),
                };
            }
            "metadata" => {
                for entry in value.split(';') {
                    let (key, text) = entry
                        .split_once('=')
                        .ok_or_else(|| format!("metadata entry '{entry}'"))?;
                    extra
                        .metadata
                        .insert(key.trim().to_owned(), metadata_value(text)?);
                }
            }
            other => return Err(format!("unknown message part '{other}'")),
        }
    }
    let message_body = message_body.ok_or("the message needs a body")?;
    write_pact(w, input.arg(0), &message_body, &extra)
}

fn verification_run(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let producible = w.producible.clone();
    let mut verifier = Verifier::new(VerifierConfig::new("http://127.0.0.1:9")).provider_name("p");
    for path in &w.pact_files {
        verifier = verifier.pact_file(path);
    }
    verifier = verifier.message_handler(move |description, _states| {
        let found = producible.iter().find(|p| p.name == description).cloned();
        async move {
            let message = found.ok_or_else(|| format!("the provider cannot produce '{description}'"))?;
            Ok(ProducedMessage {
                contents: message.body.bytes(),
                content_type: Some(message.body.content_type().to_owned()),
                metadata: message.metadata,
            })
        }
    });
    verifier = verification::with_state_callback(verifier, &w.checks);
    let outcome = w.rt.block_on(verifier.run()).map_err(|e| format!("{e}"));
    w.checks.outcome = Some(outcome);
    Ok(())
}

/// The steps of the message provider features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step(r#"a provider is started that can generate the "(.*?)" message with "(.*)""#, producer)
        .step(
            r#"a provider is started that can generate the "(.*?)" message with "(.*)" and the following metadata:"#,
            producer_with_metadata,
        )
        .step(r#"a Pact file for "(.*?)":"(.*)" is to be verified"#, pact_for)
        .step(
            r#"a Pact file for "(.*?)":"(.*)" is to be verified with provider state "(.*)""#,
            pact_with_state,
        )
        .step(
            r#"a Pact file for "(.*?)":"(.*)" is to be verified with the following metadata:"#,
            pact_with_metadata,
        )
        .step(r#"a Pact file for "(.*?)":"(.*)" is to be verified, but is marked pending"#, pact_pending)
        .step(
            r#"a Pact file for "(.*?)":"(.*)" is to be verified with the following comments:"#,
            pact_with_comments,
        )
        .step(r#"a Pact file for "(.*?)" is to be verified with the following:"#, pact_with_the_following)
        .step("the verification is run", verification_run)
        .step(
            "a provider state callback is configured(, but will return a failure)?",
            verification::state_callback::<World>,
        )
        .step("the verification will (NOT )?be successful", verification::verification_successful::<World>)
        .step(r#"the verification results will contain a "(.*)" error"#, verification::results_contain_error::<World>)
        .step(r#"there will be a pending "(.*)" error"#, verification::pending_error::<World>)
        .step(r#"the comment "(.*)" will have been printed to the console"#, verification::comment_printed::<World>)
        .step(r#"the "(.*)" will displayed as the original test name"#, verification::test_name_shown::<World>)
        .step(
            "the provider state callback will be called (before|after) the verification is run",
            verification::state_called::<World>,
        )
        .step(
            r#"the provider state callback will receive a (setup|teardown) call (?:with )?"(.*)" as the provider state parameter"#,
            verification::state_call_with::<World>,
        );
    s
}
