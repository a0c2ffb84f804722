//! The broker's decisions, apart from HTTP and SQL: routes, pages and badges parse a request,
//! call a function here and render what it returns; the functions read and write through
//! `store`.

pub(crate) mod matrix;

use crate::error::ApiError;

/// Why the broker cannot answer or do what was asked.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DomainError {
    /// The request is not valid; one message per problem, naming the field at fault.
    #[error("invalid request: {}", .0.join("; "))]
    Invalid(Vec<String>),
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

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> ApiError {
        match error {
            DomainError::Invalid(messages) => ApiError::BadRequest(messages),
            DomainError::Store(e) => ApiError::Internal(e),
        }
    }
}
