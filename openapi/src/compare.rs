//! The comparison of a pact's HTTP interactions with a document: the operation, the request's
//! parameters, content type and body, the response's status and body.

use std::fmt;

use accord_core::{HttpInteraction, Interaction, Pact};
use serde_json::Value;

use crate::document::OpenApi;
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
    let name = interaction.info.description.clone();
    let mismatch = |pact_path: &str, document_path: &str, message: String| ContractMismatch {
        interaction: name.clone(),
        pact_path: pact_path.to_owned(),
        document_path: document_path.to_owned(),
        message,
    };
    let request = &interaction.request;
    let operation = match document.operation(&request.method, &request.path) {
        None => {
            return vec![mismatch(
                "request.path",
                "paths",
                format!("no path of the document matches {}", request.path),
            )];
        }
        Some(Err(location)) => {
            return vec![mismatch(
                "request.method",
                &location,
                format!("the document has no {} operation for this path", request.method),
            )];
        }
        Some(Ok(operation)) => operation,
    };
    let mut out = Vec::new();
    let at = |what: &str| format!("{}.{what}", operation.location);
    let request_checker = Checker {
        document,
        rules: &request.matching_rules,
        direction: Direction::Request,
    };
    // Parameters: path values must fit their schemas; required query parameters must be sent;
    // a query parameter the document does not know is refused by strict providers.
    for parameter in &operation.parameters {
        let (Some(name), Some(place)) = (parameter["name"].as_str(), parameter["in"].as_str()) else {
            continue;
        };
        let required = parameter["required"] == Value::Bool(true);
        let sent: Option<String> = match place {
            "path" => operation
                .path_values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            "query" => request
                .query
                .as_ref()
                .and_then(|q| q.get(name))
                .and_then(|v| v.first().cloned()),
            "header" => request.headers.get(name).and_then(|v| v.first().cloned()),
            _ => continue,
        };
        match sent {
            None if required => out.push(mismatch(
                &format!("request.{place}.{name}"),
                &at("parameters"),
                format!("the document requires the {place} parameter '{name}', which the pact's request does not send"),
            )),
            None => {}
            Some(text) => {
                let schema = &parameter["schema"];
                let value = typed_text(&text, document.resolve(schema));
                for p in request_checker.check(&value, schema, "$", &at(&format!("parameters.{name}.schema"))) {
                    out.push(mismatch(&format!("request.{place}.{name}"), &p.document_path, p.message));
                }
            }
        }
    }
    if let Some(query) = &request.query {
        for (name, _) in query.iter() {
            let documented = operation
                .parameters
                .iter()
                .any(|p| p["in"] == "query" && p["name"].as_str() == Some(name));
            if !documented {
                out.push(mismatch(
                    &format!("request.query.{name}"),
                    &at("parameters"),
                    format!("the query parameter '{name}' is not in the document"),
                ));
            }
        }
    }
    let body_problems = |direction,
                         checker: Checker<'_>,
                         part: &str,
                         body: &accord_core::Body,
                         content: &Value,
                         content_at: String| {
        let mut found = Vec::new();
        let Some(json) = body.as_json() else { return found };
        let media = content.as_object().and_then(|c| {
            c.iter()
                .find(|(media, _)| media.contains("json"))
                .or_else(|| c.iter().find(|(media, _)| *media == "*/*"))
        });
        match media {
            Some((media, entry)) => {
                let schema = &entry["schema"];
                if !schema.is_null() {
                    for Problem {
                        pact_path,
                        document_path,
                        message,
                    } in checker.check(&json, schema, "$", &format!("{content_at}.{media}.schema"))
                    {
                        found.push((format!("{part}.body.{pact_path}"), document_path, message));
                    }
                }
            }
            None if direction == Direction::Request => found.push((
                format!("{part}.body"),
                content_at.clone(),
                "the document does not accept a JSON body here".to_owned(),
            )),
            None => found.push((
                format!("{part}.body"),
                content_at.clone(),
                "the document promises no JSON body here".to_owned(),
            )),
        }
        found
    };
    let request_content = &document.resolve(&operation.operation["requestBody"])["content"];
    if request.body.as_json().is_some() {
        for (pact_path, document_path, message) in body_problems(
            Direction::Request,
            request_checker,
            "request",
            &request.body,
            request_content,
            at("requestBody.content"),
        ) {
            out.push(mismatch(&pact_path, &document_path, message));
        }
    }
    let response = &interaction.response;
    let status = response.status.to_string();
    let responses = &operation.operation["responses"];
    let documented = responses
        .get(&status)
        .or_else(|| responses.get(format!("{}XX", &status[..1])))
        .or_else(|| responses.get("default"));
    let Some(documented) = documented else {
        out.push(mismatch(
            "response.status",
            &at("responses"),
            format!("the document does not list status {status} for this operation"),
        ));
        return out;
    };
    let documented = document.resolve(documented);
    if response.body.as_json().is_some() {
        let checker = Checker {
            document,
            rules: &response.matching_rules,
            direction: Direction::Response,
        };
        for (pact_path, document_path, message) in body_problems(
            Direction::Response,
            checker,
            "response",
            &response.body,
            &documented["content"],
            at(&format!("responses.{status}.content")),
        ) {
            out.push(mismatch(&pact_path, &document_path, message));
        }
    }
    out
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
