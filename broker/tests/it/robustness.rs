//! Concurrent publishing, and a broker killed mid-stream that loses no acknowledged publish.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use accord_broker::BrokerConfig;
use serde_json::Value;

use crate::{backends, pact, publish_body, start};

#[tokio::test]
async fn concurrent_publishes_of_one_version_succeed_without_duplicates() {
    for url in backends("concurrent").await {
        let broker = std::sync::Arc::new(start(BrokerConfig::new(url.clone())).await);
        let mut tasks = Vec::new();
        for i in 0..16 {
            let broker = std::sync::Arc::clone(&broker);
            tasks.push(tokio::spawn(async move {
                let provider = format!("api{}", i % 4);
                broker
                    .publish("web", "v1", Some("main"), &[pact("web", &provider, "name")])
                    .await
                    .0
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), 200, "{url}");
        }
        let (_, versions) = broker.get("/pacticipants/web/versions").await;
        assert_eq!(
            versions["_embedded"]["versions"].as_array().map(Vec::len),
            Some(1),
            "{url}"
        );
        let (_, pacticipants) = broker.get("/pacticipants").await;
        assert_eq!(
            pacticipants["pacticipants"].as_array().map(Vec::len),
            Some(5),
            "{url}"
        );
    }
}

#[test]
fn a_killed_broker_loses_no_acknowledged_publish() {
    let file =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("kill-{}.db", std::process::id()));
    let database = format!("sqlite://{}", file.display());
    let spawn = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord-broker"))
            .args(["serve", "--database-url", &database, "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("broker starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("url");
        (child, line.trim().to_owned())
    };
    let (mut child, url) = spawn();
    let client = reqwest::blocking::Client::new();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (stop, acknowledged, client, url) =
            (stop.clone(), acknowledged.clone(), client.clone(), url.clone());
        std::thread::spawn(move || {
            for i in 0..2000 {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let version = format!("v{i}");
                let body = publish_body(
                    "web",
                    &version,
                    Some("main"),
                    &[pact("web", "api", &format!("f{i}"))],
                );
                match client
                    .post(format!("{url}/contracts/publish"))
                    .header("Content-Type", "application/json")
                    .body(body.to_string())
                    .send()
                {
                    Ok(r) if r.status() == 200 => acknowledged.lock().expect("lock").push(version),
                    _ => break,
                }
            }
        })
    };
    accord_test_support::eventually_blocking(
        "30 acknowledged publishes before the kill",
        accord_test_support::DEFAULT_WAIT,
        || acknowledged.lock().expect("lock").len() >= 30 || writer.is_finished(),
    );
    assert!(
        acknowledged.lock().expect("lock").len() >= 30,
        "the writer stopped before 30 acknowledged publishes"
    );
    // SIGKILL: no chance to flush or shut down cleanly.
    child.kill().expect("kill");
    let _ = child.wait();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = writer.join();
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let (mut child, url) = spawn();
    for version in &acknowledged {
        let response = client
            .get(format!("{url}/pacts/provider/api/consumer/web/version/{version}"))
            .send()
            .expect("sent");
        assert_eq!(
            response.status(),
            200,
            "acknowledged publish of {version} was lost"
        );
        let body: Value = response.json().expect("json");
        assert!(body["interactions"].is_array());
    }
    let _ = child.kill();
    let _ = child.wait();
}
