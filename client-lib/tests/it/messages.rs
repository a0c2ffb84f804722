//! Message pacts: the declared message goes to the consumer's real handler.

use accord::matchers::{integer, like, regex};
use accord::{ConsumerError, PactBuilder, json};
use accord_core::Interaction;

use crate::{read_pact, temp_dir};

fn handle_account_created(message: &accord::ReceivedMessage) -> Result<i64, String> {
    let event = message.json().map_err(|e| e.to_string())?;
    event["accountId"]
        .as_i64()
        .ok_or_else(|| "accountId missing".to_owned())
}

#[test]
fn a_handled_message_is_written_to_the_pact() {
    let dir = temp_dir("messages");
    let mut pact = PactBuilder::new("investment-manager", "accounts").output_dir(&dir);
    let id = pact
        .verify_message(
            "an account created event",
            |m| {
                m.given("an account is opened").message(|c| {
                    c.json_contents(json!({"accountId": integer(42), "owner": like("ann")}))
                        .metadata("topic", "accounts.created")
                        .metadata("key", regex("\\d+", "42"))
                });
            },
            handle_account_created,
        )
        .expect("handler succeeds");
    assert_eq!(id, 42);
    let written = read_pact(&dir.join("investment-manager-accounts.json"));
    let Interaction::AsyncMessage(message) = &written.interactions[0] else {
        panic!("message expected");
    };
    assert_eq!(message.message.metadata["topic"], "accounts.created");
    assert_eq!(
        message.message.contents.as_json(),
        Some(json!({"accountId": 42, "owner": "ann"}))
    );
}

#[test]
fn metadata_keeps_json_values_and_a_message_takes_a_key() {
    let dir = temp_dir("messages-metadata");
    let mut pact = PactBuilder::new("investment-manager", "accounts").output_dir(&dir);
    let seen = pact
        .verify_message(
            "a tagged event",
            |m| {
                m.key("K1").message(|c| {
                    c.json_contents(json!({"a": 1}))
                        .metadata("TagData", json!({"ID": "x", "weight": 100.5}))
                });
            },
            |message| Ok::<_, String>(message.metadata()["TagData"].clone()),
        )
        .expect("handler succeeds");
    assert_eq!(seen, json!({"ID": "x", "weight": 100.5}));
    let written = read_pact(&dir.join("investment-manager-accounts.json"));
    let Interaction::AsyncMessage(message) = &written.interactions[0] else {
        panic!("message expected");
    };
    assert_eq!(
        message.message.metadata["TagData"],
        json!({"ID": "x", "weight": 100.5})
    );
    assert_eq!(message.info.key.as_deref(), Some("K1"));
}

#[test]
fn a_failing_handler_fails_the_test_and_writes_nothing() {
    let dir = temp_dir("messages-fail");
    let mut pact = PactBuilder::new("investment-manager", "accounts").output_dir(&dir);
    let error = pact
        .verify_message(
            "a malformed event",
            |m| {
                m.message(|c| c.json_contents(json!({"owner": "ann"})));
            },
            handle_account_created,
        )
        .expect_err("handler fails");
    assert!(matches!(error, ConsumerError::Handler { .. }));
    assert_eq!(
        error.to_string(),
        "message handler failed for 'a malformed event': accountId missing"
    );
    assert!(!dir.join("investment-manager-accounts.json").exists());
}

#[test]
fn synchronous_messages_have_a_request_and_responses() {
    let dir = temp_dir("sync-messages");
    let mut pact = PactBuilder::new("c", "p").output_dir(&dir);
    let total = pact
        .verify_sync_message(
            "balance query",
            |m| {
                m.message(|c| c.json_contents(json!({"accountId": 42})))
                    .response(|c| c.json_contents(json!({"balance": integer(100)})));
            },
            |request, responses| -> Result<i64, String> {
                assert_eq!(request.json().map_err(|e| e.to_string())?["accountId"], 42);
                Ok(responses[0].json().map_err(|e| e.to_string())?["balance"]
                    .as_i64()
                    .unwrap_or(0))
            },
        )
        .expect("handler succeeds");
    assert_eq!(total, 100);
    let written = read_pact(&dir.join("c-p.json"));
    assert!(matches!(written.interactions[0], Interaction::SyncMessage(_)));
}
