//! A mock provider for consumer contract tests: serves a pact's HTTP interactions and its gRPC
//! calls (unary, over HTTP/2, from the protobuf descriptors the pact carries), records which
//! were matched, and explains every request that was not.
//!
//! The server runs on the caller's tokio runtime (it never creates one) and binds 127.0.0.1 on a
//! free port by default. A request is recorded as matched before its response is sent, so a test
//! that ends right after its last response never sees a false "missing". Unmatched requests get
//! HTTP 500 with a JSON body naming the closest interaction and its mismatches.
//!
//! The `accord-mock-server` binary serves pact files for consumers written in other languages
//! (`serve`) and offers a control API to create and verify mocks over HTTP (`control`).

pub mod control;
mod convert;
mod error;
mod grpc;
mod index;
mod report;
mod server;
mod state;
mod tls;

pub use error::StartError;
pub use report::{MockReport, Problem, RequestSummary};
pub use server::{MockServer, MockServerConfig, Reporter};
