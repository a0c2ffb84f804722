//! Errors of consumer tests.

use std::path::PathBuf;

/// A consumer contract test that failed, or could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConsumerError {
    /// A matcher value could not be turned into a rule.
    #[error("invalid matcher: {detail}")]
    InvalidMatcher {
        /// What is wrong.
        detail: String,
    },
    /// The mock server could not start.
    #[error("cannot start the mock server for '{provider}'")]
    MockServer {
        /// The provider being mocked.
        provider: String,
        /// Why.
        #[source]
        source: accord_mock_server::StartError,
    },
    /// The runtime for a blocking test could not be built.
    #[error("cannot start a runtime for the blocking mock server")]
    Runtime(#[source] std::io::Error),
    /// The consumer's requests did not match the pact; nothing was written.
    #[error("pact between '{consumer}' and '{provider}' was not satisfied; no pact file written\n{report}")]
    Mismatches {
        /// Consumer name.
        consumer: String,
        /// Provider name.
        provider: String,
        /// The mock server's report: mismatched, unexpected and missing requests.
        report: String,
    },
    /// A message handler rejected the message; nothing was written.
    #[error("message handler failed for '{description}': {reason}")]
    Handler {
        /// The message interaction.
        description: String,
        /// What the handler returned.
        reason: String,
    },
    /// No message interaction with this description was declared.
    #[error("no message interaction named '{0}' was declared")]
    UnknownMessage(String),
    /// The pact file could not be written or merged.
    #[error("cannot write the pact to '{}'", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: accord_core::pact_file::PactFileError,
    },
}
