//! Publish → verify → can-i-deploy, pending and WIP selection, content dedup and 409s.

use accord_broker::BrokerConfig;
use serde_json::{Value, json};

use crate::{Broker, backends, pact, start};

async fn pacts_for_verification(broker: &Broker, body: Value) -> Vec<Value> {
    let (status, response) = broker.post("/pacts/provider/api/for-verification", &body).await;
    assert_eq!(status, 200, "{response}");
    response["_embedded"]["pacts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn publish_result(broker: &Broker, entry: &Value, version: &str, success: bool) {
    let href = entry["_links"]["self"]["href"].as_str().expect("pact link");
    let path = href.trim_start_matches(&broker.url);
    let (status, pact) = broker.get(path).await;
    assert_eq!(status, 200);
    let publish = pact["_links"]["pb:publish-verification-results"]["href"]
        .as_str()
        .expect("publish link");
    let (status, _) = broker
        .send(
            reqwest::Method::PUT,
            &format!("/pacticipants/api/branches/main/versions/{version}"),
            &json!({}),
        )
        .await;
    assert!(status == 200 || status == 201);
    let (status, result) = broker
        .post(
            publish.trim_start_matches(&broker.url),
            &json!({"success": success, "providerApplicationVersion": version,
                    "verifiedBy": {"implementation": "test", "version": "1"},
                    "testResults": [{"interactionId": pact["interactions"][0]["_id"], "success": success}]}),
        )
        .await;
    assert_eq!(status, 201, "{result}");
    assert_eq!(result["success"], success);
}

async fn can_i_deploy(broker: &Broker, pacticipant: &str, version: &str) -> Value {
    let (status, body) = broker
        .get(&format!(
            "/matrix?q%5B%5D%5Bpacticipant%5D={pacticipant}&q%5B%5D%5Bversion%5D={version}&latestby=cvp&environment=production"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn publish_verify_and_can_i_deploy_on_every_backend() {
    for url in backends("flow").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        let index = broker
            .client
            .get(format!("{}/", broker.url))
            .send()
            .await
            .expect("sent");
        assert_eq!(
            index.headers()["content-type"],
            "application/hal+json;charset=utf-8"
        );
        let index: Value = index.json().await.expect("json");
        assert_eq!(
            index["_links"]["pb:provider-pacts-for-verification"]["templated"],
            true
        );

        let (status, published) = broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
            .await;
        assert_eq!(status, 200, "{url}: {published}");
        assert_eq!(
            published["_links"]["pb:contracts"].as_array().map(Vec::len),
            Some(1)
        );
        assert!(published["logs"].is_array());

        let latest = broker
            .client
            .get(format!("{}/pacts/provider/api/consumer/web/latest", broker.url))
            .send()
            .await
            .expect("sent");
        assert_eq!(latest.headers()["x-pact-consumer-version"], "v1");

        let selected = pacts_for_verification(&broker, json!({"consumerVersionSelectors": [{"mainBranch": true}], "includePendingStatus": true, "providerVersionBranch": "main"})).await;
        assert_eq!(selected.len(), 1, "{url}");
        assert_eq!(selected[0]["shortDescription"], "latest from main branch");
        assert_eq!(
            selected[0]["verificationProperties"]["pending"], true,
            "never verified yet"
        );
        publish_result(&broker, &selected[0], "a1", true).await;
        let selected = pacts_for_verification(&broker, json!({"consumerVersionSelectors": [{"mainBranch": true}], "includePendingStatus": true, "providerVersionBranch": "main"})).await;
        assert_eq!(
            selected[0]["verificationProperties"]["pending"], false,
            "{url}: verified on main"
        );

        let (status, env) = broker
            .post(
                "/environments",
                &json!({"name": "production", "production": true}),
            )
            .await;
        assert_eq!(status, 201);
        let env_uuid = env["uuid"].as_str().expect("uuid").to_owned();
        let (status, version) = broker.get("/pacticipants/api/versions/a1").await;
        assert_eq!(status, 200);
        let record = version["_links"]["pb:record-deployment"][0]["href"]
            .as_str()
            .expect("record link")
            .to_owned();
        let (status, deployed) = broker
            .post(record.trim_start_matches(&broker.url), &json!({}))
            .await;
        assert_eq!(status, 201, "{deployed}");
        assert_eq!(deployed["currentlyDeployed"], true);

        let yes = can_i_deploy(&broker, "web", "v1").await;
        assert_eq!(yes["summary"]["deployable"], true, "{url}: {yes}");

        // Identical content from a new consumer version is already verified.
        broker
            .publish("web", "v3", Some("main"), &[pact("web", "api", "name")])
            .await;
        assert_eq!(
            can_i_deploy(&broker, "web", "v3").await["summary"]["deployable"],
            true
        );

        // Changed content has no verification yet.
        broker
            .publish("web", "v2", Some("main"), &[pact("web", "api", "renamed")])
            .await;
        let unknown = can_i_deploy(&broker, "web", "v2").await;
        assert_ne!(unknown["summary"]["deployable"], true);
        assert!(
            unknown["summary"]["reason"]
                .as_str()
                .unwrap_or("")
                .contains("There is no verified pact between version v2 of web and version a1 of api"),
            "{unknown}"
        );

        // A provider version that fails the deployed consumer's pact cannot deploy.
        let (_, web_v1) = broker.get("/pacts/provider/api/consumer/web/version/v1").await;
        let publish = web_v1["_links"]["pb:publish-verification-results"]["href"]
            .as_str()
            .expect("link")
            .to_owned();
        let (_, deployed_web) = broker.get("/pacticipants/web/versions/v1").await;
        let record = deployed_web["_links"]["pb:record-deployment"][0]["href"]
            .as_str()
            .expect("link")
            .to_owned();
        broker
            .post(record.trim_start_matches(&broker.url), &json!({}))
            .await;
        broker
            .post(
                publish.trim_start_matches(&broker.url),
                &json!({"success": false, "providerApplicationVersion": "a2"}),
            )
            .await;
        let no = can_i_deploy(&broker, "api", "a2").await;
        assert_eq!(no["summary"]["deployable"], false, "{url}: {no}");
        assert!(
            no["summary"]["reason"].as_str().unwrap_or("").contains(
                "The verification for the pact between version v1 of web and version a2 of api failed"
            ),
            "{no}"
        );
        let (status, single) = broker
            .get("/can-i-deploy?pacticipant=api&version=a1&environment=production")
            .await;
        assert_eq!(status, 200);
        assert_eq!(single["summary"]["deployable"], true, "{single}");

        // Different content for an existing consumer version: 409 with a diff, nothing stored.
        let (status, conflict) = broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "changed")])
            .await;
        assert_eq!(status, 409, "{conflict}");
        let diff = conflict["notices"][1]["text"].as_str().unwrap_or("");
        assert!(diff.contains("-") && diff.contains("\"changed\""), "{diff}");
        let (_, still) = broker.get("/pacts/provider/api/consumer/web/version/v1").await;
        assert_eq!(still["interactions"][0]["response"]["body"], json!({"name": "x"}));
        // The same content again is fine.
        let (status, same) = broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
            .await;
        assert_eq!(status, 200);
        assert!(
            same["notices"]
                .to_string()
                .contains("republished with no content changes")
        );

        let (_, list) = broker
            .get(&format!(
                "/environments/{env_uuid}/deployed-versions/currently-deployed?pacticipant=api"
            ))
            .await;
        assert_eq!(
            list["_embedded"]["deployedVersions"].as_array().map(Vec::len),
            Some(1)
        );
    }
}

#[tokio::test]
async fn overwriting_can_be_enabled() {
    for url in backends("overwrite").await {
        let mut config = BrokerConfig::new(url);
        config.allow_overwrite = true;
        let broker = start(config).await;
        broker
            .publish("web", "v1", None, &[pact("web", "api", "name")])
            .await;
        let (status, body) = broker
            .publish("web", "v1", None, &[pact("web", "api", "changed")])
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, latest) = broker.get("/pacts/provider/api/consumer/web/version/v1").await;
        assert_eq!(
            latest["interactions"][0]["response"]["body"],
            json!({"changed": "x"})
        );
    }
}

#[tokio::test]
async fn a_feature_branch_pact_is_wip_and_pending_not_selected_by_main() {
    for url in backends("wip").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
            .await;
        broker
            .publish("web", "f1", Some("feature-x"), &[pact("web", "api", "newfield")])
            .await;
        let main_only = pacts_for_verification(&broker, json!({"consumerVersionSelectors": [{"mainBranch": true}], "providerVersionBranch": "main", "includePendingStatus": true})).await;
        assert_eq!(main_only.len(), 1);
        let with_wip = pacts_for_verification(
            &broker,
            json!({"consumerVersionSelectors": [{"mainBranch": true}], "providerVersionBranch": "main", "includePendingStatus": true, "includeWipPactsSince": "2000-01-01"}),
        )
        .await;
        assert_eq!(with_wip.len(), 2, "{url}: {with_wip:?}");
        let wip = with_wip
            .iter()
            .find(|p| p["verificationProperties"]["wip"] == true)
            .expect("a WIP pact");
        assert_eq!(wip["verificationProperties"]["pending"], true);
        let (status, body) = broker
            .post(
                "/pacts/provider/api/for-verification",
                &json!({"consumerVersionSelectors": [{"foo": 1}]}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        // The GET the verifier navigates through answers too.
        let (status, get) = broker.get("/pacts/provider/api/for-verification").await;
        assert_eq!(status, 200);
        assert!(get["_links"]["self"]["href"].as_str().is_some());
    }
}

#[tokio::test]
async fn merging_publications_and_can_i_merge() {
    for url in backends("merge").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
            .await;
        let mut extra = pact("web", "api", "name");
        extra["interactions"][0]["description"] = json!("get other thing");
        let mut body = crate::publish_body("web", "v1", Some("main"), &[extra]);
        body["contracts"][0]["onConflict"] = json!("merge");
        let (status, merged) = broker.post("/contracts/publish", &body).await;
        assert_eq!(status, 200, "{url}: {merged}");
        assert!(
            merged["notices"]
                .to_string()
                .contains("merged with the existing content"),
            "{merged}"
        );
        let (_, stored) = broker.get("/pacts/provider/api/consumer/web/version/v1").await;
        assert_eq!(stored["interactions"].as_array().map(Vec::len), Some(2), "{url}");
        let mut clash = pact("web", "api", "different");
        clash["interactions"][0]["description"] = json!("get other thing");
        let mut body = crate::publish_body("web", "v1", Some("main"), &[clash]);
        body["contracts"][0]["onConflict"] = json!("merge");
        let (status, _) = broker.post("/contracts/publish", &body).await;
        assert_eq!(status, 409, "a merge conflict is refused");

        // can-i-merge: the provider's main branch head has not verified v1's content.
        broker.put("/pacticipants/api/branches/main/versions/a1").await;
        let (status, answer) = broker
            .get("/matrix?q%5B%5D%5Bpacticipant%5D=web&q%5B%5D%5Bversion%5D=v1&mainBranch=true&latest=true&latestby=cvp")
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_ne!(answer["summary"]["deployable"], true, "{answer}");
        assert!(
            answer["summary"]["reason"]
                .as_str()
                .unwrap_or("")
                .contains("version a1 of api"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn matrix_options_latestby_success_filter_limit_and_validation() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("matrix-options"))).await;
    broker
        .publish("web", "v1", Some("main"), &[pact("web", "api", "name")])
        .await;
    let selected = pacts_for_verification(
        &broker,
        json!({"consumerVersionSelectors": [{"mainBranch": true}]}),
    )
    .await;
    publish_result(&broker, &selected[0], "a1", false).await;
    publish_result(&broker, &selected[0], "a2", true).await;
    publish_result(&broker, &selected[0], "a3", true).await;

    let all = "/matrix?q[][pacticipant]=web&q[][version]=v1";
    let (status, every) = broker.get(all).await;
    assert_eq!(status, 200, "{every}");
    let providers = |body: &Value| -> Vec<String> {
        body["matrix"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| {
                        r["provider"]["version"]["number"]
                            .as_str()
                            .unwrap_or("-")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        providers(&every),
        ["a3", "a2", "a1"],
        "without latestby every verification is a row, newest first"
    );

    let (_, latest) = broker.get(&format!("{all}&latestby=cvp&latest=true")).await;
    assert_eq!(
        providers(&latest),
        ["a3"],
        "cvp keeps the latest provider version"
    );
    assert_eq!(latest["summary"]["deployable"], true);

    let (_, failed) = broker.get(&format!("{all}&success[]=false")).await;
    assert_eq!(providers(&failed), ["a1"]);
    let (_, limited) = broker.get(&format!("{all}&limit=2")).await;
    assert_eq!(providers(&limited), ["a3", "a2"]);

    for (query, message) in [
        ("&limit=0", "limit"),
        ("&latestby=sideways", "latestby"),
        ("&success[]=maybe", "success"),
        ("&q[][latest]=true", "cannot both"),
    ] {
        let (status, body) = broker.get(&format!("{all}{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["errors"].to_string().contains(message), "{query}: {body}");
    }
    broker
        .post(
            "/environments",
            &json!({"name": "production", "production": true}),
        )
        .await;
    let (status, body) = broker
        .get(&format!("{all}&latest=true&environment=production"))
        .await;
    assert_eq!(status, 400, "{body}");
}

/// The main branch's newest version no longer talks to this provider: its older version's pact
/// is still the one selected (the branch heads read for the whole request are only a shortcut).
#[tokio::test]
async fn main_branch_selects_the_newest_version_with_a_pact_for_this_provider() {
    for url in backends("main-head-without-pact").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        broker
            .publish("web", "v1", Some("main"), &[pact("web", "api", "old")])
            .await;
        broker
            .publish("web", "v2", Some("main"), &[pact("web", "other", "new")])
            .await;
        broker
            .publish("app", "a1", Some("main"), &[pact("app", "api", "app")])
            .await;
        let selectors = json!({"consumerVersionSelectors": [{"mainBranch": true}]});
        let pacts = pacts_for_verification(&broker, selectors).await;
        assert_eq!(pacts.len(), 2, "{url}: {pacts:#?}");
        let href = |p: &Value| {
            p["_links"]["self"]["href"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let web = pacts
            .iter()
            .find(|p| href(p).contains("/consumer/web/"))
            .unwrap_or_else(|| panic!("{url}: web's pact is selected: {pacts:#?}"));
        let why = web["verificationProperties"]["notices"][0]["text"].to_string();
        assert!(why.contains("consumer version v1"), "{url}: {why}");
        let (_, content) = broker.get(href(web).trim_start_matches(&broker.url)).await;
        assert_eq!(
            content["interactions"][0]["response"]["body"],
            json!({"old": "x"}),
            "{url}: v1's pact"
        );
    }
}

#[tokio::test]
async fn the_first_tag_of_a_new_version_becomes_its_branch_on_every_route_that_tags() {
    let broker = start(BrokerConfig::new(crate::sqlite_only("first-tag-branch"))).await;
    let branches = |name: &'static str, version: &'static str| {
        let broker = &broker;
        async move {
            let (_, answer) = broker.get(&format!("/pacticipants/{name}/branches")).await;
            let names: Vec<String> = answer["_embedded"]["branches"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| b["name"].as_str().map(str::to_owned))
                .collect();
            let (_, version_answer) = broker
                .get(&format!("/pacticipants/{name}/versions/{version}"))
                .await;
            (names, version_answer)
        }
    };
    // Publishing with tags and no branch.
    let mut body = crate::publish_body("web", "1", None, &[pact("web", "api", "name")]);
    body["tags"] = json!(["feat-a", "other"]);
    let (status, answer) = broker.post("/contracts/publish", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(branches("web", "1").await.0, vec!["feat-a".to_owned()]);
    // Tagging a version that the tag creates.
    let (status, answer) = broker.put("/pacticipants/mobile/versions/2/tags/feat-b").await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(branches("mobile", "2").await.0, vec!["feat-b".to_owned()]);
    // A version created with tags and no branch.
    let (status, answer) = broker
        .send(
            reqwest::Method::PUT,
            "/pacticipants/cli/versions/3",
            &json!({"tags": ["feat-c"]}),
        )
        .await;
    assert!(status == 200 || status == 201, "{answer}");
    assert_eq!(branches("cli", "3").await.0, vec!["feat-c".to_owned()]);
    // Not when a branch is given, nor for a later tag.
    let mut body = crate::publish_body("web", "4", Some("main"), &[pact("web", "api", "name")]);
    body["tags"] = json!(["feat-d"]);
    broker.post("/contracts/publish", &body).await;
    let (names, _) = branches("web", "4").await;
    assert!(!names.contains(&"feat-d".to_owned()), "{names:?}");
    broker.put("/pacticipants/web/versions/1/tags/late").await;
    let (names, _) = branches("web", "1").await;
    assert!(!names.contains(&"late".to_owned()), "{names:?}");
}
