//! Every matcher of V2–V4, positive and negative, with the messages users see.

use accord_core::matching::{match_message, match_request, match_response};
use serde_json::{Value, json};

use crate::{message, request, response};

/// Matches `actual` against `expected` under one body rule at `$.v`; the mismatch messages.
fn check_body_rule(rule: Value, expected: Value, actual: Value) -> Vec<String> {
    let e = response(json!({
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"v": expected},
        "matchingRules": {"body": {"$.v": {"matchers": [rule]}}}
    }));
    let a = response(
        json!({"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"v": actual}}),
    );
    match_response(&e, &a).into_iter().map(|m| m.message).collect()
}

fn passes(rule: Value, expected: Value, actual: Value) {
    let messages = check_body_rule(rule.clone(), expected, actual.clone());
    assert!(messages.is_empty(), "{rule} should accept {actual}: {messages:?}");
}

fn fails_with(rule: Value, expected: Value, actual: Value, message: &str) {
    let messages = check_body_rule(rule.clone(), expected, actual.clone());
    assert!(
        messages.iter().any(|m| m == message),
        "{rule} on {actual}: expected message {message:?}, got {messages:?}"
    );
}

#[test]
fn regex_must_match_the_whole_string() {
    passes(
        json!({"match": "regex", "regex": "\\d+"}),
        json!("1"),
        json!("12345"),
    );
    fails_with(
        json!({"match": "regex", "regex": "\\d+"}),
        json!("1"),
        json!("123a"),
        "Expected '123a' to match '\\d+'",
    );
    // Java syntax: look-ahead is supported.
    passes(
        json!({"match": "regex", "regex": "(?=.*x)[a-z]+"}),
        json!("ax"),
        json!("box"),
    );
    // Numbers are matched on their string form.
    passes(
        json!({"match": "regex", "regex": "\\d{3}"}),
        json!(100),
        json!(123),
    );
}

#[test]
fn type_matcher_compares_types_not_values() {
    passes(json!({"match": "type"}), json!("a"), json!("b"));
    passes(json!({"match": "type"}), json!(1), json!(2.5));
    fails_with(
        json!({"match": "type"}),
        json!("a"),
        json!(100),
        "Expected 100 (Integer) to be the same type as 'a' (String)",
    );
}

#[test]
fn type_matcher_with_min_and_max_limits_list_size() {
    let rule = json!({"match": "type", "min": 1, "max": 2});
    passes(rule.clone(), json!([1]), json!([5, 6]));
    fails_with(
        rule.clone(),
        json!([1]),
        json!([]),
        "Expected [] (size 0) to have minimum size of 1",
    );
    fails_with(
        rule,
        json!([1]),
        json!([1, 2, 3]),
        "Expected [1, 2, 3] (size 3) to have maximum size of 2",
    );
}

#[test]
fn include_matcher_looks_for_a_substring() {
    passes(
        json!({"match": "include", "value": "og"}),
        json!("dog"),
        json!("hotdog"),
    );
    fails_with(
        json!({"match": "include", "value": "a"}),
        json!("a"),
        json!("dog"),
        "Expected 'dog' to include 'a'",
    );
}

#[test]
fn number_matchers_never_coerce_strings_in_bodies() {
    passes(json!({"match": "integer"}), json!(1), json!(-100));
    fails_with(
        json!({"match": "integer"}),
        json!(1),
        json!(1.5),
        "Expected 1.5 (Decimal) to be an integer",
    );
    fails_with(
        json!({"match": "integer"}),
        json!(1),
        json!("100"),
        "Expected '100' (String) to be an integer",
    );
    passes(json!({"match": "decimal"}), json!(1.5), json!(2.25));
    fails_with(
        json!({"match": "decimal"}),
        json!(1.5),
        json!(100),
        "Expected 100 (Integer) to be a decimal number",
    );
    passes(json!({"match": "number"}), json!(1), json!(2.5));
    fails_with(
        json!({"match": "number"}),
        json!(1),
        json!(true),
        "Expected true (Boolean) to be a number",
    );
}

#[test]
fn number_matchers_coerce_query_and_header_text() {
    let e = request(json!({
        "method": "GET", "path": "/",
        "query": {"page": ["1"]},
        "headers": {"X-Count": ["10"]},
        "matchingRules": {
            "query": {"page": {"matchers": [{"match": "integer"}]}},
            "header": {"x-count": {"matchers": [{"match": "number"}]}}
        }
    }));
    let ok = request(
        json!({"method": "GET", "path": "/", "query": {"page": ["42"]}, "headers": {"X-Count": ["3.5"]}}),
    );
    assert!(match_request(&e, &ok).is_empty());
    let bad = request(
        json!({"method": "GET", "path": "/", "query": {"page": ["x"]}, "headers": {"X-Count": ["3"]}}),
    );
    let mismatches = match_request(&e, &bad);
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert_eq!(mismatches[0].message, "Expected 'x' (String) to be an integer");
}

#[test]
fn date_and_time_matchers_use_java_formats() {
    passes(
        json!({"match": "date", "format": "yyyy-MM-dd"}),
        json!("2020-01-01"),
        json!("2024-02-29"),
    );
    fails_with(
        json!({"match": "date", "format": "yyyy-MM-dd"}),
        json!("2020-01-01"),
        json!("2023-02-29"),
        "Expected '2023-02-29' to match a date pattern of 'yyyy-MM-dd'",
    );
    passes(
        json!({"match": "time", "format": "HH:mm:ss"}),
        json!("10:00:00"),
        json!("23:59:01"),
    );
    fails_with(
        json!({"match": "time", "format": "HH:mm"}),
        json!("10:00"),
        json!("25:00"),
        "Expected '25:00' to match a time pattern of 'HH:mm'",
    );
    let datetime = json!({"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"});
    passes(
        datetime.clone(),
        json!("x"),
        json!("2024-05-01T10:20:30.123+02:00"),
    );
    passes(datetime.clone(), json!("x"), json!("2024-05-01T10:20:30.123Z"));
    fails_with(
        datetime,
        json!("x"),
        json!("2024-05-01 10:20:30"),
        "Expected '2024-05-01 10:20:30' to match a datetime pattern of 'yyyy-MM-dd'T'HH:mm:ss.SSSXXX'",
    );
    // Legacy V2 form and month names.
    passes(
        json!({"timestamp": "dd MMM yyyy"}),
        json!("x"),
        json!("05 Jan 2021"),
    );
    // No format means ISO-8601.
    passes(
        json!({"match": "datetime"}),
        json!("x"),
        json!("2024-05-01T10:20:30Z"),
    );
}

#[test]
fn null_and_boolean_matchers() {
    passes(json!({"match": "null"}), json!(null), json!(null));
    fails_with(
        json!({"match": "null"}),
        json!(null),
        json!(""),
        "Expected '' (String) to be a null value",
    );
    passes(json!({"match": "boolean"}), json!(true), json!(false));
    passes(json!({"match": "boolean"}), json!(true), json!("true"));
    fails_with(
        json!({"match": "boolean"}),
        json!(true),
        json!(""),
        "Expected '' (String) to match a boolean",
    );
}

#[test]
fn not_empty_and_semver_matchers() {
    passes(json!({"match": "notEmpty"}), json!("a"), json!("b"));
    fails_with(
        json!({"match": "notEmpty"}),
        json!("a"),
        json!(""),
        "Expected '' (String) to not be empty",
    );
    fails_with(
        json!({"match": "notEmpty"}),
        json!([1]),
        json!([]),
        "Expected [] (Array) to not be empty",
    );
    passes(json!({"match": "semver"}), json!("1.0.0"), json!("2.10.3-beta.1"));
    fails_with(
        json!({"match": "semver"}),
        json!("1.0.0"),
        json!("1.0"),
        "'1.0' is not a valid semantic version",
    );
    fails_with(
        json!({"match": "semver"}),
        json!("1.0.0"),
        json!("1.0abc"),
        "'1.0abc' is not a valid semantic version",
    );
}

#[test]
fn values_matcher_ignores_keys() {
    let rule = json!({"match": "values"});
    passes(rule.clone(), json!({"a": 1}), json!({"x": 5, "y": 6}));
    let messages = check_body_rule(rule, json!({"a": 1}), json!({"x": "five"}));
    assert_eq!(
        messages,
        vec!["Expected 'five' (String) to be the same type as 1 (Integer)"]
    );
}

#[test]
fn each_key_and_each_value_apply_rules_to_every_entry() {
    let each_key = json!({"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]});
    passes(each_key.clone(), json!({"abc": 1}), json!({"x": 1, "yz": 2}));
    fails_with(
        each_key,
        json!({"abc": 1}),
        json!({"x1": 1}),
        "Expected 'x1' to match '[a-z]+'",
    );
    let each_value = json!({"match": "eachValue", "rules": [{"match": "type"}]});
    passes(each_value.clone(), json!({"a": "s"}), json!({"x": "t", "y": "u"}));
    fails_with(
        each_value,
        json!({"a": "s"}),
        json!({"x": 1}),
        "Expected 1 (Integer) to be the same type as 's' (String)",
    );
}

#[test]
fn array_contains_finds_each_variant_anywhere() {
    let rule = json!({"match": "arrayContains", "variants": [
        {"index": 0, "rules": {"$.id": {"matchers": [{"match": "integer"}]}}},
        {"index": 1, "rules": {}}
    ]});
    passes(
        rule.clone(),
        json!([{"id": 1}, {"kind": "b"}]),
        json!([{"kind": "b"}, {"x": 0}, {"id": 99}]),
    );
    fails_with(
        rule,
        json!([{"id": 1}, {"kind": "b"}]),
        json!([{"id": 99}]),
        "Variant at index 1 ({\"kind\":\"b\"}) was not found in the actual list",
    );
}

#[test]
fn status_code_matcher_checks_the_class() {
    let e = response(
        json!({"status": 200, "matchingRules": {"status": {"matchers": [{"match": "statusCode", "status": "success"}]}}}),
    );
    assert!(match_response(&e, &response(json!({"status": 204}))).is_empty());
    let mismatches = match_response(&e, &response(json!({"status": 400})));
    assert_eq!(
        mismatches[0].message,
        "Expected status code 400 to be a Successful response (200–299)"
    );
}

#[test]
fn content_type_matcher_sniffs_binary_bodies() {
    let png: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
    ];
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(png);
    let e = response(json!({
        "status": 200,
        "body": {"contentType": "image/png", "encoded": "base64", "content": encoded},
        "matchingRules": {"body": {"$": {"matchers": [{"match": "contentType", "value": "image/png"}]}}}
    }));
    let same = response(
        json!({"status": 200, "body": {"contentType": "image/png", "encoded": "base64", "content": encoded}}),
    );
    assert!(match_response(&e, &same).is_empty());
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 some pdf");
    let other = response(
        json!({"status": 200, "body": {"contentType": "image/png", "encoded": "base64", "content": pdf}}),
    );
    let mismatches = match_response(&e, &other);
    assert_eq!(
        mismatches[0].message,
        "Expected binary contents to have content type 'image/png' but detected contents was 'application/pdf'"
    );
}

#[test]
fn combine_or_passes_when_any_matcher_passes() {
    let e = response(json!({
        "status": 200, "body": {"v": 1},
        "matchingRules": {"body": {"$.v": {"combine": "OR", "matchers": [{"match": "null"}, {"match": "integer"}]}}}
    }));
    assert!(match_response(&e, &response(json!({"status": 200, "body": {"v": null}}))).is_empty());
    assert!(match_response(&e, &response(json!({"status": 200, "body": {"v": 7}}))).is_empty());
    assert_eq!(
        match_response(&e, &response(json!({"status": 200, "body": {"v": "x"}}))).len(),
        2
    );
}

#[test]
fn equality_resets_a_cascading_type_rule() {
    let e = response(json!({
        "status": 200, "body": {"a": {"b": "x", "c": {"d": "fixed"}}},
        "matchingRules": {"body": {
            "$.a": {"matchers": [{"match": "type"}]},
            "$.a.c": {"matchers": [{"match": "equality"}]}
        }}
    }));
    let ok = response(json!({"status": 200, "body": {"a": {"b": "other", "c": {"d": "fixed"}}}}));
    assert!(match_response(&e, &ok).is_empty());
    let bad = response(json!({"status": 200, "body": {"a": {"b": "other", "c": {"d": "changed"}}}}));
    let mismatches = match_response(&e, &bad);
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].location, "$.a.c.d");
}

#[test]
fn unknown_matchers_are_reported_not_dropped() {
    let messages = check_body_rule(json!({"match": "protobufThing", "x": 1}), json!(1), json!(1));
    assert_eq!(
        messages,
        vec!["matcher 'protobufThing' is not supported by accord (plugin matchers need their plugin)"]
    );
}

#[test]
fn content_type_header_compares_parameters() {
    let e = response(json!({"status": 200, "headers": {"Content-Type": "application/json; charset=utf-8"}}));
    let ok = response(json!({"status": 200, "headers": {"content-type": "application/json;charset=UTF-8"}}));
    assert!(match_response(&e, &ok).is_empty());
    let missing = response(json!({"status": 200, "headers": {"Content-Type": "application/json"}}));
    assert_eq!(
        match_response(&e, &missing)[0].message,
        "Expected header 'Content-Type' to have value 'application/json; charset=utf-8' but was 'application/json'"
    );
    let plain = response(json!({"status": 200, "headers": {"Content-Type": "application/json"}}));
    let extra =
        response(json!({"status": 200, "headers": {"Content-Type": "application/json; charset=utf-8"}}));
    assert!(match_response(&plain, &extra).is_empty());
}

#[test]
fn form_and_multipart_bodies_compare_by_field() {
    let e = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": {"contentType": "application/x-www-form-urlencoded", "encoded": false, "content": "a=1&b=two"}}),
    );
    let reordered = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": {"contentType": "application/x-www-form-urlencoded", "encoded": false, "content": "b=two&a=1"}}),
    );
    assert!(match_request(&e, &reordered).is_empty());
    let changed = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "body": {"contentType": "application/x-www-form-urlencoded", "encoded": false, "content": "a=1&b=three"}}),
    );
    assert_eq!(
        match_request(&e, &changed)[0].message,
        "Expected form post parameter 'b' with value 'two' but was 'three'"
    );

    let ct = "multipart/form-data; boundary=XyZ";
    let body = |value: &str| {
        format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"n\":{value}}}\r\n--XyZ--\r\n"
        )
    };
    let e = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": ct},
        "body": {"contentType": ct, "encoded": false, "content": body("1")}}),
    );
    let same = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": ct},
        "body": {"contentType": ct, "encoded": false, "content": body("1")}}),
    );
    assert!(match_request(&e, &same).is_empty());
    let differs = request(
        json!({"method": "POST", "path": "/", "headers": {"Content-Type": ct},
        "body": {"contentType": ct, "encoded": false, "content": body("2")}}),
    );
    let mismatches = match_request(&e, &differs);
    assert_eq!(mismatches[0].location, "$.meta.n");
}

#[test]
fn message_metadata_is_compared_with_rules() {
    let e = message(json!({
        "contents": {"contentType": "application/json", "encoded": false, "content": {"id": 1}},
        "metadata": {"topic": "accounts", "key": "42"},
        "matchingRules": {"metadata": {"key": {"matchers": [{"match": "regex", "regex": "\\d+"}]}}}
    }));
    let ok = message(json!({
        "contents": {"contentType": "application/json", "encoded": false, "content": {"id": 1, "extra": true}},
        "metadata": {"topic": "accounts", "key": "7", "other": "x"}
    }));
    assert!(match_message(&e, &ok).is_empty());
    let bad = message(json!({
        "contents": {"contentType": "application/json", "encoded": false, "content": {"id": 1}},
        "metadata": {"topic": "orders", "key": "k"}
    }));
    let messages: Vec<String> = match_message(&e, &bad).into_iter().map(|m| m.message).collect();
    assert_eq!(
        messages,
        vec![
            "Expected message metadata 'topic' to have value 'accounts' but was 'orders'".to_owned(),
            "Expected 'k' to match '\\d+'".to_owned(),
        ]
    );
}

#[test]
fn request_mismatches_name_the_part() {
    let e =
        request(json!({"method": "GET", "path": "/a", "query": {"q": ["1"]}, "headers": {"X-Id": ["1"]}}));
    let a = request(json!({"method": "POST", "path": "/b", "query": {"r": ["2"]}}));
    let messages: Vec<String> = match_request(&e, &a).into_iter().map(|m| m.message).collect();
    assert_eq!(
        messages,
        vec![
            "Expected method GET but was POST",
            "Expected path '/a' but was '/b'",
            "Expected query parameter 'q' but was missing",
            "Unexpected query parameter 'r' received",
            "Expected a header 'X-Id' but was missing",
        ]
    );
}

#[test]
fn rules_on_single_values_of_a_repeated_form_parameter_apply() {
    let form = |body: &str| json!({"status": 200, "headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": body});
    let rules = json!({"body": {
        "$['name[]'][0]": {"matchers": [{"match": "regex", "regex": "Mr\\.|Mrs\\."}]},
        "$['name[]'][1]": {"matchers": [{"match": "type"}]}
    }});
    let mut expected = form("name%5B%5D=&name%5B%5D=");
    expected["matchingRules"] = rules;
    let e = response(expected);
    let ok = response(form("name%5B%5D=Mr.&name%5B%5D=Smith"));
    assert!(
        match_response(&e, &ok).is_empty(),
        "{:?}",
        match_response(&e, &ok)
    );
    let bad = response(form("name%5B%5D=Dr.&name%5B%5D=Smith"));
    let mismatches = match_response(&e, &bad);
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert!(mismatches[0].message.contains("Dr."), "{mismatches:?}");
}

// Found by the Pact compatibility suite: the wording and paths Pact users see.
#[test]
fn mismatch_texts_read_as_pact_writes_them() {
    // A value matcher where the pact has a single value checks a collection that arrived.
    fails_with(
        json!({"match": "integer"}),
        json!(1),
        json!([]),
        "Expected [] (Array) to be an integer",
    );
    // notEmpty on a value of another type.
    fails_with(
        json!({"match": "notEmpty"}),
        json!(["b"]),
        json!("b"),
        "Type mismatch: Expected 'b' (String) to be the same type as [\"b\"] (Array)",
    );
    // A variant of arrayContains is shown with its keys in order.
    fails_with(
        json!({"match": "arrayContains", "variants": [{"index": 0, "rules": {}}]}),
        json!([{"name": "x", "href": "h"}]),
        json!([{"name": "y", "href": "h"}]),
        "Variant at index 0 ({\"href\":\"h\",\"name\":\"x\"}) was not found in the actual list",
    );
}
