//! A gRPC consumer test with accord's consumer library: the `.proto` file compiled in-process,
//! messages written as JSON with matchers, a real gRPC call to the mock server, and the pact it
//! writes: in the format of Pact's protobuf plugin, verified by accord's verifier against the
//! provider of `e2e/grpc.rs` and by the official verifier with the plugin (when built).

use std::path::PathBuf;

use accord::PactBuilder;
use accord::matchers::like;
use serde_json::json;
use tests::grpc_provider::call;

const PROTO: &str = "grpc-contracts/proto/area_calculator--area_calculator.proto";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn area_pact(dir: &PathBuf, proto: &PathBuf) -> PactBuilder {
    let mut pact = PactBuilder::new("area-dashboard", "area-calculator").output_dir(dir);
    pact.grpc_interaction("the area of a 3 by 4 rectangle", |i| {
        i.proto(proto)
            .method("Calculator/calculateOne")
            .request(json!({"rectangle": {"length": like(3.0), "width": like(4.0)}}))
            .response(json!({"value": [like(12.0)]}));
    });
    pact
}

#[tokio::test]
async fn a_grpc_consumer_test_writes_a_plugin_pact_that_both_verifiers_pass() {
    let Some(proto) = accord_test_support::shared_data(PROTO, "the area calculator .proto") else {
        return;
    };
    let dir = scratch("grpc-consumer");
    let pact = area_pact(&dir, &proto);
    let session = pact.start_mock_server().await.expect("the mock starts");
    let pool = accord_protobuf::ProtoSet::compile(std::slice::from_ref(&proto), &[])
        .expect("compiles")
        .pool;
    let shape = pool
        .get_message_by_name("area_calculator.ShapeMessage")
        .expect("ShapeMessage");
    let request = accord_protobuf::encode(&shape, &json!({"rectangle": {"length": 3.0, "width": 4.0}}))
        .expect("encodes");
    let answer = call(
        &session.url(),
        "/area_calculator.Calculator/calculateOne",
        &request,
    )
    .await;
    assert_eq!(answer.status, 0, "{answer:?}");
    let response = pool
        .get_message_by_name("area_calculator.AreaResponse")
        .expect("AreaResponse");
    let body = answer.body.expect("a response message");
    assert_eq!(
        accord_protobuf::decode(&response, &body).expect("decodes"),
        json!({"value": [12.0]})
    );
    session.finish().expect("the pact is satisfied and written");

    let file = pact.pact_path();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("pact")).expect("json");
    let interaction = &written["interactions"][0];
    assert_eq!(interaction["type"], "Synchronous/Messages");
    assert_eq!(interaction["transport"], "grpc");
    assert_eq!(
        interaction["pluginConfiguration"]["protobuf"]["service"],
        ".area_calculator.Calculator/calculateOne"
    );
    let rules = &interaction["request"]["matchingRules"];
    assert!(
        rules["body"]["$.rectangle.length"].is_object() || rules["content"]["$.rectangle.length"].is_object(),
        "{interaction}"
    );
    assert_eq!(written["metadata"]["plugins"][0]["name"], "protobuf");

    crate::grpc::passes_faithful_fails_broken(&file).await;

    if let (Some(cli), Some(plugins)) = (crate::interop::pact_cli(), crate::grpc_official::plugin_dir()) {
        let (code, output) = crate::grpc_official::official(&cli, &plugins, &file, "faithful");
        assert_eq!(
            code, 0,
            "the official verifier fails accord's gRPC pact:\n{output}"
        );
    }
}

#[tokio::test]
async fn a_proto_file_that_does_not_compile_is_refused_naming_the_place() {
    let dir = scratch("grpc-consumer-bad-proto");
    let proto = dir.join("broken.proto");
    std::fs::write(
        &proto,
        "syntax = \"proto3\";\n\nmessage Shape {\n  float length = 1\n}\n",
    )
    .expect("written");
    let pact = {
        let mut pact = PactBuilder::new("area-dashboard", "area-calculator").output_dir(&dir);
        pact.grpc_interaction("a broken proto", |i| {
            i.proto(&proto).method("Calculator/calculateOne");
        });
        pact
    };
    let error = pact.start_mock_server().await.expect_err("refused").to_string();
    assert!(
        error.contains("broken.proto:5:1") || error.contains("broken.proto:4:"),
        "{error}"
    );
}
