//! What a verification run needs to know: the provider, states, filters, output and publishing.

use std::sync::Arc;
use std::time::Duration;

use accord_core::ProviderState;
use futures::future::BoxFuture;
use serde_json::{Map, Value};

/// Whether a state change sets a state up or tears it down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateAction {
    /// Before the interaction.
    Setup,
    /// After the interaction.
    Teardown,
}

impl StateAction {
    /// `setup` or `teardown`, as sent to state change URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            StateAction::Setup => "setup",
            StateAction::Teardown => "teardown",
        }
    }
}

/// A provider state handler registered in code: returns values for ProviderState generators.
pub type StateHandler = Arc<
    dyn Fn(ProviderState, StateAction) -> BoxFuture<'static, Result<Map<String, Value>, String>>
        + Send
        + Sync,
>;

/// A message produced by the provider for a message interaction.
#[derive(Debug, Clone, Default)]
pub struct ProducedMessage {
    /// The contents.
    pub contents: Vec<u8>,
    /// Their content type (defaults to JSON).
    pub content_type: Option<String>,
    /// Metadata.
    pub metadata: Map<String, Value>,
}

/// A message producer registered in code: description and states in, message out.
pub type MessageHandler = Arc<
    dyn Fn(String, Vec<ProviderState>) -> BoxFuture<'static, Result<ProducedMessage, String>> + Send + Sync,
>;

/// How provider states are set up.
#[derive(Clone, Default)]
pub struct StateConfig {
    /// URL that receives state change calls.
    pub url: Option<String>,
    /// Also call the URL after each interaction with `action: teardown`.
    pub teardown: bool,
    /// Send the state as query parameters instead of a JSON body.
    pub as_query: bool,
    /// A handler in code, used instead of the URL.
    pub handler: Option<StateHandler>,
}

impl std::fmt::Debug for StateConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateConfig")
            .field("url", &self.url)
            .field("teardown", &self.teardown)
            .field("as_query", &self.as_query)
            .field("handler", &self.handler.is_some())
            .finish()
    }
}

/// Which interactions to verify.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only these consumers (empty: all).
    pub consumers: Vec<String>,
    /// Only interactions whose description matches.
    pub description: Option<String>,
    /// Only interactions with a state matching.
    pub state: Option<String>,
    /// Only interactions without provider states.
    pub no_state: bool,
}

/// Publishing results to a broker.
#[derive(Debug, Clone, Default)]
pub struct PublishConfig {
    /// The provider version verified.
    pub provider_version: String,
    /// The provider version's branch.
    pub provider_branch: Option<String>,
    /// Tags for the provider version.
    pub provider_tags: Vec<String>,
    /// The CI build URL.
    pub build_url: Option<String>,
}

/// Everything a verification run needs besides its pact sources.
#[derive(Clone)]
pub struct VerifierConfig {
    /// Base URL of the provider, e.g. `http://127.0.0.1:8080`.
    pub provider_base_url: String,
    /// URL for message interactions (defaults to the provider base URL).
    pub message_url: Option<String>,
    /// Where gRPC interactions are sent (`http://host:port`, HTTP/2 without TLS, or
    /// `https://...`); defaults to the provider base URL.
    pub grpc_url: Option<String>,
    /// Certificates (PEM) trusted for gRPC over TLS besides the web's roots: a provider's
    /// self-signed or internal CA certificate.
    pub grpc_root_certificates: Vec<String>,
    /// Message producers in code, used instead of HTTP.
    pub message_handler: Option<MessageHandler>,
    /// Provider state set-up.
    pub states: StateConfig,
    /// Headers added to every request sent to the provider.
    pub headers: Vec<(String, String)>,
    /// Timeout of each request to the provider or the state URL.
    pub request_timeout: Duration,
    /// Which interactions to verify.
    pub filters: Filters,
    /// Publish results when set.
    pub publish: Option<PublishConfig>,
    /// How many interactions may run at once (interactions sharing a state never overlap).
    pub parallel: usize,
}

impl std::fmt::Debug for VerifierConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierConfig")
            .field("provider_base_url", &self.provider_base_url)
            .field("message_url", &self.message_url)
            .field("grpc_url", &self.grpc_url)
            .field("states", &self.states)
            .field("headers", &self.headers)
            .field("request_timeout", &self.request_timeout)
            .field("filters", &self.filters)
            .field("publish", &self.publish)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl VerifierConfig {
    /// Settings for a provider at `base_url` with defaults for everything else.
    pub fn new(base_url: impl Into<String>) -> VerifierConfig {
        VerifierConfig {
            provider_base_url: base_url.into(),
            message_url: None,
            grpc_url: None,
            grpc_root_certificates: Vec::new(),
            message_handler: None,
            states: StateConfig::default(),
            headers: Vec::new(),
            request_timeout: Duration::from_secs(5),
            filters: Filters::default(),
            publish: None,
            parallel: 1,
        }
    }
}
