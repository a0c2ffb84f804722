//! Every relation the index advertises resolves; pact lists by tag and branch; integrations,
//! metrics and the dependency check.

use accord_broker::BrokerConfig;
use serde_json::{Value, json};

use crate::{Broker, backends, pact, start};

async fn seed(broker: &Broker) -> (String, String) {
    let (status, body) = broker
        .post(
            "/contracts/publish",
            &json!({"pacticipantName": "web", "pacticipantVersionNumber": "v1", "branch": "main", "tags": ["prod"],
                    "contracts": crate::publish_body("web", "v1", None, &[pact("web", "api", "name")])["contracts"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    broker
        .publish("web", "v2", Some("feat/x"), &[pact("web", "api", "id")])
        .await;
    broker
        .publish("app", "a1", Some("main"), &[pact("app", "api", "name")])
        .await;
    let (_, env) = broker
        .post(
            "/environments",
            &json!({"name": "production", "production": true}),
        )
        .await;
    let (_, hook) = broker
        .post(
            "/webhooks",
            &json!({"events": [{"name": "contract_published"}], "request": {"method": "POST", "url": "https://ci.example.com/hook"}}),
        )
        .await;
    (
        env["uuid"].as_str().expect("environment uuid").to_owned(),
        hook["uuid"].as_str().expect("webhook uuid").to_owned(),
    )
}

fn names(list: &Value) -> Vec<String> {
    list["_links"]["pb:pacts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l["href"].as_str())
                .map(|h| h.rsplit('/').next().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_index_relation_resolves() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("index-links"))).await;
    let (env_uuid, hook_uuid) = seed(&broker).await;
    let (_, index) = broker.get("/").await;
    let links = index["_links"].as_object().expect("links");
    assert!(links.len() > 30, "{index}");
    for (rel, link) in links {
        if rel == "curies" {
            continue;
        }
        let href = link["href"].as_str().expect("href");
        let uuid = if rel == "pb:webhook" {
            &hook_uuid
        } else {
            &env_uuid
        };
        let href = href
            .replace("{provider}", "api")
            .replace("{consumer}", "web")
            .replace("{pacticipant}", "web")
            .replace("{consumerApplicationVersion}", "v1")
            .replace("{version}", "v1")
            .replace("{tag}", "prod")
            .replace("{branch}", "main")
            .replace("{environment}", "production")
            .replace("{uuid}", uuid);
        assert!(!href.contains('{'), "{rel}: unfilled template {href}");
        let response = broker.client.get(&href).send().await.expect("sent");
        // The publishing relations take a POST only.
        let post_only = matches!(
            rel.as_str(),
            "pb:publish-contracts" | "pf:publish-provider-contract" | "pb:publish-provider-contract"
        );
        let expected = if post_only { 405 } else { 200 };
        assert_eq!(response.status(), expected, "{rel}: GET {href}");
    }
}

#[tokio::test]
async fn pact_lists_by_tag_and_branch() {
    for url in backends("pact-lists").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        seed(&broker).await;
        let (_, all) = broker.get("/pacts/provider/api").await;
        assert_eq!(names(&all).len(), 3, "{url}: {all}");
        let (_, tagged) = broker.get("/pacts/provider/api/tag/prod").await;
        assert_eq!(names(&tagged), ["v1"], "{url}");
        let (_, feature) = broker.get("/pacts/provider/api/branch/feat%2Fx").await;
        assert_eq!(names(&feature), ["v2"], "{url}");
        let (_, main_latest) = broker.get("/pacts/provider/api/branch/main/latest").await;
        let mut main_latest = names(&main_latest);
        main_latest.sort();
        assert_eq!(main_latest, ["a1", "v1"], "{url}");
        let (_, main) = broker.get("/pacts/provider/api/branch/latest").await;
        assert_eq!(names(&main).len(), 2, "{url}: main branches of both consumers");
        let (_, pair) = broker.get("/pacts/provider/api/consumer/web/branch/main").await;
        assert_eq!(names(&pair), ["v1"], "{url}");
        let (_, pair) = broker.get("/pacts/provider/api/consumer/web/tag/prod").await;
        assert_eq!(names(&pair), ["v1"], "{url}");
        let (status, _) = broker.get("/pacts/provider/api/consumer/nobody/tag/prod").await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn integrations_metrics_and_dependencies() {
    for url in backends("integrations").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        seed(&broker).await;
        let (status, list) = broker.get("/integrations").await;
        assert_eq!(status, 200);
        let pairs = list["_embedded"]["integrations"]
            .as_array()
            .expect("integrations");
        assert_eq!(pairs.len(), 2, "{url}: {list}");
        assert_eq!(pairs[0]["verificationStatus"], "unverified");
        let (_, graph) = broker
            .get_text("/integrations", &[("Accept", "text/vnd.graphviz")])
            .await;
        assert!(graph.contains("\"web\" -> \"api\""), "{graph}");

        let (_, metrics) = broker.get("/metrics").await;
        assert_eq!(metrics["pacticipants"]["count"], 3, "{url}: {metrics}");
        assert_eq!(metrics["pactPublications"]["count"], 3);
        assert_eq!(metrics["integrations"]["count"], 2);
        assert_eq!(metrics["webhooks"]["count"], 1);
        let (_, scraped) = broker
            .get_text(
                "/metrics",
                &[("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")],
            )
            .await;
        assert!(
            scraped.contains("accord_broker_pact_publications_count 3\n"),
            "{scraped}"
        );
        assert!(
            scraped.contains("# TYPE accord_broker_integrations_count gauge"),
            "{scraped}"
        );

        let status = broker.delete("/integrations/provider/api/consumer/web").await;
        assert_eq!(status, 204, "{url}");
        let (_, list) = broker.get("/integrations").await;
        assert_eq!(
            list["_embedded"]["integrations"].as_array().map(Vec::len),
            Some(1)
        );
        let (status, _) = broker.get("/pacts/provider/api/consumer/web/latest").await;
        assert_eq!(status, 404, "{url}: the pair's pacts are gone");
        let (status, _) = broker.get("/pacts/provider/api/consumer/app/latest").await;
        assert_eq!(status, 200, "{url}: the other consumer keeps its pact");
        let status = broker.delete("/integrations/provider/api/consumer/web").await;
        assert_eq!(status, 404);

        let (status, deps) = broker.get("/diagnostic/status/dependencies").await;
        assert_eq!(status, 200);
        assert_eq!(deps["database"]["ok"], true);
    }
}

#[tokio::test]
async fn links_follow_the_configured_or_forwarded_base_url() {
    let mut config = BrokerConfig::new(crate::sqlite_only("base-forwarded"));
    config.trust_forwarded_headers = true;
    let broker = start(config).await;
    let index: Value = serde_json::from_str(
        &broker
            .get_text(
                "/",
                &[
                    ("X-Forwarded-Proto", "https"),
                    ("X-Forwarded-Host", "broker.example"),
                    ("X-Forwarded-Port", "8443"),
                    ("X-Forwarded-Prefix", "/pact"),
                ],
            )
            .await
            .1,
    )
    .expect("json");
    assert_eq!(
        index["_links"]["self"]["href"],
        "https://broker.example:8443/pact/"
    );

    let mut config = BrokerConfig::new(crate::sqlite_only("base-configured"));
    config.base_url = Some("https://a.example/broker, https://b.example".to_owned());
    config.trust_forwarded_headers = true;
    let broker = start(config).await;
    let (_, index) = broker.get("/").await;
    assert_eq!(index["_links"]["self"]["href"], "https://a.example/broker/");
    let index: Value =
        serde_json::from_str(&broker.get_text("/", &[("X-Forwarded-Host", "b.example")]).await.1)
            .expect("json");
    assert_eq!(index["_links"]["self"]["href"], "https://b.example/");
    let (status, heartbeat) = broker.get("/broker/diagnostic/status/heartbeat").await;
    assert_eq!(status, 200, "served under the context path too: {heartbeat}");
    let (status, _) = broker.get("/diagnostic/status/heartbeat").await;
    assert_eq!(status, 200);
    let (status, page) = broker.get_text("/broker/ui", &[]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<base href=\"/broker/\">") && page.contains("href=\"ui\""),
        "pages link relative to the context path: {page}"
    );
}

#[tokio::test]
async fn badges_show_verification_status_and_can_be_public() {
    let mut config = BrokerConfig::new(crate::sqlite_only("badges"));
    config
        .auth
        .read_write
        .push(accord_broker::Credential::Token("w".into()));
    config.auth.public_badges = true;
    let broker = start(config).await;
    let c = &broker.client;
    let body = crate::publish_body("web", "v1", Some("main"), &[pact("web", "api", "name")]);
    let published = c
        .post(format!("{}/contracts/publish", broker.url))
        .bearer_auth("w")
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(published.status(), 200);
    let badge = |path: &'static str| {
        let url = format!("{}{path}", broker.url);
        async move {
            let response = c.get(url).send().await.expect("sent");
            assert_eq!(response.status(), 200, "{path}: badges need no credentials");
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap_or("")
                    .starts_with("image/svg+xml")
            );
            response.text().await.expect("svg")
        }
    };
    let svg = badge("/pacts/provider/api/consumer/web/latest/badge").await;
    assert!(svg.contains("web/api pact: unknown"), "{svg}");

    let doc: Value = c
        .get(format!("{}/pacts/provider/api/consumer/web/latest", broker.url))
        .bearer_auth("w")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let publish = doc["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .expect("link")
        .to_owned();
    let verified = c
        .post(publish)
        .bearer_auth("w")
        .json(&json!({"success": true, "providerApplicationVersion": "a1"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(verified.status(), 201);
    let svg = badge("/pacts/provider/api/consumer/web/latest/badge").await;
    assert!(
        svg.contains("web/api pact: verified") && svg.contains("#4c1"),
        "{svg}"
    );
    let svg = badge("/pacts/provider/api/consumer/web/latest/prod/badge").await;
    assert!(svg.contains("unknown"), "no pact with that tag: {svg}");
    let svg =
        badge("/pacticipants/web/branches/main/latest-version/can-i-deploy/to-environment/production/badge")
            .await;
    assert!(
        svg.contains("can-i-deploy main to production: unknown"),
        "no such environment: {svg}"
    );

    let (status, _) = broker.get("/pacts/provider/api/consumer/web/latest").await;
    assert_eq!(status, 401, "everything else still needs credentials");
}

#[tokio::test]
async fn the_first_tag_of_a_new_version_without_a_branch_becomes_its_branch() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("tag-as-branch"))).await;
    let mut body = crate::publish_body("web", "v1", None, &[pact("web", "api", "name")]);
    body["tags"] = json!(["feat-x", "dev"]);
    let (status, _) = broker.post("/contracts/publish", &body).await;
    assert_eq!(status, 200);
    let (_, v1) = broker.get("/pacticipants/web/versions/v1").await;
    assert_eq!(v1["branch"], "feat-x", "{v1}");

    let (status, _) = broker.put("/pacticipants/api/versions/a1/tags/main").await;
    assert_eq!(status, 201);
    let (_, a1) = broker.get("/pacticipants/api/versions/a1").await;
    assert_eq!(a1["branch"], "main", "{a1}");
    let (_, api) = broker.get("/pacticipants/api").await;
    assert_eq!(api["mainBranch"], "main", "main-branch detection follows");

    broker
        .publish("web", "v2", Some("trunk"), &[pact("web", "api", "name")])
        .await;
    let (status, _) = broker.put("/pacticipants/web/versions/v2/tags/prod").await;
    assert_eq!(status, 201);
    let (_, v2) = broker.get("/pacticipants/web/versions/v2").await;
    assert_eq!(v2["branch"], "trunk", "a version with a branch keeps it: {v2}");

    let mut config = BrokerConfig::new(crate::sqlite_only("tag-as-branch-off"));
    config.first_tag_as_branch = false;
    let broker = start(config).await;
    broker.put("/pacticipants/api/versions/a1/tags/main").await;
    let (_, a1) = broker.get("/pacticipants/api/versions/a1").await;
    assert_eq!(a1["branch"], Value::Null, "{a1}");
}

#[tokio::test]
async fn deleting_pacts_and_versions() {
    for url in backends("deletes").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        seed(&broker).await;
        // v3 on main talks only to another provider: main's latest pact for api stays v1.
        broker
            .publish("web", "v3", Some("main"), &[pact("web", "ledger", "name")])
            .await;
        let (status, latest) = broker
            .get("/pacts/provider/api/consumer/web/branch/main/latest")
            .await;
        assert_eq!(status, 200, "{url}: {latest}");
        assert_eq!(latest["_links"]["pb:consumer-version"]["name"], "v1");
        let (_, selected) = broker
            .post(
                "/pacts/provider/api/for-verification",
                &json!({"consumerVersionSelectors": [{"consumer": "web", "mainBranch": true}]}),
            )
            .await;
        assert_eq!(
            selected["_embedded"]["pacts"].as_array().map(Vec::len),
            Some(1),
            "{url}: {selected}"
        );

        let status = broker
            .delete("/pacts/provider/api/consumer/web/branch/feat%2Fx")
            .await;
        assert_eq!(status, 204, "{url}");
        let (status, _) = broker.get("/pacts/provider/api/consumer/web/version/v2").await;
        assert_eq!(status, 404, "{url}: the branch's pacts are gone");
        let (status, _) = broker.get("/pacticipants/web/versions/v2").await;
        assert_eq!(status, 200, "the version itself stays");

        let status = broker.delete("/pacts/provider/api/consumer/web/tag/prod").await;
        assert_eq!(status, 204);
        let (status, _) = broker.get("/pacts/provider/api/consumer/web/version/v1").await;
        assert_eq!(status, 404);
        let status = broker.delete("/pacts/provider/api/consumer/web/tag/prod").await;
        assert_eq!(status, 404, "nothing left to delete");

        let status = broker.delete("/pacts/provider/api/consumer/app/version/a1").await;
        assert_eq!(status, 204);
        let status = broker.delete("/pacticipants/web/versions/v3").await;
        assert_eq!(status, 204);
        let (status, _) = broker.get("/pacts/provider/ledger/consumer/web/version/v3").await;
        assert_eq!(status, 404);
        let (_, metrics) = broker.get("/metrics").await;
        assert_eq!(
            metrics["pactVersions"]["count"], 0,
            "{url}: no content left over: {metrics}"
        );
    }
}

#[tokio::test]
async fn which_consumer_uses_which_field() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("field-usage"))).await;
    broker
        .publish("web", "w1", Some("main"), &[pact("web", "api", "name")])
        .await;
    broker
        .publish("web", "w2", Some("feat"), &[pact("web", "api", "nickname")])
        .await;
    broker
        .publish("app", "a1", Some("main"), &[pact("app", "api", "name")])
        .await;
    broker
        .publish("batch", "b1", None, &[pact("batch", "api", "total")])
        .await;
    let (status, usage) = broker.get("/pacts/provider/api/field-usage").await;
    assert_eq!(status, 200, "{usage}");
    let users = |path: &str| -> Vec<String> {
        usage["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["path"] == path && f["part"] == "response body")
            .map(|f| serde_json::from_value(f["consumers"].clone()).unwrap_or_default())
            .unwrap_or_default()
    };
    assert_eq!(users("$.name"), ["app", "web"], "{usage}");
    assert_eq!(
        users("$.total"),
        ["batch"],
        "a consumer without branches counts with its latest pact"
    );
    assert!(
        users("$.nickname").is_empty(),
        "web is read from its main branch, not a feature branch"
    );
    let versions: Vec<&str> = usage["consumers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["version"].as_str())
        .collect();
    assert_eq!(versions, ["a1", "b1", "w1"]);
    assert_eq!(usage["fields"][0]["endpoint"], "GET /thing");

    let (_, searched) = broker.get("/pacts/provider/api/field-usage?q=TOT").await;
    assert_eq!(searched["fields"].as_array().map(Vec::len), Some(1), "{searched}");
    let (status, _) = broker.get("/pacts/provider/nobody/field-usage").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn provider_states_of_the_current_pacts() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("provider-states"))).await;
    let with_state = |consumer: &str, state: Value| {
        let mut p = pact(consumer, "api", "name");
        p["interactions"][0]["providerStates"] = state;
        p
    };
    broker
        .publish(
            "web",
            "w1",
            Some("main"),
            &[with_state(
                "web",
                json!([{"name": "thing 1 exists", "params": {"id": 1}}]),
            )],
        )
        .await;
    broker
        .publish(
            "app",
            "a1",
            Some("main"),
            &[with_state(
                "app",
                json!([{"name": "thing 1 exists", "params": {"id": 2}}, {"name": "no things"}]),
            )],
        )
        .await;
    let (status, body) = broker.get("/pacts/provider/api/provider-states").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["providerStates"],
        json!([
            {"name": "no things", "consumers": ["app"], "params": []},
            {"name": "thing 1 exists", "consumers": ["app", "web"], "params": [{"id": 2}, {"id": 1}]}
        ]),
        "{body}"
    );
    let (status, _) = broker.get("/pacts/provider/nobody/provider-states").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn lists_embed_what_the_official_client_reads() {
    let broker = crate::start(accord_broker::BrokerConfig::new(crate::sqlite_only(
        "lists-embed",
    )))
    .await;
    broker
        .publish(
            "Condor",
            "1.3.0",
            Some("main"),
            &[crate::pact("Condor", "Pricing Service", "name")],
        )
        .await;
    let (_, list) = broker.get("/pacticipants").await;
    let condor = list["pacticipants"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == "Condor"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(condor["_embedded"]["latest-version"]["number"], "1.3.0", "{list}");
    assert!(
        condor["_embedded"]["latest-version"]["_links"]["self"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("/pacticipants/Condor/versions/1.3.0"),
        "{list}"
    );
    let (_, latest) = broker.get("/pacts/latest").await;
    let pact = &latest["pacts"][0]["_embedded"];
    assert!(
        pact["consumer"]["_links"]["self"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("/pacticipants/Condor"),
        "{latest}"
    );
    assert!(
        pact["provider"]["_links"]["self"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("/pacticipants/Pricing%20Service"),
        "{latest}"
    );
}
