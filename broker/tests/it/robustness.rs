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

/// Publications of different consumers may run side by side on PostgreSQL; ones that create
/// the same new providers in opposite orders must all succeed (no deadlock) and count once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_publishes_of_many_consumers_creating_the_same_providers_all_succeed() {
    for url in backends("concurrent-consumers").await {
        let broker = std::sync::Arc::new(start(BrokerConfig::new(url.clone())).await);
        let mut tasks = Vec::new();
        for i in 0..16 {
            let broker = std::sync::Arc::clone(&broker);
            tasks.push(tokio::spawn(async move {
                let consumer = format!("client{}", (b'a' + (i % 8) as u8) as char);
                let (first, second) = if i % 2 == 0 {
                    ("orders", "billing")
                } else {
                    ("billing", "orders")
                };
                let version = format!("v{i}");
                broker
                    .publish(
                        &consumer,
                        &version,
                        Some("main"),
                        &[pact(&consumer, first, "name"), pact(&consumer, second, "name")],
                    )
                    .await
            }));
        }
        for task in tasks {
            let (status, body) = task.await.expect("task");
            assert_eq!(status, 200, "{url}: {body}");
        }
        let (_, pacticipants) = broker.get("/pacticipants").await;
        assert_eq!(
            pacticipants["pacticipants"].as_array().map(Vec::len),
            Some(10),
            "{url}: eight consumers and two providers, each once: {pacticipants}"
        );
        let (_, integrations) = broker.get("/integrations").await;
        assert_eq!(
            integrations["_embedded"]["integrations"].as_array().map(Vec::len),
            Some(16),
            "{url}: {integrations}"
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

/// A bounded load on loopback: 150 connections that send nothing or half a request, three
/// times the connection cap, while 200 real requests arrive from 10 clients. Every real request
/// is answered, and the server closes every stalled connection after the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_beyond_the_cap_delay_real_requests_only_boundedly() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (address, server) = crate::serve_limited("connection-load", 50).await;
    let mut stalled = Vec::new();
    for i in 0..150 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        if i % 2 == 0 {
            stream
                .write_all(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: x\r\n")
                .await
                .expect("half a request");
        }
        stalled.push(stream);
    }
    let started = std::time::Instant::now();
    let mut clients = Vec::new();
    for _ in 0..10 {
        let url = format!("http://{address}/diagnostic/status/heartbeat");
        clients.push(tokio::spawn(async move {
            // A new connection per request, as many separate CI jobs would make.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .expect("client");
            let mut answered = 0;
            for _ in 0..20 {
                let response = client.get(&url).send().await.expect("a real request is answered");
                assert_eq!(response.status(), 200);
                answered += 1;
            }
            answered
        }));
    }
    let mut answered = 0;
    for client in clients {
        answered += client.await.expect("client");
    }
    assert_eq!(answered, 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "three rounds of stalled connections take about three header timeouts, not {:?}",
        started.elapsed()
    );
    for (i, mut stream) in stalled.into_iter().enumerate() {
        let mut rest = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "stalled connection {i} is still open");
    }
    server.abort();
}

/// Large publications take turns (two at a time) before their bodies are read; many at once
/// all complete, by `POST /contracts/publish` and by `PUT` alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_publications_at_once_all_complete() {
    let broker = std::sync::Arc::new(start(BrokerConfig::new(crate::sqlite_only("large-at-once"))).await);
    let large = |consumer: &str, n: usize| {
        let mut p = pact(consumer, "store", "name");
        let interactions: Vec<Value> = (0..700)
            .map(|i| {
                serde_json::json!({"description": format!("get item {i}"), "request": {"method": "GET", "path": format!("/items/{i}")},
                    "response": {"status": 200, "body": {"id": i, "text": "y".repeat(2000 + n)}}})
            })
            .collect();
        p["interactions"] = Value::Array(interactions);
        p
    };
    let mut tasks = Vec::new();
    for n in 0..6 {
        let broker = std::sync::Arc::clone(&broker);
        let p = large(&format!("client{}", (b'a' + n as u8) as char), n);
        tasks.push(tokio::spawn(async move {
            if n % 2 == 0 {
                broker
                    .publish(
                        p["consumer"]["name"].as_str().unwrap_or_default(),
                        "v1",
                        None,
                        std::slice::from_ref(&p),
                    )
                    .await
            } else {
                let path = format!(
                    "/pacts/provider/store/consumer/{}/version/v1",
                    p["consumer"]["name"].as_str().unwrap_or_default()
                );
                let response = broker
                    .client
                    .put(format!("{}{path}", broker.url))
                    .json(&p)
                    .send()
                    .await
                    .expect("sent");
                let status = response.status().as_u16();
                (status, response.json().await.unwrap_or(Value::Null))
            }
        }));
    }
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert!(status == 200 || status == 201, "{status}: {body}");
    }
    let (_, integrations) = broker.get("/integrations").await;
    assert_eq!(
        integrations["_embedded"]["integrations"].as_array().map(Vec::len),
        Some(6),
        "{integrations}"
    );
}
