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
    /// The self-signed certificate or TLS configuration could not be made.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
}
