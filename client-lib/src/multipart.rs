//! Parts of a multipart/form-data body, each with an optional matcher: a text part whose value
//! is a matcher (`regex`, `include`, `like`), or a file part any content of the same detected
//! type satisfies. Pact matches such rules at `$.<part name>`.

use accord_core::rules::{MatchingRule, RuleList};
use serde_json::Value;

use crate::error::ConsumerError;
use crate::integration::extract_text;

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    name: String,
    content_type: String,
    content: Content,
}

#[derive(Debug, Clone)]
enum Content {
    Text(Value),
    Bytes { bytes: Vec<u8>, any_of_type: bool },
}

impl MultipartPart {
    /// A text part; `value` may be a matcher, whose example is sent.
    pub fn text(name: &str, content_type: &str, value: impl Into<Value>) -> MultipartPart {
        MultipartPart {
            name: name.to_owned(),
            content_type: content_type.to_owned(),
            content: Content::Text(value.into()),
        }
    }

    /// A part compared byte for byte.
    pub fn bytes(name: &str, content_type: &str, bytes: &[u8]) -> MultipartPart {
        MultipartPart {
            name: name.to_owned(),
            content_type: content_type.to_owned(),
            content: Content::Bytes {
                bytes: bytes.to_vec(),
                any_of_type: false,
            },
        }
    }

    /// A file part that any content of the same detected type satisfies (`bytes` is the
    /// example, say a small PNG).
    pub fn of_type(name: &str, content_type: &str, bytes: &[u8]) -> MultipartPart {
        MultipartPart {
            name: name.to_owned(),
            content_type: content_type.to_owned(),
            content: Content::Bytes {
                bytes: bytes.to_vec(),
                any_of_type: true,
            },
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The example content and the part's rule, if any.
    pub(crate) fn example_and_rule(&self) -> Result<(Vec<u8>, Option<RuleList>), ConsumerError> {
        match &self.content {
            Content::Text(value) => {
                let (text, rule, _) = extract_text(value)?;
                Ok((text.into_bytes(), rule))
            }
            Content::Bytes { bytes, any_of_type } => Ok((
                bytes.clone(),
                any_of_type.then(|| RuleList::single(MatchingRule::ContentType(self.content_type.clone()))),
            )),
        }
    }
}
