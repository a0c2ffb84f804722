//! Protobuf interactions, verified without a plugin: gRPC calls replayed against the provider
//! and judged field by field with the descriptors the pact carries (`accord-protobuf`). Every
//! other protobuf interaction is reported as not verifiable, with the reason, never passed.

use accord_core::{Body, ContentType, Interaction};
use accord_protobuf::{Descriptors, GrpcCall, decode, is_protobuf};

use crate::grpc::GrpcClient;
use crate::report::{InteractionResult, Outcome};

/// How an interaction is verified.
pub(crate) enum Plan<'a> {
    /// Not protobuf: as any other interaction.
    Plain,
    /// A gRPC call.
    Grpc(Box<GrpcCall<'a>>),
    /// Protobuf that cannot be judged, and why.
    Unverifiable(String),
}

/// How `interaction` of a pact with these descriptors is verified.
pub(crate) fn plan<'a>(interaction: &'a Interaction, descriptors: &Descriptors) -> Plan<'a> {
    if !is_protobuf(interaction) {
        return Plan::Plain;
    }
    match GrpcCall::of(interaction, descriptors) {
        Ok(Some(call)) => Plan::Grpc(Box::new(call)),
        Err(e) => Plan::Unverifiable(format!("not verified: {e}")),
        Ok(None) => Plan::Unverifiable(
            "not verified: accord verifies protobuf in gRPC calls; protobuf bodies over HTTP and in asynchronous messages are not verified yet"
                .to_owned(),
        ),
    }
}

/// A decoded message as a JSON body, for the report's diff.
fn shown(call: &GrpcCall<'_>, bytes: &[u8], response: bool) -> Body {
    let descriptor = if response {
        call.response_message()
    } else {
        call.request_message()
    };
    match decode(descriptor, bytes) {
        Ok(value) => Body::bytes(value.to_string().into_bytes(), Some(ContentType::json())),
        Err(_) => Body::bytes(bytes.to_vec(), Some(ContentType::binary())),
    }
}

/// Sends the call to the provider and records what it answered and how it compares.
/// `unreachable` is set when the provider cannot be reached at all.
pub(crate) async fn call_provider(
    client: &GrpcClient,
    unreachable: &std::sync::atomic::AtomicBool,
    call: &GrpcCall<'_>,
    result: &mut InteractionResult,
) {
    let path = call.path();
    result.request_line = Some(format!("gRPC {}", client.url_for(&path)));
    if let Some(expected) = call.interaction().response.first() {
        result.expected_body = shown(call, expected.contents.content(), true);
    }
    let answer = client
        .call(&path, call.request_bytes(), &call.request_metadata())
        .await;
    match answer {
        Ok(answer) => {
            if let Some(bytes) = &answer.body {
                result.actual_body = shown(call, bytes, true);
            }
            let mismatches = call.check_response(&answer);
            if !mismatches.is_empty() {
                result.outcome = Outcome::Failed(mismatches);
            }
        }
        Err(failure) => {
            if failure.connection {
                unreachable.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            result.outcome = Outcome::Error(failure.message);
        }
    }
}
