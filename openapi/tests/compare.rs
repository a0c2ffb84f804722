//! The comparison through the public API: one document, one interaction per kind of mismatch,
//! each named by interaction, pact path and document path.

use accord_openapi::{OpenApi, compare};
use serde_json::{Value, json};

const DOCUMENT: &str = r##"
openapi: 3.1.0
info: {title: accounts, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /accounts:
    get:
      parameters:
        - {name: page, in: query, required: true, schema: {type: integer}}
      responses:
        "200":
          description: accounts
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Account"}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [owner]
              additionalProperties: false
              properties:
                owner: {type: string}
                riskProfile: {$ref: "#/components/schemas/Risk"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Account"}
  /accounts/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        "200":
          description: an account
          content:
            application/json:
              schema:
                allOf:
                  - $ref: "#/components/schemas/Account"
                  - type: object
                    required: [manager]
                    properties:
                      manager: {oneOf: [{type: string}, {type: "null"}]}
        "404": {description: not found}
components:
  schemas:
    Risk: {type: string, enum: [CONSERVATIVE, BALANCED, AGGRESSIVE]}
    Account:
      type: object
      required: [id, owner, riskProfile, opened]
      properties:
        id: {type: integer}
        owner: {type: string}
        riskProfile: {$ref: "#/components/schemas/Risk"}
        opened: {type: string, format: date-time}
        nickname: {type: [string, "null"]}
"##;

fn interaction(description: &str, request: Value, response: Value) -> Value {
    json!({"description": description, "request": request, "response": response})
}

fn mismatches(interactions: Vec<Value>) -> Vec<(String, String, String, String)> {
    let document = OpenApi::parse(DOCUMENT, "accounts.yaml").expect("document");
    let pact = json!({"consumer": {"name": "web"}, "provider": {"name": "accounts"}, "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}}});
    let pact = accord_core::format::parse_pact_value(&pact, "web-accounts.json").expect("pact");
    compare(&document, &pact)
        .mismatches
        .into_iter()
        .map(|m| (m.interaction, m.pact_path, m.document_path, m.message))
        .collect()
}

fn account() -> Value {
    json!({"id": 42, "owner": "ann", "riskProfile": "BALANCED", "opened": "2026-11-28T09:50:54Z", "manager": null})
}

#[test]
fn a_pact_the_document_describes_is_compatible() {
    let found = mismatches(vec![
        interaction(
            "get account",
            json!({"method": "GET", "path": "/v1/accounts/42"}),
            json!({"status": 200, "headers": {"Content-Type": "application/json"}, "body": account()}),
        ),
        interaction(
            "list accounts",
            json!({"method": "GET", "path": "/v1/accounts", "query": "page=2"}),
            json!({"status": 200, "headers": {"Content-Type": "application/json"}, "body": [{"id": 1, "owner": "bob", "riskProfile": "LOW-ISH", "opened": "2026-01-01T00:00:00Z"}],
                   "matchingRules": {"body": {"$[0].riskProfile": {"matchers": [{"match": "regex", "regex": "[A-Z]+"}]}}}}),
        ),
        interaction(
            "missing account",
            json!({"method": "GET", "path": "/v1/accounts/7"}),
            json!({"status": 404}),
        ),
        interaction(
            "open account",
            json!({"method": "POST", "path": "/v1/accounts", "headers": {"Content-Type": "application/json"}, "body": {"owner": "ann", "riskProfile": "BALANCED"}}),
            json!({"status": 201, "headers": {"Content-Type": "application/json"}, "body": {"id": 1, "owner": "ann", "riskProfile": "BALANCED", "opened": "2026-11-28T09:50:54Z"}}),
        ),
    ]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn each_kind_of_mismatch_names_the_interaction_and_both_places() {
    let json_response = |status: u16, body: Value| json!({"status": status, "headers": {"Content-Type": "application/json"}, "body": body});
    let found = mismatches(vec![
        interaction(
            "no such path",
            json!({"method": "GET", "path": "/v1/users"}),
            json!({"status": 200}),
        ),
        interaction(
            "no such method",
            json!({"method": "DELETE", "path": "/v1/accounts/1"}),
            json!({"status": 204}),
        ),
        interaction(
            "undocumented status",
            json!({"method": "GET", "path": "/v1/accounts/1"}),
            json!({"status": 500}),
        ),
        interaction(
            "missing page",
            json!({"method": "GET", "path": "/v1/accounts"}),
            json_response(200, json!([])),
        ),
        interaction(
            "unknown query",
            json!({"method": "GET", "path": "/v1/accounts", "query": "page=1&sort=name"}),
            json_response(200, json!([])),
        ),
        interaction(
            "bad id",
            json!({"method": "GET", "path": "/v1/accounts/abc"}),
            json!({"status": 404}),
        ),
        interaction(
            "bad request body",
            json!({"method": "POST", "path": "/v1/accounts", "headers": {"Content-Type": "application/json"},
            "body": {"riskProfile": "YOLO", "colour": "red"}}),
            json!({"status": 201}),
        ),
        interaction(
            "relies on more",
            json!({"method": "GET", "path": "/v1/accounts/1"}),
            json_response(200, {
                let mut a = account();
                a["balance"] = json!(10);
                a["nickname"] = json!("x");
                a["id"] = json!("42");
                a["opened"] = json!("yesterday");
                a["riskProfile"] = json!("LOW");
                a
            }),
        ),
        interaction(
            "null owner",
            json!({"method": "GET", "path": "/v1/accounts/1"}),
            json_response(200, {
                let mut a = account();
                a["owner"] = Value::Null;
                a
            }),
        ),
    ]);
    let expect = [
        (
            "no such path",
            "request.path",
            "paths",
            "no path of the document matches /v1/users",
        ),
        (
            "no such method",
            "request.method",
            "paths./accounts/{id}",
            "no DELETE operation",
        ),
        (
            "undocumented status",
            "response.status",
            "paths./accounts/{id}.get.responses",
            "status 500",
        ),
        (
            "missing page",
            "request.query.page",
            "paths./accounts.get.parameters",
            "requires the query parameter 'page'",
        ),
        (
            "unknown query",
            "request.query.sort",
            "paths./accounts.get.parameters",
            "'sort' is not in the document",
        ),
        (
            "bad id",
            "request.path.id",
            "paths./accounts/{id}.get.parameters.id.schema",
            "the document says integer but the pact has string",
        ),
        (
            "bad request body",
            "request.body.$",
            "paths./accounts.post.requestBody.content.application/json.schema.required",
            "requires 'owner'",
        ),
        (
            "bad request body",
            "request.body.$.colour",
            "paths./accounts.post.requestBody.content.application/json.schema.additionalProperties",
            "additionalProperties to false",
        ),
        (
            "bad request body",
            "request.body.$.riskProfile",
            "paths./accounts.post.requestBody.content.application/json.schema.properties.riskProfile",
            "\"YOLO\" is not one of the documented values",
        ),
        (
            "relies on more",
            "response.body.$.balance",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.properties",
            "relies on 'balance', which the document does not define",
        ),
        (
            "relies on more",
            "response.body.$.nickname",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.required",
            "marks optional",
        ),
        (
            "relies on more",
            "response.body.$.id",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.properties.id",
            "the document says integer but the pact has string",
        ),
        (
            "relies on more",
            "response.body.$.opened",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.properties.opened",
            "format date-time",
        ),
        (
            "relies on more",
            "response.body.$.riskProfile",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.properties.riskProfile",
            "\"LOW\" is not one of the documented values",
        ),
        (
            "null owner",
            "response.body.$.owner",
            "paths./accounts/{id}.get.responses.200.content.application/json.schema.allOf.properties.owner",
            "not nullable",
        ),
    ];
    for (interaction, pact_path, document_path, message) in expect {
        assert!(
            found.iter().any(|(i, p, d, m)| i == interaction
                && p == pact_path
                && d == document_path
                && m.contains(message)),
            "missing ({interaction}, {pact_path}, {document_path}, {message}) in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}

#[test]
fn documents_that_are_not_openapi_3_are_refused_with_their_name() {
    let error = OpenApi::parse("swagger: '2.0'\npaths: {}\n", "old.yaml").expect_err("swagger 2");
    assert!(
        error.to_string().contains("old.yaml") && error.to_string().contains("3.x"),
        "{error}"
    );
    let error = OpenApi::parse("{: nope", "broken.json").expect_err("neither JSON nor YAML");
    assert!(error.to_string().starts_with("broken.json"), "{error}");
}
