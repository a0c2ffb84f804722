//! What a person sees when a contract test fails: messages that name the interaction and what
//! differs, as lines, and mistakes caught where they are declared.

use accord::matchers::{date, from_provider_state, include, regex};
use accord::{ConsumerError, PactBuilder, json};

use crate::temp_dir;

fn declaration_problems(error: &ConsumerError) -> Vec<String> {
    match error {
        ConsumerError::Declaration { problems } => problems.clone(),
        other => panic!("expected a declaration error, got {other:?}"),
    }
}

#[tokio::test]
async fn examples_that_break_their_own_matchers_are_refused_where_declared() {
    let dir = temp_dir("declared");
    let mut pact = PactBuilder::new("shop", "stock").output_dir(&dir);
    pact.interaction("get an item", |i| {
        i.request(|r| r.get().path(regex("/items/\\d+", "/items/abc")))
            .response(|r| {
                r.json_body(json!({
                    "sku": regex("[", "x"),
                    "added": date("yyyy-MM-dd", "28/11/2026"),
                    "note": include("fragile", "handle with care"),
                }))
            });
    });
    pact.interaction("get an item", |i| {
        i.request(|r| r.get().path("/items/1"));
    });
    let error = pact
        .start_mock_server()
        .await
        .expect_err("refused before running");
    let problems = declaration_problems(&error);
    let all = problems.join("\n");
    for expected in [
        "interaction 'get an item', request path",
        "interaction 'get an item', response body $.sku",
        "interaction 'get an item', response body $.added",
        "interaction 'get an item', response body $.note",
        "declared twice",
    ] {
        assert!(all.contains(expected), "missing '{expected}' in:\n{all}");
    }
    assert_eq!(problems.len(), 5, "{all}");
    let shown = format!("{error:?}");
    assert!(
        shown.contains("\n  - interaction 'get an item'"),
        "one problem per line:\n{shown}"
    );
    assert!(!dir.join("shop-stock.json").exists(), "nothing written");
}

#[tokio::test]
async fn a_failed_session_prints_as_lines_when_unwrapped() {
    let dir = temp_dir("lines");
    let mut pact = PactBuilder::new("shop", "stock").output_dir(&dir);
    pact.interaction("get item 1", |i| {
        i.request(|r| r.get().path("/items/1"))
            .response(|r| r.json_body(json!({"id": 1})));
    });
    let session = pact.start_mock_server().await.expect("starts");
    let _ = reqwest::get(session.url_for("/items/2")).await.expect("sent");
    let error = session.finish().expect_err("unsatisfied");
    // What `.unwrap()` prints is `Debug`.
    let shown = format!("{error:?}");
    assert!(!shown.contains("\\n"), "no escaped newlines:\n{shown}");
    assert!(!shown.contains("Mismatches {"), "no structure dump:\n{shown}");
    assert!(shown.lines().count() >= 3, "{shown}");
    assert!(
        shown.contains("GET /items/2") && shown.contains("'get item 1'"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_conflict_shows_both_definitions_as_a_diff() {
    let dir = temp_dir("conflict-diff");
    let declare = |owner: &str| {
        let mut pact = PactBuilder::new("shop", "stock").output_dir(&dir);
        let owner = owner.to_owned();
        pact.interaction("get owner", move |i| {
            i.request(|r| r.get().path("/owner"))
                .response(|r| r.json_body(json!({"owner": owner})));
        });
        pact
    };
    for (owner, ok) in [("ann", true), ("bob", false)] {
        let result = declare(owner)
            .run(|url| async move { reqwest::get(format!("{url}/owner")).await.map(|r| r.status()) })
            .await;
        assert_eq!(result.is_ok(), ok, "{owner}");
        if let Err(error) = result {
            let shown = format!("{error:?}");
            assert!(
                shown.contains("caused by: conflicting definitions of interaction 'get owner'"),
                "{shown}"
            );
            assert!(shown.contains("--- written by an earlier test"), "{shown}");
            assert!(
                shown.lines().any(|l| l.starts_with('-') && l.contains("ann"))
                    && shown.lines().any(|l| l.starts_with('+') && l.contains("bob")),
                "the diff shows both owners:\n{shown}"
            );
        }
    }
}

#[tokio::test]
async fn a_provider_state_path_keeps_its_template() {
    let dir = temp_dir("state-path");
    let mut pact = PactBuilder::new("shop", "stock").output_dir(&dir);
    pact.interaction("get the item of the state", |i| {
        i.given("an item exists")
            .request(|r| r.get().path(from_provider_state("/items/${id}", "/items/42")))
            .response(|r| r.status(200));
    });
    let session = pact.start_mock_server().await.expect("starts");
    let _ = reqwest::get(session.url_for("/item/42")).await.expect("sent");
    let error = session.finish().expect_err("/item/42 is not /items/{id}");
    assert!(format!("{error}").contains("GET /item/42"), "{error}");

    let session = pact.start_mock_server().await.expect("starts");
    let status = reqwest::get(session.url_for("/items/7"))
        .await
        .expect("sent")
        .status();
    assert_eq!(status, 200);
    session.finish().expect("any id of the template matches");
    let written = std::fs::read_to_string(dir.join("shop-stock.json")).expect("written");
    let pact: serde_json::Value = serde_json::from_str(&written).expect("json");
    let path = &pact["interactions"][0]["request"];
    assert_eq!(
        path["matchingRules"]["path"]["matchers"][0]["regex"], "/items/[^/]+",
        "{path}"
    );
    assert_eq!(path["generators"]["path"]["expression"], "/items/${id}", "{path}");
}

#[tokio::test]
async fn the_format_matchers_check_their_examples_and_match_other_values() {
    use accord::matchers::{email, hexadecimal, ipv4_address, ipv6_address, iso_datetime, url};
    #[derive(serde::Serialize)]
    struct NewItem {
        name: String,
        count: u32,
    }
    let dir = temp_dir("formats");
    let mut pact = PactBuilder::new("shop", "stock").output_dir(&dir);
    pact.interaction("create an item", |i| {
        i.request(|r| {
            r.post().path("/items").json_body_from(&NewItem {
                name: "bolt".into(),
                count: 3,
            })
        })
        .response(|r| {
            r.created().json_body(json!({
                "ip": ipv4_address("10.0.0.1"), "ip6": ipv6_address("2001:db8::ff00:42:8329"),
                "contact": email("ann@example.com"), "docs": url("https://example.com/items/1"),
                "etag": hexadecimal("c0ffee"), "at": iso_datetime("2026-11-28T09:50:54.123Z"),
            }))
        });
    });
    let session = pact.start_mock_server().await.expect("valid examples");
    let answer = reqwest::Client::new()
        .post(session.url_for("/items"))
        .json(&json!({"name": "bolt", "count": 3}))
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 201);
    session.finish().expect("satisfied");

    let mut wrong = PactBuilder::new("shop", "stock").output_dir(&dir);
    wrong.interaction("bad examples", |i| {
        i.response(|r| {
            r.not_found().json_body(json!({
                "ip": ipv4_address("999.0.0.1"), "contact": email("ann"), "at": iso_datetime("yesterday"),
            }))
        });
    });
    let error = wrong.start_mock_server().await.expect_err("refused");
    let problems = declaration_problems(&error);
    assert_eq!(problems.len(), 3, "{problems:#?}");
}
