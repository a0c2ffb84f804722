//! The human report: one line per interaction, then each failure with the request sent, its
//! mismatches and a diff of the differing part of the body, then a summary by consumer.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use accord_core::report::{ReportOptions, focused_body_diff};

use crate::report::{InteractionResult, Outcome, PactResult, VerificationReport};

const GREEN: &str = "\u{1b}[32m";
const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const BOLD: &str = "\u{1b}[1m";
const RESET: &str = "\u{1b}[0m";

fn paint(text: &str, color: &str, enabled: bool) -> String {
    if enabled {
        format!("{color}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

fn status_word(interaction: &InteractionResult, color: bool) -> String {
    match (&interaction.outcome, interaction.pending) {
        (Outcome::Passed, _) => paint("OK", GREEN, color),
        (_, true) => paint("FAILED (pending)", YELLOW, color),
        (Outcome::Failed(_), false) => paint("FAILED", RED, color),
        (Outcome::Error(_), false) => paint("ERROR", RED, color),
    }
}

fn pact_title(pact: &PactResult) -> String {
    match &pact.consumer_version {
        Some(v) => format!("{} ({v}) and {}", pact.consumer, pact.provider),
        None => format!("{} and {}", pact.consumer, pact.provider),
    }
}

/// Renders the whole report.
pub fn render_text(report: &VerificationReport, color: bool) -> String {
    let mut out = String::new();
    for failure in &report.load_failures {
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint("Could not load pact", RED, color),
            failure.source,
            failure.message
        );
    }
    for pact in &report.pacts {
        let _ = writeln!(
            out,
            "\nVerifying a pact between {}",
            paint(&pact_title(pact), BOLD, color)
        );
        if let Some(why) = pact.short_description.as_deref().filter(|d| !d.is_empty()) {
            let _ = writeln!(out, "  [{why}]{}", if pact.pending { " [PENDING]" } else { "" });
        }
        for notice in &pact.notices {
            let _ = writeln!(out, "  {notice}");
        }
        for interaction in &pact.interactions {
            let _ = write!(out, "  {}", interaction.description);
            if !interaction.states.is_empty() {
                let _ = write!(out, " (given {})", interaction.states.join(", "));
            }
            let _ = writeln!(
                out,
                " ... {} ({:.1} ms)",
                status_word(interaction, color),
                interaction.duration.as_secs_f64() * 1e3
            );
            for comment in &interaction.comments {
                let _ = writeln!(out, "      # {comment}");
            }
            if let Some(test) = &interaction.test_name {
                let _ = writeln!(out, "      # test: {test}");
            }
            for warning in &interaction.warnings {
                let _ = writeln!(out, "      {} {warning}", paint("warning:", YELLOW, color));
            }
        }
        match &pact.published {
            Some(Ok(())) => {
                let _ = writeln!(out, "  results published to the broker");
            }
            Some(Err(e)) => {
                let _ = writeln!(out, "  {} {e}", paint("publishing results failed:", RED, color));
            }
            None => {}
        }
    }
    let pending: Vec<_> = report.pending_failures().collect();
    if !pending.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint("Pending failures (they do not fail the build):", YELLOW, color)
        );
        for (n, (pact, interaction)) in pending.iter().enumerate() {
            render_failure(&mut out, n + 1, pact, interaction, color);
        }
    }
    let failures: Vec<_> = report.failures().collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Failures:", RED, color));
        for (n, (pact, interaction)) in failures.iter().enumerate() {
            render_failure(&mut out, n + 1, pact, interaction, color);
        }
    }
    render_summary(&mut out, report, color);
    out
}

fn render_failure(
    out: &mut String,
    n: usize,
    pact: &PactResult,
    interaction: &InteractionResult,
    color: bool,
) {
    let _ = writeln!(
        out,
        "\n{n}) {} - {}",
        pact_title(pact),
        paint(&interaction.description, BOLD, color)
    );
    if !interaction.states.is_empty() {
        let _ = writeln!(out, "    given {}", interaction.states.join(", "));
    }
    if let Some(line) = &interaction.request_line {
        let _ = writeln!(out, "    request: {line}");
    }
    match &interaction.outcome {
        Outcome::Passed => {}
        Outcome::Error(message) => {
            let _ = writeln!(out, "    {}", paint(message, RED, color));
        }
        Outcome::Failed(mismatches) => {
            for (m, mismatch) in mismatches.iter().enumerate() {
                let location = if mismatch.location.is_empty() {
                    mismatch.kind.part_name().to_owned()
                } else {
                    format!("{} {}", mismatch.kind.part_name(), mismatch.location)
                };
                let _ = writeln!(out, "    {n}.{}) {location}: {}", m + 1, mismatch.message);
            }
            let body_failed = mismatches
                .iter()
                .any(|m| matches!(m.kind, accord_core::MismatchKind::Body));
            if body_failed {
                let options = ReportOptions {
                    color,
                    context_lines: 3,
                };
                if let Some(diff) = focused_body_diff(
                    &interaction.expected_body,
                    &interaction.actual_body,
                    mismatches,
                    options,
                ) {
                    for line in diff.lines() {
                        let _ = writeln!(out, "      {line}");
                    }
                }
            }
        }
    }
}

fn render_summary(out: &mut String, report: &VerificationReport, color: bool) {
    let total: usize = report.pacts.iter().map(|p| p.interactions.len()).sum();
    let failed = report.failures().count();
    let pending = report.pending_failures().count();
    let mut by_consumer: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for (pact, _) in report.failures() {
        let entry = by_consumer.entry(pact.consumer.clone()).or_default();
        entry.0 += 1;
        if let Some(v) = &pact.consumer_version
            && !entry.1.contains(v)
        {
            entry.1.push(v.clone());
        }
    }
    let _ = writeln!(out);
    if failed == 0 && report.load_failures.is_empty() {
        let _ = writeln!(
            out,
            "{} {total} interaction(s) verified{}",
            paint("PASSED:", GREEN, color),
            if pending > 0 {
                format!(", {pending} pending failure(s)")
            } else {
                String::new()
            }
        );
        return;
    }
    let _ = writeln!(
        out,
        "{} {failed} of {total} interaction(s) failed{}{}",
        paint("FAILED:", RED, color),
        if pending > 0 {
            format!(", {pending} pending failure(s)")
        } else {
            String::new()
        },
        if report.load_failures.is_empty() {
            String::new()
        } else {
            format!(", {} pact(s) could not be loaded", report.load_failures.len())
        }
    );
    for (consumer, (count, versions)) in by_consumer {
        let versions = if versions.is_empty() {
            String::new()
        } else {
            format!(" (consumer version {})", versions.join(", "))
        };
        let _ = writeln!(out, "  {consumer}: {count} failure(s){versions}");
    }
}
