//! Bodies that keep missing, empty, null and present apart.

use super::ContentType;

/// A request, response or message body.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Body {
    /// No body was given: when expected, any actual body is acceptable.
    #[default]
    Missing,
    /// An empty body (`""`).
    Empty,
    /// A JSON `null` body.
    Null,
    /// A body with content.
    Present {
        /// The raw bytes.
        content: Vec<u8>,
        /// The declared content type, if any.
        content_type: Option<ContentType>,
        /// V4 `contentTypeHint`: `TEXT` or `BINARY`.
        hint: Option<String>,
    },
}

impl Body {
    /// A present body from bytes with a content type.
    pub fn bytes(content: impl Into<Vec<u8>>, content_type: Option<ContentType>) -> Body {
        let content = content.into();
        if content.is_empty() {
            return Body::Empty;
        }
        Body::Present {
            content,
            content_type,
            hint: None,
        }
    }

    /// A JSON body (`application/json`).
    pub fn json(value: &serde_json::Value) -> Body {
        Body::Present {
            content: value.to_string().into_bytes(),
            content_type: Some(ContentType::json()),
            hint: None,
        }
    }

    /// A text body with the given content type.
    pub fn text(text: impl Into<String>, content_type: ContentType) -> Body {
        Body::bytes(text.into().into_bytes(), Some(content_type))
    }

    /// Whether the body is present with content.
    pub fn is_present(&self) -> bool {
        matches!(self, Body::Present { .. })
    }

    /// The bytes of the body; empty unless present.
    pub fn content(&self) -> &[u8] {
        match self {
            Body::Present { content, .. } => content,
            _ => &[],
        }
    }

    /// The declared content type, if any.
    pub fn content_type(&self) -> Option<&ContentType> {
        match self {
            Body::Present { content_type, .. } => content_type.as_ref(),
            _ => None,
        }
    }

    /// The body as text, replacing invalid UTF-8.
    pub fn as_text(&self) -> String {
        match self {
            Body::Null => "null".to_owned(),
            _ => String::from_utf8_lossy(self.content()).into_owned(),
        }
    }

    /// The body parsed as JSON, when it is JSON text.
    pub fn as_json(&self) -> Option<serde_json::Value> {
        match self {
            Body::Null => Some(serde_json::Value::Null),
            Body::Present { content, .. } => serde_json::from_slice(content).ok(),
            _ => None,
        }
    }

    /// The content type to use for matching: declared, else the given fallback, else sniffed.
    pub fn effective_content_type(&self, fallback: Option<&ContentType>) -> Option<ContentType> {
        if let Some(ct) = self.content_type() {
            return Some(ct.clone());
        }
        if let Some(ct) = fallback {
            return Some(ct.clone());
        }
        match self {
            Body::Present { content, .. } => Some(ContentType::detect(content)),
            _ => None,
        }
    }

    /// The same body with its content type set, when it is present.
    pub fn with_content_type(self, ct: Option<ContentType>) -> Body {
        match self {
            Body::Present { content, hint, .. } => Body::Present {
                content,
                content_type: ct,
                hint,
            },
            other => other,
        }
    }
}
