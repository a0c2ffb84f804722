//! Consumer-side contract testing, compatible with Pact.
//!
//! Declare what your client sends and what it needs back, run your real client code against a
//! mock provider, and get a pact file (`target/pacts/<consumer>-<provider>.json` by default, or
//! `PACT_OUTPUT_DIR`) that the provider verifies.
//!
//! ```no_run
//! use accord::matchers::{each_like, integer, like, regex};
//! use accord::PactBuilder;
//! use serde_json::json;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let mut pact = PactBuilder::new("investment-manager", "accounts");
//! pact.interaction("get account 42", |i| {
//!     i.given_with("account exists", json!({"id": 42}))
//!         .request(|r| r.get().path(regex("/accounts/\\d+", "/accounts/42")))
//!         .response(|r| {
//!             r.status(200).json_body(json!({
//!                 "id": integer(42),
//!                 "owner": like("ann"),
//!                 "tags": each_like("retail"),
//!             }))
//!         });
//! });
//! let server = pact.start_mock_server().await?;
//! // ... call your real client with server.url() ...
//! server.finish()?; // fails listing every mismatch; writes the pact on success
//! # Ok(()) }
//! ```
//!
//! The library never creates an async runtime on its own: `start_mock_server` runs on the
//! caller's tokio runtime; `start_mock_server_blocking` (for tests without one) runs the server
//! on a thread with a runtime made for it. Message pacts hand the declared message to the
//! consumer's real handler with [`PactBuilder::verify_message`].

mod builder;
mod config;
mod declaration;
mod error;
mod failures;
mod integration;
pub mod matchers;
mod multipart;
mod session;
pub mod xml;

pub use accord_core::rules::StatusClass;
pub use accord_mock_server::{MockReport, MockServerConfig};
pub use builder::{
    GraphqlInteractionBuilder, GrpcInteractionBuilder, InteractionBuilder, MessageBuilder,
    MessageInteractionBuilder, PactBuilder, ReceivedMessage, RequestBuilder, ResponseBuilder,
};
pub use error::ConsumerError;
pub use multipart::MultipartPart;
pub use serde_json::json;
pub use session::MockSession;
