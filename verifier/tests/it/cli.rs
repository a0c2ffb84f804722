//! Every flag group, the state protocol, messages, pending, reports and exit codes.

use serde_json::json;

use crate::provider::TestProvider;
use crate::{temp_dir, verifier, write_pact};

fn item_interaction(description: &str, id: u32) -> serde_json::Value {
    json!({"type": "Synchronous/HTTP", "description": description,
      "providerStates": [{"name": "items exist", "params": {"count": 2}}],
      "request": {"method": "GET", "path": format!("/items/{id}")},
      "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
        "body": {"contentType": "application/json", "encoded": false, "content": {"id": id, "name": "x"}},
        "matchingRules": {"body": {"$.name": {"matchers": [{"match": "type"}]}, "$.id": {"matchers": [{"match": "integer"}]}}}}})
}

#[test]
fn passing_pact_exits_0_and_failing_exits_1() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("pass");
    let pact = write_pact(
        &dir,
        "pass.json",
        "web",
        json!([item_interaction("get item 1", 1)]),
    );
    let (code, stdout, stderr) = verifier(&["--file", &pact, "--provider-base-url", &provider.url]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("get item 1 (given items exist) ... OK"),
        "{stdout}"
    );
    assert!(stdout.contains("PASSED: 1 interaction(s) verified"), "{stdout}");

    let broken = TestProvider::start(true);
    let port = broken.url.rsplit(':').next().expect("port").to_owned();
    let (code, stdout, _) = verifier(&["-f", &pact, "--hostname", "127.0.0.1", "--port", &port]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("body $.id: Expected '1' (String) to be an integer"),
        "{stdout}"
    );
    assert!(stdout.contains("request: GET http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("web: 1 failure(s)"), "{stdout}");
}

#[test]
fn state_changes_follow_the_protocol_and_feed_generators() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("states");
    let generated = json!({"type": "Synchronous/HTTP", "description": "get the created item",
      "providerStates": [{"name": "an item exists", "params": {"name": "x"}}],
      "request": {"method": "GET", "path": "/items/1",
        "generators": {"path": {"type": "ProviderState", "expression": "/items/${id}"}}},
      "response": {"status": 200, "body": {"contentType": "application/json", "encoded": false, "content": {"id": 77}}}});
    let broken = json!({"type": "Synchronous/HTTP", "description": "needs a broken state",
      "providerStates": [{"name": "broken state"}],
      "request": {"method": "GET", "path": "/items/2"},
      "response": {"status": 200}});
    let pact = write_pact(
        &dir,
        "states.json",
        "web",
        json!([generated, broken, item_interaction("get item 3", 3)]),
    );
    let state_url = format!("{}/state", provider.url);
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--state-change-url",
        &state_url,
        "--state-change-teardown",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("get the created item (given an item exists) ... OK"),
        "the ${{id}} from setup was used:\n{stdout}"
    );
    assert!(
        stdout.contains("state change failed for 'broken state' (setup): HTTP 500 database down"),
        "{stdout}"
    );
    assert!(
        stdout.contains("get item 3 (given items exist) ... OK"),
        "the run goes on:\n{stdout}"
    );
    let calls = provider.recorded.lock().expect("lock").state_calls.clone();
    let summary: Vec<(String, String)> = calls
        .iter()
        .map(|c| {
            (
                c["state"].as_str().unwrap_or("").to_owned(),
                c["action"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("an item exists", "setup"),
        ("an item exists", "teardown"),
        ("broken state", "setup"),
        ("items exist", "setup"),
        ("items exist", "teardown"),
    ]
    .iter()
    .map(|(s, a)| ((*s).to_owned(), (*a).to_owned()))
    .collect();
    assert_eq!(summary, expected, "no teardown after a failed setup");
    assert_eq!(calls[0]["params"], json!({"name": "x"}));
}

#[test]
fn state_change_as_query() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("query-states");
    let pact = write_pact(&dir, "q.json", "web", json!([item_interaction("get item 1", 1)]));
    let state_url = format!("{}/state", provider.url);
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--state-change-url",
        &state_url,
        "--state-change-as-query",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let queries = provider.recorded.lock().expect("lock").state_queries.clone();
    assert_eq!(queries, vec!["state=items+exist&action=setup&count=2".to_owned()]);
}

#[test]
fn messages_are_fetched_from_the_message_url() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("messages");
    let message = json!({"type": "Asynchronous/Messages", "description": "item created",
      "contents": {"contentType": "application/json", "encoded": false, "content": {"event": "created"}},
      "metadata": {"topic": "items"}});
    let pact = write_pact(&dir, "m.json", "worker", json!([message]));
    let message_url = format!("{}/messages", provider.url);
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--message-url",
        &message_url,
    ]);
    assert_eq!(code, 0, "{stdout}");
    let broken = TestProvider::start(true);
    let message_url = format!("{}/messages", broken.url);
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &broken.url,
        "--message-url",
        &message_url,
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("Expected 'removed' (String) to be equal to 'created' (String)"),
        "{stdout}"
    );
}

#[test]
fn pending_interactions_are_reported_but_do_not_fail() {
    let provider = TestProvider::start(true);
    let dir = temp_dir("pending");
    let mut interaction = item_interaction("new expectation", 1);
    interaction["pending"] = json!(true);
    let pact = write_pact(&dir, "p.json", "web", json!([interaction]));
    let (code, stdout, _) = verifier(&["--file", &pact, "--provider-base-url", &provider.url]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("FAILED (pending)"), "{stdout}");
    assert!(
        stdout.contains("Pending failures (they do not fail the build):"),
        "{stdout}"
    );
}

#[test]
fn json_and_junit_reports() {
    let provider = TestProvider::start(true);
    let dir = temp_dir("reports");
    let pact = write_pact(
        &dir,
        "r.json",
        "web",
        json!([
            item_interaction("get item 1", 1),
            item_interaction("get item 2 <& 'quoted'>", 2)
        ]),
    );
    let json_path = dir.join("report.json").display().to_string();
    let junit_path = dir.join("report.xml").display().to_string();
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--json",
        &json_path,
        "--junit",
        &junit_path,
        "--output-format",
        "json",
    ]);
    assert_eq!(code, 1);
    let printed: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(printed["result"], false);
    assert_eq!(printed["summary"]["failed"], 2);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("json report")).expect("JSON");
    assert_eq!(written["pacts"][0]["interactions"][0]["result"], "Failed");
    assert_eq!(
        written["pacts"][0]["interactions"][0]["mismatches"][0]["type"],
        "BodyMismatch"
    );
    let junit = std::fs::read_to_string(&junit_path).expect("junit report");
    assert_eq!(junit.matches("<testcase ").count(), 2, "{junit}");
    assert_eq!(junit.matches("<failure ").count(), 2, "{junit}");
    assert!(
        junit.contains("get item 2 &lt;&amp; &apos;quoted&apos;&gt;"),
        "{junit}"
    );
}

#[test]
fn filters_and_headers() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("filters");
    let secure = json!({"type": "Synchronous/HTTP", "description": "secure call",
      "request": {"method": "GET", "path": "/secure"}, "response": {"status": 200}});
    let pact = write_pact(
        &dir,
        "f.json",
        "web",
        json!([item_interaction("get item 1", 1), secure]),
    );
    let other = write_pact(
        &dir,
        "g.json",
        "mobile",
        json!([item_interaction("get item 9", 9)]),
    );
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--filter-description",
        "secure",
    ]);
    assert_eq!(code, 1, "without the header the secure call fails:\n{stdout}");
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--filter-description",
        "secure",
        "--header",
        "X-Api-Key: secret",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("get item 1"), "{stdout}");
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--filter-no-state",
        "-H",
        "X-Api-Key=secret",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("secure call") && !stdout.contains("get item 1"),
        "{stdout}"
    );
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--filter-state",
        "items",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("secure call"), "{stdout}");
    let (code, stdout, _) = verifier(&[
        "--dir",
        &dir.display().to_string(),
        "--provider-base-url",
        &provider.url,
        "--filter-consumer",
        "mobile",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("mobile and items") && !stdout.contains("web and items"),
        "{stdout}"
    );
    let _ = other;
}

#[test]
fn parallel_runs_keep_the_report_order() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("parallel");
    let interactions: Vec<serde_json::Value> = (0..12)
        .map(|i| item_interaction(&format!("item {i:02}"), i))
        .collect();
    let pact = write_pact(&dir, "par.json", "web", json!(interactions));
    let (code, stdout, _) = verifier(&[
        "--file",
        &pact,
        "--provider-base-url",
        &provider.url,
        "--parallel",
        "4",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let order: Vec<usize> = (0..12)
        .map(|i| stdout.find(&format!("item {i:02} ")).expect("listed"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stdout}");
}

#[test]
fn bad_input_and_unreachable_providers() {
    let provider = TestProvider::start(false);
    let dir = temp_dir("bad");
    let good = write_pact(
        &dir,
        "good.json",
        "web",
        json!([item_interaction("get item 1", 1)]),
    );
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"consumer\": {\"name\": \"c\"}, \"provider\": {\"name\": \"p\"}, \"interactions\": [{\"request\": {}}]}").expect("write");
    let bad = bad.display().to_string();
    let (code, stdout, _) = verifier(&[
        "--file",
        &bad,
        "--file",
        &good,
        "--provider-base-url",
        &provider.url,
    ]);
    assert_eq!(code, 1, "a pact that fails to load fails the run");
    assert!(
        stdout.contains("bad.json' is invalid at $.interactions[0]: missing 'description'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("get item 1 (given items exist) ... OK"),
        "the other pacts are verified:\n{stdout}"
    );

    let (code, _, stderr) = verifier(&["--provider-base-url", &provider.url]);
    assert_eq!(code, 2);
    assert!(stderr.contains("give at least one pact source"), "{stderr}");
    let (code, _, stderr) = verifier(&["--file", &good, "--no-such-flag"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = verifier(&[
        "--file",
        &good,
        "--provider-base-url",
        "http://127.0.0.1:9",
        "--request-timeout",
        "500",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the provider could not be reached"), "{stderr}");
    let (code, _, stderr) = verifier(&[
        "--file",
        &good,
        "--provider-base-url",
        "http://127.0.0.1:9",
        "--wait-for-provider",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did not answer within 1 s"), "{stderr}");
    let (code, _, stderr) = verifier(&[
        "--dir",
        "/nonexistent/pacts",
        "--provider-base-url",
        &provider.url,
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read pact directory '/nonexistent/pacts'"),
        "{stderr}"
    );
}
