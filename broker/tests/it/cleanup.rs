//! Data clean-up: keep selectors, what goes with a deleted version, dry runs, the command.

use accord_broker::BrokerConfig;
use accord_broker::cleanup::{self, KeepSelector};
use serde_json::json;

use crate::{Broker, backends, pact, start};

async fn seed(broker: &Broker) {
    for (number, field) in [("v1", "a"), ("v2", "b"), ("v3", "c"), ("v4", "d"), ("v5", "e")] {
        let (status, body) = broker
            .publish("web", number, Some("main"), &[pact("web", "api", field)])
            .await;
        assert_eq!(status, 200, "{body}");
    }
    broker
        .publish("web", "f1", Some("feat"), &[pact("web", "api", "e")])
        .await;
    broker.put("/pacticipants/web/versions/v1/tags/prod").await;
    broker.put("/pacticipants/web/branches/old/versions/v3").await;
    let (_, env) = broker
        .post(
            "/environments",
            &json!({"name": "production", "production": true}),
        )
        .await;
    let uuid = env["uuid"].as_str().expect("uuid");
    let (status, _) = broker
        .post(
            &format!("/pacticipants/web/versions/v2/deployed-versions/environment/{uuid}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 201);
}

fn keep(texts: &[&str]) -> Vec<KeepSelector> {
    texts
        .iter()
        .flat_map(|t| KeepSelector::parse(t).expect("selector"))
        .collect()
}

#[tokio::test]
async fn clean_up_deletes_what_no_selector_keeps() {
    for url in backends("cleanup").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        seed(&broker).await;
        let db = accord_broker::Db::connect(&url).await.expect("db");
        let selectors = keep(&[
            r#"{"mainBranch": true, "latest": true}"#,
            r#"{"branch": "feat", "latest": true}"#,
            r#"{"deployed": true}"#,
            r#"{"tag": "prod"}"#,
        ]);

        let dry = cleanup::clean(&db, &selectors, true).await.expect("dry run");
        assert_eq!(dry.versions["web"], ["v3", "v4"], "{url}");
        let (status, _) = broker.get("/pacticipants/web/versions/v3").await;
        assert_eq!(status, 200, "a dry run deletes nothing");

        let report = cleanup::clean(&db, &selectors, false).await.expect("clean");
        assert_eq!(report.versions["web"], ["v3", "v4"], "{url}");
        assert_eq!(
            report.orphaned_contents, 2,
            "{url}: the contents only v3 and v4 published"
        );
        assert_eq!(report.empty_branches, 1, "{url}: branch 'old' held only v3");
        for (number, expected) in [
            ("v1", 200),
            ("v2", 200),
            ("v3", 404),
            ("v4", 404),
            ("v5", 200),
            ("f1", 200),
        ] {
            let (status, _) = broker.get(&format!("/pacticipants/web/versions/{number}")).await;
            assert_eq!(status, expected, "{url}: {number}");
        }
        let (status, _) = broker.get("/pacts/provider/api/consumer/web/version/v3").await;
        assert_eq!(status, 404);
        let (status, _) = broker.get("/pacticipants/web/branches/old").await;
        assert_eq!(status, 404);
        let (status, latest) = broker.get("/pacts/provider/api/consumer/web/latest").await;
        assert_eq!(status, 200, "{latest}");

        let every_branch = keep(&[r#"{"branch": true, "latest": true}"#]);
        let dry = cleanup::clean(&db, &every_branch, true).await.expect("dry run");
        assert_eq!(
            dry.versions["web"],
            ["v1", "v2"],
            "{url}: the latest of main and feat stay"
        );

        let again = cleanup::clean(&db, &selectors, false).await.expect("clean again");
        assert_eq!(again.version_count(), 0, "{url}: nothing left to delete");
    }
}

#[tokio::test]
async fn keep_selectors_are_checked_and_the_command_runs() {
    assert_eq!(
        KeepSelector::parse(r#"{"deployedOrReleased": true}"#)
            .expect("ok")
            .len(),
        2
    );
    for bad in [
        r#"{"bogus": 1}"#,
        r#"{"maxAge": "old"}"#,
        "[1]",
        "{not json",
        r#"{"branch": 3}"#,
    ] {
        let error = KeepSelector::parse(bad).expect_err(bad).to_string();
        assert!(error.contains(bad), "names the selector: {error}");
    }

    let url = crate::sqlite_only("cleanup-cli");
    let broker = start(BrokerConfig::new(url.clone())).await;
    seed(&broker).await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_accord-broker"))
            .arg("clean")
            .args(["--database-url", &url])
            .args(args)
            .output()
            .expect("runs");
        (
            output.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    };
    let (code, text) = run(&["--dry-run", "--keep", r#"{"mainBranch": true, "latest": true}"#]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("would delete 4 version(s) of web: v1, v2, v3, v4"),
        "{text}"
    );
    let (code, text) = run(&["--keep", r#"{"maxAge": -1}"#]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("maxAge"), "{text}");
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("deleted 0 version(s) in all"),
        "the defaults keep the last 90 days: {text}"
    );
}
