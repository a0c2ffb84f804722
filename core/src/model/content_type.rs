//! Media types with parameters, and content sniffing for undeclared bodies.

use std::fmt;

/// A parsed media type such as `application/json; charset=UTF-8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// Main type, lower case (`application`).
    pub main: String,
    /// Subtype, lower case (`json`, `vnd.api+json`).
    pub sub: String,
    /// Parameters in order, names lower case, values as written.
    pub params: Vec<(String, String)>,
}

impl ContentType {
    /// Parses a media type; `None` when there is no `type/subtype`.
    pub fn parse(text: &str) -> Option<ContentType> {
        let mut parts = text.split(';');
        let essence = parts.next()?.trim();
        let (main, sub) = essence.split_once('/')?;
        let (main, sub) = (main.trim(), sub.trim());
        if main.is_empty() || sub.is_empty() {
            return None;
        }
        let params = parts
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                let value = value.trim().trim_matches('"');
                Some((name.trim().to_ascii_lowercase(), value.to_owned()))
            })
            .collect();
        Some(ContentType {
            main: main.to_ascii_lowercase(),
            sub: sub.to_ascii_lowercase(),
            params,
        })
    }

    fn plain(main: &str, sub: &str) -> ContentType {
        ContentType {
            main: main.to_owned(),
            sub: sub.to_owned(),
            params: Vec::new(),
        }
    }

    /// `application/json`.
    pub fn json() -> ContentType {
        ContentType::plain("application", "json")
    }

    /// `application/xml`.
    pub fn xml() -> ContentType {
        ContentType::plain("application", "xml")
    }

    /// `text/plain`.
    pub fn text() -> ContentType {
        ContentType::plain("text", "plain")
    }

    /// `application/octet-stream`.
    pub fn binary() -> ContentType {
        ContentType::plain("application", "octet-stream")
    }

    /// `application/x-www-form-urlencoded`.
    pub fn form() -> ContentType {
        ContentType::plain("application", "x-www-form-urlencoded")
    }

    /// The media type without parameters, e.g. `application/json`.
    pub fn essence(&self) -> String {
        format!("{}/{}", self.main, self.sub)
    }

    /// The value of a parameter, by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// JSON, including `+json` structured suffixes and `application/json+...` variants (the Ruby
    /// client sends `application/json+patch`).
    pub fn is_json(&self) -> bool {
        self.sub == "json"
            || self.sub.ends_with("+json")
            || self.sub == "x-json"
            || (self.main == "application" && self.sub.starts_with("json+"))
    }

    /// XML, including `+xml` structured suffixes.
    pub fn is_xml(&self) -> bool {
        self.sub == "xml" || self.sub.ends_with("+xml")
    }

    /// Form-encoded parameters.
    pub fn is_form(&self) -> bool {
        self.main == "application" && self.sub == "x-www-form-urlencoded"
    }

    /// Any multipart type.
    pub fn is_multipart(&self) -> bool {
        self.main == "multipart"
    }

    /// Text that is neither JSON nor XML.
    pub fn is_text(&self) -> bool {
        (self.main == "text" && !self.is_xml())
            || matches!(
                self.essence().as_str(),
                "application/javascript"
                    | "application/x-javascript"
                    | "application/yaml"
                    | "application/x-yaml"
            )
    }

    /// Whether content of this type is text (JSON, XML, form or plain text).
    pub fn is_textual(&self) -> bool {
        self.is_json() || self.is_xml() || self.is_form() || self.is_text()
    }

    /// Guesses the content type of undeclared content from its bytes.
    pub fn detect(content: &[u8]) -> ContentType {
        let trimmed = trim_ascii_start(content);
        if (trimmed.starts_with(b"{") || trimmed.starts_with(b"["))
            && serde_json::from_slice::<serde::de::IgnoredAny>(content).is_ok()
        {
            return ContentType::json();
        }
        if trimmed.starts_with(b"<?xml") || (trimmed.starts_with(b"<") && trimmed.ends_with(b">")) {
            return ContentType::xml();
        }
        if let Some(kind) = infer::get(content)
            && let Some(ct) = ContentType::parse(kind.mime_type())
        {
            return ct;
        }
        if std::str::from_utf8(content).is_ok() {
            ContentType::text()
        } else {
            ContentType::binary()
        }
    }
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.main, self.sub)?;
        for (name, value) in &self.params {
            write!(f, "; {name}={value}")?;
        }
        Ok(())
    }
}
