//! Which parts of a provider's API a pact relies on: for each endpoint (or message), the query
//! parameters, headers and body fields the consumer sends or needs back. Put together over
//! every consumer's pact, it answers "who uses this field?" before a provider removes or
//! renames it.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::model::{Body, Interaction, Pact};

/// Where in an interaction a field sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// A query parameter the consumer sends.
    RequestQuery,
    /// A header the consumer sends.
    RequestHeader,
    /// A field of the body the consumer sends.
    RequestBody,
    /// A header the consumer needs in the response.
    ResponseHeader,
    /// A field of the response body the consumer needs.
    ResponseBody,
    /// A metadata entry of a message the consumer receives.
    MessageMetadata,
    /// A field of a message the consumer receives (or, for a synchronous message, sends).
    MessageBody,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::RequestQuery => "request query",
            Part::RequestHeader => "request header",
            Part::RequestBody => "request body",
            Part::ResponseHeader => "response header",
            Part::ResponseBody => "response body",
            Part::MessageMetadata => "message metadata",
            Part::MessageBody => "message body",
        })
    }
}

/// One field an interaction relies on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldUse {
    /// `GET /accounts/{id}` for HTTP (numbers and UUIDs in the path become `{id}`), or
    /// `message: <description>` for messages.
    pub endpoint: String,
    /// Where the field sits.
    pub part: Part,
    /// The field: a JSON path such as `$.items[*].id` for bodies (`$` for a body that is not
    /// JSON), the name for headers, query parameters and metadata.
    pub path: String,
}

/// Every field the pact's interactions rely on, sorted and without repeats.
pub fn field_uses(pact: &Pact) -> Vec<FieldUse> {
    let mut out = BTreeSet::new();
    for interaction in &pact.interactions {
        match interaction {
            Interaction::Http(http) => {
                let endpoint = endpoint(&http.request.method, &http.request.path);
                let mut add = |part, path: String| {
                    out.insert(FieldUse {
                        endpoint: endpoint.clone(),
                        part,
                        path,
                    });
                };
                if let Some(query) = &http.request.query {
                    for (name, _) in query.iter() {
                        add(Part::RequestQuery, name.to_owned());
                    }
                }
                for (name, _) in http.request.headers.iter() {
                    add(Part::RequestHeader, name.to_ascii_lowercase());
                }
                for path in body_paths(&http.request.body) {
                    add(Part::RequestBody, path);
                }
                for (name, _) in http.response.headers.iter() {
                    add(Part::ResponseHeader, name.to_ascii_lowercase());
                }
                for path in body_paths(&http.response.body) {
                    add(Part::ResponseBody, path);
                }
            }
            Interaction::AsyncMessage(message) => {
                let endpoint = format!("message: {}", message.info.description);
                for key in message.message.metadata.keys() {
                    out.insert(FieldUse {
                        endpoint: endpoint.clone(),
                        part: Part::MessageMetadata,
                        path: key.clone(),
                    });
                }
                for path in body_paths(&message.message.contents) {
                    out.insert(FieldUse {
                        endpoint: endpoint.clone(),
                        part: Part::MessageBody,
                        path,
                    });
                }
            }
            Interaction::SyncMessage(message) => {
                let endpoint = format!("message: {}", message.info.description);
                for contents in std::iter::once(&message.request).chain(&message.response) {
                    for path in body_paths(&contents.contents) {
                        out.insert(FieldUse {
                            endpoint: endpoint.clone(),
                            part: Part::MessageBody,
                            path,
                        });
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// `GET /accounts/42` → `GET /accounts/{id}`: path segments that are numbers or UUIDs are
/// identifiers, so two consumers asking for different accounts meet at one endpoint.
pub fn endpoint(method: &str, path: &str) -> String {
    let normalised: Vec<&str> = path
        .split('/')
        .map(|segment| if is_identifier(segment) { "{id}" } else { segment })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), normalised.join("/"))
}

fn is_identifier(segment: &str) -> bool {
    let numeric = !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit());
    let uuid = segment.len() == 36
        && segment.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    numeric || uuid
}

/// The JSON paths of every key in a JSON body (arrays as `[*]`, over all their elements);
/// `$` alone for a body of another kind; nothing for no body.
fn body_paths(body: &Body) -> Vec<String> {
    if !body.is_present() {
        return Vec::new();
    }
    match body.as_json() {
        Some(value) => {
            let mut out = BTreeSet::new();
            walk(&value, "$", &mut out);
            if out.is_empty() {
                out.insert("$".to_owned());
            }
            out.into_iter().collect()
        }
        None => vec!["$".to_owned()],
    }
}

fn walk(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let child =
                    if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                        format!("{path}.{key}")
                    } else {
                        format!("{path}['{}']", key.replace('\'', "\\'"))
                    };
                out.insert(child.clone());
                walk(item, &child, out);
            }
        }
        Value::Array(items) => {
            let child = format!("{path}[*]");
            for item in items {
                walk(item, &child, out);
            }
        }
        _ => {}
    }
}
