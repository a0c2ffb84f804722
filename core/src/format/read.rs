//! Reading pact JSON of every version (V1 to V4) into the model.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::ctx::Ctx;
use super::rules_json::{read_generators, read_matching_rules};
use crate::error::PactReadError;
use crate::model::{
    AsyncMessage, Body, ContentType, Headers, HttpInteraction, HttpRequest, HttpResponse, Interaction,
    InteractionInfo, MessageContents, Pact, ProviderState, Query, SpecVersion, SyncMessage,
};

fn object<'v>(value: &'v Value, ctx: &Ctx<'_>) -> Result<&'v Map<String, Value>, PactReadError> {
    value.as_object().ok_or_else(|| ctx.invalid("expected an object"))
}

/// Reads the specification version from pact metadata, accepting the legacy spellings.
pub(crate) fn spec_version_of(doc: &Map<String, Value>) -> Option<SpecVersion> {
    let metadata = doc.get("metadata").and_then(Value::as_object)?;
    let candidates = [
        "pactSpecification",
        "pact-specification",
        "pactSpecificationVersion",
    ];
    for key in candidates {
        match metadata.get(key) {
            Some(Value::Object(spec)) => {
                if let Some(v) = spec.get("version").and_then(Value::as_str) {
                    return SpecVersion::parse(v);
                }
            }
            Some(Value::String(v)) => return SpecVersion::parse(v),
            _ => {}
        }
    }
    None
}

/// Reads a whole pact document.
/// One interaction list of a pact document: already parsed, or raw JSON parsed one item at a
/// time, so the JSON tree of a large pact never exists whole.
pub(crate) enum Items<'a> {
    /// Items of a parsed document.
    Parsed(&'a [Value]),
    /// Items still as text.
    Raw(Vec<&'a serde_json::value::RawValue>),
}

impl Items<'_> {
    fn for_each(
        &self,
        ctx: &Ctx<'_>,
        key: &str,
        mut f: impl FnMut(&Value, &Ctx<'_>) -> Result<(), PactReadError>,
    ) -> Result<(), PactReadError> {
        match self {
            Items::Parsed(list) => {
                for (i, item) in list.iter().enumerate() {
                    f(item, &ctx.index(key, i))?;
                }
            }
            Items::Raw(list) => {
                for (i, raw) in list.iter().enumerate() {
                    let ictx = ctx.index(key, i);
                    let item: Value =
                        serde_json::from_str(raw.get()).map_err(|e| ictx.invalid(e.to_string()))?;
                    f(&item, &ictx)?;
                }
            }
        }
        Ok(())
    }
}

/// What a document holds under a list key: nothing, something that is not a list, or items.
pub(crate) type ListLookup<'a> = Option<Result<Items<'a>, ()>>;

pub(crate) fn read_pact(doc: &Value, source: &str) -> Result<Pact, PactReadError> {
    let ctx = Ctx::root(source);
    let map = object(doc, &ctx)?;
    read_pact_with(map, source, |key| {
        map.get(key)
            .map(|v| v.as_array().map(|a| Items::Parsed(a)).ok_or(()))
    })
}

/// Reads a pact from its top-level fields (`map`, without the interaction lists) and its
/// interaction lists (`lists`, by key).
pub(crate) fn read_pact_with<'a>(
    map: &Map<String, Value>,
    source: &str,
    lists: impl Fn(&str) -> ListLookup<'a>,
) -> Result<Pact, PactReadError> {
    let ctx = Ctx::root(source);
    let name_of = |key: &str| -> Result<String, PactReadError> {
        let pctx = ctx.key(key);
        let party = map
            .get(key)
            .ok_or_else(|| pctx.invalid(format!("missing '{key}'")))?;
        party
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| pctx.key("name").invalid("expected the name as a string"))
    };
    let consumer = name_of("consumer")?;
    let provider = name_of("provider")?;
    let version = spec_version_of(map).unwrap_or(SpecVersion::V3);
    let mut interactions = Vec::new();
    let list = |key: &str| -> Result<Option<Items<'a>>, PactReadError> {
        match lists(key) {
            None => Ok(None),
            Some(Ok(items)) => Ok(Some(items)),
            Some(Err(())) => Err(ctx.key(key).invalid("expected a list")),
        }
    };
    if version == SpecVersion::V4 {
        if let Some(items) = list("interactions")? {
            items.for_each(&ctx, "interactions", |item, ictx| {
                interactions.push(read_v4_interaction(item, ictx)?);
                Ok(())
            })?;
        }
        // V4 readers ignore a `messages` entry that is not a list.
        if let Some(Ok(items)) = lists("messages") {
            items.for_each(&ctx, "messages", |item, mctx| {
                interactions.push(Interaction::AsyncMessage(read_v3_message(item, version, mctx)?));
                Ok(())
            })?;
        }
    } else {
        if let Some(items) = list("interactions")? {
            items.for_each(&ctx, "interactions", |item, ictx| {
                interactions.push(Interaction::Http(read_http_interaction(item, version, ictx)?));
                Ok(())
            })?;
        }
        if let Some(items) = list("messages")? {
            items.for_each(&ctx, "messages", |item, mctx| {
                interactions.push(Interaction::AsyncMessage(read_v3_message(item, version, mctx)?));
                Ok(())
            })?;
        }
    }
    let mut metadata = map
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let plugins = match metadata.remove("plugins") {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    for key in [
        "pactSpecification",
        "pact-specification",
        "pactSpecificationVersion",
    ] {
        metadata.remove(key);
    }
    let mut pact = Pact {
        consumer,
        provider,
        interactions,
        spec_version: version,
        plugins,
        metadata,
    };
    pact.share_patterns();
    Ok(pact)
}

fn read_info(map: &Map<String, Value>, ctx: &Ctx<'_>) -> Result<InteractionInfo, PactReadError> {
    let description = match map.get("description") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ctx.key("description").invalid("expected a string")),
        None => return Err(ctx.invalid("missing 'description'")),
    };
    let mut info = InteractionInfo::new(description);
    info.provider_states = read_provider_states(map, ctx)?;
    info.key = map.get("key").and_then(Value::as_str).map(str::to_owned);
    info.pending = map.get("pending").and_then(Value::as_bool).unwrap_or(false);
    info.comments = map
        .get("comments")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    info.plugin_config = map
        .get("pluginConfiguration")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    info.interaction_markup = map.get("interactionMarkup").cloned();
    info.transport = map.get("transport").and_then(Value::as_str).map(str::to_owned);
    info.broker_id = map.get("_id").and_then(Value::as_str).map(str::to_owned);
    Ok(info)
}

fn read_provider_states(
    map: &Map<String, Value>,
    ctx: &Ctx<'_>,
) -> Result<Vec<ProviderState>, PactReadError> {
    if let Some(states) = map.get("providerStates") {
        let list = states
            .as_array()
            .ok_or_else(|| ctx.key("providerStates").invalid("expected a list"))?;
        let mut out = Vec::new();
        for (i, state) in list.iter().enumerate() {
            let sctx = ctx.index("providerStates", i);
            match state {
                Value::String(name) => out.push(ProviderState::new(name.clone())),
                Value::Object(obj) => {
                    let name = obj
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| sctx.key("name").invalid("expected the state name as a string"))?;
                    let params = match obj.get("params") {
                        Some(Value::Object(params)) => params.clone(),
                        Some(Value::Null) | None => Map::new(),
                        Some(_) => return Err(sctx.key("params").invalid("expected an object")),
                    };
                    out.push(ProviderState {
                        name: name.to_owned(),
                        params,
                    });
                }
                _ => return Err(sctx.invalid("expected a provider state object")),
            }
        }
        return Ok(out);
    }
    for key in ["providerState", "provider_state"] {
        match map.get(key) {
            Some(Value::String(name)) if !name.is_empty() => {
                return Ok(vec![ProviderState::new(name.clone())]);
            }
            Some(Value::String(_)) | Some(Value::Null) | None => {}
            Some(_) => return Err(ctx.key(key).invalid("expected a string")),
        }
    }
    Ok(Vec::new())
}

fn read_http_interaction(
    value: &Value,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<HttpInteraction, PactReadError> {
    let map = object(value, ctx)?;
    let info = read_info(map, ctx)?;
    let request = map
        .get("request")
        .ok_or_else(|| ctx.invalid("missing 'request'"))
        .and_then(|r| read_request(r, version, &ctx.key("request")))?;
    let response = map
        .get("response")
        .ok_or_else(|| ctx.invalid("missing 'response'"))
        .and_then(|r| read_response(r, version, &ctx.key("response")))?;
    Ok(HttpInteraction {
        info,
        request,
        response,
    })
}

fn read_headers(value: Option<&Value>, ctx: &Ctx<'_>) -> Result<Headers, PactReadError> {
    let mut headers = Headers::new();
    let Some(value) = value else {
        return Ok(headers);
    };
    if value.is_null() {
        return Ok(headers);
    }
    let map = object(value, ctx)?;
    for (name, v) in map {
        match v {
            Value::String(s) => headers.add(name.clone(), s.clone()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => headers.add(name.clone(), s.clone()),
                        other if !other.is_object() && !other.is_array() => {
                            headers.add(name.clone(), other.to_string())
                        }
                        _ => {
                            return Err(ctx
                                .key(name)
                                .at_index(i)
                                .invalid("expected a string header value"));
                        }
                    }
                }
            }
            Value::Number(_) | Value::Bool(_) => headers.add(name.clone(), v.to_string()),
            _ => return Err(ctx.key(name).invalid("expected a string or list of strings")),
        }
    }
    Ok(headers)
}

fn read_query(value: Option<&Value>, ctx: &Ctx<'_>) -> Result<Option<Query>, PactReadError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(raw)) => Ok(Some(Query::parse(raw))),
        Some(Value::Object(map)) => {
            let mut query = Query::new();
            for (name, v) in map {
                match v {
                    Value::Array(items) => {
                        let values = items
                            .iter()
                            .map(|item| match item {
                                Value::String(s) => s.clone(),
                                Value::Null => String::new(),
                                other => other.to_string(),
                            })
                            .collect();
                        query.set(name.clone(), values);
                    }
                    Value::String(s) => query.add(name.clone(), s.clone()),
                    Value::Null => query.set(name.clone(), vec![]),
                    other => query.add(name.clone(), other.to_string()),
                }
            }
            Ok(Some(query))
        }
        Some(_) => Err(ctx.invalid("expected a query string or a map of parameters")),
    }
}

/// Reads a body as written in a pact: bare (V1–V3, some V4) or wrapped (V4).
pub(crate) fn read_body(
    value: Option<&Value>,
    declared: Option<ContentType>,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<Body, PactReadError> {
    let Some(value) = value else {
        return Ok(Body::Missing);
    };
    if version >= SpecVersion::V4
        && let Value::Object(map) = value
    {
        let wrapped = map.contains_key("content")
            && (map.contains_key("contentType") || map.contains_key("encoded"))
            || (map.len() == 1 && map.contains_key("content"));
        if wrapped {
            return read_wrapped_body(map, declared, ctx);
        }
    }
    Ok(bare_body(value, declared))
}

fn read_wrapped_body(
    map: &Map<String, Value>,
    declared: Option<ContentType>,
    ctx: &Ctx<'_>,
) -> Result<Body, PactReadError> {
    let content_type = map
        .get("contentType")
        .and_then(Value::as_str)
        .and_then(ContentType::parse)
        .or(declared);
    let hint = map
        .get("contentTypeHint")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let content = map.get("content").unwrap_or(&Value::Null);
    let encoded = match map.get("encoded") {
        None | Some(Value::Bool(false)) | Some(Value::Null) => None,
        Some(Value::Bool(true)) => Some("base64".to_owned()),
        Some(Value::String(s)) => Some(s.to_ascii_lowercase()),
        Some(_) => {
            return Err(ctx
                .key("encoded")
                .invalid("expected false, \"base64\" or \"JSON\""));
        }
    };
    let body = match (encoded.as_deref(), content) {
        (_, Value::Null) => Body::Null,
        (Some("base64"), Value::String(text)) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim()))
                .map_err(|e| ctx.key("content").invalid(format!("invalid base64 content: {e}")))?;
            Body::bytes(bytes, content_type)
        }
        (Some("json"), Value::String(text)) => Body::bytes(
            text.clone().into_bytes(),
            content_type.or(Some(ContentType::json())),
        ),
        (Some(other), Value::String(_)) if other != "base64" && other != "json" => {
            return Err(ctx
                .key("encoded")
                .invalid(format!("unknown body encoding '{other}'")));
        }
        (_, value) => bare_body(value, content_type),
    };
    Ok(match body {
        Body::Present {
            content,
            content_type,
            ..
        } => Body::Present {
            content,
            content_type,
            hint,
        },
        other => other,
    })
}

fn bare_body(value: &Value, declared: Option<ContentType>) -> Body {
    match value {
        Value::Null => Body::Null,
        Value::String(s) if s.is_empty() => Body::Empty,
        Value::String(s) => match &declared {
            Some(ct) if ct.is_json() => {
                if serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok() {
                    Body::bytes(s.clone().into_bytes(), declared)
                } else {
                    Body::bytes(Value::String(s.clone()).to_string().into_bytes(), declared)
                }
            }
            // Writers keep binary content (images, PDFs, multipart) of V2/V3 pacts as base64.
            Some(ct) if !ct.is_textual() => {
                use base64::Engine as _;
                match base64::engine::general_purpose::STANDARD.decode(s) {
                    Ok(bytes) => Body::bytes(bytes, declared),
                    Err(_) => Body::bytes(s.clone().into_bytes(), declared),
                }
            }
            _ => Body::bytes(s.clone().into_bytes(), declared),
        },
        other => Body::bytes(
            other.to_string().into_bytes(),
            declared.filter(|ct| ct.is_json()).or(Some(ContentType::json())),
        ),
    }
}

/// The Ruby gem's inline `json_class` matchers of a request or response, read as the matchers
/// they are (see `legacy.rs`). The gem wrote no V4 pacts; its files without a specification
/// version read as V3.
fn legacy_matchers(map: &Map<String, Value>, version: SpecVersion) -> Option<Map<String, Value>> {
    if version >= SpecVersion::V4 {
        return None;
    }
    super::legacy::unwrap(map)
}

fn read_request_parts(
    map: &Map<String, Value>,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<(crate::rules::MatchingRules, crate::generators::Generators), PactReadError> {
    let rules = match map.get("matchingRules") {
        Some(Value::Null) | None => Default::default(),
        Some(v) => read_matching_rules(v, &ctx.key("matchingRules"))?,
    };
    let generators = match map.get("generators") {
        Some(Value::Null) | None => Default::default(),
        Some(v) if version >= SpecVersion::V3 || v.is_object() => read_generators(v, &ctx.key("generators"))?,
        Some(_) => Default::default(),
    };
    Ok((rules, generators))
}

/// Reads a request (an interaction's `request`, or a spec case's `expected`/`actual`).
pub(crate) fn read_request(
    value: &Value,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<HttpRequest, PactReadError> {
    let map = object(value, ctx)?;
    let unwrapped = legacy_matchers(map, version);
    let map = unwrapped.as_ref().unwrap_or(map);
    let method = match map.get("method") {
        Some(Value::String(m)) => m.to_ascii_uppercase(),
        Some(_) => return Err(ctx.key("method").invalid("expected the method as a string")),
        None => "GET".to_owned(),
    };
    let path = match map.get("path") {
        Some(Value::String(p)) => p.clone(),
        Some(_) => return Err(ctx.key("path").invalid("expected the path as a string")),
        None => "/".to_owned(),
    };
    let query = read_query(map.get("query"), &ctx.key("query"))?;
    let headers = read_headers(map.get("headers"), &ctx.key("headers"))?;
    let body = read_body(map.get("body"), headers.content_type(), version, &ctx.key("body"))?;
    let (matching_rules, generators) = read_request_parts(map, version, ctx)?;
    Ok(HttpRequest {
        method,
        path,
        query,
        headers,
        body,
        matching_rules,
        generators,
    })
}

/// Reads a response.
pub(crate) fn read_response(
    value: &Value,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<HttpResponse, PactReadError> {
    let map = object(value, ctx)?;
    let unwrapped = legacy_matchers(map, version);
    let map = unwrapped.as_ref().unwrap_or(map);
    let status = match map.get("status") {
        Some(Value::Number(n)) => n.as_u64().and_then(|s| u16::try_from(s).ok()).ok_or_else(|| {
            ctx.key("status")
                .invalid("expected a status code between 0 and 65535")
        })?,
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| ctx.key("status").invalid(format!("'{s}' is not a status code")))?,
        Some(_) => return Err(ctx.key("status").invalid("expected a status code")),
        None => 200,
    };
    let headers = read_headers(map.get("headers"), &ctx.key("headers"))?;
    let body = read_body(map.get("body"), headers.content_type(), version, &ctx.key("body"))?;
    let (matching_rules, generators) = read_request_parts(map, version, ctx)?;
    Ok(HttpResponse {
        status,
        headers,
        body,
        matching_rules,
        generators,
    })
}

/// Reads message contents: `contents`/`content`/`body`, `metadata`/`metaData`, rules, generators.
pub(crate) fn read_message_contents(
    value: &Value,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<MessageContents, PactReadError> {
    let map = object(value, ctx)?;
    let metadata = match map.get("metadata").or_else(|| map.get("metaData")) {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err(ctx.key("metadata").invalid("expected an object")),
    };
    let declared = metadata
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("contentType") || k.eq_ignore_ascii_case("content-type"))
        .and_then(|(_, v)| v.as_str())
        .and_then(ContentType::parse);
    let (key, raw) = ["contents", "content", "body"]
        .iter()
        .find_map(|k| map.get(*k).map(|v| (*k, v)))
        .map(|(k, v)| (k, Some(v)))
        .unwrap_or(("contents", None));
    let contents = read_body(raw, declared, version, &ctx.key(key))?;
    let (matching_rules, generators) = read_request_parts(map, version, ctx)?;
    Ok(MessageContents {
        contents,
        metadata,
        matching_rules,
        generators,
    })
}

fn read_v3_message(
    value: &Value,
    version: SpecVersion,
    ctx: &Ctx<'_>,
) -> Result<AsyncMessage, PactReadError> {
    let map = object(value, ctx)?;
    Ok(AsyncMessage {
        info: read_info(map, ctx)?,
        message: read_message_contents(value, version, ctx)?,
    })
}

fn read_v4_interaction(value: &Value, ctx: &Ctx<'_>) -> Result<Interaction, PactReadError> {
    let map = object(value, ctx)?;
    let kind = match map.get("type").and_then(Value::as_str) {
        Some(kind) => kind.to_owned(),
        None if map.contains_key("request") && map.get("response").is_some_and(Value::is_object) => {
            "Synchronous/HTTP".to_owned()
        }
        None if map.contains_key("contents") => "Asynchronous/Messages".to_owned(),
        None if map.contains_key("request") => "Synchronous/Messages".to_owned(),
        None => return Err(ctx.invalid("missing interaction 'type'")),
    };
    let version = SpecVersion::V4;
    match kind.as_str() {
        "Synchronous/HTTP" => Ok(Interaction::Http(read_http_interaction(value, version, ctx)?)),
        "Asynchronous/Messages" => Ok(Interaction::AsyncMessage(read_v3_message(value, version, ctx)?)),
        "Synchronous/Messages" => {
            let info = read_info(map, ctx)?;
            let request = map
                .get("request")
                .ok_or_else(|| ctx.invalid("missing 'request'"))
                .and_then(|r| read_message_contents(r, version, &ctx.key("request")))?;
            let mut response = Vec::new();
            match map.get("response") {
                Some(Value::Array(list)) => {
                    for (i, r) in list.iter().enumerate() {
                        response.push(read_message_contents(r, version, &ctx.index("response", i))?);
                    }
                }
                Some(single @ Value::Object(_)) => {
                    response.push(read_message_contents(single, version, &ctx.key("response"))?)
                }
                Some(_) => return Err(ctx.key("response").invalid("expected a list of messages")),
                None => {}
            }
            Ok(Interaction::SyncMessage(SyncMessage {
                info,
                request,
                response,
            }))
        }
        other => Err(ctx
            .key("type")
            .invalid(format!("unknown interaction type '{other}'"))),
    }
}
