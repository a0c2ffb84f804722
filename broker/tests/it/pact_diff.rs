//! Pact diffs through the API: the reference broker's `pb:diff-previous-distinct` and `pb:diff`
//! relations, answered by meaning on every backend.

use accord_broker::BrokerConfig;

use crate::{backends, pact, start};

#[tokio::test]
async fn a_pact_links_to_what_changed_since_its_previous_distinct_version() {
    for url in backends("pact-diff").await {
        let broker = start(BrokerConfig::new(url.clone())).await;
        for (version, field) in [("w1", "name"), ("w2", "name"), ("w3", "fullName")] {
            let (status, body) = broker
                .publish("web", version, Some("main"), &[pact("web", "api", field)])
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let (_, w3) = broker.get("/pacts/provider/api/consumer/web/version/w3").await;
        let link = w3["_links"]["pb:diff-previous-distinct"]["href"]
            .as_str()
            .expect("the relation");
        let (status, diff) = broker.get(link.trim_start_matches(&broker.url)).await;
        assert_eq!(status, 200, "{url}: {diff}");
        // w2 has the same content as w1: the previous distinct version of w3 is w2's content.
        assert_eq!(diff["before"]["consumerVersion"], "w2", "{diff}");
        assert_eq!(diff["after"]["consumerVersion"], "w3");
        assert_eq!(diff["added"], serde_json::json!([]));
        assert_eq!(diff["removed"], serde_json::json!([]));
        let changes = &diff["changed"][0]["changes"];
        let places: Vec<&str> = changes
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c["place"].as_str())
            .collect();
        assert_eq!(
            places,
            ["response body $.fullName", "response body $.name"],
            "{diff}"
        );
        assert!(diff["_links"]["pb:ui"]["href"].is_string());

        // pb:diff: this pact against any other content by hash.
        let (_, w1) = broker.get("/pacts/provider/api/consumer/web/version/w1").await;
        let w1_sha = w1["_links"]["pb:pact-version"]["href"]
            .as_str()
            .and_then(|h| h.rsplit('/').next())
            .expect("hash");
        let template = w3["_links"]["pb:diff"]["href"].as_str().expect("the relation");
        assert_eq!(w3["_links"]["pb:diff"]["templated"], true);
        let (status, by_hash) = broker
            .get(
                template
                    .replace("{pactVersion}", w1_sha)
                    .trim_start_matches(&broker.url),
            )
            .await;
        assert_eq!(status, 200, "{by_hash}");
        assert_eq!(by_hash["changed"], diff["changed"]);

        // The first version has nothing before it; an unknown hash is not found.
        let (status, body) = broker
            .get("/pacts/provider/api/consumer/web/version/w1/diff/previous-distinct")
            .await;
        assert_eq!(status, 404, "{body}");
        assert!(body.to_string().contains("distinct earlier version"), "{body}");
        let (status, _) = broker
            .get(&template.replace("{pactVersion}", "0000").replace(&broker.url, ""))
            .await;
        assert_eq!(status, 404);
    }
}
