//! The broker's decisions, apart from HTTP and SQL: routes, pages and badges parse a request,
//! call a function here and render what it returns; the functions read and write through
//! `store`.

pub(crate) mod badges;
pub mod cleanup;
pub(crate) mod environments;
pub(crate) mod events;
pub(crate) mod integrations;
pub(crate) mod labels;
pub(crate) mod matrix;
pub(crate) mod names;
pub(crate) mod pact_check;
pub(crate) mod pact_diff;
pub(crate) mod pacticipants;
pub(crate) mod provider_contract;
pub(crate) mod publish;
pub(crate) mod usage;
pub(crate) mod verification;
pub(crate) mod versions;

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
    /// The store failed.
    #[error("database error: {0}")]
    Store(#[from] sqlx::Error),
}

impl DomainError {
    /// An invalid request with one message.
    pub(crate) fn invalid(message: impl Into<String>) -> DomainError {
        DomainError::Invalid(vec![message.into()])
    }
}

/// The result of a domain function.
pub(crate) type DomainResult<T> = Result<T, DomainError>;
