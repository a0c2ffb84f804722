//! GraphQL over HTTP as Pact writes it (pact-js's `GraphQLInteraction`): a `POST` with a JSON
//! body `{"operationName", "query", "variables"}` and a regular expression on `$.query`. accord
//! reads such an interaction's query as an operation and judges a request's query by meaning
//! instead of by the expression; the variables and the rest of the body are matched as any JSON.

use accord_core::{Body, HttpRequest, Mismatch, MismatchKind};
use serde_json::Value;

use crate::compare::compare;
use crate::operation::Operation;

/// A GraphQL request's parts, from its JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphqlRequest {
    /// The document's text.
    pub query: String,
    /// The operation to run, when named.
    pub operation_name: Option<String>,
    /// The variables.
    pub variables: Value,
}

impl GraphqlRequest {
    /// The parts of a JSON body with a `query` string; `None` for any other body.
    pub fn from_body(body: &Body) -> Option<GraphqlRequest> {
        let value: Value = serde_json::from_slice(body.content()).ok()?;
        let query = value.get("query")?.as_str()?.to_owned();
        Some(GraphqlRequest {
            query,
            operation_name: value
                .get("operationName")
                .and_then(Value::as_str)
                .map(str::to_owned),
            variables: value.get("variables").cloned().unwrap_or(Value::Null),
        })
    }

    /// The operation it asks to run; `source_name` names it in errors.
    pub fn operation(&self, source_name: &str) -> Result<Operation, crate::GraphqlError> {
        Operation::parse(&self.query, self.operation_name.as_deref(), source_name)
    }
}

/// The operation an HTTP interaction's request declares, when its body is a GraphQL request
/// whose query parses; `None` for any other interaction.
pub fn declared_operation(request: &HttpRequest) -> Option<Operation> {
    if !request.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    GraphqlRequest::from_body(&request.body)?
        .operation("the interaction's query")
        .ok()
}

/// A request's GraphQL query as sent, read once however many interactions it is judged
/// against.
#[derive(Debug, Clone)]
pub enum SentQuery {
    /// The body is not a JSON object with a `query` string.
    Missing,
    /// The query does not parse, or names no operation it holds.
    Unreadable {
        /// The query's text.
        query: String,
        /// Why it cannot be read.
        error: crate::GraphqlError,
    },
    /// The operation it asks to run.
    Operation(Operation),
}

impl SentQuery {
    /// The query of a request body.
    pub fn of(body: &Body) -> SentQuery {
        let Some(request) = GraphqlRequest::from_body(body) else {
            return SentQuery::Missing;
        };
        match request.operation("the request's query") {
            Ok(operation) => SentQuery::Operation(operation),
            Err(error) => SentQuery::Unreadable {
                query: request.query,
                error,
            },
        }
    }
}

/// A request's mismatches against a GraphQL interaction, with its query judged by meaning:
/// whatever the body matching said of `$.query` (a regular expression, or the text) is replaced
/// by the differences between the operations, each naming its path in the operation.
pub fn judge_query(declared: &Operation, mut mismatches: Vec<Mismatch>, sent: &SentQuery) -> Vec<Mismatch> {
    mismatches.retain(|m| {
        !(matches!(m.kind, MismatchKind::Body | MismatchKind::BodyType) && m.location == "$.query")
    });
    match sent {
        SentQuery::Missing => mismatches.push(Mismatch::new(
            MismatchKind::Body,
            "$.query",
            "a GraphQL query",
            "",
            "the request's body has no GraphQL query (a JSON object with a \"query\" string)",
        )),
        SentQuery::Unreadable { query, error } => mismatches.push(Mismatch::new(
            MismatchKind::Body,
            "$.query",
            "a GraphQL query",
            query.clone(),
            format!("the request's query is not GraphQL: {error}"),
        )),
        SentQuery::Operation(sent) => mismatches.extend(compare(declared, sent).into_iter().map(|d| {
            Mismatch::new(
                MismatchKind::Body,
                format!("$.query {}", d.path),
                "",
                "",
                format!("{}: {}", d.path, d.message),
            )
        })),
    }
    mismatches
}

/// The regular expression pact-js writes on `$.query` for a declared query: its special
/// characters escaped and each run of whitespace made optional (`\s*`).
pub fn query_pattern(query: &str) -> String {
    let mut out = String::with_capacity(query.len() * 2);
    let mut in_space = false;
    for c in query.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push_str("\\s*");
                in_space = true;
            }
            continue;
        }
        in_space = false;
        if "-[]/{}()*+?.\\^$|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The GraphQL errors a provider answered that the consumer did not expect: a JSON answer with
/// a non-empty `errors` array, to an interaction whose expected answer declares no `errors`.
/// GraphQL servers answer a failed operation with HTTP 200, so neither the status nor Pact's
/// body matching (which lets an answer carry more keys) would notice.
pub fn unexpected_errors(
    expected: &accord_core::HttpResponse,
    actual: &accord_core::HttpResponse,
) -> Option<Mismatch> {
    let declared: Value = serde_json::from_slice(expected.body.content()).unwrap_or(Value::Null);
    if declared.get("errors").is_some() {
        return None;
    }
    let answered: Value = serde_json::from_slice(actual.body.content()).ok()?;
    let errors = answered.get("errors")?.as_array().filter(|e| !e.is_empty())?;
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            let message = e.get("message").and_then(Value::as_str).unwrap_or("(no message)");
            match e.get("path").and_then(Value::as_array) {
                Some(path) if !path.is_empty() => {
                    let path: Vec<String> = path
                        .iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                        .collect();
                    format!("{} (at {})", message, path.join("."))
                }
                _ => message.to_owned(),
            }
        })
        .collect();
    Some(Mismatch::new(
        MismatchKind::Body,
        "$.errors",
        "no GraphQL errors",
        Value::Array(errors.clone()).to_string(),
        format!(
            "the provider answered GraphQL errors the consumer does not expect: {}",
            messages.join("; ")
        ),
    ))
}
