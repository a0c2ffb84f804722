//! Errors of consumer tests, written for a person reading a failed test: `Debug` (what
//! `.unwrap()` and `?` in a test print) shows the message and every cause as lines, never a
//! structure dump with escaped newlines.

use std::path::PathBuf;

/// A consumer contract test that failed, or could not run.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum ConsumerError {
    /// A matcher value could not be turned into a rule.
    #[error("invalid matcher: {detail}")]
    InvalidMatcher {
        /// What is wrong.
        detail: String,
    },
    /// Interactions were declared wrongly: an example that does not satisfy its own matcher, a
    /// regex or date format that does not compile, a description used twice. Each problem names
    /// the interaction and where in it.
    #[error("{} declaration problem(s); nothing was run or written:\n{}", problems.len(), bullets(problems))]
    Declaration {
        /// One line per problem.
        problems: Vec<String>,
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
    #[error(
        "pact between '{consumer}' and '{provider}' was not satisfied; nothing was written to the pact file\n{report}"
    )]
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

fn bullets(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("  - {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl std::fmt::Debug for ConsumerError {
    /// The message and its causes, one per paragraph: what a failed `.unwrap()` shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            write!(f, "\n\ncaused by: {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}
