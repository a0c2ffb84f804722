//! Which fields of a provider's API a pact relies on.

use accord_core::format::parse_pact;
use accord_core::usage::{FieldUse, Part, endpoint, field_uses};

fn uses(pact: &str) -> Vec<(String, Part, String)> {
    field_uses(&parse_pact(pact, "usage.json").expect("valid pact"))
        .into_iter()
        .map(|FieldUse { endpoint, part, path }| (endpoint, part, path))
        .collect()
}

#[test]
fn every_field_of_requests_responses_and_messages() {
    let found = uses(
        r#"{"consumer":{"name":"web"},"provider":{"name":"accounts"},
        "interactions":[
          {"type":"Synchronous/HTTP","description":"get account",
           "request":{"method":"get","path":"/accounts/42","query":{"fields":["all"]},"headers":{"Accept":["application/json"]}},
           "response":{"status":200,"headers":{"Content-Type":["application/json"]},
             "body":{"content":{"id":42,"owner":{"name":"Ann"},"tags":[{"label":"vip"}],"odd key":1},"contentType":"application/json"}}},
          {"type":"Synchronous/HTTP","description":"create account",
           "request":{"method":"POST","path":"/accounts/3f2504e0-4f89-11d3-9a0c-0305e82c3301",
             "body":{"content":{"owner":"Ann"},"contentType":"application/json"}},
           "response":{"status":201,"body":{"content":"created","contentType":"text/plain"}}},
          {"type":"Asynchronous/Messages","description":"account created",
           "contents":{"content":{"accountId":7},"contentType":"application/json"},"metadata":{"topic":"accounts"}}],
        "metadata":{"pactSpecification":{"version":"4.0"}}}"#,
    );
    let has = |endpoint: &str, part: Part, path: &str| {
        assert!(
            found.contains(&(endpoint.to_owned(), part, path.to_owned())),
            "{endpoint} {part} {path} in {found:#?}"
        );
    };
    has("GET /accounts/{id}", Part::RequestQuery, "fields");
    has("GET /accounts/{id}", Part::RequestHeader, "accept");
    has("GET /accounts/{id}", Part::ResponseHeader, "content-type");
    has("GET /accounts/{id}", Part::ResponseBody, "$.id");
    has("GET /accounts/{id}", Part::ResponseBody, "$.owner");
    has("GET /accounts/{id}", Part::ResponseBody, "$.owner.name");
    has("GET /accounts/{id}", Part::ResponseBody, "$.tags[*].label");
    has("GET /accounts/{id}", Part::ResponseBody, "$['odd key']");
    has("POST /accounts/{id}", Part::RequestBody, "$.owner");
    has("POST /accounts/{id}", Part::ResponseBody, "$");
    has("message: account created", Part::MessageBody, "$.accountId");
    has("message: account created", Part::MessageMetadata, "topic");
    let mut sorted = found.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(found, sorted, "sorted without repeats");
}

#[test]
fn identifiers_in_paths_become_placeholders() {
    assert_eq!(endpoint("get", "/accounts/42/owner"), "GET /accounts/{id}/owner");
    assert_eq!(
        endpoint("DELETE", "/a/123e4567-e89b-12d3-a456-426614174000"),
        "DELETE /a/{id}"
    );
    assert_eq!(
        endpoint("GET", "/v2/accounts"),
        "GET /v2/accounts",
        "only whole-number segments"
    );
}
