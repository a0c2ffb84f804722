//! Protobuf and gRPC contracts, built in: no plugin, no `protoc`, no downloads.
//!
//! Pacts written with Pact's protobuf plugin carry everything needed to judge them: each
//! interaction's bodies as encoded protobuf (`application/protobuf; message=...`), the compiled
//! descriptors of their `.proto` files in the pact's metadata, and matching rules on the decoded
//! message's fields (`$.rectangle.length`). This crate reads those descriptors
//! ([`Descriptors`]), decodes messages into values ([`decode`]), compares an actual message with
//! the expected one by the pact's rules ([`compare`], mismatches naming the field path and both
//! values decoded), and speaks gRPC's framing and status codes ([`grpc`]).
//!
//! ```no_run
//! # fn demo(pact: &accord_core::Pact) -> Result<(), accord_protobuf::ProtobufError> {
//! let descriptors = accord_protobuf::Descriptors::of_pact(pact);
//! for interaction in &pact.interactions {
//!     if let Some(call) = accord_protobuf::GrpcCall::of(interaction, &descriptors)? {
//!         println!("{} expects {}", call.path(), call.response_message().full_name());
//!     }
//! }
//! # Ok(()) }
//! ```

mod call;
mod compare;
mod compile;
mod descriptors;
mod error;
pub mod grpc;
mod interaction;
mod message;

pub use call::{CallKind, GrpcAnswer, GrpcCall};
pub use compare::{Side, compare, compare_with};
pub use compile::{PLUGIN_FORMAT_VERSION, ProtoSet};
pub use descriptors::Descriptors;
pub use descriptors::find_method;
pub use error::ProtobufError;
pub use interaction::{
    BodyPart, DecodedBody, body_message, compare_bodies, decoded_bodies, is_protobuf, readable,
};
pub use message::{decode, decode_all_fields, decode_readable, encode, message_name};
pub use prost_reflect::{DescriptorPool, MessageDescriptor, MethodDescriptor};
