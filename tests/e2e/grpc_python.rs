//! A gRPC pact written by pact-python 4.2 with Pact's protobuf plugin (`tests/python/
//! grpc_consumer.py`, run in a loopback-only network namespace with the built plugin), served by
//! accord's mock server to the same grpcio client, and verified by accord's verifier against the
//! providers of `e2e/grpc.rs`.

use std::path::PathBuf;
use std::process::Command;

const PROTO: &str = "grpc-contracts/proto/area_calculator--area_calculator.proto";

fn python(cli: &std::path::Path) -> PathBuf {
    cli.with_file_name("python")
}

/// Whether the venv has grpcio (the consumer's gRPC client); a recorded skip otherwise.
fn has_grpcio(python: &PathBuf) -> bool {
    let ok = Command::new(python)
        .args(["-c", "import grpc, grpc_tools"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        accord_test_support::skip(
            "the pact-python gRPC consumer (grpcio not installed)",
            ".venv/bin/pip install 'grpcio==1.68.1' 'grpcio-tools==1.68.1' (bash .ci/run does)",
        );
    }
    ok
}

#[tokio::test]
async fn a_pact_python_grpc_pact_is_served_by_accords_mock_and_verified_by_accord() {
    let (Some(cli), Some(plugins)) = (crate::interop::pact_cli(), crate::grpc_official::plugin_dir()) else {
        return;
    };
    let Some(proto) = accord_test_support::shared_data(PROTO, "the area calculator .proto") else {
        return;
    };
    let python = python(&cli);
    if !has_grpcio(&python) {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("grpc-python");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/grpc_consumer.py");
    let output = Command::new("unshare")
        .args([
            "-rn",
            "sh",
            "-c",
            "ip link set lo up 2>/dev/null; exec \"$@\"",
            "sh",
        ])
        .arg(&python)
        .arg(&script)
        .arg(&proto)
        .arg(&dir)
        .env("PACT_PLUGIN_DIR", &plugins)
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .expect("python runs");
    let file = dir.join("py-area-client-area-calculator-provider.json");
    assert!(
        file.exists(),
        "pact-python wrote no pact:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // Accord's mock server answers pact-python's grpcio client as pact-python's plugin did.
    let pact = accord_core::format::read_pact_file(&file).expect("the pact reads");
    let mock = accord_mock_server::MockServer::start(pact, accord_mock_server::MockServerConfig::default())
        .await
        .expect("the mock serves it");
    let port = mock.port().to_string();
    let python_for_call = python.clone();
    let (script_for_call, proto_for_call) = (script.clone(), proto.clone());
    let called = tokio::task::spawn_blocking(move || {
        Command::new(&python_for_call)
            .arg(&script_for_call)
            .args(["call"])
            .arg(&proto_for_call)
            .arg(&port)
            .output()
            .expect("the grpcio client runs")
    })
    .await
    .expect("joined");
    assert!(
        String::from_utf8_lossy(&called.stdout).contains("[12.0]"),
        "{}{}",
        String::from_utf8_lossy(&called.stdout),
        String::from_utf8_lossy(&called.stderr)
    );
    let report = mock.report();
    assert!(report.problems.is_empty(), "{report:?}");

    // Accord's verifier passes the faithful provider and fails the broken one.
    crate::grpc::passes_faithful_fails_broken(&file).await;
}
