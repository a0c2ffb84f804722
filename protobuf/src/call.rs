//! A pact interaction as a gRPC call: the service method and its kind (unary or streaming), the
//! request to send, and how to judge what comes back (the response messages, their metadata and
//! the gRPC status).
//!
//! The plugin's format gives a synchronous message one request and a list of responses. A
//! server-streaming call is that: one request, and the stream's messages in order. A
//! client-streaming or bidirectional call is described by the one request the format holds: the
//! client's stream carries that one message.

use accord_core::{Interaction, Mismatch, MismatchKind, SyncMessage};
use prost_reflect::{MessageDescriptor, MethodDescriptor};
use serde_json::Value;

use crate::compare::{Side, compare};
use crate::descriptors::{Descriptors, find_message, find_method};
use crate::grpc::{status_code, status_name};
use crate::{ProtobufError, decode};

/// How a method's messages travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// One request, one response.
    Unary,
    /// One request, a stream of responses.
    ServerStreaming,
    /// A stream of requests, one response.
    ClientStreaming,
    /// Streams both ways.
    Bidirectional,
}

impl CallKind {
    /// The kind of `method`.
    pub fn of(method: &MethodDescriptor) -> CallKind {
        match (method.is_client_streaming(), method.is_server_streaming()) {
            (false, false) => CallKind::Unary,
            (false, true) => CallKind::ServerStreaming,
            (true, false) => CallKind::ClientStreaming,
            (true, true) => CallKind::Bidirectional,
        }
    }

    /// Whether the server answers with a stream of messages.
    pub fn streams_responses(self) -> bool {
        matches!(self, CallKind::ServerStreaming | CallKind::Bidirectional)
    }

    /// How it reads in messages: `unary`, `server-streaming`, ...
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Unary => "unary",
            CallKind::ServerStreaming => "server-streaming",
            CallKind::ClientStreaming => "client-streaming",
            CallKind::Bidirectional => "bidirectional",
        }
    }
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

    /// Whether the call is unary or streams, and which way.
    pub fn kind(&self) -> CallKind {
        CallKind::of(&self.method)
    }

    /// The response messages the consumer expects when the status is OK, encoded, in order: the
    /// first response's for a call that answers one message (no contents reads as the empty
    /// message), every response that has contents for one that answers a stream.
    pub fn expected_messages(&self) -> Vec<&[u8]> {
        let responses = &self.interaction.response;
        if self.kind().streams_responses() {
            responses
                .iter()
                .filter(|r| !matches!(r.contents, accord_core::Body::Missing))
                .map(|r| r.contents.content())
                .collect()
        } else {
            vec![responses.first().map_or(&[][..], |r| r.contents.content())]
        }
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

    /// Judges what the provider answered: its status, its messages (when the status is `OK`)
    /// and its metadata, against the expected responses.
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
        if expected_code == 0 {
            out.extend(self.check_messages(&answer.messages));
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

impl GrpcCall<'_> {
    /// The answered messages against the expected ones, in order, each field by field; a
    /// message too many or too few is named by its place in the stream.
    fn check_messages(&self, actual: &[Vec<u8>]) -> Vec<Mismatch> {
        let expected = self.expected_messages();
        let streams = self.kind().streams_responses();
        let rules = |k: usize| {
            let responses = &self.interaction.response;
            responses
                .iter()
                .filter(|r| !streams || !matches!(r.contents, accord_core::Body::Missing))
                .nth(k)
                .map(|r| &r.matching_rules)
        };
        let empty = accord_core::rules::MatchingRules::default();
        let mut out = Vec::new();
        for (k, (want, got)) in expected.iter().zip(actual).enumerate() {
            let found = compare(
                &self.response,
                want,
                got,
                rules(k).unwrap_or(&empty),
                Side::Response,
            );
            if streams {
                // Each message of a stream is named by its place: `$[1].value`.
                out.extend(found.into_iter().map(|mut m| {
                    m.location = format!("$[{k}]{}", m.location.trim_start_matches('$'));
                    m
                }));
            } else {
                out.extend(found);
            }
        }
        let name = self.response.full_name();
        let (wanted, sent) = (expected.len(), actual.len());
        if wanted != sent {
            let message = match (streams, sent) {
                (true, _) => {
                    format!("expected a stream of {wanted} '{name}' messages but the provider sent {sent}")
                }
                (false, 0) => format!("expected a '{name}' message but the provider sent none"),
                (false, _) => format!(
                    "a {} call answers one '{name}' message but the provider sent {sent}",
                    self.kind().name()
                ),
            };
            // The first message too few or too many, by its place in the stream.
            let location = if !streams && sent == 0 {
                "$".to_owned()
            } else {
                format!("$[{}]", wanted.min(sent))
            };
            out.push(Mismatch::new(MismatchKind::Body, location, "", "", message));
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
    /// The response messages' bytes, in the order they came (one for a unary call).
    pub messages: Vec<Vec<u8>>,
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
