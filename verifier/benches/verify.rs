//! Benchmark: verifying pacts of 100 and 1,000 HTTP interactions (matching rules, one provider
//! state each) against a local provider that answers immediately, with accord and, when it is
//! installed, the official Pact verifier (`pact verifier`, from `pip install pact-python-cli`).
//!
//! Then the CPU the `accord-verifier` process itself uses (user + sys, the provider excluded) on
//! pacts of 100 and 1,000 interactions written the way the official libraries write them
//! (regexes on headers and paths, query matchers, date formats, eachLike).
//!
//! Run with `cargo bench -p accord-verifier --bench verify`. `ACCORD_BENCH_BASELINE_VERIFIER`
//! names another `accord-verifier` binary (an older build) to measure in the same run. Set `PACT_CLI` to the `pact`
//! binary (default: `pact` on PATH); set `ACCORD_BENCH_SKIP_OFFICIAL=1` to skip it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use accord_verifier::{Verifier, VerifierConfig};
use axum::Router;
use axum::extract::Path as UrlPath;
use axum::routing::{get, post};
use serde_json::json;

fn write_pact(path: &Path, n: usize) {
    let interactions: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({"type": "Synchronous/HTTP", "description": format!("get item {i}"),
              "providerStates": [{"name": format!("item {i} exists"), "params": {"id": i}}],
              "request": {"method": "GET", "path": format!("/items/{i}"), "headers": {"Accept": ["application/json"]}},
              "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
                "body": {"contentType": "application/json", "encoded": false,
                  "content": {"id": i, "name": "item", "price": 9.5, "tags": ["a"], "sku": "SKU-0001"}},
                "matchingRules": {"body": {
                  "$.id": {"matchers": [{"match": "integer"}]},
                  "$.name": {"matchers": [{"match": "type"}]},
                  "$.price": {"matchers": [{"match": "decimal"}]},
                  "$.tags": {"matchers": [{"match": "type", "min": 1}]},
                  "$.sku": {"matchers": [{"match": "regex", "regex": "SKU-\\d{4}"}]}}}}})
        })
        .collect();
    let doc = json!({"consumer": {"name": "bench-consumer"}, "provider": {"name": "items"},
        "interactions": interactions, "metadata": {"pactSpecification": {"version": "4.0"}}});
    std::fs::write(path, doc.to_string()).expect("write pact");
}

/// The CPU seconds (user + sys) and wall time of one `accord-verifier` run, read with the
/// shell's `times` builtin, which reports the children's CPU.
fn verifier_cpu(binary: &str, pact: &Path, base: &str) -> (f64, Duration) {
    let start = Instant::now();
    let output = Command::new("bash")
        .arg("-c")
        .arg(r#""$@" > /dev/null || echo "exit $?" >&2; times"#)
        .arg("bash")
        .arg(binary)
        .args(["--file", &pact.display().to_string()])
        .args(["--provider-base-url", base])
        .args(["--state-change-url", &format!("{base}/state")])
        .output()
        .expect("bash runs");
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("exit "),
        "the official-style pact must verify: {stderr}"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    // `times` prints the shell's user and sys time, then its children's: "0m1.234s 0m0.056s".
    let children = text.lines().last().unwrap_or("");
    let seconds = |t: &str| -> f64 {
        let (m, s) = t.trim_end_matches('s').split_once('m').unwrap_or(("0", "0"));
        m.parse::<f64>().unwrap_or(0.0) * 60.0 + s.parse::<f64>().unwrap_or(0.0)
    };
    let cpu = children.split_whitespace().map(seconds).sum();
    (cpu, wall)
}

async fn start_provider() -> String {
    let official = |UrlPath((_, id)): UrlPath<(String, u64)>| async move {
        (
            [("Content-Type", "application/json; charset=utf-8")],
            accord_test_support::official_style_response(id).to_string(),
        )
    };
    let created = move |path: UrlPath<(String, u64)>| async move {
        (axum::http::StatusCode::CREATED, official(path).await)
    };
    let router = Router::new()
        .route("/api/v1/{resource}/{id}", get(official).post(created))
        .route(
            "/items/{id}",
            get(|UrlPath(id): UrlPath<u64>| async move {
                axum::Json(
                    json!({"id": id, "name": "thing", "price": 12.25, "tags": ["x", "y"], "sku": "SKU-1234"}),
                )
            }),
        )
        .route("/state", post(|| async { axum::Json(json!({})) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = runtime.block_on(start_provider());
    let dir = std::env::temp_dir().join(format!("accord-verify-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = base.rsplit(':').next().expect("port").to_owned();
    let mut accord_times = Vec::new();
    for n in [100usize, 1000] {
        let pact = dir.join(format!("pact-{n}.json"));
        write_pact(&pact, n);
        let mut config = VerifierConfig::new(base.clone());
        config.states.url = Some(format!("{base}/state"));
        let verifier = Verifier::new(config).pact_file(pact.clone());
        let mut samples: Vec<Duration> = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let outcome = runtime.block_on(verifier.run()).expect("runs");
            samples.push(start.elapsed());
            assert!(outcome.report.success(), "benchmark pact must verify");
        }
        samples.sort();
        let median = samples[samples.len() / 2];
        println!(
            "accord, {n:>5} interactions: {:>9.1} ms total, {:.3} ms per interaction (median of 5)",
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3 / n as f64
        );
        accord_times.push((n, median));

        if std::env::var_os("ACCORD_BENCH_SKIP_OFFICIAL").is_some() {
            continue;
        }
        let pact_cli = std::env::var("PACT_CLI").unwrap_or_else(|_| "pact".to_owned());
        let start = Instant::now();
        let status = Command::new(&pact_cli)
            .args([
                "verifier",
                "-f",
                &pact.display().to_string(),
                "--hostname",
                "127.0.0.1",
                "--port",
                &port,
            ])
            .args([
                "--provider-name",
                "items",
                "--state-change-url",
                &format!("{base}/state"),
                "--loglevel",
                "error",
            ])
            .env("PACT_DO_NOT_TRACK", "true")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let official = start.elapsed();
        match status {
            Ok(status) => println!(
                "official pact verifier, {n:>5} interactions: {:>9.1} ms total (exit {}), accord is {:.0}x faster",
                official.as_secs_f64() * 1e3,
                status.code().unwrap_or(-1),
                official.as_secs_f64() / median.as_secs_f64()
            ),
            Err(e) => println!(
                "official pact verifier not run ({e}); install it with `pip install pact-python-cli`"
            ),
        }
    }
    let mut binaries = vec![(
        "accord-verifier".to_owned(),
        env!("CARGO_BIN_EXE_accord-verifier").to_owned(),
    )];
    if let Ok(baseline) = std::env::var("ACCORD_BENCH_BASELINE_VERIFIER") {
        binaries.push(("baseline".to_owned(), baseline));
    }
    let mut cpu_per = Vec::new();
    for n in [100usize, 1000] {
        let pact = dir.join(format!("official-style-{n}.json"));
        std::fs::write(&pact, accord_test_support::official_style_pact(n).to_string()).expect("write");
        for (label, binary) in &binaries {
            let mut samples: Vec<(f64, Duration)> =
                (0..5).map(|_| verifier_cpu(binary, &pact, &base)).collect();
            samples.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (cpu, wall) = samples[samples.len() / 2];
            let per = cpu * 1e3 / n as f64;
            println!(
                "{label} CLI, {n:>5} official-style interactions: {per:.3} ms CPU per interaction ({:.0} ms CPU, {:.0} ms wall; median of 5; target <= 0.3 ms)",
                cpu * 1e3,
                wall.as_secs_f64() * 1e3
            );
            if label == "accord-verifier" {
                cpu_per.push(per);
            }
        }
    }
    if let [small, large] = cpu_per.as_slice() {
        println!(
            "CPU per interaction, 1000 vs 100 official-style interactions: {:.2}x",
            large / small
        );
    }
    if let [(n1, t1), (n2, t2)] = accord_times.as_slice() {
        let per1 = t1.as_secs_f64() / *n1 as f64;
        let per2 = t2.as_secs_f64() / *n2 as f64;
        println!(
            "per-interaction time, {n2} vs {n1} interactions: {:.2}x",
            per2 / per1
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
