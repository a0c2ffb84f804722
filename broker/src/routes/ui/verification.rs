//! The verification result page: every interaction of one verification, passed or failed, with
//! the mismatches and the focused body diff the verifier printed (from the test results it
//! published; the official verifiers' shapes are read as well as accord's).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use serde_json::Value;

use super::page::{href, layout};
use crate::AppState;
use crate::domain::pages;
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// The page of one verification result, relative to the broker's root.
pub(crate) fn page_path(provider: &str, consumer: &str, sha: &str, id: i64) -> String {
    format!(
        "/ui/pacts/provider/{}/consumer/{}/pact-version/{}/verification-results/{id}",
        enc(provider),
        enc(consumer),
        enc(sha)
    )
}

/// One interaction's result as published.
struct Test {
    description: String,
    passed: bool,
    states: Vec<String>,
    request: Option<String>,
    mismatches: Vec<(String, String, String)>,
    errors: Vec<String>,
    diff: Option<String>,
}

fn text(value: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// The tests of published results: accord's and pact-rust's array, or the Ruby verifier's
/// `{"tests": [...]}`.
fn tests(results: &Value) -> Vec<Test> {
    let list = results
        .as_array()
        .or_else(|| results["tests"].as_array())
        .cloned()
        .unwrap_or_default();
    list.iter()
        .map(|t| Test {
            description: text(t, &["interactionDescription", "testDescription", "description"])
                .unwrap_or_else(|| "(an interaction)".to_owned()),
            passed: t["success"].as_bool().unwrap_or_else(|| t["status"] == "passed"),
            states: t["providerStates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            request: text(t, &["request"]),
            mismatches: t["mismatches"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    (
                        text(m, &["attribute", "type"]).unwrap_or_default(),
                        text(m, &["identifier", "path"]).unwrap_or_default(),
                        text(m, &["description", "mismatch"]).unwrap_or_default(),
                    )
                })
                .collect(),
            errors: t["exceptions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| text(e, &["message"]))
                .chain(text(t, &["exception"]))
                .collect(),
            diff: text(t, &["diff"]),
        })
        .collect()
}

/// `GET /ui/pacts/provider/{p}/consumer/{c}/pact-version/{sha}/verification-results/{id}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer, sha, id)): Path<(String, String, String, i64)>,
) -> ApiResult<Html<String>> {
    let found = pages::result(&state.db, &provider, &consumer, &sha, id).await?;
    let (p, c, verification, published) = (
        &found.provider,
        &found.consumer,
        &found.verification,
        &found.consumer_versions,
    );
    let results: Value = serde_json::from_str(&verification.test_results).unwrap_or(Value::Null);
    // `verifiedBy` as published: `{"implementation": "accord", "version": "0.1.0"}`.
    let verified_by = serde_json::from_str::<Value>(&verification.verified_by)
        .ok()
        .and_then(|v| {
            let name = v["implementation"].as_str()?.to_owned();
            Some(match v["version"].as_str() {
                Some(version) => format!("{name} {version}"),
                None => name,
            })
        })
        .unwrap_or_else(|| verification.verified_by.clone());
    let tests = tests(&results);
    let failed = tests.iter().filter(|t| !t.passed).count();
    let title = format!(
        "{} {} verifying {} {}: {}",
        p.display_name,
        verification.provider_version,
        c.display_name,
        published.first().map_or("", String::as_str),
        if verification.success { "passed" } else { "failed" }
    );
    let body = html! {
        p class=(if verification.success { "ok" } else { "failed" }) id="summary" {
            (tests.len()) " interaction(s), " (failed) " failed. Verified by "
            (verified_by) " on " (verification.created_at) "."
            @if let Some(url) = &verification.build_url { " Build: " (url) }
        }
        p {
            "The pact (" code { (&sha[..12.min(sha.len())]) } "), published by " (c.display_name) " "
            (published.join(", ")) ": "
            a href=(href(&format!("/ui/pacts/provider/{}/consumer/{}", enc(&provider), enc(&consumer)))) { "as documentation" }
            ", "
            a href=(format!("ui/matrix?consumer={}&provider={}", enc(&consumer), enc(&provider))) { "the matrix of this pair" }
            "."
        }
        @if tests.is_empty() {
            p { "The verifier published no per-interaction results." }
        }
        @for (n, test) in tests.iter().enumerate() {
            (test_html(n + 1, test))
        }
    };
    Ok(layout(&base, &title, body))
}

fn test_html(n: usize, test: &Test) -> Markup {
    html! {
        section class="interaction" {
            h3 class=(if test.passed { "ok" } else { "failed" }) {
                (n) ") " (test.description) ": " (if test.passed { "passed" } else { "failed" })
            }
            @if !test.states.is_empty() { p { "Given " (test.states.join(", ")) } }
            @if let Some(request) = &test.request { p { "Request: " code { (request) } } }
            @if !test.mismatches.is_empty() {
                table class="mismatches" {
                    tr { th { "Part" } th { "Where" } th { "Mismatch" } }
                    @for (part, place, message) in &test.mismatches {
                        tr { td { (part) } td { code { (place) } } td { (message) } }
                    }
                }
            }
            @for error in &test.errors { p class="failed" { (error) } }
            @if let Some(diff) = &test.diff { pre class="diff" { (diff) } }
        }
    }
}
