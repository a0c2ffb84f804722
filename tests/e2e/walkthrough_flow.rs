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
    }
}
