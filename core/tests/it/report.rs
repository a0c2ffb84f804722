//! Mismatch reports: readable lines and a diff limited to what differs.

use accord_core::matching::match_response;
use accord_core::report::{ReportOptions, body_diff, render_report};
use serde_json::json;

use crate::response;

#[test]
fn report_lists_mismatches_and_diffs_only_changed_lines() {
    let mut fields = serde_json::Map::new();
    for i in 0..40 {
        fields.insert(format!("field{i:02}"), json!(i));
    }
    let mut expected_body = serde_json::Value::Object(fields.clone());
    expected_body["status"] = json!("OPEN");
    let mut actual_body = serde_json::Value::Object(fields);
    actual_body["status"] = json!("Open");
    let e = response(json!({"status": 200, "body": expected_body}));
    let a = response(json!({"status": 200, "body": actual_body}));
    let mismatches = match_response(&e, &a);
    let report = render_report(&mismatches, &e.body, &a.body, ReportOptions::default());
    assert!(
        report.contains("1) body $.status: Expected 'Open' (String) to be equal to 'OPEN' (String)"),
        "{report}"
    );
    assert!(report.contains("-  \"status\": \"OPEN\""), "{report}");
    assert!(report.contains("+  \"status\": \"Open\""), "{report}");
    assert!(
        !report.contains("field05"),
        "the diff shows only the changed region:\n{report}"
    );
    assert!(!report.contains('\u{1b}'), "plain output has no colour codes");
}

#[test]
fn colour_is_used_only_when_asked() {
    let e = response(json!({"status": 200, "body": {"a": 1}}));
    let a = response(json!({"status": 200, "body": {"a": 2}}));
    let coloured = body_diff(
        &e.body,
        &a.body,
        ReportOptions {
            color: true,
            context_lines: 3,
        },
    )
    .expect("differs");
    assert!(coloured.contains("\u{1b}[31m-  \"a\": 1"), "{coloured}");
    assert!(body_diff(&e.body, &e.body, ReportOptions::default()).is_none());
}
