//! GraphQL interactions: an operation (query or mutation text, its name, variables with
//! accord's matchers) and the `data` or `errors` the consumer relies on. Written to the pact in
//! the shape pact-js writes (`POST` with `{"operationName", "query", "variables"}` and a
//! regular expression on `$.query`), so the official tools read it; accord's mock server judges
//! a request's query by meaning.

use serde_json::{Map, Value, json};

use super::InteractionBuilder;

/// Declares one GraphQL operation and what the consumer expects back.
#[derive(Debug, Default)]
pub struct GraphqlInteractionBuilder {
    states: Vec<(String, Option<Value>)>,
    path: Option<String>,
    headers: Vec<(String, Value)>,
    operation_name: Option<String>,
    query: Option<String>,
    variables: Option<Value>,
    status: Option<u16>,
    data: Option<Value>,
    errors: Option<Value>,
}

impl GraphqlInteractionBuilder {
    /// A provider state the operation needs.
    pub fn given(&mut self, state: &str) -> &mut Self {
        self.states.push((state.to_owned(), None));
        self
    }

    /// A provider state with parameters.
    pub fn given_with(&mut self, state: &str, params: Value) -> &mut Self {
        self.states.push((state.to_owned(), Some(params)));
        self
    }

    /// Where the GraphQL endpoint is (default `/graphql`).
    pub fn path(&mut self, path: &str) -> &mut Self {
        self.path = Some(path.to_owned());
        self
    }

    /// A request header the consumer sends (`Authorization`, ...).
    pub fn header(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The operation's name (`operationName`); needed when the query holds several operations.
    pub fn operation_name(&mut self, name: &str) -> &mut Self {
        self.operation_name = Some(name.to_owned());
        self
    }

    /// The query or mutation text, as the consumer sends it.
    pub fn query(&mut self, text: &str) -> &mut Self {
        self.query = Some(text.to_owned());
        self
    }

    /// The variables, matchers anywhere.
    pub fn variables(&mut self, variables: Value) -> &mut Self {
        self.variables = Some(variables);
        self
    }

    /// The HTTP status of the answer (default 200).
    pub fn status(&mut self, status: u16) -> &mut Self {
        self.status = Some(status);
        self
    }

    /// The answer's `data`, matchers anywhere.
    pub fn data(&mut self, data: Value) -> &mut Self {
        self.data = Some(data);
        self
    }

    /// The answer's `errors`, matchers anywhere (an operation the provider refuses).
    pub fn errors(&mut self, errors: Value) -> &mut Self {
        self.errors = Some(errors);
        self
    }

    /// Whether the operation can be declared: it has a query that parses (a syntax error names
    /// its line and column) and names an operation it holds.
    pub(crate) fn check(&self) -> Result<(), String> {
        let query = self
            .query
            .as_deref()
            .ok_or_else(|| "a GraphQL interaction needs its query (.query(\"...\"))".to_owned())?;
        accord_graphql::Operation::parse(query, self.operation_name.as_deref(), "the query")
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Declares the HTTP interaction on `into`; [`check`](Self::check) first.
    pub(crate) fn declare(self, into: &mut InteractionBuilder) {
        let query = self.query.unwrap_or_default();
        let mut body = Map::new();
        body.insert(
            "operationName".into(),
            self.operation_name.clone().map_or(Value::Null, Value::String),
        );
        body.insert(
            "query".into(),
            crate::matchers::regex(&accord_graphql::query_pattern(&query), &query),
        );
        body.insert("variables".into(), self.variables.unwrap_or_else(|| json!({})));
        let mut answer = Map::new();
        if let Some(data) = self.data {
            answer.insert("data".into(), data);
        }
        if let Some(errors) = self.errors {
            answer.insert("errors".into(), errors);
        }
        for (state, params) in &self.states {
            match params {
                Some(params) => into.given_with(state, params.clone()),
                None => into.given(state),
            };
        }
        let path = self.path.unwrap_or_else(|| "/graphql".to_owned());
        let headers = self.headers;
        into.request(|r| {
            r.post()
                .path(path.as_str())
                .header("Content-Type", "application/json");
            for (name, value) in &headers {
                r.header(name, value.clone());
            }
            r.json_body(Value::Object(body))
        });
        let status = self.status.unwrap_or(200);
        into.response(|r| {
            r.status(status)
                .header("Content-Type", "application/json")
                .json_body(Value::Object(answer))
        });
    }
}
