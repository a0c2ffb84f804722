//! Shared harness for the end-to-end tests: fresh databases for the broker, and the harness that
//! verifies the official broker client's contract against accord-broker.

/// A fresh SQLite database URL under `dir`.
pub fn sqlite_url(dir: &std::path::Path, name: &str) -> String {
    accord_test_support::sqlite_url(dir, name)
}

/// Every backend to test: SQLite always, PostgreSQL when reachable (a recorded skip otherwise,
/// a failure under `CI=true`).
pub async fn backends(dir: &std::path::Path, name: &str) -> Vec<String> {
    accord_test_support::backends(dir, &format!("e2e-{name}")).await
}

pub mod broker_contract;
pub mod graphql_provider;
pub mod grpc_provider;
