//! The walkthrough's flow on SQLite and PostgreSQL: consumers publish, the provider verifies,
//! can-i-deploy says yes, the breaking change fails verification and can-i-deploy says no.

#[tokio::test]
async fn the_walkthrough_catches_the_breaking_change_on_every_backend() {
    let dir = crate::scratch("walkthrough");
    for url in tests::backends(&dir, "walkthrough").await {
        let broker = walkthrough::start_broker(&url).await.expect("broker starts");
        let work = dir.join(format!("work-{}", url.starts_with("postgres")));
        let mut out = Vec::new();
        let summary = walkthrough::run(&broker.url, &work, &mut out, false)
            .await
            .expect("walkthrough runs");
        let text = String::from_utf8_lossy(&out);
        for (pacticipant, version, yes) in &summary.released_can_deploy {
            assert!(
                yes,
                "{url}: {pacticipant} {version} should be deployable:\n{text}"
            );
        }
        assert!(summary.breaking_failed, "{text}");
        assert!(
            summary.breaking_report.contains("$.investmentManagerRef"),
            "names the renamed field:\n{}",
            summary.breaking_report
        );
        assert!(
            summary
                .breaking_report
                .contains("Expected 'Balanced' to match 'CONSERVATIVE|BALANCED|AGGRESSIVE'"),
            "names the changed enum value:\n{}",
            summary.breaking_report
        );
        assert!(
            summary
                .breaking_report
                .contains("investment-manager: 4 failure(s)"),
            "{}",
            summary.breaking_report
        );
        assert!(
            !summary.breaking_report.contains("portal-gateway: "),
            "the portal is unaffected:\n{}",
            summary.breaking_report
        );
        assert!(!summary.breaking_can_deploy);
        assert!(
            summary.breaking_reason.contains("The verification for the pact between version im-1.0.0 of investment-manager and version accounts-2.0.0 of accounts failed"),
            "{}",
            summary.breaking_reason
        );
        assert!(
            text.contains("4. can-i-deploy to production: investment-manager im-1.0.0: yes"),
            "{text}"
        );
        assert!(
            text.contains("/ui/deployments")
                && text.contains("/ui/webhooks")
                && text.contains("/ui/network?application=accounts"),
            "the walkthrough links to the pages: {text}"
        );
        // The gRPC pair: the tonic service as it is passes and is deployed; its next version,
        // whose .proto made `quantity` a string, fails naming the field and may not follow.
        assert!(
            text.contains("inventory-1.0.0 (a tonic service) verified 2 gRPC call(s)"),
            "{text}"
        );
        assert!(summary.grpc_breaking_failed, "{text}");
        assert!(
            summary.grpc_breaking_report.contains("$.quantity")
                && summary
                    .grpc_breaking_report
                    .contains("the pact's descriptors say it is an int32"),
            "names the field whose type changed:\n{}",
            summary.grpc_breaking_report
        );
        assert!(
            summary
                .grpc_breaking_report
                .contains("stock-dashboard: 1 failure(s)"),
            "only the stock reading breaks, not the unknown item:\n{}",
            summary.grpc_breaking_report
        );
        assert!(!summary.grpc_breaking_can_deploy);
        assert!(
            summary.grpc_breaking_reason.contains(
                "The verification for the pact between version dash-1.0.0 of stock-dashboard and version inventory-2.0.0 of inventory failed"
            ),
            "{}",
            summary.grpc_breaking_reason
        );
        // The gRPC pact's page shows its messages decoded.
        let page = reqwest::get(format!(
            "{}/ui/pacts/provider/inventory/consumer/stock-dashboard",
            broker.url
        ))
        .await
        .expect("the pact page")
        .text()
        .await
        .expect("its text");
        assert!(
            page.contains("/inventory.Inventory/GetItem") && page.contains("Blue mug"),
            "{page}"
        );
        // Before renaming investmentManagerRef, the provider team can see who needs it.
        let usage: serde_json::Value = reqwest::get(format!(
            "{}/pacts/provider/accounts/field-usage?q=investmentManagerRef",
            broker.url
        ))
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
        let fields = usage["fields"].as_array().cloned().unwrap_or_default();
        assert!(!fields.is_empty(), "{url}: {usage}");
        for field in &fields {
            assert_eq!(
                field["consumers"],
                serde_json::json!(["investment-manager"]),
                "{url}: only investment-manager relies on it: {usage}"
            );
        }
        the_pages_answer_why_what_changed_and_who_talks_to_whom(&broker.url).await;
    }
}

async fn page(url: &str) -> String {
    let response = reqwest::get(url).await.expect("sent");
    assert_eq!(response.status(), 200, "{url}");
    response.text().await.expect("html")
}

/// The last `href` before `marker` in `html` (the link a text like "failed for X" stands in),
/// made absolute.
fn link_before(broker: &str, html: &str, marker: &str) -> String {
    let from = html
        .find(marker)
        .unwrap_or_else(|| panic!("'{marker}' in:\n{html}"));
    let before = &html[..from];
    let start = before.rfind("href=\"").expect("its link") + 6;
    let end = before[start..].find('"').expect("end") + start;
    format!("{broker}/{}", &before[start..end])
}

/// The first `href` after `marker` in `html`, made absolute.
fn link_after(broker: &str, html: &str, marker: &str) -> String {
    let from = html
        .find(marker)
        .unwrap_or_else(|| panic!("'{marker}' in:\n{html}"));
    let rest = &html[from..];
    let start = rest.find("href=\"").map(|i| i + 6).expect("a link");
    let end = rest[start..].find('"').expect("the link's end") + start;
    format!("{broker}/{}", rest[start..end].replace("&amp;", "&"))
}

/// After the walkthrough, from `/ui`: can-i-deploy of accounts-2.0.0 to production says no
/// and links to the failing verification, which shows its four failed interactions with their
/// mismatches; the diff between two published versions of a pact; the network diagram.
async fn the_pages_answer_why_what_changed_and_who_talks_to_whom(broker: &str) {
    let index = page(&format!("{broker}/ui")).await;
    assert!(
        index.contains("ui/network") && index.contains("ui/can-i-deploy"),
        "{index}"
    );

    let versions = page(&format!("{broker}/ui/pacticipants/accounts")).await;
    let can_i_deploy = link_after(broker, &versions, "<td>accounts-2.0.0</td>");
    assert!(
        can_i_deploy.contains("version=accounts-2.0.0&environment=production"),
        "{can_i_deploy}"
    );
    let answer = page(&can_i_deploy).await;
    assert!(answer.contains("<strong>No</strong>"), "{answer}");
    assert!(
        answer.contains("The verification for the pact between version im-1.0.0 of investment-manager and version accounts-2.0.0 of accounts failed"),
        "{answer}"
    );
    let failing = link_before(broker, &answer, "failed for accounts-2.0.0");
    let result = page(&failing).await;
    assert!(result.contains("failed"), "{result}");
    assert_eq!(
        result.matches("<h3 class=\"failed\">").count(),
        4,
        "four failed interactions:\n{result}"
    );
    assert!(result.contains("Verified by accord"), "{result}");
    assert!(result.contains("$.investmentManagerRef"), "{result}");
    assert!(
        result.contains("Expected &#39;Balanced&#39; to match")
            || result.contains("Expected 'Balanced' to match"),
        "{result}"
    );
    assert!(result.contains("class=\"diff\""), "the focused diffs:\n{result}");

    let pact = page(&format!(
        "{broker}/ui/pacts/provider/accounts/consumer/investment-manager"
    ))
    .await;
    let diff = page(&link_after(broker, &pact, "id=\"diff-previous\"")).await;
    assert!(diff.contains("im-0.9.0") && diff.contains("im-1.0.0"), "{diff}");
    assert!(diff.contains("Added interactions"), "{diff}");
    assert!(diff.contains("a request to open an account"), "{diff}");

    let network = page(&format!("{broker}/ui/network")).await;
    for name in ["investment-manager", "portal-gateway", "accounts"] {
        assert!(
            network.contains(&format!("ui/network?application={name}")),
            "{name}: {network}"
        );
    }
    assert!(network.contains("<svg"), "{network}");
    let board = page(&format!("{broker}/ui/deployments")).await;
    assert!(
        board.contains("accounts-1.0.0") && board.contains("inventory-1.0.0") && board.contains("deployed"),
        "what is deployed where:\n{board}"
    );

    // The gRPC verification that failed reads as messages: the expected item decoded, and the
    // provider's answer decoded as far as it goes, its quantity shown as the text it became.
    let answer = page(&format!(
        "{broker}/ui/can-i-deploy?pacticipant=inventory&version=inventory-2.0.0&environment=production"
    ))
    .await;
    assert!(answer.contains("<strong>No</strong>"), "{answer}");
    let failing = link_before(broker, &answer, "failed for inventory-2.0.0");
    let result = page(&failing).await;
    assert!(result.contains("inventory.Inventory/GetItem"), "{result}");
    assert!(result.contains("$.quantity"), "{result}");
    assert!(
        result.contains("12 units")
            && (result.contains("&quot;quantity&quot;: 12") || result.contains("\"quantity\": 12")),
        "both messages decoded in the diff:\n{result}"
    );
}
