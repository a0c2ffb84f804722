//! Readable reports of mismatches: one line per mismatch, then a unified diff of the expected
//! and actual bodies limited to the parts that differ, coloured on a terminal.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::mismatch::{Mismatch, MismatchKind};
use crate::model::Body;

mod focus;

/// How a report is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOptions {
    /// Use ANSI colours (callers turn this on when writing to a terminal).
    pub color: bool,
    /// Unchanged lines shown around each change in the body diff.
    pub context_lines: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            color: false,
            context_lines: 3,
        }
    }
}

const RED: &str = "\u{1b}[31m";
const GREEN: &str = "\u{1b}[32m";
const CYAN: &str = "\u{1b}[36m";
const BOLD: &str = "\u{1b}[1m";
const RESET: &str = "\u{1b}[0m";

fn paint(text: &str, color: &str, options: ReportOptions) -> String {
    if options.color {
        format!("{color}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// Renders mismatches one per line, indented, in the order given.
pub fn render_mismatches(mismatches: &[Mismatch], options: ReportOptions) -> String {
    let mut out = String::new();
    for (i, mismatch) in mismatches.iter().enumerate() {
        let location = if mismatch.location.is_empty() {
            mismatch.kind.part_name().to_owned()
        } else {
            format!("{} {}", mismatch.kind.part_name(), mismatch.location)
        };
        let _ = writeln!(
            out,
            "{:>3}) {}: {}",
            i + 1,
            paint(&location, BOLD, options),
            mismatch.message
        );
        let show_values = !matches!(mismatch.kind, MismatchKind::Body | MismatchKind::BodyType)
            || (mismatch.expected.len() < 80 && mismatch.actual.len() < 80);
        if show_values && (!mismatch.expected.is_empty() || !mismatch.actual.is_empty()) {
            let _ = writeln!(
                out,
                "       expected: {}",
                paint(&mismatch.expected, RED, options)
            );
            let _ = writeln!(
                out,
                "       actual:   {}",
                paint(&mismatch.actual, GREEN, options)
            );
        }
    }
    out
}

/// The body as text for diffing: pretty JSON when it is JSON, else its text.
fn diff_text(body: &Body) -> Option<String> {
    match body {
        Body::Missing => None,
        Body::Empty => Some(String::new()),
        Body::Null => Some("null".to_owned()),
        Body::Present { content, .. } => {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(content) {
                return Some(serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string()));
            }
            match std::str::from_utf8(content) {
                Ok(text) => Some(pretty_xml_lines(text)),
                Err(_) => Some(format!("<{} bytes of binary content>", content.len())),
            }
        }
    }
}

/// Puts each XML tag on its own line so the diff points at the element that changed.
fn pretty_xml_lines(text: &str) -> String {
    if !text.trim_start().starts_with('<') {
        return text.to_owned();
    }
    text.replace("><", ">\n<")
}

/// A unified diff of the expected and actual bodies, only the hunks that differ;
/// `None` when either body is missing or they render the same.
pub fn body_diff(expected: &Body, actual: &Body, options: ReportOptions) -> Option<String> {
    let expected_text = diff_text(expected)?;
    let actual_text = diff_text(actual).unwrap_or_default();
    unified(&expected_text, &actual_text, options)
}

/// A body diff focused on `mismatches`: JSON bodies are cut down to the paths where a body
/// mismatch was found (other array elements shown as `…`), so fields that matched never appear,
/// whatever their example values. Other bodies, or a mismatch of the whole body, give
/// [`body_diff`].
pub fn focused_body_diff(
    expected: &Body,
    actual: &Body,
    mismatches: &[Mismatch],
    options: ReportOptions,
) -> Option<String> {
    match focus::focused_texts(expected, actual, mismatches) {
        Some((expected_text, actual_text)) => unified(&expected_text, &actual_text, options),
        None => body_diff(expected, actual, options),
    }
}

fn unified(expected_text: &str, actual_text: &str, options: ReportOptions) -> Option<String> {
    if expected_text == actual_text {
        return None;
    }
    let diff = TextDiff::from_lines(expected_text, actual_text);
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint("--- expected", RED, options));
    let _ = writeln!(out, "{}", paint("+++ actual", GREEN, options));
    for group in diff.grouped_ops(options.context_lines) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let header = format!(
            "@@ -{},{} +{},{} @@",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        let _ = writeln!(out, "{}", paint(&header, CYAN, options));
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let _ = match change.tag() {
                    ChangeTag::Delete => writeln!(out, "{}", paint(&format!("-{line}"), RED, options)),
                    ChangeTag::Insert => writeln!(out, "{}", paint(&format!("+{line}"), GREEN, options)),
                    ChangeTag::Equal => writeln!(out, " {line}"),
                };
            }
        }
    }
    Some(out)
}

/// A full report: the mismatches, then the body diff when a body differed.
pub fn render_report(
    mismatches: &[Mismatch],
    expected: &Body,
    actual: &Body,
    options: ReportOptions,
) -> String {
    let mut out = render_mismatches(mismatches, options);
    let body_differs = mismatches
        .iter()
        .any(|m| matches!(m.kind, MismatchKind::Body | MismatchKind::BodyType));
    if body_differs && let Some(diff) = focused_body_diff(expected, actual, mismatches, options) {
        out.push('\n');
        out.push_str(&diff);
    }
    out
}
