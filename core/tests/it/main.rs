//! Integration tests of accord-core through its public API.

mod spec_cases;
