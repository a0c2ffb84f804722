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
    /// A gRPC interaction of the pact cannot be served: its descriptors or method are missing.
    #[error("cannot serve the gRPC interaction '{interaction}': {reason}")]
    Grpc {
        /// The interaction's description.
        interaction: String,
        /// Why.
        reason: String,
    },
}
