//! Protobuf bytes as values: the message decoded with its descriptor and written in the proto3
//! JSON mapping with the `.proto` field names (`edge_length`, as a pact's rules name them),
//! enums by name, 64-bit integers as numbers, and well-known types (`Timestamp`, `Struct`,
//! wrappers) in their JSON forms.

use accord_core::model::ContentType;
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage, SerializeOptions};
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

/// Where bytes that do not decode as `descriptor` go wrong, as a field path and what is wrong
/// (`$.location`, "sent as a varint, but the descriptors say it is a message"): the first field
/// whose wire type is not the one its type needs, looking into nested messages.
pub(crate) fn wire_problem(
    descriptor: &MessageDescriptor,
    bytes: &[u8],
    path: &str,
) -> Option<(String, String)> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let key = read_varint(&mut rest)?;
        let (number, wire) = (u32::try_from(key >> 3).ok()?, key & 7);
        let value: &[u8] = match wire {
            0 => {
                read_varint(&mut rest)?;
                &[]
            }
            1 => take(&mut rest, 8)?,
            2 => {
                let length = usize::try_from(read_varint(&mut rest)?).ok()?;
                take(&mut rest, length)?
            }
            5 => take(&mut rest, 4)?,
            _ => {
                return Some((
                    path.to_owned(),
                    format!("field {number} has the unknown wire type {wire}"),
                ));
            }
        };
        let Some(field) = descriptor.get_field(number) else {
            continue;
        };
        let here = format!("{path}.{}", field.name());
        let wanted = wire_type(&field.kind());
        let packed = field.is_list() && wire == 2 && wanted != 2;
        if wire != wanted && !packed {
            return Some((
                here,
                format!(
                    "sent as {}, but the pact's descriptors say it is {}",
                    wire_name(wire),
                    kind_name(&field.kind())
                ),
            ));
        }
        if let (Kind::Message(inner), 2) = (field.kind(), wire)
            && let Some(found) = wire_problem(&inner, value, &here)
        {
            return Some(found);
        }
    }
    None
}

fn read_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if bytes.len() < n {
        return None;
    }
    let (head, tail) = bytes.split_at(n);
    *bytes = tail;
    Some(head)
}

fn wire_type(kind: &Kind) -> u64 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::String | Kind::Bytes | Kind::Message(_) => 2,
        _ => 0,
    }
}

fn wire_name(wire: u64) -> &'static str {
    match wire {
        0 => "a varint",
        1 => "8 fixed bytes",
        2 => "length-delimited bytes",
        _ => "4 fixed bytes",
    }
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Message(message) => format!("a message ({})", message.full_name()),
        Kind::Enum(enumeration) => format!("an enum ({})", enumeration.full_name()),
        other => format!("a {other:?}").to_lowercase(),
    }
}

/// A message written from its JSON form (proto or JSON field names, enums by name), encoded.
pub fn encode(descriptor: &MessageDescriptor, value: &Value) -> Result<Vec<u8>, ProtobufError> {
    let text = value.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let message = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer).map_err(|e| {
        ProtobufError::Encode {
            message: descriptor.full_name().to_owned(),
            reason: e.to_string(),
        }
    })?;
    Ok(prost::Message::encode_to_vec(&message))
}
