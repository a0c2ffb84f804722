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

#[tokio::test]
async fn xml_bodies_take_matchers_and_repeated_children() {
    use accord::matchers::{integer, like, regex};
    use accord::xml::element;
    let dir = temp_dir("xml");
    let mut pact = PactBuilder::new("shop", "orders").output_dir(&dir);
    pact.interaction("get an order", |i| {
        i.request(|r| r.get().path("/orders/1")).response(|r| {
            r.xml_body_with(
                element("order")
                    .attr("id", integer(1))
                    .attr("currency", "EUR")
                    .each_like(
                        element("line")
                            .attr("sku", regex("[A-Z]+", "AB"))
                            .text(like("bolt")),
                        1,
                    ),
            )
        });
    });
    let session = pact
        .start_mock_server()
        .await
        .expect("the example satisfies its matchers");
    let body = reqwest::get(session.url_for("/orders/1"))
        .await
        .expect("sent")
        .text()
        .await
        .expect("body");
    assert!(
        body.contains("<order id=\"1\" currency=\"EUR\"><line sku=\"AB\">bolt</line></order>"),
        "{body}"
    );
    session.finish().expect("satisfied");

    // The provider side: another order with three lines matches; another currency does not.
    let written = accord_core::format::read_pact_file(dir.join("shop-orders.json")).expect("pact");
    let accord_core::Interaction::Http(expected) = &written.interactions[0] else {
        panic!("an HTTP interaction")
    };
    let actual = |xml: &str| accord_core::HttpResponse {
        status: 200,
        headers: expected.response.headers.clone(),
        body: accord_core::Body::bytes(
            xml.as_bytes().to_vec(),
            accord_core::ContentType::parse("application/xml"),
        ),
        ..accord_core::HttpResponse::default()
    };
    let three = actual(
        "<order id=\"7\" currency=\"EUR\"><line sku=\"X\">nut</line><line sku=\"Y\">a</line><line sku=\"Z\">b</line></order>",
    );
    let mismatches = accord_core::matching::match_response(&expected.response, &three);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let other = actual("<order id=\"7\" currency=\"USD\"><line sku=\"x1\">nut</line></order>");
    let locations: Vec<String> = accord_core::matching::match_response(&expected.response, &other)
        .iter()
        .map(|m| m.location.clone())
        .collect();
    assert_eq!(
        locations,
        ["$.order['@currency']", "$.order.line[0]['@sku']"],
        "{locations:?}"
    );
}

#[tokio::test]
async fn multipart_parts_take_matchers() {
    use accord::MultipartPart;
    use accord::matchers::regex;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let dir = temp_dir("multipart");
    let mut pact = PactBuilder::new("shop", "media").output_dir(&dir);
    pact.interaction("upload a picture", |i| {
        i.request(|r| {
            r.post().path("/pictures").multipart_body_with(&[
                MultipartPart::text("title", "text/plain", regex("[a-z ]+", "a bolt")),
                MultipartPart::of_type("file", "image/png", png),
            ])
        })
        .response(|r| r.created());
    });
    let send = |title: &'static str| {
        let mut body = Vec::new();
        body.extend_from_slice(
            b"--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain\r\n\r\n",
        );
        body.extend_from_slice(title.as_bytes());
        body.extend_from_slice(
            b"\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: image/png\r\n\r\n",
        );
        body.extend_from_slice(png);
        body.extend_from_slice(b"\x00\x01another picture\r\n--xyz--\r\n");
        body
    };
    for (title, ok) in [("a washer", true), ("Bolt 42", false)] {
        let session = pact.start_mock_server().await.expect("starts");
        let status = reqwest::Client::new()
            .post(session.url_for("/pictures"))
            .header("Content-Type", "multipart/form-data; boundary=xyz")
            .body(send(title))
            .send()
            .await
            .expect("sent")
            .status();
        let result = session.finish();
        assert_eq!(result.is_ok(), ok, "{title}: {status} {result:?}");
        if let Err(error) = result {
            assert!(format!("{error}").contains("$.title"), "{error}");
        }
    }
}
