//! Protobuf bytes as values: the message decoded with its descriptor and written in the proto3
//! JSON mapping with the `.proto` field names (`edge_length`, as a pact's rules name them),
//! enums by name, 64-bit integers as numbers, and well-known types (`Timestamp`, `Struct`,
//! wrappers) in their JSON forms.

use accord_core::model::ContentType;
use prost_reflect::{DynamicMessage, MessageDescriptor, ReflectMessage, SerializeOptions};
use serde_json::Value;

use crate::ProtobufError;

/// The message a protobuf content type names (`application/protobuf; message=.pkg.Shape`).
pub fn message_name(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("message")).then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// Whether a content type is protobuf (`application/protobuf`, `application/x-protobuf`,
/// `application/grpc`...).
pub(crate) fn is_protobuf_type(content_type: &ContentType) -> bool {
    let essence = content_type.essence();
    essence.ends_with("protobuf") || essence.starts_with("application/grpc")
}

fn options(all_fields: bool) -> SerializeOptions {
    SerializeOptions::new()
        .skip_default_fields(!all_fields)
        .use_proto_field_name(true)
        .stringify_64_bit_integers(false)
}

fn to_value(message: &DynamicMessage, all_fields: bool) -> Result<Value, ProtobufError> {
    message
        .serialize_with_options(serde_json::value::Serializer, &options(all_fields))
        .map_err(|e| ProtobufError::Decode {
            message: message.descriptor().full_name().to_owned(),
            reason: e.to_string(),
        })
}

fn decode_message(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<DynamicMessage, ProtobufError> {
    DynamicMessage::decode(descriptor.clone(), bytes).map_err(|e| ProtobufError::Decode {
        message: descriptor.full_name().to_owned(),
        reason: e.to_string(),
    })
}

/// The message as its fields were sent (fields holding their default value are left out, as
/// proto3 leaves them out of the bytes).
pub fn decode(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<Value, ProtobufError> {
    to_value(&decode_message(descriptor, bytes)?, false)
}

/// The message with every field, those not sent at their default value (a field the sender
/// left out because it held its default reads as that default).
pub fn decode_all_fields(descriptor: &MessageDescriptor, bytes: &[u8]) -> Result<Value, ProtobufError> {
    to_value(&decode_message(descriptor, bytes)?, true)
}
