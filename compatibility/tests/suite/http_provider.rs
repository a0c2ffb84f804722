//! Steps of the HTTP provider features: a provider (a small server answering each declared
//! interaction's response, recording what it receives) verified by accord's verifier library
//! from pact files written by accord, or from an accord broker started for the scenario, with
//! provider state callbacks, request filters and result publishing.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use accord::PactBuilder;
use accord_verifier::{BrokerSource, PublishConfig, Verifier, VerifierConfig};
use compatibility_suite::{StepInput, Steps};

use crate::fixtures::{self, Body};
use crate::interactions::{self, Declared, Extra, rows};
use crate::tables;
use crate::verification::{self, Checks, Verifying};

/// A request the provider received: method, path and headers.
type Received = (String, String, Vec<(String, String)>);

/// A scenario's state.
pub(crate) struct World {
    rt: tokio::runtime::Runtime,
    dir: PathBuf,
    declared: Vec<Declared>,
    provider: Option<String>,
    received: Arc<Mutex<Vec<Received>>>,
    pact_files: Vec<PathBuf>,
    broker: Option<crate::broker::Broker>,
    broker_consumers: Vec<String>,
    filter_headers: Vec<(String, String)>,
    publish: bool,
    checks: Checks,
}

impl Verifying for World {
    fn checks(&self) -> &Checks {
        &self.checks
    }

    fn checks_mut(&mut self) -> &mut Checks {
        &mut self.checks
    }
}

impl Default for World {
    fn default() -> Self {
        World {
            rt: crate::runtime(),
            dir: crate::scratch_dir(),
            declared: Vec::new(),
            provider: None,
            received: Arc::default(),
            pact_files: Vec::new(),
            broker: None,
            broker_consumers: Vec::new(),
            filter_headers: Vec::new(),
            publish: false,
            checks: Checks::default(),
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const PROVIDER: &str = "p";

fn number(text: &str) -> Result<usize, String> {
    text.trim().parse().map_err(|e| format!("'{text}': {e}"))
}

fn declared(w: &World, n: usize) -> Result<Declared, String> {
    w.declared
        .get(n.wrapping_sub(1))
        .cloned()
        .ok_or_else(|| format!("no interaction {n}"))
}

fn defined(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    w.declared = interactions::parse(input.table()?)?;
    Ok(())
}

/// Serves `answers`: a request gets the response of the first one with its method and path
/// (404 when none has them); every request is recorded.
fn start_provider(w: &mut World, answers: Vec<Declared>) -> Result<(), String> {
    let received = Arc::clone(&w.received);
    let answers = Arc::new(answers);
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let received = Arc::clone(&received);
        let answers = Arc::clone(&answers);
        async move {
            let method = request.method().to_string();
            let path = request.uri().path().to_owned();
            let headers = request
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            received
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((method.clone(), path.clone(), headers));
            let Some(d) = answers
                .iter()
                .find(|d| d.method.eq_ignore_ascii_case(&method) && d.path == path)
            else {
                let mut missing =
                    axum::response::Response::new(axum::body::Body::from("no such interaction"));
                *missing.status_mut() = axum::http::StatusCode::NOT_FOUND;
                return missing;
            };
            let mut response = axum::response::Response::new(axum::body::Body::from(
                d.response_body.as_ref().map(Body::bytes).unwrap_or_default(),
            ));
            *response.status_mut() = axum::http::StatusCode::from_u16(d.status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let content_type = d
                .response_content_type
                .clone()
                .or_else(|| d.response_body.as_ref().map(|b| b.content_type().to_owned()));
            let mut headers: Vec<(String, String)> = d.response_headers.clone();
            if let Some(ct) = content_type {
                headers.push(("Content-Type".to_owned(), ct));
            }
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    axum::http::HeaderName::from_bytes(name.as_bytes()),
                    axum::http::HeaderValue::from_str(&value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            response
        }
    });
    let url = w.rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let address = listener.local_addr().map_err(|e| format!("{e}"))?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok::<_, String>(format!("http://{address}"))
    })?;
    w.provider = Some(url);
    Ok(())
}

fn provider_for_one(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let d = declared(w, number(input.arg(0))?)?;
    start_provider(w, vec![d])
}

fn provider_for_many(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let answers = input
        .arg(0)
        .split(',')
        .map(|n| number(n).and_then(|n| declared(w, n)))
        .collect::<Result<Vec<_>, _>>()?;
    start_provider(w, answers)
}

fn provider_with_changes(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let mut d = declared(w, number(input.arg(0))?)?;
    let suite = crate::suite_dir();
    for (name, value) in rows(input.table()?).into_iter().next().unwrap_or_default() {
        match name.as_str() {
            "response" => d.status = number(&value)? as u16,
            "response headers" => d.response_headers = interactions::headers(&value),
            "response content" => d.response_content_type = Some(value),
            "response body" => {
                let declared_type = d.response_body.as_ref().map(|b| b.content_type().to_owned());
                d.response_body = match fixtures::body(&suite, &value)? {
                    Some(Body::Text(text, ct))
                        if ct == "text/plain" && !value.trim().starts_with("file:") =>
                    {
                        Some(Body::Text(text, declared_type.unwrap_or(ct)))
                    }
                    other => other,
                };
            }
            other => return Err(format!("unknown provider change '{other}'")),
        }
    }
    start_provider(w, vec![d])
}

/// Writes a pact with interaction `n` between consumer `c{n}` and the provider; its path.
fn write_pact(w: &World, n: usize, extra: &Extra) -> Result<PathBuf, String> {
    let d = declared(w, n)?;
    let mut pact = PactBuilder::new(&format!("c{n}"), PROVIDER).without_example_checks();
    interactions::declare(&mut pact, n, &d, extra)?;
    let json = accord_core::format::pact_to_json(pact.pact(), accord_core::SpecVersion::V4)
        .map_err(|e| format!("writing the pact: {e}"))?;
    std::fs::create_dir_all(&w.dir).map_err(|e| format!("{e}"))?;
    let path = w.dir.join(format!("c{n}-{PROVIDER}-{}.json", w.pact_files.len()));
    std::fs::write(&path, json.to_string()).map_err(|e| format!("{e}"))?;
    Ok(path)
}

fn pact_to_verify(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let path = write_pact(w, number(input.arg(0))?, &Extra::default())?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_with_state(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let extra = Extra {
        states: vec![(input.arg(1).to_owned(), None)],
        ..Extra::default()
    };
    let path = write_pact(w, number(input.arg(0))?, &extra)?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_with_states(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let mut extra = Extra::default();
    for row in rows(input.table()?) {
        let cell = |name: &str| row.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let name = cell("State Name").ok_or("a provider state needs a 'State Name'")?;
        let params = match cell("Parameters").filter(|p| !p.trim().is_empty()) {
            Some(text) => Some(serde_json::from_str(&text).map_err(|e| format!("parameters {text}: {e}"))?),
            None => None,
        };
        extra.states.push((name, params));
    }
    let path = write_pact(w, number(input.arg(0))?, &extra)?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_pending(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let extra = Extra {
        pending: true,
        ..Extra::default()
    };
    let path = write_pact(w, number(input.arg(0))?, &extra)?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_with_comments(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (comments, test_name) = tables::comments(input)?;
    let extra = Extra {
        comments,
        test_name,
        ..Extra::default()
    };
    let path = write_pact(w, number(input.arg(0))?, &extra)?;
    w.pact_files.push(path);
    Ok(())
}

fn pact_from_broker(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let n = number(input.arg(0))?;
    let path = write_pact(w, n, &Extra::default())?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{e}"))?;
    if w.broker.is_none() {
        w.broker = Some(w.rt.block_on(crate::broker::Broker::start(&w.dir))?);
    }
    let broker = w.broker.as_ref().ok_or("no broker")?;
    w.rt.block_on(broker.publish(&format!("c{n}"), PROVIDER, &text))?;
    w.broker_consumers.push(format!("c{n}"));
    Ok(())
}

fn request_filter(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    for (name, value) in rows(input.table()?).into_iter().next().unwrap_or_default() {
        match name.as_str() {
            "headers" => w.filter_headers.extend(interactions::headers(&value)),
            other => return Err(format!("unknown request filter change '{other}'")),
        }
    }
    Ok(())
}

fn publishing_enabled(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    w.publish = true;
    Ok(())
}

fn verification_run(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let provider = w.provider.clone().ok_or("no provider was started")?;
    let mut config = VerifierConfig::new(provider);
    config.headers = w.filter_headers.clone();
    if w.publish {
        config.publish = Some(PublishConfig {
            provider_version: "1.0.0".to_owned(),
            ..PublishConfig::default()
        });
    }
    let mut verifier = Verifier::new(config).provider_name(PROVIDER);
    for path in &w.pact_files {
        if w.broker.is_none() {
            verifier = verifier.pact_file(path);
        }
    }
    if let Some(broker) = &w.broker {
        verifier = verifier.broker(BrokerSource {
            url: broker.url.clone(),
            provider: PROVIDER.to_owned(),
            selectors: Vec::new(),
            enable_pending: false,
            include_wip_since: None,
            provider_branch: None,
            provider_tags: Vec::new(),
        });
    }
    verifier = verification::with_state_callback(verifier, &w.checks);
    let outcome = w.rt.block_on(verifier.run()).map_err(|e| format!("{e}"));
    w.checks.outcome = Some(outcome);
    Ok(())
}

fn nothing_published(w: &mut World, _: &StepInput<'_>) -> Result<(), String> {
    let broker = w.broker.as_ref().ok_or("no broker")?;
    for consumer in &w.broker_consumers {
        let results = w.rt.block_on(broker.results(consumer, PROVIDER))?;
        if !results.is_empty() {
            return Err(format!("results were published for {consumer}: {results:?}"));
        }
    }
    Ok(())
}

fn result_published(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let wanted = input.arg(0) == "successful";
    let n = number(input.arg(1))?;
    let broker = w.broker.as_ref().ok_or("no broker")?;
    let results = w.rt.block_on(broker.results(&format!("c{n}"), PROVIDER))?;
    if !results.contains(&wanted) {
        return Err(format!(
            "no {} result was published for interaction {n}: {results:?}",
            input.arg(0)
        ));
    }
    Ok(())
}

fn provider_got_header(w: &mut World, input: &StepInput<'_>) -> Result<(), String> {
    let (name, value) = input
        .arg(0)
        .split_once(':')
        .map(|(n, v)| (n.trim(), v.trim()))
        .ok_or("a header is 'Name: value'")?;
    let received = w
        .received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let found = received.iter().any(|(_, _, headers)| {
        headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(name) && v == value)
    });
    if !found {
        return Err(format!(
            "no request to the provider had '{name}: {value}': {received:?}"
        ));
    }
    Ok(())
}

/// The steps of the HTTP provider features.
pub(crate) fn steps() -> Steps<World> {
    let mut s = Steps::default();
    s.step("the following HTTP interactions have been defined:", defined)
        .step(r"a provider is started that returns the response from interaction (\d+)", provider_for_one)
        .step(
            r#"a provider is started that returns the responses from interactions "(.*)""#,
            provider_for_many,
        )
        .step(
            r"a provider is started that returns the response from interaction (\d+), with the following changes:",
            provider_with_changes,
        )
        .step(r"a Pact file for interaction (\d+) is to be verified", pact_to_verify)
        .step(
            r#"a Pact file for interaction (\d+) is to be verified with a provider state "(.*)" defined"#,
            pact_with_state,
        )
        .step(r"a Pact file for interaction (\d+) is to be verified from a Pact broker", pact_from_broker)
        .step(
            r"a Pact file for interaction (\d+) is to be verified with the following provider states defined:",
            pact_with_states,
        )
        .step(r"a Pact file for interaction (\d+) is to be verified, but is marked pending", pact_pending)
        .step(
            r"a Pact file for interaction (\d+) is to be verified with the following comments:",
            pact_with_comments,
        )
        .step(
            r#"the provider state callback will receive a (setup|teardown) call (?:with )?"(.*)" and the following parameters:"#,
            verification::state_call_with_params::<World>,
        )
        .step(r#"there will be a pending "(.*)" error"#, verification::pending_error::<World>)
        .step(r#"the comment "(.*)" will have been printed to the console"#, verification::comment_printed::<World>)
        .step(r#"the "(.*)" will displayed as the original test name"#, verification::test_name_shown::<World>)
        .step("a provider state callback is configured(, but will return a failure)?", verification::state_callback::<World>)
        .step("a request filter is configured to make the following changes:", request_filter)
        .step("publishing of verification results is enabled", publishing_enabled)
        .step("the verification is run", verification_run)
        .step("the verification will (NOT )?be successful", verification::verification_successful::<World>)
        .step(r#"the verification results will contain a "(.*)" error"#, verification::results_contain_error::<World>)
        .step("a verification result will NOT be published back", nothing_published)
        .step(
            r"a (successful|failed) verification result will be published back for (?:the )?interaction \{(\d+)\}",
            result_published,
        )
        .step(
            "the provider state callback will be called (before|after) the verification is run",
            verification::state_called::<World>,
        )
        .step(
            r#"the provider state callback will receive a (setup|teardown) call (?:with )?"(.*)" as the provider state parameter"#,
            verification::state_call_with::<World>,
        )
        .step("the provider state callback will NOT receive a teardown call", verification::no_teardown::<World>)
        .step(
            r#"a warning will be displayed that there was no provider state callback configured for provider state "(.*)""#,
            verification::no_state_callback_warning::<World>,
        )
        .step(r#"the request to the provider will contain the header "(.*)""#, provider_got_header);
    s
}
