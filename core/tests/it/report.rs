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

#[test]
fn the_body_diff_shows_only_the_mismatched_fields_never_ones_a_matcher_accepted() {
    let e = response(json!({"status": 200, "body": {
            "id": 1, "owner": "ann", "balance": 10.5, "riskProfile": "LOW", "investmentManagerRef": "im-1",
            "positions": [{"isin": "A", "units": 1}, {"isin": "B", "units": 2}]},
        "matchingRules": {"body": {"$.id": {"matchers": [{"match": "type"}]}, "$.owner": {"matchers": [{"match": "type"}]},
            "$.balance": {"matchers": [{"match": "type"}]}, "$.positions[*].units": {"matchers": [{"match": "type"}]}}}}));
    let a = response(json!({"status": 200, "body": {
            "id": 7, "owner": "bob", "balance": 99.0, "riskProfile": "HIGH",
            "positions": [{"isin": "A", "units": 5}, {"isin": "C", "units": 2}]}}));
    let mismatches = match_response(&e, &a);
    let report = render_report(&mismatches, &e.body, &a.body, ReportOptions::default());
    assert!(report.contains("-  \"riskProfile\": \"LOW\""), "{report}");
    assert!(report.contains("+  \"riskProfile\": \"HIGH\""), "{report}");
    assert!(
        report.contains("-  \"investmentManagerRef\": \"im-1\""),
        "{report}"
    );
    assert!(
        report.contains("\"isin\": \"B\"") && report.contains("\"isin\": \"C\""),
        "{report}"
    );
    for accepted in [
        "\"owner\"",
        "\"balance\"",
        "\"id\"",
        "\"units\"",
        "\"isin\": \"A\"",
    ] {
        assert!(
            !report.contains(accepted),
            "{accepted} matched and must not show:\n{report}"
        );
    }
}
