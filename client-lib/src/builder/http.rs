//! Builders for HTTP interactions: the request a consumer sends and the response it needs.

use accord_core::rules::{Category, MatchingRule, StatusClass};
use accord_core::{HttpInteraction, HttpRequest, HttpResponse, InteractionInfo, ProviderState, Query};
use serde_json::{Map, Value};

use super::part::Part;
use crate::integration::extract_text;

/// Builds one HTTP interaction: description, states, request and response.
#[derive(Debug)]
pub struct InteractionBuilder {
    pub(crate) info: InteractionInfo,
    pub(crate) request: RequestBuilder,
    pub(crate) response: ResponseBuilder,
}

impl InteractionBuilder {
    pub(crate) fn new(description: &str) -> InteractionBuilder {
        InteractionBuilder {
            info: InteractionInfo::new(description),
            request: RequestBuilder::default(),
            response: ResponseBuilder::default(),
        }
    }

    /// A provider state the interaction needs.
    pub fn given(&mut self, state: &str) -> &mut Self {
        self.info.provider_states.push(ProviderState::new(state));
        self
    }

    /// A provider state with parameters (a JSON object).
    pub fn given_with(&mut self, state: &str, params: Value) -> &mut Self {
        let params = match params {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => {
                let mut map = Map::new();
                map.insert("value".into(), other);
                map
            }
        };
        self.info.provider_states.push(ProviderState {
            name: state.to_owned(),
            params,
        });
        self
    }

    /// Marks the interaction pending: provider failures are reported but do not fail the build.
    pub fn pending(&mut self, pending: bool) -> &mut Self {
        self.info.pending = pending;
        self
    }

    /// Adds a comment shown by verifiers.
    pub fn comment(&mut self, text: &str) -> &mut Self {
        let list = self
            .info
            .comments
            .entry("text")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(text.into());
        }
        self
    }

    /// Records the name of the test that declared the interaction.
    pub fn test_name(&mut self, name: &str) -> &mut Self {
        self.info.comments.insert("testname".into(), name.into());
        self
    }

    /// Sets the V4 key explicitly (by default it is derived from the content).
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.info.key = Some(key.to_owned());
        self
    }

    /// Describes the request.
    pub fn request(&mut self, build: impl FnOnce(&mut RequestBuilder) -> &mut RequestBuilder) -> &mut Self {
        build(&mut self.request);
        self
    }

    /// Describes the response.
    pub fn response(
        &mut self,
        build: impl FnOnce(&mut ResponseBuilder) -> &mut ResponseBuilder,
    ) -> &mut Self {
        build(&mut self.response);
        self
    }

    pub(crate) fn build(self) -> Result<HttpInteraction, String> {
        let description = self.info.description.clone();
        let request = self
            .request
            .build()
            .map_err(|e| format!("request of '{description}': {e}"))?;
        let response = self
            .response
            .build()
            .map_err(|e| format!("response of '{description}': {e}"))?;
        Ok(HttpInteraction {
            info: self.info,
            request,
            response,
        })
    }
}

/// Builds the request of an HTTP interaction. Path, query and header values may be matchers.
#[derive(Debug)]
pub struct RequestBuilder {
    method: String,
    path: Value,
    query: Vec<(String, Value)>,
    part: Part,
}

impl Default for RequestBuilder {
    fn default() -> Self {
        RequestBuilder {
            method: "GET".to_owned(),
            path: Value::String("/".to_owned()),
            query: Vec::new(),
            part: Part::default(),
        }
    }
}

impl RequestBuilder {
    /// Sets the method.
    pub fn method(&mut self, method: &str) -> &mut Self {
        self.method = method.to_ascii_uppercase();
        self
    }

    /// `GET`.
    pub fn get(&mut self) -> &mut Self {
        self.method("GET")
    }

    /// `POST`.
    pub fn post(&mut self) -> &mut Self {
        self.method("POST")
    }

    /// `PUT`.
    pub fn put(&mut self) -> &mut Self {
        self.method("PUT")
    }

    /// `PATCH`.
    pub fn patch(&mut self) -> &mut Self {
        self.method("PATCH")
    }

    /// `DELETE`.
    pub fn delete(&mut self) -> &mut Self {
        self.method("DELETE")
    }

    /// The path: a string, or a matcher such as `regex("/accounts/\\d+", "/accounts/42")`.
    pub fn path(&mut self, path: impl Into<Value>) -> &mut Self {
        self.path = path.into();
        self
    }

    /// Adds a query parameter value (repeat for several values); may be a matcher.
    pub fn query_param(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// Adds a header value; may be a matcher.
    pub fn header(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.part.header(name, value.into());
        self
    }

    /// A JSON body that may embed matchers anywhere.
    pub fn json_body(&mut self, body: Value) -> &mut Self {
        self.part.json_body(body);
        self
    }

    /// A JSON body from a value of the caller's own type (through `serde`), compared exactly;
    /// use [`json_body`](Self::json_body) to add matchers.
    pub fn json_body_from<T: serde::Serialize>(&mut self, body: &T) -> &mut Self {
        self.part.json_body_from(body);
        self
    }

    /// A text body of the given content type (plain text, XML, ...), compared exactly.
    pub fn body(&mut self, text: &str, content_type: &str) -> &mut Self {
        self.part.text_body(text, content_type);
        self
    }

    /// A text body that must match a regex, with an example.
    pub fn body_matching(&mut self, pattern: &str, example: &str, content_type: &str) -> &mut Self {
        self.part.text_body_matching(pattern, example, content_type);
        self
    }

    /// An XML body.
    pub fn xml_body(&mut self, xml: &str) -> &mut Self {
        self.part.text_body(xml, "application/xml");
        self
    }

    /// An XML body built from [`crate::xml::element`]s whose attributes and text may be
    /// matchers, with repeated children declared once.
    pub fn xml_body_with(&mut self, root: crate::xml::XmlElement) -> &mut Self {
        self.part.xml_body(&root);
        self
    }

    /// A form-encoded body; values may be matchers.
    pub fn form_body(&mut self, fields: &[(&str, Value)]) -> &mut Self {
        self.part.form_body(fields);
        self
    }

    /// A multipart/form-data body from `(name, content type, bytes)` parts.
    pub fn multipart_body(&mut self, parts: &[(&str, &str, &[u8])]) -> &mut Self {
        self.part.multipart_body(parts);
        self
    }

    /// A multipart/form-data body whose parts may carry matchers: [`crate::MultipartPart::text`]
    /// with a matcher value, or [`crate::MultipartPart::of_type`] for any file of a type.
    pub fn multipart_body_with(&mut self, parts: &[crate::MultipartPart]) -> &mut Self {
        self.part.multipart_body_with(parts);
        self
    }

    /// A binary body compared byte for byte.
    pub fn binary_body(&mut self, bytes: &[u8], content_type: &str) -> &mut Self {
        self.part.binary_body(bytes, content_type, false);
        self
    }

    /// A binary body where any content of the same detected type matches.
    pub fn binary_body_of_type(&mut self, bytes: &[u8], content_type: &str) -> &mut Self {
        self.part.binary_body(bytes, content_type, true);
        self
    }

    pub(crate) fn build(self) -> Result<HttpRequest, String> {
        let mut part = self.part;
        let (path, path_rule, path_generator) = extract_text(&self.path).map_err(|e| e.to_string())?;
        if let Some(rule) = path_rule {
            part.rules.category_mut(Category::Path).add("", rule);
        }
        if let Some(generator) = path_generator {
            part.generators.add(Category::Path, "", generator);
        }
        let mut query: Option<Query> = None;
        for (name, value) in &self.query {
            let (text, rule, generator) = extract_text(value).map_err(|e| e.to_string())?;
            query.get_or_insert_with(Query::new).add(name.clone(), text);
            if let Some(rule) = rule {
                part.rules.category_mut(Category::Query).add(name.clone(), rule);
            }
            if let Some(generator) = generator {
                part.generators.add(Category::Query, name.clone(), generator);
            }
        }
        if let Some(error) = part.error {
            return Err(error);
        }
        Ok(HttpRequest {
            method: self.method,
            path,
            query,
            headers: part.headers,
            body: part.body,
            matching_rules: part.rules,
            generators: part.generators,
        })
    }
}

/// Builds the response of an HTTP interaction.
#[derive(Debug)]
pub struct ResponseBuilder {
    status: u16,
    part: Part,
}

impl Default for ResponseBuilder {
    fn default() -> Self {
        ResponseBuilder {
            status: 200,
            part: Part::default(),
        }
    }
}

impl ResponseBuilder {
    /// The status code.
    pub fn status(&mut self, status: u16) -> &mut Self {
        self.status = status;
        self
    }

    /// `200 OK`.
    pub fn ok(&mut self) -> &mut Self {
        self.status(200)
    }

    /// `201 Created`.
    pub fn created(&mut self) -> &mut Self {
        self.status(201)
    }

    /// `202 Accepted`.
    pub fn accepted(&mut self) -> &mut Self {
        self.status(202)
    }

    /// `204 No Content`.
    pub fn no_content(&mut self) -> &mut Self {
        self.status(204)
    }

    /// `400 Bad Request`.
    pub fn bad_request(&mut self) -> &mut Self {
        self.status(400)
    }

    /// `401 Unauthorized`.
    pub fn unauthorized(&mut self) -> &mut Self {
        self.status(401)
    }

    /// `403 Forbidden`.
    pub fn forbidden(&mut self) -> &mut Self {
        self.status(403)
    }

    /// `404 Not Found`.
    pub fn not_found(&mut self) -> &mut Self {
        self.status(404)
    }

    /// `409 Conflict`.
    pub fn conflict(&mut self) -> &mut Self {
        self.status(409)
    }

    /// `500 Internal Server Error`.
    pub fn server_error(&mut self) -> &mut Self {
        self.status(500)
    }

    /// Any status of a class (success, client error, ...); `example` is what the mock returns.
    pub fn status_class(&mut self, class: StatusClass, example: u16) -> &mut Self {
        self.status = example;
        self.part
            .rules
            .add_rule(Category::Status, "", MatchingRule::StatusCode(class));
        self
    }

    /// Adds a header value; may be a matcher.
    pub fn header(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.part.header(name, value.into());
        self
    }

    /// A JSON body that may embed matchers anywhere.
    pub fn json_body(&mut self, body: Value) -> &mut Self {
        self.part.json_body(body);
        self
    }

    /// A JSON body from a value of the caller's own type (through `serde`), compared exactly;
    /// use [`json_body`](Self::json_body) to add matchers.
    pub fn json_body_from<T: serde::Serialize>(&mut self, body: &T) -> &mut Self {
        self.part.json_body_from(body);
        self
    }

    /// A text body of the given content type, compared exactly.
    pub fn body(&mut self, text: &str, content_type: &str) -> &mut Self {
        self.part.text_body(text, content_type);
        self
    }

    /// A text body that must match a regex, with an example.
    pub fn body_matching(&mut self, pattern: &str, example: &str, content_type: &str) -> &mut Self {
        self.part.text_body_matching(pattern, example, content_type);
        self
    }

    /// An XML body.
    pub fn xml_body(&mut self, xml: &str) -> &mut Self {
        self.part.text_body(xml, "application/xml");
        self
    }

    /// An XML body built from [`crate::xml::element`]s whose attributes and text may be
    /// matchers, with repeated children declared once.
    pub fn xml_body_with(&mut self, root: crate::xml::XmlElement) -> &mut Self {
        self.part.xml_body(&root);
        self
    }

    /// A binary body compared byte for byte.
    pub fn binary_body(&mut self, bytes: &[u8], content_type: &str) -> &mut Self {
        self.part.binary_body(bytes, content_type, false);
        self
    }

    /// A binary body where any content of the same detected type matches.
    pub fn binary_body_of_type(&mut self, bytes: &[u8], content_type: &str) -> &mut Self {
        self.part.binary_body(bytes, content_type, true);
        self
    }

    pub(crate) fn build(self) -> Result<HttpResponse, String> {
        if let Some(error) = self.part.error {
            return Err(error);
        }
        Ok(HttpResponse {
            status: self.status,
            headers: self.part.headers,
            body: self.part.body,
            matching_rules: self.part.rules,
            generators: self.part.generators,
        })
    }
}
