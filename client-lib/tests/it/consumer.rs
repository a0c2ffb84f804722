//! HTTP consumer tests: matchers, the failure report, async and blocking tests.

use accord::matchers::*;
use accord::{ConsumerError, PactBuilder, StatusClass, json};
use accord_core::rules::{Category, MatchingRule};

use crate::{read_pact, temp_dir};

fn accounts_pact(dir: &std::path::Path) -> PactBuilder {
    let mut pact = PactBuilder::new("investment-manager", "accounts").output_dir(dir);
    pact.interaction("get account 42", |i| {
        i.given_with("account exists", json!({"id": 42}))
            .test_name("gets_an_account")
            .request(|r| {
                r.get()
                    .path(regex("/accounts/\\d+", "/accounts/42"))
                    .header("Accept", "application/json")
                    .query_param("fields", "all")
            })
            .response(|r| {
                r.status(200)
                    .header("Content-Type", "application/json")
                    .json_body(json!({
                        "id": integer(42),
                        "owner": like("ann"),
                        "balance": decimal(10.5),
                        "currency": regex("EUR|USD", "EUR"),
                        "openedOn": date("yyyy-MM-dd", "2024-01-31"),
                        "updatedAt": datetime("yyyy-MM-dd'T'HH:mm:ss", "2024-01-31T10:00:00"),
                        "reference": uuid("0b6a0f64-4f47-4c36-9f0c-8b0a2c1b7e11"),
                        "version": semver("1.2.3"),
                        "tags": each_like("retail"),
                        "closed": boolean(false),
                        "manager": null_value(),
                        "note": include("vip", "a vip client"),
                        "limits": each_key(json!({"daily": 100}), &[regex("[a-z]+", "daily")]),
                        "scores": each_value(json!({"a": 1}), &[integer(1)]),
                        "history": array_contains(vec![json!({"kind": "opened", "at": like("2024")})]),
                        "id2": number(7),
                        "code": not_empty("X1"),
                        "fixed": equality("exact"),
                        "requestId": random_uuid("0b6a0f64-4f47-4c36-9f0c-8b0a2c1b7e11"),
                        "self": mock_server_url(".*(/accounts/42)$", "http://localhost/accounts/42"),
                    }))
            });
    });
    pact.interaction("create an account", |i| {
        i.request(|r| {
            r.post()
                .path("/accounts")
                .header("Content-Type", "application/json")
                .json_body(json!({"owner": like("bob"), "currency": regex("EUR|USD", "USD")}))
        })
        .response(|r| {
            r.status_class(StatusClass::Success, 201)
                .json_body(json!({"id": integer(7)}))
        });
    });
    pact
}

#[tokio::test]
async fn async_test_writes_a_pact_with_rules_at_their_paths() {
    let dir = temp_dir("async");
    let pact = accounts_pact(&dir);
    let server = pact.start_mock_server().await.expect("mock server starts");
    let client = reqwest::Client::new();
    let account: serde_json::Value = client
        .get(server.url_for("/accounts/42?fields=all"))
        .header("Accept", "application/json")
        .send()
        .await
        .expect("request sent")
        .json()
        .await
        .expect("JSON body");
    assert_eq!(account["id"], 42);
    assert_eq!(account["tags"], json!(["retail"]));
    assert_eq!(account["self"], json!(format!("{}/accounts/42", server.url())));
    assert_ne!(
        account["requestId"], "0b6a0f64-4f47-4c36-9f0c-8b0a2c1b7e11",
        "generators apply"
    );
    // A different body that satisfies the rules is accepted.
    let created = client
        .post(server.url_for("/accounts"))
        .json(&json!({"owner": "someone else", "currency": "EUR"}))
        .send()
        .await
        .expect("request sent");
    assert_eq!(created.status(), 201);
    let outcome = server.finish().expect("pact satisfied");
    assert_eq!(outcome.interactions, 2);

    let written = read_pact(&dir.join("investment-manager-accounts.json"));
    let get = written
        .http_interactions()
        .find(|i| i.info.description == "get account 42")
        .expect("written");
    assert_eq!(get.info.provider_states[0].params["id"], 42);
    assert_eq!(get.info.comments["testname"], "gets_an_account");
    let path_rules = get
        .request
        .matching_rules
        .category(Category::Path)
        .expect("path rule");
    assert_eq!(
        path_rules.get("").expect("rule").rules,
        vec![MatchingRule::Regex("/accounts/\\d+".into())]
    );
    let body = get
        .response
        .matching_rules
        .category(Category::Body)
        .expect("body rules");
    let rule_at = |path: &str| {
        body.get(path)
            .unwrap_or_else(|| panic!("no rule at {path}"))
            .rules[0]
            .clone()
    };
    assert_eq!(rule_at("$.id"), MatchingRule::Integer);
    assert_eq!(
        rule_at("$.tags"),
        MatchingRule::Type {
            min: Some(1),
            max: None
        }
    );
    assert_eq!(rule_at("$.openedOn"), MatchingRule::Date("yyyy-MM-dd".into()));
    assert_eq!(rule_at("$.note"), MatchingRule::Include("vip".into()));
    assert!(matches!(rule_at("$.history"), MatchingRule::ArrayContains(_)));
    assert!(matches!(rule_at("$.limits"), MatchingRule::EachKey { .. }));
    assert_eq!(rule_at("$.fixed"), MatchingRule::Equality);
    assert_eq!(get.response.body.as_json().expect("json")["note"], "a vip client");
    let create = written
        .http_interactions()
        .find(|i| i.info.description == "create an account")
        .expect("written");
    assert!(
        create
            .response
            .matching_rules
            .category(Category::Status)
            .is_some()
    );
}

#[test]
fn blocking_test_works_without_a_runtime() {
    let dir = temp_dir("blocking");
    let mut pact = PactBuilder::new("portal-gateway", "accounts").output_dir(&dir);
    pact.interaction("list accounts of ann", |i| {
        i.request(|r| r.get().path("/accounts").query_param("owner", "ann"))
            .response(|r| r.status(200).json_body(json!([{"id": integer(1)}])));
    });
    let status = pact
        .run_blocking(|url| {
            reqwest::blocking::get(format!("{url}/accounts?owner=ann"))
                .expect("request sent")
                .status()
        })
        .expect("pact satisfied");
    assert_eq!(status, 200);
    assert_eq!(
        read_pact(&dir.join("portal-gateway-accounts.json"))
            .interactions
            .len(),
        1
    );
}

#[tokio::test]
async fn failure_report_names_mismatches_unexpected_and_missing_requests() {
    let dir = temp_dir("failure");
    let pact = accounts_pact(&dir);
    let server = pact.start_mock_server().await.expect("mock server starts");
    let client = reqwest::Client::new();
    let wrong = client
        .post(server.url_for("/accounts"))
        .json(&json!({"owner": "bob", "currency": "GBP", "extra": 1}))
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), 500);
    let body: serde_json::Value = wrong.json().await.expect("JSON error body");
    assert_eq!(body["interaction"], "create an account");
    assert!(body["mismatches"].as_array().is_some_and(|m| !m.is_empty()));
    let unexpected = client
        .delete(server.url_for("/nothing"))
        .send()
        .await
        .expect("sent");
    assert_eq!(unexpected.status(), 500);
    let error = server.finish().expect_err("the test must fail");
    let ConsumerError::Mismatches { report, .. } = &error else {
        panic!("expected mismatches, got {error}");
    };
    assert!(
        report.contains("request POST /accounts did not match interaction 'create an account'"),
        "{report}"
    );
    assert!(report.contains("Expected 'GBP' to match 'EUR|USD'"), "{report}");
    assert!(
        report.contains("+  \"extra\": 1"),
        "the report shows a diff:\n{report}"
    );
    assert!(report.contains("unexpected request DELETE /nothing"), "{report}");
    assert!(
        report.contains("expected request never received: 'get account 42'"),
        "{report}"
    );
    assert!(
        !dir.join("investment-manager-accounts.json").exists(),
        "no pact on failure"
    );
}

#[tokio::test]
async fn invalid_matchers_are_reported_before_running() {
    let dir = temp_dir("invalid");
    let mut pact = PactBuilder::new("c", "p").output_dir(&dir);
    pact.interaction("bad", |i| {
        i.response(|r| r.json_body(json!({"a": {"pact:matcher:type": "regex", "value": "x"}})));
    });
    let error = pact.start_mock_server().await.expect_err("regex without pattern");
    assert!(
        error
            .to_string()
            .contains("regex matcher without a 'regex' attribute"),
        "{error}"
    );
}

#[tokio::test]
async fn without_example_checks_the_mock_reports_what_the_example_breaks_when_a_request_arrives() {
    let declare = |pact: &mut PactBuilder| {
        pact.interaction("an id", |i| {
            i.request(|r| {
                r.post()
                    .path("/ids")
                    .json_body(json!({"id": regex("\\w{3}\\d{3}", "a")}))
            })
            .response(|r| r.ok());
        });
    };
    let dir = temp_dir("unchecked");
    let mut checked = PactBuilder::new("c", "p").output_dir(&dir);
    declare(&mut checked);
    let error = checked.start_mock_server().await.expect_err("checked by default");
    assert!(
        error.to_string().contains("does not satisfy its own matcher"),
        "{error}"
    );
    let mut unchecked = PactBuilder::new("c", "p")
        .output_dir(&dir)
        .without_example_checks();
    declare(&mut unchecked);
    let server = unchecked.start_mock_server().await.expect("starts");
    let sent = reqwest::Client::new()
        .post(server.url_for("/ids"))
        .json(&json!({"id": "a"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(sent.status(), 500);
    let report = server.report();
    assert!(!report.is_success());
    let error = server
        .finish()
        .expect_err("the example's own request does not match");
    assert!(error.to_string().contains("Expected 'a' to match"), "{error}");
}

#[tokio::test]
async fn same_interaction_with_different_content_is_a_conflict() {
    let dir = temp_dir("conflict");
    let declare = |owner: &str| {
        let mut pact = PactBuilder::new("c", "p").output_dir(&dir);
        let owner = owner.to_owned();
        pact.interaction("get owner", move |i| {
            i.request(|r| r.get().path("/owner"))
                .response(|r| r.json_body(json!({"owner": owner})));
        });
        pact
    };
    let first = declare("ann");
    first
        .run(|url| async move { reqwest::get(format!("{url}/owner")).await.map(|r| r.status()) })
        .await
        .expect("first")
        .expect("sent");
    let same = declare("ann");
    same.run(|url| async move { reqwest::get(format!("{url}/owner")).await.map(|r| r.status()) })
        .await
        .expect("identical content merges")
        .expect("sent");
    let second = declare("bob");
    let error = second
        .run(|url| async move { reqwest::get(format!("{url}/owner")).await.map(|r| r.status()) })
        .await
        .expect_err("different content conflicts");
    assert!(error.to_string().contains("cannot write the pact"), "{error}");
    let source = std::error::Error::source(&error)
        .map(|s| s.to_string())
        .unwrap_or_default();
    assert!(
        source.contains("conflicting definitions of interaction 'get owner'"),
        "{source}"
    );
    let written = read_pact(&dir.join("c-p.json"));
    assert_eq!(written.interactions.len(), 1, "nothing overwritten");
}

#[tokio::test]
async fn request_bodies_of_every_kind_are_matched_with_their_rules() {
    let dir = temp_dir("bodies");
    let mut pact = PactBuilder::new("uploader", "files").output_dir(&dir);
    pact.interaction("post a form", |i| {
        i.request(|r| {
            r.post()
                .path("/form")
                .form_body(&[("name", json!("ann")), ("age", integer(30))])
        })
        .response(|r| r.status(204));
    });
    pact.interaction("post xml", |i| {
        i.request(|r| {
            r.post()
                .path("/xml")
                .xml_body("<account id=\"1\"><owner>ann</owner></account>")
        })
        .response(|r| r.status(204));
    });
    pact.interaction("post multipart", |i| {
        i.request(|r| {
            r.post()
                .path("/upload")
                .multipart_body(&[("meta", "application/json", b"{\"n\":1}")])
        })
        .response(|r| r.status(204));
    });
    pact.interaction("post text matching a pattern", |i| {
        i.request(|r| {
            r.post()
                .path("/text")
                .body_matching("hello \\w+", "hello ann", "text/plain")
        })
        .response(|r| {
            r.status(200).json_body(json!({
                "sizes": min_like(json!([1, 2]), 2),
                "few": max_like(json!([1]), 3),
                "at": time("HH:mm", "10:30"),
                "byName": values_like(json!({"ann": integer(1)})),
                "n": random_int(1, 9),
                "s": random_string(8, "abcdefgh"),
                "hex": random_hexadecimal(6, "00aaff"),
                "when": datetime_generated("yyyy-MM-dd'T'HH:mm:ss", Some("+ 1 day"), "2024-01-01T00:00:00"),
                "ref": from_provider_state("${ref}", "R1"),
            }))
        });
    });
    let server = pact.start_mock_server().await.expect("mock server");
    let client = reqwest::Client::new();
    let form = client
        .post(server.url_for("/form"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("age=41&name=ann")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        form.status(),
        204,
        "form fields compared by name, with the integer rule"
    );
    let xml = client
        .post(server.url_for("/xml"))
        .header("Content-Type", "application/xml")
        .body("<?xml version=\"1.0\"?><account id=\"1\"><owner>ann</owner></account>")
        .send()
        .await
        .expect("sent");
    assert_eq!(xml.status(), 204);
    let multipart = client
        .post(server.url_for("/upload"))
        .header("Content-Type", "multipart/form-data; boundary=other")
        .body("--other\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"n\":1}\r\n--other--\r\n")
        .send()
        .await
        .expect("sent");
    assert_eq!(multipart.status(), 204, "a different boundary still matches");
    let text: serde_json::Value = client
        .post(server.url_for("/text"))
        .header("Content-Type", "text/plain")
        .body("hello bob")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let n = text["n"].as_i64().expect("generated int");
    assert!((1..=9).contains(&n));
    assert_eq!(text["s"].as_str().map(str::len), Some(8));
    assert_eq!(
        text["ref"], "R1",
        "provider-state values are only generated by the verifier"
    );
    server.finish().expect("pact satisfied");
    let written = read_pact(&dir.join("uploader-files.json"));
    let text = written
        .http_interactions()
        .find(|i| i.info.description == "post text matching a pattern")
        .expect("written");
    let body = text
        .response
        .matching_rules
        .category(Category::Body)
        .expect("rules");
    assert_eq!(
        body.get("$.sizes").expect("rule").rules[0],
        MatchingRule::Type {
            min: Some(2),
            max: None
        }
    );
    assert_eq!(body.get("$.byName").expect("rule").rules[0], MatchingRule::Values);
    assert_eq!(
        body.get("$.byName.ann").expect("rule").rules[0],
        MatchingRule::Integer
    );
    assert_eq!(text.response.generators.category(Category::Body).len(), 5);
}
