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
