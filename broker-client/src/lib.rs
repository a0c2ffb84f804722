//! The Pact Broker API as accord's tools speak it, defined once: the broker server reads its
//! requests with these types, and its client commands and the verifier write them and read the
//! answers with them.
//!
//! - [`wire`]: the request and answer bodies (pacts for verification, verification results,
//!   publishing contracts, can-i-deploy).
//! - [`BrokerClient`]: a small HAL client for one broker: credentials, relative links resolved
//!   against the configured base URL, relations followed from the index.

mod client;
pub mod wire;

pub use client::{Auth, BrokerClient, ClientError, expand};
