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
    let fields = match wire_fields(bytes) {
        Ok(fields) => fields,
        Err(Unsplittable::WireType { number, wire }) => {
            return Some((
                path.to_owned(),
                format!("field {number} has the unknown wire type {wire}"),
            ));
        }
        Err(Unsplittable::CutShort) => return None,
    };
    for sent in fields {
        let Some(field) = descriptor.get_field(sent.number) else {
            continue;
        };
        let here = format!("{path}.{}", field.name());
        let wanted = wire_type(&field.kind());
        let packed = field.is_list() && sent.wire == 2 && wanted != 2;
        if sent.wire != wanted && !packed {
            return Some((
                here,
                format!(
                    "sent as {}, but the pact's descriptors say it is {}",
                    wire_name(sent.wire),
                    kind_name(&field.kind())
                ),
            ));
        }
        if let (Kind::Message(inner), 2) = (field.kind(), sent.wire)
            && let Some(found) = wire_problem(&inner, sent.value, &here)
        {
            return Some(found);
        }
    }
    None
}

/// The message for a person to read, even when its bytes are not the message the descriptors
/// describe (a provider whose `.proto` changed): the fields that decode as their types, and each
/// field whose wire type is wrong, or that the descriptors do not know, as what it holds (text
/// when its bytes are UTF-8, the number of a varint or fixed field). Bytes that do not even split
/// into fields read as a note saying so.
pub fn decode_readable(descriptor: &MessageDescriptor, bytes: &[u8]) -> Value {
    if let Ok(value) = decode(descriptor, bytes) {
        return value;
    }
    lenient(descriptor, bytes).unwrap_or_else(|| {
        Value::String(format!(
            "<{} bytes that are not a '{}' message>",
            bytes.len(),
            descriptor.full_name()
        ))
    })
}

/// One field as it came on the wire: its number, wire type, the whole field (key included), and
/// its value's bytes (the varint's value for wire type 0).
struct WireField<'a> {
    number: u32,
    wire: u64,
    whole: &'a [u8],
    value: &'a [u8],
    varint: u64,
}

/// Why bytes do not split into fields.
enum Unsplittable {
    /// A field's key names a wire type protobuf does not have.
    WireType { number: u32, wire: u64 },
    /// The bytes end inside a field.
    CutShort,
}

/// The fields of a message's bytes, in order.
fn wire_fields(bytes: &[u8]) -> Result<Vec<WireField<'_>>, Unsplittable> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let start = rest;
        let key = read_varint(&mut rest).ok_or(Unsplittable::CutShort)?;
        let number = u32::try_from(key >> 3).map_err(|_| Unsplittable::CutShort)?;
        let wire = key & 7;
        let mut varint = 0;
        let value: &[u8] = match wire {
            0 => {
                varint = read_varint(&mut rest).ok_or(Unsplittable::CutShort)?;
                &[]
            }
            1 => take(&mut rest, 8).ok_or(Unsplittable::CutShort)?,
            2 => {
                let length = read_varint(&mut rest).and_then(|l| usize::try_from(l).ok());
                take(&mut rest, length.ok_or(Unsplittable::CutShort)?).ok_or(Unsplittable::CutShort)?
            }
            5 => take(&mut rest, 4).ok_or(Unsplittable::CutShort)?,
            _ => return Err(Unsplittable::WireType { number, wire }),
        };
        let whole = &start[..start.len() - rest.len()];
        out.push(WireField {
            number,
            wire,
            whole,
            value,
            varint,
        });
    }
    Ok(out)
}

/// What a field holds when its type cannot say: text, a number, or a note of its size.
fn raw_value(field: &WireField<'_>) -> Value {
    match field.wire {
        0 => Value::from(field.varint),
        1 => field
            .value
            .try_into()
            .map_or(Value::Null, |b: [u8; 8]| Value::from(u64::from_le_bytes(b))),
        5 => field
            .value
            .try_into()
            .map_or(Value::Null, |b: [u8; 4]| Value::from(u32::from_le_bytes(b))),
        _ => match std::str::from_utf8(field.value) {
            Ok(text) if !text.chars().any(char::is_control) => Value::from(text),
            _ => Value::from(format!("<{} bytes>", field.value.len())),
        },
    }
}

fn lenient(descriptor: &MessageDescriptor, bytes: &[u8]) -> Option<Value> {
    let mut out = serde_json::Map::new();
    // The fields whose wire type fits, each field's occurrences together (a repeated field).
    let mut fitting: Vec<(u32, Vec<u8>)> = Vec::new();
    for field in wire_fields(bytes).ok()? {
        let Some(known) = descriptor.get_field(field.number) else {
            out.insert(field.number.to_string(), raw_value(&field));
            continue;
        };
        let wanted = wire_type(&known.kind());
        let packed = known.is_list() && field.wire == 2 && wanted != 2;
        if field.wire != wanted && !packed {
            out.insert(known.name().to_owned(), raw_value(&field));
            continue;
        }
        match fitting.iter_mut().find(|(n, _)| *n == field.number) {
            Some((_, whole)) => whole.extend_from_slice(field.whole),
            None => fitting.push((field.number, field.whole.to_vec())),
        }
    }
    for (number, whole) in fitting {
        let known = descriptor.get_field(number)?;
        if let Ok(Value::Object(decoded)) = decode(descriptor, &whole) {
            out.extend(decoded);
            continue;
        }
        // A nested message that does not decode: read it the same way.
        let value = match (known.kind(), wire_fields(&whole)) {
            (Kind::Message(inner), Ok(fields)) if !known.is_list() => fields
                .last()
                .map_or(Value::Null, |f| decode_readable(&inner, f.value)),
            _ => Value::from("<does not decode>"),
        };
        out.insert(known.name().to_owned(), value);
    }
    Some(Value::Object(out))
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
        other => {
            let name = format!("{other:?}").to_lowercase();
            let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name}")
        }
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
