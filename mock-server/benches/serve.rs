//! Benchmarks of the mock server: start/shutdown latency, throughput of
//! `accord-mock-server serve` against a bare hyper server returning the same canned response
//! (measured with `wrk` over loopback in the same run, 16 connections) on a pact without rules and
//! on a 100-interaction pact written the way the official libraries write them (regexes on
//! headers and paths, query matchers, date formats, eachLike), memory after a million requests,
//! and writing a pact file that already holds 1,000 interactions.
//!
//! Run with `cargo bench -p accord-mock-server --bench serve` (needs `wrk`: `apt-get install wrk`).
//! `ACCORD_BENCH_BASELINE_MOCK` names another `accord-mock-server` binary (an older build) to
//! measure on the official-style pact in the same run.

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use accord_core::format::parse_pact;
use accord_core::pact_file::write_pact_file;
use accord_core::{Pact, SpecVersion};
use accord_mock_server::{MockServer, MockServerConfig};
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;

const BODY: &str =
    r#"{"id":50,"owner":"ann","balance":1250.5,"currency":"EUR","tags":["retail","priority"]}"#;

fn pact_with(n: usize) -> Pact {
    let interactions: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({"type": "Synchronous/HTTP", "description": format!("get item {i}"),
              "request": {"method": "GET", "path": format!("/items/{i}")},
              "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
                "body": {"contentType": "application/json", "encoded": false,
                         "content": serde_json::from_str::<serde_json::Value>(BODY).expect("json")}}})
        })
        .collect();
    let doc = json!({"consumer": {"name": "bench"}, "provider": {"name": "items"},
        "interactions": interactions, "metadata": {"pactSpecification": {"version": "4.0"}}});
    parse_pact(&doc.to_string(), "bench").expect("valid pact")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn wrk(url: &str, seconds: u64) -> Option<(f64, u64)> {
    let output = Command::new("wrk")
        .args([
            "-t1",
            "-c16",
            "-H",
            "Accept: application/json",
            &format!("-d{seconds}s"),
            url,
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let rps = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())?;
    let total = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    Some((rps, total))
}

/// Starts `accord-mock-server serve` on a pact file: the child and its base URL.
fn serve(binary: &str, pact: &Path) -> (std::process::Child, String) {
    let mut child = Command::new(binary)
        .args(["serve", "--pact", &pact.display().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("url");
    (child, line.trim().to_owned())
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A bare hyper server answering every request with `body` as JSON.
async fn bare_hyper(body: Bytes) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_req| {
                    let body = body.clone();
                    async move {
                        Ok::<_, Infallible>(
                            hyper::Response::builder()
                                .header("Content-Type", "application/json")
                                .body(Full::new(body))
                                .expect("response"),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // 1. Start plus shutdown of an in-process mock server.
    let pact = pact_with(100);
    let samples: Vec<Duration> = runtime.block_on(async {
        let mut samples = Vec::new();
        for _ in 0..200 {
            let pact = pact.clone();
            let start = Instant::now();
            let server = MockServer::start(pact, MockServerConfig::default())
                .await
                .expect("start");
            server.shutdown().await;
            samples.push(start.elapsed());
        }
        samples
    });
    println!(
        "start + shutdown (100 interactions): median {:.3} ms (target < 1 ms)",
        median(samples).as_secs_f64() * 1e3
    );

    // 2. Writing a pact file that already holds 1,000 interactions, adding one.
    let dir = std::env::temp_dir().join(format!("accord-bench-{}", std::process::id()));
    let path = dir.join("bench-items.json");
    write_pact_file(&path, &pact_with(1000), SpecVersion::V4, "bench").expect("seed");
    let mut write_samples = Vec::new();
    for i in 0..20 {
        let mut one = pact_with(1);
        one.interactions[0].info_mut().description = format!("extra {i}");
        let start = Instant::now();
        write_pact_file(&path, &one, SpecVersion::V4, "bench").expect("write");
        write_samples.push(start.elapsed());
    }
    println!(
        "merge one interaction into a 1,000-interaction pact file: median {:.2} ms (target < 20 ms)",
        median(write_samples).as_secs_f64() * 1e3
    );

    // 3. Throughput against a bare hyper server, and memory after a million requests.
    if Command::new("wrk").arg("--version").output().is_err() {
        println!("skipped throughput and memory: install wrk with `apt-get install wrk`");
        return;
    }
    let pact_path = dir.join("serve-100.json");
    std::fs::write(
        &pact_path,
        accord_core::format::pact_to_string(&pact, SpecVersion::V4).expect("json"),
    )
    .expect("write");
    let official_path = dir.join("official-style-100.json");
    let official = parse_pact(
        &accord_test_support::official_style_pact(100).to_string(),
        "official-style",
    )
    .expect("valid pact");
    std::fs::write(
        &official_path,
        accord_core::format::pact_to_string(&official, SpecVersion::V4).expect("json"),
    )
    .expect("write");
    let ours = env!("CARGO_BIN_EXE_accord-mock-server");
    let (mut plain_child, plain_base) = serve(ours, &pact_path);
    let (mut official_child, official_base) = serve(ours, &official_path);
    let mock_url = format!("{plain_base}/items/50");
    let official_url = format!("{official_base}/api/v1/resource50/1050");
    let bare = runtime.block_on(bare_hyper(Bytes::from_static(BODY.as_bytes())));
    let bare_url = format!("http://{bare}/items/50");
    let official_body = accord_test_support::official_style_response(1050).to_string();
    let bare_official = runtime.block_on(bare_hyper(Bytes::from(official_body)));
    let bare_official_url = format!("http://{bare_official}/api/v1/resource50/1050");
    for url in [&mock_url, &official_url, &bare_url, &bare_official_url] {
        let _ = wrk(url, 1);
    }
    // Each pair measured back to back, so a change in the machine's load hits both.
    let (bare_rps, _) = wrk(&bare_url, 5).expect("wrk bare");
    let (plain_rps, _) = wrk(&mock_url, 5).expect("wrk mock");
    let (bare_official_rps, _) = wrk(&bare_official_url, 5).expect("wrk bare");
    let (official_rps, _) = wrk(&official_url, 5).expect("wrk mock");
    println!("bare hyper, the rule-free pact's body:          {bare_rps:>10.0} req/s");
    println!(
        "accord-mock-server, 100 rule-free interactions: {plain_rps:>10.0} req/s ({:.0}% of bare hyper)",
        plain_rps / bare_rps * 100.0
    );
    println!("bare hyper, the official-style response body:   {bare_official_rps:>10.0} req/s");
    println!(
        "accord-mock-server, 100 official-style interactions: {official_rps:>7.0} req/s ({:.0}% of bare hyper with the same body, target >= 70%)",
        official_rps / bare_official_rps * 100.0
    );
    let bare_rps = bare_official_rps;
    let _ = plain_child.kill();
    let _ = plain_child.wait();
    if let Ok(baseline) = std::env::var("ACCORD_BENCH_BASELINE_MOCK") {
        let (mut child, base) = serve(&baseline, &official_path);
        let url = format!("{base}/api/v1/resource50/1050");
        let _ = wrk(&url, 1);
        let (rps, _) = wrk(&url, 5).expect("wrk baseline");
        println!(
            "baseline binary, 100 official-style interactions: {rps:>7.0} req/s ({:.0}% of bare hyper)",
            rps / bare_rps * 100.0
        );
        let _ = child.kill();
        let _ = child.wait();
    }
    let child = &mut official_child;
    let mock_rps = official_rps;
    let mock_url = official_url;

    let mut served: u64 = 0;
    while served < 1_000_000 {
        let remaining = 1_000_000 - served;
        let seconds = ((remaining as f64 / mock_rps.max(1.0)).ceil() as u64 + 1).clamp(2, 60);
        let (_, total) = wrk(&mock_url, seconds).expect("wrk load");
        served += total;
    }
    let peak = peak_rss_kib(child.id()).unwrap_or(0);
    println!(
        "peak memory of serve after {served} requests: {:.1} MiB (target < 30 MiB)",
        peak as f64 / 1024.0
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
