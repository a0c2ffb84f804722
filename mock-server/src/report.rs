//! What a mock server saw: matched, missing, mismatched and unexpected requests, as data and as
//! a report a person can act on.

use std::fmt::Write as _;

use accord_core::report::{ReportOptions, render_report};
use accord_core::{Body, HttpRequest, Mismatch};
use serde_json::{Value, json};

/// The parts of a received request worth showing in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSummary {
    /// HTTP method.
    pub method: String,
    /// Decoded path.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// The body (kept up to 64 KiB).
    pub body: Body,
}

const BODY_LIMIT: usize = 64 * 1024;

impl RequestSummary {
    pub(crate) fn of(request: &HttpRequest) -> RequestSummary {
        let body = match &request.body {
            Body::Present {
                content,
                content_type,
                hint,
            } if content.len() > BODY_LIMIT => Body::Present {
                content: content[..BODY_LIMIT].to_vec(),
                content_type: content_type.clone(),
                hint: hint.clone(),
            },
            other => other.clone(),
        };
        RequestSummary {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request
                .query
                .as_ref()
                .map(|q| q.raw().map(str::to_owned).unwrap_or_else(|| q.to_query_string())),
            body,
        }
    }

    /// `GET /path?query`.
    pub fn line(&self) -> String {
        match &self.query {
            Some(q) if !q.is_empty() => format!("{} {}?{}", self.method, self.path, q),
            _ => format!("{} {}", self.method, self.path),
        }
    }
}

/// A request the mock server could not answer from the pact.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Method and path matched an interaction, but another part differed.
    Mismatched {
        /// The request as received.
        request: RequestSummary,
        /// Description of the closest interaction.
        closest: String,
        /// The closest interaction's expected body, for the diff.
        expected_body: Body,
        /// What differed from the closest interaction.
        mismatches: Vec<Mismatch>,
    },
    /// No interaction has this method and path.
    Unexpected {
        /// The request as received.
        request: RequestSummary,
        /// The closest interaction by method or path, when there is one.
        closest: Option<String>,
    },
}

/// Everything a mock server recorded, taken at one moment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MockReport {
    /// Each interaction's description with the number of requests that matched it.
    pub matched: Vec<(String, u64)>,
    /// Interactions that no request matched.
    pub missing: Vec<String>,
    /// The most recent problems (bounded; see the totals for all of them).
    pub problems: Vec<Problem>,
    /// Requests that matched an interaction's method and path but not the rest.
    pub mismatched_total: u64,
    /// Requests that matched no interaction's method and path.
    pub unexpected_total: u64,
    /// Every request received.
    pub total_requests: u64,
}

impl MockReport {
    /// Whether every interaction was matched and nothing unexpected or mismatched arrived.
    pub fn is_success(&self) -> bool {
        self.missing.is_empty() && self.mismatched_total == 0 && self.unexpected_total == 0
    }

    /// The report as text: each mismatched request with its closest interaction and a diff,
    /// each unexpected request, each expected request that never arrived.
    pub fn render(&self, options: ReportOptions) -> String {
        let mut out = String::new();
        for problem in &self.problems {
            match problem {
                Problem::Mismatched {
                    request,
                    closest,
                    expected_body,
                    mismatches,
                } => {
                    let _ = writeln!(
                        out,
                        "request {} did not match interaction '{closest}':",
                        request.line()
                    );
                    let body = render_report(mismatches, expected_body, &request.body, options);
                    for line in body.lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
                Problem::Unexpected { request, closest } => {
                    let _ = write!(
                        out,
                        "unexpected request {}: no interaction has this method and path",
                        request.line()
                    );
                    match closest {
                        Some(c) => {
                            let _ = writeln!(out, " (closest: '{c}')");
                        }
                        None => out.push('\n'),
                    }
                }
            }
        }
        let shown = self.problems.len() as u64;
        let total = self.mismatched_total + self.unexpected_total;
        if total > shown {
            let _ = writeln!(out, "... and {} more problem request(s) not shown", total - shown);
        }
        for description in &self.missing {
            let _ = writeln!(out, "expected request never received: '{description}'");
        }
        out
    }

    /// The report as JSON, for the control API.
    pub fn to_json(&self) -> Value {
        let problems: Vec<Value> = self
            .problems
            .iter()
            .map(|p| match p {
                Problem::Mismatched {
                    request,
                    closest,
                    mismatches,
                    ..
                } => json!({
                    "type": "request-mismatch",
                    "method": request.method,
                    "path": request.path,
                    "query": request.query,
                    "interaction": closest,
                    "mismatches": mismatches.iter().map(Mismatch::to_json).collect::<Vec<_>>(),
                }),
                Problem::Unexpected { request, closest } => json!({
                    "type": "request-not-found",
                    "method": request.method,
                    "path": request.path,
                    "query": request.query,
                    "closestInteraction": closest,
                }),
            })
            .collect();
        let missing: Vec<Value> = self
            .missing
            .iter()
            .map(|d| json!({"type": "missing-request", "interaction": d}))
            .collect();
        json!({
            "success": self.is_success(),
            "totalRequests": self.total_requests,
            "mismatchedRequests": self.mismatched_total,
            "unexpectedRequests": self.unexpected_total,
            "matched": self.matched.iter().map(|(d, n)| json!({"interaction": d, "count": n})).collect::<Vec<_>>(),
            "mismatches": problems.into_iter().chain(missing).collect::<Vec<_>>(),
        })
    }
}
