//! Generators produce values of the right kind on the side the specification says.

use accord_core::generators::{
    Generator, GeneratorContext, UuidFormat, generate_message, generate_request, generate_response,
};
use accord_core::rules::Category;
use accord_core::{Body, HttpRequest, HttpResponse, MessageContents};
use serde_json::{Map, Value, json};

fn generate(generator: Generator) -> Value {
    generator
        .generate(&Value::Null, &GeneratorContext::consumer(None))
        .unwrap_or_else(|| panic!("{generator:?} produced nothing"))
}

#[test]
fn random_values_have_the_requested_shape() {
    for _ in 0..50 {
        let n = generate(Generator::RandomInt { min: 5, max: 9 })
            .as_i64()
            .expect("integer");
        assert!((5..=9).contains(&n));
    }
    let d = generate(Generator::RandomDecimal { digits: 6 });
    assert!(d.is_f64(), "{d}");
    let hex = generate(Generator::RandomHexadecimal { digits: 12 });
    let hex = hex.as_str().expect("string");
    assert_eq!(hex.len(), 12);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    let s = generate(Generator::RandomString { size: 20 });
    assert_eq!(s.as_str().map(str::len), Some(20));
    assert!(generate(Generator::RandomBoolean).is_boolean());
    let r = generate(Generator::Regex {
        regex: "^[A-Z]{3}-\\d{4}$".into(),
    });
    let r = r.as_str().expect("string");
    assert!(fancy_check(r), "{r}");
}

fn fancy_check(text: &str) -> bool {
    text.len() == 8 && text[..3].chars().all(|c| c.is_ascii_uppercase()) && &text[3..4] == "-"
}

#[test]
fn uuids_come_in_four_formats() {
    let simple = generate(Generator::Uuid {
        format: UuidFormat::Simple,
    });
    assert_eq!(simple.as_str().map(str::len), Some(32));
    let lower = generate(Generator::Uuid {
        format: UuidFormat::LowerCaseHyphenated,
    });
    let lower = lower.as_str().expect("string");
    assert!(uuid::Uuid::parse_str(lower).is_ok() && lower == lower.to_lowercase());
    let upper = generate(Generator::Uuid {
        format: UuidFormat::UpperCaseHyphenated,
    });
    let upper = upper.as_str().expect("string");
    assert!(upper.contains('-') && upper == upper.to_uppercase());
    let urn = generate(Generator::Uuid {
        format: UuidFormat::Urn,
    });
    assert!(urn.as_str().expect("string").starts_with("urn:uuid:"));
}

#[test]
fn dates_and_times_follow_format_and_expression() {
    let date = generate(Generator::Date {
        format: Some("yyyy-MM-dd".into()),
        expression: None,
    });
    assert!(chrono::NaiveDate::parse_from_str(date.as_str().expect("string"), "%Y-%m-%d").is_ok());
    let tomorrow = generate(Generator::Date {
        format: Some("yyyy-MM-dd".into()),
        expression: Some("tomorrow".into()),
    });
    let expected = (chrono::Local::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(tomorrow, json!(expected));
    let time = generate(Generator::Time {
        format: Some("HH:mm".into()),
        expression: Some("@ 10 o'clock".into()),
    });
    assert_eq!(time, json!("10:00"));
    let datetime = generate(Generator::DateTime {
        format: Some("yyyy-MM-dd'T'HH:mm:ss".into()),
        expression: Some("today + 1 day @ midnight".into()),
    });
    assert!(datetime.as_str().expect("string").ends_with("T00:00:00"));
}

#[test]
fn provider_state_values_only_on_the_provider_side() {
    let generator = Generator::ProviderState {
        expression: "/accounts/${id}".into(),
        data_type: None,
    };
    let mut values = Map::new();
    values.insert("id".into(), json!(1000));
    assert_eq!(
        generator.generate(&json!("/accounts/1"), &GeneratorContext::provider(values.clone())),
        Some(json!("/accounts/1000"))
    );
    let raw = Generator::ProviderState {
        expression: "${id}".into(),
        data_type: None,
    };
    assert_eq!(
        raw.generate(&json!(1), &GeneratorContext::provider(values)),
        Some(json!(1000))
    );
    assert_eq!(
        generator.generate(&json!("/accounts/1"), &GeneratorContext::consumer(None)),
        None
    );
}

#[test]
fn a_bare_provider_state_expression_names_a_value_and_keeps_the_example_without_it() {
    // As pact-jvm writes it: `"expression": "userId"`, no `${}`.
    let bare = Generator::ProviderState {
        expression: "userId".into(),
        data_type: Some("INTEGER".into()),
    };
    let mut values = Map::new();
    values.insert("userId".into(), json!("42"));
    assert_eq!(
        bare.generate(&json!(100), &GeneratorContext::provider(values)),
        Some(json!(42))
    );
    assert_eq!(
        bare.generate(&json!(100), &GeneratorContext::provider(Map::new())),
        None,
        "without a value from the state the example (100) stays"
    );
}

#[test]
fn mock_server_url_only_on_the_consumer_side() {
    let generator = Generator::MockServerUrl {
        example: "http://localhost:8080/accounts/1".into(),
        regex: ".*(/accounts/\\d+)$".into(),
    };
    let ctx = GeneratorContext::consumer(Some("http://127.0.0.1:5555".into()));
    assert_eq!(
        generator.generate(&json!("http://localhost:8080/accounts/1"), &ctx),
        Some(json!("http://127.0.0.1:5555/accounts/1"))
    );
    assert_eq!(
        generator.generate(&json!("x"), &GeneratorContext::provider(Map::new())),
        None
    );
    // A value the regex does not fit takes the part after the address from the example.
    assert_eq!(
        generator.generate(&json!("a"), &ctx),
        Some(json!("http://127.0.0.1:5555/accounts/1"))
    );
}

#[test]
fn generators_apply_to_every_part() {
    let mut request = HttpRequest {
        path: "/accounts/1".into(),
        ..HttpRequest::default()
    };
    request.headers.add("X-Request-Id", "abc");
    request.body = Body::json(&json!({"items": [{"id": 1}, {"id": 2}], "name": "x"}));
    request.generators.add(
        Category::Path,
        "",
        Generator::ProviderState {
            expression: "/accounts/${id}".into(),
            data_type: None,
        },
    );
    request.generators.add(
        Category::Header,
        "X-Request-Id",
        Generator::Uuid {
            format: UuidFormat::Simple,
        },
    );
    request
        .generators
        .add(Category::Query, "page", Generator::RandomInt { min: 1, max: 1 });
    request.generators.add(
        Category::Body,
        "$.items[*].id",
        Generator::RandomInt { min: 7, max: 7 },
    );
    let mut values = Map::new();
    values.insert("id".into(), json!(99));
    let generated = generate_request(&request, &GeneratorContext::provider(values));
    assert_eq!(generated.path, "/accounts/99");
    assert_eq!(
        generated.headers.get("x-request-id").map(|v| v[0].len()),
        Some(32)
    );
    assert_eq!(
        generated.query.as_ref().and_then(|q| q.get("page")),
        Some(&["1".to_owned()][..])
    );
    assert_eq!(
        generated.body.as_json(),
        Some(json!({"items": [{"id": 7}, {"id": 7}], "name": "x"}))
    );

    let mut response = HttpResponse {
        status: 200,
        ..HttpResponse::default()
    };
    response
        .generators
        .add(Category::Status, "", Generator::RandomInt { min: 201, max: 201 });
    assert_eq!(
        generate_response(&response, &GeneratorContext::consumer(None)).status,
        201
    );

    let mut message = MessageContents {
        contents: Body::json(&json!({"id": 1})),
        ..MessageContents::default()
    };
    message.metadata.insert("key".into(), json!("k"));
    message
        .generators
        .add(Category::Metadata, "key", Generator::RandomString { size: 4 });
    message
        .generators
        .add(Category::Body, "$.id", Generator::RandomInt { min: 3, max: 3 });
    let generated = generate_message(&message, &GeneratorContext::consumer(None));
    assert_eq!(generated.metadata["key"].as_str().map(str::len), Some(4));
    assert_eq!(generated.contents.as_json(), Some(json!({"id": 3})));
}

/// The first response of a V4 pact with one interaction.
fn v4_response(response: Value) -> HttpResponse {
    let pact = json!({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{"type": "Synchronous/HTTP", "description": "d",
            "request": {"method": "GET", "path": "/"}, "response": response}],
        "metadata": {"pactSpecification": {"version": "4.0"}}
    });
    let pact = accord_core::format::parse_pact(&pact.to_string(), "test").expect("pact");
    pact.http_interactions()
        .next()
        .expect("interaction")
        .response
        .clone()
}

#[test]
fn generators_apply_to_form_parameters_and_single_values() {
    let response = v4_response(json!({
        "status": 200,
        "headers": {"Content-Type": ["application/x-www-form-urlencoded"]},
        "body": {"contentType": "application/x-www-form-urlencoded", "encoded": false,
                 "content": "age=13&name%5B%5D=&name%5B%5D=&kept=yes"},
        "generators": {"body": {
            "$.age": {"type": "RandomInt", "min": 200, "max": 300},
            "$['name[]'][0]": {"type": "Regex", "regex": "Mr\\.|Mrs\\."}
        }}
    }));
    let generated = generate_response(&response, &GeneratorContext::consumer(None));
    let form = accord_core::Query::parse(&generated.body.as_text());
    let age: u32 = form.get("age").expect("age")[0].parse().expect("a number");
    assert!((200..=300).contains(&age), "{age}");
    let names = form.get("name[]").expect("names");
    assert!(names[0] == "Mr." || names[0] == "Mrs.", "{names:?}");
    assert_eq!(names[1], "", "only the value the path names");
    assert_eq!(form.get("kept").expect("kept"), ["yes"]);
}

#[test]
fn generators_apply_to_xml_text_and_attributes_and_leave_the_rest() {
    let response = v4_response(json!({
        "status": 200,
        "headers": {"Content-Type": ["application/xml"]},
        "body": {"contentType": "application/xml", "encoded": false,
                 "content": "<?xml version='1.0'?><movies xmlns:aka=\"urn:aka\"><movie><title>Big Buck Bunny</title><release-date/><aka:brazil></aka:brazil><specs aspect-ratio=\"\" color=\"color\"/></movie></movies>"},
        "generators": {"body": {
            "$.movies.movie.release-date.#text": {"type": "Date", "format": "dd-MM-yyyy"},
            "$.movies.movie.aka:brazil.#text": {"type": "RandomString", "size": 10},
            "$.movies.movie.specs['@aspect-ratio']": {"type": "Regex", "regex": "[0-9]+:[0-9]+"}
        }}
    }));
    let xml = generate_response(&response, &GeneratorContext::consumer(None))
        .body
        .as_text();
    let date = xml
        .split("<release-date>")
        .nth(1)
        .and_then(|rest| rest.split("</release-date>").next())
        .expect("the empty element got text");
    assert_eq!(date.len(), 10, "{xml}");
    assert_eq!(&date[2..3], "-", "{xml}");
    let brazil = xml
        .split("<aka:brazil>")
        .nth(1)
        .and_then(|rest| rest.split("</aka:brazil>").next())
        .expect("prefixed element");
    assert_eq!(brazil.len(), 10, "{xml}");
    let ratio = xml
        .split("aspect-ratio=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("attribute");
    assert!(ratio.contains(':') && ratio.len() >= 3, "{xml}");
    assert!(
        xml.contains("<title>Big Buck Bunny</title>") && xml.contains("color=\"color\""),
        "{xml}"
    );
    assert!(xml.starts_with("<?xml version='1.0'?>"), "{xml}");
}
