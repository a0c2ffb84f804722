//! Protobuf interactions, verified without a plugin: gRPC calls replayed against the provider,
//! protobuf bodies of HTTP responses and messages decoded, all judged field by field with the
//! descriptors the pact carries (`accord-protobuf`). A protobuf interaction that cannot be
//! judged is reported as not verifiable, with the reason, never passed.

use accord_core::rules::MatchingRules;
use accord_core::{Body, ContentType, Interaction, Mismatch, MismatchKind};
use accord_protobuf::{
    Descriptors, GrpcCall, MessageDescriptor, Side, body_message, compare_bodies, decode_readable,
    is_protobuf,
};

use crate::grpc::GrpcClient;
use crate::report::{InteractionResult, Outcome};

/// How an interaction is verified.
pub(crate) enum Plan<'a> {
    /// Not protobuf: as any other interaction.
    Plain,
    /// A gRPC call.
    Grpc(Box<GrpcCall<'a>>),
    /// An HTTP interaction or a message whose response or message body is this protobuf
    /// message (`None`: only its request is protobuf, sent as it is).
    Body(Option<Box<MessageDescriptor>>),
    /// Protobuf that cannot be judged, and why.
    Unverifiable(String),
}

/// How `interaction` of a pact with these descriptors is verified.
pub(crate) fn plan<'a>(interaction: &'a Interaction, descriptors: &Descriptors) -> Plan<'a> {
    if !is_protobuf(interaction) {
        return Plan::Plain;
    }
    let info = interaction.info();
    let body = match interaction {
        Interaction::Http(http) => body_message(info, "response", &http.response.body, descriptors),
        Interaction::AsyncMessage(message) => {
            body_message(info, "response", &message.message.contents, descriptors)
        }
        Interaction::SyncMessage(_) => match GrpcCall::of(interaction, descriptors) {
            Ok(Some(call)) => return Plan::Grpc(Box::new(call)),
            Ok(None) => {
                return Plan::Unverifiable(
                    "not verified: a synchronous protobuf message that is not a gRPC call (no \"transport\": \"grpc\" and service) cannot be replayed"
                        .to_owned(),
                );
            }
            Err(e) => Err(e),
        },
    };
    match body {
        Ok(descriptor) => Plan::Body(descriptor.map(Box::new)),
        Err(e) => Plan::Unverifiable(format!("not verified: {e}")),
    }
}

/// A protobuf body decoded as a JSON body, for the report's diff; as it is when it does not
/// decode.
pub(crate) fn readable(descriptor: &MessageDescriptor, body: &Body) -> Body {
    let value = decode_readable(descriptor, body.content());
    Body::bytes(value.to_string().into_bytes(), Some(ContentType::json()))
}

/// Messages decoded as one JSON body for the report's diff: the message itself for a call that
/// answers one, an array of them for a stream.
fn readable_messages(descriptor: &MessageDescriptor, messages: &[&[u8]], stream: bool) -> Body {
    let decoded: Vec<serde_json::Value> = messages
        .iter()
        .map(|bytes| decode_readable(descriptor, bytes))
        .collect();
    let value = match <[serde_json::Value; 1]>::try_from(decoded) {
        Ok([one]) if !stream => one,
        Ok(one) => serde_json::Value::Array(one.into()),
        Err(many) => serde_json::Value::Array(many),
    };
    Body::bytes(value.to_string().into_bytes(), Some(ContentType::json()))
}

/// `mismatches` with the body judged as protobuf instead of as bytes.
pub(crate) fn rejudge_body(
    mut mismatches: Vec<Mismatch>,
    descriptor: &MessageDescriptor,
    (expected, actual): (&Body, &Body),
    rules: &MatchingRules,
) -> Vec<Mismatch> {
    mismatches.retain(|m| !matches!(m.kind, MismatchKind::Body | MismatchKind::BodyType));
    mismatches.extend(compare_bodies(
        descriptor,
        expected,
        actual,
        rules,
        Side::Response,
    ));
    mismatches
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
    let stream = call.kind().streams_responses();
    if call.expected_status().0 == 0 {
        result.expected_body = readable_messages(call.response_message(), &call.expected_messages(), stream);
    }
    let answer = client
        .call(&path, call.request_bytes(), &call.request_metadata())
        .await;
    match answer {
        Ok(answer) => {
            if answer.status == 0 || !answer.messages.is_empty() {
                let messages: Vec<&[u8]> = answer.messages.iter().map(Vec::as_slice).collect();
                result.actual_body = readable_messages(call.response_message(), &messages, stream);
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
