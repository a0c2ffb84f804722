//! The library API: an in-process axum provider with state and message handlers in code.

use std::sync::{Arc, Mutex};

use accord_core::ProviderState;
use accord_verifier::{Outcome, ProducedMessage, StateAction, Verifier};
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use serde_json::{Map, json};

#[tokio::test]
async fn verifies_a_router_with_handlers_in_code() {
    let dir = crate::temp_dir("library");
    let pact = crate::write_pact(
        &dir,
        "lib.json",
        "web",
        json!([
            {"type": "Synchronous/HTTP", "description": "get item", "providerStates": [{"name": "item exists"}],
             "request": {"method": "GET", "path": "/items/1",
               "generators": {"path": {"type": "ProviderState", "expression": "/items/${id}"}}},
             "response": {"status": 200, "body": {"contentType": "application/json", "encoded": false, "content": {"id": 5}}}},
            {"type": "Asynchronous/Messages", "description": "item created",
             "contents": {"contentType": "application/json", "encoded": false, "content": {"id": 5}}}
        ]),
    );
    let router = Router::new().route(
        "/items/{id}",
        get(|Path(id): Path<i64>| async move { axum::Json(json!({"id": id})) }),
    );
    let calls: Arc<Mutex<Vec<(String, StateAction)>>> = Arc::default();
    let recorded = Arc::clone(&calls);
    let verifier = Verifier::for_router(router)
        .await
        .expect("starts")
        .pact_file(pact)
        .state_handler(move |state: ProviderState, action| {
            let recorded = Arc::clone(&recorded);
            async move {
                recorded.lock().expect("lock").push((state.name.clone(), action));
                let mut values = Map::new();
                values.insert("id".into(), json!(5));
                Ok(values)
            }
        })
        .message_handler(|description, _states| async move {
            assert_eq!(description, "item created");
            Ok(ProducedMessage {
                contents: br#"{"id": 5}"#.to_vec(),
                content_type: Some("application/json".into()),
                metadata: Map::new(),
            })
        });
    let outcome = verifier.run().await.expect("runs");
    let text = accord_verifier::render_text(&outcome.report, false);
    assert!(outcome.report.success(), "{text}");
    assert!(
        outcome.report.pacts[0]
            .interactions
            .iter()
            .all(|i| i.outcome == Outcome::Passed)
    );
    let calls = calls.lock().expect("lock").clone();
    assert!(calls.contains(&("item exists".to_owned(), StateAction::Setup)));
    assert!(calls.contains(&("item exists".to_owned(), StateAction::Teardown)));
}

#[tokio::test]
async fn an_interaction_written_with_a_plugin_is_reported_as_needing_it_never_passed() {
    let dir = crate::temp_dir("plugin");
    let path = dir.join("plugin.json");
    let doc = json!({
        "consumer": {"name": "web"}, "provider": {"name": "reports"},
        "interactions": [
            {"type": "Synchronous/HTTP", "description": "a csv report",
             "pluginConfiguration": {"csv": {"csvHeaders": false}},
             "request": {"method": "GET", "path": "/reports/1.csv"},
             "response": {"status": 200, "body": {"contentType": "text/csv", "encoded": false, "content": "Name,100"}}},
            {"type": "Synchronous/HTTP", "description": "health",
             "request": {"method": "GET", "path": "/health"}, "response": {"status": 200}}
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}, "plugins": [{"name": "csv", "version": "0.0.6", "configuration": {}}]}
    });
    std::fs::write(&path, doc.to_string()).expect("write pact");
    let router = Router::new()
        .route("/reports/1.csv", get(|| async { "Name,100" }))
        .route("/health", get(|| async { "ok" }));
    let verifier = Verifier::for_router(router)
        .await
        .expect("starts")
        .pact_file(path);
    let outcome = verifier.run().await.expect("runs");
    let results = &outcome.report.pacts[0].interactions;
    match &results[0].outcome {
        Outcome::Error(message) => assert!(
            message.contains("needs the plugin 'csv' 0.0.6"),
            "names the plugin and its version: {message}"
        ),
        other => panic!("a plugin interaction must not be judged without its plugin: {other:?}"),
    }
    assert!(
        results[1].passed(),
        "the other interactions are verified as usual"
    );
    assert!(!outcome.report.success());
}

#[tokio::test]
async fn a_provider_answering_without_end_is_read_only_so_far() {
    let dir = crate::temp_dir("endless");
    let pact = crate::write_pact(
        &dir,
        "endless.json",
        "web",
        json!([{"type": "Synchronous/HTTP", "description": "endless",
                "request": {"method": "GET", "path": "/endless"}, "response": {"status": 200}}]),
    );
    let chunk = axum::body::Bytes::from(vec![b'x'; 1024 * 1024]);
    let router = Router::new().route(
        "/endless",
        get(move || {
            let chunk = chunk.clone();
            async move {
                let stream = futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
                axum::body::Body::from_stream(stream)
            }
        }),
    );
    let verifier = Verifier::for_router(router)
        .await
        .expect("starts")
        .pact_file(pact);
    let outcome = verifier.run().await.expect("runs");
    match &outcome.report.pacts[0].interactions[0].outcome {
        Outcome::Error(message) => assert!(message.contains("larger than 64 MiB"), "{message}"),
        other => panic!("an endless answer must end the interaction: {other:?}"),
    }
}

#[tokio::test]
async fn a_provider_state_without_a_callback_is_a_warning_in_the_report() {
    let dir = crate::temp_dir("library-no-state-handler");
    let pact = crate::write_pact(
        &dir,
        "states.json",
        "web",
        json!([
            {"type": "Synchronous/HTTP", "description": "get item", "providerStates": [{"name": "item exists"}],
             "request": {"method": "GET", "path": "/items/1"},
             "response": {"status": 200}}
        ]),
    );
    let router = Router::new().route("/items/{id}", get(|| async { "ok" }));
    let verifier = Verifier::for_router(router)
        .await
        .expect("starts")
        .pact_file(pact);
    let outcome = verifier.run().await.expect("runs");
    assert!(
        outcome.report.success(),
        "a missing state callback does not fail the run"
    );
    let warnings = &outcome.report.pacts[0].interactions[0].warnings;
    assert!(
        warnings.iter().any(|w| w.contains("'item exists'")),
        "{warnings:?}"
    );
    let text = accord_verifier::render_text(&outcome.report, false);
    assert!(
        text.contains("warning:") && text.contains("'item exists'"),
        "{text}"
    );
    assert_eq!(
        outcome.report.to_json()["pacts"][0]["interactions"][0]["warnings"][0],
        json!(warnings[0])
    );
}
