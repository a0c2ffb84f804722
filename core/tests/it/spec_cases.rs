//! Runs every official Pact specification test case from the shared data folder
//! (`pact-spec-testcases/`, found by `accord_test_support::shared_data`) and fails listing each
//! case whose result differs from its `match`.

use std::path::{Path, PathBuf};

use accord_core::SpecVersion;
use accord_core::format::{message_from_json, parse_json, request_from_json, response_from_json};
use accord_core::matching::{MatchOptions, match_message, match_request_with, match_response_with};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn version_of(path: &Path, root: &Path) -> SpecVersion {
    let rel = path.strip_prefix(root).expect("case under root");
    let first = rel.components().next().expect("version folder");
    match first.as_os_str().to_str() {
        Some("v1") => SpecVersion::V1,
        Some("v1.1") => SpecVersion::V1_1,
        Some("v2") => SpecVersion::V2,
        Some("v3") => SpecVersion::V3,
        Some("v4") => SpecVersion::V4,
        other => panic!("unknown version folder {other:?}"),
    }
}

/// Runs one case; `Ok(mismatch summaries)` or `Err(problem reading it)`.
fn run_case(path: &Path, root: &Path) -> Result<(bool, Vec<String>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let name = path.display().to_string();
    let case = parse_json(&text, &name).map_err(|e| e.to_string())?;
    let expected_match = case["match"].as_bool().ok_or("case has no boolean 'match'")?;
    let version = version_of(path, root);
    let options = MatchOptions { spec: version };
    let rel = path
        .strip_prefix(root)
        .expect("under root")
        .to_string_lossy()
        .into_owned();
    let mismatches = if rel.contains("/request/") {
        let e = request_from_json(&case["expected"], version, &name).map_err(|e| e.to_string())?;
        let a = request_from_json(&case["actual"], version, &name).map_err(|e| e.to_string())?;
        match_request_with(&e, &a, options)
    } else if rel.contains("/response/") {
        let e = response_from_json(&case["expected"], version, &name).map_err(|e| e.to_string())?;
        let a = response_from_json(&case["actual"], version, &name).map_err(|e| e.to_string())?;
        match_response_with(&e, &a, options)
    } else if rel.contains("/message/") {
        let e = message_from_json(&case["expected"], version, &name).map_err(|e| e.to_string())?;
        let a = message_from_json(&case["actual"], version, &name).map_err(|e| e.to_string())?;
        match_message(&e, &a)
    } else {
        return Err("unknown case kind".to_owned());
    };
    Ok((expected_match, mismatches.iter().map(|m| m.summary()).collect()))
}

#[test]
fn every_spec_case_gives_its_expected_result() {
    let Some(root) = accord_test_support::shared_data(
        "pact-spec-testcases",
        "the official Pact specification cases (accord-core spec_cases)",
    ) else {
        return;
    };
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 803,
        "expected at least 803 cases, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        match run_case(file, &root) {
            Ok((expected, mismatches)) => {
                if expected != mismatches.is_empty() {
                    failures.push(format!(
                        "{rel}: expected match={expected}, got {} mismatch(es){}",
                        mismatches.len(),
                        if mismatches.is_empty() {
                            String::new()
                        } else {
                            format!(":\n      {}", mismatches.join("\n      "))
                        }
                    ));
                }
            }
            Err(problem) => failures.push(format!("{rel}: could not run: {problem}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} spec cases failed:\n  {}",
        failures.len(),
        files.len(),
        failures.join("\n  ")
    );
}
