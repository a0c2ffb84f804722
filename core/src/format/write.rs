//! Writing the model as V3 or V4 pact JSON.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::rules_json::{write_generators, write_matching_rules};
use crate::error::PactWriteError;
use crate::model::{
    Body, Headers, HttpRequest, HttpResponse, Interaction, InteractionInfo, MessageContents, Pact,
    ProviderState, Query, SpecVersion,
};

/// Writes a pact in the given version (V3 or V4).
pub(crate) fn write_pact(pact: &Pact, version: SpecVersion) -> Result<Value, PactWriteError> {
    let unsupported = |reason: &str| PactWriteError::Unsupported {
        consumer: pact.consumer.clone(),
        provider: pact.provider.clone(),
        version,
        reason: reason.to_owned(),
    };
    let mut doc = Map::new();
    doc.insert("consumer".into(), json!({ "name": pact.consumer }));
    doc.insert("provider".into(), json!({ "name": pact.provider }));
    match version {
        SpecVersion::V4 => {
            let list = pact.interactions.iter().map(write_v4_interaction).collect();
            doc.insert("interactions".into(), Value::Array(list));
        }
        SpecVersion::V3 => {
            let mut http = Vec::new();
            let mut messages = Vec::new();
            for interaction in &pact.interactions {
                match interaction {
                    Interaction::Http(i) => {
                        let mut map = info_v3(&i.info);
                        map.insert("request".into(), write_request(&i.request, SpecVersion::V3));
                        map.insert("response".into(), write_response(&i.response, SpecVersion::V3));
                        http.push(Value::Object(map));
                    }
                    Interaction::AsyncMessage(m) => {
                        let mut map = info_v3(&m.info);
                        write_message_into(&mut map, &m.message, SpecVersion::V3);
                        messages.push(Value::Object(map));
                    }
                    Interaction::SyncMessage(_) => {
                        return Err(unsupported("synchronous messages need V4"));
                    }
                }
            }
            if !http.is_empty() && !messages.is_empty() {
                return Err(unsupported(
                    "a V3 pact holds either HTTP interactions or messages, not both",
                ));
            }
            if messages.is_empty() {
                doc.insert("interactions".into(), Value::Array(http));
            } else {
                doc.insert("messages".into(), Value::Array(messages));
            }
        }
        _ => return Err(unsupported("accord writes V3 and V4 only")),
    }
    let mut metadata = pact.metadata.clone();
    metadata.insert(
        "pactSpecification".into(),
        json!({ "version": version.as_metadata_str() }),
    );
    metadata.insert("accord".into(), json!({ "version": env!("CARGO_PKG_VERSION") }));
    if !pact.plugins.is_empty() {
        metadata.insert("plugins".into(), Value::Array(pact.plugins.clone()));
    }
    doc.insert("metadata".into(), Value::Object(metadata));
    Ok(Value::Object(doc))
}

fn states_json(states: &[ProviderState]) -> Value {
    Value::Array(
        states
            .iter()
            .map(|s| {
                let mut map = Map::new();
                map.insert("name".into(), s.name.clone().into());
                if !s.params.is_empty() {
                    map.insert("params".into(), Value::Object(s.params.clone()));
                }
                Value::Object(map)
            })
            .collect(),
    )
}

fn info_v3(info: &InteractionInfo) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("description".into(), info.description.clone().into());
    if !info.provider_states.is_empty() {
        map.insert("providerStates".into(), states_json(&info.provider_states));
    }
    map
}

/// The key an interaction is written with: its own, else a hash of its content.
pub(crate) fn interaction_key(interaction: &Interaction) -> String {
    if let Some(key) = &interaction.info().key {
        return key.clone();
    }
    let mut copy = interaction.clone();
    copy.info_mut().key = Some(String::new());
    let text = write_v4_interaction(&copy).to_string();
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn write_v4_interaction(interaction: &Interaction) -> Value {
    let info = interaction.info();
    let mut map = Map::new();
    map.insert("type".into(), interaction.type_name().into());
    let key = match &info.key {
        Some(key) if !key.is_empty() => Some(key.clone()),
        Some(_) => None,
        None => Some(interaction_key(interaction)),
    };
    if let Some(key) = key {
        map.insert("key".into(), key.into());
    }
    map.insert("description".into(), info.description.clone().into());
    if !info.provider_states.is_empty() {
        map.insert("providerStates".into(), states_json(&info.provider_states));
    }
    map.insert("pending".into(), info.pending.into());
    if !info.comments.is_empty() {
        map.insert("comments".into(), Value::Object(info.comments.clone()));
    }
    if !info.plugin_config.is_empty() {
        map.insert(
            "pluginConfiguration".into(),
            Value::Object(info.plugin_config.clone()),
        );
    }
    if let Some(markup) = &info.interaction_markup {
        map.insert("interactionMarkup".into(), markup.clone());
    }
    match interaction {
        Interaction::Http(http) => {
            if let Some(transport) = &info.transport {
                map.insert("transport".into(), transport.clone().into());
            }
            map.insert("request".into(), write_request(&http.request, SpecVersion::V4));
            map.insert("response".into(), write_response(&http.response, SpecVersion::V4));
        }
        Interaction::AsyncMessage(message) => {
            write_message_into(&mut map, &message.message, SpecVersion::V4);
        }
        Interaction::SyncMessage(sync) => {
            if let Some(transport) = &info.transport {
                map.insert("transport".into(), transport.clone().into());
            }
            let mut request = Map::new();
            write_message_into(&mut request, &sync.request, SpecVersion::V4);
            map.insert("request".into(), Value::Object(request));
            let responses = sync
                .response
                .iter()
                .map(|r| {
                    let mut m = Map::new();
                    write_message_into(&mut m, r, SpecVersion::V4);
                    Value::Object(m)
                })
                .collect();
            map.insert("response".into(), Value::Array(responses));
        }
    }
    Value::Object(map)
}

fn write_message_into(map: &mut Map<String, Value>, message: &MessageContents, version: SpecVersion) {
    let body_category = if version >= SpecVersion::V4 {
        "content"
    } else {
        "body"
    };
    let contents = if version >= SpecVersion::V4 {
        write_v4_body(&message.contents).unwrap_or_else(|| json!({ "content": "" }))
    } else {
        write_bare_body(&message.contents).unwrap_or(Value::String(String::new()))
    };
    map.insert("contents".into(), contents);
    let mut metadata = message.metadata.clone();
    if version < SpecVersion::V4
        && !metadata.keys().any(|k| k.eq_ignore_ascii_case("contentType"))
        && let Some(ct) = message.contents.content_type()
    {
        metadata.insert("contentType".into(), ct.to_string().into());
    }
    map.insert("metadata".into(), Value::Object(metadata));
    if !message.matching_rules.is_empty() {
        map.insert(
            "matchingRules".into(),
            write_matching_rules(&message.matching_rules, body_category),
        );
    }
    if !message.generators.is_empty() {
        map.insert(
            "generators".into(),
            write_generators(&message.generators, body_category),
        );
    }
}

fn write_headers(headers: &Headers, version: SpecVersion) -> Value {
    Value::Object(
        headers
            .iter()
            .map(|(name, values)| {
                let value = if version >= SpecVersion::V4 {
                    Value::Array(values.iter().cloned().map(Value::String).collect())
                } else {
                    Value::String(values.join(", "))
                };
                (name.to_owned(), value)
            })
            .collect(),
    )
}

fn write_query(query: &Query) -> Value {
    Value::Object(
        query
            .iter()
            .map(|(name, values)| {
                (
                    name.to_owned(),
                    Value::Array(values.iter().cloned().map(Value::String).collect()),
                )
            })
            .collect(),
    )
}

fn is_text(body: &Body) -> bool {
    let textual = body.content_type().is_none_or(|ct| ct.is_textual());
    textual && std::str::from_utf8(body.content()).is_ok()
}

fn write_bare_body(body: &Body) -> Option<Value> {
    match body {
        Body::Missing => None,
        Body::Empty => Some(Value::String(String::new())),
        Body::Null => Some(Value::Null),
        Body::Present {
            content,
            content_type,
            ..
        } => {
            if content_type.as_ref().is_none_or(|ct| ct.is_json())
                && let Ok(json) = serde_json::from_slice::<Value>(content)
            {
                return Some(json);
            }
            if is_text(body) {
                Some(Value::String(String::from_utf8_lossy(content).into_owned()))
            } else {
                Some(Value::String(
                    base64::engine::general_purpose::STANDARD.encode(content),
                ))
            }
        }
    }
}

/// Writes a V4 body object; `None` for a missing body.
pub(crate) fn write_v4_body(body: &Body) -> Option<Value> {
    match body {
        Body::Missing => None,
        Body::Null => Some(json!({ "content": null })),
        Body::Empty => Some(json!({ "content": "", "encoded": false })),
        Body::Present {
            content,
            content_type,
            hint,
        } => {
            let mut map = Map::new();
            let ct = content_type
                .clone()
                .unwrap_or_else(|| crate::model::ContentType::detect(content));
            map.insert("contentType".into(), ct.to_string().into());
            let json_value = if ct.is_json() {
                serde_json::from_slice::<Value>(content).ok()
            } else {
                None
            };
            if let Some(json_value) = json_value {
                map.insert("encoded".into(), false.into());
                map.insert("content".into(), json_value);
            } else if is_text(body) && hint.as_deref() != Some("BINARY") {
                map.insert("encoded".into(), false.into());
                map.insert(
                    "content".into(),
                    String::from_utf8_lossy(content).into_owned().into(),
                );
            } else {
                map.insert("encoded".into(), "base64".into());
                map.insert(
                    "content".into(),
                    base64::engine::general_purpose::STANDARD.encode(content).into(),
                );
            }
            if let Some(hint) = hint {
                map.insert("contentTypeHint".into(), hint.clone().into());
            }
            Some(Value::Object(map))
        }
    }
}

/// Writes a request in V3 or V4 form.
pub(crate) fn write_request(request: &HttpRequest, version: SpecVersion) -> Value {
    let mut map = Map::new();
    map.insert("method".into(), request.method.clone().into());
    map.insert("path".into(), request.path.clone().into());
    if let Some(query) = &request.query
        && !query.is_empty()
    {
        map.insert("query".into(), write_query(query));
    }
    if !request.headers.is_empty() {
        map.insert("headers".into(), write_headers(&request.headers, version));
    }
    let body = if version >= SpecVersion::V4 {
        write_v4_body(&request.body)
    } else {
        write_bare_body(&request.body)
    };
    if let Some(body) = body {
        map.insert("body".into(), body);
    }
    if !request.matching_rules.is_empty() {
        map.insert(
            "matchingRules".into(),
            write_matching_rules(&request.matching_rules, "body"),
        );
    }
    if !request.generators.is_empty() {
        map.insert("generators".into(), write_generators(&request.generators, "body"));
    }
    Value::Object(map)
}

/// Writes a response in V3 or V4 form.
pub(crate) fn write_response(response: &HttpResponse, version: SpecVersion) -> Value {
    let mut map = Map::new();
    map.insert("status".into(), response.status.into());
    if !response.headers.is_empty() {
        map.insert("headers".into(), write_headers(&response.headers, version));
    }
    let body = if version >= SpecVersion::V4 {
        write_v4_body(&response.body)
    } else {
        write_bare_body(&response.body)
    };
    if let Some(body) = body {
        map.insert("body".into(), body);
    }
    if !response.matching_rules.is_empty() {
        map.insert(
            "matchingRules".into(),
            write_matching_rules(&response.matching_rules, "body"),
        );
    }
    if !response.generators.is_empty() {
        map.insert(
            "generators".into(),
            write_generators(&response.generators, "body"),
        );
    }
    Value::Object(map)
}
