//! Benchmark: the broker's memory under large publications and verification results. The
//! release binary serves a fresh SQLite database; a 7.6 MB pact (7,250 interactions, each with
//! a 900-character field) is published once, then as seven versions at once, then a 7.6 MB
//! verification result once and seven at once. For each: the peak resident memory above idle
//! (`VmHWM`, reset through `/proc/PID/clear_refs` before each step) and the resident memory
//! three seconds after, above idle.
//!
//! Run with `cargo bench -p accord-broker --bench memory`.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

/// A pact of `interactions` interactions, each with a 900-character field.
fn large_pact(interactions: usize, version: usize) -> Value {
    let filler = "x".repeat(900);
    let list: Vec<Value> = (0..interactions)
        .map(|i| {
            json!({"description": format!("get thing {i}"), "request": {"method": "GET", "path": format!("/things/{i}")},
                "response": {"status": 200, "body": {"id": i, "version": version, "text": filler}}})
        })
        .collect();
    json!({"consumer": {"name": "web"}, "provider": {"name": "api"}, "interactions": list,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}})
}

fn kib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn mib(kib: f64) -> f64 {
    kib / 1024.0
}

/// Resets the peak resident memory the kernel keeps for `pid`.
fn reset_peak(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

struct Broker {
    child: Child,
    url: String,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(database_url: &str) -> Broker {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args(["serve", "--database-url", database_url, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("broker starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("address");
    Broker {
        child,
        url: line.trim().to_owned(),
    }
}

/// Runs `requests` at once (each a method, path and body), checks each answer, and reports the
/// peak above `idle` and the resident memory three seconds after.
fn step(
    broker: &Broker,
    idle: f64,
    what: &str,
    requests: Vec<(reqwest::Method, String, String)>,
    target: f64,
) {
    let pid = broker.child.id();
    reset_peak(pid);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("client");
    std::thread::scope(|scope| {
        for (method, path, body) in requests {
            let client = client.clone();
            let url = format!("{}{path}", broker.url);
            scope.spawn(move || {
                let answer = client
                    .request(method, &url)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .expect("sent");
                let status = answer.status();
                assert!(
                    status.is_success(),
                    "{url}: {status} {}",
                    answer.text().unwrap_or_default()
                );
            });
        }
    });
    let peak = kib(pid, "VmHWM:") - idle;
    std::thread::sleep(Duration::from_secs(3));
    let after = kib(pid, "VmRSS:") - idle;
    println!(
        "{what}: peak {:.0} MiB above idle (target < {target:.0}), {:.0} MiB above idle 3 s after (target < 50)",
        mib(peak),
        mib(after)
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("accord-broker-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let broker = start(&format!("sqlite://{}", dir.join("memory.db").display()));
    std::thread::sleep(Duration::from_secs(1));
    let idle = kib(broker.child.id(), "VmRSS:");
    println!("idle: {:.1} MiB", mib(idle));
    let publish = |version: usize| {
        let pact = large_pact(7250, version).to_string();
        let body = json!({"pacticipantName": "web", "pacticipantVersionNumber": format!("{version}"), "branch": "main",
            "contracts": [{"consumerName": "web", "providerName": "api", "specification": "pact",
                "contentType": "application/json", "content": base64::engine::general_purpose::STANDARD.encode(&pact)}]});
        (
            reqwest::Method::POST,
            "/contracts/publish".to_owned(),
            body.to_string(),
        )
    };
    let (_, _, sample) = publish(0);
    println!(
        "pact: {:.1} MB, publication body: {:.1} MB",
        large_pact(7250, 0).to_string().len() as f64 / 1e6,
        sample.len() as f64 / 1e6
    );
    step(&broker, idle, "one publication", vec![publish(1)], 100.0);
    step(
        &broker,
        idle,
        "seven publications at once",
        (2..9).map(publish).collect(),
        250.0,
    );
    // Verification results as large as the pact: each interaction with a long mismatch text.
    let client = reqwest::blocking::Client::new();
    let pact: Value = client
        .get(format!(
            "{}/pacts/provider/api/consumer/web/version/1",
            broker.url
        ))
        .send()
        .and_then(|r| r.json())
        .expect("pact");
    let publish_results = pact["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .expect("relation")
        .trim_start_matches(&broker.url)
        .to_owned();
    let result = |version: usize| {
        let filler = "m".repeat(1200);
        let tests: Vec<Value> = (0..7250)
            .map(|i| {
                json!({"interactionDescription": format!("get thing {i}"), "success": false,
                "mismatches": [{"attribute": "body", "description": filler}]})
            })
            .collect();
        let body = json!({"success": false, "providerApplicationVersion": format!("{version}"),
            "verifiedBy": {"implementation": "bench", "version": "1"}, "testResults": tests});
        (reqwest::Method::POST, publish_results.clone(), body.to_string())
    };
    println!(
        "verification result body: {:.1} MB",
        result(0).2.len() as f64 / 1e6
    );
    step(&broker, idle, "one verification result", vec![result(1)], 100.0);
    step(
        &broker,
        idle,
        "seven verification results at once",
        (2..9).map(result).collect(),
        250.0,
    );
    drop(broker);
    let _ = std::fs::remove_dir_all(&dir);
}
