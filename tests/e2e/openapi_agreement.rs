//! accord's OpenAPI comparison against PactFlow's open-source comparison engine
//! (`@pactflow/swagger-mock-validator`, installed pinned by `.ci/run` into `.tools/smv`): on a
//! corpus of OpenAPI/pact pairs covering each kind of mismatch, every interaction's verdict
//! (compatible or not) agrees, except the differences listed here and in docs/compatibility.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use accord_openapi::{OpenApi, compare};
use serde_json::{Value, json};

const INSTALL: &str =
    "npm install --prefix .tools/smv --no-audit --no-fund @pactflow/swagger-mock-validator@14.5.0";

/// Where accord decides differently on purpose, by interaction description, with why.
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "calls through the server's base path",
        "accord: OpenAPI 3 puts the path of `servers[].url` before every path; the validator ignores it",
    ),
    (
        "calls without the server's base path",
        "accord: that URL is not on the documented server; the validator ignores the server's path",
    ),
    (
        "relies on an optional field",
        "accord: the consumer reads `nickname`, which the document may leave out; the validator treats every response property as optional by default",
    ),
    (
        "sends an unknown query parameter",
        "accord: a provider that validates its parameters (as OpenAPI frameworks do by default) refuses it; the validator only warns",
    ),
    (
        "sends a body to an operation without one",
        "accord: the consumer sends data the document does not describe, so the provider promises nothing about it (a provider that validates requests refuses it); the validator accepts it",
    ),
    (
        "uploads no avatar",
        "accord: the document marks the request body required, so a provider that validates requests answers 400; the validator does not check `requestBody.required`",
    ),
    (
        "accepts only German IBANs",
        "accord: the document's pattern allows IBANs of every country, which the consumer's regex refuses; the validator checks only the example",
    ),
];

const DOCUMENT: &str = r##"
openapi: 3.0.3
info: {title: accounts, version: "1"}
paths:
  /accounts:
    get:
      parameters:
        - {name: page, in: query, required: true, schema: {type: integer}}
        - {name: size, in: query, schema: {type: integer}}
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
        "400": {description: invalid}
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
                      manager: {type: string, nullable: true}
        "404": {description: not found}
    delete:
      responses:
        "204": {description: deleted}
  /accounts/{id}/statement:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: a statement
          content:
            application/json:
              schema:
                oneOf:
                  - {type: object, required: [lines], properties: {lines: {type: array, items: {type: object, required: [amount, text], properties: {amount: {type: number}, text: {type: string}}}}}}
                  - {type: object, required: [empty], properties: {empty: {type: boolean}}}
  /accounts/{id}/avatar:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    put:
      requestBody:
        required: true
        content:
          image/png:
            schema: {type: string, format: binary}
      responses:
        "204": {description: stored}
  /accounts/{id}/iban:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        "200":
          description: the account's IBAN
          headers:
            X-Rate-Limit: {schema: {type: integer}}
            ETag: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [iban]
                properties:
                  iban: {type: string, pattern: "^[A-Z]{2}[0-9]{2}[A-Z0-9]{4,30}$"}
components:
  schemas:
    Risk: {type: string, enum: [CONSERVATIVE, BALANCED, AGGRESSIVE]}
    Account:
      type: object
      required: [id, owner, riskProfile, opened, balance]
      properties:
        id: {type: integer}
        owner: {type: string}
        riskProfile: {$ref: "#/components/schemas/Risk"}
        opened: {type: string, format: date-time}
        nickname: {type: string}
        balance: {type: number}
"##;

fn account() -> Value {
    json!({"id": 42, "owner": "ann", "riskProfile": "BALANCED", "opened": "2026-11-28T09:50:54Z", "balance": 10.5})
}

fn get(path: &str) -> Value {
    json!({"method": "GET", "path": path})
}

fn ok(status: u16, body: Value) -> Value {
    json!({"status": status, "headers": {"Content-Type": "application/json"}, "body": body})
}

/// (description, request, response) of every pair; each becomes one pact with the document.
fn corpus() -> Vec<(&'static str, Value, Value)> {
    let with = |changes: Value| {
        let mut a = account();
        for (k, v) in changes.as_object().into_iter().flatten() {
            if v.is_null() && k != "manager" {
                a.as_object_mut().map(|m| m.remove(k));
            } else {
                a[k] = v.clone();
            }
        }
        a
    };
    let post = |body: Value| json!({"method": "POST", "path": "/accounts", "headers": {"Content-Type": "application/json"}, "body": body});
    vec![
        (
            "gets an account",
            get("/accounts/42"),
            ok(200, with(json!({"manager": "bob"}))),
        ),
        (
            "gets an account without a manager",
            get("/accounts/42"),
            ok(200, with(json!({"manager": null}))),
        ),
        (
            "gets a missing account",
            get("/accounts/9"),
            json!({"status": 404}),
        ),
        (
            "lists accounts",
            json!({"method": "GET", "path": "/accounts", "query": "page=1"}),
            ok(200, json!([account()])),
        ),
        (
            "lists accounts with a size",
            json!({"method": "GET", "path": "/accounts", "query": "page=1&size=10"}),
            ok(200, json!([])),
        ),
        (
            "opens an account",
            post(json!({"owner": "ann", "riskProfile": "BALANCED"})),
            ok(201, account()),
        ),
        (
            "opens an account with the owner only",
            post(json!({"owner": "ann"})),
            ok(201, account()),
        ),
        (
            "is refused a bad account",
            post(json!({"owner": "ann"})),
            json!({"status": 400}),
        ),
        (
            "deletes an account",
            json!({"method": "DELETE", "path": "/accounts/42"}),
            json!({"status": 204}),
        ),
        (
            "reads a statement",
            get("/accounts/42/statement"),
            ok(200, json!({"lines": [{"amount": 1.5, "text": "coffee"}]})),
        ),
        (
            "reads an empty statement",
            get("/accounts/42/statement"),
            ok(200, json!({"empty": true})),
        ),
        (
            "reads an integer balance",
            get("/accounts/42"),
            ok(200, with(json!({"balance": 10, "manager": "bob"}))),
        ),
        (
            "lists accounts without a balance field",
            json!({"method": "GET", "path": "/accounts", "query": "page=2"}),
            ok(
                200,
                json!([{"id": 1, "owner": "bob", "riskProfile": "BALANCED", "opened": "2026-01-01T00:00:00Z"}]),
            ),
        ),
        // Incompatible, one kind each.
        ("calls an unknown path", get("/users/1"), ok(200, json!({}))),
        (
            "uses an unknown method",
            json!({"method": "PUT", "path": "/accounts/42"}),
            json!({"status": 200}),
        ),
        (
            "expects an undocumented status",
            get("/accounts/42"),
            json!({"status": 500}),
        ),
        (
            "forgets a required query parameter",
            get("/accounts"),
            ok(200, json!([])),
        ),
        (
            "sends a query parameter of the wrong type",
            json!({"method": "GET", "path": "/accounts", "query": "page=first"}),
            ok(200, json!([])),
        ),
        (
            "sends a path parameter of the wrong type",
            get("/accounts/abc"),
            json!({"status": 404}),
        ),
        (
            "forgets a required body field",
            post(json!({"riskProfile": "BALANCED"})),
            ok(201, account()),
        ),
        (
            "sends an undeclared body field",
            post(json!({"owner": "ann", "colour": "red"})),
            ok(201, account()),
        ),
        (
            "sends a value outside the enum",
            post(json!({"owner": "ann", "riskProfile": "YOLO"})),
            ok(201, account()),
        ),
        (
            "sends a body field of the wrong type",
            post(json!({"owner": 7})),
            ok(201, account()),
        ),
        (
            "relies on an undocumented field",
            get("/accounts/42"),
            ok(200, with(json!({"colour": "red", "manager": "bob"}))),
        ),
        (
            "expects a field of the wrong type",
            get("/accounts/42"),
            ok(200, with(json!({"id": "42", "manager": "bob"}))),
        ),
        (
            "expects a value outside the enum",
            get("/accounts/42"),
            ok(200, with(json!({"riskProfile": "LOW", "manager": "bob"}))),
        ),
        (
            "expects null where none is allowed",
            get("/accounts/42"),
            ok(200, with(json!({"owner": null, "manager": "bob"}))),
        ),
        (
            "expects a wrongly typed array item",
            get("/accounts/42/statement"),
            ok(200, json!({"lines": [{"amount": "1.5"}]})),
        ),
        (
            "expects neither statement form",
            get("/accounts/42/statement"),
            ok(200, json!({"nothing": 1})),
        ),
        (
            "expects a date-time that is not one",
            get("/accounts/42"),
            ok(200, with(json!({"opened": "yesterday", "manager": "bob"}))),
        ),
        // Media types, headers and patterns.
        (
            "reads an IBAN with its rate limit",
            get("/accounts/42/iban"),
            iban(
                json!({"X-Rate-Limit": "100", "ETag": "\"v1\""}),
                "DE89370400440532013000",
                None,
            ),
        ),
        (
            "accepts JSON",
            json!({"method": "GET", "path": "/accounts/42/iban", "headers": {"Accept": "application/json"}}),
            iban(json!({}), "DE89370400440532013000", None),
        ),
        (
            "uploads an avatar",
            avatar("image/png", Some("iVBORw0KGgo=")),
            json!({"status": 204}),
        ),
        (
            "accepts any IBAN the pattern allows",
            get("/accounts/42/iban"),
            iban(
                json!({}),
                "DE89370400440532013000",
                Some("^[A-Z]{2}[0-9]{2}[A-Z0-9]{4,30}$"),
            ),
        ),
        (
            "relies on an undocumented response header",
            get("/accounts/42/iban"),
            iban(json!({"X-Trace": "abc"}), "DE89370400440532013000", None),
        ),
        (
            "expects a response header of the wrong type",
            get("/accounts/42/iban"),
            iban(json!({"X-Rate-Limit": "many"}), "DE89370400440532013000", None),
        ),
        (
            "accepts only XML",
            json!({"method": "GET", "path": "/accounts/42/iban", "headers": {"Accept": "application/xml"}}),
            iban(json!({}), "DE89370400440532013000", None),
        ),
        (
            "uploads an avatar of an undocumented type",
            avatar("image/gif", Some("R0lGODlh")),
            json!({"status": 204}),
        ),
        (
            "expects an IBAN that breaks the pattern",
            get("/accounts/42/iban"),
            iban(json!({}), "not an IBAN", None),
        ),
        // The listed differences.
        (
            "calls through the server's base path",
            get("/v1/accounts/42"),
            ok(200, account()),
        ),
        (
            "calls without the server's base path",
            get("/accounts/42"),
            ok(200, account()),
        ),
        (
            "relies on an optional field",
            get("/accounts/42"),
            ok(200, with(json!({"nickname": "annie", "manager": "bob"}))),
        ),
        (
            "sends an unknown query parameter",
            json!({"method": "GET", "path": "/accounts", "query": "page=1&sort=name"}),
            ok(200, json!([])),
        ),
        (
            "sends a body to an operation without one",
            json!({"method": "DELETE", "path": "/accounts/42", "headers": {"Content-Type": "application/json"}, "body": {"reason": "closed"}}),
            json!({"status": 204}),
        ),
        (
            "uploads no avatar",
            avatar("image/png", None),
            json!({"status": 204}),
        ),
        (
            "accepts only German IBANs",
            get("/accounts/42/iban"),
            iban(json!({}), "DE89370400440532013000", Some("DE[0-9]{20}")),
        ),
    ]
}

/// The IBAN response with extra `headers`, and a regex rule on the IBAN when given.
fn iban(headers: Value, iban: &str, regex: Option<&str>) -> Value {
    let mut all = json!({"Content-Type": "application/json"});
    for (name, value) in headers.as_object().into_iter().flatten() {
        all[name] = value.clone();
    }
    let mut response = json!({"status": 200, "headers": all, "body": {"iban": iban}});
    if let Some(regex) = regex {
        response["matchingRules"] = json!({"$.body.iban": {"match": "regex", "regex": regex}});
    }
    response
}

/// An avatar upload of `content_type`, with a body when given.
fn avatar(content_type: &str, body: Option<&str>) -> Value {
    let mut request =
        json!({"method": "PUT", "path": "/accounts/42/avatar", "headers": {"Content-Type": content_type}});
    if let Some(body) = body {
        request["body"] = json!(body);
    }
    request
}

pub(crate) fn validator() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/smv");
    let installed = dir
        .join("node_modules/@pactflow/swagger-mock-validator/package.json")
        .is_file();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if installed && node {
        return Some(dir);
    }
    accord_test_support::skip(
        "the agreement test with PactFlow's swagger-mock-validator (not installed)",
        INSTALL,
    );
    None
}

/// The validator's verdict per pair (`true`: compatible), from one node process.
pub(crate) fn validator_verdicts(tools: &Path, pairs: &[(PathBuf, PathBuf)]) -> Vec<bool> {
    let script = tools.join("accord-agreement.mjs");
    std::fs::write(
        &script,
        "import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';\n\
         const pairs = JSON.parse(process.argv[2]);\n\
         const validator = SwaggerMockValidatorFactory.create();\n\
         const out = [];\n\
         for (const [spec, mock] of pairs) {\n\
           const r = await validator.validate({ specPathOrUrl: spec, mockPathOrUrl: mock });\n\
           out.push(r.errors.length === 0);\n\
         }\n\
         console.log(JSON.stringify(out));\n",
    )
    .expect("write the script");
    let list: Vec<[String; 2]> = pairs
        .iter()
        .map(|(s, m)| [s.display().to_string(), m.display().to_string()])
        .collect();
    let output = Command::new("node")
        .arg(&script)
        .arg(serde_json::to_string(&list).expect("json"))
        .current_dir(tools)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("verdicts")
}

#[test]
fn accord_and_pactflows_validator_agree_on_every_interaction_of_the_corpus() {
    let Some(tools) = validator() else { return };
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("openapi-agreement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let spec = dir.join("accounts.yaml");
    std::fs::write(&spec, DOCUMENT).expect("write the document");
    let document = OpenApi::parse(DOCUMENT, "accounts.yaml").expect("document");
    // The same document served under a base path, for the pairs about it.
    let with_servers = DOCUMENT.replacen(
        "paths:",
        "servers: [{url: \"https://api.example.com/v1\"}]\npaths:",
        1,
    );
    let spec_with_servers = dir.join("accounts-v1.yaml");
    std::fs::write(&spec_with_servers, &with_servers).expect("write the document");
    let document_with_servers = OpenApi::parse(&with_servers, "accounts-v1.yaml").expect("document");
    let corpus = corpus();
    assert!(corpus.len() >= 30, "the corpus holds at least 30 pairs");
    let mut pairs = Vec::new();
    let mut ours = Vec::new();
    for (i, (description, request, response)) in corpus.iter().enumerate() {
        let pact = json!({"consumer": {"name": "web"}, "provider": {"name": "accounts"},
            "interactions": [{"description": description, "request": request, "response": response}],
            "metadata": {"pactSpecification": {"version": "2.0.0"}}});
        let path = dir.join(format!("pair-{i:02}.json"));
        std::fs::write(&path, pact.to_string()).expect("write the pact");
        let parsed = accord_core::format::parse_pact_value(&pact, description).expect("pact");
        if description.contains("server's base path") {
            ours.push(compare(&document_with_servers, &parsed));
            pairs.push((spec_with_servers.clone(), path));
        } else {
            ours.push(compare(&document, &parsed));
            pairs.push((spec.clone(), path));
        }
    }
    let theirs = validator_verdicts(&tools, &pairs);
    let descriptions: Vec<&str> = corpus.iter().map(|(d, _, _)| *d).collect();
    let disagreements = disagreements(&descriptions, &ours, &theirs, DIFFERENCES);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Where the verdicts differ other than as listed, or agree where a difference is listed: one
/// line per interaction, with accord's mismatches.
pub(crate) fn disagreements(
    descriptions: &[&str],
    ours: &[accord_openapi::Comparison],
    theirs: &[bool],
    listed: &[(&str, &str)],
) -> Vec<String> {
    let verdict = |compatible: bool| if compatible { "compatible" } else { "incompatible" };
    let mut out = Vec::new();
    for ((description, ours), theirs) in descriptions.iter().zip(ours).zip(theirs) {
        let is_listed = listed.iter().any(|(d, _)| d == description);
        if (ours.is_compatible() == *theirs) == is_listed {
            out.push(format!(
                "{description}: accord {}, validator {}{}: {:?}",
                verdict(ours.is_compatible()),
                verdict(*theirs),
                if is_listed {
                    " (listed as a difference, but they agree)"
                } else {
                    ""
                },
                ours.mismatches
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
        }
    }
    out
}
