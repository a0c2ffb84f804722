//! The pages at the size of a real estate: 100 applications in four tiers (front ends, gateways,
//! services, core systems) with realistic names and team labels, 300 integrations between
//! them, each consumer's pacts published, most verified and some failing. The network picture
//! stays within 2,400 × 2,400 px with every application and integration on it and linked; the
//! focused picture, the label filter and "failing only" show what they say. The integrations
//! index lists the failing first, then the never verified, a page at a time, filtered by name,
//! label and standing. The deployment board shows what is deployed where and whether the main
//! branch's newest may follow. In Chromium, the pages are opened and kept as screenshots under
//! `target/ui-screenshots/`.

use std::collections::{BTreeMap, BTreeSet};

use accord_broker::BrokerConfig;
use serde_json::json;

use crate::{Broker, pact, start};

const TEAMS: [&str; 5] = [
    "team-checkout",
    "team-catalog",
    "team-identity",
    "team-fulfilment",
    "team-platform",
];

/// The estate: applications by tier, integrations (consumer, provider), and which fail.
struct Estate {
    applications: Vec<String>,
    integrations: Vec<(String, String)>,
    failing: BTreeSet<(String, String)>,
    labels: BTreeMap<String, &'static str>,
}

/// A deterministic estate of `100` applications and `300` integrations.
fn estate() -> Estate {
    let domains = [
        "orders",
        "payments",
        "catalog",
        "search",
        "accounts",
        "pricing",
        "inventory",
        "shipping",
        "returns",
        "loyalty",
        "reviews",
        "invoices",
        "customers",
        "promotions",
        "notifications",
        "recommendations",
        "fraud",
        "ledger",
        "tax",
        "carts",
        "wishlists",
        "identity",
        "sessions",
        "media",
        "reports",
    ];
    let tiers: [(&str, usize); 4] = [("web", 15), ("gateway", 25), ("api", 40), ("store", 20)];
    let mut by_tier: Vec<Vec<String>> = Vec::new();
    let mut k = 0;
    for (suffix, count) in tiers {
        let mut tier = Vec::new();
        for i in 0..count {
            let domain = domains[k % domains.len()];
            k += 7;
            let name = if i < domains.len() {
                format!("{domain}-{suffix}")
            } else {
                format!("{domain}-{suffix}-{}", i / domains.len() + 1)
            };
            tier.push(name);
        }
        tier.sort();
        tier.dedup();
        by_tier.push(tier);
    }
    let applications: Vec<String> = by_tier.iter().flatten().cloned().collect();
    assert_eq!(applications.len(), 100, "{applications:?}");
    // A small linear congruential generator: the same estate every run.
    let mut seed: u64 = 42;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap_or(0) % n
    };
    let mut integrations = BTreeSet::new();
    // Every application takes part: each front end calls a gateway, and each application
    // below the front ends has a consumer in the tier above.
    for consumer in &by_tier[0] {
        let provider = &by_tier[1][next(by_tier[1].len())];
        integrations.insert((consumer.clone(), provider.clone()));
    }
    for tier in 1..by_tier.len() {
        for provider in &by_tier[tier] {
            let consumer = &by_tier[tier - 1][next(by_tier[tier - 1].len())];
            integrations.insert((consumer.clone(), provider.clone()));
        }
    }
    while integrations.len() < 300 {
        // Mostly one tier down; a fifth of the calls skip a tier (a front end calling an API).
        let from = next(3);
        let to = if from < 2 && next(5) == 0 {
            from + 2
        } else {
            from + 1
        };
        let consumer = &by_tier[from][next(by_tier[from].len())];
        let provider = &by_tier[to][next(by_tier[to].len())];
        integrations.insert((consumer.clone(), provider.clone()));
    }
    let integrations: Vec<(String, String)> = integrations.into_iter().collect();
    let failing = integrations
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 13 == 0)
        .map(|(_, pair)| pair.clone())
        .collect();
    let labels = applications
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), TEAMS[i % TEAMS.len()]))
        .collect();
    Estate {
        applications,
        integrations,
        failing,
        labels,
    }
}

/// Publishes the estate: one version per consumer with its pacts, a verification of most
/// integrations (the failing ones failed), and each application's team label.
async fn seed(broker: &Broker, estate: &Estate) {
    let mut by_consumer: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (consumer, provider) in &estate.integrations {
        by_consumer.entry(consumer).or_default().push(provider);
    }
    for (consumer, providers) in &by_consumer {
        let pacts: Vec<_> = providers.iter().map(|p| pact(consumer, p, "id")).collect();
        let (status, body) = broker.publish(consumer, "1.0.0", Some("main"), &pacts).await;
        assert_eq!(status, 200, "{body}");
    }
    for (i, (consumer, provider)) in estate.integrations.iter().enumerate() {
        let failed = estate.failing.contains(&(consumer.clone(), provider.clone()));
        // Every fifth integration is left unverified.
        if !failed && i % 5 == 4 {
            continue;
        }
        broker
            .verify(
                consumer,
                "1.0.0",
                provider,
                &json!({"success": !failed, "providerApplicationVersion": "2.0.0"}),
            )
            .await;
    }
    // Two environments; every third application deployed to production (a provider at the
    // version that verified it), every ninth also to staging.
    for (name, production) in [("production", true), ("staging", false)] {
        let (status, body) = broker
            .post("/environments", &json!({"name": name, "production": production}))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    for name in deployed(estate) {
        let (status, _) = broker.get(&format!("/pacticipants/{name}/versions/1.0.0")).await;
        let version = if status == 200 { "1.0.0" } else { "2.0.0" };
        let (status, _) = broker
            .get(&format!("/pacticipants/{name}/versions/{version}"))
            .await;
        if status != 200 {
            continue;
        }
        broker.deploy_to(name, version, "production").await;
        if estate
            .applications
            .iter()
            .position(|a| a == name)
            .is_some_and(|i| i % 9 == 0)
        {
            broker.deploy_to(name, version, "staging").await;
        }
    }
    for (name, label) in &estate.labels {
        let (status, body) = broker.put(&format!("/pacticipants/{name}/labels/{label}")).await;
        assert!(status == 200 || status == 201, "{body}");
    }
}

/// The applications deployed to production: every third.
fn deployed(estate: &Estate) -> impl Iterator<Item = &String> {
    estate.applications.iter().step_by(3)
}

async fn page(broker: &Broker, path: &str) -> String {
    let (status, text) = broker.get_text(path, &[]).await;
    assert_eq!(status, 200, "{path}: {text}");
    text
}

/// The number after `name="` in the picture's opening tag.
fn attribute(svg: &str, name: &str) -> i64 {
    let start = svg.find("<svg").expect("a picture");
    let tag = &svg[start..start + svg[start..].find('>').expect("the tag's end")];
    let key = format!(" {name}=\"");
    let from = tag.find(&key).expect("the attribute") + key.len();
    let value = &tag[from..from + tag[from..].find('"').expect("its end")];
    value.parse().expect("a number")
}

/// The integrations a picture draws, as (consumer, provider).
fn drawn(svg: &str) -> BTreeSet<(String, String)> {
    svg.split("href=\"ui/matrix?consumer=")
        .skip(1)
        .filter_map(|rest| {
            let link = &rest[..rest.find('"')?];
            let (consumer, provider) = link.split_once("&amp;provider=")?;
            Some((consumer.to_owned(), provider.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn a_hundred_applications_fit_one_readable_picture_with_everything_linked() {
    let estate = estate();
    for url in crate::backends("estate-network").await {
        let mut config = BrokerConfig::new(&url);
        config.webhooks = accord_broker::WebhookPolicy::loopback();
        config.webhook_retry_delays = vec![std::time::Duration::from_millis(20)];
        let broker = start(config).await;
        seed(&broker, &estate).await;

        let whole = page(&broker, "/ui/network").await;
        let (width, height) = (attribute(&whole, "width"), attribute(&whole, "height"));
        assert!(
            width <= 2400 && height <= 2400,
            "{url}: the picture is {width} × {height} px"
        );
        for name in &estate.applications {
            assert!(
                whole.contains(&format!("href=\"ui/network?application={name}\"")),
                "{url}: {name} is on the picture, linked to its focused picture"
            );
        }
        let all: BTreeSet<(String, String)> = estate.integrations.iter().cloned().collect();
        assert_eq!(
            drawn(&whole),
            all,
            "{url}: every integration, linked to its matrix"
        );
        // Failing integrations are drawn last, on top of the others.
        let last_passing = whole
            .rfind("class=\"integration verified\"")
            .expect("a verified one");
        let first_failing = whole
            .find("class=\"integration verification-failed\"")
            .expect("a failed one");
        assert!(first_failing > last_passing, "{url}: failing arrows on top");

        let failing = page(&broker, "/ui/network?failing=true").await;
        assert_eq!(drawn(&failing), estate.failing, "{url}: failing only");

        let team = "team-checkout";
        let labelled = page(&broker, &format!("/ui/network?label={team}")).await;
        let shown = drawn(&labelled);
        assert!(!shown.is_empty(), "{url}: the team has integrations");
        for (consumer, provider) in &shown {
            assert!(
                estate.labels[consumer] == team || estate.labels[provider] == team,
                "{url}: {consumer} → {provider} touches no {team} application"
            );
        }
        let expected_team = all
            .iter()
            .filter(|(c, p)| estate.labels[c] == team || estate.labels[p] == team)
            .count();
        assert_eq!(shown.len(), expected_team, "{url}");

        // One application: its consumers and providers, and a second hop on request.
        let centre = &estate.integrations[0].1;
        let focused = page(&broker, &format!("/ui/network?application={centre}")).await;
        let near: BTreeSet<(String, String)> = all
            .iter()
            .filter(|(c, p)| c == centre || p == centre)
            .cloned()
            .collect();
        assert_eq!(drawn(&focused), near, "{url}: one hop around {centre}");
        assert!(
            focused.contains(&format!("href=\"ui/pacticipants/{centre}\"")),
            "{url}: the focused picture links to the application's page"
        );
        let two = drawn(&page(&broker, &format!("/ui/network?application={centre}&hops=2")).await);
        assert!(two.len() > near.len() && two.is_superset(&near), "{url}");
        let (status, _) = broker
            .get_text("/ui/network?application=no-such-application", &[])
            .await;
        assert_eq!(status, 404, "{url}");
        let application = page(&broker, &format!("/ui/pacticipants/{centre}")).await;
        assert!(
            application.contains(&format!("ui/network?application={centre}")),
            "{url}: the application's page links to its picture"
        );

        the_index_puts_failing_first_and_filters(&broker, &estate, &url).await;
        the_board_shows_what_is_deployed_where(&broker, &estate, &url).await;

        let hook = a_failing_webhook_delivers(&broker, &estate).await;

        if url.starts_with("sqlite") {
            screenshots(&broker, centre, &hook).await;
        }
    }
}

/// The rows of an index page as (consumer, provider, standing).
fn index_rows(html: &str) -> Vec<(String, String, String)> {
    html.split("<tr class=\"")
        .skip(1)
        .filter_map(|row| {
            let standing = &row[..row.find('"')?];
            let link = row.split("ui/matrix?consumer=").nth(1)?;
            let link = &link[..link.find('"')?];
            let (consumer, provider) = link.split_once("&amp;provider=")?;
            Some((consumer.to_owned(), provider.to_owned(), standing.to_owned()))
        })
        .collect()
}

/// The index: failing integrations first, then those never verified, 50 to a page, with
/// relative times; filters by name, label and standing.
async fn the_index_puts_failing_first_and_filters(broker: &Broker, estate: &Estate, url: &str) {
    let first = page(broker, "/ui").await;
    let rows = index_rows(&first);
    assert_eq!(rows.len(), 50, "{url}: a page of 50");
    let failing = estate.failing.len();
    assert!(
        rows[..failing].iter().all(|(_, _, s)| s == "failing"),
        "{url}: the {failing} failing integrations come first: {rows:?}"
    );
    assert!(
        rows[failing..].iter().all(|(_, _, s)| s == "unverified"),
        "{url}: then the never-verified: {rows:?}"
    );
    assert!(first.contains(&format!("{failing} failing")), "{url}");
    assert!(first.contains("page 1 of 6 (300 integration(s))"), "{url}");
    assert!(
        first.contains("<time datetime=\"")
            && (first.contains("just now</time>") || first.contains("ago</time>")),
        "{url}: relative times with the exact one on hover"
    );
    // Every integration once across the pages.
    let mut seen = BTreeSet::new();
    for n in 1..=6 {
        for (c, p, _) in index_rows(&page(broker, &format!("/ui?page={n}")).await) {
            assert!(seen.insert((c, p)), "{url}: shown twice");
        }
    }
    assert_eq!(seen.len(), 300, "{url}");
    let only_failing = index_rows(&page(broker, "/ui?status=failing").await);
    assert_eq!(only_failing.len(), failing, "{url}");
    let team = "team-identity";
    let labelled = index_rows(&page(broker, &format!("/ui?label={team}")).await);
    assert!(!labelled.is_empty());
    for (c, p, _) in &labelled {
        assert!(
            estate.labels[c] == team || estate.labels[p] == team,
            "{url}: {c} → {p}"
        );
    }
    let named = index_rows(&page(broker, "/ui?q=ledger").await);
    assert!(!named.is_empty());
    assert!(
        named
            .iter()
            .all(|(c, p, _)| c.contains("ledger") || p.contains("ledger")),
        "{url}: {named:?}"
    );
}

/// The deployment board: every application once across its pages, each deployed version in its
/// environment's column linked to can-i-deploy, and can-i-deploy's word on the main branch's
/// newest version.
async fn the_board_shows_what_is_deployed_where(broker: &Broker, estate: &Estate, url: &str) {
    let mut all = String::new();
    for n in 1..=5 {
        let text = page(broker, &format!("/ui/deployments?page={n}")).await;
        assert!(
            text.contains("Production (production)") && text.contains("Staging"),
            "{url}"
        );
        assert_eq!(text.matches("<tr>").count(), 21, "{url}: 20 applications a page");
        assert!(!text.contains("page=6"), "{url}: five pages");
        all.push_str(&text);
    }
    for name in &estate.applications {
        assert!(
            all.contains(&format!("href=\"ui/pacticipants/{name}\"")),
            "{url}: {name}"
        );
    }
    for name in deployed(estate) {
        let link = format!("ui/can-i-deploy?pacticipant={name}&amp;version=");
        let row = &all[all
            .find(&format!("href=\"ui/pacticipants/{name}\""))
            .expect("its row")..];
        let row = &row[..row.find("</tr>").expect("the row's end")];
        assert!(
            row.contains(&link) && row.contains("deployed"),
            "{url}: {name} is shown deployed, linked to can-i-deploy: {row}"
        );
    }
    assert!(all.contains("may follow"), "{url}");
    assert!(all.contains("may not follow"), "{url}");
}

/// A webhook for the checkout team's consumers whose target answers 500: one more version of
/// a consumer is published, the delivery fails twice (a retry), and the webhook's page says
/// why. Its uuid.
async fn a_failing_webhook_delivers(broker: &Broker, estate: &Estate) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let target = format!("http://{}/build", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(|| async {
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "the build queue is full",
            )
        });
        let _ = axum::serve(listener, app).await;
    });
    let consumer = estate
        .integrations
        .iter()
        .map(|(c, _)| c)
        .find(|c| estate.labels[*c] == "team-checkout")
        .expect("a checkout consumer");
    let hook = json!({"description": "start the checkout team's build", "events": [{"name": "contract_published"}],
        "consumer": {"label": "team-checkout"},
        "request": {"method": "POST", "url": target, "headers": {"Authorization": "Bearer CHECKOUT-TOKEN"}}});
    let (status, created) = broker.post("/webhooks", &hook).await;
    assert_eq!(status, 201, "{created}");
    let uuid = created["uuid"].as_str().expect("uuid").to_owned();
    let providers: Vec<_> = estate
        .integrations
        .iter()
        .filter(|(c, _)| c == consumer)
        .map(|(c, p)| pact(c, p, "fullName"))
        .collect();
    let (status, body) = broker.publish(consumer, "1.1.0", Some("main"), &providers).await;
    assert_eq!(status, 200, "{body}");
    accord_test_support::eventually(
        "the webhook's delivery to fail for good",
        accord_test_support::DEFAULT_WAIT,
        || async {
            let (_, deliveries) = broker.get(&format!("/webhooks/{uuid}/deliveries")).await;
            deliveries["deliveries"]
                .as_array()
                .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d["status"] == "failure"))
        },
    )
    .await;
    let (status, page) = broker.get_text(&format!("/ui/webhooks/{uuid}"), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("the target answered HTTP 500") && page.contains("<td>2</td>"),
        "the delivery, its two attempts and why they failed: {page}"
    );
    assert!(!page.contains("CHECKOUT-TOKEN"), "redacted: {page}");
    let (_, mine) = broker
        .get_text(&format!("/ui/pacticipants/{consumer}/webhooks"), &[])
        .await;
    assert!(mine.contains("start the checkout team"), "{mine}");
    uuid
}

/// The whole picture and a focused one in Chromium, kept as screenshots; the picture's
/// applications are in the DOM Chromium built.
async fn screenshots(broker: &Broker, centre: &str, hook: &str) {
    let Some(chromium) = crate::ui::chromium() else {
        return;
    };
    let around = format!("pacticipants/{centre}");
    for (name, path, expected) in [
        (
            "estate-network",
            "/ui/network".to_owned(),
            format!("application={centre}"),
        ),
        (
            "estate-network-focused",
            format!("/ui/network?application={centre}"),
            around,
        ),
        (
            "estate-network-failing",
            "/ui/network?failing=true".to_owned(),
            "verification failed".to_owned(),
        ),
        ("estate-index", "/ui".to_owned(), "never verified".to_owned()),
        (
            "estate-webhooks",
            "/ui/webhooks".to_owned(),
            "start the checkout team".to_owned(),
        ),
        (
            "estate-webhook",
            format!("/ui/webhooks/{hook}"),
            "the target answered HTTP 500".to_owned(),
        ),
        (
            "estate-deployments",
            "/ui/deployments".to_owned(),
            "may follow".to_owned(),
        ),
    ] {
        let dom =
            crate::ui::open_in_chromium(&chromium, &format!("{}{path}", broker.url), name, "2400,2400").await;
        if path.starts_with("/ui/network") {
            assert!(dom.contains("<svg"), "Chromium's DOM of {path} has the picture");
        }
        assert!(
            dom.contains(&expected),
            "Chromium's DOM of {path} shows '{expected}'"
        );
    }
}
