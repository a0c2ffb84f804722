//! The `accord-mock-server` binary: `serve` and `control` over real HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::accounts_pact_json;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and reads the URL it prints first.
fn start(args: &[&str]) -> (Running, Vec<String>, usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord-mock-server"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut urls = Vec::new();
    let expected = args.iter().filter(|a| a.ends_with(".json")).count().max(1);
    let mut line = String::new();
    while urls.len() < expected {
        line.clear();
        if reader.read_line(&mut line).expect("read stdout") == 0 {
            break;
        }
        urls.push(line.trim().to_owned());
    }
    (Running(child), urls, expected)
}

fn write_pacts(dir: &std::path::Path) -> (String, String) {
    std::fs::create_dir_all(dir).expect("dir");
    let accounts = dir.join("accounts.json");
    std::fs::write(&accounts, accounts_pact_json()).expect("write");
    let ledger = dir.join("ledger.json");
    std::fs::write(
        &ledger,
        serde_json::json!({
            "consumer": {"name": "investment-manager"}, "provider": {"name": "ledger"},
            "interactions": [{"description": "get balance", "request": {"method": "GET", "path": "/balance"},
              "response": {"status": 200, "body": {"amount": 10}}}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}
        })
        .to_string(),
    )
    .expect("write");
    (accounts.display().to_string(), ledger.display().to_string())
}

#[test]
fn serve_prints_one_url_per_provider_and_answers_from_the_pacts() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}", std::process::id()));
    let (accounts, ledger) = write_pacts(&dir);
    let (_running, urls, expected) = start(&["serve", "--pact", &accounts, "--pact", &ledger]);
    assert_eq!(urls.len(), expected, "{urls:?}");
    assert!(
        urls.iter().all(|u| u.starts_with("http://127.0.0.1:")),
        "{urls:?}"
    );
    let account: serde_json::Value = reqwest::blocking::get(format!("{}/accounts/42", urls[0]))
        .expect("sent")
        .json()
        .expect("json");
    assert_eq!(account["id"], 42);
    let balance: serde_json::Value = reqwest::blocking::get(format!("{}/balance", urls[1]))
        .expect("sent")
        .json()
        .expect("json");
    assert_eq!(balance["amount"], 10);
    let unknown = reqwest::blocking::get(format!("{}/balance", urls[0])).expect("sent");
    assert_eq!(unknown.status(), 500);
}

#[test]
fn serve_reports_a_bad_pact_file_and_exits_2() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"consumer\": {\"name\": \"c\"}}").expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_accord-mock-server"))
        .args(["serve", "--pact", &bad.display().to_string()])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json' is invalid at $.provider: missing 'provider'"),
        "{stderr}"
    );
}

#[test]
fn control_api_creates_verifies_writes_and_deletes_mocks() {
    let root =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("control-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("pact dir");
    let root_arg = root.display().to_string();
    let (_running, urls, _) = start(&["control", "--pact-dir", &root_arg]);
    let control = &urls[0];
    let client = reqwest::blocking::Client::new();
    let created: serde_json::Value = client
        .post(format!("{control}/mockservers"))
        .header("Content-Type", "application/json")
        .body(accounts_pact_json())
        .send()
        .expect("sent")
        .json()
        .expect("json");
    let id = created["id"].as_str().expect("id").to_owned();
    let mock_url = created["url"].as_str().expect("url").to_owned();
    let list: serde_json::Value = client
        .get(format!("{control}/mockservers"))
        .send()
        .expect("sent")
        .json()
        .expect("json");
    assert_eq!(list["mockServers"][0]["id"], id.as_str());

    // Not everything called yet: verify fails with the missing interactions.
    client
        .get(format!("{mock_url}/accounts/42"))
        .send()
        .expect("sent");
    let verify = client
        .post(format!("{control}/mockservers/{id}/verify"))
        .send()
        .expect("sent");
    assert_eq!(verify.status(), 422);
    let report: serde_json::Value = verify.json().expect("json");
    assert!(
        report["mismatches"]
            .as_array()
            .is_some_and(|m| m.iter().any(|x| x["type"] == "missing-request"))
    );

    client
        .get(format!("{mock_url}/accounts?owner=ann"))
        .send()
        .expect("sent");
    client.get(format!("{mock_url}/accounts/9")).send().expect("sent");
    let verify = client
        .post(format!("{control}/mockservers/{id}/verify"))
        .send()
        .expect("sent");
    assert_eq!(verify.status(), 200);

    // The control API has no authentication: it writes only below its --pact-dir.
    for dir in ["../outside", "/tmp", "pacts/../../outside"] {
        let refused = client
            .post(format!("{control}/mockservers/{id}/pact"))
            .header("Content-Type", "application/json")
            .body(serde_json::json!({"dir": dir}).to_string())
            .send()
            .expect("sent");
        assert_eq!(refused.status(), 400, "dir {dir}");
    }
    let form = client
        .post(format!("{control}/mockservers/{id}/pact"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("dir=pacts")
        .send()
        .expect("sent");
    assert_eq!(form.status(), 415, "a web page cannot drive it with a form");
    let written: serde_json::Value = client
        .post(format!("{control}/mockservers/{id}/pact"))
        .header("Content-Type", "application/json")
        .body(serde_json::json!({"dir": "pacts"}).to_string())
        .send()
        .expect("sent")
        .json()
        .expect("json");
    assert_eq!(written["interactions"], 3);
    assert!(root.join("pacts/investment-manager-accounts.json").is_file());

    let deleted = client
        .delete(format!("{control}/mockservers/{id}"))
        .send()
        .expect("sent");
    assert_eq!(deleted.status(), 200);
    let gone = client
        .get(format!("{control}/mockservers/{id}"))
        .send()
        .expect("sent");
    assert_eq!(gone.status(), 404);

    let bad = client
        .post(format!("{control}/mockservers"))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .expect("sent");
    assert_eq!(bad.status(), 400);
    let error: serde_json::Value = bad.json().expect("json");
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("missing 'consumer'")),
        "{error}"
    );
}
