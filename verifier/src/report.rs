//! The result of a verification run as data, with JSON and JUnit forms.

use std::time::Duration;

use accord_core::{Body, Mismatch};
use quick_xml::escape::escape;
use serde_json::{Value, json};

use crate::source::LoadFailure;

/// How one interaction fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The provider's response or message matched.
    Passed,
    /// It did not: the mismatches.
    Failed(Vec<Mismatch>),
    /// Verification could not run: a state change failed, the provider could not be reached, ...
    Error(String),
}

/// The result of one interaction.
#[derive(Debug, Clone, PartialEq)]
pub struct InteractionResult {
    /// Its description.
    pub description: String,
    /// Its V4 key, if any.
    pub key: Option<String>,
    /// The broker's interaction id, if any.
    pub broker_id: Option<String>,
    /// `Synchronous/HTTP`, `Asynchronous/Messages` or `Synchronous/Messages`.
    pub kind: &'static str,
    /// Provider state names.
    pub states: Vec<String>,
    /// Failures are reported but do not fail the run.
    pub pending: bool,
    /// V4 comments to print.
    pub comments: Vec<String>,
    /// The consumer test that declared it.
    pub test_name: Option<String>,
    /// What the verification could not do as the pact asks but did not fail for (a provider
    /// state with no state callback or URL configured).
    pub warnings: Vec<String>,
    /// What was sent, e.g. `GET http://127.0.0.1:8080/accounts/42`.
    pub request_line: Option<String>,
    /// The expected body, for the diff.
    pub expected_body: Body,
    /// The actual body, for the diff.
    pub actual_body: Body,
    /// The result.
    pub outcome: Outcome,
    /// Time spent verifying it.
    pub duration: Duration,
}

impl InteractionResult {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }

    /// Whether it failed in a way that fails the run (not passed, not pending).
    pub fn fails_run(&self) -> bool {
        !self.passed() && !self.pending
    }
}

/// The results of one pact.
#[derive(Debug, Clone, PartialEq)]
pub struct PactResult {
    /// Consumer name.
    pub consumer: String,
    /// Provider name.
    pub provider: String,
    /// Where the pact came from.
    pub source: String,
    /// The consumer version (broker pacts).
    pub consumer_version: Option<String>,
    /// Why the broker selected the pact.
    pub short_description: Option<String>,
    /// The whole pact is pending.
    pub pending: bool,
    /// The broker's notices.
    pub notices: Vec<String>,
    /// One result per verified interaction, in pact order.
    pub interactions: Vec<InteractionResult>,
    /// Publishing outcome when results were published.
    pub published: Option<Result<(), String>>,
}

/// Everything a run found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VerificationReport {
    /// Pacts verified.
    pub pacts: Vec<PactResult>,
    /// Pacts that could not be loaded.
    pub load_failures: Vec<LoadFailure>,
}

/// Exit status of a run, as the CLI reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Everything verified (pending failures allowed).
    Verified,
    /// An interaction failed or a pact could not be loaded.
    Failed,
    /// The provider could not be reached.
    ProviderUnreachable,
}

impl VerificationReport {
    /// Interactions that fail the run.
    pub fn failures(&self) -> impl Iterator<Item = (&PactResult, &InteractionResult)> {
        self.pacts
            .iter()
            .flat_map(|p| p.interactions.iter().map(move |i| (p, i)))
            .filter(|(_, i)| i.fails_run())
    }

    /// Pending interactions that did not pass.
    pub fn pending_failures(&self) -> impl Iterator<Item = (&PactResult, &InteractionResult)> {
        self.pacts
            .iter()
            .flat_map(|p| p.interactions.iter().map(move |i| (p, i)))
            .filter(|(_, i)| !i.passed() && i.pending)
    }

    /// The run's status.
    pub fn status(&self, provider_unreachable: bool) -> RunStatus {
        if provider_unreachable {
            RunStatus::ProviderUnreachable
        } else if self.failures().next().is_some() || !self.load_failures.is_empty() {
            RunStatus::Failed
        } else {
            RunStatus::Verified
        }
    }

    /// Whether every non-pending interaction passed and every pact loaded.
    pub fn success(&self) -> bool {
        self.failures().next().is_none() && self.load_failures.is_empty()
    }

    /// The report as JSON (`--json`, `--output-format json`).
    pub fn to_json(&self) -> Value {
        let pacts: Vec<Value> = self
            .pacts
            .iter()
            .map(|p| {
                json!({
                    "consumer": p.consumer,
                    "provider": p.provider,
                    "source": p.source,
                    "consumerVersion": p.consumer_version,
                    "shortDescription": p.short_description,
                    "pending": p.pending,
                    "published": p.published.as_ref().map(|r| match r {
                        Ok(()) => json!({"success": true}),
                        Err(e) => json!({"success": false, "error": e}),
                    }),
                    "interactions": p.interactions.iter().map(interaction_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "result": self.success(),
            "pacts": pacts,
            "loadErrors": self.load_failures.iter().map(|f| json!({"source": f.source, "error": f.message})).collect::<Vec<_>>(),
            "summary": {
                "interactions": self.pacts.iter().map(|p| p.interactions.len()).sum::<usize>(),
                "failed": self.failures().count(),
                "pendingFailed": self.pending_failures().count(),
            }
        })
    }

    /// The report as JUnit XML: one test suite per pact, one test case per interaction.
    pub fn to_junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
        for pact in &self.pacts {
            let failures = pact.interactions.iter().filter(|i| i.fails_run()).count();
            let time: f64 = pact.interactions.iter().map(|i| i.duration.as_secs_f64()).sum();
            out.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" time=\"{time:.3}\">\n",
                escape(format!("{} - {}", pact.consumer, pact.provider).as_str()),
                pact.interactions.len()
            ));
            for interaction in &pact.interactions {
                let name = match interaction.states.as_slice() {
                    [] => interaction.description.clone(),
                    states => format!("{} (given {})", interaction.description, states.join(", ")),
                };
                out.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                    escape(pact.consumer.as_str()),
                    escape(name.as_str()),
                    interaction.duration.as_secs_f64()
                ));
                match &interaction.outcome {
                    Outcome::Passed => out.push_str("/>\n"),
                    outcome if interaction.pending => {
                        let text = outcome_text(outcome);
                        out.push_str(&format!(
                            ">\n      <skipped message=\"pending: {}\"/>\n    </testcase>\n",
                            escape(first_line(&text))
                        ));
                    }
                    outcome => {
                        let text = outcome_text(outcome);
                        out.push_str(&format!(
                            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                            escape(first_line(&text)),
                            escape(text.as_str())
                        ));
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn outcome_text(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => String::new(),
        Outcome::Failed(mismatches) => mismatches
            .iter()
            .map(Mismatch::summary)
            .collect::<Vec<_>>()
            .join("\n"),
        Outcome::Error(message) => message.clone(),
    }
}

fn interaction_json(i: &InteractionResult) -> Value {
    let (result, mismatches, error) = match &i.outcome {
        Outcome::Passed => ("OK", Vec::new(), None),
        Outcome::Failed(m) => ("Failed", m.iter().map(Mismatch::to_json).collect(), None),
        Outcome::Error(e) => ("Error", Vec::new(), Some(e.clone())),
    };
    json!({
        "description": i.description,
        "interactionKey": i.key,
        "interactionId": i.broker_id,
        "type": i.kind,
        "providerStates": i.states,
        "pending": i.pending,
        "warnings": i.warnings,
        "result": result,
        "mismatches": mismatches,
        "error": error,
        "request": i.request_line,
        "durationMs": i.duration.as_secs_f64() * 1e3,
    })
}
