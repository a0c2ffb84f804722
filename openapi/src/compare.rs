//! The comparison of a pact's HTTP interactions with a document: the operation, the request's
//! parameters, content type and body, the response's status and body.

use std::fmt;

use accord_core::rules::MatchingRules;
use accord_core::{HttpInteraction, HttpRequest, HttpResponse, Interaction, Pact};
use serde_json::Value;

use crate::document::{OpenApi, Operation};
use crate::media;
use crate::schema::{Checker, Direction, Problem};

/// One way an interaction disagrees with the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractMismatch {
    /// The interaction's description.
    pub interaction: String,
    /// Where in the interaction: `request.path`, `request.query.page`, `response.body.$.id`.
    pub pact_path: String,
    /// Where in the document: `paths./accounts/{id}.get.responses.200...`; empty when the
    /// document has no such place.
    pub document_path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ContractMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}' {}: {}", self.interaction, self.pact_path, self.message)?;
        if !self.document_path.is_empty() {
            write!(f, " (document: {})", self.document_path)?;
        }
        Ok(())
    }
}

/// The verdict for one pact: every mismatch, and how many HTTP interactions were compared.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// HTTP interactions compared (messages are not described by OpenAPI and are left out).
    pub interactions: usize,
    /// Every disagreement found.
    pub mismatches: Vec<ContractMismatch>,
}

impl Comparison {
    /// Whether the pact and the document agree.
    pub fn is_compatible(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Compares every HTTP interaction of `pact` with `document`.
pub fn compare(document: &OpenApi, pact: &Pact) -> Comparison {
    let mut comparison = Comparison::default();
    for interaction in &pact.interactions {
        if let Interaction::Http(http) = interaction {
            comparison.interactions += 1;
            comparison.mismatches.extend(compare_interaction(document, http));
        }
    }
    comparison
}

fn compare_interaction(document: &OpenApi, interaction: &HttpInteraction) -> Vec<ContractMismatch> {
    let request = &interaction.request;
    let mut judge = Judge {
        document,
        name: &interaction.info.description,
        out: Vec::new(),
    };
    let operation = match document.operation(&request.method, &request.path) {
        None => {
            judge.push(
                "request.path",
                "paths",
                format!("no path of the document matches {}", request.path),
            );
            return judge.out;
        }
        Some(Err(location)) => {
            judge.push(
                "request.method",
                &location,
                format!("the document has no {} operation for this path", request.method),
            );
            return judge.out;
        }
        Some(Ok(operation)) => operation,
    };
    judge.parameters(&operation, request);
    judge.security(&operation, request);
    judge.undocumented_query(&operation, request);
    judge.request_body(&operation, request);
    judge.response(&operation, interaction);
    judge.out
}

/// The mismatches of one interaction, found step by step against its operation.
struct Judge<'a> {
    document: &'a OpenApi,
    /// The interaction's description.
    name: &'a str,
    out: Vec<ContractMismatch>,
}

impl Judge<'_> {
    fn push(&mut self, pact_path: &str, document_path: &str, message: String) {
        self.out.push(ContractMismatch {
            interaction: self.name.to_owned(),
            pact_path: pact_path.to_owned(),
            document_path: document_path.to_owned(),
            message,
        });
    }

    fn request_checker<'r>(&self, request: &'r HttpRequest) -> Checker<'r>
    where
        Self: 'r,
    {
        Checker {
            document: self.document,
            rules: &request.matching_rules,
            direction: Direction::Request,
        }
    }

    /// Path values must fit their schemas; required parameters must be sent.
    fn parameters(&mut self, operation: &Operation<'_>, request: &HttpRequest) {
        let at = |what: &str| format!("{}.{what}", operation.location);
        for parameter in &operation.parameters {
            let (Some(name), Some(place)) = (parameter["name"].as_str(), parameter["in"].as_str()) else {
                continue;
            };
            let required = parameter["required"] == Value::Bool(true);
            let sent: Option<Vec<String>> = match place {
                "path" => operation
                    .path_values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| vec![v.clone()]),
                "query" => request
                    .query
                    .as_ref()
                    .and_then(|q| q.get(name))
                    .map(<[String]>::to_vec),
                "header" => request.headers.get(name).map(<[String]>::to_vec),
                _ => continue,
            };
            match sent {
                None if required => self.push(
                    &format!("request.{place}.{name}"),
                    &at("parameters"),
                    format!("the document requires the {place} parameter '{name}', which the pact's request does not send"),
                ),
                None => {}
                Some(texts) => {
                    let schema = &parameter["schema"];
                    let value = parameter_value(&texts, self.document.resolve(schema), self.document);
                    let place_at = at(&format!("parameters.{name}.schema"));
                    for p in self.request_checker(request).check(&value, schema, "$", &place_at) {
                        self.push(&format!("request.{place}.{name}"), &p.document_path, p.message);
                    }
                }
            }
        }
    }

    /// Some alternative of the operation's security requirements must be met by what the
    /// request sends, or the provider answers 401.
    fn security(&mut self, operation: &Operation<'_>, request: &HttpRequest) {
        let Some(alternatives) = self.document.security(operation.operation) else {
            return;
        };
        let met = alternatives
            .iter()
            .any(|all| all.iter().all(|(_, scheme)| sends_credentials(request, scheme)));
        if met {
            return;
        }
        let wanted: Vec<String> = alternatives
            .iter()
            .map(|all| {
                all.iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        self.push(
            "request.headers",
            &format!("{}.security", operation.location),
            format!(
                "the document requires credentials ({}) that the pact's request does not send",
                wanted.join(" or ")
            ),
        );
    }

    /// A query parameter the document does not know is refused by strict providers (one that
    /// carries an API key of the operation's security is documented).
    fn undocumented_query(&mut self, operation: &Operation<'_>, request: &HttpRequest) {
        let Some(query) = &request.query else { return };
        let keys: Vec<&str> = self
            .document
            .security(operation.operation)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|(_, scheme)| scheme["type"] == "apiKey" && scheme["in"] == "query")
            .filter_map(|(_, scheme)| scheme["name"].as_str())
            .collect();
        for (name, _) in query.iter() {
            let documented = keys.contains(&name)
                || operation
                    .parameters
                    .iter()
                    .any(|p| p["in"] == "query" && p["name"].as_str() == Some(name));
            if !documented {
                self.push(
                    &format!("request.query.{name}"),
                    &format!("{}.parameters", operation.location),
                    format!("the query parameter '{name}' is not in the document"),
                );
            }
        }
    }

    /// The request body must be one the operation accepts, and be sent when required.
    fn request_body(&mut self, operation: &Operation<'_>, request: &HttpRequest) {
        let request_body = self.document.resolve(&operation.operation["requestBody"]);
        if request.body.is_present() {
            let found = body_problems(
                self.request_checker(request),
                "request",
                &request.body,
                request.content_type().map(|ct| ct.essence()),
                &request_body["content"],
                format!("{}.requestBody.content", operation.location),
            );
            for (pact_path, document_path, message) in found {
                self.push(&pact_path, &document_path, message);
            }
        } else if request_body["required"] == Value::Bool(true) {
            self.push(
                "request.body",
                &format!("{}.requestBody", operation.location),
                "the document requires a request body, which the pact's request does not send".to_owned(),
            );
        }
    }

    /// The status must be documented, and the body and headers the consumer expects promised.
    fn response(&mut self, operation: &Operation<'_>, interaction: &HttpInteraction) {
        let (request, response) = (&interaction.request, &interaction.response);
        let status = response.status.to_string();
        let responses = &operation.operation["responses"];
        let documented = responses
            .get(&status)
            .or_else(|| responses.get(format!("{}XX", &status[..1])))
            .or_else(|| responses.get("default"));
        let Some(documented) = documented else {
            self.push(
                "response.status",
                &format!("{}.responses", operation.location),
                format!("the document does not list status {status} for this operation"),
            );
            return;
        };
        let documented = self.document.resolve(documented);
        let response_at = format!("{}.responses.{status}", operation.location);
        if let Some(accept) = request.headers.get_joined("accept")
            && !media::acceptable(&accept, &documented["content"])
        {
            self.push(
                "request.headers.Accept",
                &format!("{response_at}.content"),
                format!("the document's response has no type the request accepts ('{accept}')"),
            );
        }
        if response.body.is_present() {
            let checker = Checker {
                document: self.document,
                rules: &response.matching_rules,
                direction: Direction::Response,
            };
            let found = body_problems(
                checker,
                "response",
                &response.body,
                response.content_type().map(|ct| ct.essence()),
                &documented["content"],
                format!("{response_at}.content"),
            );
            for (pact_path, document_path, message) in found {
                self.push(&pact_path, &document_path, message);
            }
        }
        self.response_headers(response, documented, &response_at);
    }

    /// Every header the consumer expects must be promised, with a value of the documented type.
    fn response_headers(&mut self, response: &HttpResponse, documented: &Value, response_at: &str) {
        let no_rules = MatchingRules::default();
        let checker = Checker {
            document: self.document,
            rules: &no_rules,
            direction: Direction::Response,
        };
        for (name, values) in response.headers.iter() {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let pact_path = format!("response.headers.{name}");
            let Some((documented_name, header)) = media::documented_header(&documented["headers"], name)
            else {
                self.push(
                    &pact_path,
                    &format!("{response_at}.headers"),
                    format!("the document does not promise the response header '{name}'"),
                );
                continue;
            };
            let header = self.document.resolve(header);
            let schema = &header["schema"];
            let Some(value) = values.first() else { continue };
            if schema.is_null() {
                continue;
            }
            let typed = typed_text(value, self.document.resolve(schema));
            let place = format!("{response_at}.headers.{documented_name}.schema");
            for p in checker.check(&typed, schema, "$", &place) {
                self.push(&pact_path, &p.document_path, p.message);
            }
        }
    }
}

/// Whether the request sends what a security scheme asks for.
fn sends_credentials(request: &HttpRequest, scheme: &Value) -> bool {
    let name = scheme["name"].as_str().unwrap_or_default();
    match (scheme["type"].as_str(), scheme["in"].as_str()) {
        (Some("apiKey"), Some("query")) => request.query.as_ref().is_some_and(|q| q.get(name).is_some()),
        (Some("apiKey"), Some("header")) => request.headers.get(name).is_some(),
        (Some("apiKey"), Some("cookie")) => request
            .headers
            .get_joined("cookie")
            .is_some_and(|c| c.split(';').any(|kv| kv.trim().starts_with(&format!("{name}=")))),
        // http (basic, bearer), oauth2, openIdConnect and Swagger 2.0's basic.
        (Some(_), _) => request.headers.get("authorization").is_some(),
        // A scheme the document does not define cannot be judged.
        (None, _) => true,
    }
}

/// A body against the documented `content` of a request or response: a media type it may
/// have, and for JSON the schema; (pact path, document path, message) each.
fn body_problems(
    checker: Checker<'_>,
    part: &str,
    body: &accord_core::Body,
    content_type: Option<String>,
    content: &Value,
    content_at: String,
) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let json = body.as_json();
    let Some((media, entry)) = media::select(content, content_type.as_deref(), json.is_some()) else {
        let kind = content_type.map_or_else(|| "JSON".to_owned(), |ct| format!("'{ct}'"));
        let message = match checker.direction {
            Direction::Request => format!("the document accepts no {kind} request body here"),
            Direction::Response => format!("the document promises no {kind} body here"),
        };
        found.push((format!("{part}.body"), content_at, message));
        return found;
    };
    // Schemas are checked for JSON bodies; other bodies only for their media type.
    let schema = &entry["schema"];
    if let Some(json) = json
        && !schema.is_null()
    {
        for Problem {
            pact_path,
            document_path,
            message,
        } in checker.check(&json, schema, "$", &format!("{content_at}.{media}.schema"))
        {
            found.push((format!("{part}.body.{pact_path}"), document_path, message));
        }
    }
    found
}

/// A parameter's values as the JSON value its schema describes: a list for an array (repeated
/// values, or one comma-separated value), else the first value typed.
fn parameter_value(texts: &[String], schema: &Value, document: &OpenApi) -> Value {
    if schema["type"] == "array" {
        let items = document.resolve(&schema["items"]);
        let parts: Vec<&str> = match texts {
            [one] => one.split(',').collect(),
            many => many.iter().map(String::as_str).collect(),
        };
        return Value::Array(parts.into_iter().map(|t| typed_text(t, items)).collect());
    }
    texts.first().map_or(Value::Null, |text| typed_text(text, schema))
}

/// A parameter's text as the JSON value its schema describes (`42` as a number for an integer).
fn typed_text(text: &str, schema: &Value) -> Value {
    let wants = |t: &str| {
        schema["type"] == t
            || schema["type"]
                .as_array()
                .is_some_and(|l| l.iter().any(|v| v == t))
    };
    if (wants("integer") || wants("number"))
        && let Ok(number) = serde_json::from_str::<serde_json::Number>(text)
    {
        return Value::Number(number);
    }
    if wants("boolean") && (text == "true" || text == "false") {
        return Value::Bool(text == "true");
    }
    Value::String(text.to_owned())
}
