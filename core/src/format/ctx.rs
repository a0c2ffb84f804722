//! Where in a document a reader is, so every read error names the file and the JSON path.

use crate::error::PactReadError;

/// Where in a document a reader is: the source name and the JSON path.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    source: &'a str,
    path: String,
}

impl<'a> Ctx<'a> {
    pub(crate) fn root(source: &'a str) -> Ctx<'a> {
        Ctx {
            source,
            path: "$".to_owned(),
        }
    }

    pub(crate) fn key(&self, key: &str) -> Ctx<'a> {
        let simple = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        let path = if simple {
            format!("{}.{key}", self.path)
        } else {
            format!("{}['{key}']", self.path)
        };
        Ctx {
            source: self.source,
            path,
        }
    }

    pub(crate) fn at_index(&self, index: usize) -> Ctx<'a> {
        Ctx {
            source: self.source,
            path: format!("{}[{index}]", self.path),
        }
    }

    pub(crate) fn index(&self, key: &str, index: usize) -> Ctx<'a> {
        self.key(key).at_index(index)
    }

    pub(crate) fn invalid(&self, message: impl Into<String>) -> PactReadError {
        PactReadError::Invalid {
            source_name: self.source.to_owned(),
            json_path: self.path.clone(),
            message: message.into(),
        }
    }
}
