//! Property-based fuzzing of what reads untrusted input: the pact reader and the matcher never
//! panic, whatever JSON (or text) they are given, and a pact accord wrote reads back the same.
//! CI runs the default 256 cases per property; a longer run:
//! `PROPTEST_CASES=100000 cargo test -p accord-core --test it fuzz --release`.

use accord_core::SpecVersion;
use accord_core::format::{pact_to_string, parse_pact, response_from_json};
use accord_core::matching::{match_request, match_response};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Keys the reader looks for, so generated documents reach deep into it.
const KEYS: &[&str] = &[
    "consumer",
    "provider",
    "name",
    "interactions",
    "messages",
    "metadata",
    "pactSpecification",
    "version",
    "description",
    "providerState",
    "providerStates",
    "params",
    "request",
    "response",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "status",
    "matchingRules",
    "generators",
    "matchers",
    "match",
    "regex",
    "min",
    "max",
    "combine",
    "type",
    "contents",
    "content",
    "contentType",
    "encoded",
    "json_class",
    "data",
    "generate",
    "matcher",
    "s",
    "$.body",
    "$.body.a",
    "$.headers.Accept",
    "header",
    "$",
    "$.a[*].b",
    "pluginConfiguration",
    "format",
    "expression",
    "dataType",
    "value",
    "variants",
    "rules",
    "pending",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z0-9 ./%:$*\\[\\]()+?^|\\\\-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "GET",
            "POST",
            "application/json",
            "text/xml",
            "3.0.0",
            "4.0",
            "2.0.0",
            "type",
            "regex",
            "equality",
            "integer",
            "Synchronous/HTTP",
            "Asynchronous/Messages",
            "Pact::Term",
            "base64",
            "RandomInt",
            "ProviderState",
            "Date",
            "((",
            "<a>x</a>",
            "a=1&b=2",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..6).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A document with a pact's top level and arbitrary interactions.
fn pact_like() -> impl Strategy<Value = Value> {
    (prop::collection::vec(json_value(), 0..4), json_value(), prop::sample::select(vec!["1.0.0", "2.0.0", "3.0.0", "4.0"]))
        .prop_map(|(interactions, metadata, version)| {
            let mut metadata = match metadata {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            metadata.insert("pactSpecification".into(), json!({"version": version}));
            json!({"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": interactions, "metadata": metadata})
        })
}

proptest! {
    #[test]
    fn the_reader_never_panics_on_pact_shaped_json(doc in pact_like()) {
        let _ = parse_pact(&doc.to_string(), "fuzz");
    }

    #[test]
    fn the_reader_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse_pact(&text, "fuzz");
    }

    #[test]
    fn a_readable_pact_writes_and_reads_back(doc in pact_like()) {
        if let Ok(pact) = parse_pact(&doc.to_string(), "fuzz")
            && let Ok(written) = pact_to_string(&pact, SpecVersion::V4)
        {
            let again = parse_pact(&written, "fuzz-written");
            prop_assert!(again.is_ok(), "accord cannot read what it wrote: {written}");
        }
    }

    #[test]
    fn matching_never_panics(expected in json_value(), actual in json_value()) {
        // Whatever rules and bodies the expected side holds, and whatever the provider sends.
        if let (Ok(e), Ok(a)) = (
            response_from_json(&expected, SpecVersion::V4, "expected"),
            response_from_json(&actual, SpecVersion::V4, "actual"),
        ) {
            let _ = match_response(&e, &a);
        }
        if let (Ok(e), Ok(a)) = (
            accord_core::format::request_from_json(&expected, SpecVersion::V3, "expected"),
            accord_core::format::request_from_json(&actual, SpecVersion::V3, "actual"),
        ) {
            let _ = match_request(&e, &a);
        }
    }
}
