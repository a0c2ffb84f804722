//! The version-independent pact model: a pact, its interactions, requests, responses and messages.

mod body;
mod content_type;
mod headers;

pub use body::Body;
pub use content_type::ContentType;
pub use headers::{Headers, Query};

use serde_json::{Map, Value};

use crate::generators::Generators;
use crate::rules::MatchingRules;

/// The versions of the Pact specification accord reads; V3 and V4 are also written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// Pact specification 1.0.
    V1,
    /// Pact specification 1.1 (defines missing, empty and null bodies).
    V1_1,
    /// Pact specification 2.0 (flat matching rules).
    V2,
    /// Pact specification 3.0 (rule categories, generators, message pacts).
    V3,
    /// Pact specification 4.0 (mixed interaction kinds in one file).
    V4,
}

impl SpecVersion {
    /// The version string written to `metadata.pactSpecification.version`.
    pub fn as_metadata_str(self) -> &'static str {
        match self {
            SpecVersion::V1 => "1.0.0",
            SpecVersion::V1_1 => "1.1.0",
            SpecVersion::V2 => "2.0.0",
            SpecVersion::V3 => "3.0.0",
            SpecVersion::V4 => "4.0",
        }
    }

    /// Reads a version as it appears in pact metadata (`"3.0.0"`, `"4.0"`, `"v2"`, ...).
    pub fn parse(text: &str) -> Option<SpecVersion> {
        let trimmed = text.trim().trim_start_matches(['v', 'V']);
        let mut parts = trimmed.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next().map(|m| m.parse().unwrap_or(0)).unwrap_or(0);
        match (major, minor) {
            (1, 0) => Some(SpecVersion::V1),
            (1, _) => Some(SpecVersion::V1_1),
            (2, _) => Some(SpecVersion::V2),
            (3, _) => Some(SpecVersion::V3),
            (4, _) => Some(SpecVersion::V4),
            _ => None,
        }
    }
}

impl std::fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            SpecVersion::V1 => "V1",
            SpecVersion::V1_1 => "V1.1",
            SpecVersion::V2 => "V2",
            SpecVersion::V3 => "V3",
            SpecVersion::V4 => "V4",
        };
        f.write_str(text)
    }
}

/// A contract between one consumer and one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Pact {
    /// Name of the consuming application.
    pub consumer: String,
    /// Name of the providing application.
    pub provider: String,
    /// Every interaction, in file order.
    pub interactions: Vec<Interaction>,
    /// The specification version the pact was read from (or is meant to be written as).
    pub spec_version: SpecVersion,
    /// Plugins the pact needs (`metadata.plugins`), kept as written.
    pub plugins: Vec<Value>,
    /// Other metadata entries (writer names and versions, ...), kept as written.
    pub metadata: Map<String, Value>,
}

impl Pact {
    /// Makes every rule with the same regex or date format share one compiled form, so each
    /// distinct pattern is compiled once for the whole pact. The readers do this; call it after
    /// assembling a pact from parts.
    pub fn share_patterns(&mut self) {
        let mut sharing = crate::rules::PatternSharing::default();
        for interaction in &mut self.interactions {
            match interaction {
                Interaction::Http(http) => {
                    sharing.share(&mut http.request.matching_rules);
                    sharing.share(&mut http.response.matching_rules);
                }
                Interaction::AsyncMessage(message) => sharing.share(&mut message.message.matching_rules),
                Interaction::SyncMessage(sync) => {
                    sharing.share(&mut sync.request.matching_rules);
                    for response in &mut sync.response {
                        sharing.share(&mut response.matching_rules);
                    }
                }
            }
        }
    }

    /// An empty pact between `consumer` and `provider`, to be written as V4.
    pub fn new(consumer: impl Into<String>, provider: impl Into<String>) -> Pact {
        Pact {
            consumer: consumer.into(),
            provider: provider.into(),
            interactions: Vec::new(),
            spec_version: SpecVersion::V4,
            plugins: Vec::new(),
            metadata: Map::new(),
        }
    }

    /// The conventional file name for this pact, `<consumer>-<provider>.json`, each name made
    /// safe for a file name (see `file_safe`).
    pub fn file_name(&self) -> String {
        format!("{}-{}.json", file_safe(&self.consumer), file_safe(&self.provider))
    }

    /// The synchronous HTTP interactions of the pact.
    pub fn http_interactions(&self) -> impl Iterator<Item = &HttpInteraction> {
        self.interactions.iter().filter_map(|i| match i {
            Interaction::Http(http) => Some(http),
            _ => None,
        })
    }
}

/// A provider state an interaction needs, with its parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderState {
    /// The state's description, e.g. `"account 42 exists"`.
    pub name: String,
    /// Parameters passed to the state change hook.
    pub params: Map<String, Value>,
}

impl ProviderState {
    /// A state without parameters.
    pub fn new(name: impl Into<String>) -> ProviderState {
        ProviderState {
            name: name.into(),
            params: Map::new(),
        }
    }
}

/// Fields shared by every kind of interaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InteractionInfo {
    /// What the interaction is; unique within a pact.
    pub description: String,
    /// V4 unique key; written pacts always carry one.
    pub key: Option<String>,
    /// Provider states, in order.
    pub provider_states: Vec<ProviderState>,
    /// V4: failures are reported but do not fail verification.
    pub pending: bool,
    /// V4 comments (`text` list, `testname`, ...), kept as written.
    pub comments: Map<String, Value>,
    /// V4 plugin configuration, kept opaque.
    pub plugin_config: Map<String, Value>,
    /// V4 interaction markup, kept opaque.
    pub interaction_markup: Option<Value>,
    /// V4 transport (`"http"`, a plugin transport, ...).
    pub transport: Option<String>,
    /// An identifier a broker attached (`_id`), used when publishing results.
    pub broker_id: Option<String>,
}

impl InteractionInfo {
    /// Info with only a description.
    pub fn new(description: impl Into<String>) -> InteractionInfo {
        InteractionInfo {
            description: description.into(),
            ..InteractionInfo::default()
        }
    }
}

/// One interaction of any of the three kinds.
// Interactions live in a pact's list and are used by reference; boxing the HTTP variant would
// only add an indirection to the common case.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Interaction {
    /// A synchronous HTTP request/response pair.
    Http(HttpInteraction),
    /// An asynchronous message (event) sent by the provider.
    AsyncMessage(AsyncMessage),
    /// A synchronous message exchange: one request, one or more responses.
    SyncMessage(SyncMessage),
}

impl Interaction {
    /// The shared fields of the interaction.
    pub fn info(&self) -> &InteractionInfo {
        match self {
            Interaction::Http(i) => &i.info,
            Interaction::AsyncMessage(i) => &i.info,
            Interaction::SyncMessage(i) => &i.info,
        }
    }

    /// The shared fields of the interaction, mutably.
    pub fn info_mut(&mut self) -> &mut InteractionInfo {
        match self {
            Interaction::Http(i) => &mut i.info,
            Interaction::AsyncMessage(i) => &mut i.info,
            Interaction::SyncMessage(i) => &mut i.info,
        }
    }

    /// The description of the interaction.
    pub fn description(&self) -> &str {
        &self.info().description
    }

    /// The V4 `type` name of the interaction.
    pub fn type_name(&self) -> &'static str {
        match self {
            Interaction::Http(_) => "Synchronous/HTTP",
            Interaction::AsyncMessage(_) => "Asynchronous/Messages",
            Interaction::SyncMessage(_) => "Synchronous/Messages",
        }
    }
}

/// A synchronous HTTP interaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpInteraction {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The request the consumer sends.
    pub request: HttpRequest,
    /// The response the consumer needs.
    pub response: HttpResponse,
}

/// An HTTP request, expected (from a pact) or actual (as received).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// HTTP method, compared case-insensitively.
    pub method: String,
    /// Path, compared exactly.
    pub path: String,
    /// Query parameters; `None` when the pact gives no query.
    pub query: Option<Query>,
    /// Headers with case-insensitive names.
    pub headers: Headers,
    /// The body and its content type.
    pub body: Body,
    /// Matching rules by category.
    pub matching_rules: MatchingRules,
    /// Generators by category.
    pub generators: Generators,
}

impl Default for HttpRequest {
    fn default() -> Self {
        HttpRequest {
            method: "GET".to_owned(),
            path: "/".to_owned(),
            query: None,
            headers: Headers::default(),
            body: Body::Missing,
            matching_rules: MatchingRules::default(),
            generators: Generators::default(),
        }
    }
}

impl HttpRequest {
    /// The content type of the body: the body's own, else the Content-Type header.
    pub fn content_type(&self) -> Option<ContentType> {
        self.body
            .content_type()
            .cloned()
            .or_else(|| self.headers.content_type())
    }
}

/// An HTTP response, expected (from a pact) or actual (as received).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers with case-insensitive names.
    pub headers: Headers,
    /// The body and its content type.
    pub body: Body,
    /// Matching rules by category.
    pub matching_rules: MatchingRules,
    /// Generators by category.
    pub generators: Generators,
}

impl Default for HttpResponse {
    fn default() -> Self {
        HttpResponse {
            status: 200,
            headers: Headers::default(),
            body: Body::Missing,
            matching_rules: MatchingRules::default(),
            generators: Generators::default(),
        }
    }
}

impl HttpResponse {
    /// The content type of the body: the body's own, else the Content-Type header.
    pub fn content_type(&self) -> Option<ContentType> {
        self.body
            .content_type()
            .cloned()
            .or_else(|| self.headers.content_type())
    }
}

/// The contents of one message: payload, metadata, rules and generators.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageContents {
    /// The payload with its content type.
    pub contents: Body,
    /// Message metadata (`contentType`, topic, keys...), values as JSON.
    pub metadata: Map<String, Value>,
    /// Rules: category `body` for the payload, `metadata` for metadata.
    pub matching_rules: MatchingRules,
    /// Generators: category `body` for the payload, `metadata` for metadata.
    pub generators: Generators,
}

impl MessageContents {
    /// The content type of the payload: its own, else the `contentType` metadata entry.
    pub fn content_type(&self) -> Option<ContentType> {
        self.contents.content_type().cloned().or_else(|| {
            self.metadata
                .iter()
                .find(|(k, _)| {
                    k.eq_ignore_ascii_case("contentType") || k.eq_ignore_ascii_case("content-type")
                })
                .and_then(|(_, v)| v.as_str())
                .and_then(ContentType::parse)
        })
    }
}

/// An asynchronous message interaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AsyncMessage {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The message the provider produces.
    pub message: MessageContents,
}

/// A synchronous message interaction (request and one or more responses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncMessage {
    /// Description, states and V4 fields.
    pub info: InteractionInfo,
    /// The request message.
    pub request: MessageContents,
    /// The response messages.
    pub response: Vec<MessageContents>,
}

/// A name as part of a file name: path separators, `:` and control characters become `_`, and
/// a leading `.` too, so no name can point outside the pact directory or hide the file.
fn file_safe(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    out
}
