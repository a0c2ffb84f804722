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

const SWAGGER: &str = r##"
swagger: "2.0"
info: {title: pets, version: "1"}
basePath: /v2
produces: [application/json]
paths:
  /pet/{petId}:
    get:
      parameters:
        - {name: petId, in: path, required: true, type: integer, format: int64}
        - $ref: "#/parameters/verbose"
      responses:
        "200":
          description: a pet
          headers:
            X-Rate-Limit: {type: integer}
          schema: {$ref: "#/definitions/Pet"}
        "404": {description: not found}
  /pet:
    post:
      consumes: [application/json]
      parameters:
        - {name: pet, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "200": {description: created, schema: {$ref: "#/definitions/Pet"}}
  /pet/{petId}/name:
    post:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: petId, in: path, required: true, type: integer}
        - {name: name, in: formData, required: true, type: string}
      responses:
        "204": {description: renamed}
parameters:
  verbose: {name: verbose, in: query, type: boolean}
definitions:
  Pet:
    type: object
    required: [id, name, tag, status]
    properties:
      id: {type: integer, format: int64}
      name: {type: string}
      tag: {type: string, x-nullable: true}
      status: {type: string, enum: [available, sold]}
"##;

#[test]
fn swagger_2_documents_are_compared_as_openapi_3() {
    let document = OpenApi::parse(SWAGGER, "pets.yaml").expect("a Swagger 2.0 document");
    let pet = json!({"id": 7, "name": "rex", "tag": null, "status": "sold"});
    let ok = |body: Value| json!({"status": 200, "headers": {"Content-Type": "application/json", "X-Rate-Limit": "5"}, "body": body});
    let pact = json!({"consumer": {"name": "web"}, "provider": {"name": "pets"}, "interactions": [
        interaction("gets a pet", json!({"method": "GET", "path": "/v2/pet/7", "query": "verbose=true"}), ok(pet.clone())),
        interaction("adds a pet", json!({"method": "POST", "path": "/v2/pet", "headers": {"Content-Type": "application/json"}, "body": pet}), json!({"status": 200})),
        interaction("renames a pet", json!({"method": "POST", "path": "/v2/pet/7/name", "headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": "name=max"}), json!({"status": 204})),
        interaction("gets a pet without the base path", json!({"method": "GET", "path": "/pet/7"}), ok(json!({"id": 7, "name": "rex"}))),
        interaction("gets a pet by name", json!({"method": "GET", "path": "/v2/pet/rex"}), ok(json!({"id": 7, "name": "rex"}))),
        interaction("expects a status outside the enum", json!({"method": "GET", "path": "/v2/pet/7"}), ok(json!({"id": 7, "name": "rex", "status": "lost"}))),
        interaction("adds a pet without a body", json!({"method": "POST", "path": "/v2/pet"}), json!({"status": 200})),
    ], "metadata": {"pactSpecification": {"version": "2.0.0"}}});
    let pact = accord_core::format::parse_pact_value(&pact, "web-pets.json").expect("pact");
    let found: Vec<(String, String)> = compare(&document, &pact)
        .mismatches
        .into_iter()
        .map(|m| (m.interaction, m.pact_path))
        .collect();
    assert_eq!(
        found,
        [
            (
                "gets a pet without the base path".to_owned(),
                "request.path".to_owned()
            ),
            ("gets a pet by name".to_owned(), "request.path.petId".to_owned()),
            (
                "expects a status outside the enum".to_owned(),
                "response.body.$.status".to_owned()
            ),
            ("adds a pet without a body".to_owned(), "request.body".to_owned()),
        ],
        "{found:#?}"
    );
}

#[test]
fn documents_that_are_not_openapi_3_are_refused_with_their_name() {
    let error = OpenApi::parse("swaggerVersion: '1.2'\napis: []\n", "old.yaml").expect_err("swagger 1.2");
    assert!(
        error.to_string().contains("old.yaml") && error.to_string().contains("3.x"),
        "{error}"
    );
    let error = OpenApi::parse("{: nope", "broken.json").expect_err("neither JSON nor YAML");
    assert!(error.to_string().starts_with("broken.json"), "{error}");
}

const CODES: &str = r##"
openapi: 3.0.3
info: {title: codes, version: "1"}
paths:
  /codes/{id}:
    put:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {code: {type: string, pattern: "^[A-Z]{3}$"}}}
      responses:
        "200":
          description: the code
          headers:
            X-Rate-Limit: {schema: {type: integer}}
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: string, pattern: "^[A-Z]{2,3}$"}}}
"##;

/// Mismatches of one interaction with the codes document, as "pact path: message".
fn against_codes(request: Value, response: Value) -> Vec<String> {
    let document = OpenApi::parse(CODES, "codes.yaml").expect("document");
    let pact = json!({"consumer": {"name": "web"}, "provider": {"name": "codes"},
        "interactions": [interaction("puts a code", request, response)],
        "metadata": {"pactSpecification": {"version": "2.0.0"}}});
    let pact = accord_core::format::parse_pact_value(&pact, "codes pact").expect("pact");
    compare(&document, &pact)
        .mismatches
        .into_iter()
        .map(|m| format!("{}: {}", m.pact_path, m.message))
        .collect()
}

#[test]
fn patterns_content_types_and_headers_are_judged_from_both_sides() {
    let put = |body: Value, headers: Value| json!({"method": "PUT", "path": "/codes/1", "headers": headers, "body": body});
    let json_type = json!({"Content-Type": "application/json"});
    let answer = |code: &str, rules: Value, headers: Value| {
        let mut all = json!({"Content-Type": "application/json"});
        for (k, v) in headers.as_object().into_iter().flatten() {
            all[k] = v.clone();
        }
        json!({"status": 200, "headers": all, "body": {"code": code}, "matchingRules": rules})
    };
    // Compatible: the regexes agree with the patterns, the header is promised.
    let fine = against_codes(
        put(json!({"code": "ABC"}), json_type.clone()),
        answer(
            "AB",
            json!({"$.body.code": {"match": "regex", "regex": "[A-Z]+"}}),
            json!({"X-Rate-Limit": "10"}),
        ),
    );
    assert!(fine.is_empty(), "{fine:?}");

    // The provider may answer "AAA", which the consumer's regex refuses: the shortest witness.
    let narrow = against_codes(
        put(json!({"code": "ABC"}), json_type.clone()),
        answer(
            "AB",
            json!({"$.body.code": {"match": "regex", "regex": "[A-Z]{2}"}}),
            json!({}),
        ),
    );
    assert_eq!(
        narrow,
        [
            "response.body.$.code: the documented pattern '^[A-Z]{2,3}$' allows 'AAA', which the pact's regex '[A-Z]{2}' does not accept"
        ]
    );

    // The consumer may send "A", which the document refuses; an example outside the pattern.
    let mut wide_request = put(json!({"code": "ABC"}), json_type.clone());
    wide_request["matchingRules"] = json!({"$.body.code": {"match": "regex", "regex": "[A-Z]+"}});
    let wide = against_codes(wide_request, answer("abc", json!({}), json!({})));
    assert_eq!(
        wide,
        [
            "request.body.$.code: the pact's regex '[A-Z]+' lets the consumer send 'A', which the documented pattern '^[A-Z]{3}$' refuses",
            "response.body.$.code: 'abc' does not match the documented pattern '^[A-Z]{2,3}$'",
        ]
    );

    // Content types, a required body, Accept and response headers.
    let xml = against_codes(
        put(
            json!("<code>ABC</code>"),
            json!({"Content-Type": "application/xml", "Accept": "text/csv"}),
        ),
        answer("AB", json!({}), json!({"X-Rate-Limit": "many", "X-Trace": "t"})),
    );
    assert_eq!(
        xml,
        [
            "request.body: the document accepts no 'application/xml' request body here",
            "request.headers.Accept: the document's response has no type the request accepts ('text/csv')",
            "response.headers.X-Rate-Limit: the document says integer but the pact has string",
            "response.headers.X-Trace: the document does not promise the response header 'X-Trace'",
        ]
    );
    let no_body = against_codes(
        json!({"method": "PUT", "path": "/codes/1"}),
        answer("AB", json!({}), json!({})),
    );
    assert_eq!(
        no_body,
        ["request.body: the document requires a request body, which the pact's request does not send"]
    );
}

#[test]
fn an_operation_that_requires_credentials_needs_a_request_that_sends_some() {
    let document = OpenApi::parse(
        r#"
openapi: 3.0.3
info: {title: secure, version: "1"}
security: [{bearer: []}]
paths:
  /open:
    get: {security: [{}, {bearer: []}], responses: {"200": {description: ok}}}
  /reports:
    get: {responses: {"200": {description: ok}}}
  /exports:
    get: {security: [{key: []}, {bearer: [], partner: []}], responses: {"200": {description: ok}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: query, name: api_key}
    partner: {type: apiKey, in: header, name: X-Partner}
"#,
        "secure.yaml",
    )
    .expect("document");
    let get = |path: &str, query: Option<&str>, headers: Value| {
        let mut request = json!({"method": "GET", "path": path, "headers": headers});
        if let Some(q) = query {
            request["query"] = json!(q);
        }
        request
    };
    let bearer = json!({"Authorization": "Bearer t"});
    let cases = [
        ("open without credentials", get("/open", None, json!({})), true),
        (
            "reports with a token",
            get("/reports", None, bearer.clone()),
            true,
        ),
        ("reports without one", get("/reports", None, json!({})), false),
        (
            "exports with the key",
            get("/exports", Some("api_key=k"), json!({})),
            true,
        ),
        (
            "exports with a token only",
            get("/exports", None, bearer.clone()),
            false,
        ),
        (
            "exports with a token and the partner header",
            get(
                "/exports",
                None,
                json!({"Authorization": "Bearer t", "X-Partner": "p"}),
            ),
            true,
        ),
    ];
    for (description, request, compatible) in cases {
        let pact = json!({"consumer": {"name": "web"}, "provider": {"name": "secure"},
            "interactions": [interaction(description, request, json!({"status": 200}))],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}});
        let pact = accord_core::format::parse_pact_value(&pact, description).expect("pact");
        let comparison = compare(&document, &pact);
        assert_eq!(
            comparison.is_compatible(),
            compatible,
            "{description}: {:?}",
            comparison.mismatches
        );
        if !compatible {
            assert!(
                comparison.mismatches[0].message.contains("requires credentials"),
                "{:?}",
                comparison.mismatches
            );
        }
    }
}
