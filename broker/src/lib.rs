//! Contract broker web service compatible with the Pact Broker API.
//!
//! This crate is being built up in its own issue; for now it only re-exports the
//! shared pact model so the workspace layout and dependency rules are in place.

pub use accord_core as core;
