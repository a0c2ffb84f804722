//! gRPC contracts written with Pact's protobuf plugin, verified by accord without the plugin:
//! every protobuf interaction of the real pacts in the shared data folder (Pact's plugin
//! examples, pact-js-core's gRPC test), gRPC calls and protobuf over plain HTTP, against
//! providers written here from the descriptors those pacts carry. A faithful provider passes; a
//! broken one fails, the mismatch naming the field.

use std::path::PathBuf;
use std::sync::Arc;

use accord_test_support::tonic_raw::Raw;
use accord_verifier::{Outcome, RunStatus, Verifier, VerifierConfig};
use prost_reflect::{DynamicMessage, MethodDescriptor};
use serde_json::{Value, json};
use tests::grpc_provider::{Handler, broken, faithful, pool_of, serve, serve_http};

/// The gRPC pacts, with the data folder they come from.
const PACTS: &[&str] = &[
    "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json",
    "wild-pacts/pacts/pact-plugins--grpc-consumer-go-area-calculator-provider_does_not_fail_as_expected.json",
    "wild-pacts/pacts/pact-js-core--grpc.json",
    "grpc-contracts/pacts/pact-plugins--area_calculator--protobuf-consumer-area-calculator-provider.json",
    "grpc-contracts/pacts/pact-plugins--http-plus-grpc--area-calculator-consumer-area-calculator-provider.json",
];

fn pact_files() -> Vec<PathBuf> {
    PACTS
        .iter()
        .filter_map(|relative| {
            accord_test_support::shared_data(relative, &format!("the gRPC pact {relative}"))
        })
        .collect()
}

/// The descriptions of the pact's protobuf interactions (pact-js-core's pact also has a plain
/// JSON one, which is not this test's business).
fn protobuf_descriptions(pact_file: &PathBuf) -> Vec<String> {
    let pact = accord_core::format::read_pact_file(pact_file).expect("pact");
    pact.interactions
        .iter()
        .filter(|i| accord_protobuf::is_protobuf(i))
        .map(|i| i.info().description.clone())
        .collect()
}

async fn verify(pact_file: &PathBuf, handler: Handler) -> accord_verifier::RunOutcome {
    let pact = accord_core::format::read_pact_file(pact_file).expect("pact");
    let provider = serve(pool_of(&pact), Arc::clone(&handler)).await;
    let http = serve_http(pool_of(&pact), handler).await;
    let mut config = VerifierConfig::new(http.url.clone());
    config.grpc_url = Some(provider.url.clone());
    Verifier::new(config)
        .pact_file(pact_file.clone())
        .run()
        .await
        .expect("the verification runs")
}

#[tokio::test]
async fn every_protobuf_interaction_of_the_real_pacts_passes_against_a_faithful_provider() {
    for file in pact_files() {
        let outcome = verify(&file, Arc::new(faithful)).await;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let protobuf = protobuf_descriptions(&file);
        let mut grpc = 0;
        for result in outcome.report.pacts.iter().flat_map(|p| &p.interactions) {
            if !protobuf.contains(&result.description) {
                continue;
            }
            assert_eq!(
                result.outcome,
                Outcome::Passed,
                "{name}: '{}'",
                result.description
            );
            if result.kind == "Synchronous/Messages" {
                grpc += 1;
                let line = result.request_line.as_deref().unwrap_or_default();
                assert!(line.starts_with("gRPC http://127.0.0.1:"), "{name}: {line}");
            }
        }
        assert!(grpc > 0, "{name} has gRPC interactions");
    }
}

#[tokio::test]
async fn a_breaking_provider_fails_each_protobuf_interaction_naming_the_field() {
    for file in pact_files() {
        let outcome = verify(&file, Arc::new(broken)).await;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert_ne!(outcome.status(), RunStatus::Verified, "{name}");
        let protobuf = protobuf_descriptions(&file);
        for result in outcome.report.pacts.iter().flat_map(|p| &p.interactions) {
            if !protobuf.contains(&result.description) {
                continue;
            }
            let Outcome::Failed(mismatches) = &result.outcome else {
                panic!(
                    "{name}: '{}' should fail: {:?}",
                    result.description, result.outcome
                );
            };
            let named = mismatches.iter().any(|m| {
                ["$.value", "$.location", "$.nestedFieldLevel1"]
                    .iter()
                    .any(|f| m.location.starts_with(f))
            });
            assert!(named, "{name}: '{}': {mismatches:?}", result.description);
        }
    }
}

#[tokio::test]
async fn a_provider_answering_unimplemented_fails_with_the_status() {
    let Some(file) = pact_files().into_iter().next() else {
        return;
    };
    let outcome = verify(
        &file,
        Arc::new(|_: &MethodDescriptor, _: &DynamicMessage| Err((12, "not here".to_owned()))),
    )
    .await;
    let grpc = outcome
        .report
        .pacts
        .iter()
        .flat_map(|p| &p.interactions)
        .find(|r| r.kind == "Synchronous/Messages")
        .expect("a gRPC interaction");
    let Outcome::Failed(mismatches) = &grpc.outcome else {
        panic!("{:?}", grpc.outcome);
    };
    assert!(
        mismatches[0].message.contains("UNIMPLEMENTED") && mismatches[0].message.contains("not here"),
        "{mismatches:?}"
    );
}

#[tokio::test]
async fn no_provider_listening_is_an_error_saying_where_it_called() {
    let Some(file) = pact_files().into_iter().next() else {
        return;
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let mut config = VerifierConfig::new("http://127.0.0.1:9");
    config.grpc_url = Some(format!("http://127.0.0.1:{port}"));
    let outcome = Verifier::new(config).pact_file(file).run().await.expect("runs");
    assert!(outcome.provider_unreachable);
    assert_eq!(outcome.status(), RunStatus::ProviderUnreachable);
}

/// An asynchronous message whose contents are a protobuf `AreaResponse`, written as the plugin
/// writes one, with the descriptors of the area calculator's pact.
fn message_pact(dir: &std::path::Path) -> Option<PathBuf> {
    let source = accord_test_support::shared_data(PACTS[0], "the area calculator pact")?;
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&source).expect("the pact reads"))
        .expect("the pact is JSON");
    let pact = accord_core::format::read_pact_file(&source).expect("pact");
    let pool = pool_of(&pact);
    let response = pool
        .get_message_by_name("area_calculator.AreaResponse")
        .expect("AreaResponse");
    let message = accord_protobuf::encode(&response, &json!({"value": [12.0]})).expect("encodes");
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD.encode(message);
    let key = raw["interactions"][0]["pluginConfiguration"]["protobuf"]["descriptorKey"].clone();
    let doc = json!({
        "consumer": {"name": "area-dashboard"}, "provider": {"name": "area-calculator-provider"},
        "interactions": [{
            "type": "Asynchronous/Messages", "description": "an area was calculated",
            "contents": {"content": content, "contentType": "application/protobuf; message=.area_calculator.AreaResponse",
                "contentTypeHint": "BINARY", "encoded": "base64"},
            "matchingRules": {"body": {"$.value.*": {"combine": "AND", "matchers": [{"match": "number"}]}}},
            "pluginConfiguration": {"protobuf": {"descriptorKey": key}}
        }],
        "metadata": {"pactSpecification": {"version": "4.0"}, "plugins": raw["metadata"]["plugins"].clone()}
    });
    let path = dir.join("area-dashboard-area-calculator-provider.json");
    std::fs::write(&path, doc.to_string()).expect("written");
    Some(path)
}

#[tokio::test]
async fn a_protobuf_message_is_verified_field_by_field() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("grpc-message");
    std::fs::create_dir_all(&dir).expect("dir");
    let Some(file) = message_pact(&dir) else { return };
    let pool = pool_of(&accord_core::format::read_pact_file(&file).expect("pact"));
    for (areas, passes) in [(json!([3.5]), true), (json!([]), false)] {
        let response = pool
            .get_message_by_name("area_calculator.AreaResponse")
            .expect("AreaResponse");
        let bytes = accord_protobuf::encode(&response, &json!({"value": areas})).expect("encodes");
        let outcome = Verifier::new(VerifierConfig::new("http://127.0.0.1:9"))
            .pact_file(file.clone())
            .message_handler(move |_, _| {
                let contents = bytes.clone();
                async move {
                    Ok(accord_verifier::ProducedMessage {
                        contents,
                        content_type: Some(
                            "application/protobuf; message=.area_calculator.AreaResponse".into(),
                        ),
                        metadata: serde_json::Map::new(),
                    })
                }
            })
            .run()
            .await
            .expect("runs");
        let result = &outcome.report.pacts[0].interactions[0];
        if passes {
            assert_eq!(result.outcome, Outcome::Passed, "{areas}");
        } else {
            let Outcome::Failed(mismatches) = &result.outcome else {
                panic!("{areas}: {:?}", result.outcome);
            };
            assert!(
                mismatches.iter().any(|m| m.location.starts_with("$.value")),
                "{mismatches:?}"
            );
            // The report shows the messages decoded, not their bytes.
            assert!(String::from_utf8_lossy(result.expected_body.content()).contains("\"value\""));
        }
    }
}

#[tokio::test]
async fn the_mock_server_serves_the_real_grpc_pacts_so_that_they_verify() {
    for file in pact_files() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pact = accord_core::format::read_pact_file(&file).expect("pact");
        let mock =
            accord_mock_server::MockServer::start(pact, accord_mock_server::MockServerConfig::default())
                .await
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut config = VerifierConfig::new(mock.url());
        config.grpc_url = Some(mock.url());
        let outcome = Verifier::new(config)
            .pact_file(file.clone())
            .run()
            .await
            .expect("runs");
        let protobuf = protobuf_descriptions(&file);
        for result in outcome.report.pacts.iter().flat_map(|p| &p.interactions) {
            if protobuf.contains(&result.description) {
                assert_eq!(
                    result.outcome,
                    Outcome::Passed,
                    "{name}: '{}'",
                    result.description
                );
            }
        }
        let report = mock.report();
        assert!(report.problems.is_empty(), "{name}: {report:?}");
    }
}

/// A mock server serving the area calculator's gRPC pact, and the pact's descriptors; none when
/// the shared data is missing.
async fn area_calculator_mock() -> Option<(accord_mock_server::MockServer, prost_reflect::DescriptorPool)> {
    let file = pact_files().into_iter().next()?;
    let pact = accord_core::format::read_pact_file(&file).expect("pact");
    let pool = pool_of(&pact);
    let mock = accord_mock_server::MockServer::start(pact, accord_mock_server::MockServerConfig::default())
        .await
        .expect("starts");
    Some((mock, pool))
}

#[tokio::test]
async fn the_mock_server_refuses_a_wrong_request_naming_the_field_and_an_unknown_method() {
    let Some((mock, pool)) = area_calculator_mock().await else {
        return;
    };
    let shape = pool
        .get_message_by_name("area_calculator.ShapeMessage")
        .expect("ShapeMessage");
    let square = accord_protobuf::encode(&shape, &json!({"square": {"edge_length": 3.0}})).expect("encodes");
    let wrong =
        tests::grpc_provider::call(&mock.url(), "/area_calculator.Calculator/calculateOne", &square).await;
    assert_eq!(wrong.status, 3, "{wrong:?}");
    assert!(
        wrong.message.contains("calculate rectangle area request") && wrong.message.contains("$.square"),
        "{wrong:?}"
    );
    let unknown =
        tests::grpc_provider::call(&mock.url(), "/area_calculator.Calculator/calculateMany", &square).await;
    assert_eq!(unknown.status, 12, "{unknown:?}");
    assert!(unknown.message.contains("calculateOne"), "{unknown:?}");
    let report = mock.report();
    assert_eq!(report.problems.len(), 2, "{report:?}");
}

#[tokio::test]
async fn grpc_over_tls_verifies_with_the_providers_certificate_trusted_and_only_then() {
    let Some(file) = pact_files().into_iter().next() else {
        return;
    };
    let pact = accord_core::format::read_pact_file(&file).expect("pact");
    let config = accord_mock_server::MockServerConfig {
        tls: true,
        ..accord_mock_server::MockServerConfig::default()
    };
    let mock = accord_mock_server::MockServer::start(pact, config)
        .await
        .expect("a TLS mock");
    let pem = mock.certificate_pem().expect("its certificate").to_owned();
    let protobuf = protobuf_descriptions(&file);
    for trusted in [true, false] {
        let mut config = VerifierConfig::new(mock.url());
        config.grpc_url = Some(mock.url());
        if trusted {
            config.grpc_root_certificates.push(pem.clone());
        }
        let outcome = Verifier::new(config)
            .pact_file(file.clone())
            .run()
            .await
            .expect("runs");
        let grpc = outcome
            .report
            .pacts
            .iter()
            .flat_map(|p| &p.interactions)
            .find(|r| r.kind == "Synchronous/Messages" && protobuf.contains(&r.description))
            .expect("the gRPC call");
        if trusted {
            assert_eq!(grpc.outcome, Outcome::Passed, "{:?}", grpc.outcome);
            assert!(
                grpc.request_line
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("gRPC https://")
            );
        } else {
            assert!(
                matches!(&grpc.outcome, Outcome::Error(m) if m.contains("certificate") || m.contains("Certificate")),
                "{:?}",
                grpc.outcome
            );
        }
    }
}

/// Verifies a one-call gRPC pact with accord's verifier against the faithful provider (which
/// must pass) and the broken one (which must fail).
pub(crate) async fn passes_faithful_fails_broken(file: &PathBuf) {
    for (handler, passes) in [(Arc::new(faithful) as Handler, true), (Arc::new(broken), false)] {
        let pact = accord_core::format::read_pact_file(file).expect("pact");
        let provider = serve(pool_of(&pact), handler).await;
        let mut config = VerifierConfig::new("http://127.0.0.1:9");
        config.grpc_url = Some(provider.url.clone());
        let outcome = Verifier::new(config)
            .pact_file(file.clone())
            .run()
            .await
            .expect("runs");
        let result = &outcome.report.pacts[0].interactions[0];
        assert_eq!(result.outcome == Outcome::Passed, passes, "{:?}", result.outcome);
    }
}

#[tokio::test]
async fn a_tonic_client_calls_the_mock_server_unchanged() {
    let Some((mock, pool)) = area_calculator_mock().await else {
        return;
    };
    let channel = tonic::transport::Channel::from_shared(mock.url())
        .expect("a URI")
        .connect()
        .await
        .expect("tonic connects");
    let mut client = tonic::client::Grpc::new(channel);
    client.ready().await.expect("ready");
    let shape = pool
        .get_message_by_name("area_calculator.ShapeMessage")
        .expect("ShapeMessage");
    let request = accord_protobuf::encode(&shape, &json!({"rectangle": {"length": 3.0, "width": 4.0}}))
        .expect("encodes");
    let path =
        tonic::codegen::http::uri::PathAndQuery::from_static("/area_calculator.Calculator/calculateOne");
    let answer = client
        .unary(tonic::Request::new(request), path.clone(), Raw)
        .await
        .expect("the mock answers tonic");
    let response = pool
        .get_message_by_name("area_calculator.AreaResponse")
        .expect("AreaResponse");
    let decoded = accord_protobuf::decode(&response, answer.get_ref()).expect("decodes");
    assert_eq!(decoded, json!({"value": [12.0]}));
    // A request for another shape is refused with INVALID_ARGUMENT naming the field.
    let square = accord_protobuf::encode(&shape, &json!({"square": {"edge_length": 3.0}})).expect("encodes");
    client.ready().await.expect("ready again");
    let refused = client
        .unary(tonic::Request::new(square), path, Raw)
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
    assert!(refused.message().contains("$.square"), "{refused:?}");
}
