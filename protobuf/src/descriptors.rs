//! The compiled `.proto` descriptors a pact carries: `metadata.plugins[]` of the protobuf plugin,
//! `configuration.<descriptorKey>.protoDescriptors`, a base64 `FileDescriptorSet` each.

use std::collections::BTreeMap;

use accord_core::{InteractionInfo, Pact};
use base64::Engine as _;
use prost_reflect::{DescriptorPool, MessageDescriptor, MethodDescriptor};

use crate::ProtobufError;

/// Every descriptor set of a pact, by key.
#[derive(Debug, Clone, Default)]
pub struct Descriptors {
    pools: BTreeMap<String, Result<DescriptorPool, String>>,
}

impl Descriptors {
    /// The descriptor sets of a pact. A set that does not build is kept as its error and
    /// reported when an interaction needs it, so one bad set spoils only its interactions.
    pub fn of_pact(pact: &Pact) -> Descriptors {
        let mut pools = BTreeMap::new();
        for plugin in &pact.plugins {
            let Some(configuration) = plugin["configuration"].as_object() else {
                continue;
            };
            for (key, entry) in configuration {
                let Some(encoded) = entry["protoDescriptors"].as_str() else {
                    continue;
                };
                pools.insert(key.clone(), pool_of(encoded));
            }
        }
        Descriptors { pools }
    }

    /// A descriptor set from its base64 text, under `key` (for tests and tools).
    pub fn with(mut self, key: &str, encoded: &str) -> Descriptors {
        self.pools.insert(key.to_owned(), pool_of(encoded));
        self
    }

    /// Whether the pact carries any descriptors.
    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
    }

    /// The pool under `key`.
    pub fn pool(&self, key: &str) -> Result<&DescriptorPool, ProtobufError> {
        match self.pools.get(key) {
            Some(Ok(pool)) => Ok(pool),
            Some(Err(reason)) => Err(ProtobufError::BadDescriptors {
                key: key.to_owned(),
                reason: reason.clone(),
            }),
            None => Err(ProtobufError::MissingDescriptors { key: key.to_owned() }),
        }
    }

    /// The pool an interaction's `pluginConfiguration.protobuf.descriptorKey` names.
    pub fn for_interaction(&self, info: &InteractionInfo) -> Result<&DescriptorPool, ProtobufError> {
        // A gRPC interaction names one key; an HTTP one names a key per part.
        let config = info.plugin_config.get("protobuf");
        let key = config
            .and_then(|c| c["descriptorKey"].as_str())
            .or_else(|| config.and_then(|c| c["request"]["descriptorKey"].as_str()))
            .or_else(|| config.and_then(|c| c["response"]["descriptorKey"].as_str()))
            .ok_or_else(|| ProtobufError::NoDescriptorKey {
                interaction: info.description.clone(),
            })?;
        self.pool(key)
    }
}

fn pool_of(encoded: &str) -> Result<DescriptorPool, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| format!("not base64: {e}"))?;
    DescriptorPool::decode(bytes.as_slice()).map_err(|e| e.to_string())
}

/// The message `name` (`.area_calculator.ShapeMessage`, `area_calculator.ShapeMessage` or
/// `ShapeMessage`): by full name, else the one message of that simple name.
pub(crate) fn find_message(pool: &DescriptorPool, name: &str) -> Result<MessageDescriptor, ProtobufError> {
    let name = name.trim().trim_start_matches('.');
    if let Some(message) = pool.get_message_by_name(name) {
        return Ok(message);
    }
    let alike: Vec<MessageDescriptor> = pool
        .all_messages()
        .filter(|m| m.name() == name || m.full_name().ends_with(&format!(".{name}")))
        .collect();
    match alike.as_slice() {
        [one] => Ok(one.clone()),
        _ => {
            let names: Vec<String> = alike.iter().map(|m| m.full_name().to_owned()).collect();
            Err(ProtobufError::UnknownMessage {
                name: name.to_owned(),
                candidates: if names.is_empty() {
                    String::new()
                } else {
                    format!(" (it could be any of {})", names.join(", "))
                },
            })
        }
    }
}

/// The method `Service/Method` (the service fully qualified, with or without a leading dot, or
/// by its simple name when only one service has it).
pub fn find_method(pool: &DescriptorPool, name: &str) -> Result<MethodDescriptor, ProtobufError> {
    let unknown = || ProtobufError::UnknownMethod {
        name: name.to_owned(),
    };
    let (service, method) = name
        .trim()
        .trim_start_matches('.')
        .split_once('/')
        .ok_or_else(unknown)?;
    let services: Vec<_> = match pool.get_service_by_name(service) {
        Some(found) => vec![found],
        None => pool
            .services()
            .filter(|s| s.name() == service || s.full_name().ends_with(&format!(".{service}")))
            .collect(),
    };
    let mut methods = services
        .iter()
        .flat_map(|s| s.methods())
        .filter(|m| m.name() == method);
    let found = methods.next().ok_or_else(unknown)?;
    if methods.next().is_some() {
        return Err(unknown());
    }
    Ok(found)
}
