//! A gRPC example in two parts, as two teams would own them:
//!
//! - the **inventory** service ([`provider`]): a tonic server answering `inventory.Inventory`,
//!   in its current version and in a next version whose `.proto` turned an item's `quantity`
//!   from a number into text;
//! - the **stock dashboard**'s client of it ([`client`]), and the dashboard's contract tests
//!   ([`contract`]), written with accord against the `.proto` file and run against the real
//!   client, which write the pact the inventory service is verified against.

pub mod client;
pub mod contract;
pub mod provider;

/// The code tonic generates from `proto/inventory.proto`, the service as it is.
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/v1/inventory.rs"));
}

/// The code tonic generates from `proto/v2/inventory.proto`: the next version, whose `quantity`
/// is text.
#[allow(missing_docs, unreachable_pub, missing_debug_implementations, clippy::all)]
pub mod proto_v2 {
    include!(concat!(env!("OUT_DIR"), "/v2/inventory.rs"));
}

/// Where the `.proto` file of the service as it is lives, for contract tests.
pub fn proto_file() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proto/inventory.proto")
}
