//! Where pact files go and which test run is writing them; the only place that reads the
//! environment.

use std::path::{Path, PathBuf};

/// `PACT_OUTPUT_DIR` if set, else `target/pacts` of the enclosing Cargo workspace (found by
/// looking for `Cargo.lock` upwards from the working directory), else `./target/pacts`.
#[allow(clippy::disallowed_methods)]
pub(crate) fn default_output_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PACT_OUTPUT_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("pacts");
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut dir: Option<&Path> = Some(&cwd);
    while let Some(current) = dir {
        if current.join("Cargo.lock").is_file() {
            return current.join("target").join("pacts");
        }
        dir = current.parent();
    }
    PathBuf::from("target").join("pacts")
}

/// Identifies one test run, so that the first write of a run replaces stale interactions and
/// later writes merge: `ACCORD_RUN_ID` if set, else the parent process (the `cargo test` that
/// started the test binaries) and its start time.
#[allow(clippy::disallowed_methods)]
pub(crate) fn run_id() -> String {
    if let Some(id) = std::env::var_os("ACCORD_RUN_ID").filter(|d| !d.is_empty()) {
        return id.to_string_lossy().into_owned();
    }
    let parent = std::os::unix::process::parent_id();
    let started = std::fs::read_to_string(format!("/proc/{parent}/stat"))
        .ok()
        .and_then(|stat| {
            // Field 22 (start time) follows the parenthesised command name.
            let after = stat.rsplit_once(')')?.1;
            after.split_whitespace().nth(19).map(str::to_owned)
        })
        .unwrap_or_default();
    format!("ppid-{parent}-{started}")
}
