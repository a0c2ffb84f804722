//! Benchmark: matching a 1 MiB JSON response body against an `eachLike` expectation, compared
//! with the time `serde_json` takes to parse the same body, and rule lookup cost as the number
//! of rules grows.
//!
//! Run with `cargo bench -p accord-core --bench matching`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use accord_core::matching::match_response;
use accord_core::rules::{Category, MatchingRule};
use accord_core::{Body, ContentType, HttpResponse};
use serde_json::{Value, json};

fn element(i: usize) -> Value {
    json!({
        "id": i,
        "owner": format!("owner-{i:05}"),
        "email": format!("user{i}@example.com"),
        "currency": "EUR",
        "balance": (i as f64) * 1.25 + 0.5,
        "createdAt": format!("2024-{:02}-{:02}T10:{:02}:00", i % 12 + 1, i % 28 + 1, i % 60),
        "status": if i.is_multiple_of(2) { "OPEN" } else { "CLOSED" },
        "manager": {"ref": format!("im-{i}"), "region": "north-west-europe-2"},
        "tags": ["retail", "priority"],
    })
}

fn expected_response(extra_rules: usize) -> HttpResponse {
    let mut response = HttpResponse {
        status: 200,
        body: Body::json(&json!([element(1)])),
        ..HttpResponse::default()
    };
    let rules = &mut response.matching_rules;
    rules.add_rule(
        Category::Body,
        "$",
        MatchingRule::Type {
            min: Some(1),
            max: None,
        },
    );
    rules.add_rule(Category::Body, "$[*].id", MatchingRule::Integer);
    rules.add_rule(
        Category::Body,
        "$[*].owner",
        MatchingRule::Regex("owner-\\d+".into()),
    );
    rules.add_rule(
        Category::Body,
        "$[*].email",
        MatchingRule::Regex("[^@]+@[^@]+\\.[a-z]+".into()),
    );
    rules.add_rule(
        Category::Body,
        "$[*].createdAt",
        MatchingRule::Timestamp("yyyy-MM-dd'T'HH:mm:ss".into()),
    );
    rules.add_rule(
        Category::Body,
        "$[*].status",
        MatchingRule::Regex("OPEN|CLOSED".into()),
    );
    for n in 0..extra_rules {
        rules.add_rule(
            Category::Body,
            format!("$[*].unused{n}"),
            MatchingRule::Type { min: None, max: None },
        );
    }
    response
}

fn actual_response(bytes: &[u8]) -> HttpResponse {
    HttpResponse {
        status: 200,
        body: Body::bytes(bytes.to_vec(), Some(ContentType::json())),
        ..HttpResponse::default()
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let body = Value::Array((0..5000).map(element).collect());
    let bytes = serde_json::to_vec(&body).expect("serialisable");
    println!(
        "body: {} elements, {:.2} MiB",
        5000,
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    let runs = 21;

    let parse = measure(runs, || {
        let value: Value = serde_json::from_slice(black_box(&bytes)).expect("valid JSON");
        black_box(value);
    });
    let expected = expected_response(0);
    let actual = actual_response(&bytes);
    let mismatches = match_response(&expected, &actual);
    assert!(
        mismatches.is_empty(),
        "benchmark body must match: {:?}",
        &mismatches[..mismatches.len().min(3)]
    );
    let matching = measure(runs, || {
        black_box(match_response(black_box(&expected), black_box(&actual)));
    });
    println!(
        "serde_json parse:        {:>8.2} ms (median of {runs})",
        parse.as_secs_f64() * 1e3
    );
    println!(
        "match_response:          {:>8.2} ms (median of {runs})",
        matching.as_secs_f64() * 1e3
    );
    println!(
        "ratio match/parse:       {:>8.2}x (target <= 2.00x)",
        matching.as_secs_f64() / parse.as_secs_f64()
    );

    println!("rule count scaling (same body, extra rules under $[*]):");
    let base = matching.as_secs_f64();
    for extra in [10usize, 100, 1000] {
        let expected = expected_response(extra);
        let t = measure(5, || {
            black_box(match_response(black_box(&expected), black_box(&actual)));
        });
        println!(
            "  {:>5} rules: {:>8.2} ms ({:.2}x the 6-rule time)",
            extra + 6,
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / base
        );
    }

    // Reading pacts written the way the official libraries write them, and verifying each
    // interaction's own example response against it (what a verifier does per interaction).
    for n in [100usize, 1000] {
        let text = accord_test_support::official_style_pact(n).to_string();
        let json_only = measure(5, || {
            black_box(serde_json::from_str::<Value>(black_box(&text)).expect("valid JSON"));
        });
        let read = measure(5, || {
            black_box(accord_core::format::parse_pact(black_box(&text), "bench").expect("valid pact"));
        });
        let pact = accord_core::format::parse_pact(&text, "bench").expect("valid pact");
        let verify = measure(5, || {
            for interaction in pact.http_interactions() {
                let actual = HttpResponse {
                    status: interaction.response.status,
                    headers: interaction.response.headers.clone(),
                    body: Body::json(&accord_test_support::official_style_response(1234)),
                    ..HttpResponse::default()
                };
                let mismatches = match_response(&interaction.response, black_box(&actual));
                assert!(mismatches.is_empty(), "{mismatches:?}");
            }
        });
        println!(
            "official-style pact, {n:>5} interactions ({:.2} MiB): JSON parse {:.2} ms, read {:.2} ms ({:.3} ms per interaction), match every response {:.3} ms per interaction",
            text.len() as f64 / (1024.0 * 1024.0),
            json_only.as_secs_f64() * 1e3,
            read.as_secs_f64() * 1e3,
            read.as_secs_f64() * 1e3 / n as f64,
            verify.as_secs_f64() * 1e3 / n as f64
        );
    }
}
