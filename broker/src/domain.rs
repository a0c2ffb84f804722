//! The broker's decisions, apart from HTTP and SQL: routes, pages and badges parse a request,
//! call a function here and render what it returns; the functions read and write through
//! `store`.

pub(crate) mod badges;
pub(crate) mod board;
pub(crate) mod can_i_deploy;
pub mod cleanup;
pub(crate) mod environments;
pub(crate) mod estate;
pub(crate) mod events;
pub(crate) mod integrations;
pub(crate) mod labels;
pub(crate) mod matrix;
pub(crate) mod names;
pub(crate) mod network;
pub(crate) mod pact_check;
pub(crate) mod pact_diff;
pub(crate) mod pacticipants;
pub(crate) mod pacts;
pub(crate) mod pages;
pub(crate) mod provider_contract;
pub(crate) mod publish;
pub(crate) mod results;
pub(crate) mod revisions;
pub(crate) mod usage;
pub(crate) mod verification;
pub(crate) mod versions;
pub(crate) mod webhooks;

/// Whether the database answers (for the dependencies check).
pub(crate) async fn database_answers(db: &crate::db::Db) -> Result<(), sqlx::Error> {
    crate::store::ping(db.pool()).await.map(drop)
}

/// Why the broker cannot answer or do what was asked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DomainError {
    /// The request is not valid; one message per problem, naming the field at fault.
    #[error("invalid request: {}", .0.join("; "))]
    Invalid(Vec<String>),
    /// A first publication under names very close to existing ones; one message each.
    #[error("similar names: {}", .0.join("; "))]
    SimilarNames(Vec<String>),
    /// Different content for a pact already published for this consumer version.
    #[error("the pact for {consumer} version {version} and provider {provider} has different content")]
    ContentChanged {
        /// The consumer.
        consumer: String,
        /// The consumer version.
        version: String,
        /// The provider.
        provider: String,
        /// What differs.
        diff: String,
    },
    /// What the request names does not exist (`pacticipant 'web'`).
    #[error("not found: {0}")]
    NotFound(String),
    /// Something the broker just stored, or that a stored row refers to, is not there.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
    /// The store failed.
    #[error("database error: {0}")]
    Store(#[from] sqlx::Error),
}

/// The broker's own base URL, for the links it writes into webhook requests
/// (`${pactbroker.pactUrl}`): set by configuration, never taken from a request.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl(pub(crate) String);

impl BaseUrl {
    /// An absolute URL for a path.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

/// Percent-encodes a name for a path segment (`orders api` → `orders%20api`).
pub(crate) fn segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2D", "-")
        .replace("%2E", ".")
        .replace("%5F", "_")
        .replace("%7E", "~")
}

/// The rules the broker's configuration sets for writes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Policy {
    /// Different content for an existing consumer version replaces it (otherwise a conflict).
    pub(crate) allow_overwrite: bool,
    /// A first publication under a name very close to an existing one is accepted.
    pub(crate) allow_similar_names: bool,
    /// A just-created version without a branch takes its first tag as its branch.
    pub(crate) first_tag_as_branch: bool,
}

impl DomainError {
    /// An invalid request with one message.
    pub(crate) fn invalid(message: impl Into<String>) -> DomainError {
        DomainError::Invalid(vec![message.into()])
    }
}

/// The result of a domain function.
pub(crate) type DomainResult<T> = Result<T, DomainError>;
