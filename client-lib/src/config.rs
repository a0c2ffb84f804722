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

/// The test binary writing pact files, without the hash Cargo appends (`it`, `orders_client`).
#[allow(clippy::disallowed_methods)]
pub(crate) fn test_binary() -> String {
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_deref()
        .and_then(Path::file_stem)
        .and_then(|s| s.to_str())
        .unwrap_or("tests");
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            name.to_owned()
        }
        _ => stem.to_owned(),
    }
}

/// Whether this test binary runs only some of its tests: a name filter, `--skip`, `--ignored`,
/// `--exact` with a name, or anything not understood (which counts as filtered, the safe side).
#[allow(clippy::disallowed_methods)]
pub(crate) fn run_is_filtered() -> bool {
    filtered(std::env::args().skip(1))
}

/// [`run_is_filtered`] for given test-harness arguments.
pub(crate) fn filtered(args: impl IntoIterator<Item = String>) -> bool {
    // Flags of the standard test harness that take no value and select nothing.
    const PLAIN: &[&str] = &[
        "--include-ignored",
        "--nocapture",
        "--no-capture",
        "--show-output",
        "--quiet",
        "-q",
        "--exact",
        "--test",
        "--report-time",
        "--ensure-time",
        "--shuffle",
        "--force-run-in-process",
    ];
    // Flags that take a value and select nothing.
    const WITH_VALUE: &[&str] = &[
        "--test-threads",
        "--color",
        "--format",
        "--logfile",
        "--shuffle-seed",
        "-Z",
    ];
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if PLAIN.contains(&arg.as_str()) {
            continue;
        }
        if WITH_VALUE.contains(&arg.as_str()) {
            args.next();
            continue;
        }
        if WITH_VALUE.iter().any(|flag| arg.starts_with(&format!("{flag}="))) {
            continue;
        }
        // A test name filter, `--skip`, `--ignored`, `--list` or an unknown flag.
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::filtered;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn a_run_of_every_test_is_not_filtered() {
        assert!(!filtered(args(&[])));
        assert!(!filtered(args(&[
            "--test-threads",
            "2",
            "--nocapture",
            "--color=always"
        ])));
        assert!(!filtered(args(&["--include-ignored", "-q"])));
    }

    #[test]
    fn names_skips_and_unknown_flags_filter() {
        assert!(filtered(args(&["gets_an_item"])));
        assert!(filtered(args(&["--exact", "tests::gets_an_item", "--nocapture"])));
        assert!(filtered(args(&["--skip", "slow"])));
        assert!(filtered(args(&["--ignored"])));
        assert!(filtered(args(&["--something-new"])));
    }
}
