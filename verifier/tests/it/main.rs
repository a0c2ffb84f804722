//! The verifier CLI against real HTTP providers started in the tests.

mod cli;
mod library;
mod openapi;
mod provider;

use std::path::PathBuf;
use std::process::Command;

/// A directory for this test's files.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("verifier-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Runs the verifier binary; (exit code, stdout, stderr).
pub(crate) fn verifier(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord-verifier"))
        .args(args)
        .env_remove("PACT_BROKER_BASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("verifier runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Writes a V4 pact with the given interactions.
pub(crate) fn write_pact(
    dir: &std::path::Path,
    name: &str,
    consumer: &str,
    interactions: serde_json::Value,
) -> String {
    let path = dir.join(name);
    let doc = serde_json::json!({
        "consumer": {"name": consumer}, "provider": {"name": "items"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}}
    });
    std::fs::write(&path, doc.to_string()).expect("write pact");
    path.display().to_string()
}
