//! Writing V3 and V4 pacts and reading them back.

use accord_core::format::{pact_to_json, pact_to_string, parse_pact};
use accord_core::generators::{Generator, UuidFormat};
use accord_core::rules::{Category, MatchingRule};
use accord_core::{
    AsyncMessage, Body, ContentType, HttpInteraction, HttpRequest, HttpResponse, Interaction,
    InteractionInfo, MessageContents, Pact, ProviderState, Query, SpecVersion,
};
use serde_json::json;

fn sample_pact() -> Pact {
    let mut pact = Pact::new("investment-manager", "accounts");
    let mut request = HttpRequest {
        method: "GET".into(),
        path: "/accounts/42".into(),
        ..HttpRequest::default()
    };
    let mut query = Query::new();
    query.add("fields", "id");
    query.add("fields", "owner");
    request.query = Some(query);
    request.headers.add("Accept", "application/json");
    let mut response = HttpResponse {
        status: 200,
        body: Body::json(&json!({"id": 42, "owner": "ann", "createdAt": "2024-01-01"})),
        ..HttpResponse::default()
    };
    response.headers.add("Content-Type", "application/json");
    response
        .matching_rules
        .add_rule(Category::Body, "$.id", MatchingRule::Integer);
    response.matching_rules.add_rule(
        Category::Body,
        "$.createdAt",
        MatchingRule::Date("yyyy-MM-dd".into()),
    );
    response.generators.add(
        Category::Body,
        "$.owner",
        Generator::Uuid {
            format: UuidFormat::Simple,
        },
    );
    let mut info = InteractionInfo::new("get account 42");
    let mut state = ProviderState::new("account 42 exists");
    state.params.insert("id".into(), json!(42));
    info.provider_states.push(state);
    info.comments.insert("testname".into(), json!("gets_account"));
    pact.interactions.push(Interaction::Http(HttpInteraction {
        info,
        request,
        response,
    }));
    pact
}

#[test]
fn v4_round_trips_through_json() {
    let pact = sample_pact();
    let text = pact_to_string(&pact, SpecVersion::V4).expect("writable");
    let read = parse_pact(&text, "written.json").expect("readable");
    assert_eq!(read.spec_version, SpecVersion::V4);
    let original = pact.http_interactions().next().expect("one");
    let back = read.http_interactions().next().expect("one");
    assert_eq!(back.request, original.request);
    assert_eq!(back.response.matching_rules, original.response.matching_rules);
    assert_eq!(back.response.generators, original.response.generators);
    assert_eq!(back.response.body.as_json(), original.response.body.as_json());
    assert_eq!(back.info.provider_states, original.info.provider_states);
    assert!(back.info.key.is_some(), "written V4 interactions carry a key");
}

#[test]
fn v4_shape_matches_the_specification() {
    let value = pact_to_json(&sample_pact(), SpecVersion::V4).expect("writable");
    let interaction = &value["interactions"][0];
    assert_eq!(interaction["type"], "Synchronous/HTTP");
    assert_eq!(
        interaction["request"]["headers"]["Accept"],
        json!(["application/json"])
    );
    assert_eq!(interaction["request"]["query"]["fields"], json!(["id", "owner"]));
    assert_eq!(interaction["response"]["body"]["encoded"], false);
    assert_eq!(interaction["response"]["body"]["content"]["id"], 42);
    assert_eq!(
        interaction["response"]["matchingRules"]["body"]["$.id"],
        json!({"combine": "AND", "matchers": [{"match": "integer"}]})
    );
    assert_eq!(value["metadata"]["pactSpecification"]["version"], "4.0");
}

#[test]
fn keys_are_stable_for_the_same_content() {
    let a = pact_to_json(&sample_pact(), SpecVersion::V4).expect("writable");
    let b = pact_to_json(&sample_pact(), SpecVersion::V4).expect("writable");
    assert_eq!(a["interactions"][0]["key"], b["interactions"][0]["key"]);
}

#[test]
fn v3_writes_plain_headers_and_bodies() {
    let value = pact_to_json(&sample_pact(), SpecVersion::V3).expect("writable");
    let interaction = &value["interactions"][0];
    assert_eq!(interaction["request"]["headers"]["Accept"], "application/json");
    assert_eq!(interaction["response"]["body"]["id"], 42);
    assert_eq!(value["metadata"]["pactSpecification"]["version"], "3.0.0");
    let read = parse_pact(&value.to_string(), "v3.json").expect("readable");
    assert_eq!(read.http_interactions().count(), 1);
}

#[test]
fn v4_messages_use_the_content_category_and_binary_is_base64() {
    let mut pact = Pact::new("c", "p");
    let mut message = MessageContents {
        contents: Body::json(&json!({"id": 1})),
        ..MessageContents::default()
    };
    message
        .matching_rules
        .add_rule(Category::Body, "$.id", MatchingRule::Integer);
    pact.interactions.push(Interaction::AsyncMessage(AsyncMessage {
        info: InteractionInfo::new("event"),
        message,
    }));
    let binary = MessageContents {
        contents: Body::bytes(vec![0u8, 159, 146, 150], Some(ContentType::binary())),
        ..MessageContents::default()
    };
    pact.interactions.push(Interaction::AsyncMessage(AsyncMessage {
        info: InteractionInfo::new("binary event"),
        message: binary,
    }));
    let value = pact_to_json(&pact, SpecVersion::V4).expect("writable");
    assert!(value["interactions"][0]["matchingRules"]["content"]["$.id"].is_object());
    assert_eq!(value["interactions"][1]["contents"]["encoded"], "base64");
    let read = parse_pact(&value.to_string(), "m.json").expect("readable");
    let Interaction::AsyncMessage(m) = &read.interactions[1] else {
        panic!("message expected");
    };
    assert_eq!(m.message.contents.content(), &[0u8, 159, 146, 150]);
}

#[test]
fn v3_refuses_what_it_cannot_express() {
    let mut pact = sample_pact();
    pact.interactions.push(Interaction::AsyncMessage(AsyncMessage {
        info: InteractionInfo::new("event"),
        message: MessageContents::default(),
    }));
    let err = pact_to_json(&pact, SpecVersion::V3).expect_err("mixed kinds");
    assert!(
        err.to_string().contains("either HTTP interactions or messages"),
        "{err}"
    );
    assert!(pact_to_json(&pact, SpecVersion::V4).is_ok());
}

#[test]
fn pact_file_names_stay_in_their_directory() {
    let pact = Pact::new("../../etc/cron.d/x", "a\\b:c");
    assert_eq!(pact.file_name(), "_._.._etc_cron.d_x-a_b_c.json");
}
