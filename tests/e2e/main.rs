//! End-to-end tests: the whole workflow through public interfaces only.

mod broker_contract;
mod graphql;
mod grpc;
mod grpc_consumer;
mod grpc_official;
mod grpc_python;
mod grpc_streaming;
mod interop;
mod interop_pactflow;
mod openapi_agreement;
mod openapi_real_world;
mod pending;
mod tidy;
mod walkthrough_flow;
mod wild_pacts;

/// A scratch directory under the target directory.
pub(crate) fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("e2e-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
