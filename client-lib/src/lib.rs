//! Consumer-side DSL for writing contract tests and pact files.
//!
//! This crate is being built up in its own issue; for now it only re-exports the
//! shared pact model so the workspace layout and dependency rules are in place.

pub use accord_core as core;
