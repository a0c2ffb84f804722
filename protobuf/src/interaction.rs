//! A pact interaction as a gRPC call: the service method, the request to send, and how to judge
//! what comes back (the response message, its metadata and the gRPC status).

use accord_core::{Interaction, Mismatch, MismatchKind, SyncMessage};
use prost_reflect::{MessageDescriptor, MethodDescriptor};
use serde_json::Value;

use crate::compare::{Side, compare};
use crate::descriptors::{Descriptors, find_message, find_method};
use crate::grpc::{status_code, status_name};
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

/// A synchronous message interaction over gRPC (`"transport": "grpc"`, or a protobuf service
/// in its plugin configuration), resolved against the pact's descriptors.
#[derive(Debug, Clone)]
pub struct GrpcCall<'a> {
    interaction: &'a SyncMessage,
    method: MethodDescriptor,
    request: MessageDescriptor,
    response: MessageDescriptor,
}

impl<'a> GrpcCall<'a> {
    /// The call an interaction describes; `None` for an interaction that is not a gRPC call.
    pub fn of(
        interaction: &'a Interaction,
        descriptors: &Descriptors,
    ) -> Result<Option<GrpcCall<'a>>, ProtobufError> {
        let Interaction::SyncMessage(sync) = interaction else {
            return Ok(None);
        };
        let info = &sync.info;
        let service = info
            .plugin_config
            .get("protobuf")
            .and_then(|c| c["service"].as_str());
        let grpc = info
            .transport
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("grpc"));
        let Some(service) = service.filter(|_| grpc || info.transport.is_none()) else {
            return Ok(None);
        };
        let pool = descriptors.for_interaction(info)?;
        let method = find_method(pool, service)?;
        let named = |body: &accord_core::Body| -> Option<String> {
            body.content_type().and_then(|ct| {
                ct.params
                    .iter()
                    .find(|(name, _)| name == "message")
                    .map(|(_, value)| value.clone())
            })
        };
        let request = match named(&sync.request.contents) {
            Some(name) => find_message(pool, &name)?,
            None => method.input(),
        };
        let response = match sync.response.first().and_then(|r| named(&r.contents)) {
            Some(name) => find_message(pool, &name)?,
            None => method.output(),
        };
        Ok(Some(GrpcCall {
            interaction: sync,
            method,
            request,
            response,
        }))
    }

    /// The HTTP/2 path of the call: `/area_calculator.Calculator/calculateOne`.
    pub fn path(&self) -> String {
        format!(
            "/{}/{}",
            self.method.parent_service().full_name(),
            self.method.name()
        )
    }

    /// The method.
    pub fn method(&self) -> &MethodDescriptor {
        &self.method
    }

    /// The interaction.
    pub fn interaction(&self) -> &SyncMessage {
        self.interaction
    }

    /// The request message's descriptor.
    pub fn request_message(&self) -> &MessageDescriptor {
        &self.request
    }

    /// The response message's descriptor.
    pub fn response_message(&self) -> &MessageDescriptor {
        &self.response
    }

    /// The encoded request the consumer sent.
    pub fn request_bytes(&self) -> &[u8] {
        self.interaction.request.contents.content()
    }

    /// The request decoded, for reports.
    pub fn request_value(&self) -> Result<Value, ProtobufError> {
        decode(&self.request, self.request_bytes())
    }

    /// Request metadata the consumer sent, as gRPC metadata (`key: value`), without the
    /// content type.
    pub fn request_metadata(&self) -> Vec<(String, String)> {
        metadata_pairs(&self.interaction.request.metadata)
    }

    /// Response metadata the consumer expects, as gRPC metadata, without the content type and
    /// the status entries (`grpc-status`, `grpc-message`).
    pub fn response_metadata(&self) -> Vec<(String, String)> {
        let metadata = self
            .interaction
            .response
            .first()
            .map(|r| metadata_pairs(&r.metadata));
        metadata
            .into_iter()
            .flatten()
            .filter(|(name, _)| !name.starts_with("grpc-"))
            .collect()
    }

    /// The status the consumer expects: `OK` unless the response's metadata names another
    /// (`grpc-status`), with the message it expects (`grpc-message`), if any.
    pub fn expected_status(&self) -> (u32, Option<String>) {
        let metadata = self.interaction.response.first().map(|r| &r.metadata);
        let code = metadata
            .and_then(|m| m.get("grpc-status"))
            .and_then(|v| match v {
                Value::String(s) => status_code(s),
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            })
            .unwrap_or(0);
        let message = metadata
            .and_then(|m| m.get("grpc-message"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        (code, message)
    }

    /// Judges what the provider answered: its status, its message (when the status is `OK`)
    /// and its metadata, against the first expected response.
    pub fn check_response(&self, answer: &GrpcAnswer) -> Vec<Mismatch> {
        let mut out = Vec::new();
        let (expected_code, expected_message) = self.expected_status();
        let named = |code: u32| status_name(code).map_or_else(|| code.to_string(), str::to_owned);
        if answer.status != expected_code {
            let detail = answer
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            out.push(Mismatch::new(
                MismatchKind::Status,
                "grpc-status",
                named(expected_code),
                named(answer.status),
                format!(
                    "expected gRPC status {} but the provider answered {}{detail}",
                    named(expected_code),
                    named(answer.status)
                ),
            ));
            return out;
        }
        if let Some(expected) = expected_message
            && answer.message.as_deref() != Some(expected.as_str())
        {
            out.push(Mismatch::new(
                MismatchKind::Metadata,
                "grpc-message",
                expected.clone(),
                answer.message.clone().unwrap_or_default(),
                format!(
                    "expected the gRPC message '{expected}' but got '{}'",
                    answer.message.as_deref().unwrap_or("")
                ),
            ));
        }
        let Some(expected) = self.interaction.response.first() else {
            return out;
        };
        if expected_code == 0 {
            match &answer.body {
                Some(bytes) => out.extend(compare(
                    &self.response,
                    expected.contents.content(),
                    bytes,
                    &expected.matching_rules,
                    Side::Response,
                )),
                None => out.push(Mismatch::new(
                    MismatchKind::Body,
                    "$",
                    "",
                    "",
                    format!(
                        "expected a '{}' message but the provider sent none",
                        self.response.full_name()
                    ),
                )),
            }
        }
        for (name, value) in self.response_metadata() {
            let actual = answer
                .metadata
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| v.as_str());
            if actual != Some(value.as_str()) {
                out.push(Mismatch::new(
                    MismatchKind::Metadata,
                    name.clone(),
                    value.clone(),
                    actual.unwrap_or_default(),
                    format!(
                        "expected response metadata '{name}' to be '{value}' but it was {}",
                        actual.map_or_else(|| "missing".to_owned(), |a| format!("'{a}'"))
                    ),
                ));
            }
        }
        out
    }
}

/// What a provider answered to a gRPC call.
#[derive(Debug, Clone, Default)]
pub struct GrpcAnswer {
    /// The gRPC status code.
    pub status: u32,
    /// The status message (`grpc-message`), if any.
    pub message: Option<String>,
    /// The response message's bytes, when one came.
    pub body: Option<Vec<u8>>,
    /// Headers and trailers, names lower case.
    pub metadata: Vec<(String, String)>,
}

/// gRPC metadata from a pact's metadata map: strings as they are, other values as JSON;
/// `contentType` (the plugin's own entry) left out.
fn metadata_pairs(metadata: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    metadata
        .iter()
        .filter(|(name, _)| {
            !name.eq_ignore_ascii_case("contentType") && !name.eq_ignore_ascii_case("content-type")
        })
        .map(|(name, value)| {
            let text = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            (name.to_ascii_lowercase(), text)
        })
        .collect()
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
