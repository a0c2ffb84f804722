//! The comparison of a pact's HTTP interactions with a document: the operation, the request's
//! parameters, content type and body, the response's status and body.

use std::fmt;

use accord_core::rules::MatchingRules;
use accord_core::{HttpInteraction, Interaction, Pact};
use serde_json::Value;

use crate::document::OpenApi;
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
            None if required => out.push(mismatch(
                &format!("request.{place}.{name}"),
                &at("parameters"),
                format!("the document requires the {place} parameter '{name}', which the pact's request does not send"),
            )),
            None => {}
            Some(texts) => {
                let schema = &parameter["schema"];
                let value = parameter_value(&texts, document.resolve(schema), document);
                for p in request_checker.check(&value, schema, "$", &at(&format!("parameters.{name}.schema"))) {
                    out.push(mismatch(&format!("request.{place}.{name}"), &p.document_path, p.message));
                }
            }
        }
    }
    // Security: some alternative of the operation's requirements must be met by what the
    // request sends, or the provider answers 401.
    if let Some(alternatives) = document.security(operation.operation) {
        let sends = |scheme: &Value| -> bool {
            let name = scheme["name"].as_str().unwrap_or_default();
            match (scheme["type"].as_str(), scheme["in"].as_str()) {
                (Some("apiKey"), Some("query")) => {
                    request.query.as_ref().is_some_and(|q| q.get(name).is_some())
                }
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
        };
        let met = alternatives
            .iter()
            .any(|all| all.iter().all(|(_, scheme)| sends(scheme)));
        if !met {
            let wanted: Vec<String> = alternatives
                .iter()
                .map(|all| {
                    all.iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            out.push(mismatch(
                "request.headers",
                &at("security"),
                format!(
                    "the document requires credentials ({}) that the pact's request does not send",
                    wanted.join(" or ")
                ),
            ));
        }
    }
    if let Some(query) = &request.query {
        // A query parameter that carries an API key of the operation's security is documented.
        let keys: Vec<&str> = document
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
                out.push(mismatch(
                    &format!("request.query.{name}"),
                    &at("parameters"),
                    format!("the query parameter '{name}' is not in the document"),
                ));
            }
        }
    }
    let body_problems = |checker: Checker<'_>,
                         part: &str,
                         body: &accord_core::Body,
                         content_type: Option<String>,
                         content: &Value,
                         content_at: String| {
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
    };
    let request_body = document.resolve(&operation.operation["requestBody"]);
    if request.body.is_present() {
        for (pact_path, document_path, message) in body_problems(
            request_checker,
            "request",
            &request.body,
            request.content_type().map(|ct| ct.essence()),
            &request_body["content"],
            at("requestBody.content"),
        ) {
            out.push(mismatch(&pact_path, &document_path, message));
        }
    } else if request_body["required"] == Value::Bool(true) {
        out.push(mismatch(
            "request.body",
            &at("requestBody"),
            "the document requires a request body, which the pact's request does not send".to_owned(),
        ));
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
    let response_at = at(&format!("responses.{status}"));
    if let Some(accept) = request.headers.get_joined("accept")
        && !media::acceptable(&accept, &documented["content"])
    {
        out.push(mismatch(
            "request.headers.Accept",
            &format!("{response_at}.content"),
            format!("the document's response has no type the request accepts ('{accept}')"),
        ));
    }
    let checker = Checker {
        document,
        rules: &response.matching_rules,
        direction: Direction::Response,
    };
    if response.body.is_present() {
        for (pact_path, document_path, message) in body_problems(
            checker,
            "response",
            &response.body,
            response.content_type().map(|ct| ct.essence()),
            &documented["content"],
            format!("{response_at}.content"),
        ) {
            out.push(mismatch(&pact_path, &document_path, message));
        }
    }
    // Every header the consumer expects must be promised, with a value of the documented type.
    let no_rules = MatchingRules::default();
    let header_checker = Checker {
        document,
        rules: &no_rules,
        direction: Direction::Response,
    };
    for (name, values) in response.headers.iter() {
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let pact_path = format!("response.headers.{name}");
        match media::documented_header(&documented["headers"], name) {
            None => out.push(mismatch(
                &pact_path,
                &format!("{response_at}.headers"),
                format!("the document does not promise the response header '{name}'"),
            )),
            Some((documented_name, header)) => {
                let header = document.resolve(header);
                let schema = &header["schema"];
                let Some(value) = values.first() else { continue };
                if schema.is_null() {
                    continue;
                }
                let typed = typed_text(value, document.resolve(schema));
                let place = format!("{response_at}.headers.{documented_name}.schema");
                for p in header_checker.check(&typed, schema, "$", &place) {
                    out.push(mismatch(&pact_path, &p.document_path, p.message));
                }
            }
        }
    }
    out
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
