//! The protobuf bodies of a pact's interactions: which interactions carry protobuf, the message
//! each body is, how two bodies compare, and every body decoded for readers of JSON.

use accord_core::{Interaction, Mismatch};
use prost_reflect::MessageDescriptor;
use serde_json::Value;

use crate::call::GrpcCall;
use crate::compare::{Side, compare};
use crate::descriptors::{Descriptors, find_message};
use crate::message::is_protobuf_type;
use crate::{ProtobufError, decode};

/// Whether an interaction has protobuf contents or was written with the protobuf plugin.
pub fn is_protobuf(interaction: &Interaction) -> bool {
    if interaction.info().plugin_config.contains_key("protobuf") {
        return true;
    }
    let protobuf = |body: &accord_core::Body| body.content_type().is_some_and(is_protobuf_type);
    match interaction {
        Interaction::Http(http) => protobuf(&http.request.body) || protobuf(&http.response.body),
        Interaction::AsyncMessage(message) => protobuf(&message.message.contents),
        Interaction::SyncMessage(sync) => {
            protobuf(&sync.request.contents) || sync.response.iter().any(|r| protobuf(&r.contents))
        }
    }
}

/// The message descriptor of a protobuf body of an HTTP interaction or a message: from the
/// descriptors the interaction's plugin configuration names (per `part`, `request` or
/// `response`, or for the whole interaction) and the message its content type (or the
/// configuration) names. `None` when the body is not protobuf.
pub fn body_message(
    info: &accord_core::InteractionInfo,
    part: &str,
    body: &accord_core::Body,
    descriptors: &Descriptors,
) -> Result<Option<MessageDescriptor>, ProtobufError> {
    let Some(content_type) = body.content_type().filter(|ct| is_protobuf_type(ct)) else {
        return Ok(None);
    };
    let config = info.plugin_config.get("protobuf");
    let part_config = config.map(|c| &c[part]);
    let key = part_config
        .and_then(|c| c["descriptorKey"].as_str())
        .or_else(|| config.and_then(|c| c["descriptorKey"].as_str()))
        .ok_or_else(|| ProtobufError::NoDescriptorKey {
            interaction: info.description.clone(),
        })?;
    let pool = descriptors.pool(key)?;
    let name = content_type
        .params
        .iter()
        .find(|(name, _)| name == "message")
        .map(|(_, value)| value.clone())
        .or_else(|| part_config.and_then(|c| c["message"].as_str()).map(str::to_owned))
        .ok_or_else(|| ProtobufError::NoMessageName {
            content_type: content_type.to_string(),
        })?;
    find_message(pool, &name).map(Some)
}

/// An actual protobuf body against the expected one, compared field by field. No body at all
/// reads as an empty message, whose fields all hold their defaults (as proto3 encodes it).
pub fn compare_bodies(
    descriptor: &MessageDescriptor,
    expected: &accord_core::Body,
    actual: &accord_core::Body,
    rules: &accord_core::rules::MatchingRules,
    side: Side,
) -> Vec<Mismatch> {
    compare(descriptor, expected.content(), actual.content(), rules, side)
}

/// Which body of an interaction a [`DecodedBody`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPart {
    /// The HTTP request body or the synchronous message's request contents.
    Request,
    /// The HTTP response body, or the synchronous message's response at this index.
    Response(usize),
    /// The asynchronous message's contents.
    Message,
}

/// One protobuf body of a pact decoded to its message as JSON.
#[derive(Debug, Clone)]
pub struct DecodedBody {
    /// The interaction's index in the pact.
    pub interaction: usize,
    /// Which of its bodies this is.
    pub part: BodyPart,
    /// The decoded message.
    pub value: Value,
}

/// Every protobuf body of `pact` that its descriptors decode, and the gRPC path of each gRPC
/// interaction by description. Bodies that cannot be decoded are left out.
pub fn decoded_bodies(pact: &accord_core::Pact) -> (Vec<DecodedBody>, Vec<(String, String)>) {
    let descriptors = Descriptors::of_pact(pact);
    let mut bodies = Vec::new();
    let mut paths = Vec::new();
    for (index, interaction) in pact.interactions.iter().enumerate() {
        let info = interaction.info();
        let mut push = |part: BodyPart, descriptor: Option<MessageDescriptor>, body: &accord_core::Body| {
            if let Some(descriptor) = descriptor
                && let Ok(value) = decode(&descriptor, body.content())
            {
                bodies.push(DecodedBody {
                    interaction: index,
                    part,
                    value,
                });
            }
        };
        let part = |name: &str, body: &accord_core::Body| {
            body_message(info, name, body, &descriptors).ok().flatten()
        };
        match interaction {
            Interaction::SyncMessage(sync) => {
                if let Ok(Some(call)) = GrpcCall::of(interaction, &descriptors) {
                    paths.push((info.description.clone(), call.path()));
                    push(
                        BodyPart::Request,
                        Some(call.request_message().clone()),
                        &sync.request.contents,
                    );
                    for (k, response) in sync.response.iter().enumerate() {
                        push(
                            BodyPart::Response(k),
                            Some(call.response_message().clone()),
                            &response.contents,
                        );
                    }
                }
            }
            Interaction::Http(http) => {
                push(
                    BodyPart::Request,
                    part("request", &http.request.body),
                    &http.request.body,
                );
                push(
                    BodyPart::Response(0),
                    part("response", &http.response.body),
                    &http.response.body,
                );
            }
            Interaction::AsyncMessage(message) => {
                let contents = &message.message.contents;
                push(BodyPart::Message, part("response", contents), contents);
            }
        }
    }
    (bodies, paths)
}

/// A copy of `pact` whose protobuf bodies are their decoded messages as JSON bodies, and the
/// gRPC path of each gRPC interaction by description: for tools that read bodies as JSON
/// (field usage, documentation). Bodies that cannot be decoded stay as they are.
pub fn readable(pact: &accord_core::Pact) -> (accord_core::Pact, Vec<(String, String)>) {
    let (bodies, paths) = decoded_bodies(pact);
    let mut out = pact.clone();
    for decoded in bodies {
        let Some(interaction) = out.interactions.get_mut(decoded.interaction) else {
            continue;
        };
        let slot = match (interaction, decoded.part) {
            (Interaction::SyncMessage(sync), BodyPart::Request) => Some(&mut sync.request.contents),
            (Interaction::SyncMessage(sync), BodyPart::Response(k)) => {
                sync.response.get_mut(k).map(|r| &mut r.contents)
            }
            (Interaction::Http(http), BodyPart::Request) => Some(&mut http.request.body),
            (Interaction::Http(http), BodyPart::Response(_)) => Some(&mut http.response.body),
            (Interaction::AsyncMessage(message), _) => Some(&mut message.message.contents),
            _ => None,
        };
        if let Some(body) = slot {
            *body = accord_core::Body::bytes(
                decoded.value.to_string().into_bytes(),
                Some(accord_core::ContentType::json()),
            );
        }
    }
    (out, paths)
}
