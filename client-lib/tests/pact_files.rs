//! Pact files never shrink by accident, and a test that panics before finishing its mock
//! session still shows what the mock saw. Each scenario runs this test binary again as a child
//! process, so that "a run of every test" and "a filtered run" are real command lines: the
//! binary holds this one test, so a child started without arguments runs everything.

use std::path::Path;
use std::process::{Command, Output};

use accord::{PactBuilder, json};

const ROLE: &str = "ACCORD_PACT_FILES_ROLE";
const DIR: &str = "ACCORD_PACT_FILES_DIR";

/// Declares interaction `name` and satisfies it (or, with `fail`, sends a wrong request).
fn declare(dir: &Path, name: &str, fail: bool) -> Result<(), accord::ConsumerError> {
    let mut pact = PactBuilder::new("shop", "stock").output_dir(dir);
    let path = format!("/items/{name}");
    pact.interaction(&format!("get item {name}"), |i| {
        i.request(|r| r.get().path(path.as_str()))
            .response(|r| r.json_body(json!({"name": name})));
    });
    let sent = if fail { "/wrong".to_owned() } else { path.clone() };
    pact.run_blocking(|url| reqwest::blocking::get(format!("{url}{sent}")).map(|r| r.status()))?
        .map(|_| ())
        .map_err(|e| accord::ConsumerError::Handler {
            description: name.to_owned(),
            reason: e.to_string(),
        })
}

/// What a child does, by role.
fn child(role: &str, dir: &Path) {
    let ok = |name: &str| declare(dir, name, false).expect("satisfied");
    match role {
        "abc" => ["a", "b", "c"].iter().for_each(|n| ok(n)),
        "a" => ok("a"),
        "a-b-fails-c" => {
            ok("a");
            let failed = declare(dir, "b", true);
            assert!(failed.is_err(), "b was meant to fail");
            ok("c");
        }
        "ab" => ["a", "b"].iter().for_each(|n| ok(n)),
        "panic-before-finish" => {
            let mut pact = PactBuilder::new("shop", "stock").output_dir(dir);
            pact.interaction("get item z", |i| {
                i.request(|r| r.get().path("/items/z"))
                    .response(|r| r.status(200));
            });
            let session = pact.start_mock_server_blocking().expect("starts");
            let status = reqwest::blocking::get(session.url_for("/itemz/z"))
                .expect("sent")
                .status();
            // The README's old pattern: assert on the client's result before `finish`.
            assert_eq!(status, 200, "the client got an error from the mock");
            session.finish().expect("satisfied");
        }
        other => panic!("unknown role {other}"),
    }
}

fn run(dir: &Path, role: &str, run_id: &str, filtered: bool) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    if filtered {
        command.args(["--exact", "pact_files_never_shrink_by_accident"]);
    }
    command
        .env(ROLE, role)
        .env(DIR, dir)
        .env("ACCORD_RUN_ID", run_id)
        .output()
        .expect("child runs")
}

fn descriptions(dir: &Path) -> Vec<String> {
    let pact = accord_core::format::read_pact_file(dir.join("shop-stock.json")).expect("pact file");
    pact.interactions
        .iter()
        .map(|i| i.description().to_owned())
        .collect()
}

#[test]
fn pact_files_never_shrink_by_accident() {
    if let (Some(role), Some(dir)) = (std::env::var_os(ROLE), std::env::var_os(DIR)) {
        child(&role.to_string_lossy(), Path::new(&dir));
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pact-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let all = ["get item a", "get item b", "get item c"];

    let out = run(&dir, "abc", "run-1", false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(descriptions(&dir), all);

    // `cargo test get_item_a`: only a runs; b and c stay.
    let out = run(&dir, "a", "run-2", true);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        descriptions(&dir),
        all,
        "a filtered run keeps the other interactions"
    );

    // A run of every test in which b fails: b's earlier definition stays.
    let out = run(&dir, "a-b-fails-c", "run-3", false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        descriptions(&dir),
        all,
        "a partly failing run keeps the failing test's interaction"
    );

    // The test of c was deleted: a full run without failures removes its interaction.
    let out = run(&dir, "ab", "run-4", false);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        descriptions(&dir),
        ["get item a", "get item b"],
        "a stale interaction goes away"
    );

    // A test that panics before `finish` shows the mock's report, and nothing is lost.
    let out = run(&dir, "panic-before-finish", "run-5", false);
    assert!(!out.status.success(), "the child test was meant to fail");
    // The test harness shows a failed test's output with its own report (on stdout).
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stderr.contains("What the mock server saw")
            && stderr.contains("/itemz/z")
            && stderr.contains("get item z"),
        "the report names the unexpected request and the missing interaction:\n{stderr}"
    );
    assert!(
        !stderr.contains("\\n"),
        "the report is lines, not an escaped string:\n{stderr}"
    );
    assert_eq!(
        descriptions(&dir),
        ["get item a", "get item b"],
        "nothing lost in a failing run"
    );
}
