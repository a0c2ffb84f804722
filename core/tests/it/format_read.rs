//! Reading pact files of every version, including legacy shapes, and errors that point at the
//! problem.

use accord_core::format::{parse_pact, read_pact_file};
use accord_core::rules::{Category, MatchingRule};
use accord_core::{Body, Interaction, PactReadError, SpecVersion};

#[test]
fn reads_v1_with_legacy_provider_state_and_raw_query() {
    let pact = parse_pact(
        r#"{"consumer":{"name":"web"},"provider":{"name":"zoo"},
        "interactions":[{"description":"get alligator","providerState":"Mary exists",
          "request":{"method":"get","path":"/alligators/Mary","query":"fields=name&x=a%20b"},
          "response":{"status":200,"headers":{"Content-Type":"application/json"},"body":{"name":"Mary"}}}],
        "metadata":{"pact-specification":{"version":"1.0.0"}}}"#,
        "v1.json",
    )
    .expect("valid pact");
    assert_eq!(pact.spec_version, SpecVersion::V1);
    let http = pact.http_interactions().next().expect("one interaction");
    assert_eq!(http.info.provider_states[0].name, "Mary exists");
    assert_eq!(http.request.method, "GET");
    let query = http.request.query.as_ref().expect("query");
    assert_eq!(query.get("x"), Some(&["a b".to_owned()][..]));
    assert_eq!(
        http.response.body.as_json(),
        Some(serde_json::json!({"name": "Mary"}))
    );
}

#[test]
fn reads_v2_flat_rules_with_prefixes_and_string_min() {
    let pact = parse_pact(
        r#"{"consumer":{"name":"c"},"provider":{"name":"p"},
        "interactions":[{"description":"d","request":{"method":"GET","path":"/"},
          "response":{"status":200,"body":{"id":7,"tags":["a"]},
            "matchingRules":{"$.body.id":{"match":"type"},"$.body.tags":{"min":"1"},
              "$.headers.Content-Type":{"regex":"application/json.*"}}}}],
        "metadata":{"pactSpecificationVersion":"2.0.0"}}"#,
        "v2.json",
    )
    .expect("valid pact");
    assert_eq!(pact.spec_version, SpecVersion::V2);
    let rules = &pact
        .http_interactions()
        .next()
        .expect("interaction")
        .response
        .matching_rules;
    let body = rules.category(Category::Body).expect("body rules");
    assert_eq!(
        body.get("$.id").expect("id").rules,
        vec![MatchingRule::Type { min: None, max: None }]
    );
    assert_eq!(
        body.get("$.tags").expect("tags").rules,
        vec![MatchingRule::Type {
            min: Some(1),
            max: None
        }]
    );
    let header = rules.category(Category::Header).expect("header rules");
    assert_eq!(
        header.get("Content-Type").expect("ct").rules,
        vec![MatchingRule::Regex("application/json.*".into())]
    );
}

#[test]
fn reads_v3_message_pact_with_meta_data_spelling() {
    let pact = parse_pact(
        r#"{"consumer":{"name":"c"},"provider":{"name":"p"},
        "messages":[{"description":"order created","providerStates":[{"name":"an order","params":{"id":1}}],
          "contents":{"orderId":1},"metaData":{"contentType":"application/json","topic":"orders"},
          "matchingRules":{"body":{"$.orderId":{"matchers":[{"match":"integer"}]}}}}],
        "metadata":{"pactSpecification":{"version":"3.0.0"}}}"#,
        "v3.json",
    )
    .expect("valid pact");
    let Interaction::AsyncMessage(message) = &pact.interactions[0] else {
        panic!("expected a message");
    };
    assert_eq!(message.info.provider_states[0].params["id"], 1);
    assert_eq!(message.message.metadata["topic"], "orders");
    assert!(message.message.matching_rules.category(Category::Body).is_some());
}

#[test]
fn reads_v4_interactions_of_all_kinds() {
    let text = r#"{"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[
     {"type":"Synchronous/HTTP","key":"a1b2","description":"get item","pending":true,
      "comments":{"text":["flaky upstream"],"testname":"item_test"},
      "request":{"method":"GET","path":"/items/1","headers":{"Accept":["application/json"]}},
      "response":{"status":200,"headers":{"Content-Type":"application/json"},
        "body":{"contentType":"application/json","encoded":false,"content":{"id":1}},
        "matchingRules":{"status":{"matchers":[{"match":"statusCode","status":"success"}]}}}},
     {"type":"Asynchronous/Messages","key":"m1","description":"item event","metadata":{"contentType":"application/json"},
      "contents":{"contentType":"application/json","encoded":false,"content":{"id":1}},
      "matchingRules":{"content":{"$.id":{"matchers":[{"match":"integer"}]}}}},
     {"type":"Synchronous/Messages","key":"s1","description":"rpc",
      "request":{"contents":{"contentType":"application/octet-stream","encoded":"base64","content":"CgE="}},
      "response":[{"contents":{"contentType":"application/octet-stream","encoded":"base64","content":"CAE="}}],
      "pluginConfiguration":{"protobuf":{"descriptorKey":"abc"}}}],
     "metadata":{"pactSpecification":{"version":"4.0"},"plugins":[{"name":"protobuf","version":"0.3.0","configuration":{}}]}}"#;
    let pact = parse_pact(text, "v4.json").expect("valid pact");
    assert_eq!(pact.interactions.len(), 3);
    let info = pact.interactions[0].info();
    assert!(info.pending);
    assert_eq!(info.key.as_deref(), Some("a1b2"));
    assert_eq!(info.comments["testname"], "item_test");
    let Interaction::SyncMessage(sync) = &pact.interactions[2] else {
        panic!("expected a synchronous message");
    };
    assert_eq!(sync.request.contents.content(), &[0x0a, 0x01]);
    assert_eq!(sync.response.len(), 1);
    assert_eq!(sync.info.plugin_config["protobuf"]["descriptorKey"], "abc");
    assert_eq!(pact.plugins.len(), 1);
}

#[test]
fn keeps_missing_empty_null_and_present_bodies_apart() {
    let pact = parse_pact(
        r#"{"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[
          {"description":"a","request":{"method":"GET","path":"/"},"response":{"status":200}},
          {"description":"b","request":{"method":"GET","path":"/","body":""},"response":{"status":200,"body":null}},
          {"description":"c","request":{"method":"GET","path":"/","headers":{"Content-Type":"text/plain"},"body":"hi"},"response":{"status":200,"body":[1]}}],
        "metadata":{"pactSpecification":{"version":"3.0.0"}}}"#,
        "bodies.json",
    )
    .expect("valid pact");
    let bodies: Vec<(&Body, &Body)> = pact
        .http_interactions()
        .map(|i| (&i.request.body, &i.response.body))
        .collect();
    assert_eq!(bodies[0], (&Body::Missing, &Body::Missing));
    assert_eq!(bodies[1], (&Body::Empty, &Body::Null));
    assert_eq!(bodies[2].0.as_text(), "hi");
    assert_eq!(
        bodies[2].1.content_type().map(|c| c.essence()),
        Some("application/json".to_owned())
    );
}

#[test]
fn tolerates_a_byte_order_mark() {
    let text = "\u{feff}{\"consumer\":{\"name\":\"c\"},\"provider\":{\"name\":\"p\"},\"interactions\":[]}";
    assert!(parse_pact(text, "bom.json").is_ok());
}

#[test]
fn errors_name_the_file_and_json_path() {
    let err = parse_pact(
        r#"{"consumer":{"name":"c"},"provider":{"name":"p"},
        "interactions":[{"description":"ok","request":{"method":"GET","path":"/"},"response":{"status":200}},
                        {"description":"bad","request":{"method":7,"path":"/"},"response":{"status":200}}]}"#,
        "broken.json",
    )
    .expect_err("method 7 is invalid");
    assert_eq!(err.json_path(), Some("$.interactions[1].request.method"));
    assert_eq!(
        err.to_string(),
        "pact 'broken.json' is invalid at $.interactions[1].request.method: expected the method as a string"
    );

    let err = parse_pact(r#"{"consumer":{"name":"c"}}"#, "noprovider.json").expect_err("no provider");
    assert_eq!(err.json_path(), Some("$.provider"));

    let err = parse_pact("{not json", "garbage.json").expect_err("not JSON");
    assert!(matches!(err, PactReadError::Json { line: 1, .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("pact 'garbage.json' is not valid JSON at line 1")
    );

    let err = read_pact_file("/nonexistent/dir/pact.json").expect_err("no file");
    assert_eq!(
        err.to_string(),
        "cannot read pact file '/nonexistent/dir/pact.json'"
    );
}

#[test]
fn rejects_bad_rule_shapes_with_their_path() {
    let err = parse_pact(
        r#"{"consumer":{"name":"c"},"provider":{"name":"p"},"interactions":[{"description":"d",
          "request":{"method":"GET","path":"/"},
          "response":{"status":200,"matchingRules":{"body":{"$.a":{"matchers":[{"match":"regex"}]}}}}}],
          "metadata":{"pactSpecification":{"version":"3.0.0"}}}"#,
        "rules.json",
    )
    .expect_err("regex without pattern");
    assert_eq!(
        err.json_path(),
        Some("$.interactions[0].response.matchingRules.body['$.a'].matchers[0]")
    );
}

/// Reading text (interactions parsed one at a time) and reading a parsed document agree, in
/// what they read and in the errors they give.
fn both_ways(
    text: &str,
) -> (
    Result<accord_core::Pact, String>,
    Result<accord_core::Pact, String>,
) {
    let streamed = parse_pact(text, "doc").map_err(|e| e.to_string());
    let whole = accord_core::format::parse_json(text, "doc")
        .and_then(|v| accord_core::format::parse_pact_value(&v, "doc"))
        .map_err(|e| e.to_string());
    (streamed, whole)
}

#[test]
fn reading_text_and_reading_a_parsed_document_agree() {
    let mut docs = vec![
        accord_test_support::official_style_pact(20).to_string(),
        r#"{"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": null}"#.to_owned(),
        r#"{"consumer": {"name": "c"}, "provider": {"name": "p"}, "messages": {},
            "metadata": {"pactSpecification": {"version": "4.0"}}}"#
            .to_owned(),
        r#"{"consumer": {"name": "c"}, "provider": {"name": "p"}, "messages": {}}"#.to_owned(),
        r#"{"consumer": {"name": "c"}, "interactions": []}"#.to_owned(),
        r#"{"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [{"description": "x", "request": {"method": "GET", "path": "/"}, "response": {"status": "x"}}]}"#
            .to_owned(),
        "[1, 2]".to_owned(),
        "{\"consumer\": ".to_owned(),
    ];
    if let Some(dir) = accord_test_support::shared_data("wild-pacts/pacts", "real-world pacts read both ways")
    {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("wild pacts")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            docs.push(std::fs::read_to_string(&file).expect("readable"));
        }
    }
    for doc in &docs {
        let (streamed, whole) = both_ways(doc);
        assert_eq!(streamed, whole, "{}", &doc[..doc.len().min(200)]);
    }
}

#[test]
fn binary_bodies_of_v3_pacts_are_read_from_base64_and_legacy_ruby_matchers_as_rules() {
    let pact = parse_pact(
        r#"{"consumer":{"name":"web"},"provider":{"name":"img"},
        "interactions":[{"description":"upload",
          "request":{"method":"POST","path":"/images","headers":{"Content-Type":"image/png"},"body":"iVBORw0KGgo="},
          "response":{"status":200,
            "headers":{"Content-Type":{"json_class":"Pact::Term","data":{"generate":"text/plain","matcher":{"json_class":"Regexp","o":0,"s":"text"}}}},
            "body":{"message":{"json_class":"Pact::Term","data":{"generate":"rainy","matcher":{"json_class":"Regexp","o":0,"s":"rain"}}}}}}],
        "metadata":{"pactSpecification":{"version":"3.0.0"}}}"#,
        "binary.json",
    )
    .expect("valid pact");
    let http = pact.http_interactions().next().expect("one interaction");
    assert_eq!(
        http.request.body.content(),
        b"\x89PNG\r\n\x1a\n",
        "decoded from base64"
    );
    assert_eq!(
        http.response.headers.get("Content-Type"),
        Some(&["text/plain".to_owned()][..])
    );
    assert_eq!(http.response.body.as_text(), r#"{"message":"rainy"}"#);
    let rules = http
        .response
        .matching_rules
        .category(Category::Body)
        .expect("body rules");
    assert!(rules.get("$.message").is_some(), "{rules:?}");
    assert!(
        http.response.matching_rules.category(Category::Header).is_some(),
        "the header term is a rule too"
    );
}
