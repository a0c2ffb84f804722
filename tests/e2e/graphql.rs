//! GraphQL contracts end to end: a consumer test declares an operation with accord's consumer
//! library; the mock server answers the same operation written differently (whitespace,
//! comments, commas, field and variable order) and refuses a different one naming the field
//! path; the pact is written in the shape pact-js writes.

use accord::PactBuilder;
use accord::matchers::{each_like, integer, like};
use serde_json::{Value, json};

const ORDER: &str = "query Order($id: ID!, $currency: String) {
  order(id: $id) {
    id
    total(currency: $currency)
    lines { sku quantity }
  }
}";

fn order_pact(dir: &std::path::Path) -> PactBuilder {
    let mut pact = PactBuilder::new("checkout-web", "orders-graphql").output_dir(dir);
    pact.graphql_interaction("the order with its lines", |i| {
        i.given("order 42 exists")
            .operation_name("Order")
            .query(ORDER)
            .variables(json!({"id": like("42"), "currency": "EUR"}))
            .data(json!({"order": {"id": "42", "total": like(99.5), "lines": each_like(json!({"sku": like("MUG-1"), "quantity": integer(2)}))}}));
    });
    pact
}

async fn post(url: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_mock_judges_graphql_by_meaning_and_writes_pact_js_s_shape() {
    let dir = crate::scratch("graphql-consumer");
    let pact = order_pact(&dir);
    let session = pact.start_mock_server().await.expect("the mock starts");
    let same = "# the order page\nquery Order($currency: String, $id: ID!) { order(id: $id) { lines { quantity, sku }, total(currency: $currency), id } }";
    let (status, answer) = post(
        &session.url(),
        json!({"operationName": "Order", "query": same, "variables": {"currency": "EUR", "id": "42"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["order"]["lines"][0]["sku"], "MUG-1", "{answer}");
    session.finish().expect("the pact is satisfied and written");

    // A request that selects one more field is refused, naming it.
    let session = pact.start_mock_server().await.expect("the mock starts again");
    let more = ORDER.replace("quantity }", "quantity price }");
    let (status, refused) = post(
        &session.url(),
        json!({"operationName": "Order", "query": more, "variables": {"id": "42", "currency": "EUR"}}),
    )
    .await;
    assert_ne!(status, 200, "{refused}");
    let text = refused.to_string();
    assert!(
        text.contains("order.lines.price: not in the declared selection"),
        "{refused}"
    );
    let unsatisfied = session
        .finish()
        .expect_err("the refused request fails the test")
        .to_string();
    assert!(unsatisfied.contains("order.lines.price"), "{unsatisfied}");

    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(pact.pact_path()).expect("pact")).expect("json");
    let interaction = &written["interactions"][0];
    let request = &interaction["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(request["path"], "/graphql");
    // V4 wraps a body as {"content": ...}.
    let body = if request["body"]["content"].is_object() {
        &request["body"]["content"]
    } else {
        &request["body"]
    };
    assert_eq!(body["operationName"], "Order");
    assert_eq!(body["query"], ORDER);
    assert_eq!(
        request["matchingRules"]["body"]["$.query"]["matchers"][0]["regex"],
        accord_graphql::query_pattern(ORDER),
        "{request}"
    );
    assert_eq!(interaction["response"]["status"], 200);
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_refused_naming_line_and_column() {
    let dir = crate::scratch("graphql-bad-query");
    let mut pact = PactBuilder::new("checkout-web", "orders-graphql").output_dir(&dir);
    pact.graphql_interaction("a broken query", |i| {
        i.query("query Order {\n  order(id: 1) {\n    total\n");
    });
    let error = pact.start_mock_server().await.expect_err("refused").to_string();
    assert!(
        error.contains("the query:4:") || error.contains("the query:3:"),
        "{error}"
    );
}

/// The consumer's pact, written by its test against the mock.
async fn written_order_pact(name: &str) -> std::path::PathBuf {
    let dir = crate::scratch(name);
    let pact = order_pact(&dir);
    let session = pact.start_mock_server().await.expect("the mock starts");
    let (status, answer) = post(
        &session.url(),
        json!({"operationName": "Order", "query": ORDER, "variables": {"id": "42", "currency": "EUR"}}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    session.finish().expect("the pact is written");
    pact.pact_path()
}

async fn verify(file: &std::path::Path, broken: bool) -> accord_verifier::RunOutcome {
    let (port, _server) = crate::interop::serve(tests::graphql_provider::router(broken)).await;
    let config = accord_verifier::VerifierConfig::new(format!("http://127.0.0.1:{port}"));
    accord_verifier::Verifier::new(config)
        .pact_file(file.to_path_buf())
        .run()
        .await
        .expect("the verification runs")
}

/// accord's verifier replays the operation against a real GraphQL server (async-graphql): the
/// server as it is passes; after it renamed `quantity`, it answers HTTP 200 with GraphQL
/// errors, which the verifier names as such. The official verifier agrees on both.
#[tokio::test]
async fn a_real_graphql_provider_is_verified_and_its_errors_are_named() {
    let file = written_order_pact("graphql-verify").await;
    let passed = verify(&file, false).await;
    assert!(
        passed.report.success(),
        "{}",
        accord_verifier::render_text(&passed.report, false)
    );
    let failed = verify(&file, true).await;
    let text = accord_verifier::render_text(&failed.report, false);
    assert!(!failed.report.success(), "{text}");
    assert!(
        text.contains("the provider answered GraphQL errors the consumer does not expect")
            && text.contains("quantity"),
        "{text}"
    );

    let Some(cli) = crate::interop::pact_cli() else {
        return;
    };
    for (broken, passes) in [(false, true), (true, false)] {
        let (port, _server) = crate::interop::serve(tests::graphql_provider::router(broken)).await;
        let args = vec![
            "verifier".to_owned(),
            "-f".to_owned(),
            file.display().to_string(),
            "--hostname".to_owned(),
            "127.0.0.1".to_owned(),
            "--port".to_owned(),
            port.to_string(),
            "--state-change-url".to_owned(),
            format!("http://127.0.0.1:{port}/_pact/state"),
        ];
        let (code, output) = crate::interop::official_verify(cli.clone(), args).await;
        assert_eq!(
            code == 0,
            passes,
            "the official verifier, broken = {broken}:\n{output}"
        );
        assert!(output.contains("the order with its lines"), "{output}");
    }
}

/// The provider's schema as it is, and variants that break the consumer in each way the check
/// looks at.
fn schema_file(dir: &std::path::Path, name: &str, sdl: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, sdl).expect("the schema is written");
    path
}

/// Runs the verifier's command line in-process: its exit code and everything it wrote.
async fn check(schema: &std::path::Path, pact: &std::path::Path) -> (u8, String) {
    use clap::Parser as _;
    let cli = accord_verifier::cli::Cli::parse_from([
        "accord-verifier".to_owned(),
        "--graphql-schema".to_owned(),
        schema.display().to_string(),
        "--file".to_owned(),
        pact.display().to_string(),
    ]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = accord_verifier::cli::run(cli, &mut out, &mut err).await;
    out.extend(err);
    (code, String::from_utf8_lossy(&out).into_owned())
}

/// Beyond Pact: the provider's CI checks the consumers' GraphQL pacts against its schema,
/// without running: the schema the provider serves passes; a renamed field, a changed type, a
/// field that became a list and a value the consumer reads as always present are each named.
#[tokio::test]
async fn the_providers_schema_is_checked_against_the_pact_without_running_it() {
    let file = written_order_pact("graphql-schema").await;
    let dir = file.parent().expect("the pact's folder").to_path_buf();
    let served = schema_file(
        &dir,
        "served.graphql",
        &tests::graphql_provider::schema_sdl(false),
    );
    let (code, text) = check(&served, &file).await;
    assert_eq!(code, 0, "the schema the provider serves:\n{text}");

    let renamed = schema_file(
        &dir,
        "renamed.graphql",
        &tests::graphql_provider::schema_sdl(true),
    );
    let (code, text) = check(&renamed, &file).await;
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("$.query") && text.contains("quantity"), "{text}");

    let base = "type Query { order(id: ID!): Order }\ntype Line { sku: String! quantity: Int! }\n";
    let changed = schema_file(
        &dir,
        "changed.graphql",
        &format!("{base}type Order {{ id: ID! total(currency: String): String lines: [Line!]! }}"),
    );
    let (code, text) = check(&changed, &file).await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("$.data.order.total") && text.contains("not a String"),
        "a changed type:\n{text}"
    );
    let single = schema_file(
        &dir,
        "single.graphql",
        &format!("{base}type Order {{ id: ID! total(currency: String): Float lines: Line }}"),
    );
    let (code, text) = check(&single, &file).await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("$.data.order.lines") && text.contains("not a list"),
        "a list that became one value:\n{text}"
    );
    let wrong_variable = schema_file(
        &dir,
        "variable.graphql",
        "type Query { order(id: Int!): Order }\ntype Line { sku: String! quantity: Int! }\ntype Order { id: ID! total(currency: String): Float lines: [Line!]! }",
    );
    let (code, text) = check(&wrong_variable, &file).await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("$.query") && text.contains("id"),
        "a variable of the wrong type:\n{text}"
    );

    let broken = schema_file(&dir, "broken.graphql", "type Query {\n  order(id: ID!: Order\n}");
    let (code, text) = check(&broken, &file).await;
    assert_eq!(
        code, 2,
        "a schema that does not parse is an error, not a failure:\n{text}"
    );
    assert!(text.contains("broken.graphql:2:"), "{text}");
}

/// pact-js, installed by `.ci/run` into `.tools/pactjs`.
fn pact_js() -> Option<std::path::PathBuf> {
    let modules = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/pactjs/node_modules");
    if modules.join("@pact-foundation/pact/package.json").exists() {
        return Some(modules);
    }
    accord_test_support::skip(
        "the GraphQL pacts written by pact-js (pact-js not installed)",
        "npm install --prefix .tools/pactjs @pact-foundation/pact@16.5.0",
    );
    None
}

/// The other side's artifact: a GraphQL pact written by pact-js's `GraphQLInteraction` (a
/// consumer test in `tests/graphql/pact-js-consumer.js`, run with the pinned pact-js). Its
/// `$.query` pattern is the one accord writes; accord's mock serves it, judging queries by
/// meaning; accord's verifier passes the real provider and fails the broken one.
#[tokio::test]
async fn a_pact_js_graphql_pact_is_served_and_verified_by_accord() {
    let Some(modules) = pact_js() else { return };
    let dir = crate::scratch("graphql-pact-js");
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphql/pact-js-consumer.js");
    let output = tokio::process::Command::new("node")
        .arg(&script)
        .arg(&dir)
        .env("NODE_PATH", &modules)
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .await
        .expect("node runs");
    assert!(
        output.status.success(),
        "pact-js's consumer test:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let file = dir.join("checkout-js-orders-graphql.json");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("pact-js's pact")).expect("json");
    let request = &written["interactions"][0]["request"];
    let query = request["body"]["query"].as_str().expect("the query");
    assert_eq!(
        request["matchingRules"]["$.body.query"]["regex"],
        accord_graphql::query_pattern(query),
        "accord writes the pattern pact-js writes"
    );

    let pact = accord_core::format::read_pact_file(&file).expect("accord reads pact-js's pact");
    let mock =
        accord_mock_server::MockServer::start(pact.clone(), accord_mock_server::MockServerConfig::default())
            .await
            .expect("the mock serves it");
    let reordered = "query Order($currency: String, $id: ID!) { order(id: $id) { lines { quantity sku } id total(currency: $currency) } }";
    let (status, answer) = post(
        &mock.url(),
        json!({"operationName": "Order", "query": reordered, "variables": {"id": "7", "currency": "EUR"}}),
    )
    .await;
    assert_eq!(status, 200, "the same operation, written differently: {answer}");
    let aliased = query.replace("total(", "sum: total(");
    let (status, refused) = post(
        &mock.url(),
        json!({"operationName": "Order", "query": aliased, "variables": {"id": "7", "currency": "EUR"}}),
    )
    .await;
    assert_ne!(status, 200, "{refused}");
    assert!(refused.to_string().contains("order.sum"), "{refused}");

    assert!(
        verify(&file, false).await.report.success(),
        "the real provider passes"
    );
    let failed = verify(&file, true).await;
    assert!(!failed.report.success(), "the broken provider fails");
}
