//! gRPC interactions: a service method of `.proto` files compiled in-process, its request and
//! response messages written as JSON values with accord's matchers, response metadata and the
//! gRPC status. Written to the pact in the format of Pact's protobuf plugin, so Pact's own tools
//! read it.

use std::path::PathBuf;

use accord_core::model::ContentType;
use accord_core::rules::{Category, DocPath, MatchingRules};
use accord_core::{Body, InteractionInfo, MessageContents, ProviderState, SyncMessage};
use accord_protobuf::{CallKind, MessageDescriptor, ProtoSet, encode, find_method};
use serde_json::{Map, Value, json};

use crate::integration::{Collected, extract};

/// Declares one gRPC call: which method, what the consumer sends, what it expects back.
#[derive(Debug, Default)]
pub struct GrpcInteractionBuilder {
    description: String,
    states: Vec<ProviderState>,
    protos: Vec<PathBuf>,
    includes: Vec<PathBuf>,
    method: Option<String>,
    request: Option<Value>,
    request_metadata: Map<String, Value>,
    responses: Vec<Value>,
    response_metadata: Map<String, Value>,
    status: Option<(String, Option<String>)>,
}

impl GrpcInteractionBuilder {
    pub(crate) fn new(description: &str) -> GrpcInteractionBuilder {
        GrpcInteractionBuilder {
            description: description.to_owned(),
            ..GrpcInteractionBuilder::default()
        }
    }

    /// A provider state the call needs.
    pub fn given(&mut self, state: &str) -> &mut Self {
        self.states.push(ProviderState::new(state));
        self
    }

    /// A `.proto` file that defines the service (repeatable); its folder is searched for imports.
    pub fn proto(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.protos.push(path.into());
        self
    }

    /// Another folder to search for imports.
    pub fn include(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.includes.push(path.into());
        self
    }

    /// The method called: `Service/Method` or `package.Service/Method`.
    pub fn method(&mut self, method: &str) -> &mut Self {
        self.method = Some(method.to_owned());
        self
    }

    /// The request message as JSON (field names as in the `.proto` file), matchers anywhere.
    pub fn request(&mut self, message: Value) -> &mut Self {
        self.request = Some(message);
        self
    }

    /// Request metadata the consumer sends (`authorization`, ...).
    pub fn request_metadata(&mut self, key: &str, value: &str) -> &mut Self {
        self.request_metadata.insert(key.to_owned(), value.into());
        self
    }

    /// The response message as JSON, matchers anywhere. For a server-streaming method, call it
    /// once for each message of the stream, in order.
    pub fn response(&mut self, message: Value) -> &mut Self {
        self.responses.push(message);
        self
    }

    /// Response metadata the consumer relies on.
    pub fn response_metadata(&mut self, key: &str, value: &str) -> &mut Self {
        self.response_metadata.insert(key.to_owned(), value.into());
        self
    }

    /// An error status instead of a response message (`NOT_FOUND`, or its number), with the
    /// message the consumer expects, if any.
    pub fn status(&mut self, status: &str, message: Option<&str>) -> &mut Self {
        self.status = Some((status.to_owned(), message.map(str::to_owned)));
        self
    }

    /// The interaction, and the entry of `metadata.plugins` carrying its descriptors.
    pub(crate) fn build(self) -> Result<(SyncMessage, Value), String> {
        if self.protos.is_empty() {
            return Err("a gRPC interaction needs its .proto file (.proto(path))".to_owned());
        }
        let set = ProtoSet::compile(&self.protos, &self.includes).map_err(|e| e.to_string())?;
        let method_name = self
            .method
            .as_deref()
            .ok_or_else(|| "a gRPC interaction needs its method (.method(\"Service/Method\"))".to_owned())?;
        let method = find_method(&set.pool, method_name).map_err(|e| e.to_string())?;
        let service = format!(".{}/{}", method.parent_service().full_name(), method.name());
        let request = contents(
            &method.input(),
            self.request.as_ref().unwrap_or(&json!({})),
            self.request_metadata,
        )
        .map_err(|e| format!("the request: {e}"))?;
        let kind = CallKind::of(&method);
        if !kind.streams_responses() && self.responses.len() > 1 {
            return Err(format!(
                "{service} is a {} method: it answers one message, and {} responses are declared",
                kind.name(),
                self.responses.len()
            ));
        }
        let mut response_metadata = self.response_metadata;
        let responses = match &self.status {
            Some(_) if !self.responses.is_empty() => {
                return Err(format!(
                    "the call to {service} declares both a response message and an error status; a call answered with an error status carries no message"
                ));
            }
            Some((status, message)) => {
                let code = accord_protobuf::grpc::status_code(status)
                    .ok_or_else(|| format!("'{status}' is not a gRPC status"))?;
                let name = accord_protobuf::grpc::status_name(code).unwrap_or("UNKNOWN");
                response_metadata.insert("grpc-status".into(), name.into());
                if let Some(message) = message {
                    response_metadata.insert("grpc-message".into(), message.clone().into());
                }
                vec![no_message(response_metadata)]
            }
            // A stream may end without a message: the response then carries only the metadata.
            None if kind.streams_responses() && self.responses.is_empty() => {
                vec![no_message(response_metadata)]
            }
            None => {
                let empty = [json!({})];
                let declared = if self.responses.is_empty() {
                    &empty[..]
                } else {
                    &self.responses[..]
                };
                let mut out = Vec::with_capacity(declared.len());
                for (k, message) in declared.iter().enumerate() {
                    // The response metadata travels once, with the first message.
                    let metadata = if k == 0 {
                        std::mem::take(&mut response_metadata)
                    } else {
                        Map::new()
                    };
                    let place = if declared.len() > 1 {
                        format!(" {}", k + 1)
                    } else {
                        String::new()
                    };
                    out.push(
                        contents(&method.output(), message, metadata)
                            .map_err(|e| format!("the response{place}: {e}"))?,
                    );
                }
                out
            }
        };
        let mut info = InteractionInfo::new(&self.description);
        info.provider_states = self.states;
        info.transport = Some("grpc".to_owned());
        info.plugin_config.insert(
            "protobuf".into(),
            json!({"descriptorKey": set.key, "service": service}),
        );
        let interaction = SyncMessage {
            info,
            request,
            response: responses,
        };
        Ok((interaction, set.plugin_entry()))
    }
}

/// A response without a message: its metadata only.
fn no_message(metadata: Map<String, Value>) -> MessageContents {
    MessageContents {
        contents: Body::Missing,
        metadata,
        matching_rules: MatchingRules::default(),
        generators: Default::default(),
    }
}

/// A message's contents as the plugin writes them: the example encoded, its content type naming
/// the message, the matchers' rules on the decoded message's fields.
fn contents(
    descriptor: &MessageDescriptor,
    message: &Value,
    mut metadata: Map<String, Value>,
) -> Result<MessageContents, String> {
    let mut collected = Collected::default();
    let example = extract(message, &DocPath::root(), &mut collected).map_err(|e| e.to_string())?;
    let bytes = encode(descriptor, &example).map_err(|e| e.to_string())?;
    let content_type = format!("application/protobuf; message=.{}", descriptor.full_name());
    metadata.insert(
        "contentType".into(),
        format!("application/protobuf;message=.{}", descriptor.full_name()).into(),
    );
    let mut rules = MatchingRules::default();
    for (key, list) in collected.rules.iter() {
        rules.category_mut(Category::Body).add(key, list.clone());
    }
    Ok(MessageContents {
        contents: Body::Present {
            content: bytes,
            content_type: ContentType::parse(&content_type),
            hint: Some("BINARY".to_owned()),
        },
        metadata,
        matching_rules: rules,
        generators: Default::default(),
    })
}
