//! Builders for message interactions (asynchronous events and synchronous request/response
//! messages), and the message a consumer handler receives.

use accord_core::rules::Category;
use accord_core::{InteractionInfo, MessageContents, ProviderState};
use serde_json::{Map, Value};

use super::part::Part;
use crate::integration::extract_text;

/// Builds the contents and metadata of one message.
#[derive(Debug, Default)]
pub struct MessageBuilder {
    part: Part,
    metadata: Map<String, Value>,
}

impl MessageBuilder {
    /// JSON contents that may embed matchers anywhere.
    pub fn json_contents(&mut self, contents: Value) -> &mut Self {
        self.part.json_body(contents);
        self
    }

    /// JSON contents from a value of the caller's own type (through `serde`), compared exactly.
    pub fn json_contents_from<T: serde::Serialize>(&mut self, contents: &T) -> &mut Self {
        self.part.json_body_from(contents);
        self
    }

    /// Text contents of the given content type.
    pub fn contents(&mut self, text: &str, content_type: &str) -> &mut Self {
        self.part.text_body(text, content_type);
        self
    }

    /// Binary contents of the given content type.
    pub fn binary_contents(&mut self, bytes: &[u8], content_type: &str) -> &mut Self {
        self.part.binary_body(bytes, content_type, false);
        self
    }

    /// A metadata entry; the value may be a matcher, or any JSON value (an object or array
    /// that is not a matcher is kept as it is).
    pub fn metadata(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        let plain = match &value {
            Value::Object(map) => !map.keys().any(|k| k.starts_with("pact:")),
            Value::Array(_) => true,
            _ => false,
        };
        if plain {
            self.metadata.insert(key.to_owned(), value);
            return self;
        }
        match extract_text(&value) {
            Ok((text, rule, generator)) => {
                let example = match &value {
                    Value::String(_) | Value::Object(_) => Value::String(text),
                    other => other.clone(),
                };
                self.metadata.insert(key.to_owned(), example);
                if let Some(rule) = rule {
                    self.part.rules.category_mut(Category::Metadata).add(key, rule);
                }
                if let Some(generator) = generator {
                    self.part.generators.add(Category::Metadata, key, generator);
                }
            }
            Err(e) => self.part.fail(e),
        }
        self
    }

    pub(crate) fn build(self) -> Result<MessageContents, String> {
        if let Some(error) = self.part.error {
            return Err(error);
        }
        let mut metadata = self.metadata;
        if let Some(ct) = self.part.body.content_type()
            && !metadata.keys().any(|k| k.eq_ignore_ascii_case("contentType"))
        {
            metadata.insert("contentType".into(), ct.to_string().into());
        }
        Ok(MessageContents {
            contents: self.part.body,
            metadata,
            matching_rules: self.part.rules,
            generators: self.part.generators,
        })
    }
}

/// Description, provider states and V4 fields of a message interaction.
#[derive(Debug)]
pub struct MessageInteractionBuilder {
    pub(crate) info: InteractionInfo,
    pub(crate) message: MessageBuilder,
    pub(crate) responses: Vec<MessageBuilder>,
}

impl MessageInteractionBuilder {
    pub(crate) fn new(description: &str) -> MessageInteractionBuilder {
        MessageInteractionBuilder {
            info: InteractionInfo::new(description),
            message: MessageBuilder::default(),
            responses: Vec::new(),
        }
    }

    /// A provider state the message needs.
    pub fn given(&mut self, state: &str) -> &mut Self {
        self.info.provider_states.push(ProviderState::new(state));
        self
    }

    /// A provider state with parameters.
    pub fn given_with(&mut self, state: &str, params: Value) -> &mut Self {
        self.info.provider_states.push(ProviderState {
            name: state.to_owned(),
            params: params.as_object().cloned().unwrap_or_default(),
        });
        self
    }

    /// Marks the interaction pending.
    pub fn pending(&mut self, pending: bool) -> &mut Self {
        self.info.pending = pending;
        self
    }

    /// Gives the interaction a V4 key, which identifies it across versions of the pact.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.info.key = Some(key.to_owned());
        self
    }

    /// Records the name of the test that declared the interaction.
    pub fn test_name(&mut self, name: &str) -> &mut Self {
        self.info.comments.insert("testname".into(), name.into());
        self
    }

    /// Adds a comment shown by verifiers.
    pub fn comment(&mut self, text: &str) -> &mut Self {
        let list = self
            .info
            .comments
            .entry("text")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(text.into());
        }
        self
    }

    /// Describes the message (the event, or the request of a synchronous exchange).
    pub fn message(&mut self, build: impl FnOnce(&mut MessageBuilder) -> &mut MessageBuilder) -> &mut Self {
        build(&mut self.message);
        self
    }

    /// Adds a response message (synchronous exchanges only; repeat for several).
    pub fn response(&mut self, build: impl FnOnce(&mut MessageBuilder) -> &mut MessageBuilder) -> &mut Self {
        let mut builder = MessageBuilder::default();
        build(&mut builder);
        self.responses.push(builder);
        self
    }
}

/// A message as a consumer handler receives it, with generators applied.
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    contents: Vec<u8>,
    content_type: Option<String>,
    metadata: Map<String, Value>,
}

impl ReceivedMessage {
    pub(crate) fn from_contents(message: &MessageContents) -> ReceivedMessage {
        ReceivedMessage {
            contents: match &message.contents {
                accord_core::Body::Null => b"null".to_vec(),
                other => other.content().to_vec(),
            },
            content_type: message.content_type().map(|c| c.to_string()),
            metadata: message.metadata.clone(),
        }
    }

    /// The raw contents.
    pub fn bytes(&self) -> &[u8] {
        &self.contents
    }

    /// The contents as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.contents).into_owned()
    }

    /// The contents parsed as JSON.
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.contents)
    }

    /// The content type, if known.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The metadata.
    pub fn metadata(&self) -> &Map<String, Value> {
        &self.metadata
    }
}
