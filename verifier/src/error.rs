//! Errors that stop a verification run before or outside the interactions.

use std::path::PathBuf;

/// A pact source that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A directory could not be listed.
    #[error("cannot read pact directory '{}'", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A URL or the broker could not be reached.
    #[error("cannot reach '{url}'")]
    Http {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The broker answered with an error status.
    #[error("broker answered {status} for '{url}': {body}")]
    BrokerStatus {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// The broker's answer did not have the expected shape.
    #[error("unexpected broker response from '{url}': {problem}")]
    BrokerShape {
        /// The URL.
        url: String,
        /// What is wrong.
        problem: String,
    },
}

/// The provider could not be reached in time.
#[derive(Debug, thiserror::Error)]
#[error("provider at '{url}' did not answer within {seconds} s")]
pub struct ProviderUnavailable {
    /// The provider URL.
    pub url: String,
    /// How long we waited.
    pub seconds: u64,
}
