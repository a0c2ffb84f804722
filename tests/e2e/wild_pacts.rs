//! The wild pacts corpus (`../shared/wild-pacts/`: 61 files from public projects, written by
//! every official library) handled the way the official tools handle it, file by file:
//!
//! - every file loads;
//! - HTTP interactions: accord's verifier and the official verifier, both against the official
//!   `pact stub` serving the file, fail the same number of interactions; the official verifier
//!   fails as many against accord's mock server serving the file as against the official stub;
//! - message interactions verify with accord's message verification against a provider that
//!   produces the pact's own examples;
//! - an interaction that needs a plugin accord does not have is reported as such, never passed;
//!   protobuf ones are judged by accord itself (`e2e/grpc.rs`).
//!
//! Where the official tools are wrong, the difference is listed in [`DIFFERENCES`] with the
//! reason (and in docs/compatibility.md); every other file must agree.

use std::path::{Path, PathBuf};

use accord_core::model::{Interaction, Pact};
use accord_verifier::{Outcome, ProducedMessage, Verifier, VerifierConfig};
use serde_json::Value;

use crate::interop::{official_stub, official_verify, pact_cli};

/// Files whose outcome differs from the official tools' on purpose: `(file, check, why)`.
/// docs/compatibility.md gives the same reasons.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "pact-support--term.json",
        "stub",
        "accord reads the Ruby gem's Pact::Term objects as the regex matchers they are; the official \
         tools take them as literal JSON, so the official stub serves the object itself",
    ),
    (
        "pact-support--term.json",
        "mock",
        "accord's mock serves the Pact::Term's example; the official verifier expects the literal object",
    ),
    (
        "nodejs-pact-contract-testing--FrontendWebsite-ProductService.json",
        "mock",
        "the official stub answers an authorised GET /products with the no-auth interaction (the first \
         in the file); accord's mock answers with the most specific interaction that matches",
    ),
    (
        "pact-python--TodoApp-TodoServiceV3.json",
        "mock",
        "the official stub answers Accept: application/xml with the JSON interaction; accord's mock \
         answers with the XML one, the most specific that matches",
    ),
    (
        "pact_broker-client--pact_broker_client-pact_broker.json",
        "stub",
        "the official verifier passes the 'pb:latest-version relation' index interaction although the \
         body lacks the key its rule path $.body._links.pb:latest-version.href names (it misreads the \
         ':'); accord reports the missing key",
    ),
    (
        "pact_broker-client--Pact_Broker_Client_V2-Pact_Broker.json",
        "stub",
        "as above, for the 'pb:latest-tagged-version relation' index interaction",
    ),
];

/// What one file gave.
#[derive(Debug, Default)]
struct FileOutcome {
    /// Problems found, as `check: detail`.
    problems: Vec<String>,
    /// One line for the table printed at the end.
    summary: String,
}

/// Interaction kinds of a raw pact file.
#[derive(Debug, Default)]
struct Kinds {
    http: usize,
    messages: usize,
    plugin: bool,
    /// Interactions whose `pluginConfiguration` names a plugin.
    plugin_interactions: usize,
}

fn kinds(raw: &Value) -> Kinds {
    let mut k = Kinds {
        plugin: raw["metadata"]["plugins"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        ..Kinds::default()
    };
    for i in raw["interactions"].as_array().into_iter().flatten() {
        match i["type"].as_str() {
            Some("Asynchronous/Messages" | "Synchronous/Messages") => k.messages += 1,
            _ if i.get("request").is_some() => k.http += 1,
            _ => k.messages += 1,
        }
        if i.get("pluginConfiguration")
            .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty()))
        {
            k.plugin = true;
            k.plugin_interactions += 1;
        }
    }
    k.messages += raw["messages"].as_array().map_or(0, Vec::len);
    k
}

/// The file with only its HTTP interactions, in the scratch directory when it had others.
fn http_only(path: &Path, raw: &Value, kinds: &Kinds, scratch: &Path) -> PathBuf {
    if kinds.messages == 0 {
        return path.to_owned();
    }
    let mut copy = raw.clone();
    if let Some(list) = copy["interactions"].as_array_mut() {
        list.retain(|i| {
            i.get("request").is_some()
                && !matches!(
                    i["type"].as_str(),
                    Some("Asynchronous/Messages" | "Synchronous/Messages")
                )
        });
    }
    if let Some(map) = copy.as_object_mut() {
        map.remove("messages");
    }
    let out = scratch.join(path.file_name().unwrap_or_default());
    std::fs::write(&out, copy.to_string()).expect("scratch copy");
    out
}

/// How many interactions the official verifier failed (0 when it passed), from its output.
fn official_failures(code: i32, text: &str) -> Result<usize, String> {
    if code == 0 {
        return Ok(0);
    }
    text.split("There were ")
        .nth(1)
        .and_then(|rest| rest.split(" pact failures").next())
        .and_then(|n| n.trim().parse().ok())
        .or_else(|| text.contains("There was 1 pact failure").then_some(1))
        .ok_or_else(|| format!("exit {code} without a failure count:\n{}", tail(text)))
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

async fn accord_failures(file: &Path, url: &str) -> Result<(usize, String), String> {
    let outcome = Verifier::new(VerifierConfig::new(url))
        .pact_file(file)
        .run()
        .await
        .map_err(|e| format!("accord-verifier could not run: {e}"))?;
    let failed = outcome.report.failures().count();
    Ok((failed, accord_verifier::render_text(&outcome.report, false)))
}

fn official_args(file: &Path, port: u16) -> Vec<String> {
    vec![
        "verifier".into(),
        "-f".into(),
        file.display().to_string(),
        "--hostname".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--no-colour".into(),
    ]
}

/// The message interactions, verified by accord against a provider that produces the pact's own
/// examples; the number that did not pass.
async fn messages_failed(file: &Path, pact: &Pact) -> Result<(usize, String), String> {
    let examples: Vec<(String, ProducedMessage)> = pact
        .interactions
        .iter()
        .filter_map(|i| {
            let (info, message) = match i {
                Interaction::AsyncMessage(m) => (&m.info, &m.message),
                Interaction::SyncMessage(m) => (&m.info, m.response.first()?),
                Interaction::Http(_) => return None,
            };
            Some((
                info.description.clone(),
                ProducedMessage {
                    contents: message.contents.content().to_vec(),
                    content_type: message.content_type().map(|c| c.to_string()),
                    metadata: message.metadata.clone(),
                },
            ))
        })
        .collect();
    let outcome = Verifier::new(VerifierConfig::new("http://127.0.0.1:9"))
        .pact_file(file)
        .message_handler(move |description, _states| {
            let found = examples
                .iter()
                .find(|(d, _)| *d == description)
                .map(|(_, m)| m.clone());
            async move { found.ok_or_else(|| format!("no example named '{description}'")) }
        })
        .run()
        .await
        .map_err(|e| format!("accord-verifier could not run: {e}"))?;
    let failed = outcome
        .report
        .pacts
        .iter()
        .flat_map(|p| &p.interactions)
        .filter(|i| i.kind != "Synchronous/HTTP" && !i.passed())
        .count();
    Ok((failed, accord_verifier::render_text(&outcome.report, false)))
}

/// Plugin interactions are never passed without their provider: protobuf ones are judged by
/// accord itself (here with no provider listening, so each is an error; `e2e/grpc.rs` verifies
/// them against real gRPC providers), any other plugin's are reported as needing it. How many
/// were reported so, and how many passed.
async fn plugin_outcome(file: &Path, plugin_descriptions: &[String]) -> Result<(usize, usize), String> {
    let outcome = Verifier::new(VerifierConfig::new("http://127.0.0.1:9"))
        .pact_file(file)
        .run()
        .await
        .map_err(|e| format!("accord-verifier could not run: {e}"))?;
    let all: Vec<_> = outcome
        .report
        .pacts
        .iter()
        .flat_map(|p| &p.interactions)
        .filter(|i| plugin_descriptions.contains(&i.description))
        .collect();
    let needing: Vec<_> = all
        .iter()
        .filter(|i| match &i.outcome {
            // Protobuf interactions are sent (and fail: nothing listens here); others need
            // their plugin.
            Outcome::Error(m) => {
                m.contains("needs the plugin") || m.contains("not verified") || i.request_line.is_some()
            }
            _ => false,
        })
        .collect();
    let passed = needing.iter().filter(|i| i.passed()).count();
    Ok((needing.len(), passed))
}

async fn check_file(cli: &Path, path: &Path, scratch: &Path) -> FileOutcome {
    let mut out = FileOutcome::default();
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let raw: Value = match std::fs::read_to_string(path).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(raw)) => raw,
        other => {
            out.problems.push(format!("read: {other:?}"));
            return out;
        }
    };
    let pact = match accord_core::format::read_pact_file(path) {
        Ok(pact) => pact,
        Err(e) => {
            out.problems.push(format!("load: {e}"));
            out.summary = format!("{name}: does not load");
            return out;
        }
    };
    let k = kinds(&raw);
    let mut summary = vec![format!("{name}: {} HTTP, {} messages", k.http, k.messages)];
    if k.plugin {
        let plugin_descriptions: Vec<String> = raw["interactions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| {
                i["pluginConfiguration"]
                    .as_object()
                    .is_some_and(|o| !o.is_empty())
            })
            .filter_map(|i| i["description"].as_str().map(str::to_owned))
            .collect();
        match plugin_outcome(path, &plugin_descriptions).await {
            Ok((needing, passed)) => {
                summary.push(format!(
                    "plugin: {needing} reported as needing it, {passed} passed"
                ));
                if needing != k.plugin_interactions || passed > 0 {
                    out.problems.push(format!(
                        "plugin: {needing} of {} plugin interactions reported as needing their plugin, {passed} passed",
                        k.plugin_interactions
                    ));
                }
            }
            Err(e) => out.problems.push(format!("plugin: {e}")),
        }
        out.summary = summary.join("; ");
        return out;
    }
    if k.messages > 0 {
        match messages_failed(path, &pact).await {
            Ok((0, _)) => summary.push("messages pass".into()),
            Ok((n, text)) => out
                .problems
                .push(format!("messages: {n} failed\n{}", tail(&text))),
            Err(e) => out.problems.push(format!("messages: {e}")),
        }
    }
    if k.http > 0 {
        let file = http_only(path, &raw, &k, scratch);
        let (stub, port) = official_stub(cli, &file);
        let url = format!("http://127.0.0.1:{port}");
        let accord = accord_failures(&file, &url).await;
        let (code, text) = official_verify(cli.to_owned(), official_args(&file, port)).await;
        let official = official_failures(code, &text);
        drop(stub);
        match (&accord, &official) {
            (Ok((a, accord_text)), Ok(o)) => {
                summary.push(format!(
                    "against the official stub: accord fails {a}, official fails {o}"
                ));
                if a != o {
                    out.problems.push(format!(
                        "stub: accord-verifier fails {a}, the official verifier {o}\n--- accord:\n{}\n--- official:\n{}",
                        tail(accord_text),
                        tail(&text)
                    ));
                }
            }
            (a, o) => out.problems.push(format!("stub: accord {a:?}, official {o:?}")),
        }
        match accord_core::format::read_pact_file(&file) {
            Ok(http_pact) => {
                let served = accord_mock_server::control::serve_pacts(
                    vec![http_pact],
                    std::net::Ipv4Addr::LOCALHOST.into(),
                    0,
                    false,
                    false,
                )
                .await;
                match served {
                    Ok(servers) => {
                        let port = servers[0].port();
                        let (code, text) = official_verify(cli.to_owned(), official_args(&file, port)).await;
                        let against_stub = official.as_ref().ok().copied();
                        match official_failures(code, &text) {
                            Ok(n) if Some(n) == against_stub => {
                                summary.push(format!("official verifier against accord's mock: fails {n}"));
                            }
                            Ok(n) => out.problems.push(format!(
                                "mock: the official verifier fails {n} against accord's mock, {against_stub:?} against the official stub\n{}",
                                tail(&text)
                            )),
                            Err(e) => out.problems.push(format!("mock: {e}")),
                        }
                    }
                    Err(e) => out
                        .problems
                        .push(format!("mock: accord's mock server does not start: {e}")),
                }
            }
            Err(e) => out.problems.push(format!("mock: {e}")),
        }
    }
    out.summary = summary.join("; ");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_wild_pact_is_handled_like_the_official_tools() {
    let Some(cli) = pact_cli() else { return };
    let Some(dir) = accord_test_support::shared_data("wild-pacts/pacts", "the wild pacts corpus") else {
        return;
    };
    let scratch = crate::scratch("wild-pacts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("wild pacts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 61, "the corpus has 61 files");
    let mut report = Vec::new();
    let mut unexpected = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let outcome = check_file(&cli, path, &scratch).await;
        report.push(outcome.summary.clone());
        for problem in outcome.problems {
            let check = problem.split(':').next().unwrap_or_default().to_owned();
            let listed = DIFFERENCES.iter().any(|(f, c, _)| *f == name && *c == check);
            seen.push((name.clone(), check.clone()));
            if !listed {
                unexpected.push(format!("{name}: {problem}"));
            }
        }
    }
    println!("{}", report.join("\n"));
    for (file, check, why) in DIFFERENCES {
        if !seen.iter().any(|(f, c)| f == file && c == check) {
            unexpected.push(format!(
                "{file}: {check}: listed as a difference ({why}) but it agrees now"
            ));
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} disagreement(s) with the official tools:\n\n{}",
        unexpected.len(),
        unexpected.join("\n\n")
    );
}
