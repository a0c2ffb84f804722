//! Benchmark: the CPU accord's verifier spends per gRPC interaction, on a pact of 300 calls (the
//! area calculator's `calculateOne` of Pact's plugin example, 300 times) verified against a gRPC
//! provider that answers in the same process. The figure is the process's CPU (user + sys,
//! from `/proc/self/stat`) over the run, divided by 300: the provider's share is included, so
//! the verifier's own cost is at most that.
//!
//! Run with `cargo bench -p workspace-tests --bench grpc_verify` (needs the shared data folder).

use std::sync::Arc;
use std::time::Instant;

use accord_verifier::{Verifier, VerifierConfig};
use serde_json::Value;
use tests::grpc_provider::{faithful, pool_of, serve};

const PACT: &str = "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json";
const CALLS: usize = 300;

/// The process's CPU seconds so far (user + sys).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    let per_second = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / per_second
}

fn main() {
    let Some(path) = accord_test_support::shared_data(PACT, "the area calculator gRPC pact") else {
        return;
    };
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("pact")).expect("json");
    let call = doc["interactions"][0].clone();
    doc["interactions"] = Value::Array(
        (0..CALLS)
            .map(|i| {
                let mut one = call.clone();
                one["description"] = Value::from(format!("calculate rectangle area request {i}"));
                if let Some(map) = one.as_object_mut() {
                    map.remove("key");
                }
                one
            })
            .collect(),
    );
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("grpc-300.json");
    std::fs::write(&file, doc.to_string()).expect("written");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let pact = accord_core::format::read_pact_file(&file).expect("pact");
        let provider = serve(pool_of(&pact), Arc::new(faithful)).await;
        for run in 0..3 {
            let mut config = VerifierConfig::new("http://127.0.0.1:9");
            config.grpc_url = Some(provider.url.clone());
            let (cpu, wall) = (cpu_seconds(), Instant::now());
            let outcome = Verifier::new(config).pact_file(file.clone()).run().await.expect("runs");
            let (cpu, wall) = (cpu_seconds() - cpu, wall.elapsed());
            let passed = outcome.report.pacts[0].interactions.iter().filter(|i| i.passed()).count();
            assert_eq!(passed, CALLS, "every call passes");
            println!(
                "run {run}: {CALLS} gRPC interactions in {wall:.2?}, {:.3} ms CPU per interaction (verifier and provider; target <= 0.5 ms)",
                cpu * 1000.0 / CALLS as f64
            );
        }
    });
}
