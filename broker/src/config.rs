//! Broker settings, parsed once at start-up from flags and `ACCORD_BROKER_` environment variables.

use std::net::SocketAddr;

/// A credential accepted by the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// HTTP basic user and password.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// A bearer token.
    Token(String),
}

/// Who may do what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthConfig {
    /// May read and write.
    pub read_write: Vec<Credential>,
    /// May read (and ask for pacts for verification).
    pub read_only: Vec<Credential>,
    /// Anyone may read without credentials.
    pub public_read: bool,
    /// Anyone may fetch status badges (for READMEs) without credentials.
    pub public_badges: bool,
}

impl AuthConfig {
    /// Whether any credential is configured.
    pub fn enabled(&self) -> bool {
        !self.read_write.is_empty() || !self.read_only.is_empty()
    }
}

/// Which webhooks may be created and where they may be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookPolicy {
    /// URL schemes a webhook may use (default: `https`).
    pub schemes: Vec<String>,
    /// HTTP methods a webhook may use (default: `POST`).
    pub methods: Vec<String>,
    /// Host names or addresses (`*.domain` for subdomains) webhooks may call; empty means any
    /// public host. Loopback, private and link-local addresses are reached only through a host
    /// listed here.
    pub hosts: Vec<String>,
}

impl Default for WebhookPolicy {
    /// The reference broker's defaults: HTTPS and POST to any host; accord also refuses
    /// internal addresses unless their host is listed.
    fn default() -> WebhookPolicy {
        WebhookPolicy {
            schemes: vec!["https".to_owned()],
            methods: vec!["POST".to_owned()],
            hosts: Vec::new(),
        }
    }
}

impl WebhookPolicy {
    /// For a broker whose webhooks call services on the same machine: HTTP or HTTPS to the
    /// loopback addresses.
    pub fn loopback() -> WebhookPolicy {
        WebhookPolicy {
            schemes: vec!["http".to_owned(), "https".to_owned()],
            hosts: vec!["127.0.0.1".to_owned(), "localhost".to_owned(), "::1".to_owned()],
            ..WebhookPolicy::default()
        }
    }
}

/// Calls one webhook may make per minute unless configured otherwise: enough for a consumer
/// publishing to a hundred providers at once, few enough that a webhook re-triggering itself
/// stays a trickle.
pub const DEFAULT_WEBHOOK_CALLS_PER_MINUTE: u32 = 120;

/// Everything the broker needs to run.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// `sqlite://file.db` or `postgres://...`.
    pub database_url: String,
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Public base URL(s) used in links, separated by spaces or commas when several (the one
    /// matching the request's host is used); defaults to what the request and its
    /// `X-Forwarded-*` headers say.
    pub base_url: Option<String>,
    /// Credentials.
    pub auth: AuthConfig,
    /// Build links from `X-Forwarded-*` headers (only behind a proxy that sets them; anyone can
    /// send them otherwise).
    pub trust_forwarded_headers: bool,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Accept different content for an existing consumer version (otherwise 409).
    pub allow_overwrite: bool,
    /// Accept a first publication under a name very similar to an existing pacticipant's
    /// (otherwise 409, to catch "accounts" vs "Accounts Service").
    pub allow_similar_names: bool,
    /// For clients that only tag: a just-created version's first tag also becomes its branch.
    pub first_tag_as_branch: bool,
    /// Where webhooks may go.
    pub webhooks: WebhookPolicy,
    /// Waits between webhook attempts; one attempt more than there are delays.
    pub webhook_retry_delays: Vec<std::time::Duration>,
    /// Calls one webhook may make in a window; deliveries beyond wait for the window to move,
    /// so a webhook whose target triggers it again cannot flood either side. `None`: no limit.
    pub webhook_rate_limit: Option<RateLimit>,
}

/// At most `calls` in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed in a window.
    pub calls: u32,
    /// The window.
    pub per: std::time::Duration,
}

impl RateLimit {
    /// `calls` per minute.
    pub fn per_minute(calls: u32) -> RateLimit {
        RateLimit {
            calls,
            per: std::time::Duration::from_secs(60),
        }
    }
}

impl BrokerConfig {
    /// The rules these settings give the domain's writes.
    pub(crate) fn policy(&self) -> crate::domain::Policy {
        crate::domain::Policy {
            allow_overwrite: self.allow_overwrite,
            allow_similar_names: self.allow_similar_names,
            first_tag_as_branch: self.first_tag_as_branch,
        }
    }

    /// Defaults: a local SQLite file, loopback, no auth, 10 MiB bodies.
    pub fn new(database_url: impl Into<String>) -> BrokerConfig {
        BrokerConfig {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 9292)),
            base_url: None,
            auth: AuthConfig::default(),
            trust_forwarded_headers: false,
            body_limit: 10 * 1024 * 1024,
            allow_overwrite: false,
            allow_similar_names: false,
            first_tag_as_branch: true,
            webhooks: WebhookPolicy::default(),
            webhook_retry_delays: [10, 60, 120, 300, 600, 1200]
                .iter()
                .map(|s| std::time::Duration::from_secs(*s))
                .collect(),
            webhook_rate_limit: Some(RateLimit::per_minute(DEFAULT_WEBHOOK_CALLS_PER_MINUTE)),
        }
    }
}
