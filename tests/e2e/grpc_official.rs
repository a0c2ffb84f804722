//! Pact's own tools as the judge of gRPC contracts. The official verifier, with Pact's protobuf
//! plugin built from the shared source (`bash .ci/run` puts it in `.tools/pact-plugins`), runs
//! in a loopback-only network namespace (`unshare -rn`) with `PACT_PLUGIN_DIR` set, so nothing
//! is downloaded. Against the providers `e2e/grpc.rs` verifies with accord's verifier (the same
//! code, in `src/bin/grpc-provider.rs`), it agrees: each real gRPC pact passes against the
//! faithful provider and fails against the broken one. It also passes each pact served by
//! accord's mock server.

use std::path::PathBuf;
use std::process::Command;

const PLUGIN_VERSION: &str = "0.7.1";

/// The plugin folder the official tools search (`PACT_PLUGIN_DIR`), when the plugin is built.
pub(crate) fn plugin_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/pact-plugins");
    let manifest = dir.join(format!("protobuf-{PLUGIN_VERSION}/pact-plugin.json"));
    if manifest.exists() {
        return Some(dir);
    }
    accord_test_support::skip(
        "the official verifier with Pact's protobuf plugin (not built)",
        "bash .ci/run builds it from ../shared/pact-protobuf-plugin into .tools/pact-plugins",
    );
    None
}

/// The descriptions of a pact's protobuf interactions, as one anchored regular expression.
fn protobuf_filter(file: &PathBuf) -> String {
    let pact = accord_core::format::read_pact_file(file).expect("pact");
    let names: Vec<String> = pact
        .interactions
        .iter()
        .filter(|i| accord_protobuf::is_protobuf(i))
        .map(|i| regex_escape(&i.info().description))
        .collect();
    format!("^({})$", names.join("|"))
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// Runs the official verifier on `file` against the `mode` provider, inside a network namespace
/// with only loopback; its exit code and output.
pub(crate) fn official(pact: &PathBuf, plugins: &PathBuf, file: &PathBuf, mode: &str) -> (i32, String) {
    let provider = env!("CARGO_BIN_EXE_grpc-provider");
    let script = "ip link set lo up 2>/dev/null; exec \"$@\"";
    let output = Command::new("unshare")
        .args(["-rn", "sh", "-c", script, "sh", provider])
        .arg(file)
        .args([mode, "--"])
        .arg(pact)
        .args(["verifier", "-f"])
        .arg(file)
        .args([
            "--hostname",
            "127.0.0.1",
            "--transports",
            "http:{http}",
            "--transports",
            "grpc:{grpc}",
        ])
        .args(["--filter-description", &protobuf_filter(file)])
        .env("PACT_PLUGIN_DIR", plugins)
        .env("PACT_DO_NOT_TRACK", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("unshare runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

fn grpc_pacts() -> Vec<PathBuf> {
    [
        "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json",
        "wild-pacts/pacts/pact-plugins--grpc-consumer-go-area-calculator-provider_does_not_fail_as_expected.json",
        "wild-pacts/pacts/pact-js-core--grpc.json",
        "grpc-contracts/pacts/pact-plugins--area_calculator--protobuf-consumer-area-calculator-provider.json",
        "grpc-contracts/pacts/pact-plugins--http-plus-grpc--area-calculator-consumer-area-calculator-provider.json",
    ]
    .iter()
    .filter_map(|relative| accord_test_support::shared_data(relative, &format!("the gRPC pact {relative}")))
    .collect()
}

#[test]
fn the_official_verifier_with_the_plugin_agrees_with_accord_on_the_real_grpc_pacts() {
    let (Some(pact), Some(plugins)) = (crate::interop::pact_cli(), plugin_dir()) else {
        return;
    };
    for file in grpc_pacts() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (code, output) = official(&pact, &plugins, &file, "faithful");
        assert_eq!(
            code, 0,
            "{name}: the official verifier fails the faithful provider:\n{output}"
        );
        let (code, output) = official(&pact, &plugins, &file, "broken");
        assert_ne!(
            code, 0,
            "{name}: the official verifier passes the broken provider:\n{output}"
        );
        let (code, output) = official(&pact, &plugins, &file, "mock");
        assert_eq!(
            code, 0,
            "{name}: the official verifier fails accord's mock server:\n{output}"
        );
    }
}

/// The example's pact (the stock dashboard's contract with the tonic inventory service), judged
/// by both verifiers against the real tonic service: both pass it as it is, and both fail its
/// next version, whose `.proto` made `quantity` a string; accord names the field.
#[tokio::test]
async fn the_official_verifier_agrees_with_accord_on_the_tonic_examples_pact() {
    let dir = crate::scratch("inventory-official");
    inventory::contract::run_all(&dir)
        .await
        .expect("the stock dashboard's contract tests pass");
    let file = dir.join("stock-dashboard-inventory.json");
    for (variant, passes) in [
        (inventory::provider::Variant::Main, true),
        (inventory::provider::Variant::Breaking, false),
    ] {
        let service = inventory::provider::serve(variant)
            .await
            .expect("the service starts");
        let mut config = accord_verifier::VerifierConfig::new(service.url.clone());
        config.grpc_url = Some(service.url.clone());
        let outcome = accord_verifier::Verifier::new(config)
            .pact_file(file.clone())
            .run()
            .await
            .expect("the verification runs");
        let text = accord_verifier::render_text(&outcome.report, false);
        assert_eq!(outcome.report.success(), passes, "{variant:?}:\n{text}");
        if !passes {
            assert!(text.contains("$.quantity"), "{text}");
        }
    }
    let (Some(pact), Some(plugins)) = (crate::interop::pact_cli(), plugin_dir()) else {
        return;
    };
    let (code, output) = official(&pact, &plugins, &file, "inventory");
    assert_eq!(
        code, 0,
        "the official verifier fails the tonic service as it is:\n{output}"
    );
    let (code, output) = official(&pact, &plugins, &file, "inventory-breaking");
    assert_ne!(
        code, 0,
        "the official verifier passes the breaking tonic service:\n{output}"
    );
    assert!(output.contains("$.quantity"), "both name the field:\n{output}");
}
