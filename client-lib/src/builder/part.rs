//! What requests, responses and messages share: headers, bodies, rules and generators.

use accord_core::generators::Generators;
use accord_core::rules::{Category, DocPath, MatchingRules};
use accord_core::{Body, ContentType, Headers};
use serde_json::Value;

use crate::error::ConsumerError;
use crate::integration::{Collected, extract, extract_text};

/// Headers, body, rules and generators under construction; errors are kept until `build`.
#[derive(Debug, Default)]
pub(crate) struct Part {
    pub(crate) headers: Headers,
    pub(crate) body: Body,
    pub(crate) rules: MatchingRules,
    pub(crate) generators: Generators,
    pub(crate) error: Option<String>,
}

impl Part {
    pub(crate) fn fail(&mut self, error: ConsumerError) {
        if self.error.is_none() {
            self.error = Some(error.to_string());
        }
    }

    /// Adds a header value, which may be a matcher.
    pub(crate) fn header(&mut self, name: &str, value: Value) {
        match extract_text(&value) {
            Ok((text, rule, generator)) => {
                self.headers.add(name, text);
                if let Some(rule) = rule {
                    self.rules.category_mut(Category::Header).add(name, rule);
                }
                if let Some(generator) = generator {
                    self.generators.add(Category::Header, name, generator);
                }
            }
            Err(e) => self.fail(e),
        }
    }

    fn set_content_type(&mut self, content_type: &ContentType) {
        if self.headers.get("content-type").is_none() {
            self.headers.add("Content-Type", content_type.to_string());
        }
    }

    /// A JSON body that may embed matchers.
    pub(crate) fn json_body(&mut self, value: Value) {
        let mut collected = Collected::default();
        match extract(&value, &DocPath::root(), &mut collected) {
            Ok(example) => {
                let ct = self
                    .headers
                    .content_type()
                    .filter(|c| c.is_json())
                    .unwrap_or_else(ContentType::json);
                self.set_content_type(&ct);
                self.body = Body::bytes(example.to_string().into_bytes(), Some(ct));
                self.add_collected(collected);
            }
            Err(e) => self.fail(e),
        }
    }

    /// A JSON body serialised from a value of the caller's type.
    pub(crate) fn json_body_from<T: serde::Serialize>(&mut self, value: &T) {
        match serde_json::to_value(value) {
            Ok(value) => self.json_body(value),
            Err(e) => self.fail(ConsumerError::InvalidMatcher {
                detail: format!("the body cannot be serialised as JSON: {e}"),
            }),
        }
    }

    fn add_collected(&mut self, collected: Collected) {
        for (key, list) in collected.rules.iter() {
            self.rules.category_mut(Category::Body).add(key, list.clone());
        }
        for (key, generator) in collected.generators {
            self.generators.add(Category::Body, key, generator);
        }
    }

    /// A body of any content type given as text.
    pub(crate) fn text_body(&mut self, text: &str, content_type: &str) {
        match ContentType::parse(content_type) {
            Some(ct) => {
                self.set_content_type(&ct);
                self.body = Body::bytes(text.as_bytes().to_vec(), Some(ct));
            }
            None => self.fail(ConsumerError::InvalidMatcher {
                detail: format!("'{content_type}' is not a content type"),
            }),
        }
    }

    /// An XML body built from elements whose attributes and text may be matchers.
    pub(crate) fn xml_body(&mut self, root: &crate::xml::XmlElement) {
        match crate::xml::build(root) {
            Ok(built) => {
                self.text_body(&built.text, "application/xml");
                for (key, list) in built
                    .rules
                    .category(Category::Body)
                    .into_iter()
                    .flat_map(|c| c.iter())
                {
                    self.rules.category_mut(Category::Body).add(key, list.clone());
                }
                for (category, list) in built.generators.iter() {
                    for (key, generator) in list {
                        self.generators.add(category, key.clone(), generator.clone());
                    }
                }
            }
            Err(detail) => self.fail(ConsumerError::InvalidMatcher { detail }),
        }
    }

    /// A text body that must match `pattern`, with an example.
    pub(crate) fn text_body_matching(&mut self, pattern: &str, example: &str, content_type: &str) {
        self.text_body(example, content_type);
        self.rules.add_rule(
            Category::Body,
            "$",
            accord_core::rules::MatchingRule::Regex(pattern.into()),
        );
    }

    /// Binary content; with `match_type_only`, any content of the same detected type matches.
    pub(crate) fn binary_body(&mut self, bytes: &[u8], content_type: &str, match_type_only: bool) {
        match ContentType::parse(content_type) {
            Some(ct) => {
                self.set_content_type(&ct);
                self.body = Body::Present {
                    content: bytes.to_vec(),
                    content_type: Some(ct),
                    hint: Some("BINARY".to_owned()),
                };
                if match_type_only {
                    self.rules.add_rule(
                        Category::Body,
                        "$",
                        accord_core::rules::MatchingRule::ContentType(content_type.to_owned()),
                    );
                }
            }
            None => self.fail(ConsumerError::InvalidMatcher {
                detail: format!("'{content_type}' is not a content type"),
            }),
        }
    }

    /// A form-encoded body; values may be matchers (rules go under `$.name`).
    pub(crate) fn form_body(&mut self, fields: &[(&str, Value)]) {
        let mut query = accord_core::Query::new();
        for (name, value) in fields {
            match extract_text(value) {
                Ok((text, rule, _)) => {
                    query.add(*name, text);
                    if let Some(rule) = rule {
                        self.rules
                            .category_mut(Category::Body)
                            .add(DocPath::root().join(*name).to_string(), rule);
                    }
                }
                Err(e) => return self.fail(e),
            }
        }
        let ct = ContentType::form();
        self.set_content_type(&ct);
        self.body = Body::bytes(query.to_query_string().into_bytes(), Some(ct));
    }

    /// A multipart/form-data body from named parts `(name, content type, bytes)`.
    pub(crate) fn multipart_body(&mut self, parts: &[(&str, &str, &[u8])]) {
        let parts: Vec<crate::multipart::MultipartPart> = parts
            .iter()
            .map(|(name, ct, bytes)| crate::multipart::MultipartPart::bytes(name, ct, bytes))
            .collect();
        self.multipart_body_with(&parts);
    }

    /// A multipart/form-data body whose parts may carry a matcher each (at `$.<part name>`).
    pub(crate) fn multipart_body_with(&mut self, parts: &[crate::multipart::MultipartPart]) {
        let mut examples: Vec<(String, String, Vec<u8>)> = Vec::new();
        for part in parts {
            match part.example_and_rule() {
                Ok((bytes, rule)) => {
                    if let Some(rule) = rule {
                        self.rules
                            .category_mut(Category::Body)
                            .add(format!("$.{}", part.name()), rule);
                    }
                    examples.push((part.name().to_owned(), part.content_type().to_owned(), bytes));
                }
                Err(e) => return self.fail(e),
            }
        }
        let boundary = format!("accord-{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::new();
        for (name, content_type, bytes) in &examples {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes());
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let ct = ContentType::parse(&format!("multipart/form-data; boundary={boundary}"))
            .unwrap_or_else(ContentType::binary);
        self.headers.remove("content-type");
        self.headers.add("Content-Type", ct.to_string());
        // Boundaries differ between requests, so the header is matched by its media type only.
        self.rules.add_rule(
            Category::Header,
            "Content-Type",
            accord_core::rules::MatchingRule::Regex("multipart/form-data;\\s*boundary=.*".into()),
        );
        self.body = Body::bytes(body, Some(ct));
    }
}
