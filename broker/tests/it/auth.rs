//! Credentials: none → 401, read-only writing → 403, heartbeat public, basic and bearer.

use accord_broker::{BrokerConfig, Credential};
use serde_json::json;

use crate::{pact, publish_body, start};

#[tokio::test]
async fn read_write_and_read_only_credentials() {
    let url = crate::sqlite_only("auth");
    let mut config = BrokerConfig::new(url);
    config.auth.read_write.push(Credential::Basic {
        username: "ci".into(),
        password: "s3cret".into(),
    });
    config.auth.read_write.push(Credential::Token("rw-token".into()));
    config.auth.read_only.push(Credential::Basic {
        username: "dev".into(),
        password: "look".into(),
    });
    config.auth.read_only.push(Credential::Token("ro-token".into()));
    let broker = start(config).await;
    let c = &broker.client;
    let u = |p: &str| format!("{}{p}", broker.url);

    assert_eq!(c.get(u("/")).send().await.expect("sent").status(), 401);
    assert_eq!(
        c.get(u("/diagnostic/status/heartbeat"))
            .send()
            .await
            .expect("sent")
            .status(),
        200
    );
    assert_eq!(
        c.get(u("/"))
            .basic_auth("ci", Some("wrong"))
            .send()
            .await
            .expect("sent")
            .status(),
        401
    );
    let body = publish_body("web", "v1", None, &[pact("web", "api", "name")]).to_string();
    let ro = c
        .post(u("/contracts/publish"))
        .basic_auth("dev", Some("look"))
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(ro.status(), 403);
    let ro = c
        .post(u("/contracts/publish"))
        .bearer_auth("ro-token")
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(ro.status(), 403);
    let rw = c
        .post(u("/contracts/publish"))
        .bearer_auth("rw-token")
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(rw.status(), 200);
    let rw = c
        .post(u("/contracts/publish"))
        .basic_auth("ci", Some("s3cret"))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(rw.status(), 200);
    let read = c
        .get(u("/pacticipants"))
        .basic_auth("dev", Some("look"))
        .send()
        .await
        .expect("sent");
    assert_eq!(read.status(), 200);
    let fv = c
        .post(u("/pacts/provider/api/for-verification"))
        .bearer_auth("ro-token")
        .header("Content-Type", "application/json")
        .body(json!({"consumerVersionSelectors": [{"latest": true}]}).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(fv.status(), 200, "a read-only caller may ask for pacts to verify");
}
