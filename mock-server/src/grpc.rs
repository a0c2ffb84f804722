//! gRPC calls answered from a pact's gRPC interactions over HTTP/2: the request message decoded
//! with the descriptors the pact carries and compared field by field; the declared response
//! message (or, for a server-streaming method, the declared stream of them), metadata and status
//! sent back. A client-streaming or bidirectional call carries the one request message the
//! pact's format declares. An unknown method is `UNIMPLEMENTED`, a
//! request that matches no interaction of its method `INVALID_ARGUMENT`, with a message naming
//! the closest interaction and the field-level mismatches.

use accord_core::{Body, ContentType, Interaction, Mismatch, Pact, SyncMessage};
use accord_protobuf::grpc::{frame, unframe};
use accord_protobuf::{CallKind, Descriptors, GrpcCall, MessageDescriptor, Side, compare_with, decode};
use bytes::Bytes;
use http_body_util::{Either, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::StartError;
use crate::report::{Problem, RequestSummary};
use crate::state::Recorder;

/// A gRPC response body: the message frame, then the trailers that carry the status.
pub(crate) type GrpcBody =
    StreamBody<futures::stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, std::convert::Infallible>>>>;

/// Any response of the mock server: a whole body, or a gRPC one with trailers.
pub(crate) type MockBody = Either<Full<Bytes>, GrpcBody>;

/// One gRPC interaction, resolved against the pact's descriptors.
#[derive(Debug)]
pub(crate) struct GrpcEntry {
    /// `/package.Service/Method`.
    pub(crate) path: String,
    request: MessageDescriptor,
    kind: CallKind,
    /// The request the consumer declared, decoded once.
    expected: serde_json::Value,
    interaction: SyncMessage,
    /// The declared answer, prepared once.
    declared: Declared,
}

/// What a matched call is answered: status, status message, metadata, and the messages when
/// the status is OK.
#[derive(Debug)]
struct Declared {
    status: u32,
    message: String,
    metadata: Vec<(String, String)>,
    messages: Vec<Vec<u8>>,
}

impl GrpcEntry {
    /// The interaction's description.
    pub(crate) fn description(&self) -> &str {
        &self.interaction.info.description
    }
}

/// The pact's gRPC interactions; one that cannot be resolved stops the start, naming it.
pub(crate) fn entries(pact: &Pact) -> Result<Vec<GrpcEntry>, StartError> {
    let descriptors = Descriptors::of_pact(pact);
    let mut out = Vec::new();
    for interaction in &pact.interactions {
        let call = GrpcCall::of(interaction, &descriptors).map_err(|e| StartError::Grpc {
            interaction: interaction.info().description.clone(),
            reason: e.to_string(),
        })?;
        let (Some(call), Interaction::SyncMessage(sync)) = (call, interaction) else {
            continue;
        };
        let unreadable = |e: accord_protobuf::ProtobufError| StartError::Grpc {
            interaction: sync.info.description.clone(),
            reason: format!("its request message: {e}"),
        };
        let expected = decode(call.request_message(), call.request_bytes()).map_err(unreadable)?;
        let (status, message) = call.expected_status();
        let messages = if status == 0 {
            call.expected_messages().into_iter().map(<[u8]>::to_vec).collect()
        } else {
            Vec::new()
        };
        let declared = Declared {
            status,
            message: message.unwrap_or_default(),
            metadata: call.response_metadata(),
            messages,
        };
        out.push(GrpcEntry {
            path: call.path(),
            request: call.request_message().clone(),
            kind: call.kind(),
            expected,
            interaction: sync.clone(),
            declared,
        });
    }
    Ok(out)
}

/// Whether a request is a gRPC call.
pub(crate) fn is_grpc(headers: &hyper::HeaderMap) -> bool {
    headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"))
}

/// A gRPC answer: headers, the messages (none, one, or a stream), and the status in the
/// trailers.
fn respond(
    status: u32,
    message: &str,
    messages: &[Vec<u8>],
    metadata: &[(String, String)],
) -> hyper::Response<MockBody> {
    let mut frames: Vec<Result<Frame<Bytes>, std::convert::Infallible>> = messages
        .iter()
        .map(|bytes| Ok(Frame::data(Bytes::from(frame(bytes)))))
        .collect();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from(status));
    if !message.is_empty() {
        let encoded = percent_encoding::utf8_percent_encode(message, percent_encoding::CONTROLS).to_string();
        if let Ok(value) = HeaderValue::from_str(&encoded) {
            trailers.insert("grpc-message", value);
        }
    }
    frames.push(Ok(Frame::trailers(trailers)));
    let mut response = hyper::Response::new(Either::Right(StreamBody::new(futures::stream::iter(frames))));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    for (name, value) in metadata {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

/// Answers a gRPC call to `path` with the request `body` (framed), from the entries; the
/// recorder counts the entries from `offset`.
pub(crate) fn answer(
    entries: &[GrpcEntry],
    (recorder, offset): (&Recorder, usize),
    path: &str,
    body: &[u8],
    summary: impl FnOnce() -> RequestSummary,
) -> hyper::Response<MockBody> {
    let candidates: Vec<(usize, &GrpcEntry)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.path == path)
        .collect();
    if candidates.is_empty() {
        let known: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        recorder.problem(Problem::Unexpected {
            request: summary(),
            closest: entries.first().map(|e| e.description().to_owned()),
        });
        return respond(
            12,
            &format!(
                "no interaction of the pact calls {path}; it has {}",
                known.join(", ")
            ),
            &[],
            &[],
        );
    }
    let message = match unframe(body) {
        Ok(frames) if frames.len() == 1 => frames.into_iter().next().unwrap_or_default(),
        Ok(frames) => {
            let kind = candidates[0].1.kind;
            let text = match kind {
                CallKind::Unary | CallKind::ServerStreaming => format!(
                    "a {} call takes one request message, {} came",
                    kind.name(),
                    frames.len()
                ),
                CallKind::ClientStreaming | CallKind::Bidirectional => format!(
                    "the pact declares one request message for this {} call (a synchronous message holds one request), {} came",
                    kind.name(),
                    frames.len()
                ),
            };
            return respond(3, &text, &[], &[]);
        }
        Err(e) => return respond(3, &format!("the request is not framed as gRPC: {e}"), &[], &[]),
    };
    let mut closest: Option<(&GrpcEntry, Vec<Mismatch>)> = None;
    for (i, entry) in candidates {
        let rules = &entry.interaction.request.matching_rules;
        let mismatches = compare_with(&entry.request, &entry.expected, &message, rules, Side::Request);
        if mismatches.is_empty() {
            recorder.matched(offset + i);
            let declared = &entry.declared;
            return respond(
                declared.status,
                &declared.message,
                &declared.messages,
                &declared.metadata,
            );
        }
        if closest
            .as_ref()
            .is_none_or(|(_, fewest)| mismatches.len() < fewest.len())
        {
            closest = Some((entry, mismatches));
        }
    }
    let Some((entry, mismatches)) = closest else {
        return respond(13, "no candidate interaction", &[], &[]);
    };
    let listed: Vec<String> = mismatches
        .iter()
        .map(|m| format!("{}: {}", m.location, m.message))
        .collect();
    let text = format!(
        "the request did not match interaction '{}': {}",
        entry.description(),
        listed.join("; ")
    );
    let expected_body = Body::bytes(entry.expected.to_string().into_bytes(), Some(ContentType::json()));
    recorder.problem(Problem::Mismatched {
        request: summary(),
        closest: entry.description().to_owned(),
        expected_body,
        mismatches,
    });
    respond(3, &text, &[], &[])
}
