//! `--openapi`: pacts compared with the provider's OpenAPI document, reported like a
//! verification, with the same exit codes.

use serde_json::json;

use crate::{temp_dir, verifier, write_pact};

const DOCUMENT: &str = r#"
openapi: 3.0.3
info: {title: items, version: "1"}
paths:
  /items/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: an item
          content:
            application/json:
              schema: {type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}}}
"#;

fn get_item(description: &str, body: serde_json::Value) -> serde_json::Value {
    json!({"type": "Synchronous/HTTP", "description": description,
      "request": {"method": "GET", "path": "/items/1"},
      "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
        "body": {"contentType": "application/json", "encoded": false, "content": body}}})
}

#[test]
fn pacts_are_compared_with_the_document_and_exit_like_a_verification() {
    let dir = temp_dir("openapi");
    let document = dir.join("items.yaml");
    std::fs::write(&document, DOCUMENT).expect("write document");
    let document = document.display().to_string();
    let good = write_pact(
        &dir,
        "good.json",
        "web",
        json!([get_item("get item 1", json!({"id": 1, "name": "bolt"}))]),
    );
    let (code, stdout, stderr) = verifier(&["--openapi", &document, "--file", &good]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("get item 1 ... OK"), "{stdout}");

    let bad = write_pact(
        &dir,
        "bad.json",
        "web",
        json!([get_item(
            "get item 1",
            json!({"id": 1, "name": "bolt", "colour": "red"})
        )]),
    );
    let junit = dir.join("report.xml");
    let (code, stdout, stderr) = verifier(&[
        "--openapi",
        &document,
        "--file",
        &bad,
        "--junit",
        &junit.display().to_string(),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("body $.colour: the consumer relies on 'colour', which the document does not define (document: paths./items/{id}.get.responses.200.content.application/json.schema.properties)"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(junit).expect("junit written");
    assert!(junit.contains("<failure"), "{junit}");

    let missing = dir.join("missing.yaml").display().to_string();
    let (code, _, stderr) = verifier(&["--openapi", &missing, "--file", &good]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read the OpenAPI document") && stderr.contains("missing.yaml"),
        "{stderr}"
    );
}
