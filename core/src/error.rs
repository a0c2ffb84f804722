//! Errors from reading and writing pact files.

use std::path::PathBuf;

/// A pact file or fragment that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PactReadError {
    /// The file could not be opened or read.
    #[error("cannot read pact file '{}'", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON.
    #[error("pact '{source_name}' is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// File name or other description of where the text came from.
        source_name: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The JSON does not have the shape of a pact.
    #[error("pact '{source_name}' is invalid at {json_path}: {message}")]
    Invalid {
        /// File name or other description of where the JSON came from.
        source_name: String,
        /// JSON path of the problem, e.g. `$.interactions[2].request.method`.
        json_path: String,
        /// What is wrong.
        message: String,
    },
}

impl PactReadError {
    /// The JSON path of the problem, for shape errors.
    pub fn json_path(&self) -> Option<&str> {
        match self {
            PactReadError::Invalid { json_path, .. } => Some(json_path),
            _ => None,
        }
    }
}

/// A pact that cannot be written in the requested specification version.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PactWriteError {
    /// The pact holds something the version cannot express.
    #[error("pact between '{consumer}' and '{provider}' cannot be written as {version}: {reason}")]
    Unsupported {
        /// Consumer name.
        consumer: String,
        /// Provider name.
        provider: String,
        /// The requested version.
        version: crate::SpecVersion,
        /// Why.
        reason: String,
    },
}
