//! Pact files on disk and on the wire: reading every version, writing V3 and V4.
//! This is the only module that knows how specification versions differ in JSON.

mod ctx;
mod legacy;
mod read;
mod rules_json;
mod write;

use std::path::Path;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{PactReadError, PactWriteError};
use crate::model::{HttpRequest, HttpResponse, Interaction, MessageContents, Pact, SpecVersion};

/// Parses pact JSON text; `source_name` (a file name or URL) is used in errors.
/// A leading UTF-8 byte-order mark is ignored.
pub fn parse_pact(text: &str, source_name: &str) -> Result<Pact, PactReadError> {
    let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The interaction lists are read one interaction at a time, so the JSON tree of a large
    // pact never exists whole. Text that is not a JSON object takes the ordinary path, which
    // names what is wrong with it.
    if let Ok(top) = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(stripped) {
        let mut map = serde_json::Map::new();
        for (key, raw) in &top {
            if key != "interactions" && key != "messages" {
                let value: Value = serde_json::from_str(raw.get()).map_err(|e| PactReadError::Invalid {
                    source_name: source_name.to_owned(),
                    json_path: format!("$.{key}"),
                    message: e.to_string(),
                })?;
                map.insert(key.clone(), value);
            }
        }
        return read::read_pact_with(&map, source_name, |key| {
            top.get(key).map(|raw| {
                serde_json::from_str::<Vec<&RawValue>>(raw.get())
                    .map(read::Items::Raw)
                    .map_err(|_| ())
            })
        });
    }
    let value = parse_json(text, source_name)?;
    parse_pact_value(&value, source_name)
}

/// Reads a pact from an already parsed JSON document.
pub fn parse_pact_value(value: &Value, source_name: &str) -> Result<Pact, PactReadError> {
    read::read_pact(value, source_name)
}

/// Reads and parses a pact file.
pub fn read_pact_file(path: impl AsRef<Path>) -> Result<Pact, PactReadError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| PactReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| PactReadError::Invalid {
        source_name: name.clone(),
        json_path: "$".to_owned(),
        message: format!("file is not UTF-8 text: {e}"),
    })?;
    parse_pact(&text, &name)
}

/// Parses JSON text, tolerating a byte-order mark and naming the source in errors.
pub fn parse_json(text: &str, source_name: &str) -> Result<Value, PactReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| PactReadError::Json {
        source_name: source_name.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Reads a single request as written in a pact of the given version.
pub fn request_from_json(
    value: &Value,
    version: SpecVersion,
    source_name: &str,
) -> Result<HttpRequest, PactReadError> {
    read::read_request(value, version, &ctx::Ctx::root(source_name))
}

/// Reads a single response as written in a pact of the given version.
pub fn response_from_json(
    value: &Value,
    version: SpecVersion,
    source_name: &str,
) -> Result<HttpResponse, PactReadError> {
    read::read_response(value, version, &ctx::Ctx::root(source_name))
}

/// Reads a single message (contents, metadata, rules) as written in a pact of the given version.
pub fn message_from_json(
    value: &Value,
    version: SpecVersion,
    source_name: &str,
) -> Result<MessageContents, PactReadError> {
    read::read_message_contents(value, version, &ctx::Ctx::root(source_name))
}

/// Reads one matcher object (`{"match": "regex", "regex": ...}`, legacy forms too).
pub fn matcher_from_json(
    value: &serde_json::Map<String, Value>,
    source_name: &str,
) -> Result<crate::rules::MatchingRule, PactReadError> {
    rules_json::read_matcher(value, &ctx::Ctx::root(source_name))
}

/// Writes one matcher in its pact JSON form.
pub fn matcher_to_json(rule: &crate::rules::MatchingRule) -> Value {
    rules_json::write_matcher(rule)
}

/// Writes a pact as JSON in V3 or V4.
pub fn pact_to_json(pact: &Pact, version: SpecVersion) -> Result<Value, PactWriteError> {
    write::write_pact(pact, version)
}

/// Writes a pact as pretty-printed JSON text in V3 or V4.
pub fn pact_to_string(pact: &Pact, version: SpecVersion) -> Result<String, PactWriteError> {
    let value = write::write_pact(pact, version)?;
    Ok(serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string()))
}

/// Writes a request in V4 form (for reports and APIs).
pub fn request_to_json(request: &HttpRequest) -> Value {
    write::write_request(request, SpecVersion::V4)
}

/// Writes a response in V4 form (for reports and APIs).
pub fn response_to_json(response: &HttpResponse) -> Value {
    write::write_response(response, SpecVersion::V4)
}

/// The V4 key of an interaction: its own, else a stable hash of its content.
pub fn interaction_key(interaction: &Interaction) -> String {
    write::interaction_key(interaction)
}
