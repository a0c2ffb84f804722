//! Streaming gRPC methods, end to end: a consumer test declares a server-streaming call (one
//! request, a stream of responses), a client-streaming call and a bidirectional one (each with
//! the one request message a synchronous message holds); a real tonic client calls the mock
//! server for each; the pact written is verified by accord's verifier against a provider that
//! streams as declared (it passes) and one that drops a message of the stream and changes a
//! field (it fails, naming the message's place and the field).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord::PactBuilder;
use accord::matchers::like;
use accord_verifier::{Outcome, Verifier, VerifierConfig};
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor};
use serde_json::{Value, json};
use tests::grpc_provider::{StreamAnswer, StreamHandler, output, serve_streams};
use tonic::codegen::http::uri::PathAndQuery;

use accord_test_support::tonic_raw::Raw;

const PROTO: &str = r#"syntax = "proto3";
package stock;

message WatchRequest { string sku = 1; }
message Level { string sku = 1; int32 quantity = 2; }
message Summary { int32 count = 1; int32 total = 2; }

service Stock {
  rpc Get(WatchRequest) returns (Level);
  rpc Watch(WatchRequest) returns (stream Level);
  rpc Record(stream Level) returns (Summary);
  rpc Exchange(stream Level) returns (stream Level);
}
"#;

fn proto(dir: &Path) -> PathBuf {
    let path = dir.join("stock.proto");
    std::fs::write(&path, PROTO).expect("the .proto is written");
    path
}

fn stock_pact(dir: &Path, proto: &Path) -> PactBuilder {
    let mut pact = PactBuilder::new("stock-dashboard", "stock-service").output_dir(dir);
    pact.grpc_interaction("the levels of A-1 as they change", |i| {
        i.proto(proto)
            .method("Stock/Watch")
            .request(json!({"sku": "A-1"}))
            .response(json!({"sku": "A-1", "quantity": like(5)}))
            .response(json!({"sku": "A-1", "quantity": like(4)}))
            .response(json!({"sku": "A-1", "quantity": like(3)}));
    })
    .grpc_interaction("one level recorded", |i| {
        i.proto(proto)
            .method("Stock/Record")
            .request(json!({"sku": "A-1", "quantity": like(2)}))
            .response(json!({"count": 1, "total": like(2)}));
    })
    .grpc_interaction("a level exchanged for the current ones", |i| {
        i.proto(proto)
            .method("Stock/Exchange")
            .request(json!({"sku": "A-1", "quantity": like(2)}))
            .response(json!({"sku": "A-1", "quantity": like(7)}))
            .response(json!({"sku": "A-1", "quantity": like(9)}));
    });
    pact
}

fn pool(proto: &Path) -> DescriptorPool {
    accord_protobuf::ProtoSet::compile(&[proto.to_path_buf()], &[])
        .expect("the .proto compiles")
        .pool
}

fn encode(pool: &DescriptorPool, message: &str, value: Value) -> Vec<u8> {
    let descriptor = pool.get_message_by_name(message).expect("the message");
    accord_protobuf::encode(&descriptor, &value).expect("encodes")
}

fn decode(pool: &DescriptorPool, message: &str, bytes: &[u8]) -> Value {
    let descriptor = pool.get_message_by_name(message).expect("the message");
    accord_protobuf::decode(&descriptor, bytes).expect("decodes")
}

async fn client(url: String) -> tonic::client::Grpc<tonic::transport::Channel> {
    let channel = tonic::transport::Channel::from_shared(url)
        .expect("a URI")
        .connect()
        .await
        .expect("tonic connects");
    let mut client = tonic::client::Grpc::new(channel);
    client.ready().await.expect("ready");
    client
}

async fn drain(mut stream: tonic::Streaming<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(message) = stream.message().await.expect("the stream reads") {
        out.push(message);
    }
    out
}

/// The stock service as declared: three levels for a watch, a summary of one recorded level,
/// two levels for an exchange. `broken` drops the last level of a watch and answers an exchange
/// for another product.
fn stock(broken: bool) -> StreamHandler {
    Arc::new(
        move |method: &MethodDescriptor, _request: &DynamicMessage| -> StreamAnswer {
            let level = |sku: &str, quantity: i32| {
                prost::Message::encode_to_vec(&output(method, &json!({"sku": sku, "quantity": quantity})))
            };
            match method.name() {
                "Watch" if broken => Ok(vec![level("A-1", 8), level("A-1", 6)]),
                "Watch" => Ok(vec![level("A-1", 8), level("A-1", 6), level("A-1", 1)]),
                "Record" => Ok(vec![prost::Message::encode_to_vec(&output(
                    method,
                    &json!({"count": 1, "total": 2}),
                ))]),
                "Exchange" if broken => Ok(vec![level("B-2", 7), level("A-1", 9)]),
                "Exchange" => Ok(vec![level("A-1", 7), level("A-1", 9)]),
                other => Err((12, format!("{other} is not implemented"))),
            }
        },
    )
}

#[tokio::test]
async fn streaming_calls_are_served_to_tonic_and_verified_message_by_message() {
    let dir = crate::scratch("grpc-streaming");
    let proto = proto(&dir);
    let pool = pool(&proto);
    let pact = stock_pact(&dir, &proto);
    let session = pact.start_mock_server().await.expect("the mock starts");
    let mut tonic = client(session.url()).await;

    let watch = tonic
        .server_streaming(
            tonic::Request::new(encode(&pool, "stock.WatchRequest", json!({"sku": "A-1"}))),
            PathAndQuery::from_static("/stock.Stock/Watch"),
            Raw,
        )
        .await
        .expect("the mock answers the watch");
    let levels: Vec<Value> = drain(watch.into_inner())
        .await
        .iter()
        .map(|m| decode(&pool, "stock.Level", m))
        .collect();
    assert_eq!(
        levels,
        vec![
            json!({"sku": "A-1", "quantity": 5}),
            json!({"sku": "A-1", "quantity": 4}),
            json!({"sku": "A-1", "quantity": 3}),
        ]
    );

    tonic.ready().await.expect("ready");
    let level = encode(&pool, "stock.Level", json!({"sku": "A-1", "quantity": 2}));
    let summary = tonic
        .client_streaming(
            tonic::Request::new(futures::stream::iter(vec![level.clone()])),
            PathAndQuery::from_static("/stock.Stock/Record"),
            Raw,
        )
        .await
        .expect("the mock answers the recording");
    assert_eq!(
        decode(&pool, "stock.Summary", summary.get_ref()),
        json!({"count": 1, "total": 2})
    );

    tonic.ready().await.expect("ready");
    let exchanged = tonic
        .streaming(
            tonic::Request::new(futures::stream::iter(vec![level.clone()])),
            PathAndQuery::from_static("/stock.Stock/Exchange"),
            Raw,
        )
        .await
        .expect("the mock answers the exchange");
    assert_eq!(drain(exchanged.into_inner()).await.len(), 2);

    drop(tonic);
    session
        .finish()
        .expect("every call was made, the pact is written");

    // A client stream of two messages is more than the pact declares, and is told so.
    let session = pact.start_mock_server().await.expect("the mock starts again");
    let mut tonic = client(session.url()).await;
    let refused = tonic
        .client_streaming(
            tonic::Request::new(futures::stream::iter(vec![level.clone(), level])),
            PathAndQuery::from_static("/stock.Stock/Record"),
            Raw,
        )
        .await
        .expect_err("two messages are refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
    assert!(
        refused.message().contains("one request message") && refused.message().contains("2 came"),
        "{refused:?}"
    );
    drop(tonic);
    let unsatisfied = session
        .finish()
        .expect_err("the refused call fails the session")
        .to_string();
    assert!(unsatisfied.contains("one level recorded"), "{unsatisfied}");

    let file = pact.pact_path();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("pact")).expect("json");
    let watch = written["interactions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["description"] == "the levels of A-1 as they change")
        .expect("the watch is written");
    let responses = watch["response"].as_array().expect("responses");
    assert_eq!(responses.len(), 3, "one response per message of the stream");

    let (passed, failed) = (
        verify(&file, &pool, false).await,
        verify(&file, &pool, true).await,
    );
    for (description, outcome) in &passed {
        assert_eq!(*outcome, Outcome::Passed, "{description}: {outcome:?}");
    }
    let failure = |description: &str| match failed.iter().find(|(d, _)| d == description) {
        Some((_, Outcome::Failed(mismatches))) => mismatches.clone(),
        other => panic!("{description} should fail: {other:?}"),
    };
    let watch = failure("the levels of A-1 as they change");
    assert!(
        watch.iter().any(|m| m.location == "$[2]"
            && m.message.contains("a stream of 3")
            && m.message.contains("sent 2")),
        "{watch:?}"
    );
    let exchange = failure("a level exchanged for the current ones");
    assert!(exchange.iter().any(|m| m.location == "$[0].sku"), "{exchange:?}");
    assert!(
        failed
            .iter()
            .any(|(d, o)| d == "one level recorded" && *o == Outcome::Passed),
        "the unchanged call still passes: {failed:?}"
    );
}

async fn verify(file: &Path, pool: &DescriptorPool, broken: bool) -> Vec<(String, Outcome)> {
    let provider = serve_streams(pool.clone(), stock(broken)).await;
    let mut config = VerifierConfig::new("http://127.0.0.1:9");
    config.grpc_url = Some(provider.url.clone());
    let outcome = Verifier::new(config)
        .pact_file(file.to_path_buf())
        .run()
        .await
        .expect("the verification runs");
    outcome.report.pacts[0]
        .interactions
        .iter()
        .map(|r| (r.description.clone(), r.outcome.clone()))
        .collect()
}

#[tokio::test]
async fn a_unary_method_with_two_responses_is_refused_naming_the_method() {
    let dir = crate::scratch("grpc-streaming-unary");
    let proto = proto(&dir);
    let mut pact = PactBuilder::new("stock-dashboard", "stock-service").output_dir(&dir);
    pact.grpc_interaction("two answers to one question", |i| {
        i.proto(&proto)
            .method("Stock/Get")
            .request(json!({"sku": "A-1"}))
            .response(json!({"sku": "A-1"}))
            .response(json!({"sku": "A-1"}));
    });
    let error = pact.start_mock_server().await.expect_err("refused").to_string();
    assert!(
        error.contains(".stock.Stock/Get") && error.contains("unary") && error.contains("2 responses"),
        "{error}"
    );
}
