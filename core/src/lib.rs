//! The shared vocabulary of accord: the pact model, reading and writing pact files, matching
//! rules, generators, and mismatches rendered as readable reports.
//!
//! This crate does no network IO and starts no runtime; the mock server, verifier and broker
//! build on it. It reads pact files of every specification version (V1 to V4) and writes V3 and
//! V4.
//!
//! ```
//! use accord_core::{format, matching};
//!
//! let pact = format::parse_pact(r#"{
//!   "consumer": {"name": "web"}, "provider": {"name": "accounts"},
//!   "interactions": [{"description": "get account", "request": {"method": "GET", "path": "/accounts/42"},
//!     "response": {"status": 200, "body": {"id": 42}}}],
//!   "metadata": {"pactSpecification": {"version": "2.0.0"}}
//! }"#, "example.json").expect("a valid pact");
//! let interaction = pact.http_interactions().next().expect("one interaction");
//! let mut actual = interaction.request.clone();
//! actual.path = "/accounts/43".to_owned();
//! let mismatches = matching::match_request(&interaction.request, &actual);
//! assert_eq!(mismatches[0].message, "Expected path '/accounts/42' but was '/accounts/43'");
//! ```

mod error;
pub mod format;
pub mod generators;
mod java_time;
pub mod matching;
pub mod mismatch;
pub mod model;
pub mod pact_file;
pub mod report;
pub mod rules;
pub mod usage;

pub use error::{PactReadError, PactWriteError};
pub use mismatch::{Mismatch, MismatchKind};
pub use model::{
    AsyncMessage, Body, ContentType, Headers, HttpInteraction, HttpRequest, HttpResponse, Interaction,
    InteractionInfo, MessageContents, Pact, ProviderState, Query, SpecVersion, SyncMessage,
};
