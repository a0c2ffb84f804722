//! The protobuf contracts of real pacts (Pact's plugin examples and pact-js-core's gRPC test,
//! from the shared data folder): descriptors read, messages decoded, calls resolved, answers
//! judged field by field.

use accord_core::{Interaction, Pact};
use accord_protobuf::grpc::status_code;
use accord_protobuf::{
    Descriptors, GrpcAnswer, GrpcCall, MessageDescriptor, Side, compare, decode, is_protobuf,
};
use prost::Message as _;
use prost_reflect::DynamicMessage;
use serde_json::{Value, json};

fn pact(relative: &str) -> Option<Pact> {
    let path = accord_test_support::shared_data(relative, &format!("the protobuf pact {relative}"))?;
    Some(accord_core::format::read_pact_file(&path).unwrap_or_else(|e| panic!("{relative}: {e}")))
}

/// A message of `descriptor` written from its JSON form, encoded.
fn encode(descriptor: &MessageDescriptor, value: &Value) -> Vec<u8> {
    let text = value.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let message = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer)
        .unwrap_or_else(|e| panic!("{value} is not a {}: {e}", descriptor.full_name()));
    message.encode_to_vec()
}

fn grpc_call<'a>(pact: &'a Pact, descriptors: &Descriptors) -> GrpcCall<'a> {
    pact.interactions
        .iter()
        .find_map(|i| GrpcCall::of(i, descriptors).expect("resolves"))
        .expect("a gRPC interaction")
}

const AREA: &str = "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json";
const ROUTE_GUIDE: &str = "wild-pacts/pacts/pact-js-core--grpc.json";

#[test]
fn the_area_calculator_call_resolves_and_its_messages_decode_by_field_name() {
    let Some(pact) = pact(AREA) else { return };
    let descriptors = Descriptors::of_pact(&pact);
    let call = grpc_call(&pact, &descriptors);
    assert_eq!(call.path(), "/area_calculator.Calculator/calculateOne");
    assert_eq!(call.request_message().full_name(), "area_calculator.ShapeMessage");
    assert_eq!(
        call.response_message().full_name(),
        "area_calculator.AreaResponse"
    );
    assert_eq!(
        call.request_value().expect("decodes"),
        json!({"rectangle": {"length": 3.0, "width": 4.0}})
    );
    assert_eq!(call.expected_status(), (0, None));
    let http = pact
        .interactions
        .iter()
        .find(|i| matches!(i, Interaction::Http(_)))
        .expect("http");
    assert!(
        is_protobuf(http),
        "the pact's HTTP interaction carries protobuf too"
    );
    assert!(pact.interactions.iter().all(is_protobuf));
}

#[test]
fn an_answer_is_judged_by_the_pacts_rules_naming_the_field() {
    let Some(pact) = pact(AREA) else { return };
    let descriptors = Descriptors::of_pact(&pact);
    let call = grpc_call(&pact, &descriptors);
    let response = call.response_message().clone();
    let answer = |value: Value| GrpcAnswer {
        status: 0,
        messages: vec![encode(&response, &value)],
        ..GrpcAnswer::default()
    };
    // `$.value.*` is a number matcher: any area passes.
    assert_eq!(call.check_response(&answer(json!({"value": [99.5]}))), vec![]);
    // No value at all: the repeated field is empty, which the example's one value is not.
    let missing = call.check_response(&answer(json!({})));
    assert!(!missing.is_empty(), "an empty answer must fail");
    assert!(
        missing.iter().all(|m| m.location.starts_with("$.value")),
        "{missing:?}"
    );
    // A status other than OK.
    let refused = call.check_response(&GrpcAnswer {
        status: status_code("UNIMPLEMENTED").expect("code"),
        message: Some("no such method".into()),
        ..GrpcAnswer::default()
    });
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0].message.contains("UNIMPLEMENTED") && refused[0].message.contains("no such method"),
        "{refused:?}"
    );
}

#[test]
fn a_request_may_not_carry_undeclared_fields_but_defaults_count_as_absent() {
    let Some(pact) = pact(AREA) else { return };
    let descriptors = Descriptors::of_pact(&pact);
    let call = grpc_call(&pact, &descriptors);
    let request = call.request_message().clone();
    let rules = &call.interaction().request.matching_rules;
    let expected = call.request_bytes();
    let same = encode(&request, &json!({"rectangle": {"length": 30.0, "width": 40.0}}));
    assert_eq!(compare(&request, expected, &same, rules, Side::Request), vec![]);
    // Another shape of the oneof: the rectangle reads as the default one (zeros are numbers,
    // as the plugin judges), and the square is a field the consumer did not declare.
    let other_shape = encode(&request, &json!({"square": {"edge_length": 3.0}}));
    let mismatches = compare(&request, expected, &other_shape, rules, Side::Request);
    assert!(
        mismatches.iter().any(|m| m.location == "$.square"),
        "{mismatches:?}"
    );
}

#[test]
fn unqualified_service_and_message_names_resolve_in_the_route_guide_pact() {
    let Some(pact) = pact(ROUTE_GUIDE) else { return };
    let descriptors = Descriptors::of_pact(&pact);
    let call = grpc_call(&pact, &descriptors);
    assert_eq!(call.path(), "/routeguide.RouteGuide/GetFeature");
    assert_eq!(
        call.request_value().expect("decodes"),
        json!({"latitude": 180, "longitude": 200})
    );
    let expected = decode(
        call.response_message(),
        call.interaction().response[0].contents.content(),
    )
    .expect("decodes");
    assert_eq!(
        expected,
        json!({"name": "Big Tree", "location": {"latitude": 180, "longitude": 200}})
    );
    // A feature without its location reads as one at the default location, as the plugin
    // reads it: the rules are number matchers, and 0 is a number.
    let without_location = GrpcAnswer {
        messages: vec![encode(call.response_message(), &json!({"name": "Big Tree"}))],
        ..GrpcAnswer::default()
    };
    assert_eq!(call.check_response(&without_location), vec![]);
    // A location sent as a number (a changed .proto) is named, with what is wrong.
    let mut changed = encode(call.response_message(), &json!({"name": "Big Tree"}));
    changed.extend([0x10, 0x01]);
    // For a person, the bytes still read: the name, and what came in the location's place.
    assert_eq!(
        accord_protobuf::decode_readable(call.response_message(), &changed),
        json!({"name": "Big Tree", "location": 1})
    );
    let wrong_type = GrpcAnswer {
        messages: vec![changed],
        ..GrpcAnswer::default()
    };
    let mismatches = call.check_response(&wrong_type);
    assert!(
        mismatches
            .iter()
            .any(|m| m.location == "$.location" && m.message.contains("a varint")),
        "{mismatches:?}"
    );
}

#[test]
fn a_pact_without_its_descriptors_is_named_as_such() {
    let Some(mut pact) = pact(AREA) else { return };
    pact.plugins.clear();
    let descriptors = Descriptors::of_pact(&pact);
    let grpc = pact
        .interactions
        .iter()
        .find(|i| matches!(i, Interaction::SyncMessage(_)))
        .expect("the gRPC interaction");
    let error = GrpcCall::of(grpc, &descriptors)
        .expect_err("cannot resolve")
        .to_string();
    assert!(error.contains("no protobuf descriptors under key"), "{error}");
}
