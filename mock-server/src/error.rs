//! Errors from starting a mock server.

/// A mock server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {address}")]
    Bind {
        /// The address asked for.
        address: String,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
}
