//! `.proto` files compiled in-process (no `protoc`), into the descriptors a pact carries: the
//! set as Pact's plugin writes it into `metadata.plugins[]`, and the key interactions name it
//! by.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use prost::Message as _;
use prost_reflect::DescriptorPool;
use serde_json::{Value, json};

use crate::ProtobufError;

/// The version of Pact's protobuf plugin whose pact format accord writes; the official tools
/// accept any installed plugin of this version or later.
pub const PLUGIN_FORMAT_VERSION: &str = "0.3.0";

/// Compiled `.proto` files: their descriptors and the key a pact names them by.
#[derive(Debug, Clone)]
pub struct ProtoSet {
    /// The descriptors, to find messages and methods in.
    pub pool: DescriptorPool,
    /// The key: the MD5 of the encoded set, as the plugin keys (and checks) its sets.
    pub key: String,
    encoded: Vec<u8>,
}

impl ProtoSet {
    /// Compiles `files`, resolving imports in `includes` (each file's own folder is searched
    /// first). A syntax or import error names the file, line and column.
    pub fn compile(files: &[PathBuf], includes: &[PathBuf]) -> Result<ProtoSet, ProtobufError> {
        let mut roots: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p
                }
            })
            .collect();
        roots.extend(includes.iter().cloned());
        roots.dedup();
        let set = protox::compile(files, &roots).map_err(|e| ProtobufError::Compile {
            reason: located(&e, &roots),
        })?;
        let encoded = set.encode_to_vec();
        let pool = DescriptorPool::decode(encoded.as_slice()).map_err(|e| ProtobufError::Compile {
            reason: e.to_string(),
        })?;
        Ok(ProtoSet {
            pool,
            key: digest(&encoded),
            encoded,
        })
    }

    /// The entry of `metadata.plugins` that carries these descriptors.
    pub fn plugin_entry(&self) -> Value {
        let descriptors = base64::engine::general_purpose::STANDARD.encode(&self.encoded);
        json!({
            "name": "protobuf",
            "version": PLUGIN_FORMAT_VERSION,
            "configuration": {self.key.clone(): {"protoDescriptors": descriptors, "protoFile": ""}}
        })
    }
}

/// A compile error with its place: `area.proto:12:3: expected ';'`.
fn located(error: &protox::Error, roots: &[PathBuf]) -> String {
    use miette::Diagnostic as _;
    let file = error.file().unwrap_or_default();
    let offset = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset());
    match (error.file(), offset) {
        (Some(_), Some(offset)) => {
            let text = std::iter::once(PathBuf::from(file))
                .chain(roots.iter().map(|root| root.join(file)))
                .find_map(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{file}:{line}:{column}: {error}")
        }
        (Some(file), None) => format!("{file}: {error}"),
        _ => error.to_string(),
    }
}

/// The key of a descriptor set: the MD5 of its bytes in hex, which Pact's plugin checks.
fn digest(bytes: &[u8]) -> String {
    format!("{:x}", md5::compute(bytes))
}
