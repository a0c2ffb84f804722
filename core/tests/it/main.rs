//! Integration tests of accord-core through its public API.

mod doc_example;
mod format_read;
mod format_write;
mod fuzz;
mod generators;
mod matchers;
mod pact_file_writers;
mod report;
mod spec_cases;
mod usage;

use accord_core::format::{message_from_json, request_from_json, response_from_json};
use accord_core::{HttpRequest, HttpResponse, MessageContents, SpecVersion};
use serde_json::Value;

/// A V4 response fragment.
pub(crate) fn response(value: Value) -> HttpResponse {
    response_from_json(&value, SpecVersion::V4, "test").expect("valid response fragment")
}

/// A V4 request fragment.
pub(crate) fn request(value: Value) -> HttpRequest {
    request_from_json(&value, SpecVersion::V4, "test").expect("valid request fragment")
}

/// A V4 message fragment.
pub(crate) fn message(value: Value) -> MessageContents {
    message_from_json(&value, SpecVersion::V4, "test").expect("valid message fragment")
}
